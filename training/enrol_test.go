package training_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/training"
)

// meetings are two mornings in December, in Italian time.
var meetings = []map[string]any{
	{"start": "2026-12-03T09:00:00+01:00", "end": "2026-12-03T13:00:00+01:00", "place": "Sala consiliare, Lodi"},
	{"start": "2026-12-10T09:00:00+01:00", "end": "2026-12-10T13:00:00+01:00", "video_url": "https://meet.example.org/formazione"},
}

// course creates a course as who and returns its id.
func (e *env) course(who, ambito string, audience ...string) float64 {
	e.t.Helper()
	if audience == nil {
		audience = []string{}
	}
	r := expect(e.t, e.req(who, "POST", "/courses", map[string]any{"ambito": ambito, "title": "Accogliere le famiglie ricongiunte",
		"goals": "Conoscere la procedura di ricongiungimento.\nLavorare con i mediatori.", "audience": audience, "topics": []string{"ricongiungimento"},
		"hours": 8, "trainer_ids": []int64{e.id["trainer"]}, "materials": []map[string]any{{"title": "Scheda", "sheet_id": 3}, {"title": "Slide", "url": "https://example.org/slide.pdf"}}}), 201, "create course")
	return r.data()["id"].(float64)
}

// edition adds an edition to course with capacity and quotas (role,
// ambito, seats), as who, and returns it.
func (e *env) edition(who string, course float64, capacity int, approval bool, quotas ...map[string]any) map[string]any {
	e.t.Helper()
	if quotas == nil {
		quotas = []map[string]any{}
	}
	r := expect(e.t, e.req(who, "POST", fmt.Sprintf("/courses/%v/editions", course), map[string]any{"title": "Autunno", "capacity": capacity,
		"enrol_from": "2026-11-01T00:00:00+01:00", "enrol_until": "2026-11-30T18:00:00+01:00", "cancel_until": "2026-11-30T18:00:00+01:00",
		"approval": approval, "meetings": meetings, "quotas": quotas}), 201, "create edition")
	return r.data()
}

func (e *env) enrol(who string, edition any) map[string]any {
	e.t.Helper()
	return expect(e.t, e.req(who, "POST", fmt.Sprintf("/editions/%v/enrol", edition), nil), 201, who+" enrols").data()
}

func (e *env) seats(edition any) map[string]any {
	e.t.Helper()
	return expect(e.t, e.req("coordinator", "GET", fmt.Sprintf("/editions/%v", edition), nil), 200, "edition").data()["seats"].(map[string]any)
}

