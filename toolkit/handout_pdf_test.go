package toolkit_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci/internal/pdftext"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/pdf"
	"github.com/incrocicomuni/incroci/toolkit"
)

// testPrinter starts a headless Chromium printer for the test, closed when
// it ends; it skips the test when no Chromium is installed (fails it when
// CI=true).
func testPrinter(t *testing.T) *pdf.Chromium {
	t.Helper()
	printer, err := pdf.NewChromium(pdf.ChromiumConfig{})
	if errors.Is(err, pdf.ErrNoBrowser) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v; CI=true, so the PDF tests must run", err)
		}
		t.Skipf("%v: skipping the PDF test", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { printer.Close() })
	return printer
}

// TestHandoutPDF: with a printer (a real headless Chromium), the handout of
// a published sheet in Italian and Arabic downloads as a PDF that holds the
// Italian title, the Arabic text and the day it is valid from, and not the
// page's buttons; the page links to it. The PDF follows the handout's rules:
// not published, another ambito's sheet and unknown languages are refused.
func TestHandoutPDF(t *testing.T) {
	printer := testPrinter(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, func(c *toolkit.Config) { c.Printer = printer })
		in := sheetInput(true)
		in["audience"] = "citizens"
		in["title"] = "Come chiedere il ricongiungimento"
		r := expect(t, e.req("operator", "POST", "/sheets", in), 201, "handout")
		path := fmt.Sprint("/sheets/", id(r), "/handout")
		expect(t, e.req("", "GET", path+".pdf?lang=ar", nil), 404, "the PDF of a handout not published")
		expect(t, e.req("editor", "POST", fmt.Sprintf("/sheets/%d/publish", id(r)), map[string]any{"revision_id": revID(r)}), 200, "publish")
		tr := map[string]any{"title": "كيفية طلب لم الشمل", "sections": map[string]string{"what": "تصريح **لم الشمل** يسمح للأسرة بالدخول."}}
		expect(t, e.req("editor", "PUT", fmt.Sprintf("/sheets/%d/translations/ar", id(r)), tr), 200, "Arabic translation")

		page := string(expect(t, e.req("", "GET", path+"?lang=ar", nil), 200, "the handout page").Raw)
		if !strings.Contains(page, `<a href="handout.pdf?lang=ar" download>Scarica PDF · Download PDF</a>`) {
			t.Error("the handout page does not link to its PDF")
		}

		res := expect(t, e.req("", "GET", path+".pdf?lang=ar", nil), 200, "the PDF in Italian and Arabic")
		if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
			t.Errorf("Content-Type %q", ct)
		}
		if cd := res.Header.Get("Content-Disposition"); cd != "attachment; filename=scheda-come-chiedere-il-ricongiungimento-it-ar.pdf" {
			t.Errorf("Content-Disposition %q", cd)
		}
		doc, err := pdftext.Read(res.Raw)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Pages < 1 {
			t.Errorf("%d pages", doc.Pages)
		}
		for _, want := range []string{"Come chiedere il ricongiungimento", "Il nulla osta permette al familiare", "Valida dal 09/11/2026",
			"تصريح", "لم الشمل", "بالدخول", "كيفية طلب", "العربية"} {
			if !doc.Contains(want) {
				t.Errorf("the PDF lacks %q; its text: %q", want, doc.Text)
			}
		}
		for _, not := range []string{"Scarica PDF", "Stampa · Print"} {
			if doc.Contains(not) {
				t.Errorf("the PDF shows the page's %q", not)
			}
		}
		if cd := expect(t, e.req("", "GET", path+".pdf", nil), 200, "Italian only").Header.Get("Content-Disposition"); !strings.HasSuffix(cd, "-it.pdf") {
			t.Errorf("Italian only: Content-Disposition %q", cd)
		}
		for _, lang := range []string{"xx", "it", "../etc"} {
			bad := expect(t, e.req("", "GET", path+".pdf?lang="+lang, nil, "Accept-Language", "en"), 422, "language "+lang)
			if !strings.Contains(string(bad.Raw), "language code") {
				t.Errorf("language %s: %s", lang, bad.Raw)
			}
		}

		// An ambito's own sheet: its people get the PDF; nobody else learns
		// it exists.
		in = sheetInput(true)
		in["ambito"] = "lodi"
		in["title"] = "Sportello di Lodi"
		r = expect(t, e.req("operator", "POST", "/sheets", in), 201, "lodi's sheet")
		expect(t, e.req("editor", "POST", fmt.Sprintf("/sheets/%d/publish", id(r)), map[string]any{"revision_id": revID(r)}), 200, "publish lodi's sheet")
		path = fmt.Sprint("/sheets/", id(r), "/handout.pdf?lang=en")
		for _, who := range []string{"", "cremaOperator", "cremaEditor"} {
			expect(t, e.req(who, "GET", path, nil), 404, "lodi's sheet for "+who)
		}
		doc, err = pdftext.Read(expect(t, e.req("operator2", "GET", path, nil), 200, "lodi's sheet for a lodi operator").Raw)
		if err != nil || !doc.Contains("Sportello di Lodi") {
			t.Errorf("lodi's sheet: %v %+v", err, doc)
		}
		expect(t, e.req("", "GET", "/sheets/999999/handout.pdf", nil), 404, "no such sheet")
	})
}

