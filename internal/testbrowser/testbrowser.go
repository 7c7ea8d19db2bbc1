// Package testbrowser drives a real headless Chromium (through chromedp) for
// the browser tests of incroci's widgets: it starts the browser, opens tabs,
// clicks and types inside open Shadow DOM like a person would, runs axe-core
// on every view, and keeps a screenshot when a test fails.
//
//	ctx := testbrowser.New(t)                    // one browser per test function
//	testbrowser.Navigate(t, ctx, site.URL+"/")
//	testbrowser.Type(t, ctx, "incroci-signin >>> #email", "op@comune.lodi.it\r")
//	testbrowser.WaitFor(t, ctx, "incroci-signin >>> #code")
//	testbrowser.Axe(t, ctx, "code form")
//
// Elements are named by paths: CSS selectors joined by " >>> ", each ">>>"
// stepping into the open shadow root of the element matched so far, so
// "incroci-console >>> #people tbody tr" is
// document.querySelector('incroci-console').shadowRoot.querySelector('#people tbody tr').
//
// Chromium is Debian's chromium (or another Chrome found on PATH). When it is
// missing the tests skip with a message, and fail when CI=true; the same goes
// for axe-core, which is the npm package axe-core installed at the module
// root (npm ci). Every tab fails its test on an uncaught JavaScript exception
// and on a Content-Security-Policy violation, both of which a widget must
// never cause.
package testbrowser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	cdptarget "github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// EnvScreenshots names a folder where screenshots are kept. When it is not
// set, Screenshot writes to the test's temporary folder (removed after the
// test) and the screenshot of a failed test goes to a fresh folder under the
// system's temporary folder, whose name the test log gives.
const EnvScreenshots = "INCROCI_SCREENSHOTS"

// Timeout is how long Wait and WaitFor wait before failing the test: 10 s,
// or 30 s in CI, where the race detector slows everything down and one
// slow moment must not fail a run.
var Timeout = func() time.Duration {
	if os.Getenv("CI") == "true" {
		return 30 * time.Second
	}
	return 10 * time.Second
}()

// Executables are the names of the browsers New looks for on PATH, in order.
var Executables = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"}

// tab is what the package keeps about one tab.
type tab struct {
	t testing.TB

	mu     sync.Mutex
	errors []string // uncaught exceptions and CSP violations, not yet reported
}

type tabKey struct{}

func tabOf(ctx context.Context) *tab {
	tb, _ := ctx.Value(tabKey{}).(*tab)
	return tb
}

// skipOrFail skips the test, or fails it when CI=true.
func skipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("testbrowser: %s; CI=true, so browser tests must run", msg)
	}
	t.Skipf("testbrowser: %s: skipping the browser test", msg)
}

// New starts a headless Chromium for the test (closed when it ends) and
// returns the chromedp context of its first tab, ready for Navigate. Call it
// once per test function and open more tabs with [Tab]. It skips the test
// when no Chromium is on PATH or axe-core is not installed (fails it when
// CI=true).
func New(t testing.TB) context.Context {
	t.Helper()
	var exe string
	for _, name := range Executables {
		if p, err := exec.LookPath(name); err == nil {
			exe = p
			break
		}
	}
	if exe == "" {
		skipOrFail(t, "no Chromium on PATH (looked for %s; on Debian: apt-get install chromium)", strings.Join(Executables, ", "))
	}
	// Every view gets checked with axe-core: without it, skip before the browser starts.
	if _, err := axeOnce(); err != nil {
		skipOrFail(t, "%v", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests may run as root, in a container
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(1280, 1000),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("lang", "it-IT"),
		// No user-data-dir: chromedp makes a fresh one and removes it afterwards.
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc) // runs last: waits for the browser to exit
	tb := &tab{t: t}
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(tb.listen))
	t.Cleanup(cancel)
	// The first Run starts the browser and binds it to ctx: no timeout here.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("testbrowser: start %s: %v", exe, err)
	}
	return tb.setup(ctx)
}

