package training_test

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/pdftext"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/pdf"
	"github.com/incrocicomuni/incroci/training"
)

// at moves the test clock to when and signs everybody in again.
func (e *env) at(when string) {
	e.t.Helper()
	w, err := time.Parse(time.RFC3339, when)
	if err != nil {
		e.t.Fatal(err)
	}
	e.clock.Add(w.Sub(e.p.Now()))
	e.signIn()
}

// classroom is a course of Lodi for operators and mediators with an
// edition of 4 seats and the two December meetings of 4 hours (480
// minutes, 75 % = 360): operator, operator2, operator3 and mediator hold
// the seats, mediator2 waits. It returns the edition and its meetings' ids.
func (e *env) classroom() (edition float64, m1, m2 float64) {
	e.t.Helper()
	c := e.course("coordinator", "lodi", "operator", "mediator")
	ed := e.edition("coordinator", c, 4, false)
	for _, who := range []string{"operator", "operator2", "operator3", "mediator"} {
		if st := e.enrol(who, ed["id"])["status"]; st != "confirmed" {
			e.t.Fatalf("%s: %v", who, st)
		}
	}
	if st := e.enrol("mediator2", ed["id"])["status"]; st != "waiting" {
		e.t.Fatalf("mediator2: %v", st)
	}
	ms := ed["meetings"].([]any)
	return ed["id"].(float64), ms[0].(map[string]any)["id"].(float64), ms[1].(map[string]any)["id"].(float64)
}

func marks(e *env, pairs ...any) map[string]any {
	var out []map[string]any
	for i := 0; i+2 < len(pairs)+1; i += 3 {
		out = append(out, map[string]any{"person_id": e.id[pairs[i].(string)], "status": pairs[i+1], "minutes": pairs[i+2]})
	}
	return map[string]any{"marks": out}
}