func TestCourses(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		id := e.course("coordinator", "lodi", "operator", "mediator")
		// Only coordinators of the ambito, and admins for the network.
		expect(t, e.req("operator", "POST", "/courses", map[string]any{"ambito": "lodi", "title": "Corso", "goals": "Obiettivi", "hours": 2}), 403, "operator creates")
		expect(t, e.req("cremaCoordinator", "POST", "/courses", map[string]any{"ambito": "lodi", "title": "Corso", "goals": "Obiettivi", "hours": 2}), 403, "other coordinator")
		expect(t, e.req("coordinator", "POST", "/courses", map[string]any{"title": "Corso di rete", "goals": "Obiettivi", "hours": 2}), 403, "coordinator, network course")
		net := expect(t, e.req("admin", "POST", "/courses", map[string]any{"title": "Corso di rete", "goals": "Obiettivi", "hours": 2.5}), 201, "admin, network course").data()
		expect(t, e.req("", "GET", "/courses", nil), 401, "anonymous")
		if f := expect(t, e.req("admin", "POST", "/courses", map[string]any{"ambito": "altrove", "title": "Corso", "goals": "Obiettivi", "hours": 2}), 422, "unknown ambito").fields(); len(f) != 1 || f[0] != "ambito" {
			t.Errorf("unknown ambito: %v", f)
		}

		// Bad input, in Italian and English, changes nothing.
		bad := e.req("coordinator", "POST", "/courses", map[string]any{"ambito": "lodi", "title": "X", "goals": "Obiettivi", "hours": 0, "topics": []string{"astrologia"},
			"trainer_ids": []int64{e.id["operator"]}, "materials": []map[string]any{{"title": "Link", "url": "javascript:alert(1)"}, {"title": "Niente"}}})
		expect(t, bad, 422, "bad course")
		if f := strings.Join(bad.fields(), " "); f != "title hours" {
			t.Errorf("fields %q", f)
		}
		bad = e.req("coordinator", "POST", "/courses", map[string]any{"ambito": "lodi", "title": "Corso", "goals": "Obiettivi", "hours": 3, "topics": []string{"astrologia"},
			"trainer_ids": []int64{e.id["operator"]}, "materials": []map[string]any{{"title": "Link", "url": "javascript:alert(1)"}, {"title": "Niente"}}}, "Accept-Language", "en")
		expect(t, bad, 422, "bad course, second rules")
		if f := strings.Join(bad.fields(), " "); f != "topics[0] materials[0].url materials[1] trainer_ids[0]" {
			t.Errorf("fields %q", f)
		}
		if !strings.Contains(string(bad.Raw), "unknown topic") || !strings.Contains(string(bad.Raw), "must be a trainer") {
			t.Errorf("English messages: %s", bad.Raw)
		}
		it := e.req("coordinator", "POST", "/courses", map[string]any{"ambito": "lodi", "title": "Corso", "goals": "Obiettivi", "hours": 3, "topics": []string{"astrologia"}})
		if !strings.Contains(string(it.Raw), "argomento sconosciuto") {
			t.Errorf("Italian message: %s", it.Raw)
		}

		// Visibility: lodi's course for lodi's people, the network's for all.
		list := expect(t, e.req("cremaOperator", "GET", "/courses", nil), 200, "crema's catalogue").list()
		if len(list) != 1 || list[0].(map[string]any)["id"] != net["id"] {
			t.Errorf("crema sees %v", list)
		}
		expect(t, e.req("cremaOperator", "GET", fmt.Sprintf("/courses/%v", id), nil), 404, "crema reads lodi's course")
		list = expect(t, e.req("operator", "GET", "/courses?topic=ricongiungimento&role=operator&per_page=1", nil), 200, "lodi's catalogue").list()
		if len(list) != 1 || list[0].(map[string]any)["id"] != id {
			t.Errorf("lodi filtered: %v", list)
		}
		if n := len(expect(t, e.req("operator", "GET", "/courses?q=RETE&ambito=-", nil), 200, "search").list()); n != 1 {
			t.Errorf("search: %d", n)
		}
		expect(t, e.req("operator", "GET", "/courses?per_page=500", nil), 422, "per_page")

		// Replace: the ambito stays.
		upd := map[string]any{"ambito": "lodi", "title": "Accogliere le famiglie", "goals": "Obiettivi nuovi", "hours": 6, "audience": []string{"operator"}, "trainer_ids": []int64{e.id["trainer"]}}
		expect(t, e.req("operator", "PUT", fmt.Sprintf("/courses/%v", id), upd), 403, "operator edits")
		expect(t, e.req("cremaCoordinator", "PUT", fmt.Sprintf("/courses/%v", id), upd), 404, "crema edits")
		expect(t, e.req("coordinator", "PUT", "/courses/999999", upd), 404, "no course")
		expect(t, e.req("coordinator", "PUT", "/courses/x", upd), 404, "bad id")
		upd["ambito"] = "crema"
		expect(t, e.req("coordinator", "PUT", fmt.Sprintf("/courses/%v", id), upd), 422, "move course")
		upd["ambito"] = "lodi"
		c := expect(t, e.req("coordinator", "PUT", fmt.Sprintf("/courses/%v", id), upd), 200, "edit").data()
		if c["title"] != "Accogliere le famiglie" || c["hours"].(float64) != 6 {
			t.Errorf("edited: %v", c)
		}

		// Editions: managers only; meetings in Italian time.
		ed := e.edition("coordinator", id, 10, false, map[string]any{"role": "mediator", "seats": 2})
		if ed["threshold"].(float64) != 75 || len(ed["meetings"].([]any)) != 2 || ed["cancel_until"] != "2026-11-30T18:00:00+01:00" {
			t.Errorf("edition: %v", ed)
		}
		bad = e.req("coordinator", "POST", fmt.Sprintf("/courses/%v/editions", id), map[string]any{"capacity": 2, "enrol_from": "2026-11-30T00:00:00+01:00", "enrol_until": "2026-11-01T00:00:00+01:00",
			"meetings": []map[string]any{{"start": "2026-12-03T09:00:00Z", "end": "2026-12-03T08:00:00+01:00"}, {"start": "2026-07-03T09:00:00+02:00", "end": "2026-07-03T10:00:00+02:00", "video_url": "ftp://x"}},
			"quotas":   []map[string]any{{"seats": 1}, {"role": "operator", "ambito": "crema", "seats": 2}}})
		expect(t, bad, 422, "bad edition")
		if f := strings.Join(bad.fields(), " "); f != "meetings[0].start meetings[0].end meetings[0].place meetings[1].video_url enrol_until quotas[0].role quotas[1].ambito quotas" {
			t.Errorf("edition fields %q", f)
		}
		expect(t, e.req("trainer", "POST", fmt.Sprintf("/courses/%v/editions", id), map[string]any{"capacity": 2, "enrol_from": "2026-11-01T00:00:00+01:00", "enrol_until": "2026-11-30T00:00:00+01:00", "meetings": meetings}), 403, "trainer adds an edition")
		// Open for enrolment: the course with the edition, not the network's without one.
		list = expect(t, e.req("operator", "GET", "/courses?open=true", nil), 200, "open courses").list()
		if len(list) != 1 || list[0].(map[string]any)["id"] != id {
			t.Errorf("open courses: %v", list)
		}
		e.clock.Add(22 * 24 * time.Hour)
		e.signIn()
		if n := len(expect(t, e.req("operator", "GET", "/courses?open=true", nil), 200, "open courses, window over").list()); n != 0 {
			t.Errorf("%d courses open after the window", n)
		}
		e.clock.Add(-22 * 24 * time.Hour)
		e.signIn()
		cv := expect(t, e.req("operator", "GET", fmt.Sprintf("/courses/%v", id), nil), 200, "course view").data()
		if eds := cv["editions"].([]any); len(eds) != 1 {
			t.Errorf("editions %v", eds)
		}
		// Its trainer reads it and its enrolments (audited).
		expect(t, e.req("trainer", "GET", fmt.Sprintf("/editions/%v", ed["id"]), nil), 200, "trainer reads edition")
		expect(t, e.req("trainer", "GET", fmt.Sprintf("/editions/%v/enrolments", ed["id"]), nil), 200, "trainer reads enrolments")
		expect(t, e.req("operator", "GET", fmt.Sprintf("/editions/%v/enrolments", ed["id"]), nil), 403, "operator reads enrolments")
		expect(t, e.req("cremaTrainer", "GET", fmt.Sprintf("/editions/%v/enrolments", ed["id"]), nil), 404, "other trainer")
		expect(t, e.req("trainer", "GET", fmt.Sprintf("/editions/%v/enrolments?status=maybe", ed["id"]), nil), 422, "bad status")
		var n int64
		e.db.Model(&incroci.AuditEntry{}).Where("action = ?", "training.enrolments.read").Count(&n)
		if n != 1 {
			t.Errorf("%d audit entries of reads", n)
		}
	})
}

