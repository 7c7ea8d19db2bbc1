package widgets_test

// Browser tests: the built widgets in headless Chromium (chromedp), on a host
// page with a hostile stylesheet and a strict CSP, talking cross-origin to a
// fake hub that answers like the incroci API. Off CI they skip when Chromium
// is absent; with CI=true they fail instead. axe-core runs on every view when
// INCROCI_AXE_JS names a copy of axe.min.js (npm package axe-core).

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/incrocicomuni/incroci/widgets"
)

type fakePerson struct {
	ID    int      `json:"id"`
	Email string   `json:"email"`
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
}

// fakeHub answers like the incroci API mounted at /incroci, for one ambito "lodi".
type fakeHub struct {
	mu     sync.Mutex
	origin string // the host page's origin, allowed by CORS
	people []*fakePerson
	coord  bool     // the signed-in person coordinates lodi
	flaky  int      // 503 answers still to give to flaky@x.it
	calls  []string // "METHOD /path key=<Idempotency-Key>"
}

const hubToken = "tok-1"

func newFakeHub() *fakeHub {
	f := &fakeHub{coord: true, flaky: 2}
	for i := 1; i <= 45; i++ {
		f.people = append(f.people, &fakePerson{ID: 100 + i, Email: fmt.Sprintf("p%d@comune.lodi.it", i), Name: fmt.Sprintf("Persona %02d", i), Roles: []string{"operator"}})
	}
	f.people[0].Name = `<img src=x onerror="window.pwned=1">Ali`
	return f
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, code int, c, msg string, fields ...map[string]string) {
	writeJSON(w, code, map[string]any{"error": map[string]any{"code": c, "message": msg, "fields": fields}})
}

func (f *fakeHub) me() map[string]any {
	roles := []map[string]string{{"ambito": "lodi", "role": "operator"}}
	if f.coord {
		roles = append(roles, map[string]string{"ambito": "lodi", "role": "coordinator"})
	}
	return map[string]any{"id": 1, "email": "maria@comune.lodi.it", "name": "Maria <b>Rossi</b>", "roles": roles, "admin": false}
}

