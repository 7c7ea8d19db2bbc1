package training_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/training"
)

// crowd invites n people with role in ambito, signs them in and returns
// their names.
func (e *env) crowd(prefix string, n int, ambito string, role incroci.Role) []string {
	e.t.Helper()
	sys := incroci.AsSystem(e.ctx)
	var names []string
	for i := range n {
		name := fmt.Sprintf("%s%d", prefix, i)
		email := fmt.Sprintf("%s%d@example.org", prefix, i)
		person, err := e.p.Invite(sys, ambito, incroci.InviteInput{Email: email, Name: name, Roles: []incroci.Role{role}})
		if err != nil {
			e.t.Fatal(err)
		}
		s, err := e.p.SignIn(e.ctx, incroci.Identity{Email: email})
		if err != nil {
			e.t.Fatal(err)
		}
		e.id[name], e.email[name], e.tok[name] = person.ID, email, s.Token
		names = append(names, name)
	}
	return names
}

// checkSeats fails t when edition holds more seats than its capacity, a
// quota more than its seats or someone who does not fit it, or when a
// waiting person fits a seat left (no one may be skipped).
func checkSeats(t testing.TB, e *env, edition any) (held, waiting int) {
	t.Helper()
	var ed training.Edition
	testdb.Must(t, "edition", e.db.Where("id = ?", edition).Take(&ed).Error)
	var quotas []training.Quota
	testdb.Must(t, "quotas", e.db.Where("edition_id = ?", edition).Order("id").Find(&quotas).Error)
	var ens []training.Enrolment
	testdb.Must(t, "enrolments", e.db.Where("edition_id = ?", edition).Find(&ens).Error)
	perQuota := map[int64]int{}
	free := ed.Capacity
	for _, q := range quotas {
		free -= q.Seats
	}
	for _, en := range ens {
		switch en.Status {
		case training.StatusConfirmed, training.StatusPending, training.StatusOffered:
			held++
			if en.QuotaID == nil {
				perQuota[0]++
				continue
			}
			perQuota[*en.QuotaID]++
			i := slices.IndexFunc(quotas, func(q training.Quota) bool { return q.ID == *en.QuotaID })
			if i < 0 || (quotas[i].Role != "" && !slices.Contains(en.Roles, quotas[i].Role)) || (quotas[i].Ambito != "" && quotas[i].Ambito != en.Ambito) {
				t.Errorf("enrolment %d holds a seat of quota %d it does not fit", en.ID, *en.QuotaID)
			}
		case training.StatusWaiting:
			waiting++
		}
	}
	if held > ed.Capacity {
		t.Errorf("edition %v: %d seats held, capacity %d", edition, held, ed.Capacity)
	}
	if perQuota[0] > free {
		t.Errorf("edition %v: %d free seats held of %d", edition, perQuota[0], free)
	}
	for _, q := range quotas {
		if perQuota[q.ID] > q.Seats {
			t.Errorf("edition %v: quota %d holds %d of %d seats", edition, q.ID, perQuota[q.ID], q.Seats)
		}
	}
	for _, en := range ens {
		if en.Status != training.StatusWaiting {
			continue
		}
		if perQuota[0] < free {
			t.Errorf("enrolment %d waits while a free seat is left", en.ID)
		}
		for _, q := range quotas {
			if perQuota[q.ID] < q.Seats && (q.Role == "" || slices.Contains(en.Roles, q.Role)) && (q.Ambito == "" || q.Ambito == en.Ambito) {
				t.Errorf("enrolment %d waits while quota %d it fits has a seat", en.ID, q.ID)
			}
		}
	}
	return held, waiting
}