// Tab opens a new tab in the browser of ctx (a context from [New] or Tab),
// with its own sessionStorage, closed when the test t ends. Use one tab per
// subtest, or one per person signed in.
func Tab(t testing.TB, ctx context.Context) context.Context {
	t.Helper()
	tb := &tab{t: t}
	tctx, cancel := chromedp.NewContext(ctx, chromedp.WithListener(tb.listen))
	t.Cleanup(cancel)
	if err := chromedp.Do(tctx); err != nil {
		t.Fatalf("testbrowser: open tab: %v", err)
	}
	return tb.setup(tctx)
}

// Opened runs action (a click on a link that opens a new tab, say) in the
// tab of ctx and returns the context of the page it opened, whose address
// contains part, attached like [Tab]'s (closed when the test ends, its
// errors failing the test). It finds the page among the browser's targets,
// so it also finds one opened with rel=noopener, which names no opener.
func Opened(t testing.TB, ctx context.Context, part string, action func()) context.Context {
	t.Helper()
	pages := func() map[cdptarget.ID]*cdptarget.Info {
		list, err := chromedp.Targets(ctx)
		if err != nil {
			t.Fatalf("testbrowser: list the tabs: %v", err)
		}
		out := map[cdptarget.ID]*cdptarget.Info{}
		for _, i := range list {
			if i.Type == "page" {
				out[i.TargetID] = i
			}
		}
		return out
	}
	before := pages()
	action()
	end := time.Now().Add(3 * Timeout)
	for {
		for id, i := range pages() {
			if before[id] == nil && strings.Contains(i.URL, part) {
				tb := &tab{t: t}
				tctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(id), chromedp.WithListener(tb.listen))
				t.Cleanup(cancel)
				if err := chromedp.Do(tctx); err != nil {
					t.Fatalf("testbrowser: attach to the tab at %s: %v", i.URL, err)
				}
				return tb.setup(tctx)
			}
		}
		if time.Now().After(end) {
			t.Fatalf("testbrowser: no new tab opened at an address with %q", part)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// cspScript runs before any script of every document: it reports CSP
// violations to the console, where listen picks them up (some, like those of
// Trusted Types or of a blocked stylesheet, reach the Log domain late or not
// at all).
const cspScript = `addEventListener('securitypolicyviolation', (e) => console.error('testbrowser: CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' (' + (e.sourceFile || '') + ':' + e.lineNumber + ')'), true);`

func (tb *tab) setup(ctx context.Context) context.Context {
	t := tb.t
	t.Helper()
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("testbrowser: enable log: %v", err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspScript}); err != nil {
		t.Fatalf("testbrowser: add CSP listener: %v", err)
	}
	ctx = context.WithValue(ctx, tabKey{}, tb)
	// Cleanups run last-in first-out: this one runs before the tab closes.
	t.Cleanup(func() {
		if t.Failed() {
			saveFailure(t, ctx)
		}
		tb.report()
	})
	return ctx
}

// listen runs on chromedp's reader goroutine: it must only record.
func (tb *tab) listen(ev any) {
	var msg string
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		msg = fmt.Sprintf("uncaught JavaScript exception: %s (%s:%d)", text, d.URL, d.LineNumber+1)
	case *runtime.EventConsoleAPICalled:
		if e.Type != runtime.ConsoleAPICalledTypeError || len(e.Args) == 0 {
			return
		}
		var s string
		if json.Unmarshal(e.Args[0].Value, &s) != nil || !strings.HasPrefix(s, "testbrowser: CSP violation") {
			return
		}
		msg = strings.TrimPrefix(s, "testbrowser: ")
	case *cdplog.EventEntryAdded:
		if e.Entry.Source != cdplog.EntrySourceSecurity || e.Entry.Level != cdplog.EntryLevelError {
			return
		}
		msg = "security error: " + e.Entry.Text
	default:
		return
	}
	tb.mu.Lock()
	tb.errors = append(tb.errors, msg)
	tb.mu.Unlock()
}

// report fails the test with the exceptions and violations seen and not yet
// reported.
func (tb *tab) report() {
	tb.mu.Lock()
	errs := tb.errors
	tb.errors = nil
	tb.mu.Unlock()
	seen := map[string]bool{}
	for _, e := range errs {
		if !seen[e] {
			seen[e] = true
			tb.t.Errorf("testbrowser: %s", e)
		}
	}
}

