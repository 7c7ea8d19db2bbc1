package toolkit_test

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci/internal/pdftext"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/toolkit"
)

// privateHandout publishes a citizens' handout of lodi (private to lodi)
// with an Arabic translation, titled title, and returns its id.
func privateHandout(t *testing.T, e *env, title string) int64 {
	t.Helper()
	in := sheetInput(true)
	in["audience"], in["ambito"], in["title"] = "citizens", "lodi", title
	r := expect(t, e.req("operator", "POST", "/sheets", in), 201, "lodi's handout")
	expect(t, e.req("editor", "POST", fmt.Sprintf("/sheets/%d/publish", id(r)), map[string]any{"revision_id": revID(r)}), 200, "publish")
	tr := map[string]any{"title": "كيفية طلب لم الشمل", "sections": map[string]string{"what": "تصريح **لم الشمل** يسمح للأسرة بالدخول."}}
	expect(t, e.req("editor", "PUT", fmt.Sprintf("/sheets/%d/translations/ar", id(r)), tr), 200, "Arabic translation")
	return id(r)
}

// linkPath turns an address of a handout link into a path for e.req.
func linkPath(t *testing.T, raw string) string {
	t.Helper()
	const base = "https://hub.example.it/incroci/toolkit"
	if !strings.HasPrefix(raw, base+"/") {
		t.Fatalf("link %q is not under %s", raw, base)
	}
	return strings.TrimPrefix(raw, base)
}

// TestHandoutLink: the handout of an ambito's own citizens' sheet, private
// to the ambito, opens without a session through a signed link that one of
// its people asks for; the key opens that sheet in that language only, and
// neither once expired nor once the sheet has a new published version; a
// forged key is refused in Italian and English; another ambito's people
// and anonymous callers get no link.
func TestHandoutLink(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		sheet := privateHandout(t, e, "Ricongiungimento a Lodi")
		other := privateHandout(t, e, "Un'altra scheda di Lodi")
		page := fmt.Sprintf("/sheets/%d/handout", sheet)
		expect(t, e.req("", "GET", page+"?lang=ar", nil), 404, "the private handout with no session")

		link := fmt.Sprintf("/sheets/%d/handout/link", sheet)
		expect(t, e.req("", "POST", link+"?lang=ar", nil), 401, "a link for nobody")
		for _, who := range []string{"cremaOperator", "cremaEditor"} {
			expect(t, e.req(who, "POST", link+"?lang=ar", nil), 404, "a link for "+who)
		}
		expect(t, e.req("operator2", "POST", link+"?lang=xx", nil), 422, "a link in an unknown language")
		expect(t, e.req("operator2", "POST", "/sheets/999999/handout/link", nil), 404, "a link to no sheet")

		l := expect(t, e.req("operator2", "POST", link+"?lang=ar", nil), 200, "a link for a lodi operator").data()
		exp, _ := time.Parse(time.RFC3339, l["expires_at"].(string))
		if want := e.clock.Now().Add(15 * time.Minute); !exp.Equal(want) {
			t.Errorf("expires_at %v, want %v", exp, want)
		}
		key := l["key"].(string)
		u := linkPath(t, l["url"].(string))
		want := page + "?" + url.Values{"lang": {"ar"}, "key": {key}}.Encode()
		if u != want {
			t.Errorf("url %q, want %q", u, want)
		}
		res := expect(t, e.req("", "GET", u, nil), 200, "the private handout by its link")
		body := string(res.Raw)
		for _, want := range []string{"Ricongiungimento a Lodi", `dir="rtl"`, "كيفية طلب لم الشمل"} {
			if !strings.Contains(body, want) {
				t.Errorf("the handout lacks %q", want)
			}
		}
		if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("headers %v", res.Header)
		}
		// The key is the whole grant: a session of someone who may not read
		// the sheet changes nothing, and with no printer the PDF says so.
		expect(t, e.req("cremaOperator", "GET", u, nil), 200, "the link with another ambito's session")
		expect(t, e.req("", "GET", linkPath(t, l["pdf_url"].(string)), nil), 503, "the PDF by its link, no printer")

		q := func(lang, key string) string {
			v := url.Values{"key": {key}}
			if lang != "" {
				v.Set("lang", lang)
			}
			return "?" + v.Encode()
		}
		refused := func(path, what string) {
			t.Helper()
			r := expect(t, e.req("", "GET", path, nil), 403, what)
			if r.code() != "forbidden" || !strings.Contains(string(r.Raw), "non è valido o è scaduto") {
				t.Errorf("%s: %s", what, r.Raw)
			}
		}
		refused(fmt.Sprintf("/sheets/%d/handout", other)+q("ar", key), "the key on another sheet")
		refused(fmt.Sprintf("/sheets/%d/handout.pdf", other)+q("ar", key), "the key on another sheet's PDF")
		refused(page+q("en", key), "the key in another language")
		refused(page+q("", key), "the key for Italian only")
		at, sig, _ := strings.Cut(key, ".")
		forged := []string{"", "x", at, at + ".", fmt.Sprint(e.clock.Now().Add(10*time.Minute).Unix()) + "." + sig,
			at + "." + strings.Repeat("A", len(sig)), at + "." + sig[:len(sig)-1], at + "." + sig + "A"}
		for _, k := range forged {
			refused(page+q("ar", k), "forged key "+k)
		}
		r := expect(t, e.req("", "GET", page+q("ar", "1."+sig), nil, "Accept-Language", "en"), 403, "in English")
		if !strings.Contains(string(r.Raw), "is not valid or has expired") {
			t.Errorf("in English: %s", r.Raw)
		}

		// Italian only has a link of its own.
		it := expect(t, e.req("editor", "POST", link, nil), 200, "a link for Italian only").data()
		if body := string(expect(t, e.req("", "GET", linkPath(t, it["url"].(string)), nil), 200, "Italian only").Raw); strings.Contains(body, `dir="rtl"`) {
			t.Error("the Italian handout has a right-to-left column")
		}

		// Expiry, on the test clock.
		e.clock.Add(14*time.Minute + 59*time.Second)
		expect(t, e.req("", "GET", u, nil), 200, "just before it expires")
		e.clock.Add(time.Second)
		refused(u, "an expired key")
		e.signIn()

		// A new published version ends the links to the old one.
		l = expect(t, e.req("operator", "POST", link+"?lang=ar", nil), 200, "a fresh link").data()
		u = linkPath(t, l["url"].(string))
		expect(t, e.req("", "GET", u, nil), 200, "the fresh link")
		v := expect(t, e.req("editor", "GET", fmt.Sprintf("/sheets/%d", sheet), nil), 200, "the sheet").data()
		base := v["revision"].(map[string]any)["id"]
		rv := expect(t, e.req("editor", "POST", fmt.Sprintf("/sheets/%d/revisions", sheet), map[string]any{"title": "Ricongiungimento a Lodi, 2027",
			"sections": map[string]string{"what": "Nuovo testo."}, "base_id": base, "submit": true}), 201, "a new version").data()
		expect(t, e.req("editor", "POST", fmt.Sprintf("/sheets/%d/publish", sheet), map[string]any{"revision_id": rv["id"]}), 200, "publish it")
		refused(u, "a key of the version before")

		// An archived sheet gets no link and opens by none.
		l = expect(t, e.req("operator", "POST", link+"?lang=ar", nil), 200, "a link to the new version").data()
		expect(t, e.req("editor", "POST", fmt.Sprintf("/sheets/%d/archive", sheet), nil), 200, "archive")
		refused(linkPath(t, l["url"].(string)), "a key of an archived sheet")
		expect(t, e.req("operator", "POST", link, nil), 404, "a link to an archived sheet")

		// The Go API: the key is for HandoutByKey only.
		if _, err := e.tk.HandoutByKey(e.ctx, other, "ar", key); !errors.Is(err, toolkit.ErrHandoutLink) {
			t.Errorf("HandoutByKey with another sheet's key: %v", err)
		}
	})
}

