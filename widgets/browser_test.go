package widgets_test

// Browser tests: the built widgets in headless Chromium, on an ambito's web
// page served by the test, talking cross-origin (through CORS) to the real
// platform mounted on a gin server, with a real database (SQLite, and
// PostgreSQL when INCROCI_TEST_POSTGRES is set) and a real SMTP server that
// catches the platform's e-mails. axe-core checks every view. Off CI they
// skip when Chromium, axe-core (npm ci) or PostgreSQL is missing; with
// CI=true they fail instead.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/evanw/esbuild/pkg/api"
	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testbrowser"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/internal/testsmtp"
	"github.com/incrocicomuni/incroci/mail"
	"github.com/incrocicomuni/incroci/widgets/internal/bundle"
)

// hub is the real platform mounted at /incroci on its own server, and the
// website of the ambito "lodi" on another (so another origin).
type hub struct {
	t    *testing.T
	p    *incroci.Platform
	smtp *testsmtp.Server
	api  *httptest.Server // the hub
	site *httptest.Server // www of the ambito
	sys  context.Context  // acting as the hub itself, for the Go API
	ev   streams
}

// streams is what the hub saw of the event streams the widgets opened.
type streams struct {
	mu     sync.Mutex
	asked  []streamReq    // every GET of an event stream, in order
	open   map[string]int // streams under way by Authorization header, counted from their first byte
	paths  map[string]int // the same by path
	opened int            // streams that sent their first byte
	hold   chan struct{}  // when not nil, new stream requests wait until it is closed
	held   int            // requests waiting on hold
}

type streamReq struct{ auth, lastEventID string }

// firstWrite calls once on the first byte written: Serve writes it after
// subscribing, so from then on no event of the topic can be missed.
type firstWrite struct {
	gin.ResponseWriter
	once sync.Once
	f    func()
}

func (w *firstWrite) Write(b []byte) (int, error) {
	w.once.Do(w.f)
	return w.ResponseWriter.Write(b)
}

func (w *firstWrite) WriteString(s string) (int, error) {
	w.once.Do(w.f)
	return w.ResponseWriter.WriteString(s)
}

// watchStreams is a middleware of the hub's server: it records the requests
// for event streams, can hold them back (to change things while a widget
// reconnects) and counts the streams under way.
func (h *hub) watchStreams(c *gin.Context) {
	if c.Request.Method != http.MethodGet || !strings.HasSuffix(c.Request.URL.Path, "/events") {
		return
	}
	auth := c.GetHeader("Authorization")
	e := &h.ev
	e.mu.Lock()
	e.asked = append(e.asked, streamReq{auth, c.GetHeader("Last-Event-ID")})
	hold := e.hold
	if hold != nil {
		e.held++
	}
	e.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-c.Request.Context().Done():
		}
		e.mu.Lock()
		e.held--
		e.mu.Unlock()
	}
	started := false
	c.Writer = &firstWrite{ResponseWriter: c.Writer, f: func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		started = true
		e.open[auth]++
		e.paths[c.Request.URL.Path]++
		e.opened++
	}}
	c.Next()
	e.mu.Lock()
	defer e.mu.Unlock()
	if started {
		e.open[auth]--
		e.paths[c.Request.URL.Path]--
	}
}

// streamState reads the hub's count of streams, under its lock.
func (h *hub) streamState(f func(e *streams) bool) bool {
	h.ev.mu.Lock()
	defer h.ev.mu.Unlock()
	return f(&h.ev)
}

// waitStreams waits until cond holds of the hub's streams.
func (h *hub) waitStreams(what string, cond func(e *streams) bool) {
	h.t.Helper()
	for end := time.Now().Add(testbrowser.Timeout); !h.streamState(cond); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			h.t.Fatalf("timed out waiting for the event streams: %s", what)
		}
	}
}