func (f *fakeHub) callsMatching(prefix string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/incroci/widgets/") {
		http.StripPrefix("/incroci/widgets", widgets.Handler()).ServeHTTP(w, r)
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", f.origin)
	h.Set("Access-Control-Expose-Headers", "Retry-After")
	if r.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key")
		h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	p := strings.TrimPrefix(r.URL.Path, "/incroci")
	var body map[string]any
	json.NewDecoder(r.Body).Decode(&body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf("%s %s key=%s lang=%s", r.Method, r.URL.RequestURI(), r.Header.Get("Idempotency-Key"), r.Header.Get("Accept-Language")))
	authed := r.Header.Get("Authorization") == "Bearer "+hubToken
	email, _ := body["email"].(string)
	switch {
	case p == "/auth/email" && r.Method == "POST":
		switch {
		case email == "flaky@x.it" && f.flaky > 0:
			f.flaky--
			w.WriteHeader(http.StatusServiceUnavailable)
		case email == "rate@x.it":
			h.Set("Retry-After", "120")
			writeErr(w, 429, "rate_limited", "Too many")
		case email == "bad@x.it":
			writeErr(w, 422, "validation", "Dati non validi", map[string]string{"field": "email", "rule": "domain", "message": "Il dominio non è istituzionale"})
		default:
			writeJSON(w, 202, map[string]any{"data": map[string]any{"status": "sent", "expires_in": 900}})
		}
	case p == "/auth/email/verify" && r.Method == "POST":
		if body["code"] == "123456" || body["token"] == "act-ok" {
			writeJSON(w, 200, map[string]any{"data": map[string]any{"token": hubToken, "expires_at": time.Now().Add(time.Hour).Format(time.RFC3339), "person": f.me()}})
			return
		}
		writeErr(w, 401, "invalid_code", "Codice errato o scaduto")
	case p == "/auth/signout" && r.Method == "POST":
		w.WriteHeader(http.StatusNoContent)
	case !authed:
		writeErr(w, 401, "unauthorized", "Accesso richiesto")
	case p == "/me":
		writeJSON(w, 200, map[string]any{"data": f.me()})
	case !f.coord:
		writeErr(w, 403, "forbidden", "Vietato")
	case p == "/ambiti/lodi/people":
		q := strings.ToLower(r.URL.Query().Get("q"))
		var list []*fakePerson
		for _, x := range f.people {
			if strings.Contains(strings.ToLower(x.Name+" "+x.Email), q) {
				list = append(list, x)
			}
		}
		pg, _ := strconv.Atoi(r.URL.Query().Get("page"))
		pp, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		from := min(max(pg-1, 0)*pp, len(list))
		to := min(from+pp, len(list))
		writeJSON(w, 200, map[string]any{"data": append([]*fakePerson{}, list[from:to]...), "page": map[string]int{"page": pg, "per_page": pp, "total": len(list)}})
	case strings.HasPrefix(p, "/ambiti/lodi/people/"):
		parts := strings.Split(p, "/") // "", ambiti, lodi, people, {id}, roles, {role}
		id, _ := strconv.Atoi(parts[4])
		for _, x := range f.people {
			if x.ID == id {
				roles := []string{}
				for _, y := range x.Roles {
					if y != parts[6] {
						roles = append(roles, y)
					}
				}
				if r.Method == "PUT" {
					roles = append(roles, parts[6])
				}
				x.Roles = roles
				writeJSON(w, 200, map[string]any{"data": x})
				return
			}
		}
		writeErr(w, 404, "not_found", "Non trovato")
	case p == "/ambiti/lodi/invitations" && r.Method == "POST":
		switch email {
		case "dup@x.it":
			writeErr(w, 409, "conflict", "Questa persona è già nell'ambito")
		case "bad@x.it":
			writeErr(w, 422, "validation", "Dati non validi",
				map[string]string{"field": "email", "rule": "domain", "message": "Dominio non ammesso"},
				map[string]string{"field": "roles", "rule": "required", "message": "Scegli un ruolo"})
		default:
			x := &fakePerson{ID: 100 + len(f.people) + 1, Email: email, Name: fmt.Sprint(body["name"]), Roles: []string{"operator"}}
			f.people = append(f.people, x)
			writeJSON(w, 201, map[string]any{"data": x})
		}
	default:
		writeErr(w, 404, "not_found", "no route "+p)
	}
}

const hostileCSS = `* { display:inline !important; color:red !important; font-size:40px !important; background:yellow !important }
div,button,input { border:5px dashed green !important; padding:30px !important; font-family:cursive !important }
input { display:none }`

// hostPage serves the ambito page: both widgets (console.js twice), optional
// hostile CSS (?hostile=1), the page language (?lang=), extra signin attributes (?attrs=).
func hostPage(hub func() string, axe []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/hostile.css":
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprint(w, hostileCSS)
			return
		case "/axe.js":
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(axe)
			return
		}
		q := r.URL.Query()
		lang := q.Get("lang")
		if lang == "" {
			lang = "it"
		}
		css := ""
		if q.Get("hostile") != "" {
			css = `<link rel="stylesheet" href="/hostile.css">`
		}
		h := hub()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", fmt.Sprintf("default-src 'none'; script-src 'self' %s; style-src 'self'; connect-src %s", h, h))
		fmt.Fprintf(w, `<!doctype html><html lang="%s"><head><meta charset="utf-8"><title>Ambito di Lodi</title>%s</head>
<body><main><h1>Ambito di Lodi</h1>
<script src="%s/incroci/widgets/signin.js" async></script>
<script src="%s/incroci/widgets/console.js" async></script>
<script src="%s/incroci/widgets/console.js" async></script>
<incroci-signin ambito="lodi" %s></incroci-signin>
<incroci-console ambito="lodi" hub="%s/incroci"></incroci-console>
<script src="/axe.js"></script></main></body></html>`, lang, css, h, h, h, q.Get("attrs"), h)
	})
}

type browser struct {
	t   *testing.T
	ctx context.Context
	axe bool
}

