package widgets_test

// Browser tests of the toolkit's views of <incroci-console> (the chunks
// console-toolkit.js, console-translations.js and console-sources.js,
// loaded when one of their tabs opens): an editor reviews an operator's
// proposals with their diff and publishes them, changes a legal source and
// clears the sheet it flagged from the queue, writes an Arabic translation
// laid out right to left; other ambiti's editors and plain operators see
// none of it. On a page with a strict CSP, on SQLite and PostgreSQL.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"
	"github.com/evanw/esbuild/pkg/api"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testbrowser"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/toolkit"
	"github.com/incrocicomuni/incroci/widgets/internal/bundle"
)

// edHub, for the console's toolkit views, is the test hub with the toolkit mounted at /incroci/toolkit, and a
// second ambito, crema.
type edHub struct {
	*hub
	tk *toolkit.Toolkit
}

func newEditorsHub(t *testing.T, db *gorm.DB) *edHub {
	t.Helper()
	x := &edHub{hub: newHub(t, db)}
	r, ok := x.api.Config.Handler.(*gin.Engine)
	if !ok {
		t.Fatalf("the hub's handler is a %T", x.api.Config.Handler)
	}
	var err error
	if x.tk, err = toolkit.New(context.Background(), x.p, toolkit.Config{}); err != nil {
		t.Fatal(err)
	}
	// Nothing was served yet: the routes can still be added.
	x.tk.Mount(r.Group("/incroci/toolkit"))
	if _, err := x.p.CreateAmbito(x.sys, incroci.AmbitoInput{Slug: "crema", Name: "Ambito di Crema", Comuni: []string{"Crema"}, EmailDomains: []string{"comune.crema.cr.it"}}); err != nil {
		t.Fatal(err)
	}
	return x
}

// call sends a request to the toolkit's HTTP API as email and returns the
// answer's data; any status but want fails the test.
func (x *edHub) call(email, method, path string, body any, want int) map[string]any {
	x.t.Helper()
	return x.callAs("/toolkit", email, method, path, body, want)
}

func num(v any) int64 { f, _ := v.(float64); return int64(f) }

