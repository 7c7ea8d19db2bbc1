package main

// The toolkit's "Done when", end to end on the demo hub as
// `go run ./examples/ambito` starts it (demo sheets, translations with an
// Arabic one, legal sources and the directory), with a real SMTP server and
// two people in two tabs of one real Chromium, on SQLite and on PostgreSQL.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/incrocicomuni/incroci/internal/pdftext"
	"github.com/incrocicomuni/incroci/internal/testbrowser"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/toolkit"
)

const toolkitW = "incroci-toolkit"

// TestE2EToolkit: an operator proposes a sheet in <incroci-toolkit>, resting
// on a legal source of the network; the editor reviews and publishes it in
// <incroci-console>; the editor records a change of that source in "Fonti",
// which flags the sheet (the operator, its owner, is told by e-mail) and
// puts it in the editors' queue; the citizens' handout, switched to Arabic
// in the widget, opens from "Stampa" in a tab of its own, Italian beside
// Arabic laid out right to left, and prints in both languages — from the
// browser and as the hub's PDF.
func TestE2EToolkit(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skip in -short mode")
	}
	browser := testbrowser.New(t)
	t.Run("sqlite", func(t *testing.T) { testE2EToolkit(t, browser, startE2E(t, "")) })
	t.Run("postgres", func(t *testing.T) { testE2EToolkit(t, browser, startE2E(t, testdb.PostgresURL(t))) })
}

