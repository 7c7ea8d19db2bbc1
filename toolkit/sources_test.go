package toolkit_test

import (
	"fmt"
	"testing"

	"github.com/incrocicomuni/incroci/toolkit"
)

// sourceInput is a network source: the article on family reunification.
func sourceInput() map[string]any {
	return map[string]any{"kind": "law", "title": "Testo unico sull'immigrazione, art. 29", "reference": "D.Lgs. 286/1998, art. 29",
		"url": "https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:decreto.legislativo:1998-07-25;286", "version": "testo vigente 2026",
		"valid_from": "1998-08-03"}
}

// published proposes the sheet in as the named person and has the lodi
// editor publish it; it returns its id and its published revision's id.
func (e *env) published(who string, in map[string]any) (int64, int64) {
	e.t.Helper()
	r := expect(e.t, e.req(who, "POST", "/sheets", in), 201, "propose")
	expect(e.t, e.req("editor", "POST", fmt.Sprintf("/sheets/%d/publish", id(r)), map[string]any{"revision_id": revID(r)}), 200, "publish")
	return id(r), revID(r)
}

func fieldOf(r resp) string {
	fields, _ := r.Body["error"].(map[string]any)["fields"].([]any)
	if len(fields) == 0 {
		return ""
	}
	return fields[0].(map[string]any)["field"].(string)
}

// TestSourceRules: only editors record and change sources, each ambito's
// its own (every editor the network's); an ambito's sources stay in it;
// bad input answers 422 naming the field and changes nothing.
func TestSourceRules(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		expect(t, e.req("", "POST", "/sources", sourceInput()), 401, "anonymous")
		expect(t, e.req("operator", "POST", "/sources", sourceInput()), 403, "an operator records a source")
		net := expect(t, e.req("cremaEditor", "POST", "/sources", sourceInput()), 201, "crema's editor records a network source").data()
		if net["ambito"] != "" || net["expired"] != false || net["sheet_count"] != 0.0 || len(net["changes"].([]any)) != 0 {
			t.Fatalf("network source: %v", net)
		}
		own := sourceInput()
		own["ambito"], own["kind"], own["title"] = "lodi", "circular", "Circolare dell'Ufficio di Piano sui contributi"
		expect(t, e.req("cremaEditor", "POST", "/sources", own), 422, "crema's editor records lodi's source")
		lodi := expect(t, e.req("editor", "POST", "/sources", own), 201, "lodi's editor records lodi's source").data()
		lodiPath := fmt.Sprint("/sources/", int64(lodi["id"].(float64)))
		netPath := fmt.Sprint("/sources/", int64(net["id"].(float64)))

		for _, who := range []string{"cremaEditor", "cremaOperator"} {
			expect(t, e.req(who, "GET", lodiPath, nil), 404, who+" reads lodi's source")
			expect(t, e.req(who, "PATCH", lodiPath, map[string]any{"version": "2027", "note": "Nuova versione"}), 404, who+" changes lodi's source")
		}
		expect(t, e.req("operator", "PATCH", lodiPath, map[string]any{"version": "2027", "note": "Nuova versione"}), 403, "an operator changes a source")
		expect(t, e.req("operator", "PATCH", netPath, map[string]any{"version": "2027", "note": "Nuova versione"}), 403, "an operator changes a network source")
		expect(t, e.req("operator", "GET", lodiPath, nil), 200, "lodi's operator reads it")
		if l := expect(t, e.req("cremaOperator", "GET", "/sources", nil), 200, "crema's list").list(); len(l) != 1 {
			t.Errorf("crema lists %v", l)
		}
		if l := expect(t, e.req("operator", "GET", "/sources?q=d.lgs.%20286", nil), 200, "search by reference").list(); len(l) != 2 {
			t.Errorf("lodi's search lists %d", len(l))
		}
		if l := expect(t, e.req("operator", "GET", "/sources?ambito=network", nil), 200, "the network's").list(); len(l) != 1 {
			t.Errorf("network sources: %d", len(l))
		}
		expect(t, e.req("", "GET", "/sources", nil), 401, "anonymous list")

		for _, c := range []struct {
			name  string
			patch func(map[string]any)
			field string
		}{
			{"kind", func(m map[string]any) { m["kind"] = "decreto" }, "kind"},
			{"url", func(m map[string]any) { m["url"] = "javascript:alert(1)" }, "url"},
			{"day", func(m map[string]any) { m["valid_from"] = "2026-13-01" }, "valid_from"},
			{"order", func(m map[string]any) { m["valid_to"] = "1990-01-01" }, "valid_to"},
			{"title", func(m map[string]any) { m["title"] = "x" }, "title"},
			{"unknown", func(m map[string]any) { m["colour"] = "red" }, "colour"},
		} {
			in := sourceInput()
			c.patch(in)
			if f := fieldOf(expect(t, e.req("editor", "POST", "/sources", in, "Accept-Language", "en"), 422, c.name)); f != c.field {
				t.Errorf("%s: field %q", c.name, f)
			}
		}
		for _, c := range []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"no note", map[string]any{"version": "2027"}, "note"},
			{"bad day", map[string]any{"valid_to": "31/12/2026", "note": "Scade"}, "valid_to"},
			{"before", map[string]any{"valid_to": "1990-01-01", "note": "Scade"}, "valid_to"},
			{"url", map[string]any{"url": "ftp://x", "version": "2027", "note": "Nuovo indirizzo"}, "url"},
		} {
			if f := fieldOf(expect(t, e.req("editor", "PATCH", netPath, c.body), 422, c.name)); f != c.field {
				t.Errorf("%s: field %q", c.name, f)
			}
		}
		after := expect(t, e.req("editor", "GET", netPath, nil), 200, "the source after refusals").data()
		if after["version"] != "testo vigente 2026" || after["valid_to"] != "" || after["url"] != net["url"] || len(after["changes"].([]any)) != 0 {
			t.Errorf("a refused change changed the source: %v", after)
		}
		if n, _, err := e.tk.ListSources(e.as("editor"), toolkit.SourceQuery{}); err != nil || len(n) != 2 {
			t.Errorf("sources stored: %d %v", len(n), err)
		}
	})
}

