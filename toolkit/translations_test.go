package toolkit_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incrocicomuni/incroci/toolkit"
)

// TestLanguagesMatchDomain fails when toolkit/languages.csv differs from
// the shared domain data it copies; it skips where that folder is absent.
func TestLanguagesMatchDomain(t *testing.T) {
	theirs, err := os.ReadFile(filepath.Join("..", "..", "shared", "domain", "languages.csv"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("../shared/domain is absent: nothing to compare languages.csv with")
	}
	mine, err2 := os.ReadFile("languages.csv")
	if err != nil || err2 != nil || !bytes.Equal(mine, theirs) {
		t.Errorf("toolkit/languages.csv differs from ../shared/domain/languages.csv (%v, %v): copy it again", err, err2)
	}
}

// translationOf returns the entry for lang of a sheet's translations.
func (e *env) translationOf(who string, sid int64, lang string) map[string]any {
	e.t.Helper()
	for _, tv := range expect(e.t, e.req(who, "GET", fmt.Sprintf("/sheets/%d/translations", sid), nil), 200, "translations").list() {
		if m := tv.(map[string]any); m["code"] == lang {
			return m
		}
	}
	e.t.Fatalf("no entry for %s", lang)
	return nil
}

// TestTranslations: every language is listed, missing until written;
// mediators, editors and the sheet's proposers write them (human, or
// machine), mediators and editors check them; a new Italian revision
// makes them outdated; bad input answers 422 and stores nothing.
func TestTranslations(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		langs := expect(t, e.req("", "GET", "/languages", nil), 200, "languages").list()
		rtl := 0
		for _, l := range langs {
			if l.(map[string]any)["direction"] == "rtl" {
				rtl++
			}
			if l.(map[string]any)["code"] == "it" {
				t.Errorf("Italian listed as a translation")
			}
		}
		if len(langs) != 19 || rtl != 3 || len(toolkit.Languages()) != 19 {
			t.Fatalf("languages: %d, %d right to left", len(langs), rtl)
		}

		in := sheetInput(true)
		in["ambito"] = "lodi"
		sid, rev := e.published("operator", in)
		path := fmt.Sprintf("/sheets/%d/translations", sid)
		list := expect(t, e.req("operator2", "GET", path, nil), 200, "translations").list()
		if len(list) != 19 || list[0].(map[string]any)["status"] != "missing" || list[0].(map[string]any)["translation"] != nil {
			t.Fatalf("translations of a new sheet: %v", list[0])
		}
		expect(t, e.req("", "GET", path, nil), 404, "an operators' sheet's translations, anonymously")
		expect(t, e.req("cremaMediator", "GET", path, nil), 404, "crema's mediator reads lodi's sheet")

		ar := map[string]any{"title": "لمّ شمل الأسرة", "sections": map[string]string{"what": "**تصريح** الدخول " + xss, "needed": "- الدخل"}}
		expect(t, e.req("operator2", "PUT", path+"/ar", ar), 403, "a colleague who is not its author")
		expect(t, e.req("cremaMediator", "PUT", path+"/ar", ar), 404, "crema's mediator")
		expect(t, e.req("", "PUT", path+"/ar", ar), 401, "anonymous")
		expect(t, e.req("mediator", "PUT", path+"/xx", ar), 404, "an unknown language")
		expect(t, e.req("mediator", "PUT", path+"/it", ar), 404, "Italian")
		for _, c := range []struct {
			name  string
			patch func(map[string]any)
			field string
		}{
			{"a section the Italian lacks", func(m map[string]any) { m["sections"] = map[string]string{"what": "x", "special": "y"} }, "sections.special"},
			{"an unknown section", func(m map[string]any) { m["sections"] = map[string]string{"what": "x", "extra": "y"} }, "sections.extra"},
			{"no what", func(m map[string]any) { m["sections"] = map[string]string{"needed": "x"} }, "sections.what"},
			{"no title", func(m map[string]any) { delete(m, "title") }, "title"},
		} {
			body := map[string]any{"title": ar["title"], "sections": ar["sections"]}
			c.patch(body)
			if f := fieldOf(expect(t, e.req("mediator", "PUT", path+"/ar", body), 422, c.name)); f != c.field {
				t.Errorf("%s: field %q", c.name, f)
			}
		}
		if m := e.translationOf("operator", sid, "ar"); m["status"] != "missing" {
			t.Fatalf("a refused translation was stored: %v", m)
		}

		got := expect(t, e.req("mediator", "PUT", path+"/ar", ar), 200, "the mediator translates").data()
		html := got["html"].(map[string]any)["what"].(string)
		if got["status"] != "human" || got["direction"] != "rtl" || got["translator_name"] != "mediator" || !strings.Contains(html, "<strong>تصريح</strong>") ||
			strings.Contains(html, "<img") || strings.Contains(html, "<script") {
			t.Errorf("the Arabic translation: %v", got)
		}
		if tr := got["translation"].(map[string]any); tr["base_revision_id"] != float64(rev) {
			t.Errorf("its base: %v", tr["base_revision_id"])
		}
		en := map[string]any{"title": "Family reunification", "sections": map[string]string{"what": "The clearance."}, "machine": true}
		if s := expect(t, e.req("operator", "PUT", path+"/en", en), 200, "the owner adds a machine translation").data()["status"]; s != "machine" {
			t.Errorf("machine translation: %v", s)
		}
		expect(t, e.req("operator", "POST", path+"/en/check", nil), 403, "the owner checks")
		expect(t, e.req("mediator", "POST", path+"/fr/check", nil), 404, "a missing translation checked")
		c := expect(t, e.req("mediator", "POST", path+"/en/check", nil), 200, "the mediator checks").data()
		if c["status"] != "checked" || c["checker_name"] != "mediator" || c["translator_name"] != "operator" {
			t.Errorf("checked: %v", c)
		}
		expect(t, e.req("editor", "POST", path+"/ar/check", nil), 200, "the editor checks")

		// A new Italian revision: both outdated.
		p := expect(t, e.req("operator2", "POST", fmt.Sprintf("/sheets/%d/revisions", sid), map[string]any{"base_id": rev, "title": "Ricongiungimento familiare",
			"sections": map[string]string{"what": "Il nulla osta, testo nuovo."}}), 201, "a proposal")
		expect(t, e.req("editor", "POST", fmt.Sprintf("/sheets/%d/publish", sid), map[string]any{"revision_id": id(p)}), 200, "publish it")
		for _, lang := range []string{"ar", "en"} {
			m := e.translationOf("operator2", sid, lang)
			if m["status"] != "outdated" || m["translation"].(map[string]any)["outdated_reason"] != "sheet_revised" {
				t.Errorf("%s after a new revision: %v", lang, m["status"])
			}
		}
		// Rewritten by the proposer of the revision: current again.
		ar["sections"] = map[string]string{"what": "نص جديد"}
		if s := expect(t, e.req("operator2", "PUT", path+"/ar", ar), 200, "a proposer rewrites it").data()["status"]; s != "human" {
			t.Errorf("rewritten: %v", s)
		}
		expect(t, e.req("editor", "POST", fmt.Sprintf("/sheets/%d/archive", sid), nil), 200, "archive")
		expect(t, e.req("editor", "PUT", path+"/ar", ar), 409, "an archived sheet's translation")
	})
}
