package helpdesk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/helpdesk"
	"github.com/incrocicomuni/incroci/internal/apitest"
	"github.com/incrocicomuni/incroci/internal/testclock"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/internal/testsmtp"
	"github.com/incrocicomuni/incroci/mail"
	"gorm.io/gorm"
)

// env is a hub with the platform and the help desk mounted, a real SMTP
// server, two ambiti (lodi, crema), the legal desk run by lodi for every
// ambito, and people in every role.
type env struct {
	t     *testing.T
	db    *gorm.DB
	p     *incroci.Platform
	hd    *helpdesk.Helpdesk
	srv   *httptest.Server
	smtp  *testsmtp.Server
	clock *testclock.Clock
	ctx   context.Context
	desk  *helpdesk.DeskDetail
	// tokens of people by name: operator, operator2 (lodi), cremaOperator,
	// consultant, consultant2 (desk), outsiderConsultant (no desk),
	// coordinator (lodi), mediator (lodi), admin.
	tok   map[string]string
	id    map[string]int64
	email map[string]string
	// api sends the requests of req and send.
	api apitest.Client
}

// signInAgain opens fresh sessions for everybody (after the clock moved
// past their expiry).
func (e *env) signInAgain() {
	e.t.Helper()
	for name, email := range e.email {
		s, err := e.p.SignIn(e.ctx, incroci.Identity{Email: email})
		if err != nil {
			e.t.Fatal(err)
		}
		e.tok[name] = s.Token
	}
}

const lodiOrigin = "https://www.lodi.example.it"

