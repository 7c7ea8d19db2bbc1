package training_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci/internal/testsmtp"
)

// remindersTo returns the reminders received so far by the named person.
func (e *env) remindersTo(who string) []testsmtp.Received {
	var out []testsmtp.Received
	for _, m := range e.mailsTo(who) {
		if strings.Contains(m.Subject, "promemoria") {
			out = append(out, m)
		}
	}
	return out
}

func TestMeetingReminders(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		ed, m1, m2 := e.classroom()
		// operator3 gives the seat up: mediator2 is offered it and has not
		// accepted; neither is reminded.
		mine := expect(t, e.req("operator3", "GET", fmt.Sprintf("/editions/%v", ed), nil), 200, "edition").data()["mine"].(map[string]any)
		expect(t, e.req("operator3", "POST", fmt.Sprintf("/enrolments/%v/cancel", mine["id"]), nil), 200, "operator3 cancels")
		// An edition cancelled: its meetings are not reminded.
		gone := e.edition("coordinator", e.course("coordinator", "lodi"), 5, false)["id"]
		e.enrol("operator", gone)
		expect(t, e.req("coordinator", "POST", fmt.Sprintf("/editions/%v/cancel", gone), nil), 200, "cancel the edition")

		if n, err := e.tr.RemindMeetings(e.ctx); err != nil || n != 0 {
			t.Fatalf("a month before: %d %v", n, err)
		}
		// The day before the first meeting (3 December, 09:00 Italian time).
		e.at("2026-12-02T09:00:00Z")
		n, err := e.tr.RemindMeetings(e.ctx)
		if err != nil || n != 3 {
			t.Fatalf("the day before: %d %v", n, err)
		}
		if n, err := e.tr.RemindMeetings(e.ctx); err != nil || n != 0 {
			t.Fatalf("again: %d %v", n, err)
		}
		for _, who := range []string{"operator", "operator2", "mediator"} {
			m := e.waitMail(who, "promemoria")
			if !strings.Contains(m.Subject, "Accogliere le famiglie ricongiunte, 03/12 09:00") ||
				!strings.Contains(m.Text, "(incontro 1 di 2)") || !strings.Contains(m.Text, "03/12/2026, 09:00–13:00, Sala consiliare, Lodi") ||
				!strings.Contains(m.Text, "(meeting 1 of 2)") || !strings.Contains(m.Text, linkPage+"?incroci_edition=") {
				t.Errorf("%s's reminder: %q\n%s", who, m.Subject, m.Text)
			}
			// Past the cancellation deadline: no advice to cancel.
			if strings.Contains(m.Text, "annulla") {
				t.Errorf("%s's reminder offers cancelling past the deadline: %s", who, m.Text)
			}
			if len(m.Attachments) != 1 {
				t.Fatalf("%s's reminder: attachments %v", who, m.Attachments)
			}
			cal := string(m.Attachments[0].Data)
			if !strings.Contains(cal, "DTSTART:20261203T080000Z") || !strings.Contains(cal, fmt.Sprintf("UID:training-meeting-%v@incroci", m1)) ||
				strings.Contains(cal, "20261210") || !strings.Contains(m.Attachments[0].ContentType, "text/calendar") {
				t.Errorf("%s's reminder's calendar: %s", who, cal)
			}
		}
		if l := e.remindersTo("operator"); len(l) != 1 {
			t.Errorf("operator, also in the cancelled edition, got %d reminders", len(l))
		}
		for _, who := range []string{"operator3", "mediator2", "cremaOperator", "trainer", "coordinator"} {
			if l := e.remindersTo(who); len(l) != 0 {
				t.Errorf("%s reminded: %v", who, l[0].Subject)
			}
		}

		// The second meeting, by video call, a week later.
		e.at("2026-12-09T10:00:00Z")
		if n, err := e.tr.RemindMeetings(e.ctx); err != nil || n != 3 {
			t.Fatalf("the day before the second: %d %v", n, err)
		}
		m := e.smtp.WaitFor(t, func(m testsmtp.Received) bool {
			return strings.Contains(m.Subject, "10/12 09:00") && len(m.To) == 1 && m.To[0] == e.email["mediator"]
		}, 10*time.Second)
		if !strings.Contains(m.Text, "(incontro 2 di 2)") || !strings.Contains(m.Text, "in videochiamata: https://meet.example.org/formazione") ||
			!strings.Contains(string(m.Attachments[0].Data), fmt.Sprintf("UID:training-meeting-%v@incroci", m2)) {
			t.Errorf("the second reminder: %s", m.Text)
		}
		// Once the meeting has started nobody new is reminded of it.
		e.at("2026-12-10T08:30:00Z")
		if n, err := e.tr.RemindMeetings(e.ctx); err != nil || n != 0 {
			t.Errorf("after the start: %d %v", n, err)
		}
		if l := e.remindersTo("operator"); len(l) != 2 {
			t.Errorf("operator's reminders: %d", len(l))
		}
	})
}