// TestHandoutLinkPDF: with a printer, the link's PDF address prints the
// private handout in Italian and Arabic, and the page links to its PDF
// with the key.
func TestHandoutLinkPDF(t *testing.T) {
	printer := testPrinter(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, func(c *toolkit.Config) { c.Printer = printer })
		sheet := privateHandout(t, e, "Ricongiungimento a Lodi")
		expect(t, e.req("", "GET", fmt.Sprintf("/sheets/%d/handout.pdf?lang=ar", sheet), nil), 404, "the private PDF with no session")
		l := expect(t, e.req("operator2", "POST", fmt.Sprintf("/sheets/%d/handout/link?lang=ar", sheet), nil), 200, "a link").data()
		page := string(expect(t, e.req("", "GET", linkPath(t, l["url"].(string)), nil), 200, "the page").Raw)
		pdfLink := `<a href="handout.pdf?` + strings.ReplaceAll(url.Values{"lang": {"ar"}, "key": {l["key"].(string)}}.Encode(), "&", "&amp;") + `" download>`
		if !strings.Contains(page, pdfLink) {
			t.Errorf("the page does not link to its PDF with the key (%s)", pdfLink)
		}
		res := expect(t, e.req("", "GET", linkPath(t, l["pdf_url"].(string)), nil), 200, "the private PDF by its link")
		if cd := res.Header.Get("Content-Disposition"); cd != "attachment; filename=scheda-ricongiungimento-a-lodi-it-ar.pdf" {
			t.Errorf("Content-Disposition %q", cd)
		}
		doc, err := pdftext.Read(res.Raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Ricongiungimento a Lodi", "لم الشمل"} {
			if !doc.Contains(want) {
				t.Errorf("the PDF lacks %q: %q", want, doc.Text)
			}
		}
		e.clock.Add(15 * time.Minute)
		expect(t, e.req("", "GET", linkPath(t, l["pdf_url"].(string)), nil), 403, "the PDF by an expired link")
	})
}