// TestRegisterAccess: only the edition's trainers (and admins) read and
// keep a meeting's register: not another trainer of the ambito, not an
// operator, not the course's coordinator, not another ambito's trainer.
// Marks are checked (seat, partial minutes) in Italian and English, the
// register opens 15 minutes before the meeting, closes after its end
// (the unmarked become absent) and then changes no more. Reads are
// audited.
func TestRegisterAccess(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		trainer2, err := e.p.Invite(incroci.AsSystem(e.ctx), "lodi", incroci.InviteInput{Email: "formatore2@example.org", Name: "trainer2", Roles: []incroci.Role{incroci.RoleTrainer}})
		if err != nil {
			t.Fatal(err)
		}
		e.id["trainer2"], e.email["trainer2"] = trainer2.ID, "formatore2@example.org"
		e.signIn()
		ed, m1, m2id := e.classroom()
		reg := fmt.Sprintf("/editions/%v/meetings/%v/register", ed, m1)
		r := expect(t, e.req("trainer", "GET", reg, nil), 200, "trainer reads").data()
		if lines := r["lines"].([]any); len(lines) != 4 || r["minutes"].(float64) != 240 || r["closed"] != false {
			t.Fatalf("register: %v", r)
		}
		expect(t, e.req("admin", "GET", reg, nil), 200, "admin reads")
		for who, code := range map[string]int{"trainer2": 403, "operator": 403, "coordinator": 403, "cremaTrainer": 404, "cremaCoordinator": 404, "": 401} {
			expect(t, e.req(who, "GET", reg, nil), code, who+" reads the register")
			expect(t, e.req(who, "PUT", reg, marks(e, "operator", "present", 0)), code, who+" marks")
			expect(t, e.req(who, "POST", reg+"/close", nil), code, who+" closes")
			expect(t, e.req(who, "GET", fmt.Sprintf("/editions/%v/meetings/%v/checkin-code", ed, m1), nil), code, who+" gets the code")
		}
		expect(t, e.req("trainer", "GET", fmt.Sprintf("/editions/%v/meetings/99999/register", ed), nil), 404, "unknown meeting")
		expect(t, e.req("trainer", "GET", fmt.Sprintf("/editions/%v/meetings/x/register", ed), nil), 404, "bad meeting id")

		expect(t, e.req("trainer", "PUT", reg, marks(e, "operator", "present", 0)), 409, "marks before the register opens")
		e.at("2026-12-03T07:46:00Z") // 08:46 in Lodi, 14 minutes before the start
		bad := expect(t, e.req("trainer", "PUT", reg, marks(e, "operator", "partial", 0, "mediator2", "present", 0, "operator2", "partial", 240), "Accept-Language", "en"), 422, "bad marks")
		if f := strings.Join(bad.fields(), " "); f != "marks[0].minutes marks[1].person_id marks[2].minutes" {
			t.Errorf("fields %q", f)
		}
		if !strings.Contains(string(bad.Raw), "holds no confirmed seat") || !strings.Contains(string(bad.Raw), "fewer than 240") {
			t.Errorf("English: %s", bad.Raw)
		}
		bad = expect(t, e.req("trainer", "PUT", reg, marks(e, "mediator2", "present", 0)), 422, "bad marks in Italian")
		if !strings.Contains(string(bad.Raw), "non ha un posto confermato") {
			t.Errorf("Italian: %s", bad.Raw)
		}
		r = expect(t, e.req("trainer", "PUT", reg, marks(e, "operator", "present", 10, "operator2", "partial", 90)), 200, "marks").data()
		got := map[string]string{}
		for _, l := range r["lines"].([]any) {
			m := l.(map[string]any)
			got[m["name"].(string)] = fmt.Sprint(m["status"], " ", m["minutes"])
		}
		if got["operator"] != "present 240" || got["operator2"] != "partial 90" || got["operator3"] != " 0" {
			t.Errorf("register: %v", got)
		}
		// A meeting with marks is neither moved nor removed.
		upd := func(ms ...map[string]any) map[string]any {
			return map[string]any{"title": "Autunno", "capacity": 4, "enrol_from": "2026-11-01T00:00:00+01:00", "enrol_until": "2026-11-30T18:00:00+01:00",
				"cancel_until": "2026-11-30T18:00:00+01:00", "meetings": ms, "quotas": []any{}}
		}
		m2 := map[string]any{"id": m2id, "start": meetings[1]["start"], "end": meetings[1]["end"], "video_url": meetings[1]["video_url"]}
		moved := map[string]any{"id": m1, "start": "2026-12-03T10:00:00+01:00", "end": meetings[0]["end"], "place": meetings[0]["place"]}
		if f := expect(t, e.req("coordinator", "PUT", fmt.Sprintf("/editions/%v", ed), upd(moved, m2)), 422, "moves a meeting with marks").fields(); len(f) != 1 || f[0] != "meetings[0].start" {
			t.Errorf("fields %v", f)
		}
		if f := expect(t, e.req("coordinator", "PUT", fmt.Sprintf("/editions/%v", ed), upd(m2)), 422, "removes a meeting with marks").fields(); len(f) != 1 || f[0] != "meetings" {
			t.Errorf("fields %v", f)
		}
		same := map[string]any{"id": m1, "start": meetings[0]["start"], "end": meetings[0]["end"], "place": "Sala giunta, Lodi"}
		expect(t, e.req("coordinator", "PUT", fmt.Sprintf("/editions/%v", ed), upd(same, m2)), 200, "changes the place")

		expect(t, e.req("trainer", "POST", reg+"/close", nil), 409, "closes before the end")
		e.at("2026-12-03T12:00:00Z")
		r = expect(t, e.req("trainer", "POST", reg+"/close", nil), 200, "closes").data()
		if r["closed"] != true {
			t.Errorf("closed: %v", r)
		}
		for _, l := range r["lines"].([]any) {
			if m := l.(map[string]any); m["name"] == "operator3" && m["status"] != "absent" {
				t.Errorf("unmarked: %v", m)
			}
		}
		expect(t, e.req("trainer", "PUT", reg, marks(e, "operator3", "present", 0)), 409, "marks a closed register")
		expect(t, e.req("trainer", "POST", reg+"/close", nil), 409, "closes again")

		var n int64
		e.db.Model(&incroci.AuditEntry{}).Where("action = ? AND object_id = ?", "training.register.read", fmt.Sprint(m1)).Count(&n)
		if n != 2 {
			t.Errorf("%d register reads audited, want 2", n)
		}
	})
}

