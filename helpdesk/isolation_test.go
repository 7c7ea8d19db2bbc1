package helpdesk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci"
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

// isoFile is a file to upload (multipart) instead of a JSON body.
type isoFile struct {
	name string
	data []byte
}

// isoRoute is one request of TestIsolationEveryRoute: the route as the
// OpenAPI document names it, the concrete request, and who may make it.
type isoRoute struct {
	route string   // "METHOD /template", as in openapi.json
	path  string   // the concrete path, query included
	body  any      // a JSON body, an isoFile, or nil
	ok    []string // who may: everybody else gets 401, 403 or 404
	// list: a list filtered by the caller's rights, which answers the
	// others 200 with an empty list.
	list bool
	// ref422: the body names an object (a package) that the others may not
	// see, so it may be judged invalid (422) rather than forbidden.
	ref422 bool
}

// isoPeople are the env's people, anonymous included, and three more
// added by TestIsolationEveryRoute in crema.
var isoPeople = []string{"", "operator", "operator2", "cremaOperator", "consultant", "consultant2", "outsiderConsultant",
	"coordinator", "cremaCoordinator", "mediator", "cremaMediator", "admin"}

// isoTables are the rows that no refused request may change (the audit
// log, presence and idempotency records are left out: presence follows
// streams that end asynchronously).
var isoTables = []string{"incroci_helpdesk_desks", "incroci_helpdesk_topics", "incroci_helpdesk_desk_consultants",
	"incroci_helpdesk_consultations", "incroci_helpdesk_status_changes", "incroci_helpdesk_messages", "incroci_helpdesk_attachments",
	"incroci_helpdesk_reads", "incroci_helpdesk_appointments", "incroci_helpdesk_mediation_packages", "incroci_helpdesk_mediation_ledger",
	"incroci_helpdesk_mediator_profiles", "incroci_helpdesk_mediation_requests", "incroci_mail_outbox", "incroci_role_grants"}

// isoSnapshot is every row of isoTables and the number of e-mails sent.
func (e *env) isoSnapshot() map[string]string {
	e.t.Helper()
	out := map[string]string{}
	for _, table := range isoTables {
		var rows []map[string]any
		if err := e.db.Table(table).Order("1, 2").Find(&rows).Error; err != nil {
			e.t.Fatalf("snapshot of %s: %v", table, err)
		}
		raw, _ := json.Marshal(rows)
		out[table] = string(raw)
	}
	out["smtp"] = fmt.Sprint(len(e.smtp.Messages()))
	return out
}

// isoDiff shows where two snapshots of a table part.
func isoDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("before …%s…\nafter  …%s…", a[from:min(len(a), i+160)], b[from:min(len(b), i+160)])
}

// isoSend sends a request like env.req, an upload for an isoFile body; an
// event stream is answered with its headers only, then closed.
func (e *env) isoSend(who, method, path string, body any) resp {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case isoFile:
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		part, _ := w.CreateFormFile("file", b.name)
		part.Write(b.data)
		w.Close()
		rd, ctype = &buf, w.FormDataContentType()
	default:
		raw, _ := json.Marshal(b)
		rd, ctype = bytes.NewReader(raw), "application/json"
	}
	r, _ := http.NewRequestWithContext(ctx, method, e.srv.URL+"/incroci/helpdesk"+path, rd)
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	if who != "" {
		r.Header.Set("Authorization", "Bearer "+e.tok[who])
	}
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		e.t.Fatalf("%s %s as %q: %v", method, path, who, err)
	}
	defer res.Body.Close()
	out := resp{Status: res.StatusCode, Header: res.Header}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		out.Raw, _ = io.ReadAll(res.Body)
		if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			json.Unmarshal(out.Raw, &out.Body)
		}
	}
	checkOpenAPI(e.t, method, path, out)
	return out
}

