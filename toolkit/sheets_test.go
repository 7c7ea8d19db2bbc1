package toolkit_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci/toolkit"
)

const xss = `<img src=x onerror="window.__xss=1"><script>alert(1)</script>`

// sheetInput is a sheet on family reunification for the network.
func sheetInput(submit bool) map[string]any {
	return map[string]any{
		"audience": "operators", "topics": []string{"ricongiungimento"}, "title": "Ricongiungimento familiare: il nulla osta",
		"sections": map[string]string{
			"what":   "Il **nulla osta** permette al familiare di entrare in Italia.",
			"needed": "- reddito minimo\n- idoneità alloggiativa",
		},
		"note": "Prima stesura", "submit": submit,
	}
}

func id(r resp) int64 { return int64(r.data()["id"].(float64)) }

func revID(r resp) int64 {
	return int64(r.data()["revision"].(map[string]any)["id"].(float64))
}

// TestSheetWorkflow: an operator proposes a sheet, writes a second draft
// and sends it; others cannot see it; an editor publishes it; a colleague
// proposes a change that leaves the sheet as it is until the editor
// publishes it; a change written from an old revision is refused; the two
// revisions compared; a rollback; comments; archive.
func TestSheetWorkflow(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		topics := expect(t, e.req("", "GET", "/topics", nil), 200, "topics").list()
		if len(topics) != 16 || topics[2].(map[string]any)["code"] != "ricongiungimento" {
			t.Errorf("topics: %v", topics)
		}

		// A draft, then a second draft sent for review.
		r := expect(t, e.req("operator", "POST", "/sheets", sheetInput(false)), 201, "propose")
		sid, first := id(r), revID(r)
		if d := r.data(); d["state"] != "draft" || d["ambito"] != "" || d["owner_name"] != "operator" || !strings.Contains(d["html"].(map[string]any)["what"].(string), "<strong>nulla osta</strong>") {
			t.Fatalf("proposed: %s", r.Raw)
		}
		// Stamped by the platform's clock, not the machine's.
		if got, err := time.Parse(time.RFC3339Nano, r.data()["updated_at"].(string)); err != nil || !got.Equal(e.clock.Now()) {
			t.Errorf("a proposed sheet's updated_at = %v, %v; want %v", r.data()["updated_at"], err, e.clock.Now())
		}
		path := fmt.Sprint("/sheets/", sid)
		for _, who := range []string{"", "operator2", "cremaOperator"} {
			expect(t, e.req(who, "GET", path, nil), 404, "a draft read by "+who)
		}
		in := sheetInput(true)
		in["base_id"] = first
		delete(in, "audience")
		delete(in, "topics")
		in["sections"].(map[string]string)["how"] = "Domanda allo Sportello Unico per l'Immigrazione. " + xss
		second := expect(t, e.req("operator", "POST", path+"/revisions", in), 201, "second draft")
		if second.data()["number"] != 2.0 || second.data()["status"] != "proposed" {
			t.Fatalf("second draft: %s", second.Raw)
		}
		expect(t, e.req("operator", "POST", path+"/revisions", in), 409, "a draft from the first revision again")
		expect(t, e.req("operator2", "POST", path+"/revisions", map[string]any{"base_id": id(second), "title": "Altro titolo", "sections": map[string]string{"what": "x"}}), 404, "a colleague writes in someone's draft")
		reviews := expect(t, e.req("editor", "GET", "/sheets?state=in_review", nil), 200, "review queue").list()
		if len(reviews) != 1 {
			t.Fatalf("review queue: %v", reviews)
		}
		if l := expect(t, e.req("operator", "GET", "/sheets?state=in_review", nil), 200, "an operator's review queue").list(); len(l) != 0 {
			t.Errorf("an operator lists drafts: %v", l)
		}
		expect(t, e.req("operator", "POST", path+"/publish", map[string]any{"revision_id": id(second)}), 403, "the author publishes")

		// The editor publishes; everyone of the network reads it, sanitised.
		pub := expect(t, e.req("editor", "POST", path+"/publish", map[string]any{"revision_id": id(second), "note": "Ok"}), 200, "publish")
		if pub.data()["state"] != "published" || int64(pub.data()["published_revision_id"].(float64)) != id(second) {
			t.Fatalf("published: %s", pub.Raw)
		}
		expect(t, e.req("editor", "POST", path+"/publish", map[string]any{"revision_id": id(second)}), 409, "publish twice")
		got := expect(t, e.req("cremaOperator", "GET", path, nil), 200, "crema reads the network's sheet").data()
		how := got["html"].(map[string]any)["how"].(string)
		if strings.Contains(how, "<img") || strings.Contains(how, "<script") || !strings.Contains(how, "&lt;img src=x") {
			t.Errorf("the section's HTML does not show the payload as text: %q", how)
		}
		if len(got["pending"].([]any)) != 0 {
			t.Errorf("crema sees pending changes: %v", got["pending"])
		}
		expect(t, e.req("", "GET", path, nil), 404, "an operators' sheet read anonymously")
		if l := expect(t, e.req("cremaOperator", "GET", "/sheets?topic=ricongiungimento", nil), 200, "list by topic").list(); len(l) != 1 {
			t.Errorf("list by topic: %v", l)
		}
		if l := expect(t, e.req("cremaOperator", "GET", "/sheets?q=NULLA", nil), 200, "list by title").list(); len(l) != 1 {
			t.Errorf("list by title: %v", l)
		}

		// A colleague proposes a change: the sheet stays as published.
		change := map[string]any{"base_id": id(second), "title": "Ricongiungimento familiare: il nulla osta", "note": "Nuove soglie di reddito",
			"sections": map[string]string{"what": "Il **nulla osta** permette al familiare di entrare in Italia.", "needed": "- reddito minimo 2026\n- idoneità alloggiativa"}}
		prop := expect(t, e.req("cremaOperator", "POST", path+"/revisions", change), 201, "a proposed change")
		if prop.data()["status"] != "proposed" {
			t.Fatalf("proposal: %s", prop.Raw)
		}
		if got := expect(t, e.req("operator2", "GET", path, nil), 200, "read after the proposal").data(); got["revision"].(map[string]any)["id"].(float64) != float64(id(second)) {
			t.Errorf("a proposal changed the published sheet: %v", got["revision"])
		}
		ed := expect(t, e.req("editor", "GET", path, nil), 200, "the editor reads it").data()
		if p := ed["pending"].([]any); len(p) != 1 || p[0].(map[string]any)["author_name"] != "cremaOperator" || ed["editor"] != true {
			t.Errorf("the editor's pending: %v", ed["pending"])
		}
		// The editors find the published sheets with a proposed change; others do not.
		for who, n := range map[string]int{"editor": 1, "cremaEditor": 1, "operator2": 0, "cremaOperator": 0} {
			if l := expect(t, e.req(who, "GET", "/sheets?pending=true", nil), 200, "pending changes of "+who).list(); len(l) != n {
				t.Errorf("%s lists %d sheets with a pending change, want %d: %v", who, len(l), n, l)
			}
		}
		if l := expect(t, e.req("editor", "GET", "/sheets?pending=true&ambito=lodi", nil), 200, "pending changes of lodi").list(); len(l) != 0 {
			t.Errorf("lodi's own sheets with a pending change: %v", l)
		}
		diff := expect(t, e.req("editor", "GET", fmt.Sprintf("%s/diff?from=%d&to=%d", path, id(second), id(prop)), nil), 200, "diff").data()
		var needed map[string]any
		for _, s := range diff["sections"].([]any) {
			if s.(map[string]any)["section"] == "needed" {
				needed = s.(map[string]any)
			}
		}
		added := false
		ops, _ := needed["ops"].([]any)
		for _, o := range ops {
			added = added || (o.(map[string]any)["op"] == "+" && strings.Contains(o.(map[string]any)["text"].(string), "reddito minimo 2026"))
		}
		if needed == nil || needed["changed"] != true || !added {
			t.Errorf("diff of needed: %v", needed)
		}
		expect(t, e.req("operator2", "GET", fmt.Sprintf("%s/diff?from=%d&to=%d", path, id(second), id(prop)), nil), 404, "diff with someone's proposal")
		expect(t, e.req("editor", "GET", path+"/diff?from=1", nil), 422, "diff without to")
		expect(t, e.req("cremaEditor", "POST", path+"/publish", map[string]any{"revision_id": id(prop)}), 200, "another ambito's editor publishes a network sheet")
		if l := expect(t, e.req("editor", "GET", "/sheets?pending=true", nil), 200, "pending changes once published").list(); len(l) != 0 {
			t.Errorf("a published change is still pending: %v", l)
		}

		// Rollback to the second revision, as a new one.
		rb := expect(t, e.req("editor", "POST", path+"/rollback", map[string]any{"revision_id": id(second)}), 200, "rollback").data()
		rev := rb["revision"].(map[string]any)
		if rev["number"] != 4.0 || !strings.Contains(rev["note"].(string), "ripristino della versione 2") || !strings.Contains(rev["sections"].(map[string]any)["needed"].(string), "reddito minimo\n") {
			t.Errorf("after the rollback: %v", rev)
		}
		revs := expect(t, e.req("operator2", "GET", path+"/revisions", nil), 200, "revisions").list()
		if len(revs) != 3 { // published and superseded ones: 4, 3 and 2; not the first draft
			t.Errorf("revisions an operator sees: %d", len(revs))
		}

		// Comments, by people of the network; none for anonymous.
		cm := expect(t, e.req("operator2", "POST", path+"/comments", map[string]any{"body": "Manca il riferimento alla circolare " + xss, "revision_id": id(prop)}), 201, "comment").data()
		if cm["author_name"] != "operator2" {
			t.Errorf("comment: %v", cm)
		}
		expect(t, e.req("operator2", "POST", path+"/comments", map[string]any{"body": "x", "revision_id": 999999}), 422, "comment on another sheet's revision")
		if l := expect(t, e.req("editor", "GET", path+"/comments", nil), 200, "comments").list(); len(l) != 1 {
			t.Errorf("comments: %v", l)
		}
		expect(t, e.req("", "GET", path+"/comments", nil), 401, "comments, anonymous")

		// Rejecting a later proposal; archiving; no change after that.
		change["base_id"] = rev["id"]
		p2 := expect(t, e.req("operator", "POST", path+"/revisions", change), 201, "another proposal")
		expect(t, e.req("editor", "POST", path+"/reject", map[string]any{"revision_id": id(p2), "note": "Già previsto"}), 200, "reject")
		expect(t, e.req("editor", "POST", path+"/reject", map[string]any{"revision_id": id(p2)}), 409, "reject twice")
		expect(t, e.req("operator", "POST", path+"/archive", nil), 403, "an operator archives")
		expect(t, e.req("editor", "POST", path+"/archive", nil), 200, "archive")
		expect(t, e.req("editor", "POST", path+"/archive", nil), 409, "archive twice")
		expect(t, e.req("operator", "GET", path, nil), 404, "an archived sheet read by an operator")
		expect(t, e.req("operator", "POST", path+"/revisions", change), 404, "a change to an archived sheet")
	})
}

