package widgets_test

// Browser tests of the help-desk views of <incroci-console> (the bundle
// console-helpdesk.js, loaded by the console when one of its tabs is
// opened): a consultant's queue and dialogue with internal notes, live
// replies, appointment slots and resolving; a coordinator's mediation
// confirmations, hour packages and reports with charts and the CSV. On a
// page with a strict CSP, on SQLite and PostgreSQL.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"
	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/helpdesk"
	"github.com/incrocicomuni/incroci/internal/testbrowser"
	"github.com/incrocicomuni/incroci/internal/testdb"
)

// chunkLoads counts the page's requests for console-helpdesk.js.
func chunkLoads(t *testing.T, ctx context.Context) int {
	t.Helper()
	return testbrowser.Eval[int](t, ctx, `performance.getEntriesByType('resource').filter((e) => /\/console-helpdesk(\.[0-9a-f]+)?\.js$/.test(new URL(e.name).pathname)).length`)
}

// consoleNoMarkup checks that nothing people wrote became HTML in the console.
func consoleNoMarkup(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	if got := testbrowser.Eval[string](t, ctx, `String(`+testbrowser.QueryAll(in(console, "img"))+`.length) + ' ' + typeof window.__xss`); got != "0 undefined" {
		t.Errorf("%s: script payloads became HTML: images and window.__xss = %s", what, got)
	}
}