// TestCheckin: the trainer's code rotates every 30 seconds and is shown
// from 15 minutes before the meeting to its end; a participant with a
// seat checks in with it (again changes nothing) in its window and the
// next, not later; forged codes, people without a seat and check-ins
// after the end are refused, in Italian and English.
func TestCheckin(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		ed, m1, m2 := e.classroom()
		codePath := fmt.Sprintf("/editions/%v/meetings/%v/checkin-code", ed, m1)
		e.at("2026-12-03T07:40:00Z") // 20 minutes before
		expect(t, e.req("trainer", "GET", codePath, nil), 409, "code too early")
		e.at("2026-12-03T07:50:00Z")
		c1 := expect(t, e.req("trainer", "GET", codePath, nil), 200, "code").data()
		code := c1["code"].(string)
		u, err := url.Parse(c1["url"].(string))
		if err != nil || !strings.HasPrefix(c1["url"].(string), linkPage+"?") || u.Query().Get("incroci_checkin") != code {
			t.Fatalf("url %v", c1["url"])
		}
		if c1["expires_at"] != "2026-12-03T07:51:00Z" || c1["refresh_at"] != "2026-12-03T07:50:30Z" {
			t.Errorf("times: %v", c1)
		}
		qr := expect(t, e.req("trainer", "GET", codePath+".png", nil), 200, "QR")
		if img, err := png.Decode(bytes.NewReader(qr.Raw)); err != nil || img.Bounds().Dx() < 256 || qr.Header.Get("Content-Type") != "image/png" {
			t.Errorf("QR: %v %v", err, qr.Header)
		}
		expect(t, e.req("operator", "GET", codePath+".png", nil), 403, "QR for an operator")

		a := expect(t, e.req("operator", "POST", "/checkin", map[string]any{"code": code}), 200, "checks in").data()
		if a["status"] != "present" || a["minutes"].(float64) != 240 || a["checked_in"] != true || a["person_id"].(float64) != float64(e.id["operator"]) {
			t.Errorf("checkin: %v", a)
		}
		again := expect(t, e.req("operator", "POST", "/checkin", map[string]any{"code": code}), 200, "checks in again").data()
		if again["id"] != a["id"] || again["updated_at"] != a["updated_at"] {
			t.Errorf("again: %v, first %v", again, a)
		}
		e.clock.Add(30 * time.Second)
		c2 := expect(t, e.req("trainer", "GET", codePath, nil), 200, "next code").data()["code"].(string)
		if c2 == code {
			t.Error("the code did not change after 30 seconds")
		}
		expect(t, e.req("mediator", "POST", "/checkin", map[string]any{"code": code}), 200, "the previous window's code")
		e.clock.Add(30 * time.Second)
		exp := expect(t, e.req("operator2", "POST", "/checkin", map[string]any{"code": code}, "Accept-Language", "en"), 409, "expired code")
		if !strings.Contains(string(exp.Raw), "has expired") {
			t.Errorf("English: %s", exp.Raw)
		}
		exp = expect(t, e.req("operator2", "POST", "/checkin", map[string]any{"code": code}), 409, "expired code, Italian")
		if !strings.Contains(string(exp.Raw), "è scaduto") {
			t.Errorf("Italian: %s", exp.Raw)
		}
		fresh := expect(t, e.req("trainer", "GET", codePath, nil), 200, "fresh code").data()["code"].(string)
		parts := strings.Split(fresh, ".")
		for _, forged := range []string{parts[0] + "." + parts[1] + ".AAAA", fmt.Sprint(m2) + "." + parts[1] + "." + parts[2], "x", fmt.Sprint(m1, ".", parts[1])} {
			expect(t, e.req("operator2", "POST", "/checkin", map[string]any{"code": forged}), 403, "forged code "+forged)
		}
		expect(t, e.req("operator2", "POST", "/checkin", map[string]any{"code": ""}), 422, "no code")
		ns := expect(t, e.req("mediator2", "POST", "/checkin", map[string]any{"code": fresh}, "Accept-Language", "en"), 403, "waiting, no seat")
		if !strings.Contains(string(ns.Raw), "no confirmed seat") {
			t.Errorf("English: %s", ns.Raw)
		}
		expect(t, e.req("cremaOperator", "POST", "/checkin", map[string]any{"code": fresh}), 403, "not enrolled")
		expect(t, e.req("", "POST", "/checkin", map[string]any{"code": fresh}), 401, "anonymous")

		// A trainer's mark stays; an absent mark becomes present.
		expect(t, e.req("trainer", "PUT", fmt.Sprintf("/editions/%v/meetings/%v/register", ed, m1), marks(e, "operator2", "partial", 100, "operator3", "absent", 0)), 200, "marks")
		if a := expect(t, e.req("operator2", "POST", "/checkin", map[string]any{"code": fresh}), 200, "partial checks in").data(); a["status"] != "partial" || a["minutes"].(float64) != 100 {
			t.Errorf("partial after check-in: %v", a)
		}
		if a := expect(t, e.req("operator3", "POST", "/checkin", map[string]any{"code": fresh}), 200, "absent checks in").data(); a["status"] != "present" || a["minutes"].(float64) != 240 {
			t.Errorf("absent after check-in: %v", a)
		}

		// After the end: no code, no check-in, even with a code of the last window.
		e.at("2026-12-03T11:59:45Z")
		last := expect(t, e.req("trainer", "GET", codePath, nil), 200, "last code").data()["code"].(string)
		e.clock.Add(20 * time.Second)
		expect(t, e.req("trainer", "GET", codePath, nil), 409, "code after the end")
		expect(t, e.req("operator", "POST", "/checkin", map[string]any{"code": last}), 409, "check-in after the end")
		// The other meeting's code does not open this one.
		expect(t, e.req("trainer", "GET", fmt.Sprintf("/editions/%v/meetings/%v/checkin-code", ed, m2), nil), 409, "second meeting not yet")
	})
}