// CheckErrors fails the test now with every uncaught exception and CSP
// violation the tab has seen since the last check. Tabs also check when the
// test ends; call it to learn which step caused them.
func CheckErrors(t testing.TB, ctx context.Context) {
	t.Helper()
	// Events arrive asynchronously: a round trip lets pending ones in.
	chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`0`))
	if tb := tabOf(ctx); tb != nil {
		tb.report()
	}
}

// Navigate opens url in the tab and waits for the page to load.
func Navigate(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, 3*Timeout)
	defer cancel()
	if err := chromedp.Do(cctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("testbrowser: navigate to %s: %v", url, err)
	}
}

// Reload reloads the page and waits for it to load.
func Reload(t testing.TB, ctx context.Context) {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, 3*Timeout)
	defer cancel()
	if err := chromedp.Do(cctx, chromedp.Reload()); err != nil {
		t.Fatalf("testbrowser: reload: %v", err)
	}
}

// Eval evaluates the JavaScript expression in the page (awaiting it when it
// is a promise) and decodes its value into T, failing the test on an
// exception.
func Eval[T any](t testing.TB, ctx context.Context, js string) T {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, 3*Timeout)
	defer cancel()
	v, err := chromedp.Run(cctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("testbrowser: evaluate %s: %v", short(js), err)
	}
	return v
}

// Query returns a JavaScript expression for the element at path (see the
// package documentation), or null when there is none.
func Query(path string) string {
	steps := strings.Split(path, ">>>")
	for i := range steps {
		steps[i] = strings.TrimSpace(steps[i])
	}
	b, _ := json.Marshal(steps)
	return `((s) => { let n = null; for (let i = 0; i < s.length; i++) { const r = i ? n.shadowRoot : document; n = r && r.querySelector(s[i]); if (!n) return null; } return n; })(` + string(b) + `)`
}

// QueryAll returns a JavaScript expression for the array of the elements that
// the last step of path matches.
func QueryAll(path string) string {
	i := strings.LastIndex(path, ">>>")
	if i < 0 {
		b, _ := json.Marshal(strings.TrimSpace(path))
		return `[...document.querySelectorAll(` + string(b) + `)]`
	}
	b, _ := json.Marshal(strings.TrimSpace(path[i+3:]))
	return `((h) => h && h.shadowRoot ? [...h.shadowRoot.querySelectorAll(` + string(b) + `)] : [])(` + Query(path[:i]) + `)`
}