// TestBrowserConsoleHelpdesk runs the "Sportello" tab as a consultant: the
// queue with a consultation opened through the Go API (its subject a script
// payload, shown as text), a reply through the personal-data dialog, an
// internal note the operator never gets, the operator's answer arriving
// live, an appointment slot proposed and resolving.
func TestBrowserConsoleHelpdesk(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newHelpdeskHub(t, db)
		h := x.hub
		ctx := testbrowser.Tab(t, browser)
		C := func(sel string) string { return in(console, sel) }
		const (
			op     = "operatore@comune.lodi.it"
			xss    = `<img src=x onerror="window.__xss=1">`
			cf     = "RSSMRA85T10A562S"
			answer = "Serve copia del diniego, codice fiscale " + cf
			note   = "Verificare la giurisprudenza recente " + xss
			back   = "Ecco il provvedimento richiesto " + xss
			place  = `Via Cavour 1, Lodi <img src=x onerror="window.__xss=1">`
		)
		h.invite(op, "Marco Operatore", incroci.RoleOperator)
		// A second consultant on the desk, whose name is a script payload.
		const other = "avv.verdi@example.org"
		h.invite(other, "Avv. Verdi "+xss, incroci.RoleConsultant)
		if _, err := x.hd.AddConsultant(h.sys, x.desk.ID, helpdesk.ConsultantInput{PersonID: h.person(other).ID}); err != nil {
			t.Fatal(err)
		}
		get := downloads(t, ctx)
		asOp := x.asEmail(op)
		d, err := x.hd.Open(asOp, helpdesk.OpenInput{DeskID: x.desk.ID, Topic: "ricongiungimento", Ambito: "lodi", Subject: xss, Urgency: "urgent",
			Question: "Quali redditi servono per il ricongiungimento del coniuge? " + xss, Beneficiary: helpdesk.Beneficiary{Label: "K.S."}})
		if err != nil {
			t.Fatal(err)
		}

		// A consultant only has the "Sportello" view: no tabs, the chunk loads at once.
		testbrowser.Navigate(t, ctx, h.page("w=console&csp=strict"))
		h.signIn(ctx, console, x.consultant)
		row := C(fmt.Sprintf("#hd-c-%d", d.ID))
		testbrowser.WaitFor(t, ctx, row)
		if n := chunkLoads(t, ctx); n != 1 {
			t.Errorf("console-helpdesk.js loaded %d times, want 1", n)
		}
		if testbrowser.Exists(t, ctx, C("[role=tablist]")) {
			t.Error("one view, yet the console shows tabs")
		}
		if got := testbrowser.Text(t, ctx, row); got != xss {
			t.Errorf("queue subject %q", got)
		}
		if got := testbrowser.Text(t, ctx, C("#hd-table caption")); got != "Consulenze: 1" {
			t.Errorf("queue caption %q", got)
		}
		consoleNoMarkup(t, ctx, "queue")
		testbrowser.Axe(t, ctx, "console helpdesk: queue")

		// The consultation, followed live.
		testbrowser.Click(t, ctx, row)
		testbrowser.WaitFor(t, ctx, C("#hd-c-title"))
		if got := testbrowser.Text(t, ctx, C("#hd-c-title")); got != xss {
			t.Errorf("title %q", got)
		}
		if f := testbrowser.Focused(t, ctx); f != console+" >>> h2#hd-c-title" {
			t.Errorf("the consultation opened with the focus on %s", f)
		}
		auth := "Bearer " + h.stored(t, ctx)
		h.waitStreams("the consultation followed", func(e *streams) bool { return e.open[auth] == 1 })
		// The operator by name; the assignment offers the desk's consultants by name.
		if got := testbrowser.Text(t, ctx, C("#hd-meta")); !strings.Contains(got, "Marco Operatore") || !strings.Contains(got, "me") {
			t.Errorf("the consultation's header: %q", got)
		}
		testbrowser.Wait(t, ctx, testbrowser.QueryAll(C("#hd-assignee option"))+`.length == 2`)
		if got := testbrowser.Text(t, ctx, C("#hd-assignee")); !strings.Contains(got, "Avv. Verdi "+xss) || !strings.Contains(got, "me") {
			t.Errorf("the assignment offers %q", got)
		}
		testbrowser.Axe(t, ctx, "console helpdesk: consultation")

		// A reply with a tax code: the dialog, masked.
		testbrowser.Type(t, ctx, C("#hd-body"), answer)
		testbrowser.Click(t, ctx, C("#hd-send"))
		testbrowser.WaitFor(t, ctx, C("dialog#pii[open]"))
		if got := testbrowser.Text(t, ctx, C("#pii-list")); got != "codice fiscale: "+cf+" (Testo)" {
			t.Errorf("the dialog lists %q", got)
		}
		testbrowser.Axe(t, ctx, "console helpdesk: personal-data dialog")
		testbrowser.Click(t, ctx, C("#pii-mask"))
		msgs := C("#hd-msgs li[id^=hd-m-]")
		testbrowser.Wait(t, ctx, testbrowser.QueryAll(msgs)+`.length == 1`)
		testbrowser.WaitText(t, ctx, C("#status"), "Inviato.")

		// An internal note, marked as such.
		testbrowser.Type(t, ctx, C("#hd-body"), note)
		testbrowser.Click(t, ctx, C("#hd-internal"))
		testbrowser.Click(t, ctx, C("#hd-send"))
		testbrowser.Wait(t, ctx, testbrowser.QueryAll(msgs)+`.length == 2`)
		if testbrowser.Eval[bool](t, ctx, testbrowser.Query(C("#hd-internal"))+`.checked`) {
			t.Error("after a note, the next reply would be a note too: the box stays ticked")
		}
		last := C("#hd-msgs li[id^=hd-m-]:last-child")
		if got := testbrowser.Attr(t, ctx, last, "class"); !strings.Contains(got, "int") {
			t.Errorf("the note's class is %q", got)
		}
		if got := testbrowser.Text(t, ctx, last); !strings.Contains(got, "Nota interna — non visibile all’operatore") || !strings.Contains(got, note) {
			t.Errorf("the note reads %q", got)
		}
		consoleNoMarkup(t, ctx, "dialogue")
		testbrowser.Axe(t, ctx, "console helpdesk: dialogue with an internal note")
		got, err := x.hd.Get(asOp, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Messages) != 1 || strings.Contains(got.Messages[0].Body, cf) || !strings.Contains(got.Messages[0].Body, "[codice fiscale]") {
			t.Errorf("the operator sees %+v, want the masked answer and no note", got.Messages)
		}

		// A reply with a file: a page passed off as a PDF is refused beside
		// the field; a real PDF goes with the message, and the operator gets it.
		pickFile(t, ctx, C("#hd-file"), "pagina.pdf", "<html><body><script>alert(1)</script></body></html>", 0)
		testbrowser.WaitText(t, ctx, C("#hd-file-err"), "Tipo di file non ammesso")
		testbrowser.Axe(t, ctx, "console helpdesk: a file refused")
		pickFile(t, ctx, C("#hd-file"), "modulo "+xss+".pdf", pdf, 0)
		testbrowser.WaitText(t, ctx, C("#hd-picked"), "modulo "+xss+".pdf")
		testbrowser.Type(t, ctx, C("#hd-body"), "Ecco il modulo da compilare.")
		testbrowser.Click(t, ctx, C("#hd-send"))
		testbrowser.Wait(t, ctx, testbrowser.QueryAll(msgs)+`.length == 3`)
		testbrowser.WaitFor(t, ctx, C("#hd-msgs li[id^=hd-m-]:last-child .files button"))
		if got := testbrowser.Text(t, ctx, C("#hd-picked")); got != "" {
			t.Errorf("the sent file is still offered: %q", got)
		}
		ms, files, err := x.hd.Messages(asOp, d.ID, 0)
		if err != nil || len(files) != 1 || files[0].Name != "modulo "+xss+".pdf" || files[0].MessageID == nil || *files[0].MessageID != ms[len(ms)-1].ID || files[0].Internal {
			t.Errorf("the operator's files: %+v %v", files, err)
		}
		consoleNoMarkup(t, ctx, "reply with a file")

		// The operator's answer arrives live, with a file whose name is a
		// script payload; the consultant downloads it.
		att, err := x.hd.Upload(asOp, d.ID, xss+".pdf", strings.NewReader(pdf))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := x.hd.Post(asOp, d.ID, helpdesk.MessageInput{ClientID: "0c6f4e2a-7d0b-4c51-9a0e-2f1f7b7c1a01", Body: back, Attachments: []int64{att.ID}}); err != nil {
			t.Fatal(err)
		}
		testbrowser.Wait(t, ctx, testbrowser.QueryAll(msgs)+`.length == 4`)
		if got := testbrowser.Text(t, ctx, C("#hd-msgs li[id^=hd-m-]:last-child .body")); got != back {
			t.Errorf("the live message reads %q", got)
		}
		if got := testbrowser.Text(t, ctx, C("#hd-msgs li[id^=hd-m-]:last-child .who strong")); got != "Marco Operatore" {
			t.Errorf("the live message's author: %q", got)
		}
		testbrowser.WaitText(t, ctx, C("#status"), "Nuovo messaggio")
		file := C("#hd-msgs li[id^=hd-m-]:last-child .files button")
		testbrowser.WaitText(t, ctx, file, "Scarica "+xss+".pdf")
		testbrowser.Click(t, ctx, file)
		if name, data := get(); !strings.HasSuffix(name, ".pdf") || string(data) != pdf {
			t.Errorf("downloaded %q: %q", name, data)
		}
		testbrowser.WaitText(t, ctx, C("#status"), "Scaricato: "+xss+".pdf")
		consoleNoMarkup(t, ctx, "file")
		testbrowser.Axe(t, ctx, "console helpdesk: a message with a file")

		// An appointment slot.
		day := time.Now().AddDate(0, 0, 7)
		setValue(t, ctx, C("#hd-start"), day.Format("2006-01-02")+"T10:00")
		setValue(t, ctx, C("#hd-end"), day.Format("2006-01-02")+"T11:00")
		testbrowser.Type(t, ctx, C("#hd-place"), place)
		testbrowser.Click(t, ctx, C("#hd-propose"))
		testbrowser.WaitFor(t, ctx, C("#hd-slots li"))
		slots, err := x.hd.Appointments(asOp, d.ID)
		if err != nil || len(slots) != 1 || slots[0].Place != place || slots[0].Status != helpdesk.SlotProposed {
			t.Fatalf("appointments: %+v %v", slots, err)
		}
		if got := testbrowser.Text(t, ctx, C(fmt.Sprintf("#hd-slot-%d", slots[0].ID))); !strings.Contains(got, "In presenza: "+place) {
			t.Errorf("slot %q", got)
		}
		consoleNoMarkup(t, ctx, "appointments")
		testbrowser.Axe(t, ctx, "console helpdesk: appointment proposed")

		// Reassigned to the other consultant, by name; the history names who changed what.
		setValue(t, ctx, C("#hd-assignee"), fmt.Sprint(h.person(other).ID))
		testbrowser.Click(t, ctx, C("#hd-assign"))
		testbrowser.WaitText(t, ctx, C("#hd-who"), "Avv. Verdi "+xss)
		testbrowser.WaitText(t, ctx, C("#status"), "Consulenza assegnata a Avv. Verdi "+xss)
		if got, err := x.hd.Get(asOp, d.ID); err != nil || got.AssigneeID == nil || *got.AssigneeID != h.person(other).ID {
			t.Errorf("after reassigning: %v %v", got.AssigneeID, err)
		}
		testbrowser.Click(t, ctx, C("#hd-history summary"))
		if got := testbrowser.Text(t, ctx, C("#hd-history ol")); !strings.Contains(got, "nuova → in attesa dell’operatore · me") || !strings.Contains(got, "Marco Operatore") {
			t.Errorf("the history reads %q", got)
		}
		consoleNoMarkup(t, ctx, "reassigned")

		// Resolved.
		testbrowser.Click(t, ctx, C("#hd-resolve"))
		testbrowser.WaitText(t, ctx, C("#hd-status"), "risolta")
		if got, err := x.hd.Get(asOp, d.ID); err != nil || got.Status != helpdesk.StatusResolved {
			t.Errorf("after resolving: %v %v", got.Status, err)
		}
		testbrowser.Click(t, ctx, C("#hd-back"))
		testbrowser.WaitFor(t, ctx, row)
		if n := chunkLoads(t, ctx); n != 1 {
			t.Errorf("console-helpdesk.js loaded %d times, want 1", n)
		}
		testbrowser.CheckErrors(t, ctx)
	})
}