func (b *browser) eval(js string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[any](js))
	if err != nil {
		b.t.Fatalf("eval %s: %v", js, err)
	}
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func (b *browser) open(url string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Navigate(url)); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browser) wait(js string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool]("!!("+js+")")); err != nil {
		b.t.Fatalf("waiting for %s: %v\nsignin: %.1200s\nconsole: %.1200s", js, err, b.eval(signinRoot+"?.innerHTML"), b.eval(consoleRoot+"?.innerHTML"))
	}
}

// typeInto focuses sel in the shadow root and types text with key events.
func (b *browser) typeInto(root, sel, text string) {
	b.t.Helper()
	b.eval(root + `.querySelector('` + sel + `').focus()`)
	if _, err := chromedp.Run(b.ctx, chromedp.KeyEvent(text)); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browser) is(what, js, want string) {
	b.t.Helper()
	if got := b.eval(js); !strings.Contains(got, want) {
		b.t.Errorf("%s: got %q, want it to contain %q", what, got, want)
	}
}

// checkA11y runs axe-core on the page (it enters open shadow roots).
func (b *browser) checkA11y(view string) {
	b.t.Helper()
	if !b.axe {
		return
	}
	b.wait(`typeof axe == 'object'`)
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}}).then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))`,
		func(p *runtime.EvaluateParams) { p.AwaitPromise = new(true) }))
	if err != nil {
		b.t.Fatalf("axe: %v", err)
	}
	for _, x := range v {
		b.t.Errorf("axe on %s: %s", view, x)
	}
}

const (
	signinRoot  = `document.querySelector('incroci-signin').shadowRoot`
	consoleRoot = `document.querySelector('incroci-console').shadowRoot`
)

func chromiumPath(t *testing.T) {
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if _, err := exec.LookPath(n); err == nil {
			return
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is required in CI")
	}
	t.Skip("Chromium not found on PATH: browser tests skipped")
}

func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	chromiumPath(t)
	var axe []byte
	if p := os.Getenv("INCROCI_AXE_JS"); p != "" {
		var err error
		if axe, err = os.ReadFile(p); err != nil {
			t.Fatal(err)
		}
	} else {
		t.Log("INCROCI_AXE_JS not set: axe-core checks skipped")
	}

	fake := newFakeHub()
	var hub *httptest.Server
	page := httptest.NewServer(hostPage(func() string { return hub.URL }, axe))
	defer page.Close()
	fake.origin = page.URL
	hub = httptest.NewServer(fake)
	defer hub.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.NoSandbox, chromedp.WindowSize(1100, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	var mu sync.Mutex
	var jsErrors []string
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			mu.Lock()
			jsErrors = append(jsErrors, fmt.Sprintf("%s (%s:%d)", e.ExceptionDetails.Text, e.ExceptionDetails.URL, e.ExceptionDetails.LineNumber))
			mu.Unlock()
		}
	}))
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	b := &browser{t: t, ctx: ctx, axe: axe != nil}
	S, C := signinRoot, consoleRoot

	// Hostile host CSS cannot restyle the widgets.
	b.open(page.URL + "/?hostile=1")
	b.wait(S + `?.querySelector('#email')`)
	b.wait(C + `?.querySelector('#email')`)
	b.is("host display and colour", `(() => { const s = getComputedStyle(document.querySelector('incroci-signin')); return s.display + ' ' + s.color + ' ' + s.fontSize })()`, "block rgb(26, 26, 26) 16px")
	b.is("button inside", `(() => { const s = getComputedStyle(`+S+`.querySelector('#send')); return s.display + ' ' + s.color + ' ' + s.backgroundColor + ' ' + s.fontSize })()`, "inline-block rgb(255, 255, 255) rgb(0, 102, 204) 16px")
	b.is("input visible", `getComputedStyle(`+S+`.querySelector('#email')).display`, "block")
	b.is("hub from the script URL", `document.querySelector('incroci-signin').hub`, hub.URL+"/incroci")

	// Sign in by e-mail and code.
	b.open(page.URL + "/")
	b.wait(S + `?.querySelector('#email')`)
	b.checkA11y("e-mail view")
	b.eval(S + `.querySelector('#send').click()`)
	b.wait(S + `.querySelector('#email').getAttribute('aria-invalid') == 'true'`)
	b.is("client-side error", S+`.querySelector('#email-err').textContent`, "indirizzo e-mail valido")
	b.typeInto(S, "#email", "bad@x.it\r")
	b.wait(S + `.querySelector('#email-err').textContent.includes('istituzionale')`)
	b.eval(S + `.querySelector('#email').value = ''`)
	b.typeInto(S, "#email", "rate@x.it\r")
	b.wait(`!` + S + `.querySelector('#error').hidden`)
	b.is("429", S+`.querySelector('#error').textContent`, "Troppi tentativi, riprova tra 2 minuti")
	b.eval(S + `.querySelector('#email').value = ''`)
	b.typeInto(S, "#email", "flaky@x.it\r") // 503, 503, then 202
	b.wait(S + `.querySelector('#code')`)
	if calls := fake.callsMatching("POST /incroci/auth/email key="); len(calls) < 5 || calls[2] != calls[3] || calls[3] != calls[4] || strings.HasSuffix(calls[4], "key=") {
		t.Errorf("retries of a POST must repeat one Idempotency-Key: %q", calls)
	}
	b.is("code view takes the focus", S+`.activeElement?.id`, "code")
	b.is("status", S+`.querySelector('#status').textContent`, "Abbiamo inviato un codice a flaky@x.it")
	b.checkA11y("code view")
	b.eval(S + `.querySelector('#change').click()`)
	b.wait(S + `.querySelector('#email')?.value == 'flaky@x.it'`)
	b.eval(S + `.querySelector('#email').value = ''`)
	b.typeInto(S, "#email", "maria@comune.lodi.it\r")
	b.wait(S + `.querySelector('#code')`)
	b.typeInto(S, "#code", "000000\r")
	b.wait(`!` + S + `.querySelector('#error').hidden`)
	b.is("invalid code", S+`.querySelector('#error').textContent`, "Codice errato o scaduto")
	b.eval(S + `.querySelector('#resend').click()`)
	b.wait(S + `.querySelector('#status').textContent.includes('nuovo codice')`)
	b.eval(S + `.querySelector('#code').value = ''`)
	b.typeInto(S, "#code", "123456")
	b.eval(S + `.querySelector('#verify').click()`)
	b.wait(S + `.querySelector('#signed-in')`)
	b.is("signed in", S+`.querySelector('#signed-in').textContent`, "Accesso effettuato come Maria <b>Rossi</b>")
	b.is("storage", `JSON.stringify(sessionStorage)`, `"incroci:session:`+hub.URL+`/incroci"`)
	b.is("no cookies", `document.cookie + '|'`, "|")

	// The console learnt of the session and lists people.
	b.wait(C + `.querySelector('#people tbody tr')`)
	b.is("rows", C+`.querySelectorAll('#people tbody tr').length`, "20")
	b.is("names are text", C+`.querySelector('#people tbody th').textContent`, `<img src=x onerror="window.pwned=1">Ali`)
	b.is("no injected element", C+`.querySelectorAll('img').length + ' ' + (window.pwned === undefined)`, "0 true")
	b.checkA11y("console")
	b.eval(C + `.querySelector('input[name="role-101-mediator"]').click()`)
	b.wait(C + `.querySelector('#status').textContent.includes('Mediatore linguistico-culturale')`)
	if fake.people[0].Roles[len(fake.people[0].Roles)-1] != "mediator" {
		t.Errorf("role not granted: %v", fake.people[0].Roles)
	}
	b.eval(C + `.querySelector('#next').focus()`)
	b.eval(C + `.querySelector('#next').click()`)
	b.wait(C + `.querySelector('nav').textContent.includes('Pagina 2 di 3') && ` + C + `.querySelector('.x').getAttribute('aria-busy') == 'false'`)
	b.eval(C + `.querySelector('#next').click()`)
	b.wait(C + `.querySelector('nav').textContent.includes('Pagina 3 di 3') && ` + C + `.querySelector('.x').getAttribute('aria-busy') == 'false'`)
	b.is("last page", C+`.querySelectorAll('#people tbody tr').length + ' ' + `+C+`.querySelector('#next').getAttribute('aria-disabled') + ' ' + `+C+`.activeElement?.id`, "5 true prev")
	b.typeInto(C, "#q", "zzz\r")
	b.wait(C + `.querySelector('#empty')`)
	b.is("empty", C+`.querySelector('#empty').textContent`, "Nessuna persona trovata")
	b.eval(C + `.querySelector('#q').value = ''`)
	b.typeInto(C, "#q", "persona 07\r")
	b.wait(C + `.querySelectorAll('#people tbody tr').length == 1`)
	b.typeInto(C, "#invite-email", "bad@x.it\r")
	b.wait(`!` + C + `.querySelector('#invite-roles-err').hidden`)
	b.is("invite field errors", C+`.querySelector('#invite-email-err').textContent + '|' + `+C+`.querySelector('#invite-roles-err').textContent + '|' + `+C+`.activeElement.id`, "Dominio non ammesso|Scegli un ruolo|invite-email")
	b.checkA11y("invite errors")
	b.eval(C + `.querySelector('#invite-email').value = 'dup@x.it'`)
	b.eval(C + `.querySelector('#invite-send').click()`)
	b.wait(`!` + C + `.querySelector('#invite-error').hidden`)
	b.is("409", C+`.querySelector('#invite-error').textContent`, "già nell'ambito")
	b.eval(C + `.querySelector('#invite-email').value = 'new@comune.lodi.it'`)
	b.eval(C + `.querySelector('#invite-send').click()`)
	b.wait(C + `.querySelector('#status').textContent.includes('Invito inviato a new@comune.lodi.it')`)

	// A reload keeps the session (sessionStorage, GET /me), in English, without taking the focus.
	b.open(page.URL + "/?lang=en")
	b.wait(S + `?.querySelector('#signed-in')`)
	b.wait(C + `?.querySelector('#people tbody tr')`)
	b.is("english", S+`.querySelector('#signed-in').textContent + '|' + `+C+`.querySelector('h2').textContent`, "Signed in as Maria <b>Rossi</b>Sign out|People and roles")
	b.is("focus left to the page", `document.activeElement.tagName`, "BODY")
	b.eval(C + `.querySelector('#signout').click()`)
	b.wait(S + `.querySelector('#email')`)
	b.wait(C + `.querySelector('#email')`)
	b.is("signed out", `JSON.stringify(sessionStorage)`, "{}")

	// The activation link signs in once, and leaves the page URL.
	b.open(page.URL + "/?a=b&incroci_activation=act-ok#top")
	b.wait(S + `?.querySelector('#signed-in')`)
	b.wait(C + `?.querySelector('#people')`)
	b.is("URL cleaned", `location.href`, page.URL+"/?a=b#top")
	if n := len(fake.callsMatching("POST /incroci/auth/email/verify")); n != 3 {
		t.Errorf("verify calls: %d, want 3 (two codes, then the link used by one widget only)", n)
	}

	// Not a coordinator: the console says so; lang=ar turns the layout right-to-left.
	fake.mu.Lock()
	fake.coord = false
	fake.mu.Unlock()
	b.open(page.URL + "/?attrs=lang%3Dar")
	b.wait(C + `?.querySelector('#forbidden')`)
	b.is("forbidden", C+`.querySelector('#forbidden').textContent`, "Non hai i permessi per gestire questo ambito")
	b.is("rtl", S+`.querySelector('.w').dir + ' ' + `+C+`.querySelector('.w').dir`, "rtl ltr")
	b.checkA11y("forbidden")
	b.eval(C + `.querySelector('#signout').click()`)
	b.wait(C + `.querySelector('#email')`)

	// A bad activation link shows the error once.
	b.open(page.URL + "/?incroci_activation=nope")
	b.wait(S + `?.querySelector('#error') && !` + S + `.querySelector('#error').hidden`)
	b.is("bad link", S+`.querySelector('#error').textContent`, "Codice errato o scaduto")

	mu.Lock()
	defer mu.Unlock()
	for _, e := range jsErrors {
		t.Errorf("JavaScript error: %s", e)
	}
}