func newHub(t *testing.T, db *gorm.DB) *hub {
	t.Helper()
	gin.SetMode(gin.TestMode)
	h := &hub{t: t, smtp: testsmtp.Start(t), sys: incroci.AsSystem(context.Background()), ev: streams{open: map[string]int{}, paths: map[string]int{}}}
	mailer, err := mail.NewSMTP(mail.SMTPConfig{Host: h.smtp.Host(), Port: h.smtp.Port(), From: "incroci <noreply@incroci.example.it>", TLS: mail.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(h.watchStreams)
	h.api = httptest.NewServer(r)
	t.Cleanup(h.api.Close)
	h.site = httptest.NewServer(http.HandlerFunc(h.serveSite))
	t.Cleanup(h.site.Close)
	h.p, err = incroci.New(context.Background(), incroci.Config{
		DB: db, Secret: bytes.Repeat([]byte("s"), 32), Mailer: mailer,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		PublicURL: h.api.URL + "/incroci",
		// Every request of the browser comes from 127.0.0.1: the limits per
		// client would count the whole test as one person.
		RequestsPerClient: 1000, VerifiesPerClient: 1000,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		h.p.Close(ctx)
	})
	h.p.Mount(r.Group("/incroci")) // the API and, under /widgets/, the widgets' scripts
	if _, err := h.p.CreateAmbito(h.sys, incroci.AmbitoInput{
		Slug: "lodi", Name: "Ambito Distrettuale di Lodi", Comuni: []string{"Lodi", "Codogno", "Casalpusterlengo", "Sant'Angelo Lodigiano"},
		Origins: []string{h.site.URL}, EmailDomains: []string{"comune.lodi.it"},
	}); err != nil {
		t.Fatal(err)
	}
	return h
}

// base is the API's address, as the widgets' hub attribute holds it.
func (h *hub) base() string { return h.api.URL + "/incroci" }

// page is the address of the ambito's page built from query (see serveSite).
func (h *hub) page(query string) string { return h.site.URL + "/?" + query }

// hostileCSS is what a careless (or hostile) ambito stylesheet does to
// everything on its pages.
const hostileCSS = `* { display:inline !important; color:red !important; font-size:40px !important; background:yellow !important;
  position:static !important; font-family:cursive !important; line-height:3 !important; letter-spacing:4px !important;
  text-transform:uppercase !important; box-sizing:content-box !important; visibility:visible !important }
input,button,div,form,table,label,p,fieldset { border:9px dotted lime !important; margin:50px !important; padding:30px !important;
  width:30px !important; height:10px !important; min-height:0 !important; float:right !important }
input { display:none !important }
button { color:yellow !important; border-radius:0 !important }
:root { font-size:5px !important; direction:rtl !important; zoom:1 }
[hidden] { display:block !important }
:focus { outline:none !important }
incroci-signin, incroci-console { color:red !important; font-size:40px !important; background:yellow !important; border:9px dotted lime !important; margin:50px !important; padding:30px !important }
`

// tilePNG is a map tile: a plain light square.
var tilePNG = func() []byte {
	img := image.NewGray(image.Rect(0, 0, 256, 256))
	for i := range img.Pix {
		img.Pix[i] = 0xee
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}()

// serveSite serves the ambito's page. Its query says what it holds:
// w, the widgets in order ("signin", "console"; a second "console" loads
// console.js a second time); csp=strict, a strict Content-Security-Policy
// (scripts from the hub only, nothing inline, Trusted Types); css=hostile,
// the hostile stylesheet; lang, the page's language; nohub=1, the sign-in
// widget without its hub attribute (taken from its script's address);
// content=ar, the sign-in widget's content-lang; tiles=ok, map tiles for
// the directory (from this site, which the strict CSP then allows; without
// it they fail); survey, the survey attribute of <incroci-survey>;
// assertion, an identity the
// site signed for its own signed-in user, for the sign-in widget.
func (h *hub) serveSite(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/hostile.css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		io.WriteString(w, hostileCSS)
		return
	case "/":
	default:
		// Map tiles: a plain 256-pixel square with ok=1, else none (as offline).
		if strings.HasPrefix(r.URL.Path, "/tiles/") && r.URL.Query().Get("ok") == "1" {
			w.Header().Set("Content-Type", "image/png")
			w.Write(tilePNG)
			return
		}
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	hubOrigin := h.api.URL
	lang := q.Get("lang")
	if lang == "" {
		lang = "it"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html>
<html lang="%s"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ambito Distrettuale di Lodi – Area operatori</title>`, html.EscapeString(lang))
	style := "'none'"
	if q.Get("css") == "hostile" {
		b.WriteString(`<link rel="stylesheet" href="/hostile.css">`)
		style = "'self'"
	}
	b.WriteString(`</head><body><header><p>Ambito Distrettuale di Lodi · Ufficio di Piano</p></header>
<main><h1>Area riservata agli operatori</h1><p>Servizi per gli operatori sociali dell'ambito.</p>
`)
	scripts := map[string]bool{}
	for _, name := range strings.Split(q.Get("w"), ",") {
		if name == "" {
			continue
		}
		fmt.Fprintf(&b, "<script src=\"%s/incroci/widgets/%s.js\" async></script>\n", hubOrigin, name)
		if scripts[name] {
			continue // the script again, not the element
		}
		scripts[name] = true
		attrs := fmt.Sprintf(` ambito="lodi" hub="%s/incroci"`, hubOrigin)
		if name == "signin" && q.Get("nohub") == "1" {
			attrs = ` ambito="lodi"`
		}
		if a := q.Get("assertion"); name == "signin" && a != "" {
			attrs += fmt.Sprintf(` assertion="%s"`, html.EscapeString(a))
		}
		if name == "directory" {
			// Tiles from this site, never from the network; tiles=ok serves them.
			ok := ""
			if q.Get("tiles") == "ok" {
				ok = "?ok=1"
			}
			attrs += fmt.Sprintf(` tiles="%s/tiles/{z}/{x}/{y}.png%s" tiles-attribution="Tessere di prova &lt;b&gt;"`, h.site.URL, ok)
		}
		if s := q.Get("survey"); name == "survey" && s != "" {
			attrs += fmt.Sprintf(` survey="%s"`, html.EscapeString(s))
		}
		if c := q.Get("content"); name == "signin" && c != "" {
			attrs += fmt.Sprintf(` content-lang="%s"`, html.EscapeString(c))
		}
		fmt.Fprintf(&b, "<section><incroci-%s%s></incroci-%s></section>\n", name, attrs, name)
	}
	b.WriteString("</main><footer><p>Ufficio di Piano, Lodi</p></footer></body></html>\n")
	if q.Get("csp") == "strict" {
		img := "'none'"
		if q.Get("tiles") == "ok" {
			img = h.site.URL // the directory's map tiles
		}
		w.Header().Set("Content-Security-Policy", fmt.Sprintf("default-src 'none'; script-src %s; connect-src %s; style-src %s; img-src %s; "+
			"base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'", hubOrigin, hubOrigin, style, img))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, b.String())
}

var (
	signinCode = regexp.MustCompile(`codice: (\d{6})`)
	linkRe     = regexp.MustCompile(`https?://\S*[?&]incroci_activation=[A-Za-z0-9_-]+\S*`)
)

// mailsTo counts the e-mails to addr whose subject contains subject.
func (h *hub) mailsTo(addr, subject string) int {
	n := 0
	for _, m := range h.smtp.Messages() {
		if testsmtp.To(addr)(m) && strings.Contains(m.Subject, subject) {
			n++
		}
	}
	return n
}

// waitMail waits for the e-mail to addr, with subject in its subject, that
// comes after the first `after` such e-mails.
func (h *hub) waitMail(addr, subject string, after int) testsmtp.Received {
	h.t.Helper()
	n := 0
	return h.smtp.WaitFor(h.t, func(m testsmtp.Received) bool {
		if testsmtp.To(addr)(m) && strings.Contains(m.Subject, subject) {
			n++
			return n > after
		}
		return false
	}, 10*time.Second)
}

func find(t *testing.T, re *regexp.Regexp, m testsmtp.Received) string {
	t.Helper()
	s := re.FindStringSubmatch(m.Text)
	if s == nil {
		t.Fatalf("no %s in the e-mail %q:\n%s", re, m.Subject, m.Text)
	}
	return s[len(s)-1]
}

// person returns someone of lodi as the Go API lists them.
func (h *hub) person(email string) incroci.PersonInAmbito {
	h.t.Helper()
	people, _, err := h.p.ListPeople(h.sys, "lodi", incroci.PeopleQuery{Q: email})
	if err != nil {
		h.t.Fatal(err)
	}
	for _, p := range people {
		if p.Email == email {
			return p
		}
	}
	h.t.Fatalf("%s is not among the people of lodi: %+v", email, people)
	return incroci.PersonInAmbito{}
}

// invite adds someone to lodi through the Go API, as the hub would.
func (h *hub) invite(email, name string, roles ...incroci.Role) {
	h.t.Helper()
	if _, err := h.p.Invite(h.sys, "lodi", incroci.InviteInput{Email: email, Name: name, Roles: roles}); err != nil {
		h.t.Fatal(err)
	}
}

// in names an element inside a widget's shadow root.
func in(widget, sel string) string { return widget + " >>> " + sel }

const (
	signin  = "incroci-signin"
	console = "incroci-console"
)

// signIn signs addr in through the e-mail form of widget (signin or
// console) on the page open in ctx, with the code from the real e-mail.
func (h *hub) signIn(ctx context.Context, widget, addr string) {
	t := h.t
	t.Helper()
	before := h.mailsTo(addr, "codice di accesso")
	testbrowser.WaitFor(t, ctx, in(widget, "#email"))
	testbrowser.Clear(t, ctx, in(widget, "#email"))
	testbrowser.Type(t, ctx, in(widget, "#email"), addr+"\r")
	testbrowser.WaitFor(t, ctx, in(widget, "#code"))
	code := find(t, signinCode, h.waitMail(addr, "codice di accesso", before))
	testbrowser.Type(t, ctx, in(widget, "#code"), code+"\r")
	testbrowser.WaitFor(t, ctx, in(widget, "#signed-in"))
}

// stored returns the session token the widgets keep in sessionStorage, or "".
func (h *hub) stored(t *testing.T, ctx context.Context) string {
	t.Helper()
	return testbrowser.Eval[string](t, ctx, `JSON.parse(sessionStorage.getItem('incroci:session:`+h.base()+`') || '{}').token || ''`)
}

func browserTest(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests skip in -short mode")
	}
	return testbrowser.New(t)
}

// TestBrowserSignIn signs in through <incroci-signin> by code and by link,
// with the platform's errors on the way, and signs out.
func TestBrowserSignIn(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		h := newHub(t, db)
		ctx := testbrowser.Tab(t, browser)
		S := func(sel string) string { return in(signin, sel) }
		const addr = "operatore@comune.lodi.it"
		pageURL := h.page("w=signin")

		testbrowser.Navigate(t, ctx, pageURL)
		testbrowser.WaitFor(t, ctx, S("#email"))
		if f := testbrowser.Focused(t, ctx); f != "body" {
			t.Errorf("on load the widget took the page's focus: %s", f)
		}
		testbrowser.Axe(t, ctx, "sign-in: e-mail form")

		// An empty address: the widget's own check, beside the field.
		testbrowser.Click(t, ctx, S("#send"))
		testbrowser.Wait(t, ctx, `(`+testbrowser.Query(S("#email"))+`).getAttribute('aria-invalid') == 'true'`)
		if got := testbrowser.Text(t, ctx, S("#email-err")); !strings.Contains(got, "Scrivi un indirizzo e-mail valido") {
			t.Errorf("empty address: %q", got)
		}
		if f := testbrowser.Focused(t, ctx); f != "incroci-signin >>> input#email" {
			t.Errorf("focus after the error: %s", f)
		}
		testbrowser.Axe(t, ctx, "sign-in: e-mail form with a field error")

		// An address the platform refuses: its 422 lands beside the field.
		testbrowser.Type(t, ctx, S("#email"), "mario..rossi@comune.lodi.it\r")
		testbrowser.WaitText(t, ctx, S("#email-err"), "deve essere un indirizzo e-mail valido")

		// An institutional address: a code arrives by e-mail.
		testbrowser.Clear(t, ctx, S("#email"))
		testbrowser.Type(t, ctx, S("#email"), addr+"\r")
		testbrowser.WaitFor(t, ctx, S("#code"))
		if f := testbrowser.Focused(t, ctx); f != "incroci-signin >>> input#code" {
			t.Errorf("the code form did not take the focus: %s", f)
		}
		if got := testbrowser.Text(t, ctx, S("#sent")); !strings.Contains(got, "Abbiamo inviato un codice a "+addr+". Il codice vale 15 minuti.") {
			t.Errorf("code form says %q", got)
		}
		testbrowser.Axe(t, ctx, "sign-in: code form")
		m := h.waitMail(addr, "codice di accesso", 0)
		code := find(t, signinCode, m)
		link := find(t, linkRe, m)
		if u, err := url.Parse(link); err != nil || u.Scheme+"://"+u.Host != h.site.URL || u.Query().Get("w") != "signin" {
			t.Errorf("the e-mail's link %s does not lead back to the page %s", link, pageURL)
		}

		// A wrong code.
		wrong := fmt.Sprintf("%06d", (atoi(code)+1)%1000000)
		testbrowser.Type(t, ctx, S("#code"), wrong+"\r")
		testbrowser.WaitText(t, ctx, S("#error"), "Codice non valido o scaduto")
		testbrowser.Axe(t, ctx, "sign-in: code form with a wrong code")

		// The right one, with a click on the button.
		testbrowser.Clear(t, ctx, S("#code"))
		testbrowser.Type(t, ctx, S("#code"), code)
		testbrowser.Click(t, ctx, S("#verify"))
		testbrowser.WaitFor(t, ctx, S("#signed-in"))
		if got := testbrowser.Text(t, ctx, S("#signed-in p")); got != "Accesso effettuato come "+addr {
			t.Errorf("signed in: %q", got)
		}
		token := h.stored(t, ctx)
		if !strings.HasPrefix(token, "incs_") {
			t.Errorf("sessionStorage holds no session token: %q", token)
		}
		if c := testbrowser.Eval[string](t, ctx, `document.cookie`); c != "" {
			t.Errorf("cookies set: %q", c)
		}
		testbrowser.Axe(t, ctx, "sign-in: signed in")
		if p := h.person(addr); !slices.Equal(p.Roles, []incroci.Role{incroci.RoleOperator}) {
			t.Errorf("a new institutional address joins lodi as operator; roles %v", p.Roles)
		}

		// A reload keeps the session, without taking the page's focus.
		testbrowser.Reload(t, ctx)
		testbrowser.WaitFor(t, ctx, S("#signed-in"))
		if f := testbrowser.Focused(t, ctx); f != "body" {
			t.Errorf("after a reload the widget took the page's focus: %s", f)
		}

		// Signing out revokes the session on the hub too.
		testbrowser.Click(t, ctx, S("#signout"))
		testbrowser.WaitFor(t, ctx, S("#email"))
		if s := h.stored(t, ctx); s != "" {
			t.Errorf("signed out, sessionStorage still holds %q", s)
		}
		if _, err := h.p.Authenticate(context.Background(), token); !errors.Is(err, incroci.ErrUnauthorized) {
			t.Errorf("the token works after signing out: %v", err)
		}

		// The link of a new e-mail signs in and leaves the page's address.
		testbrowser.Clear(t, ctx, S("#email"))
		testbrowser.Type(t, ctx, S("#email"), addr+"\r")
		testbrowser.WaitFor(t, ctx, S("#code"))
		link = find(t, linkRe, h.waitMail(addr, "codice di accesso", 1))
		testbrowser.Navigate(t, ctx, link)
		testbrowser.WaitFor(t, ctx, S("#signed-in"))
		if got := testbrowser.Eval[string](t, ctx, `location.href`); got != pageURL {
			t.Errorf("after the link the page is at %s, want %s", got, pageURL)
		}
		if got := testbrowser.Text(t, ctx, S("#signed-in")); !strings.Contains(got, addr) {
			t.Errorf("signed in by link: %q", got)
		}

		// A link works once.
		testbrowser.Click(t, ctx, S("#signout"))
		testbrowser.WaitFor(t, ctx, S("#email"))
		testbrowser.Navigate(t, ctx, link)
		testbrowser.WaitText(t, ctx, S("#error"), "Codice non valido o scaduto")
		if got := testbrowser.Eval[string](t, ctx, `location.href`); got != pageURL {
			t.Errorf("after a used link the page is at %s, want %s", got, pageURL)
		}
		testbrowser.Axe(t, ctx, "sign-in: used link (error state)")

		// Too many codes for one address: the platform's 429 and its
		// Retry-After (exposed through CORS) reach the person.
		const busy = "sportello@comune.lodi.it"
		for range 3 {
			if err := h.p.RequestActivation(context.Background(), incroci.ActivationRequest{Email: busy, Ambito: "lodi"}, "192.0.2.7"); err != nil {
				t.Fatal(err)
			}
		}
		testbrowser.Clear(t, ctx, S("#email"))
		testbrowser.Type(t, ctx, S("#email"), busy+"\r")
		testbrowser.WaitText(t, ctx, S("#error"), "Troppi tentativi, riprova tra 15 minuti.")
		testbrowser.Axe(t, ctx, "sign-in: rate limited (error state)")
		testbrowser.CheckErrors(t, ctx)
	})
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// TestBrowserConsole runs <incroci-console> as a coordinator: the people of
// the ambito, roles granted with a click, invitations, and the 403 view of
// those who may not manage it.
func TestBrowserConsole(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		h := newHub(t, db)
		ctx := testbrowser.Tab(t, browser)
		C := func(sel string) string { return in(console, sel) }
		const (
			maria = "maria.rossi@comune.lodi.it"
			luca  = "luca.bianchi@comune.lodi.it"
			xss   = `<img src=x onerror="window.__xss=1">`
		)
		h.invite(maria, "Maria Rossi", incroci.RoleCoordinator)
		h.invite(luca, "Luca Bianchi", incroci.RoleOperator)
		h.invite("ali@comune.lodi.it", xss, incroci.RoleOperator)
		for i := 1; i <= 20; i++ { // enough for two pages
			if _, err := h.p.SignIn(context.Background(), incroci.Identity{Email: fmt.Sprintf("persona%02d@comune.lodi.it", i), Name: fmt.Sprintf("Persona %02d", i), Ambito: "lodi"}); err != nil {
				t.Fatal(err)
			}
		}

		testbrowser.Navigate(t, ctx, h.page("w=signin,console"))
		testbrowser.WaitFor(t, ctx, C("#email")) // signed out, the console offers to sign in
		h.signIn(ctx, signin, maria)
		if got := testbrowser.Text(t, ctx, in(signin, "#signed-in p")); got != "Accesso effettuato come Maria Rossi" {
			t.Errorf("signed in: %q", got)
		}

		// The console heard of the session and lists the people, by name.
		rows := testbrowser.QueryAll(C("#people tbody tr")) + `.length`
		testbrowser.Wait(t, ctx, rows+` == 20`)
		if got := testbrowser.Text(t, ctx, C("#people caption")); got != "Persone trovate: 23" {
			t.Errorf("caption %q", got)
		}
		if got := testbrowser.Text(t, ctx, C("nav")); !strings.Contains(got, "Pagina 1 di 2") {
			t.Errorf("pagination: %q", got)
		}
		// Script in a name is text.
		if got := testbrowser.Text(t, ctx, C("#people tbody tr th")); got != xss {
			t.Errorf("first row's name: %q, want the literal %q", got, xss)
		}
		if got := testbrowser.Eval[string](t, ctx, `String(`+testbrowser.QueryAll(C("img"))+`.length) + ' ' + typeof window.__xss`); got != "0 undefined" {
			t.Errorf("the name was parsed as HTML: images and window.__xss = %s", got)
		}
		testbrowser.Axe(t, ctx, "console: people list")

		testbrowser.Click(t, ctx, C("#next"))
		testbrowser.WaitText(t, ctx, C("nav"), "Pagina 2 di 2")
		testbrowser.Wait(t, ctx, rows+` == 3`)
		testbrowser.Click(t, ctx, C("#prev"))
		testbrowser.WaitText(t, ctx, C("nav"), "Pagina 1 di 2")
		testbrowser.Type(t, ctx, C("#q"), "bianchi\r")
		testbrowser.Wait(t, ctx, rows+` == 1`)

		// A role granted, then taken away, with clicks.
		l := h.person(luca)
		box := C(fmt.Sprintf("#r-%d-mediator", l.ID))
		testbrowser.Click(t, ctx, box)
		testbrowser.WaitText(t, ctx, C("#status"), "Mediatore linguistico-culturale: ruolo assegnato a Luca Bianchi.")
		if got := h.person(luca).Roles; !slices.Equal(got, []incroci.Role{incroci.RoleOperator, incroci.RoleMediator}) {
			t.Errorf("after the click Luca has %v", got)
		}
		if !testbrowser.Eval[bool](t, ctx, `(`+testbrowser.Query(box)+`).checked`) {
			t.Error("the box is not checked")
		}
		testbrowser.Click(t, ctx, box)
		testbrowser.WaitText(t, ctx, C("#status"), "Mediatore linguistico-culturale: ruolo tolto a Luca Bianchi.")
		if got := h.person(luca).Roles; !slices.Equal(got, []incroci.Role{incroci.RoleOperator}) {
			t.Errorf("after the second click Luca has %v", got)
		}

		// An invitation the platform refuses: no role, then a bad address.
		testbrowser.Type(t, ctx, C("#invite-email"), "mario..rossi@comune.lodi.it")
		testbrowser.Click(t, ctx, C("#invite-role-operator")) // the default role, off
		testbrowser.Click(t, ctx, C("#invite-send"))
		testbrowser.Wait(t, ctx, `!(`+testbrowser.Query(C("#invite-roles-err"))+`).hidden`)
		if f := testbrowser.Focused(t, ctx); !strings.HasPrefix(f, "incroci-console >>> input#invite-role-") {
			t.Errorf("after the roles error the focus is on %s, want the first role", f)
		}
		testbrowser.Axe(t, ctx, "console: invitation with a field error")
		testbrowser.Click(t, ctx, C("#invite-role-operator"))
		testbrowser.Click(t, ctx, C("#invite-send"))
		testbrowser.WaitText(t, ctx, C("#invite-email-err"), "deve essere un indirizzo e-mail valido")
		if !testbrowser.Eval[bool](t, ctx, `(`+testbrowser.Query(C("#invite-roles-err"))+`).hidden`) {
			t.Error("the roles error stays after roles were chosen")
		}
		if f := testbrowser.Focused(t, ctx); f != "incroci-console >>> input#invite-email" {
			t.Errorf("after the address error the focus is on %s", f)
		}

		// A good one: the invitation e-mail leaves through the real SMTP server.
		const nuovo = "nuovo.collega@comune.lodi.it"
		testbrowser.Clear(t, ctx, C("#invite-email"))
		testbrowser.Type(t, ctx, C("#invite-email"), nuovo)
		testbrowser.Type(t, ctx, C("#invite-name"), "Nuovo Collega\r")
		testbrowser.WaitText(t, ctx, C("#status"), "Invito inviato a "+nuovo+".")
		if got := h.person(nuovo); got.Name != "Nuovo Collega" || !slices.Equal(got.Roles, []incroci.Role{incroci.RoleOperator}) {
			t.Errorf("invited: %+v", got)
		}
		m := h.waitMail(nuovo, "invito", 0)
		if !strings.Contains(m.Text, "Maria Rossi ti ha invitato a usare incroci per Ambito Distrettuale di Lodi") {
			t.Errorf("invitation e-mail:\n%s", m.Text)
		}

		// The invitee opens the link in their own tab: an operator, they
		// see the console's 403 view.
		other := testbrowser.Tab(t, browser)
		link := linkRe.FindString(m.Text)
		if u, err := url.Parse(link); err != nil || u.Scheme+"://"+u.Host != h.site.URL || u.Query().Get("w") != "signin,console" {
			t.Fatalf("the invitation's link %q does not lead to the page that sent it (%s)", link, h.page("w=signin,console"))
		}
		testbrowser.Navigate(t, other, link)
		testbrowser.WaitFor(t, other, C("#forbidden"))
		if got := testbrowser.Text(t, other, C("#forbidden")); got != "La console è per coordinatori, consulenti, mediatori, formatori e redattori: con il tuo profilo usa gli altri servizi della pagina." {
			t.Errorf("the view of an operator: %q", got)
		}
		if got := testbrowser.Attr(t, other, C("#forbidden"), "class"); got != "note" {
			t.Errorf("no console role shown as an error (class %q)", got)
		}
		if got := testbrowser.Text(t, other, C("#signed-in")); !strings.Contains(got, "Nuovo Collega") {
			t.Errorf("403 view, signed in as %q", got)
		}
		testbrowser.Axe(t, other, "console: 403 view of an operator")

		// Maria stops being a coordinator while her page is open: the
		// change reaches her console live, and the platform's 403 turns it
		// into the same view, with no click.
		if _, err := h.p.RevokeRole(h.sys, "lodi", h.person(maria).ID, incroci.RoleCoordinator); err != nil {
			t.Fatal(err)
		}
		testbrowser.WaitText(t, ctx, C("#forbidden"), "Non hai i permessi per gestire questo ambito")
		// The 403 view listens no more; the operator's never did.
		mariaAuth, nuovoAuth := "Bearer "+h.stored(t, ctx), "Bearer "+h.stored(t, other)
		h.waitStreams("Maria's stream closed", func(e *streams) bool { return e.open[mariaAuth] == 0 })
		h.streamState(func(e *streams) bool {
			for _, r := range e.asked {
				if r.auth == nuovoAuth {
					t.Error("the 403 view of an operator opened the people's event stream")
				}
			}
			return true
		})
		testbrowser.CheckErrors(t, ctx)
		testbrowser.CheckErrors(t, other)
	})
}