// TestQuotasAndWaitingList fills an edition of 4 seats (1 for operators, 1
// for mediators, 2 free), then frees seats: each goes to the first waiting
// person who fits it, offered for 48 hours, and passes on when not taken.
func TestQuotasAndWaitingList(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		c := e.course("admin", "")
		ed := e.edition("admin", c, 4, false, map[string]any{"role": "operator", "seats": 1}, map[string]any{"role": "mediator", "seats": 1})
		id := ed["id"]
		qOp, qMed := ed["quotas"].([]any)[0].(map[string]any)["id"], ed["quotas"].([]any)[1].(map[string]any)["id"]
		a := e.enrol("operator", id)
		if a["status"] != "confirmed" || a["quota_id"] != qOp {
			t.Fatalf("first operator: %v", a)
		}
		b := e.enrol("operator2", id)
		e.enrol("operator3", id)
		w1 := e.enrol("cremaOperator", id)
		if w1["status"] != "waiting" || w1["position"].(float64) != 1 || w1["quota_id"] != nil {
			t.Fatalf("fourth operator: %v", w1)
		}
		m := e.enrol("mediator", id)
		if m["status"] != "confirmed" || m["quota_id"] != qMed {
			t.Fatalf("mediator takes the reserved seat past the waiting operator: %v", m)
		}
		w2 := e.enrol("cremaMediator", id)
		if w2["status"] != "waiting" || w2["position"].(float64) != 2 {
			t.Fatalf("second mediator: %v", w2)
		}
		expect(t, e.req("operator", "POST", fmt.Sprintf("/editions/%v/enrol", id), nil), 409, "enrols twice")
		s := e.seats(id)
		if s["held"].(float64) != 4 || s["free"].(float64) != 0 || s["waiting"].(float64) != 2 {
			t.Errorf("seats %v", s)
		}
		e.waitMail("operator", "iscrizione confermata")
		mw := e.waitMail("cremaOperator", "lista d'attesa")
		if !strings.Contains(mw.Text, "posizione 1") {
			t.Errorf("waiting mail: %s", mw.Text)
		}
		conf := e.waitMail("mediator", "iscrizione confermata")
		if len(conf.Attachments) != 1 || !strings.Contains(string(conf.Attachments[0].Data), "DTSTART:20261203T080000Z") ||
			!strings.Contains(conf.Attachments[0].ContentType, "text/calendar") || !strings.Contains(conf.Text, "03/12/2026, 09:00–13:00, Sala consiliare, Lodi") {
			t.Errorf("confirmation: %q %v", conf.Text, conf.Attachments)
		}

		// Others cannot act on someone's enrolment.
		expect(t, e.req("operator", "POST", fmt.Sprintf("/enrolments/%v/cancel", b["id"]), nil), 404, "cancel another's")
		expect(t, e.req("operator", "POST", fmt.Sprintf("/enrolments/%v/accept", a["id"]), nil), 409, "accept without an offer")

		// A free seat frees: offered to the first waiting, who fits.
		expect(t, e.req("operator2", "POST", fmt.Sprintf("/enrolments/%v/cancel", b["id"]), nil), 200, "operator2 cancels")
		off := expect(t, e.req("cremaOperator", "GET", fmt.Sprintf("/editions/%v", id), nil), 200, "edition").data()["mine"].(map[string]any)
		if off["status"] != "offered" || off["offered_until"] != "2026-11-11T09:00:00Z" {
			t.Errorf("offer: %v", off)
		}
		om := e.waitMail("cremaOperator", "un posto per te")
		if len(om.Attachments) != 1 || !strings.Contains(om.Text, "11/11/2026 10:00") || !strings.Contains(om.Text, linkPage+"?incroci_edition=") {
			t.Errorf("offer mail: %s", om.Text)
		}
		// The mediator's seat frees: the waiting operator does not fit it,
		// the waiting mediator after them does.
		expect(t, e.req("mediator", "POST", fmt.Sprintf("/enrolments/%v/cancel", m["id"]), nil), 200, "mediator cancels")
		mine := expect(t, e.req("cremaMediator", "GET", "/me/enrolments", nil), 200, "my enrolments").list()
		if len(mine) != 1 || mine[0].(map[string]any)["status"] != "offered" || mine[0].(map[string]any)["course"].(map[string]any)["id"] != c {
			t.Errorf("mediator's offer: %v", mine)
		}
		// One takes the offer, the other lets it lapse.
		expect(t, e.req("cremaMediator", "POST", fmt.Sprintf("/enrolments/%v/accept", w2["id"]), nil), 200, "accept")
		e.clock.Add(49 * time.Hour)
		e.signIn()
		expect(t, e.req("cremaOperator", "POST", fmt.Sprintf("/enrolments/%v/accept", w1["id"]), nil), 409, "accept too late")
		n, err := e.tr.ExpireOffers(e.ctx)
		if err != nil || n != 1 {
			t.Fatalf("ExpireOffers = %d, %v", n, err)
		}
		e.waitMail("cremaOperator", "posto non più disponibile")
		s = e.seats(id)
		if s["held"].(float64) != 3 || s["free"].(float64) != 1 || s["waiting"].(float64) != 0 {
			t.Errorf("seats after lapse %v", s)
		}
		// The lapsed person may enrol again, at the end of the list, and the
		// free seat is theirs.
		again := e.enrol("cremaOperator", id)
		if again["status"] != "confirmed" || again["id"] != w1["id"] {
			t.Errorf("again: %v", again)
		}
		// Cancellation deadline.
		e.clock.Add(30 * 24 * time.Hour)
		e.signIn()
		expect(t, e.req("operator", "POST", fmt.Sprintf("/enrolments/%v/cancel", a["id"]), nil), 409, "cancel after the deadline")
		expect(t, e.req("admin", "POST", fmt.Sprintf("/enrolments/%v/cancel", a["id"]), nil), 200, "manager cancels after the deadline")
		expect(t, e.req("operator3", "POST", fmt.Sprintf("/editions/%v/enrol", id), nil), 409, "enrol after the window")
	})
}