// TestBrowserConsoleToolkit runs the toolkit's tabs as an editor of lodi:
// an operator's new sheet (its title a script payload) is reviewed and
// published; a change the operator proposes to it shows as a diff, gets a
// comment and is published; a legal source changed in "Fonti" flags the
// sheet, which "Da aggiornare" lists until it is marked checked; an Arabic
// translation is written right to left and checked. Then an editor of crema
// (in English) does not see lodi's private proposal, and an operator has no
// toolkit tab.
func TestBrowserConsoleToolkit(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newEditorsHub(t, db)
		h := x.hub
		ctx := testbrowser.Tab(t, browser)
		C := func(sel string) string { return in(console, sel) }
		invalid := func(id string) string { return testbrowser.Query(C(id)) + `.getAttribute('aria-invalid') == 'true'` }
		const (
			op     = "operatore@comune.lodi.it"
			editor = "redattrice@comune.lodi.it"
			crema  = "redattore@comune.crema.cr.it"
			xss    = `<img src=x onerror="window.__xss=1">`
			title  = "Permesso per attesa occupazione " + xss
		)
		h.invite(op, "Marco Operatore", incroci.RoleOperator)
		h.invite(editor, "Elena Redattrice", incroci.RoleEditor)
		if _, err := h.p.Invite(h.sys, "crema", incroci.InviteInput{Email: crema, Name: "Carlo Redattore", Roles: []incroci.Role{incroci.RoleEditor}}); err != nil {
			t.Fatal(err)
		}

		// The operator proposes a sheet of lodi through the API, and sends it to the editors.
		v := x.call(op, "POST", "/sheets", map[string]any{"ambito": "lodi", "audience": "operators", "topics": []string{"lavoro"}, "title": title, "submit": true,
			"note":     "Prima stesura " + xss,
			"sections": map[string]string{"what": "Il permesso per **attesa occupazione** dura un anno. " + xss, "needed": "- passaporto\n- dichiarazione di disponibilità"}}, 201)
		sid := num(v["id"])
		row := C(fmt.Sprintf("#pr-table-open-%d", sid))

		// The editor: the toolkit's tabs, Proposte first, its chunk loaded.
		testbrowser.Navigate(t, ctx, h.page("w=console&csp=strict"))
		h.signIn(ctx, console, editor)
		testbrowser.WaitFor(t, ctx, row)
		tabs := testbrowser.Eval[string](t, ctx, `[...`+testbrowser.QueryAll(C("[role=tab]"))+`].map((b) => b.textContent).join(',')`)
		if tabs != "Proposte,Da aggiornare,Traduzioni,Fonti" {
			t.Errorf("an editor's tabs: %q", tabs)
		}
		if got := testbrowser.Text(t, ctx, row); got != title {
			t.Errorf("the proposal's title reads %q", got)
		}
		if got := testbrowser.Text(t, ctx, C("#pr-table caption")); got != "Schede: 1" {
			t.Errorf("caption %q", got)
		}
		consoleNoMarkup(t, ctx, "proposals")
		testbrowser.Axe(t, ctx, "console toolkit: proposals")
		// Only the review chunk loaded so far.
		chunks := func(ctx context.Context) string {
			return testbrowser.Eval[string](t, ctx, `['toolkit', 'translations', 'sources'].map((c) => performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.endsWith('/console-' + c + '.js')).length).join(',')`)
		}
		if got := chunks(ctx); got != "1,0,0" {
			t.Errorf("chunks loaded (toolkit, translations, sources): %s", got)
		}

		// The proposal: rendered from the API's sanitised HTML, nothing to compare yet.
		testbrowser.Click(t, ctx, row)
		testbrowser.WaitFor(t, ctx, C("#sh-title"))
		if got := testbrowser.Text(t, ctx, C("#sh-title")); got != title {
			t.Errorf("the sheet's title reads %q", got)
		}
		if f := testbrowser.Focused(t, ctx); f != console+" >>> h2#sh-title" {
			t.Errorf("the sheet opened with the focus on %s", f)
		}
		rev := num(v["revision"].(map[string]any)["id"])
		text := C(fmt.Sprintf("#rv-text-%d", rev))
		if got := testbrowser.Text(t, ctx, text+" strong"); got != "attesa occupazione" {
			t.Errorf("the rendered text's bold: %q", got)
		}
		if got := testbrowser.Text(t, ctx, text); !strings.Contains(got, "dura un anno. "+xss) || !strings.Contains(got, "passaporto") {
			t.Errorf("the rendered proposal reads %q", got)
		}
		if got := testbrowser.Text(t, ctx, C(fmt.Sprintf("#rv-%d", rev))); !strings.Contains(got, "Scheda nuova") || !strings.Contains(got, "Prima stesura "+xss) {
			t.Errorf("the proposal reads %q", got)
		}
		consoleNoMarkup(t, ctx, "a new sheet")
		testbrowser.Axe(t, ctx, "console toolkit: a new sheet to review")

		// Publish: the first press asks, the second publishes.
		pub := C(fmt.Sprintf("#rv-publish-%d", rev))
		testbrowser.Click(t, ctx, pub)
		testbrowser.WaitText(t, ctx, pub, "Conferma: Pubblica")
		if x.call(editor, "GET", fmt.Sprint("/sheets/", sid), nil, 200)["state"] != "in_review" {
			t.Fatal("published on the first press")
		}
		testbrowser.Click(t, ctx, pub)
		testbrowser.WaitText(t, ctx, C("#status"), "Versione 1 pubblicata.")
		if s := x.call(op, "GET", fmt.Sprint("/sheets/", sid), nil, 200); s["state"] != "published" || num(s["published_revision_id"]) != rev {
			t.Fatalf("after publishing: %v %v", s["state"], s["published_revision_id"])
		}
		testbrowser.WaitText(t, ctx, C("#sh-meta"), "pubblicata")

		// A change the operator proposes: listed among changes to published sheets, with its diff.
		ch := x.call(op, "POST", fmt.Sprintf("/sheets/%d/revisions", sid), map[string]any{"base_id": rev, "title": title, "note": "Nuovo modulo",
			"sections": map[string]string{"what": "Il permesso per **attesa occupazione** dura un anno. " + xss, "needed": "- passaporto\n- modulo 2027 " + xss}}, 201)
		chID := num(ch["id"])
		// A second change written from the same revision: stale once the first is published.
		ch2 := x.call(op, "POST", fmt.Sprintf("/sheets/%d/revisions", sid), map[string]any{"base_id": rev, "title": title, "note": "Altra proposta",
			"sections": map[string]string{"what": "Un'altra versione."}}, 201)
		ch2ID := num(ch2["id"])
		testbrowser.Click(t, ctx, C("#sh-back"))
		testbrowser.WaitFor(t, ctx, C("#pr-table-empty"))
		setValue(t, ctx, C("#pr-kind"), "pending")
		testbrowser.Click(t, ctx, C("#pr-show"))
		testbrowser.WaitFor(t, ctx, row)
		testbrowser.Click(t, ctx, row)
		diff := C(fmt.Sprintf("#rv-diff-%d", chID))
		testbrowser.WaitFor(t, ctx, diff)
		if got := testbrowser.Text(t, ctx, diff+" ins"); got != "+aggiunto: modulo 2027 "+xss && got != "+aggiunto: - modulo 2027 "+xss {
			t.Errorf("the added line reads %q", got)
		}
		if got := testbrowser.Text(t, ctx, diff+" del"); !strings.Contains(got, "tolto: - dichiarazione di disponibilità") {
			t.Errorf("the removed line reads %q", got)
		}
		if got := testbrowser.Text(t, ctx, diff); !strings.Contains(got, "Sezioni invariate: Cos’è") {
			t.Errorf("the diff reads %q", got)
		}
		// The change's text, rendered by the API as it would read once
		// published: the Markdown's bold a strong, the payload text.
		chText := C(fmt.Sprintf("#rv-text-%d", chID))
		if got := testbrowser.Text(t, ctx, chText+" summary"); got != "Testo proposto" {
			t.Errorf("the change's text is headed %q", got)
		}
		if got := testbrowser.Text(t, ctx, chText+" strong"); got != "attesa occupazione" {
			t.Errorf("the change's rendered bold: %q", got)
		}
		if got := testbrowser.Text(t, ctx, chText+" li:last-child"); got != "modulo 2027 "+xss {
			t.Errorf("the change's rendered list item: %q", got)
		}
		if got := testbrowser.Eval[string](t, ctx, `[...`+testbrowser.QueryAll(chText+" .doc *")+`].map((e) => e.localName).join(',') + ' ' + `+testbrowser.Query(chText)+`.textContent.includes('**')`); got != "section,h4,p,strong,section,h4,ul,li,li false" {
			t.Errorf("the change's text is built of %s", got)
		}
		consoleNoMarkup(t, ctx, "a diff")
		if got := testbrowser.Text(t, ctx, C("#panel")); strings.Contains(got, "false") || strings.Contains(got, "undefined") {
			t.Errorf("the sheet's page writes out a value: %q", got)
		}
		testbrowser.Axe(t, ctx, "console toolkit: a proposed change with its diff")

		// A comment with a script payload, shown as text; rejecting asks for a reason.
		testbrowser.Type(t, ctx, C("#cm-body"), "Controllare il numero del modulo "+xss)
		testbrowser.Click(t, ctx, C("#cm-send"))
		testbrowser.WaitText(t, ctx, C("#status"), "Commento inviato.")
		testbrowser.WaitText(t, ctx, C("#cm-list"), "Controllare il numero del modulo "+xss)
		if got := testbrowser.Text(t, ctx, C("#cm-list .who strong")); got != "Elena Redattrice" {
			t.Errorf("the comment's author: %q", got)
		}
		rej := C(fmt.Sprintf("#rv-reject-%d", chID))
		testbrowser.Click(t, ctx, rej)
		testbrowser.Click(t, ctx, rej)
		testbrowser.WaitText(t, ctx, C(fmt.Sprintf("#rv-note-%d-err", chID)), "Scrivi il motivo")
		consoleNoMarkup(t, ctx, "comments")
		testbrowser.Axe(t, ctx, "console toolkit: a comment and a reason asked for")

		// Published, with a note: the sheet shows the change.
		testbrowser.Type(t, ctx, C(fmt.Sprintf("#rv-note-%d", chID)), "Va bene")
		pub = C(fmt.Sprintf("#rv-publish-%d", chID))
		testbrowser.Click(t, ctx, pub)
		testbrowser.Click(t, ctx, pub)
		testbrowser.WaitText(t, ctx, C("#status"), "Versione 2 pubblicata.")
		if s := x.call(op, "GET", fmt.Sprint("/sheets/", sid), nil, 200); num(s["published_revision_id"]) != chID {
			t.Errorf("after publishing the change the sheet shows revision %v, want %d", s["published_revision_id"], chID)
		}
		// The second change, written from the revision no longer published: refused, with the API's reason.
		pub = C(fmt.Sprintf("#rv-publish-%d", ch2ID))
		testbrowser.WaitFor(t, ctx, pub)
		testbrowser.Click(t, ctx, pub)
		testbrowser.Click(t, ctx, pub)
		testbrowser.WaitText(t, ctx, C("#sh-error"), "La scheda è cambiata mentre scrivevi")
		testbrowser.Axe(t, ctx, "console toolkit: a stale change refused")
		// Rejected with a reason.
		testbrowser.Type(t, ctx, C(fmt.Sprintf("#rv-note-%d", ch2ID)), "Superata dalla versione 2")
		rej = C(fmt.Sprintf("#rv-reject-%d", ch2ID))
		testbrowser.Click(t, ctx, rej)
		testbrowser.Click(t, ctx, rej)
		testbrowser.WaitText(t, ctx, C("#status"), "Versione 3 respinta.")
		testbrowser.WaitFor(t, ctx, C("#sh-review .note"))
		for _, r := range x.call(editor, "GET", fmt.Sprintf("/sheets/%d/revisions", sid), nil, 200)["list"].([]any) {
			if m := r.(map[string]any); num(m["id"]) == ch2ID && (m["status"] != "rejected" || m["review_note"] != "Superata dalla versione 2") {
				t.Errorf("the second change: %v %q", m["status"], m["review_note"])
			}
		}
		testbrowser.Click(t, ctx, C("#sh-history summary"))
		if got := testbrowser.Text(t, ctx, C(fmt.Sprintf("#hi-%d", rev))); !strings.Contains(got, "sostituita") {
			t.Errorf("the first revision in the history: %q", got)
		}
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#hi-rollback-%d", rev)))
		testbrowser.Axe(t, ctx, "console toolkit: the history")
		// Rolled back to the first revision: published again as revision 4.
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#hi-rollback-%d", rev)))
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#hi-rollback-%d", rev)))
		testbrowser.WaitText(t, ctx, C("#status"), "Ripristinata la versione 1")
		if s := x.call(op, "GET", fmt.Sprint("/sheets/", sid), nil, 200); s["revision"].(map[string]any)["number"] != 4.0 ||
			!strings.Contains(s["revision"].(map[string]any)["sections"].(map[string]any)["needed"].(string), "dichiarazione di disponibilità") {
			t.Errorf("after the rollback the sheet shows %v", s["revision"])
		}

		// A legal source recorded in "Fonti" (a title too short refused first).
		testbrowser.Click(t, ctx, C("#tab-sources"))
		testbrowser.WaitFor(t, ctx, C("#so-table-empty"))
		testbrowser.Click(t, ctx, C("#sn-box summary"))
		testbrowser.Axe(t, ctx, "console toolkit: no sources, the form open")
		setValue(t, ctx, C("#sn-kind"), "form")
		testbrowser.Type(t, ctx, C("#sn-title"), "Mo")
		testbrowser.Click(t, ctx, C("#sn-save"))
		testbrowser.Wait(t, ctx, invalid("#sn-title"))
		testbrowser.Type(t, ctx, C("#sn-title"), "dulo di dichiarazione "+xss)
		testbrowser.Type(t, ctx, C("#sn-reference"), "Modello 209")
		testbrowser.Type(t, ctx, C("#sn-version"), "2026")
		testbrowser.Click(t, ctx, C("#sn-save"))
		testbrowser.WaitText(t, ctx, C("#status"), "Fonte registrata: Modulo di dichiarazione "+xss)
		srcs := x.call(editor, "GET", "/sources", nil, 200)["list"].([]any)
		if len(srcs) != 1 || srcs[0].(map[string]any)["ambito"] != "lodi" || srcs[0].(map[string]any)["kind"] != "form" {
			t.Fatalf("the sources: %v", srcs)
		}
		srcID := num(srcs[0].(map[string]any)["id"])
		open := C(fmt.Sprintf("#so-table-open-%d", srcID))
		testbrowser.WaitFor(t, ctx, open)
		consoleNoMarkup(t, ctx, "sources")
		testbrowser.Axe(t, ctx, "console toolkit: sources")

		// In the sheet's page, among the published sheets: it rests on the
		// source, and its review-by day goes to the past.
		testbrowser.Click(t, ctx, C("#tab-proposals"))
		testbrowser.WaitFor(t, ctx, C("#pr-kind"))
		setValue(t, ctx, C("#pr-kind"), "published")
		testbrowser.Click(t, ctx, C("#pr-show"))
		testbrowser.WaitFor(t, ctx, row)
		testbrowser.Click(t, ctx, row)
		testbrowser.WaitFor(t, ctx, C("#sh-src-edit"))
		testbrowser.Click(t, ctx, C("#sh-src-edit summary"))
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#sh-src-%d", srcID)))
		testbrowser.Axe(t, ctx, "console toolkit: a sheet's sources")
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#sh-src-%d", srcID)))
		testbrowser.Click(t, ctx, C("#sh-src-save"))
		testbrowser.WaitText(t, ctx, C("#status"), "Fonti della scheda salvate.")
		testbrowser.WaitText(t, ctx, C("#sh-src-list"), "Modulo di dichiarazione "+xss+" — Modello 209 (2026)")
		if l := x.call(op, "GET", fmt.Sprintf("/sheets/%d/sources", sid), nil, 200)["list"].([]any); len(l) != 1 || num(l[0].(map[string]any)["id"]) != srcID {
			t.Errorf("the sheet's sources: %v", l)
		}
		past := time.Now().AddDate(0, 0, -3).Format(time.DateOnly)
		setValue(t, ctx, C("#st-review"), past)
		testbrowser.Click(t, ctx, C("#st-save"))
		testbrowser.WaitText(t, ctx, C("#status"), "Impostazioni salvate.")
		if s := x.call(editor, "GET", fmt.Sprint("/sheets/", sid), nil, 200); s["review_by"] != past || s["overdue"] != true {
			t.Errorf("the sheet's review-by day: %v, overdue %v", s["review_by"], s["overdue"])
		}
		testbrowser.WaitFor(t, ctx, C("#sh-overdue"))
		consoleNoMarkup(t, ctx, "a published sheet")
		if got := testbrowser.Text(t, ctx, C("#panel")); strings.Contains(got, "false") || strings.Contains(got, "undefined") {
			t.Errorf("the sheet's page writes out a value: %q", got)
		}
		testbrowser.Axe(t, ctx, "console toolkit: a published sheet, overdue")

		// The source changed in "Fonti".
		testbrowser.Click(t, ctx, C("#tab-sources"))
		testbrowser.WaitFor(t, ctx, open)
		testbrowser.Click(t, ctx, open)
		testbrowser.WaitFor(t, ctx, C("#se-version"))
		if got := testbrowser.Text(t, ctx, C("#se-meta")); !strings.Contains(got, "Schede che si basano su questa fonte: 1") {
			t.Errorf("the source's header: %q", got)
		}
		testbrowser.Clear(t, ctx, C("#se-version"))
		testbrowser.Type(t, ctx, C("#se-version"), "2027")
		testbrowser.Click(t, ctx, C("#se-save"))
		// Without a note the API refuses the change, beside the field.
		testbrowser.Wait(t, ctx, testbrowser.Query(C("#se-note"))+`.getAttribute('aria-invalid') == 'true'`)
		if got := testbrowser.Text(t, ctx, C("#se-note-err")); got == "" {
			t.Error("no message beside the note")
		}
		testbrowser.Type(t, ctx, C("#se-note"), "Nuova versione del modulo")
		testbrowser.Click(t, ctx, C("#se-save"))
		testbrowser.WaitText(t, ctx, C("#se-result"), "Modifica registrata: 1 schede segnalate come da aggiornare.")
		if got := testbrowser.Text(t, ctx, C("#se-changes")); !strings.Contains(got, "Nuova versione del modulo") {
			t.Errorf("the source's changes: %q", got)
		}
		consoleNoMarkup(t, ctx, "a source changed")
		testbrowser.Axe(t, ctx, "console toolkit: a source changed")

		// "Da aggiornare": the sheet, outdated by the source; checked, it leaves the queue.
		// By keyboard: Home goes to the first tab, the right arrow to "Da aggiornare".
		selected := func(id string) string { return testbrowser.Query(C(id)) + `.getAttribute('aria-selected') == 'true'` }
		testbrowser.Focus(t, ctx, C("#tab-sources"))
		testbrowser.Keys(t, ctx, kb.Home)
		testbrowser.Wait(t, ctx, selected("#tab-proposals"))
		testbrowser.Keys(t, ctx, kb.ArrowRight)
		testbrowser.Wait(t, ctx, selected("#tab-queue"))
		if f := testbrowser.Focused(t, ctx); f != console+" >>> button#tab-queue" {
			t.Errorf("after the arrow key the focus is on %s", f)
		}
		qrow := C(fmt.Sprintf("#qu-table-%d", sid))
		testbrowser.WaitFor(t, ctx, qrow)
		if got := testbrowser.Text(t, ctx, qrow); !strings.Contains(got, "revisione scaduta") || !strings.Contains(got, "fonte cambiata: Modulo di dichiarazione "+xss) || !strings.Contains(got, "Nuova versione del modulo") || !strings.Contains(got, "Marco Operatore") {
			t.Errorf("the queue's row: %q", got)
		}
		consoleNoMarkup(t, ctx, "queue")
		testbrowser.Axe(t, ctx, "console toolkit: queue")
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#qu-check-%d", sid)))
		testbrowser.WaitFor(t, ctx, C("#qu-table-empty"))
		testbrowser.WaitText(t, ctx, C("#status"), "Schede da aggiornare: 0")
		if s := x.call(editor, "GET", fmt.Sprint("/sheets/", sid), nil, 200); s["outdated"] != false || s["overdue"] != false || s["review_by"].(string) <= past {
			t.Errorf("checked, the sheet is still outdated %v or overdue %v (review by %v)", s["outdated"], s["overdue"], s["review_by"])
		}

		// "Traduzioni": Arabic, written right to left, then checked.
		testbrowser.Click(t, ctx, C("#tab-translations"))
		topen := C(fmt.Sprintf("#tr-table-open-%d", sid))
		testbrowser.WaitFor(t, ctx, topen)
		testbrowser.Click(t, ctx, topen)
		testbrowser.WaitFor(t, ctx, C("#tr-write-ar"))
		if got := testbrowser.Text(t, ctx, C("#tr-ar")); !strings.Contains(got, "mancante") {
			t.Errorf("Arabic before: %q", got)
		}
		testbrowser.Axe(t, ctx, "console toolkit: translations of a sheet")
		testbrowser.Click(t, ctx, C("#tr-write-ar"))
		testbrowser.WaitFor(t, ctx, C("#tf-what"))
		for _, id := range []string{"#tf-title", "#tf-what", "#tf-needed"} {
			if d, l := testbrowser.Attr(t, ctx, C(id), "dir"), testbrowser.Attr(t, ctx, C(id), "lang"); d != "rtl" || l != "ar" {
				t.Errorf("%s: dir=%q lang=%q", id, d, l)
			}
		}
		testbrowser.Axe(t, ctx, "console toolkit: writing a translation")
		// Sent empty, then with a title only: the API's errors beside the title, then beside the first section.
		testbrowser.Click(t, ctx, C("#tf-save"))
		testbrowser.Wait(t, ctx, invalid("#tf-title"))
		testbrowser.Type(t, ctx, C("#tf-title"), "تصريح انتظار العمل "+xss)
		testbrowser.Click(t, ctx, C("#tf-save"))
		testbrowser.Wait(t, ctx, invalid("#tf-what")+` && !(`+invalid("#tf-title")+`)`)
		if got := testbrowser.Text(t, ctx, C("#tf-what-err")); got == "" {
			t.Error("no message beside the empty section")
		}
		testbrowser.Axe(t, ctx, "console toolkit: a translation refused")
		testbrowser.Type(t, ctx, C("#tf-what"), "يدوم التصريح **سنة واحدة**.")
		testbrowser.Type(t, ctx, C("#tf-needed"), "- جواز السفر")
		testbrowser.Click(t, ctx, C("#tf-save"))
		testbrowser.WaitFor(t, ctx, C("#tf-preview"))
		testbrowser.WaitText(t, ctx, C("#status"), "Traduzione in العربية salvata.")
		pv := C("#tf-preview .doc")
		if d, l := testbrowser.Attr(t, ctx, pv, "dir"), testbrowser.Attr(t, ctx, pv, "lang"); d != "rtl" || l != "ar" {
			t.Errorf("the preview: dir=%q lang=%q", d, l)
		}
		if got := testbrowser.Text(t, ctx, pv+" strong"); got != "تصريح انتظار العمل "+xss {
			t.Errorf("the preview's title: %q", got)
		}
		if got := testbrowser.Style(t, ctx, pv, "direction")["direction"]; got != "rtl" {
			t.Errorf("the preview is laid out %s", got)
		}
		consoleNoMarkup(t, ctx, "a translation")
		testbrowser.Axe(t, ctx, "console toolkit: a translation saved")
		testbrowser.Click(t, ctx, C("#tr-check-ar"))
		testbrowser.WaitText(t, ctx, C("#status"), "Traduzione in العربية verificata.")
		ts := x.call(editor, "GET", fmt.Sprintf("/sheets/%d/translations", sid), nil, 200)["list"].([]any)
		for _, tv := range ts {
			if m := tv.(map[string]any); m["code"] == "ar" && m["status"] != "checked" {
				t.Errorf("the Arabic translation is %v", m["status"])
			}
		}
		if got := chunks(ctx); got != "1,1,1" {
			t.Errorf("chunks loaded (toolkit, translations, sources): %s", got)
		}
		testbrowser.CheckErrors(t, ctx)

		// Another private proposal of lodi. crema's editor, in English: no
		// toolkit tab for lodi, and under crema's Proposals none of lodi's.
		other := x.call(op, "POST", "/sheets", map[string]any{"ambito": "lodi", "audience": "operators", "title": "Bozza privata di Lodi", "submit": true,
			"sections": map[string]string{"what": "Solo per Lodi."}}, 201)
		ctx2 := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, ctx2, h.page("w=console&csp=strict&lang=en"))
		h.signIn(ctx2, console, crema)
		testbrowser.WaitFor(t, ctx2, C("#forbidden"))
		if got := testbrowser.Text(t, ctx2, C("#forbidden")); !strings.Contains(got, "The console is for coordinators, consultants, mediators, trainers and editors") {
			t.Errorf("crema's editor on lodi's console: %q", got)
		}
		testbrowser.Eval[bool](t, ctx2, `document.querySelector('incroci-console').setAttribute('ambito', 'crema') || true`)
		testbrowser.WaitFor(t, ctx2, C("#pr-table-empty"))
		if got := testbrowser.Text(t, ctx2, C("#pr-table caption")); got != "Sheets: 0" {
			t.Errorf("crema's proposals: %q", got)
		}
		if got := testbrowser.Text(t, ctx2, C("#tab-proposals")); got != "Proposals" {
			t.Errorf("the English tab reads %q", got)
		}
		if testbrowser.Exists(t, ctx2, C(fmt.Sprintf("#pr-table-open-%d", num(other["id"])))) {
			t.Error("crema's editor lists lodi's private proposal")
		}
		testbrowser.Axe(t, ctx2, "console toolkit: proposals in English")
		testbrowser.CheckErrors(t, ctx2)

		// A plain operator: no toolkit tab, no chunk.
		ctx3 := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, ctx3, h.page("w=console&csp=strict"))
		h.signIn(ctx3, console, op)
		testbrowser.WaitFor(t, ctx3, C("#forbidden"))
		if testbrowser.Exists(t, ctx3, C("[role=tab]")) || testbrowser.Exists(t, ctx3, C("#pr-table")) {
			t.Error("an operator sees the toolkit's tabs")
		}
		if n := testbrowser.Eval[int](t, ctx3, `performance.getEntriesByType('resource').filter((e) => /console-(toolkit|sources|translations)/.test(e.name)).length`); n != 0 {
			t.Errorf("an operator's console loaded %d toolkit chunks", n)
		}
		testbrowser.CheckErrors(t, ctx3)
	})
}