// Wait waits until the JavaScript expression is truthy, failing the test
// after Timeout with a dump of the page's widgets.
func Wait(t testing.TB, ctx context.Context, js string) {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	_, err := chromedp.Run(cctx, chromedp.Poll[chromedp.Void]("!!("+js+")", chromedp.WithPollingTimeout(0), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		t.Fatalf("testbrowser: waiting for %s: %v\npage now: %s", short(js), err, dump(ctx))
	}
}

// WaitFor waits until the element at path exists.
func WaitFor(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	Wait(t, ctx, Query(path))
}

// WaitText waits until the text of the element at path contains want.
func WaitText(t testing.TB, ctx context.Context, path, want string) {
	t.Helper()
	b, _ := json.Marshal(want)
	Wait(t, ctx, `(`+Query(path)+`)?.textContent.includes(`+string(b)+`)`)
}

// Exists reports whether the element at path exists now.
func Exists(t testing.TB, ctx context.Context, path string) bool {
	t.Helper()
	return Eval[bool](t, ctx, `!!(`+Query(path)+`)`)
}

// Text returns the text content of the element at path, with runs of
// white space made one space and trimmed; it fails the test when there is no
// such element.
func Text(t testing.TB, ctx context.Context, path string) string {
	t.Helper()
	s := Eval[*string](t, ctx, `(`+Query(path)+`)?.textContent ?? null`)
	if s == nil {
		t.Fatalf("testbrowser: no element at %q\npage now: %s", path, dump(ctx))
	}
	return strings.Join(strings.Fields(*s), " ")
}

// Value returns the value of the form field at path.
func Value(t testing.TB, ctx context.Context, path string) string {
	t.Helper()
	must(t, ctx, path)
	return Eval[string](t, ctx, `(`+Query(path)+`).value`)
}

// Attr returns an attribute of the element at path ("" when absent).
func Attr(t testing.TB, ctx context.Context, path, name string) string {
	t.Helper()
	must(t, ctx, path)
	b, _ := json.Marshal(name)
	return Eval[string](t, ctx, `(`+Query(path)+`).getAttribute(`+string(b)+`) ?? ''`)
}

// Focused returns the path-like description of the focused element, deep
// into shadow roots: "incroci-signin >>> input#code", or "body".
func Focused(t testing.TB, ctx context.Context) string {
	t.Helper()
	return Eval[string](t, ctx, `(() => { const out = []; let a = document.activeElement;
		while (a) { out.push(a.localName + (a.id ? '#' + a.id : '')); a = a.shadowRoot && a.shadowRoot.activeElement; }
		return out.join(' >>> '); })()`)
}

// Style returns the computed values of CSS properties of the element at path.
func Style(t testing.TB, ctx context.Context, path string, props ...string) map[string]string {
	t.Helper()
	must(t, ctx, path)
	b, _ := json.Marshal(props)
	return Eval[map[string]string](t, ctx, `((el, ps) => { const s = getComputedStyle(el); const o = {}; for (const p of ps) o[p] = s.getPropertyValue(p); return o; })(`+Query(path)+`, `+string(b)+`)`)
}

// Rect is an element's box in CSS pixels of the viewport.
type Rect struct{ X, Y, Width, Height float64 }

// Box scrolls the element at path into view and returns its box.
func Box(t testing.TB, ctx context.Context, path string) Rect {
	t.Helper()
	must(t, ctx, path)
	return Eval[Rect](t, ctx, `((el) => { el.scrollIntoView({block: 'center', inline: 'center'}); const r = el.getBoundingClientRect(); return {X: r.x, Y: r.y, Width: r.width, Height: r.height}; })(`+Query(path)+`)`)
}

func must(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	if !Exists(t, ctx, path) {
		t.Fatalf("testbrowser: no element at %q\npage now: %s", path, dump(ctx))
	}
}

// Click clicks the middle of the element at path with the mouse, as a person
// would: it scrolls it into view, checks that nothing covers it and that it
// has not moved since, and checks that the click reached it. When the page
// moved it in between (a list loading above it), it waits until its box
// holds still and tries again (three times at most).
func Click(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	for try := 1; ; try++ {
		must(t, ctx, path)
		var r Rect
		if try == 1 {
			r = Box(t, ctx, path)
		} else {
			r = Eval[Rect](t, ctx, `(async (el) => {
				el.scrollIntoView({block: 'center', inline: 'center'});
				const box = () => { const r = el.getBoundingClientRect(); return {X: r.x, Y: r.y, Width: r.width, Height: r.height}; };
				const frame = () => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 30)));
				// Still when three looks in a row (about 150 ms) find the same box.
				let a = box(), same = 0;
				for (let i = 0; i < 60 && same < 3 && el.isConnected; i++) {
					await frame();
					const b = box();
					same = b.X == a.X && b.Y == a.Y && b.Width == a.Width && b.Height == a.Height ? same + 1 : 0;
					a = b;
				}
				// Drawn again meanwhile: the caller looks it up anew.
				return el.isConnected ? a : {X: 0, Y: 0, Width: -1, Height: -1};
			})(`+Query(path)+`)`)
		}
		if r.Width < 0 && try < 3 {
			continue
		}
		if r.Width < 1 || r.Height < 1 {
			t.Fatalf("testbrowser: cannot click %q: it has no size (%+v)\npage now: %s", path, r, dump(ctx))
		}
		x, y := r.X+r.Width/2, r.Y+r.Height/2
		// The element is armed: a click that reaches it, or a descendant or
		// a label of it, sets a flag of the page's.
		hit := Eval[string](t, ctx, fmt.Sprintf(`((el, x, y) => {
			const r = el.getBoundingClientRect();
			if (Math.abs(r.x + r.width / 2 - x) > 0.5 || Math.abs(r.y + r.height / 2 - y) > 0.5) return 'moved';
			let e = document.elementFromPoint(x, y);
			while (e && e.shadowRoot) { const i = e.shadowRoot.elementFromPoint(x, y); if (!i || i === e) break; e = i; }
			if (e && (e === el || el.contains(e) || (el.labels && [...el.labels].some((l) => l.contains(e))))) {
				// Also the same element drawn again (same id) counts as reached.
				if (window.__tbH) window.removeEventListener('click', window.__tbH, true);
				window.__tbClicked = false;
				const id = el.id, lbl = el.labels ? [...el.labels] : [];
				window.__tbH = (ev) => { if (ev.composedPath().some((n) => n === el || lbl.includes(n) || (id && n.id === id))) window.__tbClicked = true; };
				window.addEventListener('click', window.__tbH, true);
				return '';
			}
			return e ? e.outerHTML.slice(0, 200) : 'nothing';
		})(%s, %g, %g)`, Query(path), x, y))
		if hit != "" {
			if try < 3 {
				continue // it moved, or something moved over it: wait for it to hold still
			}
			t.Fatalf("testbrowser: cannot click %q: at its middle (%.0f, %.0f) the page shows %s", path, x, y, hit)
		}
		if err := chromedp.Do(ctx, chromedp.MouseClickXY(x, y)); err != nil {
			t.Fatalf("testbrowser: click %q: %v", path, err)
		}
		// A page that navigated away (the flag went with it, or the
		// evaluation found no page) was reached.
		cctx, cancel := context.WithTimeout(ctx, Timeout)
		reached, err := chromedp.Run(cctx, chromedp.Evaluate[bool](`window.__tbClicked !== false`))
		cancel()
		if err != nil || reached {
			return
		}
		if try == 3 {
			t.Fatalf("testbrowser: clicked %q three times at its middle and the click landed elsewhere each time (the page kept moving)\npage now: %s", path, dump(ctx))
		}
	}
}

// Focus focuses the element at path and checks that it took the focus.
func Focus(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	must(t, ctx, path)
	if !Eval[bool](t, ctx, `((el) => { el.focus(); let a = document.activeElement; while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement; return a === el; })(`+Query(path)+`)`) {
		t.Fatalf("testbrowser: %q does not take the focus (focus is on %s)", path, Focused(t, ctx))
	}
}

// Type focuses the element at path and types text with real key events,
// one key at a time; "\r" presses Enter, "\t" Tab.
func Type(t testing.TB, ctx context.Context, path, text string) {
	t.Helper()
	Focus(t, ctx, path)
	Keys(t, ctx, text)
}

// Keys types text with real key events into whatever has the focus.
func Keys(t testing.TB, ctx context.Context, text string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(text)); err != nil {
		t.Fatalf("testbrowser: type %q: %v", text, err)
	}
}