// attend runs the classroom's two meetings: 480 minutes, 360 for the
// threshold. operator attends all (checks in at the first), operator2
// 240 + 120 = 360 (exactly 75 %), mediator 240 + 119 = 359 (just below),
// operator3 nothing. Both registers are closed, which issues the
// certificates.
func (e *env) attend() (ed, m1, m2 float64) {
	e.t.Helper()
	ed, m1, m2 = e.classroom()
	e.at("2026-12-03T08:00:00Z")
	code := expect(e.t, e.req("trainer", "GET", fmt.Sprintf("/editions/%v/meetings/%v/checkin-code", ed, m1), nil), 200, "code").data()["code"]
	expect(e.t, e.req("operator", "POST", "/checkin", map[string]any{"code": code}), 200, "checks in")
	expect(e.t, e.req("trainer", "PUT", fmt.Sprintf("/editions/%v/meetings/%v/register", ed, m1), marks(e, "operator2", "present", 0, "mediator", "present", 0)), 200, "marks m1")
	e.at("2026-12-03T12:30:00Z")
	expect(e.t, e.req("trainer", "POST", fmt.Sprintf("/editions/%v/meetings/%v/register/close", ed, m1), nil), 200, "closes m1")
	expect(e.t, e.req("trainer", "POST", fmt.Sprintf("/editions/%v/certificates", ed), nil), 409, "certificates before the end")
	e.at("2026-12-10T09:00:00Z")
	expect(e.t, e.req("trainer", "PUT", fmt.Sprintf("/editions/%v/meetings/%v/register", ed, m2), marks(e, "operator", "present", 0, "operator2", "partial", 120, "mediator", "partial", 119)), 200, "marks m2")
	e.at("2026-12-10T12:05:00Z")
	expect(e.t, e.req("trainer", "POST", fmt.Sprintf("/editions/%v/meetings/%v/register/close", ed, m2), nil), 200, "closes m2")
	return ed, m1, m2
}