// TestBrowserStrictPage puts both bundles on a page with a strict CSP (only
// the hub's scripts, nothing inline, Trusted Types), console.js twice, in
// English, the sign-in widget right-to-left and without a hub attribute.
func TestBrowserStrictPage(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		h := newHub(t, db)
		ctx := testbrowser.Tab(t, browser)
		S := func(sel string) string { return in(signin, sel) }
		C := func(sel string) string { return in(console, sel) }
		const addr = "operatrice@comune.lodi.it"

		testbrowser.Navigate(t, ctx, h.page("w=signin,console,console&csp=strict&lang=en&nohub=1&content=ar"))
		testbrowser.WaitFor(t, ctx, S("#email"))
		testbrowser.WaitFor(t, ctx, C("#email"))
		if n := testbrowser.Eval[int](t, ctx, `document.querySelectorAll('script[src$="/console.js"]').length`); n != 2 {
			t.Fatalf("the page loads console.js %d times, want 2", n)
		}
		// Loaded twice, console.js defined its element once and threw
		// nothing (CheckErrors below).
		if got := testbrowser.Eval[string](t, ctx, `document.querySelector('incroci-signin').hub`); got != h.base() {
			t.Errorf("hub taken from the script's address: %q, want %q", got, h.base())
		}
		if got := testbrowser.Text(t, ctx, S("form p")); got != "Sign in with your institutional e-mail address: we will send you a code." {
			t.Errorf("English: %q", got)
		}
		if got := testbrowser.Eval[string](t, ctx, `[`+testbrowser.Query(S(".w"))+`.dir, `+testbrowser.Query(C(".w"))+`.dir].join(' ')`); got != "rtl ltr" {
			t.Errorf("directions of signin and console: %q, want rtl ltr", got)
		}
		testbrowser.Axe(t, ctx, "strict page: e-mail forms in English, one right-to-left")
		testbrowser.CheckErrors(t, ctx)

		// Signed in through the console's own form, the other bundle's
		// widget hears of it too.
		h.signIn(ctx, console, addr)
		testbrowser.WaitText(t, ctx, S("#signed-in"), "Signed in as "+addr)
		testbrowser.WaitText(t, ctx, C("#forbidden"), "The console is for coordinators, consultants, mediators, trainers and editors")
		testbrowser.Axe(t, ctx, "strict page: signed in, console forbidden")

		// Signing out in one widget signs out the other.
		testbrowser.Click(t, ctx, S("#signout"))
		testbrowser.WaitFor(t, ctx, S("#email"))
		testbrowser.WaitFor(t, ctx, C("#email"))
		testbrowser.CheckErrors(t, ctx)
	})
}

