package toolkit_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestGlossary: editors write entries (Italian definition required, a
// language code per definition); anyone reads the network's; a sheet shows
// the entries its text names, plurals and accents included, longer entries
// first; an ambito's entries stay in it.
func TestGlossary(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		entry := map[string]any{"term": "permesso di soggiorno", "variants": []string{"permessi di soggiorno"},
			"definitions": map[string]string{"it": "Il documento che autorizza a restare in Italia.", "en": "The document that allows a person to stay in Italy.", "ar": "وثيقة الإقامة"}}
		expect(t, e.req("operator", "POST", "/glossary", entry), 403, "an operator adds an entry")
		bad := map[string]any{"term": "questura", "definitions": map[string]string{"en": "Police headquarters", "xx-yy": "?"}}
		r := expect(t, e.req("editor", "POST", "/glossary", bad), 422, "no Italian definition, a bad language code")
		if s := string(r.Raw); !strings.Contains(s, "definitions.it") || !strings.Contains(s, "definitions.xx-yy") {
			t.Errorf("the refusal names %s", r.Raw)
		}
		p := expect(t, e.req("editor", "POST", "/glossary", entry), 201, "add").data()
		pid := int64(p["id"].(float64))
		expect(t, e.req("editor", "POST", "/glossary", map[string]any{"term": "permesso", "definitions": map[string]string{"it": "Un'autorizzazione."}}), 201, "a shorter entry")
		expect(t, e.req("editor", "POST", "/glossary", map[string]any{"term": "città metropolitana", "definitions": map[string]string{"it": "Ente di area vasta."}}), 201, "an accented entry")
		own := map[string]any{"ambito": "lodi", "term": "Ufficio di Piano", "definitions": map[string]string{"it": "L'ufficio che coordina i servizi dell'ambito."}}
		expect(t, e.req("cremaEditor", "POST", "/glossary", own), 403, "crema's editor writes lodi's entry")
		expect(t, e.req("editor", "POST", "/glossary", own), 201, "lodi's own entry")

		if l := expect(t, e.req("", "GET", "/glossary", nil), 200, "anonymous glossary").list(); len(l) != 3 {
			t.Errorf("anonymous glossary: %d entries, want the network's 3", len(l))
		}
		if l := expect(t, e.req("operator", "GET", "/glossary?q=CITTA", nil), 200, "search without accents").list(); len(l) != 1 {
			t.Errorf("search for citta: %v", l)
		}
		if l := expect(t, e.req("cremaOperator", "GET", "/glossary?q=piano", nil), 200, "crema searches lodi's entry").list(); len(l) != 0 {
			t.Errorf("crema sees lodi's entry: %v", l)
		}

		// A sheet that names them.
		in := sheetInput(true)
		in["ambito"] = "lodi"
		in["sections"] = map[string]string{"what": "Chi ha PERMESSI DI SOGGIORNO scaduti si rivolge all'Ufficio di Piano della Citta metropolitana; un permesso di soggiorno breve non basta. Il permessivo no."}
		v := expect(t, e.req("operator", "POST", "/sheets", in), 201, "a sheet naming the entries").data()
		terms := map[string]string{}
		for _, x := range v["terms"].([]any) {
			m := x.(map[string]any)
			forms := []string{}
			for _, f := range m["forms"].([]any) {
				forms = append(forms, f.(string))
			}
			slices.Sort(forms)
			terms[m["term"].(string)] = fmt.Sprint(forms)
		}
		want := map[string]string{"permesso di soggiorno": "[PERMESSI DI SOGGIORNO permesso di soggiorno]", "Ufficio di Piano": "[Ufficio di Piano]", "città metropolitana": "[Citta metropolitana]"}
		for k, w := range want {
			if terms[k] != w {
				t.Errorf("term %q found as %q, want %q (all: %v)", k, terms[k], w, terms)
			}
		}
		if _, ok := terms["permesso"]; ok {
			t.Errorf("the shorter entry matched inside the longer one or a longer word: %v", terms)
		}

		// Change and remove.
		entry["definitions"].(map[string]string)["fr"] = "Le titre de séjour."
		if got := expect(t, e.req("editor", "PUT", fmt.Sprint("/glossary/", pid), entry), 200, "change").data(); len(got["definitions"].(map[string]any)) != 4 {
			t.Errorf("after the change: %v", got)
		}
		expect(t, e.req("editor", "PUT", "/glossary/999999", entry), 404, "change a missing entry")
		expect(t, e.req("cremaOperator", "DELETE", fmt.Sprint("/glossary/", pid), nil), 403, "an operator removes")
		expect(t, e.req("editor", "DELETE", fmt.Sprint("/glossary/", pid), nil), 204, "remove")
		expect(t, e.req("editor", "DELETE", fmt.Sprint("/glossary/", pid), nil), 404, "remove twice")
	})
}

// TestFeedback: anyone who may read a published sheet answers, anonymously
// too for a citizen's handout; a comment with personal data is refused and
// nothing is kept; editors read the summary, others may not.
func TestFeedback(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		h := sheetInput(true)
		h["audience"] = "citizens"
		r := expect(t, e.req("operator", "POST", "/sheets", h), 201, "handout")
		path := fmt.Sprint("/sheets/", id(r))
		expect(t, e.req("", "POST", path+"/feedback", map[string]any{"score": 4}), 404, "feedback on a sheet not published")
		expect(t, e.req("editor", "POST", path+"/publish", map[string]any{"revision_id": revID(r)}), 200, "publish")

		expect(t, e.req("", "POST", path+"/feedback", map[string]any{"score": 5}), 204, "anonymous feedback")
		expect(t, e.req("operator2", "POST", path+"/feedback", map[string]any{"score": 2, "missing": "documents", "comment": "Non è chiaro quali documenti portare"}), 204, "feedback with a comment")
		expect(t, e.req("", "POST", path+"/feedback", map[string]any{"score": 3, "missing": "where", "comment": "Chiamatemi al 333 1234567"}), 422, "a comment with a phone number")
		expect(t, e.req("", "POST", path+"/feedback", map[string]any{"score": 6}), 422, "a score of 6")
		expect(t, e.req("", "POST", path+"/feedback", map[string]any{"score": 3, "missing": "tutto"}), 422, "an unknown follow-up answer")
		expect(t, e.req("operator", "GET", path+"/feedback", nil), 403, "an operator reads the summary")
		s := expect(t, e.req("editor", "GET", path+"/feedback", nil), 200, "summary").data()
		if s["count"] != 2.0 || s["average"] != 3.5 || fmt.Sprint(s["scores"]) != "[0 1 0 0 1]" || s["missing"].(map[string]any)["documents"] != 1.0 || len(s["comments"].([]any)) != 1 {
			t.Errorf("summary: %v", s)
		}
		var rows []map[string]any
		e.db.Table("incroci_toolkit_feedback").Find(&rows)
		for _, row := range rows {
			if strings.Contains(fmt.Sprint(row), "333") {
				t.Errorf("a refused comment was kept: %v", row)
			}
		}
	})
}