// TestHoursAndCertificates: hours per person, course and year and per
// edition; certificates issued when the last register closes to those at
// the threshold (partial minutes counted) and not just below; verified
// without signing in (the least data), revoked by the course's
// coordinator only, with a reason; the PDF answers 503 without a printer.
func TestHoursAndCertificates(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		ed, _, _ := e.attend()
		for who, want := range map[string]float64{"operator": 8, "operator2": 6, "mediator": 5.98, "operator3": 0} {
			h := expect(t, e.req(who, "GET", "/me/hours", nil), 200, "my hours").data()
			if h["hours"].(float64) != want {
				t.Errorf("%s: %v hours, want %v", who, h["hours"], want)
			}
			if want > 0 {
				lines := h["lines"].([]any)
				l := lines[0].(map[string]any)
				if len(lines) != 1 || l["year"].(float64) != 2026 || l["course"] != "Accogliere le famiglie ricongiunte" || l["hours"].(float64) != want {
					t.Errorf("%s: %v", who, lines)
				}
			}
		}
		if h := expect(t, e.req("operator", "GET", "/me/hours?year=2025", nil), 200, "hours of 2025").data(); h["hours"].(float64) != 0 {
			t.Errorf("2025: %v", h)
		}
		expect(t, e.req("operator", "GET", "/me/hours?year=dieci", nil), 422, "bad year")

		eh := expect(t, e.req("coordinator", "GET", fmt.Sprintf("/editions/%v/hours", ed), nil), 200, "edition hours").data()
		if eh["minutes"].(float64) != 480 || eh["threshold"].(float64) != 75 || len(eh["people"].([]any)) != 4 {
			t.Fatalf("edition hours: %v", eh)
		}
		for _, p := range eh["people"].([]any) {
			m := p.(map[string]any)
			want := map[string]string{"operator": "480 100 true", "operator2": "360 75 true", "mediator": "359 74 false", "operator3": "0 0 false"}[m["name"].(string)]
			if got := fmt.Sprint(m["minutes"], " ", m["percent"], " ", m["meets"]); got != want {
				t.Errorf("%s: %s, want %s", m["name"], got, want)
			}
		}
		expect(t, e.req("trainer", "GET", fmt.Sprintf("/editions/%v/hours", ed), nil), 200, "trainer reads hours")
		expect(t, e.req("operator", "GET", fmt.Sprintf("/editions/%v/hours", ed), nil), 403, "operator reads hours")
		expect(t, e.req("cremaCoordinator", "GET", fmt.Sprintf("/editions/%v/hours", ed), nil), 404, "other ambito reads hours")

		// Certificates: operator and operator2, not mediator (one minute short).
		certs := expect(t, e.req("coordinator", "GET", fmt.Sprintf("/editions/%v/certificates", ed), nil), 200, "certificates").list()
		if len(certs) != 2 {
			t.Fatalf("%d certificates: %v", len(certs), certs)
		}
		if again := expect(t, e.req("trainer", "POST", fmt.Sprintf("/editions/%v/certificates", ed), nil), 200, "issue again").list(); len(again) != 0 {
			t.Errorf("issued again: %v", again)
		}
		expect(t, e.req("operator", "POST", fmt.Sprintf("/editions/%v/certificates", ed), nil), 403, "operator issues")
		if mine := expect(t, e.req("mediator", "GET", "/me/certificates", nil), 200, "mediator's").list(); len(mine) != 0 {
			t.Errorf("mediator has %v", mine)
		}
		mine := expect(t, e.req("operator2", "GET", "/me/certificates", nil), 200, "operator2's").list()
		if len(mine) != 1 {
			t.Fatalf("operator2: %v", mine)
		}
		c := mine[0].(map[string]any)
		code := c["code"].(string)
		if len(code) < 22 || c["hours"].(float64) != 6 || c["name"] != "operator2" || c["verify_url"] != "https://hub.example.it/incroci/training/certificates/verify/"+code+"/page" {
			t.Errorf("certificate: %v", c)
		}
		v := expect(t, e.req("", "GET", "/certificates/verify/"+code, nil), 200, "verify").data()
		if v["valid"] != true || v["name"] != "operator2" || v["course"] != "Accogliere le famiglie ricongiunte" || v["hours"].(float64) != 6 ||
			v["first_day"] != "2026-12-03" || v["last_day"] != "2026-12-10" || v["issuer"] != "Ambito Distrettuale di Lodi" {
			t.Errorf("verification: %v", v)
		}
		if strings.Contains(string(expect(t, e.req("", "GET", "/certificates/verify/"+code, nil), 200, "verify").Raw), "@") {
			t.Error("the verification shows an e-mail")
		}
		page := expect(t, e.req("", "GET", "/certificates/verify/"+code+"/page", nil), 200, "verification page")
		if s := string(page.Raw); !strings.Contains(s, "Attestato valido") || !strings.Contains(s, "operator2") || !strings.Contains(s, "03/12/2026 – 10/12/2026") ||
			!strings.Contains(page.Header.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("page: %s", s)
		}
		expect(t, e.req("", "GET", "/certificates/verify/"+strings.Repeat("A", 22), nil), 404, "unknown code")

		id := c["id"].(float64)
		rv := fmt.Sprintf("/certificates/%v/revoke", id)
		expect(t, e.req("trainer", "POST", rv, map[string]any{"reason": "Presenze registrate per errore"}), 403, "trainer revokes")
		expect(t, e.req("operator2", "POST", rv, map[string]any{"reason": "Presenze registrate per errore"}), 403, "owner revokes")
		expect(t, e.req("cremaCoordinator", "POST", rv, map[string]any{"reason": "Presenze registrate per errore"}), 404, "other ambito revokes")
		expect(t, e.req("coordinator", "POST", rv, map[string]any{"reason": ""}), 422, "no reason")
		r := expect(t, e.req("coordinator", "POST", rv, map[string]any{"reason": "Presenze registrate per errore"}), 200, "revokes").data()
		if r["revoked_at"] == nil || r["revoke_reason"] != "Presenze registrate per errore" {
			t.Errorf("revoked: %v", r)
		}
		expect(t, e.req("coordinator", "POST", rv, map[string]any{"reason": "di nuovo"}), 409, "revokes again")
		v = expect(t, e.req("", "GET", "/certificates/verify/"+code, nil), 200, "verify revoked").data()
		if v["valid"] != false || v["revoked"] != true || v["revoked_on"] != "2026-12-10" {
			t.Errorf("revoked verification: %v", v)
		}
		if s := string(expect(t, e.req("", "GET", "/certificates/verify/"+code+"/page", nil), 200, "revoked page").Raw); !strings.Contains(s, "revocato") || strings.Contains(s, "per errore") {
			t.Errorf("revoked page: %s", s)
		}
		expect(t, e.req("operator2", "GET", fmt.Sprintf("/me/certificates/%v/pdf", id), nil), 409, "PDF of a revoked certificate")
		if n := len(expect(t, e.req("trainer", "POST", fmt.Sprintf("/editions/%v/certificates", ed), nil), 200, "issue after revoking").list()); n != 0 {
			t.Errorf("a revoked certificate was issued again: %d", n)
		}
		other := mine[0].(map[string]any)
		for _, x := range certs {
			if x.(map[string]any)["name"] == "operator" {
				other = x.(map[string]any)
			}
		}
		expect(t, e.req("operator2", "GET", fmt.Sprintf("/me/certificates/%v/pdf", other["id"]), nil), 404, "another's PDF")
		expect(t, e.req("operator", "GET", fmt.Sprintf("/me/certificates/%v/pdf", other["id"]), nil), 503, "PDF without a printer")
	})
}