// TestSheetRules: bad input is refused with the field at fault and stores
// nothing; an ambito's own sheets stay in it; published handouts for
// citizens are read by anyone; the Go API agrees.
func TestSheetRules(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		for _, c := range []struct {
			name  string
			patch func(map[string]any)
			field string
		}{
			{"unknown section", func(m map[string]any) { m["sections"].(map[string]string)["extra"] = "x" }, "sections.extra"},
			{"no what", func(m map[string]any) { delete(m["sections"].(map[string]string), "what") }, "sections.what"},
			{"unknown topic", func(m map[string]any) { m["topics"] = []string{"astrologia"} }, "topics[0]"},
			{"short title", func(m map[string]any) { m["title"] = "x" }, "title"},
			{"audience", func(m map[string]any) { m["audience"] = "tutti" }, "audience"},
			{"another ambito", func(m map[string]any) { m["ambito"] = "crema" }, "ambito"},
		} {
			in := sheetInput(true)
			c.patch(in)
			r := expect(t, e.req("operator", "POST", "/sheets", in, "Accept-Language", "en"), 422, c.name)
			fields := r.Body["error"].(map[string]any)["fields"].([]any)
			if fields[0].(map[string]any)["field"] != c.field {
				t.Errorf("%s: fields %v", c.name, fields)
			}
		}
		expect(t, e.req("", "POST", "/sheets", sheetInput(true)), 401, "anonymous proposal")
		expect(t, e.req("operator", "POST", "/sheets", "{"), 400, "malformed")
		expect(t, e.req("operator", "GET", "/sheets/abc", nil), 404, "a sheet that is not a number")
		expect(t, e.req("operator", "GET", "/sheets?state=bozza", nil), 422, "unknown state")
		if l, n, err := e.tk.List(e.as("editor"), toolkit.SheetQuery{State: toolkit.StateReview}); err != nil || n != 0 {
			t.Fatalf("a refused proposal was stored: %v %d %v", l, n, err)
		}

		// Lodi's own sheet, published: crema does not see it.
		own := sheetInput(true)
		own["ambito"] = "lodi"
		r := expect(t, e.req("operator", "POST", "/sheets", own), 201, "lodi's sheet")
		path := fmt.Sprint("/sheets/", id(r))
		expect(t, e.req("cremaEditor", "POST", path+"/publish", map[string]any{"revision_id": revID(r)}), 404, "crema's editor publishes lodi's sheet")
		expect(t, e.req("editor", "POST", path+"/publish", map[string]any{"revision_id": revID(r)}), 200, "lodi's editor publishes it")
		expect(t, e.req("cremaOperator", "GET", path, nil), 404, "crema reads lodi's sheet")
		if l := expect(t, e.req("cremaOperator", "GET", "/sheets", nil), 200, "crema's list").list(); len(l) != 0 {
			t.Errorf("crema lists %v", l)
		}
		expect(t, e.req("operator2", "GET", path, nil), 200, "lodi reads its sheet")

		// A handout for citizens, published: anyone reads it, and lists it.
		h := sheetInput(true)
		h["audience"] = "citizens"
		h["title"] = "Come chiedere il ricongiungimento"
		hr := expect(t, e.req("operator", "POST", "/sheets", h), 201, "handout")
		expect(t, e.req("editor", "POST", fmt.Sprintf("/sheets/%d/publish", id(hr)), map[string]any{"revision_id": revID(hr)}), 200, "publish the handout")
		expect(t, e.req("", "GET", fmt.Sprint("/sheets/", id(hr)), nil), 200, "the handout, anonymously")
		if l := expect(t, e.req("", "GET", "/sheets", nil), 200, "anonymous list").list(); len(l) != 1 {
			t.Errorf("anonymous list: %v", l)
		}
		v, err := e.tk.Get(e.ctx, id(hr))
		if err != nil || v.Revision.Title != "Come chiedere il ricongiungimento" {
			t.Errorf("Get without a principal: %+v %v", v, err)
		}
	})
}