func newEnv(t *testing.T, db *gorm.DB, tweak ...func(*helpdesk.Config)) *env {
	t.Helper()
	gin.SetMode(gin.TestMode)
	smtpSrv := testsmtp.Start(t)
	mailer, err := mail.NewSMTP(mail.SMTPConfig{Host: smtpSrv.Host(), Port: smtpSrv.Port(), From: "incroci <noreply@incroci.example.it>", TLS: mail.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	// Monday 9 November 2026, 10:00 in Rome: a working morning.
	clk := testclock.New(time.Date(2026, 11, 9, 9, 0, 0, 0, time.UTC))
	ctx := context.Background()
	p, err := incroci.New(ctx, incroci.Config{DB: db, Secret: bytes.Repeat([]byte("k"), 32), Mailer: mailer, Now: clk.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PublicURL: "https://hub.example.it/incroci", SignInAnswerTime: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	store, err := helpdesk.NewDiskStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := helpdesk.Config{Attachments: store}
	for _, f := range tweak {
		f(&cfg)
	}
	hd, err := helpdesk.New(ctx, p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	api := r.Group("/incroci")
	p.Mount(api)
	hd.Mount(api.Group("/helpdesk"))
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	e := &env{t: t, db: db, p: p, hd: hd, srv: srv, smtp: smtpSrv, clock: clk, ctx: ctx, tok: map[string]string{}, id: map[string]int64{}}
	e.api = apitest.Client{URL: srv.URL + "/incroci/helpdesk", Token: func(who string) string { return e.tok[who] }, OpenAPI: openAPI}
	sys := incroci.AsSystem(ctx)
	for _, a := range []incroci.AmbitoInput{
		{Slug: "lodi", Name: "Ambito Distrettuale di Lodi", Origins: []string{lodiOrigin}, EmailDomains: []string{"comune.lodi.it"}},
		{Slug: "crema", Name: "Ambito distrettuale di Crema", EmailDomains: []string{"comune.crema.cr.it"}},
	} {
		if _, err := p.CreateAmbito(sys, a); err != nil {
			t.Fatal(err)
		}
	}
	people := []struct{ name, email, ambito string }{
		{"operator", "operatore@comune.lodi.it", "lodi:operator"},
		{"operator2", "operatore2@comune.lodi.it", "lodi:operator"},
		{"cremaOperator", "operatore@comune.crema.cr.it", "crema:operator"},
		{"consultant", "avv.bianchi@example.org", "lodi:consultant"},
		{"consultant2", "avv.verdi@example.org", "lodi:consultant"},
		{"outsiderConsultant", "avv.neri@example.org", "crema:consultant"},
		{"coordinator", "udp@comune.lodi.it", "lodi:coordinator"},
		{"mediator", "mediatrice@example.org", "lodi:mediator"},
	}
	for _, pp := range people {
		amb, role, _ := strings.Cut(pp.ambito, ":")
		person, err := p.Invite(sys, amb, incroci.InviteInput{Email: pp.email, Name: pp.name, Roles: []incroci.Role{incroci.Role(role)}})
		if err != nil {
			t.Fatal(err)
		}
		e.id[pp.name] = person.ID
	}
	admin, err := p.GrantAdmin(ctx, "admin@example.org", "admin")
	if err != nil {
		t.Fatal(err)
	}
	e.id["admin"] = admin.ID
	e.email = map[string]string{"admin": "admin@example.org"}
	for _, pp := range people {
		e.email[pp.name] = pp.email
	}
	e.signInAgain()
	e.desk, err = hd.CreateDesk(sys, helpdesk.DeskInput{Slug: "legale", Name: "Sportello giuridico", Ambito: "lodi", FirstResponseHours: 16, ServesAll: true}, helpdesk.LegalTopics())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"consultant", "consultant2"} {
		if _, err := hd.AddConsultant(sys, e.desk.ID, helpdesk.ConsultantInput{PersonID: e.id[c]}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func bothDBs(t *testing.T, body func(t *testing.T, e *env), tweak ...func(*helpdesk.Config)) {
	testdb.Run(t, func(t *testing.T, db *gorm.DB) { body(t, newEnv(t, db, tweak...)) })
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

// resp is an answer of the help desk's routes (see apitest.Response).
type resp apitest.Response

func (r resp) data() map[string]any { return apitest.Response(r).Data() }
func (r resp) list() []any          { return apitest.Response(r).List() }
func (r resp) code() string         { return apitest.Response(r).Code() }

// req sends a request as the named person ("" for anonymous) to the help
// desk's routes, and checks the answer against the OpenAPI document.
func (e *env) req(who, method, path string, body any, headers ...string) resp {
	e.t.Helper()
	return resp(e.api.Req(e.t, who, method, path, body, headers...))
}

// send sends a request with a body of type ctype (none when rd is nil) to
// the help desk as who, with more headers as name, value pairs, and checks
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

// openInput is a valid consultation on residence permits for lodi.
func (e *env) openInput() map[string]any {
	return map[string]any{
		"desk_id": e.desk.ID, "topic": "permesso-soggiorno", "ambito": "lodi", "service": "Segretariato sociale",
		"subject": "Rinnovo del permesso per lavoro", "question": "Il permesso scade tra un mese e il datore di lavoro ha cessato l'attività: come procedere con il rinnovo?",
		"urgency": "high", "beneficiary": map[string]any{"label": "M.R.", "age_band": "26-40", "nationality": "MA", "language": "ar"},
		"intake":     map[string]any{"permit_type": "lavoro subordinato", "permit_expiry": "2026-12-15"},
		"return_url": lodiOrigin + "/sportello",
	}
}

// open opens a consultation as the named operator over HTTP and returns its id.
func (e *env) open(who string) int64 {
	e.t.Helper()
	r := e.req(who, "POST", "/consultations", e.openInput())
	expect(e.t, r, 201, "open")
	return int64(r.data()["id"].(float64))
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

// waitMail waits for a mail to addr whose subject holds subject.
func (e *env) waitMail(addr, subject string) testsmtp.Received {
	e.t.Helper()
	return e.smtp.WaitFor(e.t, func(m testsmtp.Received) bool {
		return strings.Contains(m.Subject, subject) && len(m.To) > 0 && strings.EqualFold(m.To[0], addr)
	}, 10*time.Second)
}

func jsonInto(raw []byte, v any) { json.Unmarshal(raw, v) }

// openPG opens a pool on a schema URL from testdb.PostgresURL.
func openPG(t *testing.T, dsn string) *gorm.DB {
	t.Helper()
	db, err := incroci.OpenDB(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if s, err := db.DB(); err == nil {
			s.Close()
		}
	})
	return db
}