// TestIssueDue: the hub's periodic job closes the registers left open a
// week after their meetings and issues the certificates due.
func TestIssueDue(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		ed, m1, m2 := e.classroom()
		for _, m := range []struct {
			id   float64
			when string
		}{{m1, "2026-12-03T08:00:00Z"}, {m2, "2026-12-10T08:00:00Z"}} {
			e.at(m.when)
			code := expect(t, e.req("trainer", "GET", fmt.Sprintf("/editions/%v/meetings/%v/checkin-code", ed, m.id), nil), 200, "code").data()["code"]
			expect(t, e.req("operator", "POST", "/checkin", map[string]any{"code": code}), 200, "checks in")
		}
		e.at("2026-12-16T12:00:00Z")
		if n, err := e.tr.IssueDue(e.ctx); err != nil || n != 1 {
			t.Fatalf("IssueDue: %d, %v", n, err)
		}
		if l := expect(t, e.req("operator", "GET", "/me/certificates", nil), 200, "before").list(); len(l) != 0 {
			t.Errorf("issued with a register open: %v", l)
		}
		e.at("2026-12-17T12:01:00Z")
		if n, err := e.tr.IssueDue(e.ctx); err != nil || n != 1 {
			t.Fatalf("IssueDue: %d, %v", n, err)
		}
		if l := expect(t, e.req("operator", "GET", "/me/certificates", nil), 200, "after").list(); len(l) != 1 {
			t.Errorf("operator: %v", l)
		}
		if l := expect(t, e.req("operator2", "GET", "/me/certificates", nil), 200, "after").list(); len(l) != 0 {
			t.Errorf("operator2: %v", l)
		}
		if n, err := e.tr.IssueDue(e.ctx); err != nil || n != 0 {
			t.Fatalf("IssueDue again: %d, %v", n, err)
		}
		// The Go API for the system.
		if got, err := e.tr.IssueCertificates(incroci.AsSystem(e.ctx), int64(ed)); err != nil || len(got) != 0 {
			t.Errorf("IssueCertificates: %v, %v", got, err)
		}
	})
}

