package toolkit_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/incrocicomuni/incroci/toolkit"
)

// TestReadRevision: GET /sheets/{id}?revision= shows a proposed change
// rendered (Markdown as HTML, a script payload as text) to those who may
// see that revision, its author and the editors, and answers 404 to
// everyone else, for a revision of another sheet and for an id that is
// not one; reading a revision not published is audited.
func TestReadRevision(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		// A network sheet of the operator's, published; operator2 proposes a change.
		sid, pub := e.publishedSheet("", "operators")
		path := fmt.Sprint("/sheets/", sid)
		change := map[string]any{"base_id": pub, "title": "Ricongiungimento familiare: il nulla osta", "note": "Soglie",
			"sections": map[string]string{"what": "Il nulla osta è **obbligatorio**.", "how": "Allo sportello. " + xss}}
		prop := id(expect(t, e.req("operator2", "POST", path+"/revisions", change), 201, "a proposed change"))
		rpath := fmt.Sprintf("%s?revision=%d", path, prop)

		before := e.audited("toolkit.sheet.read")
		for _, who := range []string{"editor", "cremaEditor", "operator2"} {
			d := expect(t, e.req(who, "GET", rpath, nil), 200, "the proposal read by "+who).data()
			rev := d["revision"].(map[string]any)
			html := d["html"].(map[string]any)
			if int64(rev["id"].(float64)) != prop || rev["status"] != "proposed" || d["state"] != "published" {
				t.Errorf("%s reads revision %v (%v) of a %v sheet, want %d proposed", who, rev["id"], rev["status"], d["state"], prop)
			}
			if what := html["what"].(string); !strings.Contains(what, "<strong>obbligatorio</strong>") || strings.Contains(what, "**") {
				t.Errorf("%s: the proposal's Markdown is not rendered: %q", who, what)
			}
			if how := html["how"].(string); strings.Contains(how, "<script") || strings.Contains(how, "<img") ||
				!strings.Contains(how, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(how, "&lt;img src=x") {
				t.Errorf("%s: the payload is not shown as text: %q", who, how)
			}
			if int64(d["published_revision_id"].(float64)) != pub {
				t.Errorf("%s: published_revision_id %v, want %d", who, d["published_revision_id"], pub)
			}
		}
		if n := e.audited("toolkit.sheet.read") - before; n != 3 {
			t.Errorf("%d reads of a proposal audited, want 3", n)
		}
		// The editor's view still lists the proposal among the pending ones.
		if p := expect(t, e.req("editor", "GET", rpath, nil), 200, "again").data()["pending"].([]any); len(p) != 1 ||
			int64(p[0].(map[string]any)["id"].(float64)) != prop {
			t.Errorf("pending with ?revision: %v", p)
		}
		// The Go API gives the same.
		v, err := e.tk.GetRevision(e.as("editor"), sid, prop)
		if err != nil || v.Revision.ID != prop || !strings.Contains(v.HTML["what"], "<strong>") {
			t.Errorf("GetRevision = %+v, %v", v, err)
		}

		// The sheet's owner (not the author), other operators and anonymous
		// callers do not see the proposal, though they read the sheet.
		before = e.audited("toolkit.sheet.read")
		for _, who := range []string{"operator", "cremaOperator", "mediator", ""} {
			expect(t, e.req(who, "GET", rpath, nil), 404, "the proposal read by "+who)
		}
		if _, err := e.tk.GetRevision(e.as("operator"), sid, prop); !errors.Is(err, toolkit.ErrRevisionNotFound) {
			t.Errorf("GetRevision as the owner: %v", err)
		}
		expect(t, e.req("operator", "GET", path, nil), 200, "the owner reads the sheet")
		if n := e.audited("toolkit.sheet.read") - before; n != 0 {
			t.Errorf("%d refused reads audited", n)
		}

		// The published revision is for everyone who reads the sheet, and not audited.
		before = e.audited("toolkit.sheet.read")
		for _, who := range []string{"operator", "cremaOperator"} {
			d := expect(t, e.req(who, "GET", fmt.Sprintf("%s?revision=%d", path, pub), nil), 200, "the published revision read by "+who).data()
			if int64(d["revision"].(map[string]any)["id"].(float64)) != pub {
				t.Errorf("%s reads revision %v, want %d", who, d["revision"], pub)
			}
		}
		if n := e.audited("toolkit.sheet.read") - before; n != 0 {
			t.Errorf("%d reads of the published revision audited", n)
		}
		expect(t, e.req("", "GET", fmt.Sprintf("%s?revision=%d", path, pub), nil), 404, "an operators' sheet read anonymously")

		// A revision of another sheet, and ids that are none, are not found.
		other, otherRev := e.publishedSheet("lodi", "operators")
		expect(t, e.req("editor", "GET", fmt.Sprintf("%s?revision=%d", path, otherRev), nil), 404, "a revision of another sheet")
		expect(t, e.req("editor", "GET", fmt.Sprintf("/sheets/%d?revision=%d", other, prop), nil), 404, "a revision of the first sheet on the second")
		for _, q := range []string{"abc", "0", "-1", "", "1e3", "999999"} {
			expect(t, e.req("editor", "GET", path+"?revision="+q, nil), 404, "revision="+q)
		}
		// An ambito's sheet: the other ambito's editor sees neither it nor its revisions.
		expect(t, e.req("cremaEditor", "GET", fmt.Sprintf("/sheets/%d?revision=%d", other, otherRev), nil), 404, "crema's editor on lodi's sheet")

		// A draft of a sheet never published: its author and the editors
		// read it, audited; colleagues do not.
		in := sheetInput(false)
		in["ambito"] = "lodi"
		d := expect(t, e.req("operator2", "POST", "/sheets", in), 201, "a draft")
		dpath := fmt.Sprintf("/sheets/%d?revision=%d", id(d), revID(d))
		before = e.audited("toolkit.sheet.read")
		for _, who := range []string{"operator2", "editor"} {
			expect(t, e.req(who, "GET", dpath, nil), 200, "the draft read by "+who)
		}
		if n := e.audited("toolkit.sheet.read") - before; n != 2 {
			t.Errorf("%d reads of a draft's revision audited, want 2", n)
		}
		for _, who := range []string{"operator", "cremaEditor", ""} {
			expect(t, e.req(who, "GET", dpath, nil), 404, "the draft read by "+who)
		}
	})
}