// TestRemindersOnce runs the reminders from several hubs at once: each
// person gets one per meeting.
func TestRemindersOnce(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		ed := e.edition("coordinator", e.course("coordinator", "lodi"), 10, false)["id"]
		// Before the cancellation deadline the reminder says how to give
		// the seat up.
		e.at("2026-11-20T09:00:00Z")
		seats := []string{"operator", "operator2", "operator3", "mediator", "mediator2"}
		for _, who := range seats {
			e.enrol(who, ed)
		}
		var in struct {
			Start time.Time
		}
		if err := e.db.Raw("SELECT start FROM incroci_training_meetings WHERE edition_id = ? ORDER BY start LIMIT 1", ed).Scan(&in).Error; err != nil {
			t.Fatal(err)
		}
		e.clock.Add(in.Start.Add(-20 * time.Hour).Sub(e.p.Now()))
		// Move the deadline past now, as if the edition allowed late
		// cancelling.
		if err := e.db.Exec("UPDATE incroci_training_editions SET cancel_until = ? WHERE id = ?", in.Start.Add(-2*time.Hour), ed).Error; err != nil {
			t.Fatal(err)
		}
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			total int
		)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := e.tr.RemindMeetings(e.ctx)
				if err != nil && e.db.Dialector.Name() == "postgres" {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		// SQLite may refuse a concurrent writer (busy): what it refused is
		// sent by the next run.
		n, err := e.tr.RemindMeetings(e.ctx)
		if err != nil || total+n != len(seats) {
			t.Fatalf("reminders queued: %d + %d, %v", total, n, err)
		}
		for _, who := range seats {
			m := e.waitMail(who, "promemoria")
			if !strings.Contains(m.Text, "annulla l'iscrizione entro il 03/12/2026 07:00") || !strings.Contains(m.Text, "cancel your enrolment by 2026-12-03 07:00") {
				t.Errorf("%s: %s", who, m.Text)
			}
		}
		// Every e-mail has left the outbox: no duplicate follows.
		time.Sleep(200 * time.Millisecond)
		for _, who := range seats {
			if l := e.remindersTo(who); len(l) != 1 {
				t.Errorf("%s got %d reminders", who, len(l))
			}
		}
	})
}