// certPrinter starts a headless Chromium printer for the test, closed when
// it ends; it skips the test when no Chromium is installed (fails it when
// CI=true), as the toolkit's PDF tests do.
func certPrinter(t *testing.T) *pdf.Chromium {
	t.Helper()
	printer, err := pdf.NewChromium(pdf.ChromiumConfig{})
	if errors.Is(err, pdf.ErrNoBrowser) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v; CI=true, so the PDF tests must run", err)
		}
		t.Skipf("%v: skipping the PDF test", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { printer.Close() })
	return printer
}

// TestCertificatePDF: with a real headless Chromium, a person downloads
// their certificate as a PDF holding their name, the course, the hours
// and the verification address.
func TestCertificatePDF(t *testing.T) {
	printer := certPrinter(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, func(c *training.Config) { c.Printer = printer })
		e.attend()
		c := expect(t, e.req("operator", "GET", "/me/certificates", nil), 200, "mine").list()[0].(map[string]any)
		res := expect(t, e.req("operator", "GET", fmt.Sprintf("/me/certificates/%v/pdf", c["id"]), nil), 200, "PDF")
		if res.Header.Get("Content-Type") != "application/pdf" || !strings.Contains(res.Header.Get("Content-Disposition"), "attestato-") {
			t.Errorf("headers %v", res.Header)
		}
		doc, err := pdftext.Read(res.Raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Attestato di partecipazione", "operator", "Accogliere le famiglie ricongiunte", "8.00", "dal 03/12/2026 al 10/12/2026",
			"Ambito Distrettuale di Lodi", c["code"].(string)} {
			if !doc.Contains(want) {
				t.Errorf("the PDF lacks %q; its text: %q", want, doc.Text)
			}
		}
	})
}