// Clear empties the text field at path as a person would: select all, then
// Backspace.
func Clear(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	Focus(t, ctx, path)
	Eval[chromedp.Void](t, ctx, `(`+Query(path)+`).select()`)
	Keys(t, ctx, kb.Backspace)
	if v := Value(t, ctx, path); v != "" {
		t.Fatalf("testbrowser: %q still holds %q after clearing", path, v)
	}
}

// Screenshot saves a PNG of the whole page named after the test and label,
// in $INCROCI_SCREENSHOTS or else the test's temporary folder, and returns
// its path.
func Screenshot(t testing.TB, ctx context.Context, label string) string {
	t.Helper()
	dir := os.Getenv(EnvScreenshots)
	if dir == "" {
		dir = t.TempDir()
	}
	p, err := screenshot(ctx, dir, t.Name()+"-"+label)
	if err != nil {
		t.Fatalf("testbrowser: screenshot: %v", err)
	}
	t.Logf("testbrowser: screenshot of %s: %s", label, p)
	return p
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func screenshot(ctx context.Context, dir, name string) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	png, err := chromedp.Run(cctx, chromedp.FullScreenshot(100))
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	p := filepath.Join(dir, unsafeName.ReplaceAllString(name, "_")+".png")
	return p, os.WriteFile(p, png, 0o644)
}

