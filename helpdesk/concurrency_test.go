package helpdesk_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci/helpdesk"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/internal/testdb"
)

// assigneeOf returns the env's name of the consultant a consultation is
// assigned to.
func (e *env) assigneeOf(id int64) string {
	e.t.Helper()
	d, err := e.hd.Get(e.as("operator"), id)
	if err != nil {
		e.t.Fatal(err)
	}
	if d.AssigneeID == nil {
		e.t.Fatalf("consultation %d has no assignee", id)
	}
	return map[int64]string{e.id["consultant"]: "consultant", e.id["consultant2"]: "consultant2"}[*d.AssigneeID]
}

// together runs the functions at once, each in its own goroutine, and
// waits for them.
func together(fns ...func()) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, f := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			f()
		}()
	}
	close(start)
	wg.Wait()
}

// TestCloseWhileAnswering closes consultations while their consultant
// answers, on PostgreSQL: a message either comes before the closing (and
// the closing records where it came from) or is refused; a closed
// consultation never reopens, and its history is a chain.
func TestCloseWhileAnswering(t *testing.T) {
	e := newEnv(t, testdb.Postgres(t))
	const n = 12
	for i := 0; i < n; i++ {
		id := e.open("operator")
		who := e.assigneeOf(id)
		cons, op := e.as(who), e.as("operator")
		var postErr, closeErr error
		together(
			func() {
				_, _, postErr = e.hd.Post(cons, id, helpdesk.MessageInput{ClientID: fmt.Sprintf("answer-%04d", i), Body: "Serve la ricevuta della domanda di rinnovo."})
			},
			func() { _, closeErr = e.hd.SetStatus(op, id, helpdesk.StatusClosed) },
		)
		if closeErr != nil {
			t.Fatalf("close %d: %v", id, closeErr)
		}
		if postErr != nil && !errors.Is(postErr, helpdesk.ErrClosed) {
			t.Fatalf("answer %d: %v", id, postErr)
		}
		d, err := e.hd.Get(op, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != helpdesk.StatusClosed {
			t.Fatalf("consultation %d is %s after closing (answer: %v)", id, d.Status, postErr)
		}
		var prev helpdesk.Status
		for _, h := range d.History {
			if h.From != prev {
				t.Fatalf("consultation %d: history %+v is not a chain", id, d.History)
			}
			prev = h.To
		}
	}
}

// TestConcurrentAccepts accepts two slots of one consultation at once, on
// PostgreSQL: one wins, the other is told the slot is no longer open, and
// neither deadlocks into a 500.
func TestConcurrentAccepts(t *testing.T) {
	e := newEnv(t, testdb.Postgres(t))
	const n = 10
	for i := 0; i < n; i++ {
		id := e.open("operator")
		who := e.assigneeOf(id)
		start := e.clock.Now().Add(48 * time.Hour)
		slots, err := e.hd.ProposeAppointments(e.as(who), id, helpdesk.ProposeInput{Slots: []helpdesk.SlotInput{
			{Start: start, End: start.Add(time.Hour), Mode: helpdesk.AppointmentInPerson, Place: "Sede dello sportello"},
			{Start: start.Add(2 * time.Hour), End: start.Add(3 * time.Hour), Mode: helpdesk.AppointmentInPerson, Place: "Sede dello sportello"},
		}})
		if err != nil {
			t.Fatal(err)
		}
		errs := make([]error, 2)
		ops := []string{"operator", "operator2"}
		together(
			func() { _, errs[0] = e.hd.AcceptAppointment(e.as(ops[0]), id, slots[0].ID) },
			func() { _, errs[1] = e.hd.AcceptAppointment(e.as(ops[1]), id, slots[1].ID) },
		)
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("consultation %d: accepts gave %v and %v, want exactly one success", id, errs[0], errs[1])
		}
		for _, err := range errs {
			if err != nil && !errors.Is(err, helpdesk.ErrSlotNotOpen) && !errors.Is(err, helpdesk.ErrAppointmentBooked) {
				t.Fatalf("consultation %d: accept: %v (status %d)", id, err, httpx.StatusOf(err))
			}
		}
	}
}

