package toolkit_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// queueIDs returns the ids and reasons of the named person's queue.
func (e *env) queueIDs(who string) map[int64]string {
	e.t.Helper()
	out := map[int64]string{}
	for _, it := range expect(e.t, e.req(who, "GET", "/queue", nil), 200, who+"'s queue").list() {
		m := it.(map[string]any)
		var rs []string
		for _, r := range m["reasons"].([]any) {
			rs = append(rs, r.(string))
		}
		out[int64(m["id"].(float64))] = strings.Join(rs, ",")
	}
	return out
}

// TestKeptCurrent: a source change flags exactly the sheets resting on it
// and their translations, and mails each owner once; an expiry found by
// CheckSources does the same, once; editors see outdated and overdue
// sheets in their queue, of their ambiti and the network's; an editor
// lifts the flag by marking a sheet checked or publishing a revision.
func TestKeptCurrent(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		s1 := id(expect(t, e.req("editor", "POST", "/sources", sourceInput()), 201, "source 1"))
		circ := sourceInput()
		circ["kind"], circ["title"], circ["valid_to"] = "circular", "Circolare sui redditi minimi 2026", "2026-11-30"
		s2 := id(expect(t, e.req("editor", "POST", "/sources", circ), 201, "source 2"))

		sheet := func(who, title, ambito string, sources ...int64) int64 {
			in := sheetInput(true)
			in["title"], in["source_ids"] = title, sources
			if ambito != "" {
				in["ambito"] = ambito
			}
			sid, _ := e.published(who, in)
			return sid
		}
		a := sheet("operator", "Nulla osta al ricongiungimento", "", s1)
		b := sheet("operator", "Requisiti di reddito", "", s1, s2)
		c := sheet("operator2", "Idoneità alloggiativa", "", s2)
		d := sheet("operator2", "Contributi per l'affitto a Lodi", "lodi")
		v := expect(t, e.req("operator", "GET", fmt.Sprint("/sheets/", a), nil), 200, "a sheet").data()
		if v["review_by"] != "2027-11-09" || v["outdated"] != false || v["overdue"] != false {
			t.Fatalf("a new sheet: review_by %v outdated %v overdue %v", v["review_by"], v["outdated"], v["overdue"])
		}
		for _, sid := range []int64{a, c} {
			expect(t, e.req("mediator", "PUT", fmt.Sprintf("/sheets/%d/translations/ar", sid), map[string]any{"title": "لمّ شمل الأسرة", "sections": map[string]string{"what": "نص"}}), 200, "translate")
		}
		if q := e.queueIDs("editor"); len(q) != 0 {
			t.Fatalf("a queue with nothing to do: %v", q)
		}

		// Source 1 changes: a and b (both operator's), one e-mail.
		ch := expect(t, e.req("cremaEditor", "PATCH", fmt.Sprint("/sources/", s1), map[string]any{"version": "testo vigente 2027", "note": "Modificato dalla legge di bilancio"}), 200, "change source 1").data()
		if c0 := ch["changes"].([]any)[0].(map[string]any); c0["sheets"] != 2.0 || c0["kind"] != "changed" {
			t.Errorf("the change: %v", c0)
		}
		for sid, want := range map[int64]bool{a: true, b: true, c: false, d: false} {
			v := expect(t, e.req("editor", "GET", fmt.Sprint("/sheets/", sid), nil), 200, "a sheet").data()
			if v["outdated"] != want || (want && (v["outdated_reason"] != "source_changed" || v["outdated_source_id"] != float64(s1) || v["outdated_note"] != "Modificato dalla legge di bilancio")) {
				t.Errorf("sheet %d after the change: outdated %v %v %v", sid, v["outdated"], v["outdated_reason"], v["outdated_source_id"])
			}
		}
		trStatus := func(sid int64, lang string) string {
			for _, tv := range expect(t, e.req("operator", "GET", fmt.Sprintf("/sheets/%d/translations", sid), nil), 200, "translations").list() {
				if m := tv.(map[string]any); m["code"] == lang {
					return m["status"].(string)
				}
			}
			return ""
		}
		if s := trStatus(a, "ar"); s != "outdated" {
			t.Errorf("a's translation after the change: %s", s)
		}
		if s := trStatus(c, "ar"); s != "human" {
			t.Errorf("c's translation after the change: %s", s)
		}
		m := e.waitMail("operator", "2 schede da verificare")
		for _, want := range []string{fmt.Sprintf("n. %d «Nulla osta al ricongiungimento»", a), fmt.Sprintf("no. %d “Requisiti di reddito”", b),
			"Testo unico sull'immigrazione, art. 29", "Modificato dalla legge di bilancio", linkPage + fmt.Sprintf("?incroci_sheet=%d", a), "The sheets you keep"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("the e-mail lacks %q:\n%s", want, m.Text)
			}
		}
		// A title fixed: nothing flagged, nobody told.
		expect(t, e.req("editor", "PATCH", fmt.Sprint("/sources/", s1), map[string]any{"title": "Testo unico immigrazione, art. 29", "note": "Refuso"}), 200, "a title fixed")

		// Source 2 expires on 30 November: b and c, found once.
		e.clock.Add(21 * 24 * time.Hour) // 30 November, 10:00
		if n, err := e.tk.CheckSources(e.ctx); err != nil || n != 0 {
			t.Fatalf("CheckSources on its last day: %d %v", n, err)
		}
		e.clock.Add(24 * time.Hour) // 1 December
		if n, err := e.tk.CheckSources(e.ctx); err != nil || n != 1 {
			t.Fatalf("CheckSources: %d %v", n, err)
		}
		if n, err := e.tk.CheckSources(e.ctx); err != nil || n != 0 {
			t.Fatalf("CheckSources again: %d %v", n, err)
		}
		e.signIn()
		m2 := e.waitMail("operator2", fmt.Sprintf("scheda n. %d da verificare", c))
		if !strings.Contains(m2.Text, "non è più valida dal 01/12/2026") || !strings.Contains(m2.Text, "Circolare sui redditi minimi 2026") {
			t.Errorf("the expiry e-mail:\n%s", m2.Text)
		}
		e.waitMail("operator", fmt.Sprintf("scheda n. %d da verificare", b))
		toCheck := func(who string) int {
			n := 0
			for _, m := range e.mailsTo(who) {
				if strings.Contains(m.Subject, "da verificare") {
					n++
				}
			}
			return n
		}
		if n := toCheck("operator"); n != 2 {
			t.Errorf("the operator got %d e-mails for two changes", n)
		}
		if n := toCheck("operator2"); n != 1 {
			t.Errorf("operator2 got %d e-mails for one change", n)
		}
		if v := expect(t, e.req("editor", "GET", fmt.Sprint("/sheets/", c), nil), 200, "c").data(); v["outdated_reason"] != "source_expired" {
			t.Errorf("c after the expiry: %v", v["outdated_reason"])
		}
		if s := trStatus(c, "ar"); s != "outdated" {
			t.Errorf("c's translation after the expiry: %s", s)
		}
		src := expect(t, e.req("operator", "GET", fmt.Sprint("/sources/", s2), nil), 200, "the expired source").data()
		if src["expired"] != true || src["expired_at"] == nil || src["changes"].([]any)[0].(map[string]any)["kind"] != "expired" {
			t.Errorf("the expired source: %v", src)
		}

		// d is lodi's, due for review on 20 November: overdue.
		expect(t, e.req("cremaEditor", "PATCH", fmt.Sprint("/sheets/", d), map[string]any{"review_by": "2026-11-20"}), 404, "crema's editor on lodi's sheet")
		expect(t, e.req("operator2", "PATCH", fmt.Sprint("/sheets/", d), map[string]any{"review_by": "2026-11-20"}), 403, "its owner changes its review day")
		expect(t, e.req("editor", "PATCH", fmt.Sprint("/sheets/", d), map[string]any{"review_by": "2026-11-20"}), 200, "the editor changes its review day")
		if v := expect(t, e.req("operator", "GET", fmt.Sprint("/sheets/", d), nil), 200, "d").data(); v["overdue"] != true || v["outdated"] != false {
			t.Errorf("d: overdue %v outdated %v", v["overdue"], v["outdated"])
		}
		want := map[int64]string{a: "outdated", b: "outdated", c: "outdated", d: "overdue"}
		if q := e.queueIDs("editor"); fmt.Sprint(q) != fmt.Sprint(want) {
			t.Errorf("lodi's editor's queue: %v, want %v", q, want)
		}
		delete(want, d)
		if q := e.queueIDs("cremaEditor"); fmt.Sprint(q) != fmt.Sprint(want) {
			t.Errorf("crema's editor's queue: %v, want %v", q, want)
		}
		expect(t, e.req("operator", "GET", "/queue", nil), 403, "an operator's queue")
		expect(t, e.req("editor", "GET", "/queue?page=0", nil), 422, "a bad page")
		q := expect(t, e.req("editor", "GET", "/queue?ambito=network", nil), 200, "the network's queue").list()
		if len(q) != 3 || q[0].(map[string]any)["outdated_source_title"] == "" {
			t.Errorf("the network's queue: %v", q)
		}

		// The editor checks a; publishes a revision of b; c stays.
		expect(t, e.req("operator", "POST", fmt.Sprintf("/sheets/%d/checked", a), nil), 403, "the owner marks it checked")
		v = expect(t, e.req("editor", "POST", fmt.Sprintf("/sheets/%d/checked", a), nil), 200, "checked").data()
		if v["outdated"] != false || v["outdated_reason"] != "" || v["review_by"] != "2027-12-01" || v["checked_at"] == nil {
			t.Errorf("after the check: %v %v %v", v["outdated"], v["review_by"], v["checked_at"])
		}
		if s := trStatus(a, "ar"); s != "outdated" {
			t.Errorf("a's translation after the sheet's check: %s", s)
		}
		bv := expect(t, e.req("editor", "GET", fmt.Sprint("/sheets/", b), nil), 200, "b").data()
		rev := map[string]any{"base_id": bv["published_revision_id"], "title": "Requisiti di reddito", "sections": map[string]string{"what": "Le soglie del 2027."}}
		p := expect(t, e.req("operator", "POST", fmt.Sprintf("/sheets/%d/revisions", b), rev), 201, "a revision of b")
		expect(t, e.req("editor", "POST", fmt.Sprintf("/sheets/%d/publish", b), map[string]any{"revision_id": id(p)}), 200, "publish b")
		if q := e.queueIDs("cremaEditor"); fmt.Sprint(q) != fmt.Sprint(map[int64]string{c: "outdated"}) {
			t.Errorf("the queue after the check and the revision: %v", q)
		}
		if l := expect(t, e.req("operator", "GET", "/sheets?q=idoneit", nil), 200, "list").list(); len(l) != 1 || l[0].(map[string]any)["outdated"] != true {
			t.Errorf("the list: %v", l)
		}
	})
}

