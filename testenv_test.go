package incroci_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testclock"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/internal/testsmtp"
	"github.com/incrocicomuni/incroci/mail"
	"gorm.io/gorm"
)

// env is a platform mounted at /incroci on a real HTTP server, with a real
// SMTP server catching its mail.
type env struct {
	t     *testing.T
	db    *gorm.DB
	p     *incroci.Platform
	srv   *httptest.Server
	smtp  *testsmtp.Server
	clock *testclock.Clock
	ctx   context.Context
}

const (
	lodiOrigin  = "https://www.lodi.example.it"
	cremaOrigin = "https://www.crema.example.it"
)

func newEnv(t *testing.T, db *gorm.DB, tweak ...func(*incroci.Config)) *env {
	t.Helper()
	gin.SetMode(gin.TestMode)
	smtpSrv := testsmtp.Start(t)
	mailer, err := mail.NewSMTP(mail.SMTPConfig{Host: smtpSrv.Host(), Port: smtpSrv.Port(), From: "incroci <noreply@incroci.example.it>", TLS: mail.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	clk := testclock.New(time.Now().UTC().Truncate(time.Second))
	cfg := incroci.Config{
		DB: db, Secret: bytes.Repeat([]byte("k"), 32), Mailer: mailer, Now: clk.Now,
		Logger:    quietLogger(),
		PublicURL: "https://hub.example.it/incroci",
		// Tests measure the padding of sign-in answers once, on purpose.
		SignInAnswerTime: -1,
	}
	for _, f := range tweak {
		f(&cfg)
	}
	ctx := context.Background()
	p, err := incroci.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	r := gin.New()
	p.Mount(r.Group("/incroci"))
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	e := &env{t: t, db: db, p: p, srv: srv, smtp: smtpSrv, clock: clk, ctx: ctx}
	sys := incroci.AsSystem(ctx)
	for _, a := range []incroci.AmbitoInput{
		{Slug: "lodi", Name: "Ambito Distrettuale di Lodi", Comuni: []string{"Lodi"}, Origins: []string{lodiOrigin}, EmailDomains: []string{"comune.lodi.it"}},
		{Slug: "crema", Name: "Ambito distrettuale di Crema", Comuni: []string{"Crema"}, Origins: []string{cremaOrigin}, EmailDomains: []string{"comune.crema.cr.it"}},
	} {
		if _, err := p.CreateAmbito(sys, a); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// bothDBs runs body on SQLite and PostgreSQL with a fresh env each.
func bothDBs(t *testing.T, body func(t *testing.T, e *env), tweak ...func(*incroci.Config)) {
	testdb.Run(t, func(t *testing.T, db *gorm.DB) { body(t, newEnv(t, db, tweak...)) })
}

// resp is an HTTP answer with its decoded body.
type resp struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   map[string]any
}

func (r resp) errCode() string {
	e, _ := r.Body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func (r resp) errMessage() string {
	e, _ := r.Body["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

func (r resp) fields() []map[string]any {
	e, _ := r.Body["error"].(map[string]any)
	var out []map[string]any
	fs, _ := e["fields"].([]any)
	for _, f := range fs {
		out = append(out, f.(map[string]any))
	}
	return out
}

func (r resp) data() map[string]any { d, _ := r.Body["data"].(map[string]any); return d }

// req sends a request to the mounted API. body may be a string (sent as is)
// or a value (sent as JSON). Headers come in pairs.
func (e *env) req(method, path string, body any, headers ...string) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	r, err := http.NewRequest(method, e.srv.URL+"/incroci"+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := resp{Status: res.StatusCode, Header: res.Header, Raw: raw}
	if len(raw) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out.Body); err != nil {
			e.t.Fatalf("%s %s: body is not JSON: %v\n%s", method, path, err, raw)
		}
	}
	checkAgainstOpenAPI(e.t, method, "/incroci", path, out)
	return out
}

// as sends a request with a bearer token.
func (e *env) as(token, method, path string, body any, headers ...string) resp {
	e.t.Helper()
	return e.req(method, path, body, append([]string{"Authorization", "Bearer " + token}, headers...)...)
}

func expect(t *testing.T, r resp, status int, what string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d; body %s", what, r.Status, status, r.Raw)
	}
}

var codePattern = regexp.MustCompile(`codice: (\d{6})`)
var linkPattern = regexp.MustCompile(`incroci_activation=([A-Za-z0-9_-]+)`)

// waitMail waits for the newest e-mail to addr whose text matches pattern.
func (e *env) waitMail(addr string, after int) testsmtp.Received {
	e.t.Helper()
	n := 0
	return e.smtp.WaitFor(e.t, func(m testsmtp.Received) bool {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				n++
				return n > after
			}
		}
		return false
	}, 10*time.Second)
}

// mailsTo counts the e-mails received for addr.
func (e *env) mailsTo(addr string) int {
	n := 0
	for _, m := range e.smtp.Messages() {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				n++
			}
		}
	}
	return n
}

// signIn signs addr in by e-mail code, through the HTTP API, and returns the
// session token.
func (e *env) signIn(addr string) string {
	e.t.Helper()
	before := e.mailsTo(addr)
	r := e.req("POST", "/auth/email", map[string]any{"email": addr}, "X-Forwarded-For", "10.9."+addrHash(addr))
	expect(e.t, r, 202, "request code for "+addr)
	m := e.waitMail(addr, before)
	code := codePattern.FindStringSubmatch(m.Text)
	if code == nil {
		e.t.Fatalf("no code in mail:\n%s", m.Text)
	}
	r = e.req("POST", "/auth/email/verify", map[string]any{"email": addr, "code": code[1]}, "X-Forwarded-For", "10.9."+addrHash(addr))
	expect(e.t, r, 200, "verify code for "+addr)
	return r.data()["token"].(string)
}

func addrHash(s string) string {
	h := 0
	for _, c := range s {
		h = (h*31 + int(c)) & 0xffff
	}
	return strconv.Itoa(h>>8) + "." + strconv.Itoa(h&0xff)
}

// person makes someone with roles in ambiti ("lodi:coordinator") directly
// through the Go API and returns a session token for them.
func (e *env) person(email string, grants ...string) string {
	e.t.Helper()
	sys := incroci.AsSystem(e.ctx)
	for _, g := range grants {
		amb, role, _ := strings.Cut(g, ":")
		if role == "admin" {
			if _, err := e.p.GrantAdmin(e.ctx, email, ""); err != nil {
				e.t.Fatal(err)
			}
			continue
		}
		if _, err := e.p.Invite(sys, amb, incroci.InviteInput{Email: email, Roles: []incroci.Role{incroci.Role(role)}}); err != nil {
			e.t.Fatal(err)
		}
	}
	s, err := e.p.SignIn(e.ctx, incroci.Identity{Email: email})
	if err != nil {
		e.t.Fatal(err)
	}
	return s.Token
}

// waitCount waits until the SMTP server holds n messages.
func (e *env) waitCount(n int) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(e.smtp.Messages()) < n {
		if time.Now().After(deadline) {
			e.t.Fatalf("waited for %d mails, have %d", n, len(e.smtp.Messages()))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
