package toolkit_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestHandout: a published handout prints Italian beside a translation
// (Arabic laid out right to left), with the day it is valid from and a QR
// code to the live version, under a strict CSP; script in the text stays
// text; a missing translation says so; unknown languages and sheets not
// published are refused.
func TestHandout(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		in := sheetInput(true)
		in["audience"] = "citizens"
		in["title"] = "Come chiedere il ricongiungimento"
		in["sections"].(map[string]string)["how"] = "Domanda online. " + xss
		r := expect(t, e.req("operator", "POST", "/sheets", in), 201, "handout")
		path := fmt.Sprint("/sheets/", id(r), "/handout")
		expect(t, e.req("", "GET", path, nil), 404, "a handout not published")
		expect(t, e.req("editor", "POST", fmt.Sprintf("/sheets/%d/publish", id(r)), map[string]any{"revision_id": revID(r)}), 200, "publish")
		tr := map[string]any{"title": "كيفية طلب لم الشمل", "sections": map[string]string{"what": "تصريح **لم الشمل** يسمح للأسرة بالدخول."}}
		expect(t, e.req("editor", "PUT", fmt.Sprintf("/sheets/%d/translations/ar", id(r)), tr), 200, "Arabic translation")

		page := expect(t, e.req("", "GET", path+"?lang=ar", nil), 200, "the handout in Italian and Arabic")
		body := string(page.Raw)
		for _, want := range []string{"Come chiedere il ricongiungimento", `<div class="col" lang="ar" dir="rtl">`, "<strong>لم الشمل</strong>",
			"Valida dal 09/11/2026", `src="data:image/png;base64,`, "@media print", "&lt;script&gt;alert(1)&lt;/script&gt;"} {
			if !strings.Contains(body, want) {
				t.Errorf("the handout lacks %q", want)
			}
		}
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Error("script from the text became markup")
		}
		csp := page.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "img-src data:") || !strings.Contains(csp, "script-src 'nonce-") {
			t.Errorf("CSP %q", csp)
		}
		if fr := string(expect(t, e.req("", "GET", path+"?lang=fr", nil), 200, "no French yet").Raw); !strings.Contains(fr, "Traduzione non ancora disponibile") {
			t.Error("a missing translation is not said")
		}
		expect(t, e.req("", "GET", path+"?lang=xx", nil), 422, "an unknown language")
		expect(t, e.req("", "GET", path+"?lang=it", nil), 422, "Italian beside Italian")
		expect(t, e.req("", "GET", path, nil), 200, "Italian only")
	})
}
