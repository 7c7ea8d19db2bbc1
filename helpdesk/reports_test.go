package helpdesk_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/helpdesk"
)

func TestReports(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		a := e.open("operator")
		b := e.open("operator")
		in := e.openInput()
		in["ambito"], in["topic"] = "crema", "cittadinanza"
		delete(in, "return_url")
		in["beneficiary"].(map[string]any)["nationality"] = "UA"
		in["beneficiary"].(map[string]any)["language"] = "uk"
		r := e.req("cremaOperator", "POST", "/consultations", in)
		expect(t, r, 201, "crema")
		// A first answer 3 working hours later (Monday 10:00 → 13:00), and
		// a resolution the next day at 10:00 (Monday 10–13 and 14–17, Tuesday 9–10: 7 h).
		e.clock.Add(3 * time.Hour)
		e.signInAgain()
		for _, id := range []int64{a, b} {
			expect(t, e.req("consultant", "POST", fmt.Sprintf("/consultations/%d/assign", id), map[string]any{"person_id": e.id["consultant"]}), 200, "assign")
			expect(t, e.req("consultant", "POST", fmt.Sprintf("/consultations/%d/messages", id), map[string]any{"client_id": fmt.Sprint("ans-000", id), "body": "Risposta"}), 201, "answer")
		}
		e.clock.Add(21 * time.Hour) // Tuesday 10:00
		e.signInAgain()
		expect(t, e.req("consultant", "POST", fmt.Sprintf("/consultations/%d/status", a), map[string]any{"status": "resolved"}), 200, "resolve")

		rep, err := e.hd.Report(e.as("coordinator"), helpdesk.ReportQuery{Ambito: "lodi"})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Total != 2 || rep.ByNationality[0].Key != "MA" || rep.ByTopic[0].Key != "permesso-soggiorno" || rep.ByTopic[0].Label == "" || rep.ByMonth[0].Key != "2026-11" {
			t.Fatalf("report %+v", rep)
		}
		if rep.FirstResponse.N != 2 || rep.FirstResponse.MedianHours != 3 || rep.Resolution.N != 1 || rep.Resolution.MedianHours != 7 {
			t.Fatalf("timings %+v %+v", rep.FirstResponse, rep.Resolution)
		}
		// Mediator hours: a confirmed 90-minute booking in Arabic.
		pkg := bkMediationSetup(t, e, 600)
		start := time.Date(2026, 11, 12, 9, 0, 0, 0, time.UTC) // Thursday 10:00 in Rome
		mr, err := e.hd.RequestMediator(e.as("operator"), bkRequest(pkg, start, 90*time.Minute, "phone"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.hd.ConfirmMediation(e.as("coordinator"), mr.ID, 0); err != nil {
			t.Fatal(err)
		}
		rep, err = e.hd.Report(e.as("coordinator"), helpdesk.ReportQuery{Ambito: "lodi", From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil || len(rep.MediatorHours) != 1 || rep.MediatorHours[0].Language != "ar" || rep.MediatorHours[0].Hours != 1.5 {
			t.Fatalf("mediator hours %+v %v", rep.MediatorHours, err)
		}
		// The network's admin sees every ambito.
		all, err := e.hd.Report(e.as("admin"), helpdesk.ReportQuery{})
		if err != nil || all.Total != 3 || len(all.ByAmbito) != 2 {
			t.Fatalf("network report %+v %v", all, err)
		}
		// A coordinator sees no other ambito, an operator no report.
		if _, err := e.hd.Report(e.as("coordinator"), helpdesk.ReportQuery{Ambito: "crema"}); !errors.Is(err, incroci.ErrForbidden) {
			t.Fatalf("coordinator of lodi on crema: %v", err)
		}
		if _, err := e.hd.Report(e.as("operator"), helpdesk.ReportQuery{Ambito: "lodi"}); !errors.Is(err, incroci.ErrForbidden) {
			t.Fatalf("operator: %v", err)
		}
		csv, err := e.hd.ReportCSV(e.as("coordinator"), helpdesk.ReportQuery{Ambito: "lodi"})
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "id,ambito,desk,topic,month") || strings.Contains(string(csv), "M.R.") || strings.Contains(string(csv), "Rinnovo") {
			t.Fatalf("csv:\n%s", csv)
		}
		if !strings.HasSuffix(lines[1], ",3.0,7.0") {
			t.Fatalf("csv hours: %s", lines[1])
		}
	})
}

func TestCheckPersonalData(t *testing.T) {
	c := helpdesk.CheckPersonalData("Il CF è RSSMRA85T10A562S, tel. 333 123 4567", "it")
	if len(c.Matches) != 2 || c.Matches[0].Kind != "tax_code" || strings.Contains(c.Masked, "RSSMRA") || !strings.Contains(c.Masked, "[codice fiscale]") {
		t.Fatalf("check %+v", c)
	}
}

// TestReportMonthsInItalianTime: a consultation opened at 00:30 on 1
// December in Italy (23:30 UTC on 30 November) counts in December in the
// report and in its CSV alike, and the days of from/to are Italian days.
func TestReportMonthsInItalianTime(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		e.clock.Add(time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC).Sub(e.clock.Now()))
		e.signInAgain()
		id := e.open("operator")
		r := e.req("coordinator", "GET", "/reports?ambito=lodi&from=2026-12-01&to=2026-12-02", nil)
		expect(t, r, 200, "report of 1 December")
		months := r.data()["by_month"].([]any)
		if r.data()["total"] != 1.0 || len(months) != 1 || months[0].(map[string]any)["key"] != "2026-12" {
			t.Errorf("report of 1 December: %s", r.Raw)
		}
		if r := e.req("coordinator", "GET", "/reports?ambito=lodi&from=2026-11-01&to=2026-12-01", nil); r.data()["total"] != 0.0 {
			t.Errorf("report of November: %s", r.Raw)
		}
		csv := e.req("coordinator", "GET", "/reports/consultations.csv?ambito=lodi&from=2026-12-01&to=2026-12-02", nil)
		expect(t, csv, 200, "csv")
		if !strings.Contains(string(csv.Raw), fmt.Sprintf("\n%d,lodi,", id)) || !strings.Contains(string(csv.Raw), ",2026-12,") {
			t.Errorf("csv:\n%s", csv.Raw)
		}
	})
}
