package helpdesk_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/helpdesk"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/internal/testsmtp"
)

// romeAt is a wall-clock time in Italy.
func romeAt(t *testing.T, y int, m time.Month, d, hh, mm int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}

// bkAddPerson gives a new person roles ("lodi:mediator") and a session,
// known to the env by name.
func bkAddPerson(e *env, name, email string, grants ...string) {
	e.t.Helper()
	sys := incroci.AsSystem(e.ctx)
	for _, g := range grants {
		amb, role, _ := strings.Cut(g, ":")
		p, err := e.p.Invite(sys, amb, incroci.InviteInput{Email: email, Name: name, Roles: []incroci.Role{incroci.Role(role)}})
		if err != nil {
			e.t.Fatal(err)
		}
		e.id[name] = p.ID
	}
	e.email[name] = email
	s, err := e.p.SignIn(e.ctx, incroci.Identity{Email: email})
	if err != nil {
		e.t.Fatal(err)
	}
	e.tok[name] = s.Token
}

// bkWant fails unless err maps to the HTTP status want (and, for 422, names
// field).
func bkWant(t *testing.T, err error, want int, field, what string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want %d", what, want)
	}
	if got := httpx.StatusOf(err); got != want {
		t.Fatalf("%s: %v (status %d), want %d", what, err, got, want)
	}
	if field != "" {
		var ve *httpx.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("%s: %v is not a validation error", what, err)
		}
		for _, f := range ve.Fields {
			if f.Field == field {
				return
			}
		}
		t.Fatalf("%s: %v does not name %s", what, err, field)
	}
}

// icsProps parses an iCalendar object into its properties by name
// (parameters dropped), after unfolding.
func icsProps(t *testing.T, data []byte) map[string][]string {
	t.Helper()
	s := strings.ReplaceAll(string(data), "\r\n ", "")
	out := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("iCalendar line without a colon: %q in\n%s", line, data)
		}
		name, _, _ = strings.Cut(name, ";")
		out[name] = append(out[name], value)
	}
	return out
}

// bkCalendar returns the text/calendar attachment of m, parsed, checking
// its method.
func bkCalendar(t *testing.T, m testsmtp.Received, method string) map[string][]string {
	t.Helper()
	for _, a := range m.Attachments {
		if strings.HasPrefix(a.ContentType, "text/calendar") {
			if !strings.Contains(a.ContentType, "method="+method) {
				t.Fatalf("calendar content type %q, want method %s", a.ContentType, method)
			}
			props := icsProps(t, a.Data)
			if got := props["METHOD"]; len(got) != 1 || got[0] != method {
				t.Fatalf("METHOD %v, want %s", got, method)
			}
			return props
		}
	}
	t.Fatalf("no calendar in mail %q (%d attachments)", m.Subject, len(m.Attachments))
	return nil
}

// bkNoCase fails when the mail quotes the beneficiary or the case.
func bkNoCase(t *testing.T, m testsmtp.Received) {
	t.Helper()
	parts := []string{m.Subject, m.Text, string(m.Raw)}
	for _, a := range m.Attachments {
		parts = append(parts, string(a.Data))
	}
	for _, p := range parts {
		for _, leak := range []string{"M.R.", "Rinnovo del permesso", "datore di lavoro"} {
			if strings.Contains(p, leak) {
				t.Fatalf("mail %q holds %q", m.Subject, leak)
			}
		}
	}
}

func bkAudit(t *testing.T, e *env, prefix string) []string {
	t.Helper()
	var actions []string
	if err := e.db.Table("incroci_audit").Where("action LIKE ?", prefix+"%").Order("id").Pluck("action", &actions).Error; err != nil {
		t.Fatal(err)
	}
	return actions
}