// TestSheetPatch: editors change a sheet's owner (someone of its ambito)
// and review day; bad input answers 422 naming the field and changes
// nothing.
func TestSheetPatch(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		in := sheetInput(true)
		in["ambito"] = "lodi"
		sid, _ := e.published("operator", in)
		path := fmt.Sprint("/sheets/", sid)
		for _, c := range []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"an owner of crema", map[string]any{"owner_id": e.id["cremaOperator"]}, "owner_id"},
			{"an owner who is not", map[string]any{"owner_id": 999999}, "owner_id"},
			{"a day", map[string]any{"review_by": "31/12/2027"}, "review_by"},
			{"a zero owner", map[string]any{"owner_id": 0}, "owner_id"},
		} {
			if f := fieldOf(expect(t, e.req("editor", "PATCH", path, c.body), 422, c.name)); f != c.field {
				t.Errorf("%s: field %q", c.name, f)
			}
		}
		if v := expect(t, e.req("editor", "GET", path, nil), 200, "unchanged").data(); v["owner_id"] != float64(e.id["operator"]) || v["review_by"] != "2027-11-09" {
			t.Errorf("a refused change changed the sheet: %v %v", v["owner_id"], v["review_by"])
		}
		v := expect(t, e.req("editor", "PATCH", path, map[string]any{"owner_id": e.id["operator2"], "review_by": ""}), 200, "new owner").data()
		if v["owner_id"] != float64(e.id["operator2"]) || v["owner_name"] != "operator2" || v["review_by"] != "" {
			t.Errorf("after the change: %v %v %v", v["owner_id"], v["owner_name"], v["review_by"])
		}
	})
}
