package helpdesk_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/incrocicomuni/incroci/helpdesk"
)

// TestIsolation sends every consultation route, as every role and ambito
// that has no business with the consultation, and expects 401, 403 or 404,
// with nothing changed.
func TestIsolation(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		id := e.open("operator")
		up := e.upload("operator", id, "permesso.pdf", pdf)
		attID := int64(up.data()["id"].(float64))
		expect(t, e.req("operator", "POST", fmt.Sprintf("/consultations/%d/messages", id), map[string]any{"client_id": "msg-000001", "body": "Testo riservato", "attachments": []int64{attID}}), 201, "message")
		c := fmt.Sprint("/consultations/", id)
		routes := []struct {
			method, path string
			body         any
		}{
			{"GET", c, nil},
			{"POST", c + "/status", map[string]any{"status": "closed"}},
			{"POST", c + "/assign", map[string]any{"person_id": e.id["consultant"]}},
			{"GET", c + "/messages", nil},
			{"POST", c + "/messages", map[string]any{"client_id": "intruder-1", "body": "ciao"}},
			{"POST", c + "/read", map[string]any{"up_to": 1}},
			{"GET", fmt.Sprintf("%s/attachments/%d", c, attID), nil},
			{"GET", c + "/events", nil},
			{"GET", c + "/export", nil},
			{"GET", c + "/appointments", nil},
			{"POST", c + "/appointments", map[string]any{"slots": []map[string]any{{"start": "2026-11-20T09:00:00Z", "end": "2026-11-20T10:00:00Z", "mode": "video", "video_url": "https://meet.example.it/x"}}}},
			{"GET", "/reports?ambito=lodi", nil},
			{"GET", "/reports/consultations.csv?ambito=lodi", nil},
			{"POST", "/desks", map[string]any{"slug": "x", "name": "Desk X", "ambito": "lodi", "first_response_hours": 8}},
			{"POST", fmt.Sprintf("/desks/%d/consultants", e.desk.ID), map[string]any{"person_id": e.id["outsiderConsultant"]}},
			{"GET", fmt.Sprintf("/desks/%d/consultants", e.desk.ID), nil},
			{"DELETE", fmt.Sprintf("/desks/%d/consultants/%d", e.desk.ID, e.id["consultant"]), nil},
		}
		for _, who := range []string{"", "cremaOperator", "outsiderConsultant", "mediator", "admin", "coordinator"} {
			for _, rt := range routes {
				if (who == "admin" || who == "coordinator") && (strings.HasPrefix(rt.path, "/desks") || strings.HasPrefix(rt.path, "/reports")) {
					continue // they manage desks and read reports
				}
				if who == "coordinator" && strings.HasSuffix(rt.path, "/export") {
					continue // coordinators answer access requests
				}
				r := e.req(who, rt.method, rt.path, rt.body)
				if r.Status != 401 && r.Status != 403 && r.Status != 404 {
					t.Fatalf("%s %s as %q: %d %s", rt.method, rt.path, who, r.Status, r.Raw)
				}
				if strings.Contains(string(r.Raw), "riservato") || strings.Contains(string(r.Raw), "Rinnovo") {
					t.Fatalf("%s %s as %q leaks the case: %s", rt.method, rt.path, who, r.Raw)
				}
			}
			// Uploads are judged only after access: 404, not 413 or 415.
			if up := e.upload(who, id, "x.exe", []byte("MZ\x90\x00")); up.Status != 401 && up.Status != 404 {
				t.Fatalf("upload as %q: %d %s", who, up.Status, up.Raw)
			}
			// Lists hold nothing of it.
			if who != "" {
				l := e.req(who, "GET", "/consultations", nil)
				expect(t, l, 200, "list as "+who)
				if len(l.list()) != 0 {
					t.Fatalf("%s lists %s", who, l.Raw)
				}
			}
		}
		// Nothing changed.
		d := e.req("operator", "GET", c, nil).data()
		if d["status"] != "waiting_consultant" || len(d["messages"].([]any)) != 1 {
			t.Fatalf("the consultation changed: %v, %d messages", d["status"], len(d["messages"].([]any)))
		}
		// A consultant whose membership of the desk is no longer active sees
		// nothing of its consultations.
		setActive := func(active bool) {
			t.Helper()
			if err := e.db.Model(&helpdesk.DeskConsultant{}).Where("desk_id = ? AND person_id = ?", e.desk.ID, e.id["consultant"]).
				Update("active", active).Error; err != nil {
				t.Fatal(err)
			}
		}
		expect(t, e.req("consultant", "GET", c, nil), 200, "consultant of the desk")
		setActive(false)
		expect(t, e.req("consultant", "GET", c, nil), 404, "inactive consultant reads")
		expect(t, e.req("consultant", "POST", c+"/messages", map[string]any{"client_id": "inactive-1", "body": "ciao"}), 404, "inactive consultant writes")
		setActive(true)
		expect(t, e.req("consultant", "GET", c, nil), 200, "consultant active again")
		// Operators of lodi may not manage desks either.
		expect(t, e.req("operator", "POST", "/desks", map[string]any{"slug": "y", "name": "Desk Y", "ambito": "lodi", "first_response_hours": 8}), 403, "operator creates a desk")
	})
}