func TestAppointments(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		id := e.open("operator")
		c := fmt.Sprint("/consultations/", id)
		tue := romeAt(t, 2026, 11, 10, 10, 0)
		wed := romeAt(t, 2026, 11, 11, 15, 30)
		r := e.req("consultant", "POST", c+"/appointments", map[string]any{"slots": []map[string]any{
			{"start": tue, "end": tue.Add(time.Hour), "mode": "in_person", "place": "Ufficio di Piano, piazza Broletto 1, Lodi", "interpreter": true, "interpreter_language": "ar"},
			{"start": wed, "end": wed.Add(45 * time.Minute), "mode": "video", "video_url": "https://meet.example.org/incroci-42"},
		}})
		expect(t, r, 201, "propose")
		if len(r.list()) != 2 {
			t.Fatalf("proposed %s", r.Raw)
		}
		first := int64(r.list()[0].(map[string]any)["id"].(float64))
		second := int64(r.list()[1].(map[string]any)["id"].(float64))
		if d := e.req("operator", "GET", c, nil).data(); d["status"] != "waiting_operator" {
			t.Fatalf("after proposals the consultation is %v", d["status"])
		}
		e.waitMail(e.email["operator"], "orari proposti")

		// The operator sees them and picks the first.
		l := e.req("operator", "GET", c+"/appointments", nil)
		expect(t, l, 200, "list")
		if len(l.list()) != 2 || l.list()[0].(map[string]any)["status"] != "proposed" {
			t.Fatalf("list: %s", l.Raw)
		}
		a := e.req("operator", "POST", fmt.Sprintf("%s/appointments/%d/accept", c, first), nil)
		expect(t, a, 200, "accept")
		if a.data()["status"] != "accepted" || a.data()["interpreter_language"] != "ar" {
			t.Fatalf("accepted: %s", a.Raw)
		}
		slots, err := e.hd.Appointments(e.as("consultant"), id)
		if err != nil {
			t.Fatal(err)
		}
		if slots[0].Status != helpdesk.SlotAccepted || slots[1].Status != helpdesk.SlotDeclined {
			t.Fatalf("statuses %s, %s", slots[0].Status, slots[1].Status)
		}
		if d := e.req("operator", "GET", c, nil).data(); d["status"] != "appointment" {
			t.Fatalf("after accepting the consultation is %v", d["status"])
		}
		expect(t, e.req("operator", "POST", fmt.Sprintf("%s/appointments/%d/accept", c, second), nil), 409, "accept a declined slot")

		// Both get the invitation: consultation number and topic, no case.
		uid := fmt.Sprintf("appointment-%d@incroci", first)
		for _, addr := range []string{e.email["operator"], e.email["consultant"]} {
			m := e.waitMail(addr, "appuntamento per la consulenza")
			bkNoCase(t, m)
			props := bkCalendar(t, m, "REQUEST")
			if props["UID"][0] != uid || props["DTSTART"][0] != "20261110T090000Z" || props["DTEND"][0] != "20261110T100000Z" || props["SEQUENCE"][0] != "0" {
				t.Fatalf("invitation: %v", props)
			}
			if !strings.Contains(props["ORGANIZER"][0], "avv.bianchi@example.org") || len(props["ATTENDEE"]) != 2 {
				t.Fatalf("organiser %v, attendees %v", props["ORGANIZER"], props["ATTENDEE"])
			}
			if !strings.Contains(props["SUMMARY"][0], fmt.Sprintf("n. %d", id)) || !strings.Contains(props["SUMMARY"][0], "Permesso di soggiorno") {
				t.Fatalf("summary %v", props["SUMMARY"])
			}
			if !strings.Contains(m.Text, "10/11/2026, 10:00–11:00") || !strings.Contains(m.Text, "interprete (lingua: arabo)") {
				t.Fatalf("mail text:\n%s", m.Text)
			}
		}

		// The consultant cancels: both get the cancellation, same UID,
		// sequence bumped; the consultation waits for the operator again.
		cn, err := e.hd.CancelAppointment(e.as("consultant"), id, first)
		if err != nil {
			t.Fatal(err)
		}
		if cn.Status != helpdesk.SlotCancelled || cn.Sequence != 1 {
			t.Fatalf("cancelled: %+v", cn)
		}
		for _, addr := range []string{e.email["operator"], e.email["consultant"]} {
			m := e.waitMail(addr, "appuntamento annullato")
			bkNoCase(t, m)
			props := bkCalendar(t, m, "CANCEL")
			if props["UID"][0] != uid || props["SEQUENCE"][0] != "1" || props["STATUS"][0] != "CANCELLED" {
				t.Fatalf("cancellation: %v", props)
			}
		}
		if d := e.req("operator", "GET", c, nil).data(); d["status"] != "waiting_operator" {
			t.Fatalf("after cancelling the consultation is %v", d["status"])
		}
		expect(t, e.req("operator", "POST", fmt.Sprintf("%s/appointments/%d/cancel", c, first), nil), 409, "cancel twice")

		// A new proposal; the operator accepts it and then cancels it.
		thu := romeAt(t, 2026, 11, 12, 9, 0)
		ps, err := e.hd.ProposeAppointments(e.as("consultant2"), id, helpdesk.ProposeInput{Slots: []helpdesk.SlotInput{
			{Start: thu, End: thu.Add(2 * time.Hour), Mode: helpdesk.AppointmentVideo, VideoURL: "https://meet.example.org/x"},
			{Start: thu.Add(3 * time.Hour), End: thu.Add(4 * time.Hour), Mode: helpdesk.AppointmentVideo, VideoURL: "https://meet.example.org/y"},
		}})
		if err != nil {
			t.Fatal(err)
		}
		// A consultant withdraws one; operators may not.
		_, err = e.hd.CancelAppointment(e.as("operator"), id, ps[1].ID)
		bkWant(t, err, 403, "", "operator withdraws a proposal")
		w, err := e.hd.CancelAppointment(e.as("consultant"), id, ps[1].ID)
		if err != nil || w.Status != helpdesk.SlotWithdrawn {
			t.Fatalf("withdraw: %+v, %v", w, err)
		}
		_, err = e.hd.AcceptAppointment(e.as("operator"), id, ps[1].ID)
		bkWant(t, err, 409, "", "accept a withdrawn slot")
		if _, err := e.hd.AcceptAppointment(e.as("operator2"), id, ps[0].ID); err != nil {
			t.Fatal(err)
		}
		// The second operator who picked it is invited too, with the
		// consultant who proposed it as organiser.
		m := e.waitMail(e.email["operator2"], "appuntamento per la consulenza")
		props := bkCalendar(t, m, "REQUEST")
		if len(props["ATTENDEE"]) != 3 || !strings.Contains(props["ORGANIZER"][0], "avv.verdi@example.org") || props["URL"][0] != "https://meet.example.org/x" {
			t.Fatalf("invitation: %v", props)
		}
		r = e.req("operator", "POST", fmt.Sprintf("%s/appointments/%d/cancel", c, ps[0].ID), nil)
		expect(t, r, 200, "operator cancels")

		want := []string{"helpdesk.appointment.propose", "helpdesk.appointment.read", "helpdesk.appointment.accept", "helpdesk.appointment.read",
			"helpdesk.appointment.cancel", "helpdesk.appointment.propose", "helpdesk.appointment.withdraw", "helpdesk.appointment.accept", "helpdesk.appointment.cancel"}
		if got := bkAudit(t, e, "helpdesk.appointment."); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("audit:\n%v\nwant\n%v", got, want)
		}
		var changes []helpdesk.StatusChange
		if err := e.db.Where("consultation_id = ?", id).Order("id").Find(&changes).Error; err != nil {
			t.Fatal(err)
		}
		var history []string
		for _, ch := range changes {
			history = append(history, string(ch.To))
		}
		if got := strings.Join(history, " "); got != "new waiting_operator appointment waiting_operator appointment waiting_operator" {
			t.Fatalf("history: %s", got)
		}
	})
}