// TestBrowserConsoleMediationReports runs the coordinator's tabs: the chunk
// loads only when "Mediazione" opens, a request is confirmed and its hours
// are drawn from the package, then the reports with their charts and the CSV.
func TestBrowserConsoleMediationReports(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newHelpdeskHub(t, db)
		h := x.hub
		ctx := testbrowser.Tab(t, browser)
		C := func(sel string) string { return in(console, sel) }
		get := downloads(t, ctx)
		const (
			op    = "operatore@comune.lodi.it"
			coord = "coordinatrice@comune.lodi.it"
			med   = "mediatrice@example.org"
			xss   = `<img src=x onerror="window.__xss=1">`
		)
		h.invite(op, "Operatore", incroci.RoleOperator)
		h.invite(coord, "Coordinatrice", incroci.RoleCoordinator)
		h.invite(med, "Amina Mediatrice", incroci.RoleMediator)
		asOp, asCoord := x.asEmail(op), x.asEmail(coord)
		now := time.Now()
		pkg, err := x.hd.CreatePackage(asCoord, helpdesk.PackageInput{Ambito: "lodi", Body: "Comune di Lodi", Name: "Mediazione " + xss,
			ValidFrom: now.AddDate(0, 0, -1).Format(time.DateOnly), ValidTo: now.AddDate(1, 0, 0).Format(time.DateOnly), Minutes: 300})
		if err != nil {
			t.Fatal(err)
		}
		prof := helpdesk.MediatorProfileInput{Languages: []string{"ar"}, Modes: []string{"phone", "video", "in_person"}, Ambiti: []string{"lodi"}}
		for wd := 1; wd <= 5; wd++ {
			prof.Availability = append(prof.Availability, helpdesk.WeeklyInterval{Weekday: wd, Start: "08:00", End: "18:00"})
		}
		if _, err := x.hd.UpdateMediatorProfile(x.asEmail(med), prof); err != nil {
			t.Fatal(err)
		}
		rome, err := time.LoadLocation("Europe/Rome")
		if err != nil {
			t.Fatal(err)
		}
		day := now.In(rome).AddDate(0, 0, 3)
		for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			day = day.AddDate(0, 0, 1)
		}
		start := time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, rome)
		req, err := x.hd.RequestMediator(asOp, helpdesk.MediationInput{PackageID: pkg.ID, Language: "ar", Service: "Tutela minori " + xss,
			Mode: helpdesk.MediationVideo, Start: start, End: start.Add(time.Hour), VideoURL: "https://meet.example.it/lodi"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := x.hd.Open(asOp, helpdesk.OpenInput{DeskID: x.desk.ID, Topic: "ricongiungimento", Ambito: "lodi", Subject: "Ricongiungimento",
			Question: "Quali redditi servono per il ricongiungimento?", Beneficiary: helpdesk.Beneficiary{Label: "K.S.", Nationality: "MA", Language: "ar"}}); err != nil {
			t.Fatal(err)
		}

		// People and roles first: the help-desk chunk is not loaded yet.
		testbrowser.Navigate(t, ctx, h.page("w=console&csp=strict"))
		h.signIn(ctx, console, coord)
		testbrowser.WaitFor(t, ctx, C("#people"))
		if got := testbrowser.Text(t, ctx, C("[role=tablist]")); got != "Persone e ruoliMediazioneSportelliReportCorsiApprovazioniQuestionariReport formazione" {
			t.Errorf("tabs %q", got)
		}
		testbrowser.Axe(t, ctx, "console: people with tabs")
		if n := chunkLoads(t, ctx); n != 0 {
			t.Fatalf("console-helpdesk.js loaded %d times before its tab opened", n)
		}

		// Mediazione, with the keyboard.
		testbrowser.Focus(t, ctx, C("#tab-people"))
		testbrowser.Keys(t, ctx, kb.ArrowRight)
		confirm := C(fmt.Sprintf("#md-confirm-%d", req.ID))
		testbrowser.WaitFor(t, ctx, confirm)
		if f := testbrowser.Focused(t, ctx); f != console+" >>> button#tab-mediation" {
			t.Errorf("after the arrow key the focus is on %s", f)
		}
		if n := chunkLoads(t, ctx); n != 1 {
			t.Errorf("console-helpdesk.js loaded %d times, want 1", n)
		}
		if got := testbrowser.Text(t, ctx, C(fmt.Sprintf("#md-left-%d", pkg.ID))); got != "5" {
			t.Errorf("hours left before: %q", got)
		}
		consoleNoMarkup(t, ctx, "mediation")
		testbrowser.Axe(t, ctx, "console: mediation requests")
		testbrowser.Click(t, ctx, confirm)
		testbrowser.WaitText(t, ctx, C("#status"), fmt.Sprintf("Richiesta n. %d confermata.", req.ID))
		if v, err := x.hd.Package(asCoord, pkg.ID); err != nil || v.BalanceMinutes != 240 {
			t.Errorf("package after confirming: %+v %v", v, err)
		}
		setValue(t, ctx, C("#md-st"), "confirmed")
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#md-done-%d", req.ID)))
		testbrowser.WaitText(t, ctx, C(fmt.Sprintf("#md-left-%d", pkg.ID)), "4")
		if got := testbrowser.Text(t, ctx, C("#md-requests tbody")); !strings.Contains(got, "Amina Mediatrice") || !strings.Contains(got, xss) {
			t.Errorf("confirmed request: %q", got)
		}
		// A request asked meanwhile appears live, with no click.
		setValue(t, ctx, C("#md-st"), "requested")
		testbrowser.WaitText(t, ctx, C("#md-requests tbody"), "Nessuna richiesta.")
		h.waitStreams("the ambito's mediation followed", func(e *streams) bool { return e.paths["/incroci/helpdesk/mediation/events"] == 1 })
		later := start.AddDate(0, 0, 1)
		req2, err := x.hd.RequestMediator(asOp, helpdesk.MediationInput{PackageID: pkg.ID, Language: "ar", Service: "Consultorio",
			Mode: helpdesk.MediationPhone, Start: later, End: later.Add(30 * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#md-confirm-%d", req2.ID)))
		setValue(t, ctx, C("#md-st"), "confirmed")
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#md-done-%d", req.ID)))

		// Cancelling asks first; inside the notice window it warns the hours stay charged.
		cancel := C(fmt.Sprintf("#md-cancel-%d", req.ID))
		testbrowser.Click(t, ctx, cancel)
		q := C(fmt.Sprintf("#md-cq-%d", req.ID))
		testbrowser.WaitFor(t, ctx, q)
		if got := testbrowser.Text(t, ctx, q); !strings.Contains(got, "Annullare la richiesta n.") {
			t.Errorf("the question reads %q (the booking starts in days, outside the notice window)", got)
		}
		if f := testbrowser.Focused(t, ctx); f != console+fmt.Sprintf(" >>> p#md-cq-%d", req.ID) {
			t.Errorf("the question opened with the focus on %s", f)
		}
		testbrowser.Axe(t, ctx, "console: cancel a booking?")
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#md-no-%d", req.ID)))
		testbrowser.WaitFor(t, ctx, cancel)
		if v, err := x.hd.MediationRequestByID(asCoord, req.ID); err != nil || v.Status != helpdesk.MediationConfirmed {
			t.Errorf("after No: %+v %v", v, err)
		}
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#md-ledger-%d", pkg.ID)))
		testbrowser.WaitFor(t, ctx, C("#md-entries"))
		if n := testbrowser.Eval[int](t, ctx, testbrowser.QueryAll(C("#md-entries tbody tr"))+`.length`); n != 2 {
			t.Errorf("ledger rows: %d, want 2", n)
		}
		consoleNoMarkup(t, ctx, "ledger")
		testbrowser.Axe(t, ctx, "console: mediation confirmed, ledger")

		// A new package of 12.5 hours, then a correction that would go below
		// zero (refused) and one that does not.
		testbrowser.Click(t, ctx, C("#pk-new-box summary"))
		testbrowser.Type(t, ctx, C("#pk-name"), "Progetto FAMI 2027 "+xss)
		setValue(t, ctx, C("#pk-from"), now.Format(time.DateOnly))
		setValue(t, ctx, C("#pk-to"), now.AddDate(0, 0, -1).Format(time.DateOnly))
		testbrowser.Type(t, ctx, C("#pk-hours"), "12,5")
		testbrowser.Click(t, ctx, C("#pk-new-send"))
		testbrowser.Wait(t, ctx, `!(`+testbrowser.Query(C("#pk-to-err"))+`).hidden`)
		testbrowser.Axe(t, ctx, "console: a package with its dates the wrong way round")
		setValue(t, ctx, C("#pk-to"), now.AddDate(1, 0, 0).Format(time.DateOnly))
		testbrowser.Click(t, ctx, C("#pk-new-send"))
		testbrowser.WaitText(t, ctx, C("#status"), "Pacchetto creato: Progetto FAMI 2027 "+xss)
		pkgs, err := x.hd.Packages(asCoord, "lodi")
		if err != nil || len(pkgs) != 2 {
			t.Fatalf("packages: %+v %v", pkgs, err)
		}
		var fami helpdesk.PackageView
		for _, p := range pkgs {
			if p.ID != pkg.ID {
				fami = p
			}
		}
		if fami.BalanceMinutes != 750 {
			t.Errorf("the new package holds %d minutes, want 750", fami.BalanceMinutes)
		}
		testbrowser.WaitText(t, ctx, C(fmt.Sprintf("#md-left-%d", fami.ID)), "12,5")
		testbrowser.Click(t, ctx, C("#ph-box summary"))
		setValue(t, ctx, C("#ph-pkg"), fmt.Sprint(fami.ID))
		setValue(t, ctx, C("#ph-reason"), "adjustment")
		testbrowser.Type(t, ctx, C("#ph-hours"), "-20")
		testbrowser.Click(t, ctx, C("#ph-send"))
		testbrowser.Wait(t, ctx, `!(`+testbrowser.Query(C("#ph-error"))+`).hidden`)
		if v, err := x.hd.Package(asCoord, fami.ID); err != nil || v.BalanceMinutes != 750 {
			t.Errorf("a refused correction changed the package: %+v %v", v, err)
		}
		testbrowser.Clear(t, ctx, C("#ph-hours"))
		testbrowser.Type(t, ctx, C("#ph-hours"), "-2,5")
		testbrowser.Click(t, ctx, C("#ph-send"))
		testbrowser.WaitText(t, ctx, C("#status"), "Ore registrate nel pacchetto.")
		testbrowser.WaitText(t, ctx, C(fmt.Sprintf("#md-left-%d", fami.ID)), "10")
		consoleNoMarkup(t, ctx, "packages")
		testbrowser.Axe(t, ctx, "console: packages managed")

		// Report: charts with their tables, and the CSV.
		testbrowser.Click(t, ctx, C("#tab-reports"))
		testbrowser.WaitFor(t, ctx, C("#rp-month svg rect"))
		if n := chunkLoads(t, ctx); n != 1 {
			t.Errorf("console-helpdesk.js loaded %d times, want 1", n)
		}
		if got := testbrowser.Text(t, ctx, C("#rp-sum")); !strings.Contains(got, "Consulenze nel periodo1") {
			t.Errorf("summary %q", got)
		}
		if got := testbrowser.Attr(t, ctx, C("#rp-nationality svg"), "aria-label"); !strings.Contains(got, "MA 1") && !strings.Contains(got, "Marocco 1") {
			t.Errorf("nationality chart label %q", got)
		}
		if n := testbrowser.Eval[int](t, ctx, testbrowser.QueryAll(C("#rp-status-table tbody tr"))+`.length`); n != 1 {
			t.Errorf("status table rows: %d", n)
		}
		testbrowser.Axe(t, ctx, "console: reports")
		testbrowser.Click(t, ctx, C("#rp-csv"))
		name, data := get()
		if name != "incroci-consulenze-lodi.csv" || !strings.Contains(string(data), "Ricongiungimento") && !strings.Contains(string(data), ",") {
			t.Errorf("CSV %q: %q", name, data)
		}
		testbrowser.WaitText(t, ctx, C("#status"), "Scaricato il file incroci-consulenze-lodi.csv.")
		if testbrowser.Exists(t, ctx, C("#rp-scope")) {
			t.Error("a coordinator is offered the whole network's figures")
		}
		testbrowser.CheckErrors(t, ctx)

		// A network administrator also sees the whole network: a consultation
		// of crema counts there, not in lodi.
		const admin = "rete@example.org"
		if _, err := h.p.GrantAdmin(h.sys, admin, "Amministratrice di rete"); err != nil {
			t.Fatal(err)
		}
		if _, err := h.p.CreateAmbito(h.sys, incroci.AmbitoInput{Slug: "crema", Name: "Ambito distrettuale di Crema", Comuni: []string{"Crema"}, EmailDomains: []string{"comune.crema.cr.it"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.p.Invite(h.sys, "crema", incroci.InviteInput{Email: "operatore@comune.crema.cr.it", Name: "Operatore Crema", Roles: []incroci.Role{incroci.RoleOperator}}); err != nil {
			t.Fatal(err)
		}
		if _, err := x.hd.Open(x.asEmail("operatore@comune.crema.cr.it"), helpdesk.OpenInput{DeskID: x.desk.ID, Topic: "cittadinanza", Ambito: "crema", Subject: "Cittadinanza",
			Question: "Quali anni di residenza servono per la cittadinanza?", Beneficiary: helpdesk.Beneficiary{Label: "A.B."}}); err != nil {
			t.Fatal(err)
		}
		adm := testbrowser.Tab(t, browser)
		A := func(sel string) string { return in(console, sel) }
		testbrowser.Navigate(t, adm, h.page("w=console&csp=strict"))
		h.signIn(adm, console, admin)
		testbrowser.WaitFor(t, adm, A("#tab-reports"))
		testbrowser.Click(t, adm, A("#tab-reports"))
		testbrowser.WaitText(t, adm, A("#rp-sum"), "Consulenze nel periodo1")
		setValue(t, adm, A("#rp-scope"), "")
		testbrowser.Click(t, adm, A("#rp-show"))
		testbrowser.WaitText(t, adm, A("#rp-sum"), "Consulenze nel periodo2")
		testbrowser.Axe(t, adm, "console: the network's reports")
		testbrowser.CheckErrors(t, adm)
	})
}

// TestBrowserConsoleMediator runs the console as a mediator: the only view
// is Mediazione, with the requests in their languages; they confirm one
// for themselves and its hours are drawn; a request in a language they do
// not speak is not shown.
func TestBrowserConsoleMediator(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newHelpdeskHub(t, db)
		h := x.hub
		ctx := testbrowser.Tab(t, browser)
		C := func(sel string) string { return in(console, sel) }
		const (
			op    = "operatore@comune.lodi.it"
			coord = "coordinatrice@comune.lodi.it"
			med   = "mediatrice@example.org"
		)
		h.invite(op, "Operatore", incroci.RoleOperator)
		h.invite(coord, "Coordinatrice", incroci.RoleCoordinator)
		h.invite(med, "Amina Mediatrice", incroci.RoleMediator)
		asOp, asCoord := x.asEmail(op), x.asEmail(coord)
		now := time.Now()
		pkg, err := x.hd.CreatePackage(asCoord, helpdesk.PackageInput{Ambito: "lodi", Name: "Mediazione", ValidFrom: now.AddDate(0, 0, -1).Format(time.DateOnly),
			ValidTo: now.AddDate(1, 0, 0).Format(time.DateOnly), Minutes: 120})
		if err != nil {
			t.Fatal(err)
		}
		prof := helpdesk.MediatorProfileInput{Languages: []string{"ar"}, Modes: []string{"phone", "video", "in_person"}, Ambiti: []string{"lodi"}}
		for wd := 1; wd <= 7; wd++ {
			prof.Availability = append(prof.Availability, helpdesk.WeeklyInterval{Weekday: wd, Start: "00:00", End: "24:00"})
		}
		if _, err := x.hd.UpdateMediatorProfile(x.asEmail(med), prof); err != nil {
			t.Fatal(err)
		}
		start := now.Add(72 * time.Hour).Truncate(time.Hour)
		ar, err := x.hd.RequestMediator(asOp, helpdesk.MediationInput{PackageID: pkg.ID, Language: "ar", Service: "Consultorio", Mode: helpdesk.MediationPhone,
			Start: start, End: start.Add(time.Hour), Note: "Colloquio di accoglienza"})
		if err != nil {
			t.Fatal(err)
		}
		zh, err := x.hd.RequestMediator(asOp, helpdesk.MediationInput{PackageID: pkg.ID, Language: "zh", Service: "Consultorio", Mode: helpdesk.MediationPhone,
			Start: start, End: start.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}

		testbrowser.Navigate(t, ctx, h.page("w=console&csp=strict"))
		h.signIn(ctx, console, med)
		confirm := C(fmt.Sprintf("#md-confirm-%d", ar.ID))
		testbrowser.WaitFor(t, ctx, confirm)
		if testbrowser.Exists(t, ctx, C("[role=tablist]")) {
			t.Error("a mediator has one view, yet the console shows tabs")
		}
		if testbrowser.Exists(t, ctx, C(fmt.Sprintf("#md-confirm-%d", zh.ID))) {
			t.Error("a request in a language the mediator does not speak is shown")
		}
		if got := testbrowser.Text(t, ctx, C("#md-requests tbody")); !strings.Contains(got, "Colloquio di accoglienza") || !strings.Contains(got, "Operatore") {
			t.Errorf("the request as the mediator sees it: %q", got)
		}
		testbrowser.Axe(t, ctx, "console: a mediator's requests")
		testbrowser.Click(t, ctx, confirm)
		testbrowser.WaitText(t, ctx, C("#status"), fmt.Sprintf("Richiesta n. %d confermata.", ar.ID))
		r, err := x.hd.MediationRequestByID(asOp, ar.ID)
		if err != nil || r.Status != helpdesk.MediationConfirmed || r.MediatorID == nil || *r.MediatorID != h.person(med).ID {
			t.Fatalf("after the mediator's confirmation: %+v %v", r, err)
		}
		if v, err := x.hd.Package(asCoord, pkg.ID); err != nil || v.BalanceMinutes != 60 {
			t.Errorf("package after confirming: %+v %v", v, err)
		}
		setValue(t, ctx, C("#md-st"), "confirmed")
		testbrowser.WaitText(t, ctx, C("#md-requests tbody"), "Amina Mediatrice")
		testbrowser.CheckErrors(t, ctx)

		// A new mediator, with no profile yet, is offered nothing; they fill
		// in their profile in the console (Chinese, by phone, Monday
		// mornings, a set day on Tuesdays) and the Chinese request appears.
		const nuovo = "mediatore.zh@example.org"
		h.invite(nuovo, "Li Wei", incroci.RoleMediator)
		tab := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, tab, h.page("w=console&csp=strict"))
		h.signIn(tab, console, nuovo)
		testbrowser.WaitFor(t, tab, C("#mp-form"))
		testbrowser.WaitText(t, tab, C("#md-requests tbody"), "Nessuna richiesta.")
		testbrowser.Axe(t, tab, "console: an empty mediator profile")
		testbrowser.Click(t, tab, C("#mp-save"))
		testbrowser.Wait(t, tab, `!(`+testbrowser.Query(C("#mp-langs-err"))+`).hidden`)
		if got := testbrowser.Text(t, tab, C("#mp-langs-err")); got != "indica almeno una lingua in cui fai mediazione" {
			t.Errorf("a profile with no language: %q", got)
		}
		if got := testbrowser.Attr(t, tab, C("#mp-langs"), "aria-invalid"); got != "true" {
			t.Errorf("a profile with no language: the languages are not marked (%q)", got)
		}
		testbrowser.Click(t, tab, C("#mp-l-zh"))
		testbrowser.Click(t, tab, C("#mp-m-phone"))
		setValue(t, tab, C("#mp-from-1"), "09:00")
		setValue(t, tab, C("#mp-to-1"), "13:00")
		testbrowser.Click(t, tab, C("#mp-add"))
		setValue(t, tab, C("#mp-sd-1"), "2")
		setValue(t, tab, C("#mp-ss-1"), "09:00")
		setValue(t, tab, C("#mp-se-1"), "12:00")
		testbrowser.Type(t, tab, C("#mp-sp-1"), "Consultorio, via Cavour 10, Lodi")
		testbrowser.Axe(t, tab, "console: a mediator profile filled in")
		testbrowser.Screenshot(t, tab, "console-mediator-profile")
		testbrowser.Click(t, tab, C("#mp-save"))
		testbrowser.WaitText(t, tab, C("#status"), "Profilo salvato.")
		got, err := x.hd.MyMediatorProfile(x.asEmail(nuovo))
		if err != nil || strings.Join(got.Languages, ",") != "zh" || strings.Join(got.Modes, ",") != "phone" || strings.Join(got.Ambiti, ",") != "lodi" ||
			len(got.Availability) != 1 || got.Availability[0] != (helpdesk.WeeklyInterval{Weekday: 1, Start: "09:00", End: "13:00"}) ||
			len(got.Presences) != 1 || got.Presences[0] != (helpdesk.ScheduledPresence{Weekday: 2, Start: "09:00", End: "12:00", Ambito: "lodi", Place: "Consultorio, via Cavour 10, Lodi"}) {
			t.Errorf("the saved profile: %+v %v", got, err)
		}
		testbrowser.WaitFor(t, tab, C(fmt.Sprintf("#md-confirm-%d", zh.ID)))
		testbrowser.CheckErrors(t, tab)

		// In English.
		testbrowser.Navigate(t, tab, h.page("w=console&csp=strict&lang=en"))
		testbrowser.WaitText(t, tab, C("#mp-t"), "My mediator profile")
		testbrowser.WaitText(t, tab, C("#md-requests caption"), "Mediation requests: 1")
		if got := testbrowser.Text(t, tab, C(fmt.Sprintf("#md-confirm-%d", zh.ID))); got != "I’ll take it" {
			t.Errorf("the English confirm button reads %q", got)
		}
		testbrowser.Axe(t, tab, "console: a mediator in English")
		testbrowser.CheckErrors(t, tab)
	})
}

// TestBrowserConsoleDesks runs the "Sportelli" tab as a coordinator: the
// legal desk with its consultant, a new consultant added as manager, and
// the first taken off after a second press — their open consultation goes
// to the one who stays.
func TestBrowserConsoleDesks(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newHelpdeskHub(t, db)
		h := x.hub
		ctx := testbrowser.Tab(t, browser)
		C := func(sel string) string { return in(console, sel) }
		const (
			op     = "operatore@comune.lodi.it"
			coord  = "coordinatrice@comune.lodi.it"
			second = "avv.verdi@example.org"
			xss    = `<img src=x onerror="window.__xss=1">`
		)
		h.invite(op, "Operatore", incroci.RoleOperator)
		h.invite(coord, "Coordinatrice", incroci.RoleCoordinator)
		h.invite(second, "Avv. Verdi "+xss, incroci.RoleConsultant)
		d, err := x.hd.Open(x.asEmail(op), helpdesk.OpenInput{DeskID: x.desk.ID, Topic: "cittadinanza", Ambito: "lodi", Subject: "Cittadinanza",
			Question: "Quanti anni di residenza servono?", Beneficiary: helpdesk.Beneficiary{Label: "A.B."}})
		if err != nil {
			t.Fatal(err)
		}
		first, other := h.person(x.consultant).ID, h.person(second).ID
		if d.AssigneeID == nil || *d.AssigneeID != first {
			t.Fatalf("the consultation went to %v", d.AssigneeID)
		}

		testbrowser.Navigate(t, ctx, h.page("w=console&csp=strict"))
		h.signIn(ctx, console, coord)
		testbrowser.WaitFor(t, ctx, C("#people"))
		testbrowser.Click(t, ctx, C("#tab-desks"))
		row := C(fmt.Sprintf("#dk-m-%d-%d", x.desk.ID, first))
		testbrowser.WaitText(t, ctx, row, "Avv. Bianchi")
		testbrowser.Axe(t, ctx, "console: desks")

		// Avv. Verdi joins as manager.
		setValue(t, ctx, C(fmt.Sprintf("#dk-who-%d", x.desk.ID)), fmt.Sprint(other))
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#dk-mgr-%d", x.desk.ID)))
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#dk-add-%d", x.desk.ID)))
		testbrowser.WaitText(t, ctx, C(fmt.Sprintf("#dk-m-%d-%d", x.desk.ID, other)), "responsabile")
		testbrowser.WaitText(t, ctx, C("#status"), "Avv. Verdi "+xss+" ora risponde su questo sportello.")
		consoleNoMarkup(t, ctx, "desks")

		// Avv. Bianchi leaves: one press asks, the second takes them off.
		off := C(fmt.Sprintf("#dk-off-%d-%d", x.desk.ID, first))
		testbrowser.Click(t, ctx, off)
		testbrowser.WaitText(t, ctx, off, "Conferma")
		testbrowser.Click(t, ctx, off)
		testbrowser.WaitText(t, ctx, C("#status"), "Avv. Bianchi non risponde più su questo sportello.")
		testbrowser.Wait(t, ctx, `!`+testbrowser.Query(row))
		members, err := x.hd.DeskConsultants(h.sys, x.desk.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range members {
			if want := m.PersonID == other; m.Active != want || (m.PersonID == other && !m.Manager) {
				t.Errorf("desk member %+v", m)
			}
		}
		got, err := x.hd.Get(x.asEmail(op), d.ID)
		if err != nil || got.AssigneeID == nil || *got.AssigneeID != other {
			t.Errorf("the open consultation now goes to %v (%v), want Avv. Verdi", got.AssigneeID, err)
		}
		testbrowser.Axe(t, ctx, "console: desks after the changes")
		testbrowser.CheckErrors(t, ctx)
	})
}