func testE2EToolkit(t *testing.T, browser context.Context, x *e2e) {
	const (
		op      = "operatore1@lodi.demo.incroci.it"
		ed      = "redattrice@lodi.demo.incroci.it"
		title   = "Permesso di soggiorno per attesa occupazione"
		what    = "Chi perde il lavoro può chiedere il permesso per attesa occupazione, valido almeno un anno."
		art5    = "Testo unico sull'immigrazione, art. 5 (permesso di soggiorno)"
		handout = "Iscriversi al Servizio Sanitario Nazionale"
	)
	T := func(sel string) string { return in(toolkitW, sel) }
	C := func(sel string) string { return in(consoleW, sel) }
	asEd := x.as(ed)
	srcs, _, err := x.h.tk.ListSources(asEd, toolkit.SourceQuery{Ambito: "network"})
	if err != nil {
		t.Fatal(err)
	}
	var src int64
	for _, s := range srcs {
		if s.Title == art5 {
			src = s.ID
		}
	}
	if src == 0 {
		t.Fatalf("the demo source %q is missing: %+v", art5, srcs)
	}

	// 1. The operator proposes a sheet on the demo page, resting on art. 5.
	opTab := testbrowser.Tab(t, browser)
	x.signIn(opTab, op)
	// The widget hears of the session and draws itself again: wait for
	// that before pressing its buttons.
	testbrowser.WaitFor(t, opTab, T("#signout"))
	testbrowser.WaitFor(t, opTab, T("#go-propose"))
	testbrowser.Click(t, opTab, T("#go-propose"))
	testbrowser.WaitFor(t, opTab, T("#p-title"))
	testbrowser.Type(t, opTab, T("#p-title"), title)
	testbrowser.Click(t, opTab, T("#p-topics input[value=lavoro]"))
	testbrowser.Type(t, opTab, T("#p-what"), what)
	testbrowser.Type(t, opTab, T("#p-note"), "Dal caso di un operaio rimasto senza lavoro")
	testbrowser.WaitFor(t, opTab, T(fmt.Sprintf("#p-sources input[value='%d']", src)))
	testbrowser.Click(t, opTab, T(fmt.Sprintf("#p-sources input[value='%d']", src)))
	testbrowser.Axe(t, opTab, "toolkit: a proposal written")
	testbrowser.Click(t, opTab, T("#p-send"))
	testbrowser.WaitText(t, opTab, T("#p-done"), "inviata alla redazione")
	list, _, err := x.h.tk.List(asEd, toolkit.SheetQuery{State: toolkit.StateReview, Q: title})
	if err != nil || len(list) != 1 {
		t.Fatalf("the proposal among the sheets in review: %+v %v", list, err)
	}
	sid := list[0].ID
	sheet, err := x.h.tk.Get(asEd, sid)
	if err != nil {
		t.Fatal(err)
	}
	if sheet.Ambito != demoAmbito || sheet.OwnerName != "Marco Bianchi" {
		t.Errorf("the proposal belongs to %q, owned by %q", sheet.Ambito, sheet.OwnerName)
	}

	// 2. The editor reviews it in the console and publishes it.
	edTab := testbrowser.Tab(t, browser)
	x.signIn(edTab, ed)
	row := C(fmt.Sprintf("#pr-table-open-%d", sid))
	testbrowser.WaitFor(t, edTab, row)
	testbrowser.Click(t, edTab, row)
	rev := sheet.Revision.ID
	testbrowser.WaitText(t, edTab, C(fmt.Sprintf("#rv-text-%d", rev)), "attesa occupazione")
	testbrowser.Axe(t, edTab, "console: the proposal to review")
	pub := C(fmt.Sprintf("#rv-publish-%d", rev))
	testbrowser.Click(t, edTab, pub)
	testbrowser.WaitText(t, edTab, pub, "Conferma")
	testbrowser.Click(t, edTab, pub)
	testbrowser.WaitText(t, edTab, C("#status"), "Versione 1 pubblicata.")
	if sheet, err = x.h.tk.Get(x.as(op), sid); err != nil || sheet.State != toolkit.StatePublished || sheet.Outdated {
		t.Fatalf("after publishing: %+v %v", sheet, err)
	}
	if s, err := x.h.tk.SheetSources(asEd, sid); err != nil || len(s) != 1 || s[0].ID != src {
		t.Fatalf("the published sheet rests on %+v (%v), want source %d", s, err, src)
	}

	// 3. The source changes: the editor records it in "Fonti".
	mailsBefore := x.mails(op, "da verificare")
	testbrowser.Click(t, edTab, C("#tab-sources"))
	open := C(fmt.Sprintf("#so-table-open-%d", src))
	testbrowser.WaitFor(t, edTab, open)
	testbrowser.Click(t, edTab, open)
	testbrowser.WaitFor(t, edTab, C("#se-version"))
	testbrowser.Clear(t, edTab, C("#se-version"))
	testbrowser.Type(t, edTab, C("#se-version"), "Testo modificato nel 2026")
	testbrowser.Type(t, edTab, C("#se-note"), "Nuovi requisiti per il rinnovo")
	testbrowser.Click(t, edTab, C("#se-save"))
	testbrowser.WaitText(t, edTab, C("#se-result"), "Modifica registrata")
	if got := testbrowser.Text(t, edTab, C("#se-result")); !strings.Contains(got, "2 schede segnalate") {
		t.Errorf("the change flagged: %q (the demo's renewal sheet and the new one rest on art. 5)", got)
	}
	if sheet, err = x.h.tk.Get(asEd, sid); err != nil || !sheet.Outdated || !strings.Contains(sheet.OutdatedNote, "Nuovi requisiti") {
		t.Fatalf("after the source changed the sheet is not outdated: %+v %v", sheet, err)
	}
	m := x.waitMail(op, "da verificare", mailsBefore)
	if !strings.Contains(m.Text, title) {
		t.Errorf("the owner's e-mail does not name the sheet:\n%s", m.Text)
	}
	testbrowser.Click(t, edTab, C("#tab-queue"))
	qrow := C(fmt.Sprintf("#qu-table-%d", sid))
	testbrowser.WaitFor(t, edTab, qrow)
	if got := testbrowser.Text(t, edTab, qrow); !strings.Contains(got, "fonte cambiata") || !strings.Contains(got, "Nuovi requisiti per il rinnovo") {
		t.Errorf("the queue's row: %q", got)
	}
	testbrowser.Axe(t, edTab, "console: the queue after the source changed")
	// The operator sees the banner on the sheet.
	testbrowser.Reload(t, opTab)
	testbrowser.WaitFor(t, opTab, T("#q"))
	testbrowser.Type(t, opTab, T("#q"), "attesa occupazione\r")
	hit := T(fmt.Sprintf("#sheet-%d-it", sid))
	testbrowser.WaitFor(t, opTab, hit)
	testbrowser.Click(t, opTab, hit)
	testbrowser.WaitText(t, opTab, T("#outdated"), "Nuovi requisiti per il rinnovo")

	// 4. The citizens' handout, in Arabic, prints beside the Italian.
	hs, _, err := x.h.tk.List(asEd, toolkit.SheetQuery{Q: handout})
	if err != nil || len(hs) != 1 {
		t.Fatalf("the demo handout: %+v %v", hs, err)
	}
	testbrowser.Click(t, opTab, T("#back"))
	testbrowser.WaitFor(t, opTab, T("#q"))
	testbrowser.Clear(t, opTab, T("#q"))
	testbrowser.Type(t, opTab, T("#q"), "servizio sanitario\r")
	hit = T(fmt.Sprintf("#sheet-%d-it", hs[0].ID))
	testbrowser.WaitFor(t, opTab, hit)
	testbrowser.Click(t, opTab, hit)
	testbrowser.WaitFor(t, opTab, T(`#cl option[value="ar"]`))
	setValue(t, opTab, T("#cl"), "ar")
	testbrowser.Wait(t, opTab, testbrowser.Query(T("#content"))+`.dir == 'rtl'`)
	testbrowser.Axe(t, opTab, "toolkit: the handout in Arabic")
	hTab := testbrowser.Opened(t, opTab, "/handout", func() { testbrowser.Click(t, opTab, T("#print")) })
	testbrowser.WaitFor(t, hTab, ".col[lang=ar][dir=rtl]")
	if got := testbrowser.Text(t, hTab, "h1"); got != handout {
		t.Errorf("the handout's title: %q", got)
	}
	if got := testbrowser.Text(t, hTab, ".col[lang=it]"); !strings.Contains(got, "medico di famiglia") {
		t.Errorf("the Italian column: %q", got)
	}
	if got := testbrowser.Text(t, hTab, ".col[lang=ar]"); !strings.Contains(got, "الخدمة الصحية الوطنية") {
		t.Errorf("the Arabic column: %q", got)
	}
	if n := testbrowser.Eval[int](t, hTab, `document.querySelectorAll('.qr img[src^="data:image/png"]').length`); n != 1 {
		t.Errorf("the handout has %d QR codes", n)
	}
	testbrowser.Axe(t, hTab, "the handout to print")
	printed, err := chromedp.Run(hTab, chromedp.PrintToPDF(chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatal(err)
	}
	bothLanguages(t, "printed from the browser", printed, handout)
	// The hub's own PDF of it, through the widget's link.
	href := testbrowser.Eval[string](t, opTab, testbrowser.Query(T("#pdf"))+`.href`) // resolved against the page
	if !strings.Contains(href, "lang=ar") {
		t.Fatalf("the PDF link %q is not the Arabic one", href)
	}
	res, err := http.Get(href)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	doc, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("GET %s: %d %s %.200s", href, res.StatusCode, res.Header.Get("Content-Type"), doc)
	}
	bothLanguages(t, "the hub's PDF", doc, handout)
}

// bothLanguages checks that the PDF doc holds the Italian title and Arabic
// text of the handout.
func bothLanguages(t *testing.T, what string, doc []byte, title string) {
	t.Helper()
	d, err := pdftext.Read(doc)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !d.Contains(title) || !d.Contains("الصحية") || !d.Contains("الوطنية") {
		t.Errorf("%s (%d pages) lacks the Italian title or the Arabic text: %.600s", what, d.Pages, d.Text)
	}
}
