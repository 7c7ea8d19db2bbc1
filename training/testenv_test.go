package training_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/apitest"
	"github.com/incrocicomuni/incroci/internal/testclock"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/internal/testsmtp"
	"github.com/incrocicomuni/incroci/mail"
	"github.com/incrocicomuni/incroci/training"
)

// env is a platform with the training module mounted at /incroci/training
// behind a real HTTP server, a real SMTP server, two ambiti (lodi, crema)
// and people signed in.
type env struct {
	t      testing.TB
	db     *gorm.DB
	p      *incroci.Platform
	tr     *training.Training
	srv    *httptest.Server
	engine *gin.Engine
	smtp   *testsmtp.Server
	clock  *testclock.Clock
	ctx    context.Context
	tok    map[string]string
	id     map[string]int64
	email  map[string]string
	// api sends the requests of req and send.
	api apitest.Client
}

// linkPage is the page the module's e-mails link to, in tests.
const linkPage = "https://www.lodi.example.it/formazione"

// people are the env's people: name, e-mail, ambito, role. "admin" is a
// network administrator.
var people = []struct{ name, email, ambito, role string }{
	{"operator", "operatore@comune.lodi.it", "lodi", "operator"},
	{"operator2", "operatrice@comune.lodi.it", "lodi", "operator"},
	{"operator3", "operatore3@comune.lodi.it", "lodi", "operator"},
	{"cremaOperator", "operatore@comune.crema.cr.it", "crema", "operator"},
	{"cremaOperator2", "operatrice@comune.crema.cr.it", "crema", "operator"},
	{"mediator", "mediatrice@example.org", "lodi", "mediator"},
	{"mediator2", "mediatore2@example.org", "lodi", "mediator"},
	{"cremaMediator", "mediatore@example.org", "crema", "mediator"},
	{"trainer", "formatrice@example.org", "lodi", "trainer"},
	{"cremaTrainer", "formatore@example.org", "crema", "trainer"},
	{"coordinator", "coordinatrice@comune.lodi.it", "lodi", "coordinator"},
	{"cremaCoordinator", "coordinatore@comune.crema.cr.it", "crema", "coordinator"},
	{"editor", "redattrice@comune.lodi.it", "lodi", "editor"},
	{"cremaEditor", "redattore@comune.crema.cr.it", "crema", "editor"},
}

