package widgets_test

// Browser tests of <incroci-mediation>: the operators' requests for
// mediators on an ambito's page, against the real platform with the help
// desk mounted beside it (newHelpdeskHub), on SQLite and PostgreSQL.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/helpdesk"
	"github.com/incrocicomuni/incroci/internal/testbrowser"
	"github.com/incrocicomuni/incroci/internal/testdb"
)

const mediationW = "incroci-mediation"

var rome = func() *time.Location {
	l, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err)
	}
	return l
}()

// TestBrowserMediation runs <incroci-mediation> as an operator: sign-in by
// e-mail code, the package's remaining hours, a request for an Arabic
// mediator with the personal-data warning on the note and the platform's
// field error beside the mode, its confirmation by the coordinator through
// the Go API seen after a refresh with the hours drawn, and the
// cancellation of a confirmed booking inside the notice window after the
// warning that its hours stay charged; script payloads stay text; English.
func TestBrowserMediation(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newHelpdeskHub(t, db)
		h := x.hub
		ctx := testbrowser.Tab(t, browser)
		W := func(sel string) string { return in(mediationW, sel) }
		const (
			op    = "operatore@comune.lodi.it"
			coord = "coordinatrice@comune.lodi.it"
			med   = "mediatrice@example.org"
			xss   = `<img src=x onerror="window.__xss=1">`
		)
		noMarkup := func(what string) {
			t.Helper()
			if got := testbrowser.Eval[string](t, ctx, `String(`+testbrowser.QueryAll(W("img"))+`.length) + ' ' + typeof window.__xss`); got != "0 undefined" {
				t.Errorf("%s: script payloads became HTML: images and window.__xss = %s", what, got)
			}
		}

		// Through the Go API: a package of five hours valid around today, and a
		// mediator of Arabic available every day (no set days).
		h.invite(coord, "Coordinatrice", incroci.RoleCoordinator)
		h.invite(med, "Amina", incroci.RoleMediator)
		asCoord, asMed := x.asEmail(coord), x.asEmail(med)
		now := time.Now().In(rome)
		pkg, err := x.hd.CreatePackage(asCoord, helpdesk.PackageInput{Ambito: "lodi", Body: "Comune di Lodi", Name: "Mediazione " + xss,
			ValidFrom: now.AddDate(0, 0, -1).Format(time.DateOnly), ValidTo: now.AddDate(0, 2, 0).Format(time.DateOnly), Minutes: 300})
		if err != nil {
			t.Fatal(err)
		}
		prof := helpdesk.MediatorProfileInput{Languages: []string{"ar", "ti"}, Modes: []string{"phone", "video", "in_person"}, Ambiti: []string{"lodi"}}
		for d := 1; d <= 7; d++ {
			prof.Availability = append(prof.Availability, helpdesk.WeeklyInterval{Weekday: d, Start: "00:00", End: "24:00"})
		}
		if _, err := x.hd.UpdateMediatorProfile(asMed, prof); err != nil {
			t.Fatal(err)
		}
		medID := h.person(med).ID
		balance := func() int {
			t.Helper()
			v, err := x.hd.Package(asCoord, pkg.ID)
			if err != nil {
				t.Fatal(err)
			}
			return v.BalanceMinutes
		}

		// Signed out: the sign-in flow of auth.ts.
		testbrowser.Navigate(t, ctx, h.page("w=mediation"))
		testbrowser.WaitFor(t, ctx, W("#email"))
		testbrowser.Axe(t, ctx, "mediation: sign-in")
		h.signIn(ctx, mediationW, op)
		testbrowser.WaitFor(t, ctx, W("#empty"))
		if got := testbrowser.Text(t, ctx, W("h2")); got != "Richieste di mediazione" {
			t.Errorf("list title %q", got)
		}
		item := W(fmt.Sprintf("#p-%d", pkg.ID))
		testbrowser.WaitFor(t, ctx, item)
		if got := testbrowser.Text(t, ctx, item); !strings.Contains(got, "ore residue: 5") || !strings.Contains(got, "Mediazione "+xss+" (Comune di Lodi)") {
			t.Errorf("package %q", got)
		}
		noMarkup("empty list")
		testbrowser.Axe(t, ctx, "mediation: empty list")
		asOp := x.as(h.stored(t, ctx))

		// "Nuova richiesta": a note with a phone number is caught before sending.
		testbrowser.Click(t, ctx, W("#new"))
		testbrowser.WaitFor(t, ctx, W("#pkg option"))
		if got := testbrowser.Text(t, ctx, W("#pkg")); !strings.Contains(got, "ore residue: 5") {
			t.Errorf("package picker %q", got)
		}
		if got := testbrowser.Eval[string](t, ctx, `(`+testbrowser.Query(W(`#lang option[value="ar"]`))+`).textContent`); got != "arabo" {
			t.Errorf("Arabic is offered as %q", got)
		}
		testbrowser.Axe(t, ctx, "mediation: new request form")
		day := now.AddDate(0, 0, 3).Format(time.DateOnly)
		setValue(t, ctx, W("#lang"), "ar")
		testbrowser.Type(t, ctx, W("#service"), "Tutela minori "+xss)
		setValue(t, ctx, W("#mode"), "scheduled")
		setValue(t, ctx, W("#date"), day)
		setValue(t, ctx, W("#from"), "10:00")
		setValue(t, ctx, W("#to"), "10:05")
		testbrowser.Type(t, ctx, W("#note"), "Colloquio con la famiglia, chiamare il 333 1234567 "+xss)
		testbrowser.Click(t, ctx, W("#send"))
		testbrowser.WaitText(t, ctx, W("#to-err"), "da 15 minuti a 8 ore")
		if got := testbrowser.Text(t, ctx, W("#note-err")); !strings.Contains(got, "telefono") {
			t.Errorf("the note's warning reads %q", got)
		}
		testbrowser.Axe(t, ctx, "mediation: client-side errors")
		testbrowser.Click(t, ctx, W("#note-mask"))
		if v := testbrowser.Value(t, ctx, W("#note")); strings.Contains(v, "1234567") || !strings.Contains(v, "[telefono]") {
			t.Errorf("masked note %q", v)
		}
		// No set day of an Arabic mediator then: the platform's 422 lands beside the mode.
		setValue(t, ctx, W("#to"), "11:30")
		testbrowser.Click(t, ctx, W("#send"))
		testbrowser.WaitText(t, ctx, W("#mode-err"), "nessun mediatore di questa lingua è presente")
		if got := testbrowser.Attr(t, ctx, W("#mode"), "aria-invalid"); got != "true" {
			t.Errorf("the mode is not marked invalid: %q", got)
		}
		testbrowser.Axe(t, ctx, "mediation: the platform's field error")
		testbrowser.Screenshot(t, ctx, "mediation-form")
		if _, n, err := x.hd.MediationRequests(asOp, helpdesk.MediationQuery{}); err != nil || n != 0 {
			t.Fatalf("a refused request was stored: %d %v", n, err)
		}
		// In person, it goes.
		setValue(t, ctx, W("#mode"), "in_person")
		testbrowser.Type(t, ctx, W("#place"), "Servizio tutela minori "+xss)
		testbrowser.Click(t, ctx, W("#send"))
		testbrowser.WaitFor(t, ctx, W("#count"))
		list, n, err := x.hd.MediationRequests(asOp, helpdesk.MediationQuery{})
		if err != nil || n != 1 {
			t.Fatalf("requests: %v %d %v", list, n, err)
		}
		r := list[0]
		start := time.Date(now.Year(), now.Month(), now.Day()+3, 10, 0, 0, 0, rome)
		if r.Language != "ar" || r.Mode != helpdesk.MediationInPerson || !r.Start.Equal(start) || r.Minutes != 90 || r.Place != "Servizio tutela minori "+xss ||
			r.Service != "Tutela minori "+xss || r.Note != "Colloquio con la famiglia, chiamare il [telefono] "+xss || r.PackageID != pkg.ID {
			t.Errorf("stored request %+v", r)
		}
		testbrowser.WaitText(t, ctx, W("#status"), fmt.Sprintf("Richiesta n. %d inviata", r.ID))
		st := W(fmt.Sprintf("#st-%d", r.ID))
		if got := testbrowser.Text(t, ctx, st); got != "Stato: richiesta" {
			t.Errorf("status %q", got)
		}
		row := testbrowser.Text(t, ctx, W(fmt.Sprintf("#r-%d", r.ID)))
		for _, want := range []string{"arabo", "10:00", "11:30", "Tutela minori " + xss, "in presenza: Servizio tutela minori " + xss, "ore: 1,5", fmt.Sprintf("n. %d", r.ID)} {
			if !strings.Contains(row, want) {
				t.Errorf("the request lacks %q: %q", want, row)
			}
		}
		noMarkup("list")
		testbrowser.Axe(t, ctx, "mediation: list")

		// The coordinator confirms it: the list, following the ambito's
		// mediation stream, shows it confirmed with no click, the hours drawn.
		auth := "Bearer " + h.stored(t, ctx)
		h.waitStreams("the ambito's mediation followed", func(e *streams) bool { return e.open[auth] == 1 })
		if _, err := x.hd.ConfirmMediation(asCoord, r.ID, 0); err != nil {
			t.Fatal(err)
		}
		testbrowser.WaitText(t, ctx, st, "confermata con Amina")
		testbrowser.WaitText(t, ctx, item, "ore residue: 3,5")
		if b := balance(); b != 210 {
			t.Errorf("balance %d after the confirmation", b)
		}

		// Another booking, confirmed, starts within the notice window: the
		// operator cancels it after the warning, and its hours stay charged.
		soon := time.Now().Add(time.Hour).Truncate(time.Minute)
		if d := soon.In(rome); d.Day() != d.Add(30*time.Minute).Day() {
			soon = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 5, 0, 0, rome)
		}
		r2, err := x.hd.RequestMediator(asOp, helpdesk.MediationInput{PackageID: pkg.ID, Language: "ar", Service: "Segretariato sociale", Mode: helpdesk.MediationPhone,
			Start: soon, End: soon.Add(30 * time.Minute), Note: "Rinnovo del permesso"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := x.hd.ConfirmMediation(asCoord, r2.ID, medID); err != nil {
			t.Fatal(err)
		}
		// The list reloads when the page gets the focus back.
		testbrowser.Eval[bool](t, ctx, `dispatchEvent(new Event('focus')) || true`)
		cancel := W(fmt.Sprintf("#cancel-%d", r2.ID))
		testbrowser.WaitFor(t, ctx, cancel)
		testbrowser.WaitText(t, ctx, item, "ore residue: 3 ·")
		testbrowser.Click(t, ctx, cancel)
		testbrowser.WaitFor(t, ctx, W(fmt.Sprintf("#cq-%d", r2.ID)))
		if got := testbrowser.Text(t, ctx, W(fmt.Sprintf("#cq-%d", r2.ID))); !strings.Contains(got, "meno di 24 ore") || !strings.Contains(got, "le 0,5 ore prenotate restano addebitate") {
			t.Errorf("the warning reads %q", got)
		}
		if f := testbrowser.Focused(t, ctx); f != fmt.Sprintf("%s >>> button#yes-%d", mediationW, r2.ID) {
			t.Errorf("the warning opened with the focus on %s", f)
		}
		testbrowser.Axe(t, ctx, "mediation: cancellation warning")
		// "No" keeps it; then yes.
		testbrowser.Click(t, ctx, W(fmt.Sprintf("#no-%d", r2.ID)))
		testbrowser.WaitFor(t, ctx, cancel)
		testbrowser.Click(t, ctx, cancel)
		testbrowser.Click(t, ctx, W(fmt.Sprintf("#yes-%d", r2.ID)))
		st2 := W(fmt.Sprintf("#st-%d", r2.ID))
		testbrowser.WaitText(t, ctx, st2, "annullata")
		if got := testbrowser.Text(t, ctx, W(fmt.Sprintf("#r-%d", r2.ID))); !strings.Contains(got, "ore addebitate") {
			t.Errorf("the cancelled booking %q", got)
		}
		if testbrowser.Exists(t, ctx, cancel) {
			t.Error("a cancelled request can be cancelled again")
		}
		c, err := x.hd.MediationRequestByID(asOp, r2.ID)
		if err != nil || c.Status != helpdesk.MediationCancelled || !c.Charged {
			t.Fatalf("cancelled booking: %+v %v", c, err)
		}
		if b := balance(); b != 180 {
			t.Errorf("balance %d after the late cancellation, want 180 (charged)", b)
		}
		testbrowser.WaitText(t, ctx, item, "ore residue: 3 ·")
		// Filtered by status.
		setValue(t, ctx, W("#st"), "cancelled")
		testbrowser.Wait(t, ctx, `!`+testbrowser.Query(W(fmt.Sprintf("#r-%d", r.ID))))
		testbrowser.WaitFor(t, ctx, st2)
		setValue(t, ctx, W("#st"), "done")
		testbrowser.WaitText(t, ctx, W("#empty"), "Nessuna richiesta in questo stato.")
		setValue(t, ctx, W("#st"), "")
		testbrowser.WaitFor(t, ctx, st)
		// A colleague's request shows who asked; "Solo le mie" hides it.
		const colleague = "collega@comune.lodi.it"
		h.invite(colleague, "Chiara "+xss, incroci.RoleOperator)
		r3, err := x.hd.RequestMediator(x.asEmail(colleague), helpdesk.MediationInput{PackageID: pkg.ID, Language: "ti", Service: "Segretariato sociale", Mode: helpdesk.MediationPhone,
			Start: start.AddDate(0, 0, 1), End: start.AddDate(0, 0, 1).Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		testbrowser.Click(t, ctx, W("#refresh"))
		testbrowser.WaitText(t, ctx, W(fmt.Sprintf("#r-%d", r3.ID)), "chiesta da Chiara "+xss)
		if got := testbrowser.Text(t, ctx, W(fmt.Sprintf("#r-%d", r.ID))); strings.Contains(got, "chiesta da") {
			t.Errorf("the operator's own request says who asked: %q", got)
		}
		testbrowser.Click(t, ctx, W("#mine"))
		testbrowser.Wait(t, ctx, `!`+testbrowser.Query(W(fmt.Sprintf("#r-%d", r3.ID))))
		testbrowser.WaitFor(t, ctx, st)
		testbrowser.Axe(t, ctx, "mediation: mine only")
		testbrowser.Click(t, ctx, W("#mine"))
		testbrowser.WaitFor(t, ctx, W(fmt.Sprintf("#r-%d", r3.ID)))
		noMarkup("list after cancelling")
		testbrowser.Axe(t, ctx, "mediation: list after cancelling")
		testbrowser.Screenshot(t, ctx, "mediation-list")

		// In English.
		testbrowser.Navigate(t, ctx, h.page("w=mediation&lang=en"))
		testbrowser.WaitFor(t, ctx, st2)
		if got := testbrowser.Text(t, ctx, W("h2")); got != "Mediation requests" {
			t.Errorf("English title %q", got)
		}
		if got := testbrowser.Text(t, ctx, st); got != "Status: confirmed with Amina" {
			t.Errorf("English status %q", got)
		}
		testbrowser.Axe(t, ctx, "mediation: English list")
		testbrowser.CheckErrors(t, ctx)

		// Inside <incroci-helpdesk>, on a page with a strict CSP and no
		// mediation.js: from a consultation, "Chiedi un mediatore" loads the
		// mediation widget once and opens its form for that consultation.
		cd, err := x.hd.Open(asOp, helpdesk.OpenInput{DeskID: x.desk.ID, Topic: "ricongiungimento", Ambito: "lodi", Subject: "Ricongiungimento",
			Question: "Quali redditi servono per il ricongiungimento del coniuge?", Beneficiary: helpdesk.Beneficiary{Label: "K.S.", Language: "ar"}})
		if err != nil {
			t.Fatal(err)
		}
		H := func(sel string) string { return in(helpdeskW, sel) }
		E := func(sel string) string { return H("incroci-mediation >>> " + sel) }
		testbrowser.Navigate(t, ctx, h.page("w=helpdesk&csp=strict"))
		testbrowser.WaitFor(t, ctx, H(fmt.Sprintf("#c-%d", cd.ID)))
		testbrowser.Click(t, ctx, H(fmt.Sprintf("#c-%d", cd.ID)))
		testbrowser.WaitFor(t, ctx, H("#ask-med"))
		testbrowser.Click(t, ctx, H("#ask-med"))
		testbrowser.WaitFor(t, ctx, E("#pkg option"))
		loads := `performance.getEntriesByType('resource').filter((e) => /\/mediation(\.[0-9a-f]+)?\.js$/.test(new URL(e.name).pathname)).length`
		if n := testbrowser.Eval[int](t, ctx, loads); n != 1 {
			t.Errorf("mediation.js loaded %d times, want 1", n)
		}
		if got := testbrowser.Value(t, ctx, E("#cons")); got != fmt.Sprint(cd.ID) {
			t.Errorf("the form is for consultation %q, want %d", got, cd.ID)
		}
		if testbrowser.Exists(t, ctx, E("#signed-in")) {
			t.Error("embedded, the mediation widget repeats who is signed in")
		}
		testbrowser.Axe(t, ctx, "helpdesk: mediation form for a consultation")
		setValue(t, ctx, E("#lang"), "ar")
		testbrowser.Type(t, ctx, E("#service"), "Segretariato sociale")
		setValue(t, ctx, E("#mode"), "video")
		later := now.AddDate(0, 0, 4)
		setValue(t, ctx, E("#date"), later.Format(time.DateOnly))
		setValue(t, ctx, E("#from"), "15:00")
		setValue(t, ctx, E("#to"), "16:00")
		testbrowser.Click(t, ctx, E("#send"))
		testbrowser.WaitFor(t, ctx, E("#count"))
		mine, _, err := x.hd.MediationRequests(asOp, helpdesk.MediationQuery{Mine: true, Status: helpdesk.MediationRequested})
		if err != nil || len(mine) != 1 || mine[0].ConsultationID == nil || *mine[0].ConsultationID != cd.ID || mine[0].Mode != helpdesk.MediationVideo {
			t.Errorf("the request from the consultation: %+v %v", mine, err)
		}
		// Back to the consultation.
		testbrowser.Click(t, ctx, H("#back"))
		testbrowser.WaitText(t, ctx, H("#c-title"), "Ricongiungimento")
		testbrowser.CheckErrors(t, ctx)
	})
}
