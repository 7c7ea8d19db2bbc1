package training_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestReports: on a known dataset (the classroom of Lodi run by attend,
// and a course of Crema with two topics where one of two attends), the
// hours per ambito, role and topic and the figures per edition and course
// for Lodi's coordinator (Lodi only) and for admins (the network), as
// JSON and CSV; nobody else reads them, and they hold no names.
func TestReports(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		cc := expect(t, e.req("cremaCoordinator", "POST", "/courses", map[string]any{"ambito": "crema", "title": "Cittadinanza e anagrafe", "goals": "Le pratiche.",
			"audience": []string{}, "topics": []string{"cittadinanza", "anagrafe"}, "hours": 2, "trainer_ids": []int64{e.id["cremaTrainer"]}}), 201, "Crema's course").data()
		ced := expect(t, e.req("cremaCoordinator", "POST", fmt.Sprintf("/courses/%v/editions", cc["id"]), map[string]any{"capacity": 2,
			"enrol_from": "2026-11-01T00:00:00+01:00", "enrol_until": "2026-11-30T18:00:00+01:00",
			"meetings": []map[string]any{{"start": "2026-12-11T09:00:00+01:00", "end": "2026-12-11T11:00:00+01:00", "place": "Crema"}}}), 201, "Crema's edition").data()
		e.enrol("cremaOperator", ced["id"])
		e.enrol("cremaMediator", ced["id"])
		cm := ced["meetings"].([]any)[0].(map[string]any)["id"]

		e.attend()
		e.at("2026-12-11T08:00:00Z")
		code := expect(t, e.req("cremaTrainer", "GET", fmt.Sprintf("/editions/%v/meetings/%v/checkin-code", ced["id"], cm), nil), 200, "code").data()["code"]
		expect(t, e.req("cremaOperator", "POST", "/checkin", map[string]any{"code": code}), 200, "checks in")
		e.at("2026-12-11T10:30:00Z")
		expect(t, e.req("cremaTrainer", "POST", fmt.Sprintf("/editions/%v/meetings/%v/register/close", ced["id"], cm), nil), 200, "closes")

		lines := func(r map[string]any, key string) []string {
			var out []string
			for _, l := range r[key].([]any) {
				m := l.(map[string]any)
				if key == "lines" {
					out = append(out, fmt.Sprint(m["ambito"], " ", m["role"], " ", m["topic"], " ", m["people"], " ", m["minutes"], " ", m["hours"]))
				} else {
					out = append(out, fmt.Sprint(m["ambito"], " ", m["people"], " ", m["minutes"], " ", m["hours"]))
				}
			}
			return out
		}
		lodi := expect(t, e.req("coordinator", "GET", "/reports/hours?ambito=lodi", nil), 200, "Lodi's hours").data()
		if got := strings.Join(lines(lodi, "lines"), "; "); got != "lodi mediator ricongiungimento 1 359 5.98; lodi operator ricongiungimento 2 840 14" {
			t.Errorf("Lodi's lines: %s", got)
		}
		if got := strings.Join(lines(lodi, "totals"), "; "); got != "lodi 3 1199 19.98" {
			t.Errorf("Lodi's totals: %s", got)
		}
		net := expect(t, e.req("admin", "GET", "/reports/hours", nil), 200, "the network's hours").data()
		if got := strings.Join(lines(net, "lines"), "; "); got != "crema operator anagrafe 1 120 2; crema operator cittadinanza 1 120 2; lodi mediator ricongiungimento 1 359 5.98; lodi operator ricongiungimento 2 840 14" {
			t.Errorf("network lines: %s", got)
		}
		if got := strings.Join(lines(net, "totals"), "; "); got != "crema 1 120 2; lodi 3 1199 19.98" {
			t.Errorf("network totals: %s", got)
		}
		if l := expect(t, e.req("coordinator", "GET", "/reports/hours?ambito=lodi&year=2025", nil), 200, "2025").data()["lines"].([]any); len(l) != 0 {
			t.Errorf("2025: %v", l)
		}
		for who, path := range map[string]string{"operator": "/reports/hours?ambito=lodi", "trainer": "/reports/editions?ambito=lodi", "cremaCoordinator": "/reports/hours?ambito=lodi",
			"coordinator": "/reports/hours", "editor": "/reports/editions.csv?ambito=lodi"} {
			expect(t, e.req(who, "GET", path, nil), 403, who+" reads "+path)
		}
		expect(t, e.req("", "GET", "/reports/hours?ambito=lodi", nil), 401, "anonymous")
		expect(t, e.req("coordinator", "GET", "/reports/hours?ambito=lodi&year=0", nil), 422, "bad year")

		csv := expect(t, e.req("coordinator", "GET", "/reports/hours.csv?ambito=lodi", nil), 200, "hours CSV")
		if got := string(csv.Raw); got != "ambito,role,topic,people,minutes,hours\nlodi,mediator,ricongiungimento,1,359,5.98\nlodi,operator,ricongiungimento,2,840,14.00\n" {
			t.Errorf("hours CSV:\n%s", got)
		}
		if !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") || !strings.Contains(csv.Header.Get("Content-Disposition"), "ore-formazione.csv") {
			t.Errorf("CSV headers: %v", csv.Header)
		}

		ed := expect(t, e.req("coordinator", "GET", "/reports/editions?ambito=lodi", nil), 200, "Lodi's editions").data()
		eds, courses := ed["editions"].([]any), ed["courses"].([]any)
		if len(eds) != 1 || len(courses) != 1 {
			t.Fatalf("editions report: %v", ed)
		}
		f := eds[0].(map[string]any)
		if got := strings.TrimSpace(fmt.Sprintln(f["capacity"], f["enrolled"], f["pending"], f["offered"], f["waiting"], f["left"], f["meetings"], f["closed"], f["attendance_rate"], f["certificates"], f["first_day"])); got != "4 4 0 0 1 0 2 2 62.4 2 2026-12-03" {
			t.Errorf("edition figures: %s", got)
		}
		c := courses[0].(map[string]any)
		if got := fmt.Sprint(c["editions"], c["capacity"], c["enrolled"], c["waiting"], c["attendance_rate"], c["certificates"]); got != "1 4 4 1 62.4 2" {
			t.Errorf("course figures: %s", got)
		}
		all := expect(t, e.req("admin", "GET", "/reports/editions", nil), 200, "the network's editions").data()
		if n := len(all["editions"].([]any)); n != 2 {
			t.Errorf("network: %d editions", n)
		}
		for _, x := range all["courses"].([]any) {
			if m := x.(map[string]any); m["ambito"] == "crema" && fmt.Sprint(m["enrolled"], m["attendance_rate"], m["certificates"]) != "2 50 1" {
				t.Errorf("Crema's course: %v", m)
			}
		}
		ecsv := string(expect(t, e.req("coordinator", "GET", "/reports/editions.csv?ambito=lodi", nil), 200, "editions CSV").Raw)
		rows := strings.Split(strings.TrimSpace(ecsv), "\n")
		if len(rows) != 2 || !strings.HasPrefix(rows[0], "edition_id,course_id,course,title,ambito,first_day") || !strings.HasSuffix(rows[1], ",lodi,2026-12-03,false,4,4,0,0,1,0,2,2,62.4,2") {
			t.Errorf("editions CSV:\n%s", ecsv)
		}
		ccsv := string(expect(t, e.req("admin", "GET", "/reports/courses.csv?ambito=crema", nil), 200, "courses CSV").Raw)
		if rows := strings.Split(strings.TrimSpace(ccsv), "\n"); len(rows) != 2 || rows[1] != fmt.Sprint(cc["id"], ",Cittadinanza e anagrafe,crema,1,2,2,0,50.0,1") {
			t.Errorf("courses CSV:\n%s", ccsv)
		}
		for _, raw := range []string{ecsv, ccsv, string(csv.Raw)} {
			for name, email := range e.email {
				if strings.Contains(raw, email) || strings.Contains(raw, "@") || strings.Contains(raw, "operator2") || strings.Contains(raw, "operator3") {
					t.Errorf("a report names %s", name)
				}
			}
		}
	})
}