// saveFailure keeps a screenshot and the widgets' DOM of a failed test.
func saveFailure(t testing.TB, ctx context.Context) {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	loc, err := chromedp.Run(cctx, chromedp.Location())
	cancel()
	if err != nil || loc == "about:blank" {
		return // nothing was shown in this tab
	}
	dir := os.Getenv(EnvScreenshots)
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "incroci-screenshots-"); err != nil {
			t.Logf("testbrowser: no folder for the failure screenshot: %v", err)
			return
		}
	}
	p, err := screenshot(ctx, dir, t.Name()+"-failed")
	if err != nil {
		t.Logf("testbrowser: no failure screenshot: %v", err)
		return
	}
	t.Logf("testbrowser: the test failed; screenshot of the page: %s\npage: %s", p, dump(ctx))
}

// dump describes the page for failure messages: its URL and each shadow
// root's HTML, shortened.
func dump(ctx context.Context) string {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	s, err := chromedp.Run(cctx, chromedp.Evaluate[string](`(() => {
		const out = [location.href];
		const walk = (root, name) => { for (const el of root.querySelectorAll('*')) if (el.shadowRoot) {
			out.push(name + el.localName + ': ' + el.shadowRoot.innerHTML.slice(0, 1500)); walk(el.shadowRoot, name + el.localName + ' >>> '); } };
		walk(document, '');
		return out.join('\n');
	})()`))
	if err != nil {
		return "(page unavailable: " + err.Error() + ")"
	}
	return s
}

func short(js string) string {
	js = strings.Join(strings.Fields(js), " ")
	if len(js) > 300 {
		return js[:300] + "…"
	}
	return js
}

// errNoAxe marks a missing axe-core.
var errNoAxe = errors.New("axe-core not found")

var axeOnce = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	for {
		p := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
		if b, err := os.ReadFile(p); err == nil {
			return b, nil
		}
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break // the module root: look no higher
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return nil, fmt.Errorf("%w: no node_modules/axe-core/axe.min.js between the working folder and the module root (run npm ci at the module root)", errNoAxe)
})

// AxeTags are the axe-core rule tags that Axe runs: WCAG 2.0, 2.1 and 2.2
// levels A and AA, and axe's best practices.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"}

// Violation is one axe-core rule broken, with the elements that break it.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  []json.RawMessage `json:"target"`
		Summary string            `json:"failureSummary"`
	} `json:"nodes"`
}

// Axe runs axe-core on the whole page as it is now, open shadow roots
// included, and fails the test listing every violation (rule, impact,
// elements, help) of the view named label. It injects axe-core through the
// DevTools protocol, so the page's CSP cannot block it. It skips the test
// when axe-core is not installed (fails it when CI=true).
func Axe(t testing.TB, ctx context.Context, label string) {
	t.Helper()
	src, err := axeOnce()
	if err != nil {
		skipOrFail(t, "%v", err)
	}
	if !Eval[bool](t, ctx, `typeof window.axe == 'object'`) {
		cctx, cancel := context.WithTimeout(ctx, 3*Timeout)
		_, err := chromedp.Run(cctx, chromedp.Evaluate[chromedp.Void](string(src)+"\n;0"))
		cancel()
		if err != nil {
			t.Fatalf("testbrowser: inject axe-core: %v", err)
		}
	}
	tags, _ := json.Marshal(AxeTags)
	vs := Eval[[]Violation](t, ctx, `axe.run(document, {runOnly: {type: 'tag', values: `+string(tags)+`}, resultTypes: ['violations']})
		.then((r) => r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map((n) => ({target: n.target, failureSummary: n.failureSummary}))})))`)
	for _, v := range vs {
		var b strings.Builder
		fmt.Fprintf(&b, "axe-core on %s: %s (%s): %s\n\t%s", label, v.ID, v.Impact, v.Help, v.URL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n\t- %s\n\t  %s", target(n.Target), strings.ReplaceAll(n.Summary, "\n", "\n\t  "))
		}
		t.Error(b.String())
	}
}

// target turns an axe-core target (selectors, arrays of them for shadow
// DOM) into a path like "incroci-signin >>> #email".
func target(parts []json.RawMessage) string {
	var out []string
	for _, p := range parts {
		var s string
		if json.Unmarshal(p, &s) == nil {
			out = append(out, s)
			continue
		}
		var ss []string
		json.Unmarshal(p, &ss)
		out = append(out, strings.Join(ss, " >>> "))
	}
	return strings.Join(out, ", ")
}