// TestIsolationEveryRoute sets up one of every object of the help desk in
// lodi, then sends every route of the module (the table below must list
// each operation of openapi.json) as every person who has no business
// with it, expecting 401, 403 or 404 (or an empty list), no case text in
// the answer and nothing changed; the GET routes are also read by each
// person who may, who gets 200 and no text kept from them (internal notes
// never reach operators).
func TestIsolationEveryRoute(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		bkAddPerson(e, "cremaCoordinator", "udp@comune.crema.cr.it", "crema:coordinator")
		bkAddPerson(e, "cremaMediator", "mediatore.crema@example.org", "crema:mediator")

		// A consultation of lodi's operator: a message with a file, an
		// internal note with a file, a file not yet sent.
		cid := e.open("operator")
		c := fmt.Sprint("/consultations/", cid)
		up := func(who, name string, data []byte) int64 {
			t.Helper()
			r := e.upload(who, cid, name, data)
			expect(t, r, 201, "upload "+name)
			return int64(r.data()["id"].(float64))
		}
		sent := up("operator", "permesso-riservato.pdf", pdf)
		msg := e.req("operator", "POST", c+"/messages", map[string]any{"client_id": "iso-message-1", "body": "Testo riservato del messaggio", "attachments": []int64{sent}})
		expect(t, msg, 201, "message")
		msgID := int64(msg.data()["id"].(float64))
		internal := up("consultant", "appunti-interni.txt", []byte("appunti interni del consulente"))
		note := e.req("consultant", "POST", c+"/messages", map[string]any{"client_id": "iso-note-1", "body": "Nota interna riservata", "internal": true,
			"attachments": []int64{internal}})
		expect(t, note, 201, "internal note")
		noteID := int64(note.data()["id"].(float64))
		unsent := up("operator", "bozza-non-inviata.pdf", pdf)
		// Another consultation of lodi, with a file sent: its ids do not
		// reach into the first one's objects.
		cid2 := e.open("operator2")
		c2 := fmt.Sprint("/consultations/", cid2)
		other := int64(e.upload("operator2", cid2, "altro.pdf", pdf).data()["id"].(float64))
		expect(t, e.req("operator2", "POST", c2+"/messages", map[string]any{"client_id": "iso-other-1", "body": "Altro caso", "attachments": []int64{other}}), 201, "other message")

		// Appointments: one accepted (the other proposal of the pair is
		// declined), then a new one proposed.
		tue, wed, thu := romeAt(t, 2026, 11, 10, 10, 0), romeAt(t, 2026, 11, 11, 15, 30), romeAt(t, 2026, 11, 12, 9, 0)
		video := func(start time.Time) helpdesk.SlotInput {
			return helpdesk.SlotInput{Start: start, End: start.Add(time.Hour), Mode: helpdesk.AppointmentVideo, VideoURL: "https://meet.example.org/iso"}
		}
		pair, err := e.hd.ProposeAppointments(e.as("consultant"), cid, helpdesk.ProposeInput{Slots: []helpdesk.SlotInput{video(tue), video(wed)}})
		if err != nil {
			t.Fatal(err)
		}
		accepted := pair[0].ID
		if _, err := e.hd.AcceptAppointment(e.as("operator"), cid, accepted); err != nil {
			t.Fatal(err)
		}
		more, err := e.hd.ProposeAppointments(e.as("consultant"), cid, helpdesk.ProposeInput{Slots: []helpdesk.SlotInput{video(thu)}})
		if err != nil {
			t.Fatal(err)
		}
		proposed := more[0].ID

		// Mediation: a package, the mediators' profiles (crema's speaks
		// Arabic too), a request still open and one booked, both for the
		// consultation.
		pkg := bkMediationSetup(t, e, 600)
		if _, err := e.hd.UpdateMediatorProfile(e.as("cremaMediator"), helpdesk.MediatorProfileInput{Languages: []string{"ar"},
			Modes: []string{"phone", "video", "in_person"}, Ambiti: []string{"crema"},
			Availability: []helpdesk.WeeklyInterval{{Weekday: 3, Start: "08:00", End: "18:00"}, {Weekday: 4, Start: "08:00", End: "18:00"}}}); err != nil {
			t.Fatal(err)
		}
		in := bkRequest(pkg, romeAt(t, 2026, 11, 11, 10, 0), time.Hour, helpdesk.MediationInPerson)
		in.ConsultationID = cid
		requested, err := e.hd.RequestMediator(e.as("operator"), in)
		if err != nil {
			t.Fatal(err)
		}
		in = bkRequest(pkg, romeAt(t, 2026, 11, 12, 11, 0), 30*time.Minute, helpdesk.MediationPhone)
		in.ConsultationID = cid
		confirmed, err := e.hd.RequestMediator(e.as("operator"), in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.hd.ConfirmMediation(e.as("coordinator"), confirmed.ID, e.id["mediator"]); err != nil {
			t.Fatal(err)
		}
		// The setup's e-mails leave first: from now on none may.
		for deadline := time.Now().Add(20 * time.Second); ; {
			var n int64
			if err := e.db.Table("incroci_mail_outbox").Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d e-mails of the setup still in the outbox", n)
			}
			e.p.WakeMail()
			time.Sleep(20 * time.Millisecond)
		}

		// Who may what, by the module's rules.
		var (
			everyone  = isoPeople[1:]
			operators = []string{"operator", "operator2"}     // lodi's: they see lodi's consultations
			desk      = []string{"consultant", "consultant2"} // the desk's: they see its consultations, notes too
			seers     = append(append([]string{}, operators...), desk...)
			managers  = []string{"coordinator", "admin"} // lodi's coordinator and the network's admin
			pkgSeers  = append(append([]string{}, operators...), managers...)
			medSeers  = append(append([]string{}, operators...), "coordinator", "mediator") // the booked or fitting mediator
			medOwners = append(append([]string{}, operators...), "coordinator")
			withSeers = func(extra ...string) []string { return append(append([]string{}, seers...), extra...) }
		)
		dk := fmt.Sprint("/desks/", e.desk.ID)
		att := func(id int64) string { return fmt.Sprintf("%s/attachments/%d", c, id) }
		slot := func(id int64, action string) string { return fmt.Sprintf("%s/appointments/%d/%s", c, id, action) }
		mr := func(id int64, action string) string { return fmt.Sprintf("/mediation/requests/%d%s", id, action) }
		pk := fmt.Sprint("/mediation/packages/", pkg)
		fri := romeAt(t, 2026, 11, 13, 10, 0)
		newRequest := bkRequest(pkg, fri, time.Hour, helpdesk.MediationVideo)
		newRequest.VideoURL = "https://meet.example.org/mediazione"
		routes := []isoRoute{
			{route: "GET /settings", path: "/settings", ok: everyone},
			{route: "POST /personal-data", path: "/personal-data", body: map[string]any{"text": "Chiamare il numero 333 1234567"}, ok: everyone},

			// Desks are the network's: lodi's coordinator and the admin run
			// them; operators of the ambiti a desk serves see it.
			{route: "GET /desks", path: "/desks", ok: []string{"operator", "operator2", "cremaOperator", "consultant", "consultant2", "coordinator", "admin"}, list: true},
			{route: "POST /desks", path: "/desks", body: map[string]any{"slug": "iso", "name": "Sportello iso", "ambito": "lodi", "first_response_hours": 8}, ok: managers},
			{route: "GET /desks/{id}/consultants", path: dk + "/consultants", ok: append(append([]string{}, desk...), managers...)},
			{route: "POST /desks/{id}/consultants", path: dk + "/consultants", body: map[string]any{"person_id": e.id["outsiderConsultant"]}, ok: managers},
			{route: "DELETE /desks/{id}/consultants/{person}", path: fmt.Sprintf("%s/consultants/%d", dk, e.id["consultant2"]), ok: managers},

			// A consultation: lodi's operators and the desk's consultants.
			{route: "GET /consultations", path: "/consultations", ok: seers, list: true},
			{route: "POST /consultations", path: "/consultations", body: e.openInput(), ok: operators},
			{route: "GET /consultations/{id}", path: c, ok: seers},
			{route: "POST /consultations/{id}/status", path: c + "/status", body: map[string]any{"status": "closed"}, ok: seers},
			{route: "POST /consultations/{id}/assign", path: c + "/assign", body: map[string]any{"person_id": e.id["consultant2"]}, ok: desk},
			{route: "GET /consultations/{id}/messages", path: c + "/messages", ok: seers},
			{route: "POST /consultations/{id}/messages", path: c + "/messages", body: map[string]any{"client_id": "iso-intruder-1", "body": "Un messaggio"}, ok: seers},
			{route: "POST /consultations/{id}/messages", path: c + "/messages", body: map[string]any{"client_id": "iso-intruder-2", "body": "Una nota", "internal": true}, ok: desk, ref422: true},                                              // operators write no notes
			{route: "POST /consultations/{id}/messages", path: c + "/messages", body: map[string]any{"client_id": "iso-intruder-3", "body": "Con il file di un altro", "attachments": []int64{unsent}}, ok: []string{"operator"}, ref422: true}, // only its uploader sends a file
			{route: "POST /consultations/{id}/read", path: c + "/read", body: map[string]any{"up_to": msgID}, ok: seers},
			{route: "POST /consultations/{id}/read", path: c + "/read", body: map[string]any{"up_to": noteID}, ok: desk, ref422: true}, // a note is no message for operators
			{route: "POST /consultations/{id}/attachments", path: c + "/attachments", body: isoFile{"intruso.pdf", pdf}, ok: seers},
			{route: "GET /consultations/{id}/attachments/{att}", path: att(sent), ok: seers},
			{route: "GET /consultations/{id}/attachments/{att}", path: att(internal), ok: desk},               // an internal note's file
			{route: "GET /consultations/{id}/attachments/{att}", path: att(unsent), ok: []string{"operator"}}, // not sent yet: its uploader
			{route: "DELETE /consultations/{id}/attachments/{att}", path: att(unsent), ok: []string{"operator"}},
			{route: "DELETE /consultations/{id}/attachments/{att}", path: att(sent), ok: nil},                                    // sent: nobody
			{route: "GET /consultations/{id}/attachments/{att}", path: fmt.Sprintf("%s/attachments/%d", c, other), ok: nil},      // another consultation's file
			{route: "GET /consultations/{id}/attachments/{att}", path: fmt.Sprintf("%s/attachments/%d", c2, unsent), ok: nil},    // through another consultation
			{route: "DELETE /consultations/{id}/attachments/{att}", path: fmt.Sprintf("%s/attachments/%d", c2, unsent), ok: nil}, // through another consultation
			{route: "GET /consultations/{id}/events", path: c + "/events", ok: seers},
			{route: "GET /consultations/{id}/export", path: c + "/export", ok: []string{"consultant", "consultant2", "coordinator"}}, // the desk and lodi's coordinator
			{route: "GET /consultations/{id}/appointments", path: c + "/appointments", ok: seers},
			{route: "POST /consultations/{id}/appointments", path: c + "/appointments", body: map[string]any{"slots": []helpdesk.SlotInput{video(fri)}}, ok: desk},
			{route: "POST /consultations/{id}/appointments/{slot}/accept", path: slot(proposed, "accept"), ok: operators},
			{route: "POST /consultations/{id}/appointments/{slot}/cancel", path: slot(proposed, "cancel"), ok: desk}, // withdrawn by the desk
			{route: "POST /consultations/{id}/appointments/{slot}/cancel", path: slot(accepted, "cancel"), ok: seers},
			{route: "POST /consultations/{id}/appointments/{slot}/accept", path: fmt.Sprintf("%s/appointments/%d/accept", c2, proposed), ok: nil}, // through another consultation
			{route: "POST /consultations/{id}/appointments/{slot}/cancel", path: fmt.Sprintf("%s/appointments/%d/cancel", c2, accepted), ok: nil},

			// Mediation: lodi's packages, seen by its operators, run by its
			// coordinator and the admin; requests seen by lodi's operators and
			// coordinator and by the mediator booked or fitting.
			{route: "GET /mediation/packages", path: "/mediation/packages", ok: pkgSeers, list: true},
			{route: "GET /mediation/packages", path: "/mediation/packages?ambito=lodi", ok: pkgSeers},
			{route: "POST /mediation/packages", path: "/mediation/packages", body: map[string]any{"ambito": "lodi", "body": "Comune di Lodi", "name": "Pacchetto iso",
				"valid_from": "2026-01-01", "valid_to": "2026-12-31", "minutes": 60}, ok: managers},
			{route: "GET /mediation/packages/{id}", path: pk, ok: pkgSeers},
			{route: "POST /mediation/packages/{id}/hours", path: pk + "/hours", body: map[string]any{"minutes": 60}, ok: managers},
			{route: "GET /mediation/packages/{id}/ledger", path: pk + "/ledger", ok: managers},
			{route: "GET /mediation/profile", path: "/mediation/profile", ok: []string{"mediator", "cremaMediator"}},                    // each their own
			{route: "PUT /mediation/profile", path: "/mediation/profile", body: bkProfile(), ok: []string{"mediator", "cremaMediator"}}, // each their own
			{route: "GET /mediation/mediators", path: "/mediation/mediators?ambito=lodi", ok: managers},
			{route: "GET /mediation/requests", path: "/mediation/requests", ok: medSeers, list: true},
			{route: "GET /mediation/events", path: "/mediation/events?ambito=lodi", ok: append(append([]string{}, medSeers...), "admin")},
			{route: "POST /mediation/requests", path: "/mediation/requests", body: newRequest, ok: operators, ref422: true},
			{route: "GET /mediation/requests/{id}", path: mr(requested.ID, ""), ok: medSeers},
			{route: "GET /mediation/requests/{id}", path: mr(confirmed.ID, ""), ok: medSeers},
			{route: "POST /mediation/requests/{id}/confirm", path: mr(requested.ID, "/confirm"), ok: []string{"coordinator", "mediator"}},
			{route: "POST /mediation/requests/{id}/cancel", path: mr(requested.ID, "/cancel"), body: map[string]any{}, ok: medOwners}, // not a mediator who might take it
			{route: "POST /mediation/requests/{id}/cancel", path: mr(confirmed.ID, "/cancel"), body: map[string]any{}, ok: medSeers},
			{route: "POST /mediation/requests/{id}/done", path: mr(confirmed.ID, "/done"), ok: medSeers},
			{route: "POST /mediation/requests/{id}/done", path: mr(requested.ID, "/done"), ok: medOwners},

			// Reports: an ambito's coordinator, desk managers, the admin.
			{route: "GET /reports", path: "/reports?ambito=lodi", ok: managers},
			{route: "GET /reports", path: fmt.Sprintf("/reports?desk=%d", e.desk.ID), ok: []string{"admin"}}, // no manager on the desk
			{route: "GET /reports/consultations.csv", path: "/reports/consultations.csv?ambito=lodi", ok: managers},
		}

		// Every operation of the document has a row, and every row names
		// one and sends a path of it.
		var doc struct {
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		if err := json.Unmarshal(helpdesk.OpenAPI(), &doc); err != nil {
			t.Fatal(err)
		}
		documented := map[string]bool{}
		for p, ops := range doc.Paths {
			for m := range ops {
				if m := strings.ToUpper(m); slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, m) && m+" "+p != "GET /openapi.json" {
					documented[m+" "+p] = true
				}
			}
		}
		covered := map[string]bool{}
		for _, rt := range routes {
			method, _, _ := strings.Cut(rt.route, " ")
			if !documented[rt.route] {
				t.Errorf("%s is not an operation of openapi.json", rt.route)
			} else if o := openAPI(t).Match(method, rt.path); o == nil || o.Key() != rt.route {
				t.Errorf("%s sends %s", rt.route, rt.path)
			}
			for _, who := range rt.ok {
				if !slices.Contains(isoPeople, who) {
					t.Errorf("%s: unknown person %q", rt.route, who)
				}
			}
			covered[rt.route] = true
		}
		for op := range documented {
			if !covered[op] {
				t.Errorf("%s has no row in TestIsolationEveryRoute: say who may use it", op)
			}
		}
		if t.Failed() {
			t.FailNow()
		}

		// Text of the case, and who may read it: the rest never do.
		caseReaders := withSeers("coordinator") // the coordinator through the export
		secrets := map[string][]string{
			"Rinnovo del permesso per lavoro": caseReaders, // subject
			"datore di lavoro ha cessato":     caseReaders, // question
			"M.R.":                            caseReaders, // the beneficiary's label
			"Testo riservato del messaggio":   caseReaders,
			"permesso-riservato.pdf":          caseReaders,
			"Nota interna riservata":          {"consultant", "consultant2", "coordinator"},
			"appunti-interni.txt":             {"consultant", "consultant2", "coordinator"},
			"bozza-non-inviata.pdf":           {"operator", "consultant", "consultant2", "coordinator"},
			"sul percorso scolastico":         withSeers("coordinator", "mediator"), // the mediation note
		}
		leaks := func(who string, r resp, legit bool) string {
			text := string(r.Raw)
			for s, readers := range secrets {
				if strings.Contains(text, s) && (!legit || !slices.Contains(readers, who)) {
					return s
				}
			}
			return ""
		}

		for _, rt := range routes {
			method, _, _ := strings.Cut(rt.route, " ")
			before := e.isoSnapshot()
			for _, who := range isoPeople {
				if slices.Contains(rt.ok, who) {
					continue
				}
				r := e.isoSend(who, method, rt.path, rt.body)
				switch {
				case r.Status == 401 || r.Status == 403 || r.Status == 404:
				case r.Status == 422 && rt.ref422 && who != "":
				case r.Status == 200 && rt.list && r.Body["data"] != nil && len(r.list()) == 0:
				default:
					t.Errorf("%s (%s) as %q: %d %s", rt.route, rt.path, who, r.Status, r.Raw)
				}
				if s := leaks(who, r, false); s != "" {
					t.Errorf("%s (%s) as %q holds %q: %s", rt.route, rt.path, who, s, r.Raw)
				}
			}
			after := e.isoSnapshot()
			for _, table := range append(append([]string{}, isoTables...), "smtp") {
				if before[table] != after[table] {
					t.Errorf("%s (%s) refused changed %s: %s", rt.route, rt.path, table, isoDiff(before[table], after[table]))
				}
			}
			if method != "GET" {
				continue
			}
			// Those who may read it do, and see nothing kept from them.
			for _, who := range rt.ok {
				r := e.isoSend(who, method, rt.path, rt.body)
				if r.Status != 200 {
					t.Errorf("%s (%s) as %q, who may: %d %s", rt.route, rt.path, who, r.Status, r.Raw)
				}
				if rt.list && len(r.list()) == 0 {
					t.Errorf("%s (%s) as %q lists nothing", rt.route, rt.path, who)
				}
				if s := leaks(who, r, true); s != "" {
					t.Errorf("%s (%s) as %q holds %q: %s", rt.route, rt.path, who, s, r.Raw)
				}
			}
		}
	})
}

