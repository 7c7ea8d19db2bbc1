package main

// The help desk's "Done when", end to end on the demo hub: the hub exactly
// as `go run ./examples/ambito` starts it (demo data, the page of the Lodi
// ambito with every widget), with a real SMTP server for its e-mails and
// three people in three tabs of one real Chromium, on SQLite and on
// PostgreSQL.

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/helpdesk"
	"github.com/incrocicomuni/incroci/internal/testbrowser"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/internal/testsmtp"
	"github.com/incrocicomuni/incroci/mail"
)

const (
	signinW    = "incroci-signin"
	helpdeskW  = "incroci-helpdesk"
	mediationW = "incroci-mediation"
	consoleW   = "incroci-console"
)

var (
	codeRe = regexp.MustCompile(`codice: (\d{6})`)
	linkRe = regexp.MustCompile(`https?://\S*[?&]incroci_activation=[A-Za-z0-9_-]+\S*`)
)

// in names an element inside a widget's shadow root.
func in(widget, sel string) string { return widget + " >>> " + sel }

// freeAddr returns an address of 127.0.0.1 with a port free right now, so
// that the hub's PUBLIC_URL (and so the links in its e-mails) can name it.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// e2e is the demo hub under test with its SMTP server.
type e2e struct {
	t    *testing.T
	h    *hub
	smtp *testsmtp.Server
	base string
}

func startE2E(t *testing.T, databaseURL string) *e2e {
	t.Helper()
	srv := testsmtp.Start(t)
	addr := freeAddr(t)
	cfg := testConfig(t)
	cfg.Addr = addr
	cfg.PublicURL = "http://" + addr
	cfg.DatabaseURL = databaseURL
	cfg.SMTP = &mail.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: mail.TLSNone, From: defaultFrom}
	h := startHub(t, cfg)
	return &e2e{t: t, h: h, smtp: srv, base: cfg.PublicURL}
}

// mails counts the e-mails to addr whose subject contains subject.
func (x *e2e) mails(addr, subject string) int {
	n := 0
	for _, m := range x.smtp.Messages() {
		if testsmtp.To(addr)(m) && strings.Contains(m.Subject, subject) {
			n++
		}
	}
	return n
}

// waitMail waits for an e-mail to addr, with subject in its subject, after
// the first `after` such e-mails.
func (x *e2e) waitMail(addr, subject string, after int) testsmtp.Received {
	x.t.Helper()
	n := 0
	return x.smtp.WaitFor(x.t, func(m testsmtp.Received) bool {
		if testsmtp.To(addr)(m) && strings.Contains(m.Subject, subject) {
			n++
			return n > after
		}
		return false
	}, 2*testbrowser.Timeout)
}

// signIn opens the demo page in ctx and signs addr in through
// <incroci-signin>, with the code of the real e-mail; every widget of the
// page shares the session.
func (x *e2e) signIn(ctx context.Context, addr string) {
	t := x.t
	t.Helper()
	before := x.mails(addr, "codice di accesso")
	testbrowser.Navigate(t, ctx, x.base+"/")
	testbrowser.WaitFor(t, ctx, in(signinW, "#email"))
	testbrowser.Type(t, ctx, in(signinW, "#email"), addr+"\r")
	testbrowser.WaitFor(t, ctx, in(signinW, "#code"))
	m := x.waitMail(addr, "codice di accesso", before)
	code := codeRe.FindStringSubmatch(m.Text)
	if code == nil {
		t.Fatalf("no code in the e-mail %q:\n%s", m.Subject, m.Text)
	}
	testbrowser.Type(t, ctx, in(signinW, "#code"), code[1]+"\r")
	testbrowser.WaitFor(t, ctx, in(signinW, "#signed-in"))
}

