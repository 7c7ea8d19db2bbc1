package testbrowser_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/incrocicomuni/incroci/internal/testbrowser"
)

// recorder is a testing.TB that keeps failures instead of reporting them.
// Fatal and Skip end only the goroutine that calls them (see run).
type recorder struct {
	testing.TB
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	r.msgs = append(r.msgs, s)
	r.mu.Unlock()
}
func (r *recorder) Helper()                      {}
func (r *recorder) Error(args ...any)            { r.add(fmt.Sprint(args...)) }
func (r *recorder) Errorf(f string, args ...any) { r.add(fmt.Sprintf(f, args...)) }
func (r *recorder) Fatalf(f string, args ...any) {
	r.add("FATAL " + fmt.Sprintf(f, args...))
	runtime.Goexit()
}
func (r *recorder) Skipf(f string, args ...any) {
	r.add("SKIP " + fmt.Sprintf(f, args...))
	runtime.Goexit()
}
func (r *recorder) Fatal(args ...any)   { r.add("FATAL " + fmt.Sprint(args...)); runtime.Goexit() }
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) all() string         { r.mu.Lock(); defer r.mu.Unlock(); return strings.Join(r.msgs, "\n") }
func (r *recorder) run(f func(t testing.TB)) string {
	done := make(chan struct{})
	go func() { defer close(done); f(r) }()
	<-done
	return r.all()
}

const elJS = `
class XField extends HTMLElement {
  connectedCallback() {
    const r = this.attachShadow({mode: 'open'});
    const label = document.createElement('label'); label.htmlFor = 'name'; label.textContent = 'Nome';
    const input = document.createElement('input'); input.id = 'name';
    const out = document.createElement('p'); out.id = 'out';
    const b = document.createElement('button'); b.id = 'go'; b.textContent = 'Saluta';
    b.addEventListener('click', () => { out.textContent = 'Ciao ' + input.value; });
    input.addEventListener('keydown', (e) => { if (e.key == 'Enter') b.click(); });
    r.append(label, input, b, out);
  }
}
customElements.define('x-field', XField);
class XOuter extends HTMLElement {
  connectedCallback() { this.attachShadow({mode: 'open'}).append(document.createElement('x-field')); }
}
customElements.define('x-outer', XOuter);
class XBad extends HTMLElement {
  connectedCallback() { this.attachShadow({mode: 'open'}).append(document.createElement('input')); }
}
customElements.define('x-bad', XBad);
class XCovered extends HTMLElement {
  connectedCallback() {
    const r = this.attachShadow({mode: 'open'});
    const b = document.createElement('button'); b.id = 'under'; b.textContent = 'Sotto';
    const c = document.createElement('div'); c.id = 'cover';
    c.style.cssText = 'position:fixed;inset:0;background:#fff';
    r.append(b, c);
  }
}
customElements.define('x-covered', XCovered);
class XMoving extends HTMLElement {
  connectedCallback() {
    const r = this.attachShadow({mode: 'open'});
    const out = document.createElement('p'); out.id = 'hits';
    const hits = {target: 0, decoy: 0};
    const say = () => { out.textContent = 'target ' + hits.target + ', decoy ' + hits.decoy; };
    const b = document.createElement('button'); b.id = 'target'; b.textContent = 'Bersaglio';
    b.addEventListener('click', () => { hits.target++; say(); });
    r.append(out, b);
    say();
    // A list loading above it, a row at a time: it moves down for a while.
    let n = 0;
    const add = () => {
      const d = document.createElement('button'); d.textContent = 'Riga ' + n; d.style.cssText = 'display:block;height:40px;width:100%';
      d.addEventListener('click', () => { hits.decoy++; say(); });
      r.insertBefore(d, b);
      if (++n < 12) setTimeout(add, 35);
    };
    setTimeout(add, 0);
  }
}
customElements.define('x-moving', XMoving);
`