// TestSeatsRearranged: a person who fits two quotas moves to the other so
// that someone who fits only the first gets a seat; an edition cannot
// shrink below who holds seats.
func TestSeatsRearranged(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		c := e.course("admin", "")
		ed := e.edition("admin", c, 2, false, map[string]any{"role": "operator", "seats": 1}, map[string]any{"ambito": "crema", "seats": 1})
		id := ed["id"]
		a := e.enrol("cremaOperator", id)
		b := e.enrol("operator", id)
		if a["status"] != "confirmed" || b["status"] != "confirmed" {
			t.Fatalf("a %v, b %v", a, b)
		}
		w := e.enrol("cremaMediator", id)
		if w["status"] != "waiting" {
			t.Errorf("crema mediator: %v", w)
		}
		list := expect(t, e.req("admin", "GET", fmt.Sprintf("/editions/%v/enrolments", id), nil), 200, "enrolments").list()
		quota := map[string]any{}
		for _, x := range list {
			m := x.(map[string]any)
			quota[m["email"].(string)] = m["quota_id"]
		}
		q := ed["quotas"].([]any)
		if quota[e.email["cremaOperator"]] != q[1].(map[string]any)["id"] || quota[e.email["operator"]] != q[0].(map[string]any)["id"] {
			t.Errorf("seats: %v", quota)
		}
		// Shrinking below the people holding seats is refused.
		in := map[string]any{"capacity": 1, "enrol_from": "2026-11-01T00:00:00+01:00", "enrol_until": "2026-11-30T18:00:00+01:00", "meetings": meetings}
		expect(t, e.req("admin", "PUT", fmt.Sprintf("/editions/%v", id), in), 409, "shrink")
		// Growing offers the new seat to the waiting list.
		in["capacity"] = 3
		in["quotas"] = []map[string]any{{"role": "operator", "seats": 1}}
		ms := ed["meetings"].([]any)
		in["meetings"] = []map[string]any{{"id": ms[0].(map[string]any)["id"], "start": "2026-12-03T10:00:00+01:00", "end": "2026-12-03T13:00:00+01:00", "place": "Lodi"}}
		up := expect(t, e.req("admin", "PUT", fmt.Sprintf("/editions/%v", id), in), 200, "grow").data()
		if len(up["meetings"].([]any)) != 1 || up["meetings"].([]any)[0].(map[string]any)["id"] != ms[0].(map[string]any)["id"] {
			t.Errorf("meetings: %v", up["meetings"])
		}
		mine := expect(t, e.req("cremaMediator", "GET", fmt.Sprintf("/editions/%v", id), nil), 200, "edition").data()["mine"].(map[string]any)
		if mine["status"] != "offered" {
			t.Errorf("after growing: %v", mine)
		}
		expect(t, e.req("operator", "POST", fmt.Sprintf("/enrolments/%v/decline", mine["id"]), nil), 404, "decline another's offer")
		d := expect(t, e.req("cremaMediator", "POST", fmt.Sprintf("/enrolments/%v/decline", mine["id"]), nil), 200, "decline").data()
		if d["status"] != "lapsed" || d["quota_id"] != nil {
			t.Errorf("declined: %v", d)
		}
		if s := e.seats(id); s["held"].(float64) != 2 || s["free"].(float64) != 1 {
			t.Errorf("seats after declining: %v", s)
		}
	})
}