// TestBrowserHostileStyles loads the sign-in widget on a page whose
// stylesheet restyles everything with !important: inside the shadow root
// the widget keeps its own look, and still works.
func TestBrowserHostileStyles(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		h := newHub(t, db)
		ctx := testbrowser.Tab(t, browser)
		S := func(sel string) string { return in(signin, sel) }

		testbrowser.Navigate(t, ctx, h.page("w=signin&css=hostile"))
		testbrowser.WaitFor(t, ctx, S("#email"))
		if got := testbrowser.Style(t, ctx, "main h1", "color")["color"]; got != "rgb(255, 0, 0)" {
			t.Fatalf("the hostile stylesheet is not applied to the page (h1 color %s)", got)
		}
		check := func(path string, want map[string]string) {
			t.Helper()
			props := make([]string, 0, len(want))
			for p := range want {
				props = append(props, p)
			}
			got := testbrowser.Style(t, ctx, path, props...)
			for p, w := range want {
				if got[p] != w {
					t.Errorf("%s: %s is %q, want %q", path, p, got[p], w)
				}
			}
		}
		check(signin, map[string]string{"display": "block", "color": "rgb(26, 26, 26)", "font-size": "16px", "background-color": "rgb(255, 255, 255)", "text-transform": "none", "letter-spacing": "normal"})
		check(S(".w"), map[string]string{"direction": "ltr", "font-size": "16px"})
		check(S("label"), map[string]string{"display": "block", "font-size": "16px", "font-weight": "600", "color": "rgb(26, 26, 26)"})
		check(S("#email"), map[string]string{"display": "block", "font-size": "16px", "margin-top": "0px", "border-top-width": "1px", "border-top-style": "solid", "background-color": "rgb(255, 255, 255)", "visibility": "visible"})
		check(S("#send"), map[string]string{"display": "inline-block", "font-size": "16px", "background-color": "rgb(0, 102, 204)", "color": "rgb(255, 255, 255)", "margin-top": "0px", "border-top-width": "2px"})
		check(S("#email-err"), map[string]string{"display": "none"}) // [hidden] stays hidden
		if r := testbrowser.Box(t, ctx, S("#email")); r.Width < 200 || r.Height < 30 || r.Height > 80 {
			t.Errorf("the address field is %+v", r)
		}
		if r := testbrowser.Box(t, ctx, S("#send")); r.Width < 80 || r.Height < 30 || r.Height > 80 {
			t.Errorf("the button is %+v", r)
		}
		testbrowser.Screenshot(t, ctx, "email-form")

		h.signIn(ctx, signin, "operatore@comune.lodi.it")
		check(S("#signout"), map[string]string{"font-size": "16px", "background-color": "rgb(255, 255, 255)", "color": "rgb(0, 102, 204)"})
		testbrowser.Screenshot(t, ctx, "signed-in")
		testbrowser.CheckErrors(t, ctx)
	})
}

