package helpdesk_test

import (
	"fmt"
	"testing"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/helpdesk"
)

// assignee returns the consultation's assignee id, 0 when unassigned.
func (e *env) assignee(id int64) int64 {
	e.t.Helper()
	var c helpdesk.Consultation
	if err := e.db.Where("id = ?", id).Take(&c).Error; err != nil {
		e.t.Fatal(err)
	}
	if c.AssigneeID == nil {
		return 0
	}
	return *c.AssigneeID
}

// TestRemoveConsultant takes consultants off the desk: they see nothing of
// it any more, their open consultations go to whoever the routing picks, or
// wait unassigned, and the removal is audited. Only those who manage the
// desk may remove.
func TestRemoveConsultant(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		var ids []int64
		for i := 0; i < 3; i++ {
			id := e.open("operator")
			if _, err := e.hd.Assign(e.as("consultant2"), id, e.id["consultant"]); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		if _, err := e.hd.SetStatus(e.as("consultant"), ids[2], helpdesk.StatusResolved); err != nil {
			t.Fatal(err)
		}
		path := func(who string) string { return fmt.Sprintf("/desks/%d/consultants/%d", e.desk.ID, e.id[who]) }
		for _, who := range []string{"operator", "outsiderConsultant", "consultant2"} {
			expect(t, e.req(who, "DELETE", path("consultant"), nil), 403, who+" removes a consultant")
		}
		expect(t, e.req("coordinator", "DELETE", path("operator"), nil), 404, "remove someone not on the desk")
		expect(t, e.req("coordinator", "DELETE", fmt.Sprintf("/desks/%d/consultants/x", e.desk.ID), nil), 404, "remove a malformed id")
		c := fmt.Sprint("/consultations/", ids[0])
		expect(t, e.req("consultant", "GET", c, nil), 200, "consultant before removal")

		r := e.req("coordinator", "DELETE", path("consultant"), nil)
		expect(t, r, 200, "remove consultant")
		if d := r.data(); d["active"] != false || d["name"] != "consultant" {
			t.Fatalf("removed membership %v", d)
		}
		expect(t, e.req("consultant", "GET", c, nil), 404, "removed consultant reads")
		expect(t, e.req("consultant", "POST", c+"/messages", map[string]any{"client_id": "removed-0001", "body": "ciao"}), 404, "removed consultant writes")
		if l := e.req("consultant", "GET", "/consultations", nil); len(l.list()) != 0 {
			t.Fatalf("removed consultant lists %s", l.Raw)
		}
		if l := e.req("consultant", "GET", "/desks", nil); len(l.list()) != 0 {
			t.Fatalf("removed consultant lists desks %s", l.Raw)
		}
		expect(t, e.req("consultant", "GET", fmt.Sprintf("/desks/%d/consultants", e.desk.ID), nil), 403, "removed consultant lists the desk's consultants")
		for _, id := range ids[:2] {
			if a := e.assignee(id); a != e.id["consultant2"] {
				t.Fatalf("open consultation %d assigned to %d, want consultant2", id, a)
			}
		}
		if a := e.assignee(ids[2]); a != e.id["consultant"] {
			t.Fatalf("resolved consultation reassigned to %d", a)
		}
		e.waitMail(e.email["consultant2"], "assegnata")

		// The last consultant leaves: their cases wait in the queue, and so
		// do new ones.
		expect(t, e.req("admin", "DELETE", path("consultant2"), nil), 200, "remove consultant2")
		for _, id := range ids[:2] {
			if a := e.assignee(id); a != 0 {
				t.Fatalf("consultation %d still assigned to %d", id, a)
			}
		}
		if a := e.assignee(e.open("operator")); a != 0 {
			t.Fatalf("a new consultation went to %d with nobody on the desk", a)
		}
		if got := bkAudit(t, e, "helpdesk.desk.consultant.remove"); len(got) != 2 {
			t.Fatalf("removals audited: %v", got)
		}
		// Added again, a consultant is back at work.
		if _, err := e.hd.AddConsultant(incroci.AsSystem(e.ctx), e.desk.ID, helpdesk.ConsultantInput{PersonID: e.id["consultant"]}); err != nil {
			t.Fatal(err)
		}
		expect(t, e.req("consultant", "GET", c, nil), 200, "consultant added again")
		if a := e.assignee(e.open("operator")); a != e.id["consultant"] {
			t.Fatalf("a new consultation went to %d, want consultant", a)
		}
	})
}

// TestRevokedConsultantRole: a desk's consultant whose consultant role is
// revoked on the platform loses the desk with it: no access to its
// consultations, no new ones routed to them, no assignments.
func TestRevokedConsultantRole(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		id := e.open("operator")
		if _, err := e.hd.Assign(e.as("consultant2"), id, e.id["consultant"]); err != nil {
			t.Fatal(err)
		}
		c := fmt.Sprint("/consultations/", id)
		expect(t, e.req("consultant", "GET", c, nil), 200, "consultant with the role")
		if _, err := e.p.RevokeRole(e.as("coordinator"), "lodi", e.id["consultant"], incroci.RoleConsultant); err != nil {
			t.Fatal(err)
		}
		expect(t, e.req("consultant", "GET", c, nil), 404, "consultant without the role reads")
		expect(t, e.req("consultant", "POST", c+"/messages", map[string]any{"client_id": "revoked-0001", "body": "ciao"}), 404, "consultant without the role writes")
		if l := e.req("consultant", "GET", "/consultations", nil); len(l.list()) != 0 {
			t.Fatalf("consultant without the role lists %s", l.Raw)
		}
		expect(t, e.req("consultant", "GET", fmt.Sprintf("/desks/%d/consultants", e.desk.ID), nil), 403, "consultant without the role lists the desk's consultants")
		for i := 0; i < 3; i++ {
			if a := e.assignee(e.open("operator")); a != e.id["consultant2"] {
				t.Fatalf("a new consultation went to %d, want consultant2", a)
			}
		}
		expect(t, e.req("consultant2", "POST", c+"/assign", map[string]any{"person_id": e.id["consultant"]}), 422, "assign to a consultant without the role")
		// Their cases go back to the routing when they are taken off the desk.
		expect(t, e.req("coordinator", "DELETE", fmt.Sprintf("/desks/%d/consultants/%d", e.desk.ID, e.id["consultant"]), nil), 200, "remove")
		if a := e.assignee(id); a != e.id["consultant2"] {
			t.Fatalf("consultation assigned to %d, want consultant2", a)
		}
	})
}