// TestApproval: seats wait for the coordinator of the person's ambito.
func TestApproval(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		c := e.course("admin", "", "operator")
		ed := e.edition("admin", c, 1, true)
		a := e.enrol("cremaOperator", ed["id"])
		if a["status"] != "pending" {
			t.Fatalf("pending: %v", a)
		}
		e.waitMail("cremaOperator", "attesa di approvazione")
		w := e.enrol("operator", ed["id"])
		expect(t, e.req("mediator", "POST", fmt.Sprintf("/editions/%v/enrol", ed["id"]), nil), 403, "not the audience")
		expect(t, e.req("operator", "POST", fmt.Sprintf("/editions/%v/enrol", ed["id"]), map[string]any{"ambito": "crema"}), 422, "wrong ambito")
		// Lodi's coordinator sees only lodi's enrolments and cannot approve crema's.
		list := expect(t, e.req("coordinator", "GET", fmt.Sprintf("/editions/%v/enrolments", ed["id"]), nil), 200, "lodi coordinator").list()
		if len(list) != 1 || list[0].(map[string]any)["id"] != w["id"] || list[0].(map[string]any)["position"].(float64) != 1 {
			t.Errorf("lodi coordinator sees %v", list)
		}
		expect(t, e.req("coordinator", "POST", fmt.Sprintf("/enrolments/%v/approve", a["id"]), nil), 404, "other ambito approves")
		expect(t, e.req("cremaCoordinator", "POST", fmt.Sprintf("/enrolments/%v/reject", a["id"]), nil), 200, "reject")
		e.waitMail("cremaOperator", "non approvata")
		// The seat is offered to the waiting operator, who takes it: pending again.
		expect(t, e.req("operator", "POST", fmt.Sprintf("/enrolments/%v/accept", w["id"]), nil), 200, "accept")
		r := expect(t, e.req("coordinator", "POST", fmt.Sprintf("/enrolments/%v/approve", w["id"]), nil), 200, "approve").data()
		if r["status"] != "confirmed" {
			t.Errorf("approved: %v", r)
		}
		expect(t, e.req("coordinator", "POST", fmt.Sprintf("/enrolments/%v/approve", w["id"]), nil), 409, "approve twice")
		expect(t, e.req("operator", "POST", fmt.Sprintf("/enrolments/%v/decline", w["id"]), nil), 409, "decline a confirmed seat")
	})
}