// TestBrowserHostAssertion: an ambito site with its own login signs an
// identity for its user and hands it to <incroci-signin>, which exchanges it
// for a session; a replayed or forged identity shows an error instead.
func TestBrowserHostAssertion(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		h := newHub(t, db)
		ctx := testbrowser.Tab(t, browser)
		secret, err := h.p.RotateHostSecret(h.sys, "lodi")
		if err != nil {
			t.Fatal(err)
		}
		key, _ := base64.RawURLEncoding.DecodeString(secret.Secret)
		sign := func(jti string, key []byte) string {
			now := time.Now()
			tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": "lodi", "aud": "incroci", "sub": "u-7",
				"email": "l.verdi@comune.lodi.it", "name": "Lucia Verdi", "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": jti})
			tok.Header["kid"] = secret.ID
			s, err := tok.SignedString(key)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		good := sign("a1", key)
		testbrowser.Navigate(t, ctx, h.page("w=signin&assertion="+good))
		testbrowser.WaitFor(t, ctx, in(signin, "#signed-in"))
		if got := testbrowser.Text(t, ctx, in(signin, "#signed-in p")); !strings.Contains(got, "Lucia Verdi") {
			t.Fatalf("signed in as %q", got)
		}
		if a := testbrowser.Eval[string](t, ctx, `document.querySelector('incroci-signin').getAttribute('assertion') || ''`); a != "" {
			t.Fatal("the widget must drop the assertion once used")
		}
		testbrowser.Axe(t, ctx, "sign-in: signed in from the site's identity")
		// The same identity again (a replay), in a fresh tab.
		other := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, other, h.page("w=signin&assertion="+good))
		testbrowser.WaitFor(t, other, in(signin, "#error:not([hidden])"))
		if got := testbrowser.Text(t, other, in(signin, "#error")); !strings.Contains(got, "non è valida") {
			t.Fatalf("replayed identity: %q", got)
		}
		testbrowser.WaitFor(t, other, in(signin, "#email"))
	})
}

// TestBrowserLiveUpdates opens the console of lodi in two tabs, for two
// coordinators: what one does, and what the Go API does, reaches the other
// through the people event stream with no reload, keeping its search, page
// and focus; a dropped stream says so after a few seconds, resumes with
// Last-Event-ID and brings what changed meanwhile, once; signing out and
// removing the element close the stream.
func TestBrowserLiveUpdates(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		h := newHub(t, db)
		C := func(sel string) string { return in(console, sel) }
		const (
			maria  = "maria.rossi@comune.lodi.it"
			paolo  = "paolo.neri@comune.lodi.it"
			luca   = "luca.bianchi@comune.lodi.it"
			giulia = "giulia.rossi@comune.lodi.it"
		)
		h.invite(maria, "Maria Rossi", incroci.RoleCoordinator)
		h.invite(paolo, "Paolo Neri", incroci.RoleCoordinator)
		h.invite(luca, "Luca Bianchi", incroci.RoleOperator)
		rows := testbrowser.QueryAll(C("#people tbody tr")) + `.length`
		checked := func(sel string) string { return `(` + testbrowser.Query(C(sel)) + `)?.checked === true` }

		a, b := testbrowser.Tab(t, browser), testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, a, h.page("w=console"))
		h.signIn(a, console, maria)
		testbrowser.Navigate(t, b, h.page("w=console"))
		h.signIn(b, console, paolo)
		testbrowser.Wait(t, a, rows+` == 3`)
		testbrowser.Wait(t, b, rows+` == 3`)
		tokA, tokB := "Bearer "+h.stored(t, a), "Bearer "+h.stored(t, b)
		h.waitStreams("both consoles listening", func(e *streams) bool { return e.open[tokA] == 1 && e.open[tokB] == 1 })
		if got := testbrowser.Text(t, b, C("#live")); got != "" {
			t.Errorf("connected, the console says %q", got)
		}

		// Maria grants a role with a click; Paolo, whose focus is on
		// another box of the same row, sees it without reloading, and
		// keeps his focus.
		l := h.person(luca)
		box := fmt.Sprintf("#r-%d-mediator", l.ID)
		paoloBox := fmt.Sprintf("#r-%d-editor", l.ID)
		testbrowser.Focus(t, b, C(paoloBox))
		testbrowser.Click(t, a, C(box))
		testbrowser.WaitText(t, a, C("#status"), "Mediatore linguistico-culturale: ruolo assegnato a Luca Bianchi.")
		testbrowser.Wait(t, b, checked(box))
		testbrowser.WaitText(t, b, C("#status"), "Elenco aggiornato")
		if f := testbrowser.Focused(t, b); f != "incroci-console >>> input"+paoloBox {
			t.Errorf("after the live update Paolo's focus is on %s", f)
		}
		// Maria's own change, heard back on her stream, changes nothing
		// she sees: no "list updated" over her confirmation.
		time.Sleep(time.Second)
		if got := testbrowser.Text(t, a, C("#status")); !strings.Contains(got, "ruolo assegnato") {
			t.Errorf("Maria's status after her own change: %q", got)
		}

		// Paolo searches; an invitation through the Go API appears in his
		// search, which he keeps.
		testbrowser.Type(t, b, C("#q"), "rossi\r")
		testbrowser.Wait(t, b, rows+` == 1`)
		testbrowser.Focus(t, b, C("#q"))
		h.invite(giulia, "Giulia Rossi", incroci.RoleOperator)
		testbrowser.Wait(t, b, rows+` == 2`)
		testbrowser.WaitText(t, b, C("#people caption"), "Persone trovate: 2")
		if v := testbrowser.Value(t, b, C("#q")); v != "rossi" {
			t.Errorf("the search became %q", v)
		}
		if f := testbrowser.Focused(t, b); f != "incroci-console >>> input#q" {
			t.Errorf("after the live update Paolo's focus is on %s", f)
		}
		testbrowser.Wait(t, a, rows+` == 4`)

		// A coordinator's change through the Go API.
		g := h.person(giulia)
		pr, err := h.p.Authenticate(context.Background(), strings.TrimPrefix(tokA, "Bearer "))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.p.GrantRole(incroci.WithPrincipal(context.Background(), pr), "lodi", g.ID, incroci.RoleTrainer); err != nil {
			t.Fatal(err)
		}
		testbrowser.Wait(t, b, checked(fmt.Sprintf("#r-%d-trainer", g.ID)))
		testbrowser.Wait(t, a, checked(fmt.Sprintf("#r-%d-trainer", g.ID)))

		// The hub drops every connection and holds the reconnections back.
		// After a few seconds the console says live updates are paused.
		evs, err := h.p.Events().Since(context.Background(), incroci.PeopleTopic("lodi"), 0, 1000)
		if err != nil || len(evs) == 0 {
			t.Fatalf("events of lodi: %v %v", evs, err)
		}
		lastSeen := evs[len(evs)-1].ID
		hold := make(chan struct{})
		h.streamState(func(e *streams) bool { e.hold = hold; return true })
		released := false
		release := func() {
			if !released {
				released = true
				h.streamState(func(e *streams) bool { e.hold = nil; return true })
				close(hold)
			}
		}
		defer release()
		var asked int
		h.streamState(func(e *streams) bool { asked = len(e.asked); return true })
		h.api.CloseClientConnections()
		h.waitStreams("both consoles reconnecting", func(e *streams) bool { return e.held == 2 })
		testbrowser.WaitText(t, b, C("#live"), "Aggiornamenti in tempo reale sospesi, nuovo tentativo…")
		testbrowser.Axe(t, b, "console: live updates paused")

		// Meanwhile Giulia becomes an editor; then the hub lets the
		// consoles back in. They resume after the last event they saw and
		// get the change once.
		if _, err := h.p.GrantRole(h.sys, "lodi", g.ID, incroci.RoleEditor); err != nil {
			t.Fatal(err)
		}
		release()
		testbrowser.Wait(t, b, checked(fmt.Sprintf("#r-%d-editor", g.ID)))
		testbrowser.Wait(t, a, checked(fmt.Sprintf("#r-%d-editor", g.ID)))
		testbrowser.WaitText(t, b, C("#live"), "")
		h.streamState(func(e *streams) bool {
			for _, r := range e.asked[asked:] {
				if r.lastEventID != fmt.Sprint(lastSeen) {
					t.Errorf("a console reconnected with Last-Event-ID %q, want %d", r.lastEventID, lastSeen)
				}
			}
			return true
		})
		if n := testbrowser.Eval[int](t, b, `[...`+testbrowser.QueryAll(C("#people tbody th"))+`].filter((x) => x.textContent == 'Giulia Rossi').length`); n != 1 {
			t.Errorf("Giulia Rossi is listed %d times", n)
		}
		testbrowser.Wait(t, b, rows+` == 2`)
		if got := testbrowser.Text(t, b, C("#people caption")); got != "Persone trovate: 2" {
			t.Errorf("caption after the reconnection: %q", got)
		}
		if got := h.person(giulia).Roles; !slices.Equal(got, []incroci.Role{incroci.RoleOperator, incroci.RoleTrainer, incroci.RoleEditor}) {
			t.Errorf("Giulia has %v", got)
		}

		// The stream is live again: a click in one tab reaches the other.
		testbrowser.Click(t, a, C(fmt.Sprintf("#r-%d-editor", g.ID)))
		testbrowser.Wait(t, b, `!`+checked(fmt.Sprintf("#r-%d-editor", g.ID)))
		testbrowser.Axe(t, b, "console: after a live update")

		// Signing out closes Paolo's stream; removing Maria's console
		// from her page closes hers.
		testbrowser.Click(t, b, C("#signout"))
		testbrowser.WaitFor(t, b, C("#email"))
		h.waitStreams("Paolo's stream closed", func(e *streams) bool { return e.open[tokB] == 0 })
		testbrowser.Eval[bool](t, a, `document.querySelector('incroci-console').remove(), true`)
		h.waitStreams("Maria's stream closed", func(e *streams) bool { return e.open[tokA] == 0 })
		testbrowser.CheckErrors(t, a)
		testbrowser.CheckErrors(t, b)
	})
}