// TestConcurrentReadMarks marks a consultation read from several requests
// at once, the first time, on PostgreSQL: none fails, and the mark ends on
// the furthest message.
func TestConcurrentReadMarks(t *testing.T) {
	e := newEnv(t, testdb.Postgres(t))
	const n = 8
	for i := 0; i < n; i++ {
		id := e.open("operator")
		who := e.assigneeOf(id)
		var ids []int64
		for j := 0; j < 4; j++ {
			m, _, err := e.hd.Post(e.as(who), id, helpdesk.MessageInput{ClientID: fmt.Sprintf("msg-%04d-%d", i, j), Body: "Risposta"})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
		op := e.as("operator")
		errs := make([]error, 2*len(ids))
		var fns []func()
		for k := range errs {
			fns = append(fns, func() { errs[k] = e.hd.MarkRead(op, id, ids[k%len(ids)]) })
		}
		together(fns...)
		for _, err := range errs {
			if err != nil {
				t.Fatalf("consultation %d: mark read: %v", id, err)
			}
		}
		d, err := e.hd.Get(op, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.LastRead != ids[len(ids)-1] {
			t.Fatalf("consultation %d: last read %d, want %d", id, d.LastRead, ids[len(ids)-1])
		}
	}
}

// TestReadMarkUpTo refuses to mark read up to a message that is not in the
// consultation or that the caller may not see, and never moves the mark
// back.
func TestReadMarkUpTo(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		id, other := e.open("operator"), e.open("operator")
		who := e.assigneeOf(id)
		post := func(cid int64, clientID string, internal bool) int64 {
			t.Helper()
			m, _, err := e.hd.Post(e.as(e.assigneeOf(cid)), cid, helpdesk.MessageInput{ClientID: clientID, Body: "Testo della risposta", Internal: internal})
			if err != nil {
				t.Fatal(err)
			}
			return m.ID
		}
		first := post(id, "answer-0001", false)
		note := post(id, "note-00001", true)
		last := post(id, "answer-0002", false)
		elsewhere := post(other, "answer-0003", false)
		path := fmt.Sprintf("/consultations/%d/read", id)
		for _, c := range []struct {
			what string
			upTo int64
		}{{"an internal note", note}, {"no such message", last + 1000}, {"a message of another consultation", elsewhere}} {
			r := e.req("operator", "POST", path, map[string]any{"up_to": c.upTo}, "Accept-Language", "en")
			expect(t, r, 422, c.what)
			f := r.Body["error"].(map[string]any)["fields"].([]any)[0].(map[string]any)
			if f["field"] != "up_to" || f["message"] != "must be a message of this consultation that you may see" {
				t.Fatalf("%s: %v", c.what, f)
			}
		}
		lastRead := func(who string) int64 {
			t.Helper()
			d, err := e.hd.Get(e.as(who), id)
			if err != nil {
				t.Fatal(err)
			}
			return d.LastRead
		}
		if got := lastRead("operator"); got != 0 {
			t.Fatalf("a refused mark was recorded: %d", got)
		}
		expect(t, e.req("operator", "POST", path, map[string]any{"up_to": last}), 204, "mark the last message")
		expect(t, e.req("operator", "POST", path, map[string]any{"up_to": first}), 204, "mark an earlier message")
		if got := lastRead("operator"); got != last {
			t.Fatalf("the mark moved back: %d, want %d", got, last)
		}
		// The desk's consultants may mark up to a note.
		expect(t, e.req(who, "POST", path, map[string]any{"up_to": note}), 204, "consultant marks a note")
		if got := lastRead(who); got != note {
			t.Fatalf("consultant's mark %d, want %d", got, note)
		}
	})
}