// TestCalendarFeed: the signed address gives the person's meetings; a
// forged one nothing.
func TestCalendarFeed(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		c := e.course("coordinator", "lodi")
		ed := e.edition("coordinator", c, 5, false)
		e.enrol("operator", ed["id"])
		link := expect(t, e.req("operator", "GET", "/me/calendar", nil), 200, "feed link").data()["url"].(string)
		if !strings.HasPrefix(link, "https://hub.example.it/incroci/training/me/calendar.ics?") {
			t.Fatalf("link %s", link)
		}
		path := strings.TrimPrefix(link, "https://hub.example.it/incroci/training")
		feed := expect(t, e.req("", "GET", path, nil), 200, "feed")
		if s := string(feed.Raw); strings.Count(s, "BEGIN:VEVENT") != 2 || !strings.Contains(s, "LOCATION:Sala consiliare\\, Lodi") || !strings.Contains(s, "URL:https://meet.example.org/formazione") {
			t.Errorf("feed:\n%s", s)
		}
		other := fmt.Sprintf("/me/calendar.ics?person=%d&sig=%s", e.id["operator2"], path[strings.Index(path, "sig=")+4:])
		expect(t, e.req("", "GET", other, nil), 403, "forged feed")
		empty := expect(t, e.req("operator2", "GET", "/me/calendar", nil), 200, "feed link").data()["url"].(string)
		if s := string(expect(t, e.req("", "GET", strings.TrimPrefix(empty, "https://hub.example.it/incroci/training"), nil), 200, "empty feed").Raw); strings.Contains(s, "VEVENT") {
			t.Errorf("empty feed: %s", s)
		}

		// A leaked link is replaced: the old one stops working at once, the
		// new one works, and GET gives the new one; twice over.
		for i := range 2 {
			fresh := expect(t, e.req("operator", "POST", "/me/calendar/reset", nil), 200, "reset").data()["url"].(string)
			if fresh == link {
				t.Fatalf("reset %d gave the same link", i+1)
			}
			expect(t, e.req("", "GET", path, nil), 403, "the replaced link")
			if got := expect(t, e.req("operator", "GET", "/me/calendar", nil), 200, "feed link").data()["url"]; got != fresh {
				t.Errorf("after reset %d GET gives %v, want %s", i+1, got, fresh)
			}
			link, path = fresh, strings.TrimPrefix(fresh, "https://hub.example.it/incroci/training")
			if s := string(expect(t, e.req("", "GET", path, nil), 200, "the new link").Raw); strings.Count(s, "BEGIN:VEVENT") != 2 {
				t.Errorf("the new link's feed:\n%s", s)
			}
		}
		// operator2's link, never replaced, still works; a person id with
		// a leading zero is no other person's.
		expect(t, e.req("", "GET", strings.TrimPrefix(empty, "https://hub.example.it/incroci/training"), nil), 200, "another's link after a reset")
		expect(t, e.req("", "GET", strings.Replace(path, "person=", "person=0", 1), nil), 403, "a padded id")
		expect(t, e.req("", "POST", "/me/calendar/reset", nil), 401, "reset signed out")
	})
}