// TestSheetSources: the owner sets a draft's sources, the editors a
// published sheet's; a proposal carries sources applied when published;
// a sheet rests only on the network's sources and its ambito's.
func TestSheetSources(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		netSrc := id(expect(t, e.req("editor", "POST", "/sources", sourceInput()), 201, "network source"))
		own := sourceInput()
		own["ambito"], own["title"] = "crema", "Regolamento dei contributi di Crema"
		cremaSrc := id(expect(t, e.req("cremaEditor", "POST", "/sources", own), 201, "crema's source"))
		form := sourceInput()
		form["kind"], form["title"] = "form", "Modulo SUI per il nulla osta"
		formSrc := id(expect(t, e.req("editor", "POST", "/sources", form), 201, "form"))

		in := sheetInput(false)
		in["audience"] = "citizens"
		in["source_ids"] = []int64{netSrc}
		r := expect(t, e.req("operator", "POST", "/sheets", in), 201, "a draft resting on a source")
		path := fmt.Sprint("/sheets/", id(r))
		if l := expect(t, e.req("operator", "GET", path+"/sources", nil), 200, "its sources").list(); len(l) != 1 {
			t.Fatalf("sources of the draft: %v", l)
		}
		if f := fieldOf(expect(t, e.req("operator", "PUT", path+"/sources", map[string]any{"source_ids": []int64{netSrc, cremaSrc}}), 422, "crema's source on a network sheet")); f != "source_ids[1]" {
			t.Errorf("field %q", f)
		}
		expect(t, e.req("operator", "PUT", path+"/sources", map[string]any{"source_ids": []int64{999999}}), 422, "a source that is not")
		expect(t, e.req("operator2", "PUT", path+"/sources", map[string]any{"source_ids": []int64{formSrc}}), 404, "a colleague sets someone's draft's sources")
		set := expect(t, e.req("operator", "PUT", path+"/sources", map[string]any{"source_ids": []int64{formSrc, netSrc, netSrc}}), 200, "the owner sets them").list()
		if len(set) != 2 {
			t.Errorf("set: %v", set)
		}
		expect(t, e.req("editor", "POST", path+"/publish", map[string]any{"revision_id": revID(r)}), 200, "publish")
		expect(t, e.req("operator", "PUT", path+"/sources", map[string]any{"source_ids": []int64{netSrc}}), 403, "the owner, once published")
		if l := expect(t, e.req("", "GET", path+"/sources", nil), 200, "a public handout's sources, anonymously").list(); len(l) != 2 {
			t.Errorf("anonymous sources: %v", l)
		}

		// A proposal that drops the form: applied when published.
		change := map[string]any{"base_id": revID(r), "title": "Ricongiungimento familiare: il nulla osta", "sections": map[string]string{"what": "Il nulla osta."},
			"source_ids": []int64{netSrc}}
		p := expect(t, e.req("operator2", "POST", path+"/revisions", change), 201, "a proposal with sources")
		if l := expect(t, e.req("operator", "GET", path+"/sources", nil), 200, "sources before publishing").list(); len(l) != 2 {
			t.Errorf("a proposal changed the sources: %v", l)
		}
		expect(t, e.req("editor", "POST", path+"/publish", map[string]any{"revision_id": id(p)}), 200, "publish the proposal")
		if l := expect(t, e.req("operator", "GET", path+"/sources", nil), 200, "sources after publishing").list(); len(l) != 1 {
			t.Errorf("sources after publishing: %v", l)
		}
		expect(t, e.req("cremaEditor", "PUT", path+"/sources", map[string]any{"source_ids": []int64{}}), 200, "an editor clears a network sheet's sources")
		if v, err := e.tk.SheetSources(e.ctx, id(r)); err != nil || len(v) != 0 {
			t.Errorf("sources after clearing: %v %v", v, err)
		}
	})
}