// following waits until personID follows consultation id live (its widget
// holds an open event stream, which the help desk records as presence).
func (x *e2e) following(email string, id int64) {
	t := x.t
	t.Helper()
	person := x.person(email)
	end := time.Now().Add(testbrowser.Timeout)
	for {
		var n int64
		if err := x.h.db.WithContext(t.Context()).Table("incroci_helpdesk_presence").
			Where("person_id = ? AND consultation_id = ?", person.ID, id).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("%s does not follow consultation %d live", email, id)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// as returns a context acting as the demo person with that address, signed
// in through the Go API.
func (x *e2e) as(email string) context.Context {
	x.t.Helper()
	s, err := x.h.p.SignIn(x.t.Context(), incroci.Identity{Email: email})
	if err != nil {
		x.t.Fatal(err)
	}
	pr, err := x.h.p.Authenticate(x.t.Context(), s.Token)
	if err != nil {
		x.t.Fatal(err)
	}
	return incroci.WithPrincipal(x.t.Context(), pr)
}

// person returns a demo person of the demo ambito.
func (x *e2e) person(email string) incroci.PersonInAmbito {
	x.t.Helper()
	people, _, err := x.h.p.ListPeople(incroci.AsSystem(x.t.Context()), demoAmbito, incroci.PeopleQuery{Q: email, PerPage: 10})
	if err != nil || len(people) != 1 {
		x.t.Fatalf("demo person %s: %v %v", email, people, err)
	}
	return people[0]
}

// setValue sets a field that typing cannot fill portably (select, date,
// time) and tells the widget, as the browser does.
func setValue(t *testing.T, ctx context.Context, path, v string) {
	t.Helper()
	b, _ := json.Marshal(v)
	ok := testbrowser.Eval[bool](t, ctx, `((el) => { el.value = `+string(b)+`; el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); return el.value == `+string(b)+`; })(`+testbrowser.Query(path)+`)`)
	if !ok {
		t.Fatalf("%s does not take the value %q", path, v)
	}
}

// idOf returns the number at the end of the id of the element at path,
// such as 12 for <li id="slot-12">.
func idOf(t *testing.T, ctx context.Context, path string) int64 {
	t.Helper()
	id := testbrowser.Attr(t, ctx, path, "id")
	i := strings.LastIndexByte(id, '-')
	var n int64
	if _, err := fmt.Sscan(id[i+1:], &n); i < 0 || err != nil {
		t.Fatalf("%s has the id %q, with no number", path, id)
	}
	return n
}

// TestE2EHelpdesk is the help desk's "Done when" on the demo hub, with the
// demo accounts: the operator opens a consultation in <incroci-helpdesk> and
// gets its activation e-mail; the consultant's reply from <incroci-console>
// arrives live; the consultant proposes a face-to-face appointment, the
// operator accepts it and both get the iCalendar invitation; the operator
// books an Arabic mediator in <incroci-mediation>, the coordinator confirms
// in the console, and the hours are drawn from the ambito's package.
func TestE2EHelpdesk(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skip in -short mode")
	}
	browser := testbrowser.New(t)
	t.Run("sqlite", func(t *testing.T) { testE2EHelpdesk(t, browser, startE2E(t, "")) })
	t.Run("postgres", func(t *testing.T) { testE2EHelpdesk(t, browser, startE2E(t, testdb.PostgresURL(t))) })
}

func testE2EHelpdesk(t *testing.T, browser context.Context, x *e2e) {
	const (
		op       = "operatore1@lodi.demo.incroci.it"
		cons     = "consulente@lodi.demo.incroci.it"
		coord    = "coordinatore@lodi.demo.incroci.it"
		subject  = "Ricongiungimento del coniuge dal Marocco"
		question = "Il coniuge di K.S. vive in Marocco: quali redditi e quale alloggio servono per il nulla osta?"
		reply    = "Serve il reddito minimo annuo dell'assegno sociale aumentato della metà e l'idoneità alloggiativa del Comune."
		place    = "Ufficio di Piano, Piazza Broletto 1, Lodi"
	)
	H := func(sel string) string { return in(helpdeskW, sel) }
	M := func(sel string) string { return in(mediationW, sel) }
	C := func(sel string) string { return in(consoleW, sel) }
	// Reading back through the Go API as the people who may: the
	// consultant the consultation, the coordinator the package.
	asCons, asCoord := x.as(cons), x.as(coord)
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}

	// 1. The operator signs in on the ambito's page and opens a consultation.
	opTab := testbrowser.Tab(t, browser)
	x.signIn(opTab, op)
	testbrowser.WaitFor(t, opTab, H("#empty"))
	testbrowser.WaitFor(t, opTab, M("#new"))
	testbrowser.Axe(t, opTab, "demo page: operator signed in")
	testbrowser.Click(t, opTab, H("#new"))
	testbrowser.WaitFor(t, opTab, H("#topic option"))
	if got := testbrowser.Text(t, opTab, H("#desk")); !strings.Contains(got, "Sportello giuridico sull'immigrazione") {
		t.Errorf("the desks offered: %q", got)
	}
	// Two desks: the legal one, then its topic.
	desks, err := x.h.hd.ListDesks(asCons)
	if err != nil {
		t.Fatal(err)
	}
	legal := slices.IndexFunc(desks, func(d helpdesk.DeskDetail) bool { return d.Slug == "legale" })
	if legal < 0 || !strings.Contains(testbrowser.Text(t, opTab, H("#desk")), "Équipe etnoclinica") {
		t.Fatalf("the desks: %+v; the picker offers %q", desks, testbrowser.Text(t, opTab, H("#desk")))
	}
	setValue(t, opTab, H("#desk"), fmt.Sprint(desks[legal].ID))
	testbrowser.WaitFor(t, opTab, H(`#topic option[value="ricongiungimento"]`))
	setValue(t, opTab, H("#topic"), "ricongiungimento")
	testbrowser.Type(t, opTab, H("#subject"), subject)
	testbrowser.Type(t, opTab, H("#question"), question)
	testbrowser.Type(t, opTab, H("#b-label"), "K.S.")
	testbrowser.Type(t, opTab, H("#b-nat"), "Marocco")
	setValue(t, opTab, H("#b-age"), "26-40")
	setValue(t, opTab, H("#b-lang"), "ar")
	testbrowser.Click(t, opTab, H("#send"))
	testbrowser.WaitFor(t, opTab, H("#c-title"))
	id := func() int64 {
		list, n, err := x.h.hd.List(asCons, helpdesk.ListQuery{})
		if err != nil || n != 1 {
			t.Fatalf("consultations after opening: %v %d %v", list, n, err)
		}
		return list[0].ID
	}()
	testbrowser.WaitText(t, opTab, H("#status"), fmt.Sprintf("Consulenza n. %d inviata", id))
	d, err := x.h.hd.Get(asCons, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Subject != subject || d.Topic.Code != "ricongiungimento" || d.Ambito != demoAmbito ||
		d.Beneficiary != (helpdesk.Beneficiary{Label: "K.S.", AgeBand: "26-40", Nationality: "MA", Language: "ar"}) {
		t.Errorf("stored consultation %+v", d)
	}
	if d.AssigneeID == nil || *d.AssigneeID != x.person(cons).ID {
		t.Errorf("the consultation went to %v, want the desk's consultant", d.AssigneeID)
	}
	// Its activation e-mail links back into the widget, on this hub.
	act := x.waitMail(op, fmt.Sprintf("consulenza n. %d aperta", id), 0)
	if link := linkRe.FindString(act.Text); !strings.HasPrefix(link, x.base+"/") || !strings.Contains(link, fmt.Sprintf("incroci_consultation=%d", id)) {
		t.Errorf("the activation e-mail's link %q does not lead to the consultation on %s", link, x.base)
	}
	testbrowser.Axe(t, opTab, "demo page: consultation opened")

	// 2. The consultant finds it in the console's queue and answers; the
	// operator, following it, sees the answer arrive.
	csTab := testbrowser.Tab(t, browser)
	x.signIn(csTab, cons)
	row := C(fmt.Sprintf("#hd-c-%d", id))
	testbrowser.WaitFor(t, csTab, row)
	testbrowser.Axe(t, csTab, "demo page: consultant's queue")
	testbrowser.Click(t, csTab, row)
	testbrowser.WaitFor(t, csTab, C("#hd-c-title"))
	x.following(op, id)
	testbrowser.Type(t, csTab, C("#hd-body"), reply)
	testbrowser.Click(t, csTab, C("#hd-send"))
	testbrowser.WaitText(t, csTab, C("#status"), "Inviato.")
	testbrowser.WaitText(t, opTab, H("#msgs"), reply)
	testbrowser.WaitText(t, opTab, H("#c-status"), "in attesa dell’operatore")
	testbrowser.WaitText(t, opTab, H("#status"), "Nuovo messaggio nella consulenza")

	// 3. A face-to-face appointment: the consultant proposes a slot, the
	// operator accepts it, both receive the invitation with its iCalendar.
	day := time.Now().In(rome).AddDate(0, 0, 7)
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
		day = day.AddDate(0, 0, 1)
	}
	setValue(t, csTab, C("#hd-start"), day.Format(time.DateOnly)+"T10:00")
	setValue(t, csTab, C("#hd-end"), day.Format(time.DateOnly)+"T11:00")
	testbrowser.Type(t, csTab, C("#hd-place"), place)
	testbrowser.Click(t, csTab, C("#hd-propose"))
	testbrowser.WaitFor(t, csTab, C("#hd-slots li"))
	accept := H("button[id^=accept-]")
	testbrowser.WaitFor(t, opTab, accept)
	slot := idOf(t, opTab, accept)
	if got := testbrowser.Text(t, opTab, H(fmt.Sprintf("#slot-%d", slot))); !strings.Contains(got, "In presenza: "+place) {
		t.Errorf("the slot the operator sees: %q", got)
	}
	testbrowser.Axe(t, opTab, "demo page: appointment proposed")
	testbrowser.Click(t, opTab, accept)
	testbrowser.WaitText(t, opTab, H(fmt.Sprintf("#slot-%d", slot)), "fissato")
	testbrowser.WaitText(t, opTab, H("#c-status"), "appuntamento")
	for _, who := range []string{op, cons} {
		m := x.waitMail(who, fmt.Sprintf("appuntamento per la consulenza n. %d", id), 0)
		ics := ""
		for _, a := range m.Attachments {
			if strings.HasPrefix(a.ContentType, "text/calendar") {
				ics = string(a.Data)
			}
		}
		start := time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, rome).UTC().Format("20060102T150405Z")
		if !strings.Contains(ics, "METHOD:REQUEST") || !strings.Contains(ics, "DTSTART:"+start) || !strings.Contains(ics, "LOCATION:Ufficio di Piano") {
			t.Errorf("the invitation to %s carries the calendar %q; want a REQUEST starting %s at the place", who, ics, start)
		}
	}
	// The console shows it booked too.
	testbrowser.WaitText(t, csTab, C(fmt.Sprintf("#hd-slot-%d", slot)), "fissato")
	testbrowser.CheckErrors(t, csTab)

	// 4. A mediator: the operator asks for Arabic in person on a working
	// morning; the coordinator confirms; the hours are drawn.
	pkgs, err := x.h.hd.Packages(asCoord, demoAmbito)
	if err != nil || len(pkgs) != 1 || pkgs[0].BalanceMinutes != 40*60 {
		t.Fatalf("the demo package: %+v %v", pkgs, err)
	}
	pkg := pkgs[0]
	left := M(fmt.Sprintf("#p-%d", pkg.ID))
	testbrowser.WaitText(t, opTab, left, "ore residue: 40")
	testbrowser.Click(t, opTab, M("#new"))
	testbrowser.WaitFor(t, opTab, M("#pkg option"))
	setValue(t, opTab, M("#lang"), "ar")
	testbrowser.Type(t, opTab, M("#service"), "Segretariato sociale")
	setValue(t, opTab, M("#mode"), "in_person")
	mday := time.Now().In(rome).AddDate(0, 0, 3)
	for mday.Weekday() == time.Saturday || mday.Weekday() == time.Sunday {
		mday = mday.AddDate(0, 0, 1)
	}
	setValue(t, opTab, M("#date"), mday.Format(time.DateOnly))
	setValue(t, opTab, M("#from"), "10:00")
	setValue(t, opTab, M("#to"), "11:30")
	testbrowser.Type(t, opTab, M("#place"), "Servizi sociali, Via Cavour 1, Lodi")
	testbrowser.Click(t, opTab, M("#send"))
	testbrowser.WaitFor(t, opTab, M("#count"))
	reqs, n, err := x.h.hd.MediationRequests(asCoord, helpdesk.MediationQuery{})
	if err != nil || n != 1 {
		t.Fatalf("mediation requests: %v %d %v", reqs, n, err)
	}
	req := reqs[0]
	if req.Language != "ar" || req.Minutes != 90 || req.PackageID != pkg.ID || req.Status != helpdesk.MediationRequested {
		t.Errorf("stored request %+v", req)
	}
	testbrowser.WaitText(t, opTab, M(fmt.Sprintf("#st-%d", req.ID)), "richiesta")
	testbrowser.Axe(t, opTab, "demo page: mediator requested")

	coTab := testbrowser.Tab(t, browser)
	x.signIn(coTab, coord)
	// The console opens on people and roles; once they are shown, Mediazione.
	testbrowser.WaitFor(t, coTab, C("#people"))
	testbrowser.Click(t, coTab, C("#tab-mediation"))
	confirm := C(fmt.Sprintf("#md-confirm-%d", req.ID))
	testbrowser.WaitFor(t, coTab, confirm)
	testbrowser.WaitText(t, coTab, C(fmt.Sprintf("#md-left-%d", pkg.ID)), "40")
	testbrowser.Axe(t, coTab, "demo page: coordinator's mediation requests")
	testbrowser.Click(t, coTab, confirm)
	testbrowser.WaitText(t, coTab, C("#status"), fmt.Sprintf("Richiesta n. %d confermata.", req.ID))
	testbrowser.WaitText(t, coTab, C(fmt.Sprintf("#md-left-%d", pkg.ID)), "38,5")
	if v, err := x.h.hd.Package(asCoord, pkg.ID); err != nil || v.BalanceMinutes != 40*60-90 {
		t.Errorf("the package after the confirmation: %+v %v; want 90 minutes drawn", v, err)
	}
	r, err := x.h.hd.MediationRequestByID(asCoord, req.ID)
	if err != nil || r.Status != helpdesk.MediationConfirmed || r.MediatorID == nil || *r.MediatorID != x.person("mediatrice@lodi.demo.incroci.it").ID {
		t.Errorf("the confirmed request %+v %v; want the demo mediator", r, err)
	}
	// The operator sees it confirmed and the hours left.
	testbrowser.Click(t, opTab, M("#refresh"))
	testbrowser.WaitText(t, opTab, M(fmt.Sprintf("#st-%d", req.ID)), "confermata")
	testbrowser.WaitText(t, opTab, left, "ore residue: 38,5")
	testbrowser.Axe(t, opTab, "demo page: mediator booked")
	testbrowser.Screenshot(t, opTab, "e2e-operator")
	testbrowser.Screenshot(t, coTab, "e2e-coordinator")
	for _, ctx := range []context.Context{opTab, csTab, coTab} {
		testbrowser.CheckErrors(t, ctx)
	}
}