// TestCancelEdition: the managers call an edition off; its people are told
// and nobody enrols any more.
func TestCancelEdition(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		c := e.course("coordinator", "lodi")
		ed := e.edition("coordinator", c, 1, false)
		e.enrol("operator", ed["id"])
		e.enrol("mediator", ed["id"])
		expect(t, e.req("trainer", "POST", fmt.Sprintf("/editions/%v/cancel", ed["id"]), nil), 403, "trainer cancels")
		expect(t, e.req("cremaCoordinator", "POST", fmt.Sprintf("/editions/%v/cancel", ed["id"]), nil), 404, "other ambito cancels")
		got := expect(t, e.req("coordinator", "POST", fmt.Sprintf("/editions/%v/cancel", ed["id"]), nil), 200, "cancel").data()
		if got["cancelled"] != true || got["seats"].(map[string]any)["held"].(float64) != 0 {
			t.Errorf("cancelled: %v", got)
		}
		expect(t, e.req("coordinator", "POST", fmt.Sprintf("/editions/%v/cancel", ed["id"]), nil), 409, "cancel twice")
		for _, who := range []string{"operator", "mediator"} {
			m := e.waitMail(who, "edizione annullata")
			if len(m.Attachments) != 1 || !strings.Contains(string(m.Attachments[0].Data), "STATUS:CANCELLED") {
				t.Errorf("%s: %v", who, m.Attachments)
			}
		}
		expect(t, e.req("operator2", "POST", fmt.Sprintf("/editions/%v/enrol", ed["id"]), nil), 409, "enrol in a cancelled edition")
		expect(t, e.req("coordinator", "PUT", fmt.Sprintf("/editions/%v", ed["id"]), map[string]any{"capacity": 5, "enrol_from": "2026-11-01T00:00:00+01:00",
			"enrol_until": "2026-11-30T18:00:00+01:00", "meetings": meetings}), 409, "change a cancelled edition")
	})
}

// TestPageDefaults: through the Go API a query without a page gives the
// first page of 20, as the HTTP API does.
func TestPageDefaults(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		c := e.course("coordinator", "lodi")
		ed := e.edition("coordinator", c, 5, false)
		e.enrol("operator", ed["id"])
		courses, total, err := e.tr.Courses(e.as("operator"), training.CourseQuery{})
		if err != nil || total != 1 || len(courses) != 1 {
			t.Errorf("Courses without a page: %d of %d, %v", len(courses), total, err)
		}
		ens, total, err := e.tr.Enrolments(e.as("coordinator"), int64(ed["id"].(float64)), training.EnrolmentQuery{})
		if err != nil || total != 1 || len(ens) != 1 {
			t.Errorf("Enrolments without a page: %d of %d, %v", len(ens), total, err)
		}
	})
}