// streamPage is a test entry point built beside the widgets: it runs api.ts's
// stream against the page's own origin and logs what it hears in window.log.
const streamPage = `import { stream } from './src/api';
const w = window as any;
w.log = [];
sessionStorage.setItem('incroci:session:' + location.origin, JSON.stringify({ token: 't' }));
stream(location.origin, 'it', '/events', {
  idle: 400,
  onEvent: (type, data, id) => w.log.push(type + ' ' + JSON.stringify(data) + ' ' + id),
  onState: (s, status) => w.log.push(s + (status ? ' ' + status : '')),
});`

// TestBrowserEventStream runs the widgets' SSE client (stream in api.ts)
// against a hand-written event stream: fields split across chunks, CRLF, CR
// and LF line ends (a CRLF cut between two chunks, a UTF-8 character too),
// comments, multi-line data, retry:, the end of the stream, replayed events
// it has already seen, a silent connection, a 503 and a 401.
func TestBrowserEventStream(t *testing.T) {
	browser := browserTest(t)
	dir, err := bundle.Dir()
	if err != nil {
		t.Fatal(err)
	}
	res := api.Build(api.BuildOptions{
		Stdin:  &api.StdinOptions{Contents: streamPage, ResolveDir: dir, Loader: api.LoaderTS},
		Bundle: true, Format: api.FormatIIFE, Target: api.ES2022, Write: false, LogLevel: api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		t.Fatalf("build the test page: %v", res.Errors)
	}
	script := res.OutputFiles[0].Contents

	var (
		mu    sync.Mutex
		conns []string // "<Authorization> <Last-Event-ID>" of each stream request
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, `<!doctype html><html lang="it"><head><meta charset="utf-8"><title>stream</title><script src="/t.js"></script></head><body></body></html>`)
			return
		case "/t.js":
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(script)
			return
		case "/events":
		default:
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		conns = append(conns, r.Header.Get("Authorization")+" "+r.Header.Get("Last-Event-ID"))
		n := len(conns)
		mu.Unlock()
		send := func(parts ...string) {
			for _, p := range parts {
				io.WriteString(w, p)
				w.(http.Flusher).Flush()
				time.Sleep(30 * time.Millisecond)
			}
		}
		switch n {
		case 1:
			w.Header().Set("Content-Type", "text/event-stream")
			send("retry: 50\r\n\r\n: hello\r\n\r\n",
				"id: 1\r\nevent: person.changed\r\ndata: {\"id\":\r\ndata: 7}\r\n\r\n",
				"id: 2\r\ndata: a\r", "\ndata: b\r\n\r\n",
				"id: 3\revent: x\rdata:caff\xc3", "\xa8\r\r",
				"id: 9\ndata: never ends") // cut short: not an event
		case 2:
			w.Header().Set("Content-Type", "text/event-stream")
			send("id: 2\ndata: old\n\nid: 3\ndata: old\n\n", "id: 4\ndata: \"new\"\n\n")
			<-r.Context().Done() // silent: the client gives up after its idle time
		case 3:
			w.Header().Set("Retry-After", "0")
			http.Error(w, "busy", http.StatusServiceUnavailable)
		default:
			http.Error(w, "who?", http.StatusUnauthorized)
		}
	}))
	defer srv.Close()

	ctx := testbrowser.Tab(t, browser)
	testbrowser.Navigate(t, ctx, srv.URL+"/")
	testbrowser.Wait(t, ctx, `window.log.at(-1) == 'stop 401'`)
	got := testbrowser.Eval[[]string](t, ctx, `window.log`)
	want := []string{
		"resync",
		`person.changed {"id":7} 1`,
		`message "a\nb" 2`,
		`x "caffè" 3`,
		"retry",
		"open",
		`message "new" 4`,
		"retry",
		"retry",
		"stop 401",
	}
	if !slices.Equal(got, want) {
		t.Errorf("the client heard\n%q\nwant\n%q", got, want)
	}
	mu.Lock()
	if want := []string{"Bearer t ", "Bearer t 3", "Bearer t 4", "Bearer t 4"}; !slices.Equal(conns, want) {
		t.Errorf("requests (Authorization, Last-Event-ID): %q, want %q", conns, want)
	}
	mu.Unlock()
	if s := testbrowser.Eval[string](t, ctx, `sessionStorage.getItem('incroci:session:' + location.origin) || ''`); s != "" {
		t.Errorf("after a 401 the session stays: %s", s)
	}
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	if len(conns) != 4 {
		t.Errorf("after a 401 the client connected again: %q", conns)
	}
	mu.Unlock()
	testbrowser.CheckErrors(t, ctx)
}

// languagesCSV is shared/domain/languages.csv, the languages a person may
// say they speak: the profile form offers exactly these.
const languagesCSV = `code,name_it,name_native,direction
it,italiano,italiano,ltr
en,inglese,English,ltr
fr,francese,français,ltr
es,spagnolo,español,ltr
ar,arabo,العربية,rtl
sq,albanese,shqip,ltr
ro,rumeno,română,ltr
uk,ucraino,українська,ltr
ru,russo,русский,ltr
zh,cinese,中文,ltr
ur,urdu,اردو,rtl
pa,punjabi,ਪੰਜਾਬੀ,ltr
bn,bengalese,বাংলা,ltr
hi,hindi,हिन्दी,ltr
wo,wolof,Wolof,ltr
ti,tigrino,ትግርኛ,ltr
am,amarico,አማርኛ,ltr
so,somalo,Soomaali,ltr
fa,persiano,فارسی,rtl
tl,tagalog,Tagalog,ltr
`

// langBox is one language checkbox of the profile form as the page shows it.
type langBox struct {
	Code, Name, Native, Lang, Dir string
	Checked                       bool
}