func TestAppointmentRules(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		id := e.open("operator")
		now := e.clock.Now()
		start := now.Add(24 * time.Hour)
		ok := helpdesk.SlotInput{Start: start, End: start.Add(time.Hour), Mode: helpdesk.AppointmentInPerson, Place: "Sede dello sportello"}
		cases := []struct {
			name  string
			edit  func(s *helpdesk.SlotInput)
			field string
		}{
			{"past start", func(s *helpdesk.SlotInput) { s.Start, s.End = now.Add(-time.Hour), now.Add(time.Hour) }, "slots[0].start"},
			{"start now", func(s *helpdesk.SlotInput) { s.Start = now }, "slots[0].start"},
			{"end before start", func(s *helpdesk.SlotInput) { s.End = s.Start.Add(-time.Minute) }, "slots[0].end"},
			{"end at start", func(s *helpdesk.SlotInput) { s.End = s.Start }, "slots[0].end"},
			{"longer than 8 hours", func(s *helpdesk.SlotInput) { s.End = s.Start.Add(8*time.Hour + time.Minute) }, "slots[0].end"},
			{"no end", func(s *helpdesk.SlotInput) { s.End = time.Time{} }, "slots[0].end"},
			{"unknown mode", func(s *helpdesk.SlotInput) { s.Mode = "phone" }, "slots[0].mode"},
			{"in person without place", func(s *helpdesk.SlotInput) { s.Place = "  " }, "slots[0].place"},
			{"in person with a link", func(s *helpdesk.SlotInput) { s.VideoURL = "https://meet.example.org/a" }, "slots[0].video_url"},
			{"video without link", func(s *helpdesk.SlotInput) { s.Mode, s.Place = helpdesk.AppointmentVideo, "" }, "slots[0].video_url"},
			{"video over http", func(s *helpdesk.SlotInput) {
				s.Mode, s.Place, s.VideoURL = helpdesk.AppointmentVideo, "", "http://meet.example.org/a"
			}, "slots[0].video_url"},
			{"video link not a URL", func(s *helpdesk.SlotInput) { s.Mode, s.Place, s.VideoURL = helpdesk.AppointmentVideo, "", "https://" }, "slots[0].video_url"},
			{"video with a place", func(s *helpdesk.SlotInput) {
				s.Mode, s.VideoURL = helpdesk.AppointmentVideo, "https://meet.example.org/a"
			}, "slots[0].place"},
			{"interpreter without language", func(s *helpdesk.SlotInput) { s.Interpreter = true }, "slots[0].interpreter_language"},
			{"interpreter in no language", func(s *helpdesk.SlotInput) { s.Interpreter, s.InterpreterLanguage = true, "arabic" }, "slots[0].interpreter_language"},
			{"interpreter language not ISO", func(s *helpdesk.SlotInput) { s.Interpreter, s.InterpreterLanguage = true, "a1" }, "slots[0].interpreter_language"},
			{"language without interpreter", func(s *helpdesk.SlotInput) { s.InterpreterLanguage = "ar" }, "slots[0].interpreter_language"},
			{"place with a line break", func(s *helpdesk.SlotInput) { s.Place = "via Roma\nLodi" }, "slots[0].place"},
		}
		for _, tc := range cases {
			s := ok
			tc.edit(&s)
			_, err := e.hd.ProposeAppointments(e.as("consultant"), id, helpdesk.ProposeInput{Slots: []helpdesk.SlotInput{s}})
			bkWant(t, err, 422, tc.field, tc.name)
		}
		_, err := e.hd.ProposeAppointments(e.as("consultant"), id, helpdesk.ProposeInput{})
		bkWant(t, err, 422, "slots", "no slots")
		eleven := make([]helpdesk.SlotInput, 11)
		for i := range eleven {
			eleven[i] = ok
		}
		_, err = e.hd.ProposeAppointments(e.as("consultant"), id, helpdesk.ProposeInput{Slots: eleven})
		bkWant(t, err, 422, "slots", "eleven slots")
		// Over HTTP too, with a malformed time.
		r := e.req("consultant", "POST", fmt.Sprintf("/consultations/%d/appointments", id), `{"slots":[{"start":"domani","end":"2026-11-10T10:00:00Z","mode":"video"}]}`)
		expect(t, r, 400, "malformed time")

		// Wrong people.
		for who, want := range map[string]int{"operator": 403, "cremaOperator": 404, "outsiderConsultant": 404, "mediator": 404, "coordinator": 404, "admin": 404} {
			_, err := e.hd.ProposeAppointments(e.as(who), id, helpdesk.ProposeInput{Slots: []helpdesk.SlotInput{ok}})
			bkWant(t, err, want, "", "propose as "+who)
		}
		expect(t, e.req("", "POST", fmt.Sprintf("/consultations/%d/appointments", id), map[string]any{"slots": []any{}}), 401, "anonymous")

		// At most ten open proposals.
		six := eleven[:6]
		if _, err := e.hd.ProposeAppointments(e.as("consultant"), id, helpdesk.ProposeInput{Slots: six}); err != nil {
			t.Fatal(err)
		}
		_, err = e.hd.ProposeAppointments(e.as("consultant"), id, helpdesk.ProposeInput{Slots: eleven[:5]})
		bkWant(t, err, 422, "slots", "eleventh open proposal")
		soon := helpdesk.SlotInput{Start: now.Add(time.Hour), End: now.Add(2 * time.Hour), Mode: helpdesk.AppointmentInPerson, Place: "Sede"}
		ps, err := e.hd.ProposeAppointments(e.as("consultant"), id, helpdesk.ProposeInput{Slots: []helpdesk.SlotInput{soon, ok, ok, ok}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.hd.ProposeAppointments(e.as("consultant"), id, helpdesk.ProposeInput{Slots: []helpdesk.SlotInput{ok}})
		bkWant(t, err, 422, "slots", "eleventh open proposal")

		// Only operators of the ambito pick.
		for who, want := range map[string]int{"consultant": 403, "cremaOperator": 404, "mediator": 404, "outsiderConsultant": 404} {
			_, err := e.hd.AcceptAppointment(e.as(who), id, ps[1].ID)
			bkWant(t, err, want, "", "accept as "+who)
		}
		_, err = e.hd.AcceptAppointment(e.as("operator"), id, 999999)
		bkWant(t, err, 404, "", "unknown slot")
		other := e.open("operator")
		_, err = e.hd.AcceptAppointment(e.as("operator"), other, ps[1].ID)
		bkWant(t, err, 404, "", "slot of another consultation")
		_, err = e.hd.CancelAppointment(e.as("cremaOperator"), id, ps[1].ID)
		bkWant(t, err, 404, "", "cancel as crema's operator")

		// A slot that has begun cannot be picked; once past, the slot does
		// not count among the open ones.
		e.clock.Add(90 * time.Minute)
		_, err = e.hd.AcceptAppointment(e.as("operator"), id, ps[0].ID)
		bkWant(t, err, 409, "", "accept a slot that began")
		if _, err := e.hd.ProposeAppointments(e.as("consultant"), id, helpdesk.ProposeInput{Slots: []helpdesk.SlotInput{ok}}); err != nil {
			t.Fatalf("a past slot still counts: %v", err)
		}

		// One appointment at a time.
		if _, err := e.hd.AcceptAppointment(e.as("operator"), id, ps[1].ID); err != nil {
			t.Fatal(err)
		}
		late, err := e.hd.ProposeAppointments(e.as("consultant"), id, helpdesk.ProposeInput{Slots: []helpdesk.SlotInput{ok}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.hd.AcceptAppointment(e.as("operator"), id, late[0].ID)
		bkWant(t, err, 409, "", "a second appointment")
		_, err = e.hd.AcceptAppointment(e.as("operator"), id, ps[1].ID)
		bkWant(t, err, 409, "", "accept twice")

		// An appointment that is over cannot be cancelled.
		e.clock.Add(24 * time.Hour)
		e.signInAgain()
		_, err = e.hd.CancelAppointment(e.as("operator"), id, ps[1].ID)
		bkWant(t, err, 409, "", "cancel a past appointment")

		// Closed consultations take no proposals.
		if _, err := e.hd.SetStatus(e.as("operator"), other, helpdesk.StatusClosed); err != nil {
			t.Fatal(err)
		}
		later := helpdesk.SlotInput{Start: e.clock.Now().Add(time.Hour), End: e.clock.Now().Add(2 * time.Hour), Mode: helpdesk.AppointmentInPerson, Place: "Sede"}
		_, err = e.hd.ProposeAppointments(e.as("consultant"), other, helpdesk.ProposeInput{Slots: []helpdesk.SlotInput{later}})
		bkWant(t, err, 409, "", "propose on a closed consultation")
	})
}

// TestReplyAfterTheMeeting: a consultant's answer while an appointment is
// to come leaves the consultation in "appointment"; after the meeting has
// ended it makes the consultation wait for the operator again.
func TestReplyAfterTheMeeting(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		id := e.open("operator")
		d, err := e.hd.Get(e.as("operator"), id)
		if err != nil {
			t.Fatal(err)
		}
		who := map[int64]string{e.id["consultant"]: "consultant", e.id["consultant2"]: "consultant2"}[*d.AssigneeID]
		start := e.clock.Now().Add(24 * time.Hour)
		slots, err := e.hd.ProposeAppointments(e.as(who), id, helpdesk.ProposeInput{Slots: []helpdesk.SlotInput{
			{Start: start, End: start.Add(time.Hour), Mode: helpdesk.AppointmentInPerson, Place: "Sede dello sportello, via Roma 1, Lodi"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.hd.AcceptAppointment(e.as("operator"), id, slots[0].ID); err != nil {
			t.Fatal(err)
		}
		status := func() helpdesk.Status {
			t.Helper()
			d, err := e.hd.Get(e.as("operator"), id)
			if err != nil {
				t.Fatal(err)
			}
			return d.Status
		}
		post := func(clientID string) {
			t.Helper()
			if _, _, err := e.hd.Post(e.as(who), id, helpdesk.MessageInput{ClientID: clientID, Body: "Porti il contratto di lavoro all'appuntamento."}); err != nil {
				t.Fatal(err)
			}
		}
		post("before-meeting")
		if s := status(); s != helpdesk.StatusAppointment {
			t.Fatalf("after a reply before the meeting: %s", s)
		}
		e.clock.Add(26 * time.Hour)
		e.signInAgain()
		post("after-meeting")
		if s := status(); s != helpdesk.StatusWaitingOperator {
			t.Fatalf("after a reply once the meeting is over: %s, want waiting_operator", s)
		}
	})
}