// TestHandoutPDFUnavailable: a toolkit with no printer answers 503 with a
// message that sends people to print the page from the browser, and its
// page offers no PDF; a printer that fails (here a real one, closed) is 503
// too, with its own message.
func TestHandoutPDFUnavailable(t *testing.T) {
	publish := func(t *testing.T, e *env) (int64, string) {
		in := sheetInput(true)
		in["audience"] = "citizens"
		r := expect(t, e.req("operator", "POST", "/sheets", in), 201, "handout")
		expect(t, e.req("editor", "POST", fmt.Sprintf("/sheets/%d/publish", id(r)), map[string]any{"revision_id": revID(r)}), 200, "publish")
		return id(r), fmt.Sprint("/sheets/", id(r), "/handout")
	}
	bothDBs(t, func(t *testing.T, e *env) {
		_, path := publish(t, e)
		if page := string(expect(t, e.req("", "GET", path, nil), 200, "the page").Raw); strings.Contains(page, "handout.pdf") {
			t.Error("the page links to a PDF there is no printer for")
		}
		res := expect(t, e.req("", "GET", path+".pdf", nil), 503, "no printer")
		if res.code() != "unavailable" || !strings.Contains(string(res.Raw), "stampala dal browser") {
			t.Errorf("no printer, in Italian: %s", res.Raw)
		}
		res = expect(t, e.req("", "GET", path+".pdf?lang=ar", nil, "Accept-Language", "en"), 503, "no printer")
		if !strings.Contains(string(res.Raw), "print it from the browser") {
			t.Errorf("no printer, in English: %s", res.Raw)
		}
		expect(t, e.req("", "GET", path+".pdf?lang=xx", nil), 422, "an unknown language, printer or not")
		expect(t, e.req("", "GET", "/sheets/999999/handout.pdf", nil), 404, "no such sheet, printer or not")
	})

	closed, err := pdf.NewChromium(pdf.ChromiumConfig{})
	if errors.Is(err, pdf.ErrNoBrowser) && os.Getenv("CI") != "true" {
		t.Skipf("%v: the failing printer is not checked", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	t.Run("failing printer", func(t *testing.T) {
		testdb.Run(t, func(t *testing.T, db *gorm.DB) {
			e := newEnv(t, db, func(c *toolkit.Config) { c.Printer = closed })
			sheet, path := publish(t, e)
			res := expect(t, e.req("", "GET", path+".pdf?lang=ar", nil, "Accept-Language", "en"), 503, "a printer that fails")
			if res.code() != "unavailable" || !strings.Contains(string(res.Raw), "could not be made now") {
				t.Errorf("a printer that fails: %s", res.Raw)
			}
			if _, err := e.tk.PrintHandout(e.ctx, sheet, "ar"); !errors.Is(err, toolkit.ErrPrintFailed) || !errors.Is(err, pdf.ErrClosed) {
				t.Errorf("PrintHandout with a closed printer: err = %v, want ErrPrintFailed wrapping pdf.ErrClosed", err)
			}
		})
	})
}