// richPage exposes the console's rich (sheet HTML to elements, through richtext.ts' frag, which <incroci-toolkit> uses too) to the test.
const richPage = `import { rich } from './src/console-toolkit-ui';
(window as any).rich = (s: string) => {
  const d = document.createElement('div');
  d.append(rich(s));
  document.body.append(d);
  return d.innerHTML;
};`

// TestBrowserRichText turns sheet HTML into elements the way the console
// does, on a page whose Trusted Types forbid innerHTML: the tags it knows
// stay, links keep only an http(s) or mailto address, everything else is
// dropped and text stays text.
func TestBrowserRichText(t *testing.T) {
	browser := browserTest(t)
	dir, err := bundle.Dir()
	if err != nil {
		t.Fatal(err)
	}
	res := api.Build(api.BuildOptions{
		Stdin:  &api.StdinOptions{Contents: richPage, ResolveDir: dir, Loader: api.LoaderTS},
		Bundle: true, Format: api.FormatIIFE, Target: api.ES2022, Write: false, LogLevel: api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		t.Fatalf("build the test page: %v", res.Errors)
	}
	script := res.OutputFiles[0].Contents
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/t.js" {
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(script)
			return
		}
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; img-src 'none'; require-trusted-types-for 'script'; trusted-types 'none'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html lang="it"><head><meta charset="utf-8"><title>rich</title><script src="/t.js"></script></head><body></body></html>`)
	}))
	defer srv.Close()
	ctx := testbrowser.Tab(t, browser)
	testbrowser.Navigate(t, ctx, srv.URL)
	rel := ` rel="nofollow noreferrer noopener" target="_blank"`
	for _, c := range []struct{ in, want string }{
		{`<p>Il <strong>nulla osta</strong> &amp; il &#39;visto&#39; &#x41;</p>`, `<p>Il <strong>nulla osta</strong> &amp; il 'visto' A</p>`},
		{`<p>&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;</p>`, `<p>&lt;img src=x onerror="window.__xss=1"&gt;</p>`},
		{`<img src=x onerror="window.__xss=1"><svg onload="window.__xss=1"></svg>ok`, `ok`},
		{`<a href="javascript:alert(1)" onclick="window.__xss=1">x</a>`, `<a` + rel + `>x</a>`},
		{`<a href="https://example.org/?a=1&amp;b=2" rel="nofollow" style="color:red">l</a>`, `<a href="https://example.org/?a=1&amp;b=2"` + rel + `>l</a>`},
		{`<a href="mailto:sportello@comune.lodi.it">m</a>`, `<a href="mailto:sportello@comune.lodi.it"` + rel + `>m</a>`},
		{`<h1>T</h1><ul><li>a<ul><li>b</li></ul></li></ul>`, `<h4>T</h4><ul><li>a<ul><li>b</li></ul></li></ul>`},
		{`<script>window.__xss=1</script><iframe src="x"></iframe><form><button>b</button></form>`, `window.__xss=1b`},
		{`<p>a</em>b<br>c<br/><hr></p>`, `<p>ab<br>c<br><hr></p>`},
		{`a < b`, `a &lt; b`},
		{`<table><thead><tr><th align="left">h</th></tr></thead><tbody><tr><td class="x">d</td></tr></tbody></table>`, `<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>`},
		{`<p><strong>x`, `<p><strong>x</strong></p>`},
		{`<p>uno</p></li></ul><p>due</p>`, `<p>uno</p><p>due</p>`},
	} {
		b, _ := json.Marshal(c.in)
		if got := testbrowser.Eval[string](t, ctx, `rich(`+string(b)+`)`); got != c.want {
			t.Errorf("rich(%s)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
	if got := testbrowser.Eval[string](t, ctx, `document.body.querySelectorAll('img,svg,script,iframe,form').length + ' ' + typeof window.__xss`); got != "0 undefined" {
		t.Errorf("markup came alive: %s", got)
	}
	testbrowser.CheckErrors(t, ctx)
}