func TestSurveyAnnouncements(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		body := needsSurvey(e, "operator", "mediator")
		s := publishedSurvey(t, e, body)
		// Who answered before the announcement is not e-mailed.
		qs := questionIDs(s)
		expect(t, e.req("operator", "POST", "/surveys/"+sid(s)+"/answers", answers(qs, 0, nil, 3, nil, "")), 204, "operator answers")
		// A survey its coordinator announces in other ways: no e-mail.
		quiet := needsSurvey(e, "editor")
		quiet["title"] = "Bisogni dei redattori"
		quiet["announce"] = false
		if qs := publishedSurvey(t, e, quiet); qs["announce"] != false {
			t.Errorf("announce: %v", qs["announce"])
		}
		later := needsSurvey(e, "trainer")
		later["title"] = "Bisogni dei formatori"
		later["opens_at"] = e.clock.Now().Add(48 * time.Hour)
		ls := publishedSurvey(t, e, later)

		n, err := e.tr.AnnounceSurveys(e.ctx)
		if err != nil || n != 4 {
			t.Fatalf("announced: %d %v", n, err)
		}
		if n, err := e.tr.AnnounceSurveys(e.ctx); err != nil || n != 0 {
			t.Fatalf("announced again: %d %v", n, err)
		}
		for _, who := range []string{"operator2", "operator3", "mediator", "mediator2"} {
			m := e.waitMail(who, "Fabbisogni formativi 2027")
			if !strings.Contains(m.Subject, "questionario sui bisogni formativi") || !strings.Contains(m.Text, linkPage+"?incroci_survey="+sid(s)) ||
				!strings.Contains(m.Text, "Le risposte sono anonime") || !strings.Contains(m.Text, "Answers are anonymous") ||
				!strings.Contains(m.Text, "16/11/2026 10:00") {
				t.Errorf("%s: %q\n%s", who, m.Subject, m.Text)
			}
		}
		time.Sleep(200 * time.Millisecond)
		for _, who := range []string{"operator", "cremaOperator", "cremaMediator", "trainer", "coordinator", "editor"} {
			for _, m := range e.mailsTo(who) {
				if strings.Contains(m.Subject, "questionario") {
					t.Errorf("%s e-mailed: %s", who, m.Subject)
				}
			}
		}

		// The trainers' survey is announced when it opens.
		e.at(e.p.Now().Add(49 * time.Hour).Format(time.RFC3339))
		if n, err := e.tr.AnnounceSurveys(e.ctx); err != nil || n != 1 {
			t.Fatalf("the trainers' survey: %d %v", n, err)
		}
		if m := e.waitMail("trainer", "Bisogni dei formatori"); !strings.Contains(m.Text, "?incroci_survey="+sid(ls)) {
			t.Errorf("trainer: %s", m.Text)
		}

		// An evaluation is announced to the seat holders when the edition
		// is over.
		ed, _, _ := e.classroom()
		ev := evaluation(ed, 0, 0)
		for _, q := range ev["questions"].([]map[string]any) {
			delete(q, "need_id")
		}
		ev["anonymous"] = false
		es := expect(t, e.req("trainer", "POST", "/surveys", ev), 201, "evaluation").data()
		expect(t, e.req("trainer", "POST", "/surveys/"+sid(es)+"/publish", nil), 200, "publish the evaluation")
		if n, err := e.tr.AnnounceSurveys(e.ctx); err != nil || n != 0 {
			t.Fatalf("before the edition ends: %d %v", n, err)
		}
		e.at("2026-12-10T13:00:00+01:00")
		if n, err := e.tr.AnnounceSurveys(e.ctx); err != nil || n != 4 {
			t.Fatalf("the evaluation: %d %v", n, err)
		}
		for _, who := range []string{"operator", "operator2", "operator3", "mediator"} {
			m := e.waitMail(who, "valuta il corso")
			if !strings.Contains(m.Subject, "Accogliere le famiglie ricongiunte") || !strings.Contains(m.Text, "«Valutazione del corso»") ||
				!strings.Contains(m.Text, "non è anonimo") {
				t.Errorf("%s: %q %s", who, m.Subject, m.Text)
			}
		}
		time.Sleep(200 * time.Millisecond)
		for _, m := range e.mailsTo("mediator2") {
			if strings.Contains(m.Subject, "valuta") {
				t.Errorf("mediator2, on the waiting list, e-mailed: %s", m.Subject)
			}
		}
	})
}
