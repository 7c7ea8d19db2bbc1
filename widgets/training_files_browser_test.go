package widgets_test

// Browser tests of the files of courses, on a page with a strict CSP, on
// SQLite and PostgreSQL: in <incroci-console> a coordinator of lodi sees
// the empty state, is stopped before sending a form without title or file,
// uploads a PDF whose title is a script payload (text everywhere), has an
// executable refused with the API's message beside the form (the form
// kept, nothing added), adds a second file and downloads the first; the
// course's trainer removes one from "Le mie edizioni" (a first press asks,
// leaving it disarms); an operator downloads the PDF from
// <incroci-training>, on the course and on its edition (the bytes read
// back from the download); in English both.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/samplefiles"
	"github.com/incrocicomuni/incroci/internal/testbrowser"
	"github.com/incrocicomuni/incroci/internal/testdb"
)

func TestBrowserCourseFiles(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newCoordinatorsHub(t, db)
		h := x.hub
		C := func(sel string) string { return in(console, sel) }
		W := func(sel string) string { return in(trainingW, sel) }
		const (
			coord   = "coordinatrice@comune.lodi.it"
			trainer = "formatrice@comune.lodi.it"
			op      = "operatore@comune.lodi.it"
			xss     = `<img src=x onerror="window.__xss=1">`
			slides  = "Slide del primo incontro " + xss
		)
		h.invite(coord, "Chiara Coordinatrice", incroci.RoleCoordinator)
		h.invite(trainer, "Tina Formatrice", incroci.RoleTrainer)
		h.invite(op, "Olga Operatrice", incroci.RoleOperator)
		tid := h.person(trainer).ID
		pdfBytes := samplefiles.PDF("Ricongiungimento familiare", "Slide dell'incontro")
		odt := samplefiles.ODT("Esercizio", "Un caso da discutere")

		c := x.call(coord, "POST", "/courses", map[string]any{"ambito": "lodi", "title": "Accogliere le famiglie", "goals": "Il ricongiungimento familiare",
			"hours": 4, "audience": []string{"operator"}, "trainer_ids": []int64{tid}}, 201)
		cid := num(c["id"])
		rome, _ := time.LoadLocation("Europe/Rome")
		now := time.Now().In(rome)
		e := x.call(coord, "POST", fmt.Sprintf("/courses/%d/editions", cid), map[string]any{"capacity": 10,
			"enrol_from": now.Add(-time.Hour).Format(time.RFC3339), "enrol_until": now.AddDate(0, 0, 5).Format(time.RFC3339),
			"meetings": []map[string]any{{"start": now.AddDate(0, 0, 10).Format(time.RFC3339), "end": now.AddDate(0, 0, 10).Add(2 * time.Hour).Format(time.RFC3339), "place": "Lodi"}}}, 201)
		eid := num(e["id"])
		// stored are the titles of the course's files, as the API lists them.
		stored := func() string {
			t.Helper()
			var out []string
			for _, f := range x.call(coord, "GET", fmt.Sprintf("/courses/%d/files", cid), nil, 200)["list"].([]any) {
				out = append(out, f.(map[string]any)["title"].(string))
			}
			return strings.Join(out, "|")
		}
		rows := func(ctx context.Context) string {
			return testbrowser.Eval[string](t, ctx, `[...`+testbrowser.QueryAll(C("#cf-table tbody tr"))+`].map((r) => [...r.cells].slice(0, 3).map((c) => c.textContent).join(' / ')).join('|')`)
		}

		// The coordinator: the course's page, no files yet.
		ctx := testbrowser.Tab(t, browser)
		get := downloads(t, ctx)
		testbrowser.Navigate(t, ctx, h.page("w=console&csp=strict"))
		h.signIn(ctx, console, coord)
		testbrowser.WaitFor(t, ctx, C("#tab-training"))
		testbrowser.Click(t, ctx, C("#tab-training"))
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#co-open-%d", cid)))
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#co-open-%d", cid)))
		testbrowser.WaitFor(t, ctx, C("#cf-empty"))
		if got := testbrowser.Text(t, ctx, C("#cf-empty")); !strings.HasPrefix(got, "Nessun file: slide, dispense") {
			t.Errorf("the empty state reads %q", got)
		}
		if got := testbrowser.Text(t, ctx, C("#cf-t")); got != "File del corso" {
			t.Errorf("the section's title reads %q", got)
		}
		testbrowser.Axe(t, ctx, "course files: none")

		// Nothing chosen: stopped before sending, the title marked and focused.
		testbrowser.Click(t, ctx, C("#cf-send"))
		testbrowser.Wait(t, ctx, testbrowser.Query(C("#cf-title"))+`.getAttribute('aria-invalid') == 'true'`)
		if testbrowser.Attr(t, ctx, C("#cf-file"), "aria-invalid") != "true" || testbrowser.Text(t, ctx, C("#cf-file-err")) != "Campo obbligatorio." {
			t.Error("the file input is not marked")
		}
		if f := testbrowser.Focused(t, ctx); f != console+" >>> input#cf-title" {
			t.Errorf("the refused form put the focus on %s", f)
		}
		testbrowser.Axe(t, ctx, "course files: a form without title or file")

		// A PDF whose title is a script payload.
		testbrowser.Type(t, ctx, C("#cf-title"), slides)
		pickFile(t, ctx, C("#cf-file"), "slide.pdf", string(pdfBytes), 0)
		testbrowser.Click(t, ctx, C("#cf-send"))
		testbrowser.WaitFor(t, ctx, C("#cf-table"))
		testbrowser.WaitText(t, ctx, C("#status"), "File aggiunto: "+slides+".")
		kb := strconv.Itoa((len(pdfBytes)+1023)/1024) + " KB"
		if got := rows(ctx); got != slides+" / slide.pdf / "+kb {
			t.Errorf("the files after the upload: %q", got)
		}
		if got := testbrowser.Text(t, ctx, C("#cf-table caption")); got != "File del corso: 1" {
			t.Errorf("the caption reads %q", got)
		}
		if testbrowser.Value(t, ctx, C("#cf-title")) != "" || testbrowser.Eval[int](t, ctx, testbrowser.Query(C("#cf-file"))+`.files.length`) != 0 {
			t.Error("the form was not emptied after the upload")
		}
		if f := testbrowser.Focused(t, ctx); f != console+" >>> input#cf-title" {
			t.Errorf("after the upload the focus is on %s", f)
		}
		if got := stored(); got != slides {
			t.Fatalf("the files stored: %q", got)
		}
		fs := x.call(coord, "GET", fmt.Sprintf("/courses/%d/files", cid), nil, 200)["list"].([]any)
		pdfID := num(fs[0].(map[string]any)["id"])
		consoleNoMarkup(t, ctx, "a file's title")
		testbrowser.Axe(t, ctx, "course files: one")

		// An executable named .pdf: the API's message beside the form, which stays as it was; nothing added.
		testbrowser.Type(t, ctx, C("#cf-title"), "Programma")
		pickFile(t, ctx, C("#cf-file"), "programma.pdf", "MZ\x90\x00 not a document", 0)
		testbrowser.Click(t, ctx, C("#cf-send"))
		testbrowser.WaitFor(t, ctx, C("#cf-error:not([hidden])"))
		if got := testbrowser.Text(t, ctx, C("#cf-error")); !strings.Contains(got, "Questo tipo di file non è accettato") {
			t.Errorf("the refusal reads %q", got)
		}
		if testbrowser.Value(t, ctx, C("#cf-title")) != "Programma" || testbrowser.Eval[string](t, ctx, testbrowser.Query(C("#cf-file"))+`.files[0]?.name`) != "programma.pdf" {
			t.Error("the refused form lost what was chosen")
		}
		if got := stored(); got != slides {
			t.Errorf("a refused file was stored: %q", got)
		}
		if got := testbrowser.Text(t, ctx, C("#cf-send")); got != "Carica il file" {
			t.Errorf("after the refusal the button reads %q", got)
		}
		testbrowser.Axe(t, ctx, "course files: a file refused")

		// A second file, the exercise; then the first is downloaded, with the session's token.
		testbrowser.Clear(t, ctx, C("#cf-title"))
		testbrowser.Type(t, ctx, C("#cf-title"), "Esercizio")
		pickFile(t, ctx, C("#cf-file"), "esercizio.odt", string(odt), 0)
		testbrowser.Click(t, ctx, C("#cf-send"))
		testbrowser.WaitText(t, ctx, C("#cf-table caption"), "File del corso: 2")
		if testbrowser.Exists(t, ctx, C("#cf-error:not([hidden])")) {
			t.Error("the refusal stays after a file went through")
		}
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#cf-dl-%d", pdfID)))
		if name, data := get(); name != "slide.pdf" || string(data) != string(pdfBytes) {
			t.Errorf("the coordinator downloaded %q (%d bytes)", name, len(data))
		}
		testbrowser.WaitText(t, ctx, C("#status"), "Scaricato: slide.pdf")
		testbrowser.CheckErrors(t, ctx)
		fs = x.call(coord, "GET", fmt.Sprintf("/courses/%d/files", cid), nil, 200)["list"].([]any)
		odtID := num(fs[1].(map[string]any)["id"])

		// The trainer, from "Le mie edizioni": the course's files on the edition's page; removes the exercise.
		ctx2 := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, ctx2, h.page("w=console&csp=strict"))
		h.signIn(ctx2, console, trainer)
		testbrowser.WaitFor(t, ctx2, C(fmt.Sprintf("#te-open-%d", eid)))
		testbrowser.Click(t, ctx2, C(fmt.Sprintf("#te-open-%d", eid)))
		testbrowser.WaitFor(t, ctx2, C("#cf-table"))
		if got := rows(ctx2); !strings.HasPrefix(got, slides+" / slide.pdf / ") || !strings.Contains(got, "|Esercizio / esercizio.odt / ") {
			t.Errorf("the trainer's files: %q", got)
		}
		rm := C(fmt.Sprintf("#cf-rm-%d", odtID))
		// The first press asks; leaving the button disarms it.
		testbrowser.Click(t, ctx2, rm)
		testbrowser.WaitText(t, ctx2, rm, "Conferma: Togli Esercizio")
		testbrowser.Focus(t, ctx2, C("#cf-title"))
		testbrowser.WaitText(t, ctx2, rm, "Togli Esercizio")
		if got := stored(); got != slides+"|Esercizio" {
			t.Errorf("a first press removed: %q", got)
		}
		consoleNoMarkup(t, ctx2, "the trainer's files")
		testbrowser.Axe(t, ctx2, "course files: the trainer's edition")
		// By keyboard: Enter twice.
		testbrowser.Focus(t, ctx2, rm)
		testbrowser.Keys(t, ctx2, "\r")
		testbrowser.WaitText(t, ctx2, rm, "Conferma: Togli Esercizio")
		testbrowser.Keys(t, ctx2, "\r")
		testbrowser.WaitText(t, ctx2, C("#status"), "File tolto: Esercizio.")
		testbrowser.WaitText(t, ctx2, C("#cf-table caption"), "File del corso: 1")
		if f := testbrowser.Focused(t, ctx2); f != console+" >>> h3#cf-t" {
			t.Errorf("after the removal the focus is on %s", f)
		}
		if got := stored(); got != slides {
			t.Errorf("after the trainer removed one: %q", got)
		}
		testbrowser.Axe(t, ctx2, "course files: one removed")
		testbrowser.CheckErrors(t, ctx2)

		// An operator downloads the PDF from <incroci-training>: on the course, then on its edition.
		ctx3 := testbrowser.Tab(t, browser)
		get3 := downloads(t, ctx3)
		testbrowser.Navigate(t, ctx3, h.page("w=training&csp=strict"))
		before := h.mailsTo(op, "codice di accesso")
		testbrowser.Type(t, ctx3, W("#email"), op+"\r")
		testbrowser.WaitFor(t, ctx3, W("#code"))
		testbrowser.Type(t, ctx3, W("#code"), find(t, signinCode, h.waitMail(op, "codice di accesso", before))+"\r")
		testbrowser.WaitFor(t, ctx3, W(fmt.Sprintf(`button[data-course="%d"]`, cid)))
		testbrowser.Click(t, ctx3, W(fmt.Sprintf(`button[data-course="%d"]`, cid)))
		testbrowser.WaitFor(t, ctx3, W("#files"))
		dl := W(fmt.Sprintf(`button[data-file="%d"]`, pdfID))
		if got := testbrowser.Text(t, ctx3, W("#files li")); got != slides+" (slide.pdf, "+kb+") Scarica: "+slides {
			t.Errorf("the operator's files: %q", got)
		}
		if got := testbrowser.Eval[string](t, ctx3, `String(`+testbrowser.QueryAll(W("img, script"))+`.length) + ' ' + typeof window.__xss`); got != "0 undefined" {
			t.Errorf("a file's title became HTML: %s", got)
		}
		testbrowser.Axe(t, ctx3, "training: a course's files")
		testbrowser.Click(t, ctx3, dl)
		if name, data := get3(); name != "slide.pdf" || string(data) != string(pdfBytes) {
			t.Errorf("the operator downloaded %q (%d bytes)", name, len(data))
		}
		testbrowser.WaitText(t, ctx3, W("#status"), "Scaricato: slide.pdf")
		// The download went with the token in a header: a fetch, then a blob: link.
		if got := testbrowser.Eval[string](t, ctx3, `performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.endsWith('/files/`+strconv.FormatInt(pdfID, 10)+`')).map((e) => e.initiatorType + ' ' + new URL(e.name).search).join('|')`); got != "fetch " {
			t.Errorf("the file was read by %q", got)
		}
		testbrowser.Click(t, ctx3, W(fmt.Sprintf(`button[data-edition="%d"]`, eid)))
		testbrowser.WaitFor(t, ctx3, W("#seats"))
		testbrowser.WaitFor(t, ctx3, W("#files "+fmt.Sprintf(`button[data-file="%d"]`, pdfID)))
		if n := testbrowser.Eval[int](t, ctx3, testbrowser.QueryAll(W("#files li"))+`.length`); n != 1 {
			t.Errorf("the edition lists %d files", n)
		}
		testbrowser.Axe(t, ctx3, "training: an edition's files")
		testbrowser.Click(t, ctx3, dl)
		if name, data := get3(); name != "slide.pdf" || string(data) != string(pdfBytes) {
			t.Errorf("the operator downloaded from the edition %q (%d bytes)", name, len(data))
		}
		// The operator may not change them: the API says no (the widget offers nothing).
		x.call(op, "DELETE", fmt.Sprintf("/courses/%d/files/%d", cid, pdfID), nil, 403)
		testbrowser.CheckErrors(t, ctx3)

		// In English: the console's section and the widget's.
		ctx4 := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, ctx4, h.page("w=console&csp=strict&lang=en"))
		h.signIn(ctx4, console, coord)
		testbrowser.WaitFor(t, ctx4, C("#tab-training"))
		testbrowser.Click(t, ctx4, C("#tab-training"))
		testbrowser.WaitFor(t, ctx4, C(fmt.Sprintf("#co-open-%d", cid)))
		testbrowser.Click(t, ctx4, C(fmt.Sprintf("#co-open-%d", cid)))
		testbrowser.WaitFor(t, ctx4, C("#cf-table"))
		if got := testbrowser.Text(t, ctx4, C("#cf-table caption")); got != "Files of the course: 1" {
			t.Errorf("the English caption reads %q", got)
		}
		if got := testbrowser.Text(t, ctx4, C("#cf-send")); got != "Upload the file" {
			t.Errorf("the English button reads %q", got)
		}
		testbrowser.Type(t, ctx4, C("#cf-title"), "Program")
		pickFile(t, ctx4, C("#cf-file"), "program.pdf", "MZ\x90\x00 not a document", 0)
		testbrowser.Click(t, ctx4, C("#cf-send"))
		testbrowser.WaitFor(t, ctx4, C("#cf-error:not([hidden])"))
		if got := testbrowser.Text(t, ctx4, C("#cf-error")); !strings.Contains(got, "This kind of file is not accepted") {
			t.Errorf("the English refusal reads %q", got)
		}
		testbrowser.Axe(t, ctx4, "course files in English")
		testbrowser.Navigate(t, ctx4, h.page("w=training&csp=strict&lang=en&incroci_edition="+strconv.FormatInt(eid, 10)))
		testbrowser.WaitFor(t, ctx4, W("#files"))
		if got := testbrowser.Eval[string](t, ctx4, `[...`+testbrowser.QueryAll(W("h3"))+`].map((e) => e.textContent).join('|')`); !strings.Contains(got, "Files of the course") {
			t.Errorf("the English headings: %q", got)
		}
		if got := testbrowser.Text(t, ctx4, dl); got != "Download: "+slides {
			t.Errorf("the English download button reads %q", got)
		}
		testbrowser.Axe(t, ctx4, "training: files in English")
		testbrowser.CheckErrors(t, ctx4)
	})
}