// TestRaceForSeats enrols people concurrently over HTTP on PostgreSQL (on
// SQLite writers run one at a time anyway): two for each last seat, and a
// crowd for an edition with quotas. Exactly one gets each last seat, the
// other waits; capacity and quotas are never exceeded.
func TestRaceForSeats(t *testing.T) {
	e := newEnv(t, testdb.Postgres(t))
	c := e.course("admin", "")
	ops := e.crowd("op", 30, "lodi", incroci.RoleOperator)
	meds := e.crowd("med", 15, "lodi", incroci.RoleMediator)
	cops := e.crowd("cop", 15, "crema", incroci.RoleOperator)

	// Ten last seats, two people racing for each.
	for round := range 10 {
		ed := e.edition("admin", c, 1, false)
		pair := []string{ops[2*round], ops[2*round+1]}
		got := make([]string, 2)
		var wg sync.WaitGroup
		for i, who := range pair {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.req(who, "POST", fmt.Sprintf("/editions/%v/enrol", ed["id"]), nil)
				if r.Status != 201 {
					t.Errorf("%s: %d %s", who, r.Status, r.Raw)
					return
				}
				got[i] = r.data()["status"].(string)
			}()
		}
		wg.Wait()
		slices.Sort(got)
		if got[0] != "confirmed" || got[1] != "waiting" {
			t.Errorf("round %d: %v", round, got)
		}
		if held, waiting := checkSeats(t, e, ed["id"]); held != 1 || waiting != 1 {
			t.Errorf("round %d: %d held, %d waiting", round, held, waiting)
		}
	}

	// A crowd of 60 for 15 seats: 5 for mediators, 5 for crema's operators.
	ed := e.edition("admin", c, 15, false, map[string]any{"role": "mediator", "seats": 5}, map[string]any{"ambito": "crema", "role": "operator", "seats": 5})
	everyone := slices.Concat(ops, meds, cops)
	statuses := make([]string, len(everyone))
	var wg sync.WaitGroup
	for i, who := range everyone {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.req(who, "POST", fmt.Sprintf("/editions/%v/enrol", ed["id"]), nil)
			if r.Status != 201 {
				t.Errorf("%s: %d %s", who, r.Status, r.Raw)
				return
			}
			statuses[i] = r.data()["status"].(string)
		}()
	}
	wg.Wait()
	held, waiting := checkSeats(t, e, ed["id"])
	if held != 15 || waiting != 45 {
		t.Errorf("crowd: %d held, %d waiting", held, waiting)
	}
	// Everyone leaves at once: the seats go to the waiting list, in order.
	var ens []training.Enrolment
	testdb.Must(t, "enrolments", e.db.Where("edition_id = ? AND status = ?", ed["id"], training.StatusConfirmed).Find(&ens).Error)
	byPerson := map[int64]string{}
	for name, id := range e.id {
		byPerson[id] = name
	}
	for _, en := range ens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			expect(t, e.req(byPerson[en.PersonID], "POST", fmt.Sprintf("/enrolments/%d/cancel", en.ID), nil), 200, "cancel")
		}()
	}
	wg.Wait()
	held, waiting = checkSeats(t, e, ed["id"])
	if held != 15 || waiting != 30 {
		t.Errorf("after cancelling: %d held, %d waiting", held, waiting)
	}
}

// TestCheckinCrowd: thirty people check in at once, each twice, on
// PostgreSQL: every request succeeds and each has one line, present.
func TestCheckinCrowd(t *testing.T) {
	e := newEnv(t, testdb.Postgres(t))
	c := e.course("coordinator", "lodi", "operator")
	ed := e.edition("coordinator", c, 30, false)
	ops := e.crowd("op", 30, "lodi", incroci.RoleOperator)
	for _, who := range ops {
		e.enrol(who, ed["id"])
	}
	mid := ed["meetings"].([]any)[0].(map[string]any)["id"]
	e.at("2026-12-03T08:10:00Z")
	code := expect(t, e.req("trainer", "GET", fmt.Sprintf("/editions/%v/meetings/%v/checkin-code", ed["id"], mid), nil), 200, "code").data()["code"]
	var wg sync.WaitGroup
	for _, who := range append(append([]string{}, ops...), ops...) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := e.req(who, "POST", "/checkin", map[string]any{"code": code}); r.Status != 200 {
				t.Errorf("%s: %d %s", who, r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	reg := expect(t, e.req("trainer", "GET", fmt.Sprintf("/editions/%v/meetings/%v/register", ed["id"], mid), nil), 200, "register").data()
	present := 0
	for _, l := range reg["lines"].([]any) {
		if l.(map[string]any)["status"] == "present" {
			present++
		}
	}
	var rows int64
	e.db.Table("incroci_training_attendance").Count(&rows)
	if present != 30 || rows != 30 {
		t.Errorf("%d present, %d lines; want 30", present, rows)
	}
}
