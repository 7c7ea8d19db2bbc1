package helpdesk_test

import (
	"fmt"
	"testing"
)

// TestNames checks that people appear by name where they take part: the
// operator and the assignee of a consultation, the authors of its messages
// (in the consultation and in the messages fetched after a reconnection),
// who changed its status, and the queue.
func TestNames(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		id := e.open("operator")
		c := fmt.Sprint("/consultations/", id)
		expect(t, e.req("consultant", "POST", c+"/assign", map[string]any{"person_id": e.id["consultant2"]}), 200, "assign")
		expect(t, e.req("consultant2", "POST", c+"/messages", map[string]any{"client_id": "answer-0001", "body": "Serve la lettera di licenziamento."}), 201, "answer")
		expect(t, e.req("consultant2", "POST", c+"/messages", map[string]any{"client_id": "note-0001", "body": "Da verificare", "internal": true}), 201, "note")

		d := e.req("operator", "GET", c, nil).data()
		if d["operator_name"] != "operator" || d["assignee_name"] != "consultant2" {
			t.Errorf("the consultation names %v and %v", d["operator_name"], d["assignee_name"])
		}
		msgs := d["messages"].([]any)
		if len(msgs) != 1 || msgs[0].(map[string]any)["author_name"] != "consultant2" {
			t.Errorf("the operator's messages: %v", msgs)
		}
		hist := d["history"].([]any)
		if last := hist[len(hist)-1].(map[string]any); last["actor_name"] != "consultant2" || last["to"] != "waiting_operator" {
			t.Errorf("the last change of status: %v", last)
		}
		after := e.req("consultant", "GET", c+"/messages?after=0", nil)
		expect(t, after, 200, "messages")
		got := after.data()["messages"].([]any)
		if len(got) != 2 || got[0].(map[string]any)["author_name"] != "consultant2" || got[1].(map[string]any)["author_name"] != "consultant2" {
			t.Errorf("the consultant's messages after 0: %v", got)
		}
		list := e.req("consultant", "GET", "/consultations", nil).list()
		if len(list) != 1 || list[0].(map[string]any)["assignee_name"] != "consultant2" || list[0].(map[string]any)["operator_name"] != "operator" {
			t.Errorf("the queue: %v", list)
		}
		// Being shown in a list is a reading too: audited in the ambito, with the ids.
		var details []string
		e.db.Table("incroci_audit").Where("action = ? AND ambito = ? AND actor_id = ?", "helpdesk.consultation.list", "lodi", e.id["consultant"]).Pluck("detail", &details)
		if len(details) != 1 || details[0] != fmt.Sprintf(`{"ids":[%d]}`, id) {
			t.Errorf("the list's audit entries: %q", details)
		}
	})
}