// langBoxes reads the language checkboxes of the profile form in widget.
func langBoxes(t *testing.T, ctx context.Context, widget string) []langBox {
	t.Helper()
	return testbrowser.Eval[[]langBox](t, ctx, `[...`+testbrowser.QueryAll(in(widget, "#p-langs label"))+`].map((l) => {
		const i = l.querySelector('input'), n = l.querySelector('.nv');
		return {Code: i.value, Name: [...l.childNodes].filter((c) => c.nodeType == 3).map((c) => c.textContent).join(''),
			Native: n ? n.textContent : '', Lang: n ? n.lang : '', Dir: n ? n.dir : '', Checked: i.checked};
	})`)
}

// TestBrowserAccount runs a person's own account from the signed-in view of
// <incroci-signin> (and of <incroci-console>, which shares it), on a page
// with a strict CSP: the profile form (a name holding markup, languages,
// service, a field error from the platform), the download of their personal
// data, and signing out on every device after a confirmation.
func TestBrowserAccount(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		h := newHub(t, db)
		ctx := testbrowser.Tab(t, browser)
		S := func(sel string) string { return in(signin, sel) }
		C := func(sel string) string { return in(console, sel) }
		const (
			addr    = "giulia.bassi@comune.lodi.it"
			payload = `<b onmouseover=x>Giulia</b>`
		)
		h.invite(addr, "Giulia Bassi", incroci.RoleCoordinator)
		checked := func(path string) bool { return testbrowser.Eval[bool](t, ctx, `(`+testbrowser.Query(path)+`).checked`) }
		me := func(token string) *incroci.Me {
			t.Helper()
			pr, err := h.p.Authenticate(context.Background(), token)
			if err != nil {
				t.Fatalf("authenticate: %v", err)
			}
			m, err := h.p.Me(incroci.WithPrincipal(context.Background(), pr))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}

		// Downloads of the tab go to a folder of the test, and are reported.
		dir := t.TempDir()
		began := make(chan *cdpbrowser.EventDownloadWillBegin, 4)
		ended := make(chan *cdpbrowser.EventDownloadProgress, 4)
		if err := chromedp.Listen(ctx, func(ev any) {
			switch e := ev.(type) {
			case *cdpbrowser.EventDownloadWillBegin:
				select {
				case began <- e:
				default:
				}
			case *cdpbrowser.EventDownloadProgress:
				if e.State != cdpbrowser.DownloadProgressStateInProgress {
					select {
					case ended <- e:
					default:
					}
				}
			}
		}); err != nil {
			t.Fatal(err)
		}
		on := true
		if _, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &on,
		}); err != nil {
			t.Fatalf("set the download behaviour: %v", err)
		}

		testbrowser.Navigate(t, ctx, h.page("w=signin,console&csp=strict"))
		h.signIn(ctx, signin, addr)
		testbrowser.WaitFor(t, ctx, C("#signed-in"))
		for _, id := range []string{"#profile", "#export", "#signout-all"} {
			testbrowser.WaitFor(t, ctx, C(id)) // the console's signed-in view has them too
		}
		token := h.stored(t, ctx)

		// The profile form opens with the person's profile, the focus on its first field.
		testbrowser.Click(t, ctx, S("#profile"))
		testbrowser.WaitFor(t, ctx, S("#profile-form"))
		if f := testbrowser.Focused(t, ctx); f != "incroci-signin >>> input#p-name" {
			t.Errorf("the profile form opened with the focus on %s", f)
		}
		if v := testbrowser.Value(t, ctx, S("#p-name")); v != "Giulia Bassi" {
			t.Errorf("name field: %q", v)
		}
		if got := testbrowser.Eval[string](t, ctx, `(`+testbrowser.Query(S("#p-title"))+`).tagName`); got != "H2" {
			t.Errorf("the profile form's title is a %s in <incroci-signin>, want H2", got)
		}
		// Its languages are those of languages.csv, in alphabetical order of
		// their Italian names, each with its native name in its own language
		// and direction.
		rows, err := csv.NewReader(strings.NewReader(languagesCSV)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]langBox{}
		for _, r := range rows[1:] {
			name := strings.ToUpper(r[1][:1]) + r[1][1:]
			b := langBox{Code: r[0], Name: name}
			if !strings.EqualFold(r[2], r[1]) {
				b.Native, b.Lang, b.Dir = r[2], r[0], r[3]
			}
			want[r[0]] = b
		}
		boxes := langBoxes(t, ctx, signin)
		if len(boxes) != len(want) {
			t.Errorf("the form offers %d languages, languages.csv has %d", len(boxes), len(want))
		}
		for i, b := range boxes {
			if b != want[b.Code] {
				t.Errorf("language checkbox %+v, want %+v", b, want[b.Code])
			}
			if i > 0 && boxes[i-1].Name > b.Name {
				t.Errorf("languages out of order: %s before %s", boxes[i-1].Name, b.Name)
			}
		}
		testbrowser.Axe(t, ctx, "account: profile form")
		testbrowser.Screenshot(t, ctx, "profile-form")

		// The fields take at most 200 characters, as the platform does.
		testbrowser.Type(t, ctx, S("#p-service"), strings.Repeat("s", 205))
		if v := testbrowser.Value(t, ctx, S("#p-service")); len(v) != 200 {
			t.Errorf("the service field took %d characters", len(v))
		}
		testbrowser.Clear(t, ctx, S("#p-service"))

		// A service pasted from a spreadsheet, with a tab inside: the
		// platform refuses it, and its message lands beside the field.
		testbrowser.Focus(t, ctx, S("#p-service"))
		if _, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: "Segretariato\tsociale"}); err != nil {
			t.Fatal(err)
		}
		testbrowser.Clear(t, ctx, S("#p-name"))
		testbrowser.Type(t, ctx, S("#p-name"), payload)
		testbrowser.Click(t, ctx, S("#p-lang-ar"))
		testbrowser.Click(t, ctx, S("#p-lang-fr"))
		testbrowser.Click(t, ctx, S("#p-save"))
		testbrowser.WaitText(t, ctx, S("#p-service-err"), "caratteri di controllo")
		if f := testbrowser.Focused(t, ctx); f != "incroci-signin >>> input#p-service" {
			t.Errorf("after the platform's error the focus is on %s", f)
		}
		if a := testbrowser.Attr(t, ctx, S("#p-service"), "aria-invalid"); a != "true" {
			t.Errorf("the service field is not marked invalid: aria-invalid=%q", a)
		}
		if !testbrowser.Eval[bool](t, ctx, `(`+testbrowser.Query(S("#p-name-err"))+`).hidden`) {
			t.Error("the name field shows an error")
		}
		testbrowser.Axe(t, ctx, "account: profile form with the platform's field error")
		testbrowser.Screenshot(t, ctx, "profile-field-error")
		if m := me(token); m.Name != "Giulia Bassi" || m.Service != "" || len(m.Languages) != 0 {
			t.Errorf("a refused profile was saved: %+v", m)
		}

		// Corrected, it is saved: the signed-in lines of both widgets show
		// the new name as text, and the focus is back on "Il mio profilo".
		testbrowser.Clear(t, ctx, S("#p-service"))
		testbrowser.Type(t, ctx, S("#p-service"), "Segretariato sociale\r")
		testbrowser.WaitText(t, ctx, S("#status"), "Profilo aggiornato")
		testbrowser.WaitFor(t, ctx, S("#profile"))
		if got := testbrowser.Text(t, ctx, S("#signed-in p")); got != "Accesso effettuato come "+payload {
			t.Errorf("signed in as %q", got)
		}
		testbrowser.WaitText(t, ctx, C("#signed-in p"), "Accesso effettuato come "+payload)
		if n := testbrowser.Eval[int](t, ctx, testbrowser.QueryAll(S("b"))+`.length + `+testbrowser.QueryAll(C("b"))+`.length`); n != 0 {
			t.Errorf("the name was parsed as HTML: %d <b> elements", n)
		}
		if f := testbrowser.Focused(t, ctx); f != "incroci-signin >>> button#profile" {
			t.Errorf("after saving the focus is on %s", f)
		}
		m := me(token)
		if langs := slices.Sorted(slices.Values(m.Languages)); m.Name != payload || m.Service != "Segretariato sociale" || !slices.Equal(langs, []string{"ar", "fr"}) {
			t.Errorf("saved profile: %+v", m)
		}
		testbrowser.Axe(t, ctx, "account: profile saved")
		testbrowser.Screenshot(t, ctx, "profile-saved")

		// The console's form shows what was saved, under its own h2 with an
		// h3; Escape closes it.
		testbrowser.Click(t, ctx, C("#profile"))
		testbrowser.WaitFor(t, ctx, C("#profile-form"))
		if got := testbrowser.Eval[string](t, ctx, `(`+testbrowser.Query(C("#p-title"))+`).tagName`); got != "H3" {
			t.Errorf("the profile form's title is a %s in <incroci-console>, want H3", got)
		}
		if v := testbrowser.Value(t, ctx, C("#p-name")); v != payload {
			t.Errorf("the console's name field: %q", v)
		}
		if v := testbrowser.Value(t, ctx, C("#p-service")); v != "Segretariato sociale" {
			t.Errorf("the console's service field: %q", v)
		}
		if !checked(C("#p-lang-ar")) || !checked(C("#p-lang-fr")) || checked(C("#p-lang-it")) {
			t.Error("the console's form does not show the saved languages")
		}
		testbrowser.Axe(t, ctx, "account: profile form in the console")
		testbrowser.Keys(t, ctx, kb.Escape)
		testbrowser.WaitFor(t, ctx, C("#profile"))
		if f := testbrowser.Focused(t, ctx); f != "incroci-console >>> button#profile" {
			t.Errorf("after Escape the focus is on %s", f)
		}

		// In English the languages have their English names.
		testbrowser.Eval[bool](t, ctx, `document.querySelector('incroci-signin').setAttribute('lang', 'en'), true`)
		testbrowser.WaitText(t, ctx, S("#profile"), "My profile")
		testbrowser.Click(t, ctx, S("#profile"))
		testbrowser.WaitFor(t, ctx, S("#profile-form"))
		boxes = langBoxes(t, ctx, signin)
		names := map[string]langBox{}
		for i, b := range boxes {
			names[b.Code] = b
			if i > 0 && boxes[i-1].Name > b.Name {
				t.Errorf("English languages out of order: %s before %s", boxes[i-1].Name, b.Name)
			}
		}
		for code, w := range map[string]langBox{
			"ar": {Code: "ar", Name: "Arabic", Native: "العربية", Lang: "ar", Dir: "rtl", Checked: true},
			"fr": {Code: "fr", Name: "French", Native: "français", Lang: "fr", Dir: "ltr", Checked: true},
			"it": {Code: "it", Name: "Italian", Native: "italiano", Lang: "it", Dir: "ltr"},
			"en": {Code: "en", Name: "English"},
			"ti": {Code: "ti", Name: "Tigrinya", Native: "ትግርኛ", Lang: "ti", Dir: "ltr"},
			"fa": {Code: "fa", Name: "Persian", Native: "فارسی", Lang: "fa", Dir: "rtl"},
		} {
			if names[code] != w {
				t.Errorf("English form, language %s: %+v, want %+v", code, names[code], w)
			}
		}
		testbrowser.Axe(t, ctx, "account: profile form in English")
		testbrowser.Click(t, ctx, S("#p-cancel"))
		testbrowser.WaitFor(t, ctx, S("#profile"))
		testbrowser.Eval[bool](t, ctx, `document.querySelector('incroci-signin').removeAttribute('lang'), true`)
		testbrowser.WaitText(t, ctx, S("#profile"), "Il mio profilo")

		// "Scarica i miei dati": the export, as a JSON file made in the page.
		testbrowser.Click(t, ctx, S("#export"))
		var guid string
		select {
		case b := <-began:
			if b.SuggestedFilename != "incroci-personal-data.json" || !strings.HasPrefix(b.URL, "blob:"+h.site.URL+"/") {
				t.Errorf("download of %s from %s", b.SuggestedFilename, b.URL)
			}
			guid = b.GUID
		case <-time.After(testbrowser.Timeout):
			t.Fatal("no download began")
		}
		select {
		case e := <-ended:
			if e.GUID != guid || e.State != cdpbrowser.DownloadProgressStateCompleted {
				t.Fatalf("download %s ended %s", e.GUID, e.State)
			}
		case <-time.After(testbrowser.Timeout):
			t.Fatal("the download did not end")
		}
		b, err := os.ReadFile(filepath.Join(dir, guid))
		if err != nil {
			t.Fatal(err)
		}
		var export incroci.PersonalData
		if err := json.Unmarshal(b, &export); err != nil {
			t.Fatalf("the downloaded file is not the export: %v\n%s", err, b)
		}
		if p := export.Person; p.Email != addr || p.Name != payload || p.Service != "Segretariato sociale" || len(export.Sessions) == 0 || export.ExportedAt.IsZero() {
			t.Errorf("downloaded export: %+v", export)
		}
		if !slices.ContainsFunc(export.Activity, func(a incroci.AuditEntry) bool { return a.Action == "person.profile" }) {
			t.Errorf("the export's activity lacks the profile change: %+v", export.Activity)
		}
		testbrowser.WaitText(t, ctx, S("#status"), "I tuoi dati sono nel file incroci-personal-data.json.")
		if n := testbrowser.Eval[int](t, ctx, testbrowser.QueryAll(S("a"))+`.length`); n != 0 {
			t.Errorf("the temporary link stayed: %d links", n)
		}
		if f := testbrowser.Focused(t, ctx); f != "incroci-signin >>> button#export" {
			t.Errorf("after the download the focus is on %s", f)
		}

		// Another session of the same person, elsewhere.
		other, err := h.p.SignIn(context.Background(), incroci.Identity{Email: addr, Ambito: "lodi"})
		if err != nil {
			t.Fatal(err)
		}

		// "Esci da tutti i dispositivi" asks first, inside the widget;
		// Annulla changes nothing.
		testbrowser.Click(t, ctx, S("#signout-all"))
		testbrowser.WaitFor(t, ctx, S("#confirm"))
		if f := testbrowser.Focused(t, ctx); f != "incroci-signin >>> p#confirm-q" {
			t.Errorf("the confirmation has the focus on %s", f)
		}
		testbrowser.Axe(t, ctx, "account: sign out everywhere, confirmation")
		testbrowser.Click(t, ctx, S("#signout-all-no"))
		testbrowser.WaitFor(t, ctx, S("#signout-all"))
		if f := testbrowser.Focused(t, ctx); f != "incroci-signin >>> button#signout-all" {
			t.Errorf("after Annulla the focus is on %s", f)
		}
		for _, tok := range []string{token, other.Token} {
			if _, err := h.p.Authenticate(context.Background(), tok); err != nil {
				t.Fatalf("a session ended without confirmation: %v", err)
			}
		}

		// Confirmed: every session of the person ends, this page's too.
		testbrowser.Click(t, ctx, S("#signout-all"))
		testbrowser.WaitFor(t, ctx, S("#signout-all-yes"))
		testbrowser.Click(t, ctx, S("#signout-all-yes"))
		testbrowser.WaitFor(t, ctx, S("#email"))
		testbrowser.WaitFor(t, ctx, C("#email"))
		testbrowser.WaitText(t, ctx, S("#status"), "Hai chiuso l’accesso su tutti i dispositivi.")
		if f := testbrowser.Focused(t, ctx); f != "incroci-signin >>> input#email" {
			t.Errorf("after signing out everywhere the focus is on %s", f)
		}
		if s := h.stored(t, ctx); s != "" {
			t.Errorf("signed out everywhere, sessionStorage still holds %q", s)
		}
		for name, tok := range map[string]string{"this page's": token, "the other": other.Token} {
			if _, err := h.p.Authenticate(context.Background(), tok); !errors.Is(err, incroci.ErrUnauthorized) {
				t.Errorf("%s session works after signing out everywhere: %v", name, err)
			}
		}
		testbrowser.Axe(t, ctx, "account: signed out everywhere")
		testbrowser.CheckErrors(t, ctx)
	})
}

// callAs sends a request to the hub's HTTP API under module (such as
// "/toolkit") as email and returns the answer's data (a list as "list");
// any status but want fails the test.
func (h *hub) callAs(module, email, method, path string, body any, want int) map[string]any {
	h.t.Helper()
	s, err := h.p.SignIn(context.Background(), incroci.Identity{Email: email})
	if err != nil {
		h.t.Fatal(err)
	}
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	r, _ := http.NewRequest(method, h.base()+module+path, rd)
	r.Header.Set("Authorization", "Bearer "+s.Token)
	r.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		h.t.Fatalf("%s %s as %s: %d %s, want %d", method, path, email, res.StatusCode, raw, want)
	}
	var out struct {
		Data any `json:"data"`
	}
	json.Unmarshal(raw, &out)
	m, _ := out.Data.(map[string]any)
	if m == nil {
		m = map[string]any{"list": out.Data}
	}
	return m
}