// newEnv builds the env; each of cfgs may change the module's Config
// before New.
func newEnv(t testing.TB, db *gorm.DB, cfgs ...func(*training.Config)) *env {
	t.Helper()
	gin.SetMode(gin.TestMode)
	smtpSrv := testsmtp.Start(t)
	mailer, err := mail.NewSMTP(mail.SMTPConfig{Host: smtpSrv.Host(), Port: smtpSrv.Port(), From: "incroci <noreply@incroci.example.it>", TLS: mail.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	clk := testclock.New(time.Date(2026, 11, 9, 9, 0, 0, 0, time.UTC))
	ctx := context.Background()
	p, err := incroci.New(ctx, incroci.Config{DB: db, Secret: bytes.Repeat([]byte("k"), 32), Mailer: mailer, Now: clk.Now,
		Logger: slog.New(slog.DiscardHandler), PublicURL: "https://hub.example.it/incroci", SignInAnswerTime: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	store, err := training.NewDiskStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := training.Config{LinkPage: linkPage, Files: store, MaxFile: 1 << 20}
	for _, f := range cfgs {
		f(&cfg)
	}
	tr, err := training.New(ctx, p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	api := r.Group("/incroci")
	p.Mount(api)
	tr.Mount(api.Group("/training"))
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	e := &env{t: t, db: db, p: p, tr: tr, srv: srv, engine: r, smtp: smtpSrv, clock: clk, ctx: ctx, tok: map[string]string{}, id: map[string]int64{}, email: map[string]string{}}
	e.api = apitest.Client{URL: srv.URL + "/incroci/training", Token: func(who string) string { return e.tok[who] }, OpenAPI: openAPI}
	sys := incroci.AsSystem(ctx)
	for _, a := range []incroci.AmbitoInput{
		{Slug: "lodi", Name: "Ambito Distrettuale di Lodi", EmailDomains: []string{"comune.lodi.it"}},
		{Slug: "crema", Name: "Ambito distrettuale di Crema", EmailDomains: []string{"comune.crema.cr.it"}},
	} {
		if _, err := p.CreateAmbito(sys, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, pp := range people {
		person, err := p.Invite(sys, pp.ambito, incroci.InviteInput{Email: pp.email, Name: pp.name, Roles: []incroci.Role{incroci.Role(pp.role)}})
		if err != nil {
			t.Fatal(err)
		}
		e.id[pp.name] = person.ID
		e.email[pp.name] = pp.email
	}
	admin, err := p.GrantAdmin(ctx, "admin@incroci.example.it", "admin")
	if err != nil {
		t.Fatal(err)
	}
	e.id["admin"] = admin.ID
	e.email["admin"] = "admin@incroci.example.it"
	e.signIn()
	return e
}

// signIn opens fresh sessions for everybody (also after the clock moved
// past their expiry).
func (e *env) signIn() {
	e.t.Helper()
	for name, email := range e.email {
		s, err := e.p.SignIn(e.ctx, incroci.Identity{Email: email})
		if err != nil {
			e.t.Fatal(err)
		}
		e.tok[name] = s.Token
	}
}

func bothDBs(t *testing.T, body func(t *testing.T, e *env)) {
	testdb.Run(t, func(t *testing.T, db *gorm.DB) { body(t, newEnv(t, db)) })
}

// as returns ctx acting as the named person, for Go API calls.
func (e *env) as(name string) context.Context {
	e.t.Helper()
	pr, err := e.p.Authenticate(e.ctx, e.tok[name])
	if err != nil {
		e.t.Fatal(err)
	}
	return incroci.WithPrincipal(e.ctx, pr)
}

// resp is an answer of the module's routes (see apitest.Response).
type resp apitest.Response

func (r resp) data() map[string]any { return apitest.Response(r).Data() }
func (r resp) list() []any          { return apitest.Response(r).List() }
func (r resp) code() string         { return apitest.Response(r).Code() }

// fields returns the fields named in a validation error.
func (r resp) fields() []string { return apitest.Response(r).Fields() }

// req sends a request as the named person ("" for anonymous) to the
// module's routes, and checks the answer against the OpenAPI document.
func (e *env) req(who, method, path string, body any, headers ...string) resp {
	e.t.Helper()
	return resp(e.api.Req(e.t, who, method, path, body, headers...))
}

// send sends a request with a body of type ctype (none when rd is nil) to
// the module as who, with more headers as name, value pairs, and checks
// the answer against the OpenAPI document.
func (e *env) send(who, method, path, ctype string, rd io.Reader, headers ...string) resp {
	e.t.Helper()
	return resp(e.api.Send(e.t, who, method, path, ctype, rd, headers...))
}

// expect fails t when r's status is not status, and returns r.
func expect(t testing.TB, r resp, status int, what string) resp {
	t.Helper()
	return resp(apitest.Expect(t, apitest.Response(r), status, what))
}

// mailsTo returns the e-mails received so far for the named person.
func (e *env) mailsTo(who string) []testsmtp.Received {
	var out []testsmtp.Received
	for _, m := range e.smtp.Messages() {
		for _, to := range m.To {
			if strings.EqualFold(to, e.email[who]) {
				out = append(out, m)
			}
		}
	}
	return out
}

// waitMail waits for an e-mail to the named person whose subject holds
// subject.
func (e *env) waitMail(who, subject string) testsmtp.Received {
	e.t.Helper()
	return e.smtp.WaitFor(e.t, func(m testsmtp.Received) bool {
		return strings.Contains(m.Subject, subject) && len(m.To) > 0 && strings.EqualFold(m.To[0], e.email[who])
	}, 10*time.Second)
}