// TestReportMediationStaysWithAmbiti: a desk's manager reads the desk's
// report, of one ambito too, but never an ambito's mediation hours, which
// belong to its coordinators (and the admins).
func TestReportMediationStaysWithAmbiti(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		pkg := bkMediationSetup(t, e, 600)
		r, err := e.hd.RequestMediator(e.as("operator"), bkRequest(pkg, romeAt(t, 2026, 11, 12, 11, 0), time.Hour, helpdesk.MediationPhone))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.hd.ConfirmMediation(e.as("coordinator"), r.ID, e.id["mediator"]); err != nil {
			t.Fatal(err)
		}
		if _, err := e.hd.AddConsultant(incroci.AsSystem(e.ctx), e.desk.ID, helpdesk.ConsultantInput{PersonID: e.id["consultant2"], Manager: true}); err != nil {
			t.Fatal(err)
		}
		hours := func(who, query string) []any {
			t.Helper()
			rep := e.req(who, "GET", "/reports?to=2026-12-31&"+query, nil)
			expect(t, rep, 200, "report as "+who+" for "+query)
			return rep.data()["mediator_hours"].([]any)
		}
		if h := hours("coordinator", "ambito=lodi"); len(h) != 1 {
			t.Fatalf("lodi's coordinator sees mediator hours %v", h)
		}
		for _, q := range []string{fmt.Sprint("desk=", e.desk.ID), fmt.Sprintf("desk=%d&ambito=lodi", e.desk.ID), fmt.Sprintf("desk=%d&ambito=crema", e.desk.ID)} {
			if h := hours("consultant2", q); len(h) != 0 {
				t.Errorf("the desk's manager sees lodi's mediator hours with %s: %v", q, h)
			}
		}
	})
}
