package helpdesk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci/helpdesk"
	"github.com/incrocicomuni/incroci/internal/sse"
)

// TestMediationNotices: a new request is e-mailed to the ambito's
// coordinators and to the mediators of its language (never with its note),
// a confirmed one says from when its cancellation is charged, one nobody
// confirmed expires at its start with nothing charged and its operator
// told, and the settings publish the notice window and the upload limits.
func TestMediationNotices(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		pkg := bkMediationSetup(t, e, 600)
		opMails := e.mailsTo(e.email["operator"])
		start := romeAt(t, 2026, 11, 10, 10, 0) // tomorrow morning
		in := bkRequest(pkg, start, time.Hour, helpdesk.MediationPhone)
		r, err := e.hd.RequestMediator(e.as("operator"), in)
		if err != nil {
			t.Fatal(err)
		}
		if r.OperatorName != "operator" {
			t.Errorf("the new request names its operator %q", r.OperatorName)
		}
		for _, who := range []string{"coordinator", "mediator"} {
			m := e.waitMail(e.email[who], fmt.Sprintf("richiesta di mediazione n. %d da confermare", r.ID))
			if !strings.Contains(m.Text, "lingua arabo, 10/11/2026, 10:00–11:00 (ora italiana)") || strings.Contains(m.Text, in.Note) {
				t.Errorf("the notice to %s reads:\n%s", who, m.Text)
			}
		}
		// A French request reaches the coordinator, not the Arabic mediator.
		fr := bkRequest(pkg, start.Add(2*time.Hour), time.Hour, helpdesk.MediationPhone)
		fr.Language = "fr"
		r2, err := e.hd.RequestMediator(e.as("operator"), fr)
		if err != nil {
			t.Fatal(err)
		}
		e.waitMail(e.email["coordinator"], fmt.Sprintf("n. %d da confermare", r2.ID))
		if n := e.mailsTo(e.email["operator"]) - opMails; n != 0 {
			t.Errorf("the operator got %d e-mails about their own requests", n)
		}

		// Confirmed: the request says from when cancelling is charged.
		c := e.req("coordinator", "POST", fmt.Sprintf("/mediation/requests/%d/confirm", r.ID), nil)
		expect(t, c, 200, "confirm")
		if got := c.data()["charge_from"]; got != start.Add(-24*time.Hour).UTC().Format(time.RFC3339) {
			t.Errorf("charge_from = %v, want the start less 24 hours", got)
		}
		if got := e.req("operator", "GET", fmt.Sprintf("/mediation/requests/%d", r2.ID), nil).data()["charge_from"]; got != nil {
			t.Errorf("a request not confirmed has charge_from %v", got)
		}

		// Nobody confirms the French one: at its start it expires.
		if n, err := e.hd.ExpireMediation(e.ctx); err != nil || n != 0 {
			t.Fatalf("ExpireMediation before the start = %d, %v", n, err)
		}
		before := bkBalance(t, e, pkg)
		e.clock.Add(26 * time.Hour)
		if n, err := e.hd.ExpireMediation(e.ctx); err != nil || n != 1 {
			t.Fatalf("ExpireMediation after the start = %d, %v; want 1 (the confirmed one stays)", n, err)
		}
		e.signInAgain()
		got := e.req("operator", "GET", fmt.Sprintf("/mediation/requests/%d", r2.ID), nil).data()
		if got["status"] != "cancelled" || got["cancelled_by"] != nil || got["charged"] != false {
			t.Errorf("the expired request: %v", got)
		}
		if s := e.req("operator", "GET", fmt.Sprintf("/mediation/requests/%d", r.ID), nil).data()["status"]; s != "confirmed" {
			t.Errorf("the confirmed request became %v", s)
		}
		if after := bkBalance(t, e, pkg); after != before {
			t.Errorf("the balance moved from %d to %d on expiry", before, after)
		}
		e.waitMail(e.email["operator"], fmt.Sprintf("mediazione n. %d non confermata", r2.ID))
		if n, err := e.hd.ExpireMediation(e.ctx); err != nil || n != 0 {
			t.Errorf("ExpireMediation again = %d, %v", n, err)
		}

		// The settings, for any signed-in person.
		s := e.req("operator", "GET", "/settings", nil)
		expect(t, s, 200, "settings")
		if d := s.data(); d["mediation_notice_hours"] != 24.0 || d["max_attachment_bytes"] != float64(10<<20) || len(d["attachment_types"].([]any)) == 0 {
			t.Errorf("settings: %s", s.Raw)
		}
		expect(t, e.req("", "GET", "/settings", nil), 401, "settings, anonymous")
	})
}

// TestMediationEvents: an ambito's coordinators, operators and mediators
// follow its mediation requests live (ids only); other ambiti and people
// without a role there cannot.
func TestMediationEvents(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		pkg := bkMediationSetup(t, e, 600)
		expect(t, e.req("cremaOperator", "GET", "/mediation/events?ambito=lodi", nil), 403, "crema follows lodi")
		expect(t, e.req("consultant", "GET", "/mediation/events?ambito=lodi", nil), 403, "a consultant follows mediation")
		expect(t, e.req("operator", "GET", "/mediation/events", nil), 422, "no ambito")
		expect(t, e.req("", "GET", "/mediation/events?ambito=lodi", nil), 401, "anonymous")
		ctx, cancel := context.WithCancel(e.ctx)
		defer cancel()
		readers := map[string]*sse.Reader{}
		for _, who := range []string{"operator2", "coordinator", "mediator"} {
			req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL+"/incroci/helpdesk/mediation/events?ambito=lodi", nil)
			req.Header.Set("Authorization", "Bearer "+e.tok[who])
			res, err := http.DefaultClient.Do(req)
			if err != nil || res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
				t.Fatalf("stream as %s: %v %v", who, err, res)
			}
			defer res.Body.Close()
			checkOpenAPI(t, "GET", "/mediation/events?ambito=lodi", resp{Status: res.StatusCode, Header: res.Header})
			readers[who] = sse.NewReader(res.Body)
		}
		r, err := e.hd.RequestMediator(e.as("operator"), bkRequest(pkg, romeAt(t, 2026, 11, 10, 10, 0), time.Hour, helpdesk.MediationPhone))
		if err != nil {
			t.Fatal(err)
		}
		for who, rd := range readers {
			f := nextEvent(t, rd)
			var data struct {
				RequestID int64 `json:"request_id"`
			}
			if err := json.Unmarshal([]byte(f.Data), &data); err != nil || f.Event != "mediation.requested" || data.RequestID != r.ID {
				t.Errorf("%s got %+v", who, f)
			}
		}
	})
}