func server(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'")
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Prova</title></head><body><main><h1>Prova</h1>%s</main><script src="/el.js"></script></body></html>`, body)
		}
	}
	mux.HandleFunc("/el.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, elJS)
	})
	mux.HandleFunc("/throw.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `throw new Error('boom from throw.js')`)
	})
	mux.Handle("/{$}", page(`<x-field></x-field><x-outer></x-outer>`))
	mux.Handle("/bad", page(`<x-bad></x-bad>`))
	mux.Handle("/covered", page(`<x-covered></x-covered>`))
	mux.Handle("/moving", page(`<x-moving></x-moving>`))
	mux.Handle("/errors", page(`<script>window.inline = 1</script><script src="/throw.js"></script>`))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skip in -short mode")
	}
	browser := testbrowser.New(t)
	srv := server(t)

	t.Run("shadow DOM", func(t *testing.T) {
		ctx := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, ctx, srv.URL+"/")
		testbrowser.WaitFor(t, ctx, "x-outer >>> x-field >>> #go")
		testbrowser.Type(t, ctx, "x-field >>> #name", "Amina")
		if got := testbrowser.Value(t, ctx, "x-field >>> #name"); got != "Amina" {
			t.Errorf("typed %q", got)
		}
		testbrowser.Click(t, ctx, "x-field >>> #go")
		testbrowser.WaitText(t, ctx, "x-field >>> #out", "Ciao Amina")
		if got := testbrowser.Focused(t, ctx); got != "x-field >>> button#go" {
			t.Errorf("focused %q", got)
		}
		testbrowser.Type(t, ctx, "x-outer >>> x-field >>> #name", "Li\r")
		testbrowser.WaitText(t, ctx, "x-outer >>> x-field >>> #out", "Ciao Li")
		testbrowser.Clear(t, ctx, "x-outer >>> x-field >>> #name")
		if n := testbrowser.Eval[int](t, ctx, testbrowser.QueryAll("x-outer >>> x-field")+".length"); n != 1 {
			t.Errorf("QueryAll found %d", n)
		}
		if testbrowser.Exists(t, ctx, "x-field >>> #nope") {
			t.Error("Exists found #nope")
		}
		if s := testbrowser.Style(t, ctx, "x-field >>> #name", "display"); s["display"] != "inline-block" {
			t.Errorf("Style: %v", s)
		}
		testbrowser.Axe(t, ctx, "a good page")
		testbrowser.Screenshot(t, ctx, "good")
	})

	t.Run("axe finds violations in shadow roots", func(t *testing.T) {
		ctx := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, ctx, srv.URL+"/bad")
		testbrowser.WaitFor(t, ctx, "x-bad >>> input")
		rec := &recorder{TB: t}
		got := rec.run(func(t testing.TB) { testbrowser.Axe(t, ctx, "the bad page") })
		if !strings.Contains(got, "axe-core on the bad page: label (critical)") || !strings.Contains(got, "x-bad >>> input") {
			t.Errorf("axe reported:\n%s", got)
		}
	})

	t.Run("a covered element cannot be clicked", func(t *testing.T) {
		ctx := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, ctx, srv.URL+"/covered")
		testbrowser.WaitFor(t, ctx, "x-covered >>> #under")
		rec := &recorder{TB: t}
		got := rec.run(func(t testing.TB) { testbrowser.Click(t, ctx, "x-covered >>> #under") })
		if !strings.Contains(got, `cannot click "x-covered >>> #under"`) || !strings.Contains(got, `id="cover"`) {
			t.Errorf("click reported:\n%s", got)
		}
	})

	// A list loading above the element moves it: the click reaches it (a
	// row may take a first click that landed where it had been).
	t.Run("a click reaches a moving element", func(t *testing.T) {
		ctx := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, ctx, srv.URL+"/moving")
		testbrowser.WaitFor(t, ctx, "x-moving >>> #target")
		testbrowser.Click(t, ctx, "x-moving >>> #target")
		if got := testbrowser.Text(t, ctx, "x-moving >>> #hits"); !strings.HasPrefix(got, "target 1, ") {
			t.Errorf("clicks: %s", got)
		}
	})

	t.Run("exceptions and CSP violations fail the test", func(t *testing.T) {
		rec := &recorder{TB: t}
		var ctx context.Context
		rec.run(func(t testing.TB) {
			ctx = testbrowser.Tab(t, browser)
			testbrowser.Navigate(t, ctx, srv.URL+"/errors")
			testbrowser.CheckErrors(t, ctx)
		})
		got := rec.all()
		if !strings.Contains(got, "uncaught JavaScript exception") || !strings.Contains(got, "boom from throw.js") {
			t.Errorf("the exception was not reported:\n%s", got)
		}
		if !strings.Contains(got, "CSP violation: script-src-elem blocked inline") {
			t.Errorf("the CSP violation was not reported:\n%s", got)
		}
	})
}

func TestMissingBrowser(t *testing.T) {
	saved := testbrowser.Executables
	t.Cleanup(func() { testbrowser.Executables = saved })
	testbrowser.Executables = []string{"no-such-browser-here"}

	t.Setenv("CI", "")
	rec := &recorder{TB: t}
	if got := rec.run(func(t testing.TB) { testbrowser.New(t) }); !strings.HasPrefix(got, "SKIP testbrowser: no Chromium on PATH") {
		t.Errorf("off CI: %q", got)
	}
	t.Setenv("CI", "true")
	rec = &recorder{TB: t}
	if got := rec.run(func(t testing.TB) { testbrowser.New(t) }); !strings.HasPrefix(got, "FATAL testbrowser: no Chromium on PATH") || !strings.Contains(got, "CI=true") {
		t.Errorf("on CI: %q", got)
	}
}
