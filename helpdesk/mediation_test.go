package helpdesk_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci/helpdesk"
	"github.com/incrocicomuni/incroci/internal/testdb"
)

// The env's clock starts on Monday 9 November 2026 at 10:00 in Rome.

// bkProfile is the lodi mediator's profile: Arabic and Tigrinya, every mode,
// weekdays 08:00–18:00, and Tuesday mornings at the family centre.
func bkProfile() helpdesk.MediatorProfileInput {
	in := helpdesk.MediatorProfileInput{Languages: []string{"ar", "ti"}, Modes: []string{"phone", "video", "in_person"}, Ambiti: []string{"lodi"},
		Presences: []helpdesk.ScheduledPresence{{Weekday: 2, Start: "09:00", End: "13:00", Ambito: "lodi", Place: "Consultorio familiare, via Cavour 10, Lodi"}}}
	for d := 1; d <= 5; d++ {
		in.Availability = append(in.Availability, helpdesk.WeeklyInterval{Weekday: d, Start: "08:00", End: "18:00"})
	}
	return in
}

// bkMediationSetup gives lodi a package of minutes and the mediator a
// profile; it returns the package's id.
func bkMediationSetup(t *testing.T, e *env, minutes int) int64 {
	t.Helper()
	pkg, err := e.hd.CreatePackage(e.as("coordinator"), helpdesk.PackageInput{Ambito: "lodi", Body: "Comune di Lodi", Name: "Mediazione 2026",
		ValidFrom: "2026-01-01", ValidTo: "2026-12-31", Minutes: minutes})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.hd.UpdateMediatorProfile(e.as("mediator"), bkProfile()); err != nil {
		t.Fatal(err)
	}
	return pkg.ID
}

func bkRequest(pkg int64, start time.Time, d time.Duration, mode helpdesk.MediationMode) helpdesk.MediationInput {
	in := helpdesk.MediationInput{PackageID: pkg, Language: "ar", Service: "Tutela minori", Mode: mode, Start: start, End: start.Add(d),
		Note: "Colloquio con la famiglia sul percorso scolastico"}
	if mode == helpdesk.MediationInPerson {
		in.Place = "Servizio tutela minori, piazza Mercato 5, Lodi"
	}
	return in
}

func bkBalance(t *testing.T, e *env, pkg int64) int {
	t.Helper()
	v, err := e.hd.Package(e.as("coordinator"), pkg)
	if err != nil {
		t.Fatal(err)
	}
	return v.BalanceMinutes
}

func TestMediation(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		cid := e.open("operator")

		// The coordinator creates a package of five hours.
		r := e.req("coordinator", "POST", "/mediation/packages", map[string]any{"ambito": "lodi", "body": "Comune di Lodi", "name": "Mediazione 2026",
			"valid_from": "2026-01-01", "valid_to": "2026-12-31", "minutes": 300, "note": "Delibera 12/2026"})
		expect(t, r, 201, "create package")
		pkg := int64(r.data()["id"].(float64))
		if r.data()["balance_minutes"] != 300.0 || r.data()["remaining_hours"] != 5.0 {
			t.Fatalf("package: %s", r.Raw)
		}
		l := e.req("operator", "GET", "/mediation/packages?ambito=lodi", nil)
		expect(t, l, 200, "operator lists packages")
		if len(l.list()) != 1 {
			t.Fatalf("packages: %s", l.Raw)
		}
		expect(t, e.req("operator", "GET", fmt.Sprintf("/mediation/packages/%d/ledger", pkg), nil), 403, "operator reads the ledger")
		expect(t, e.req("cremaOperator", "GET", fmt.Sprintf("/mediation/packages/%d", pkg), nil), 404, "crema sees lodi's package")
		expect(t, e.req("cremaOperator", "GET", "/mediation/packages?ambito=lodi", nil), 403, "crema lists lodi's packages")
		if l := e.req("cremaOperator", "GET", "/mediation/packages", nil); len(l.list()) != 0 {
			t.Fatalf("crema lists %s", l.Raw)
		}

		// The mediator says what they offer; the coordinator sees them.
		r = e.req("mediator", "PUT", "/mediation/profile", bkProfile())
		expect(t, r, 200, "profile")
		if r.data()["languages"].([]any)[1] != "ti" {
			t.Fatalf("profile: %s", r.Raw)
		}
		expect(t, e.req("mediator", "GET", "/mediation/profile", nil), 200, "my profile")
		ms := e.req("coordinator", "GET", "/mediation/mediators?ambito=lodi", nil)
		expect(t, ms, 200, "mediators")
		if len(ms.list()) != 1 || ms.list()[0].(map[string]any)["email"] != e.email["mediator"] {
			t.Fatalf("mediators: %s", ms.Raw)
		}
		expect(t, e.req("operator", "GET", "/mediation/mediators?ambito=lodi", nil), 403, "operator lists mediators")

		// The operator asks for an Arabic mediator in person on Wednesday,
		// for the consultation.
		wed := romeAt(t, 2026, 11, 11, 10, 0)
		in := bkRequest(pkg, wed, time.Hour, helpdesk.MediationInPerson)
		in.ConsultationID = cid
		r = e.req("operator", "POST", "/mediation/requests", in)
		expect(t, r, 201, "request")
		req1 := int64(r.data()["id"].(float64))
		if r.data()["status"] != "requested" || r.data()["minutes"] != 60.0 || r.data()["consultation_id"] != float64(cid) {
			t.Fatalf("request: %s", r.Raw)
		}
		// The mediator sees it among the open ones; crema does not.
		if l := e.req("mediator", "GET", "/mediation/requests", nil); len(l.list()) != 1 {
			t.Fatalf("mediator's list: %s", l.Raw)
		}
		if l := e.req("cremaOperator", "GET", "/mediation/requests", nil); len(l.list()) != 0 {
			t.Fatalf("crema's list: %s", l.Raw)
		}
		expect(t, e.req("cremaOperator", "GET", fmt.Sprintf("/mediation/requests/%d", req1), nil), 404, "crema reads lodi's request")

		// The mediator confirms themself: an hour is drawn.
		r = e.req("mediator", "POST", fmt.Sprintf("/mediation/requests/%d/confirm", req1), nil)
		expect(t, r, 200, "confirm")
		if r.data()["status"] != "confirmed" || r.data()["mediator_id"] != float64(e.id["mediator"]) {
			t.Fatalf("confirmed: %s", r.Raw)
		}
		if b := bkBalance(t, e, pkg); b != 240 {
			t.Fatalf("balance %d, want 240", b)
		}
		uid := fmt.Sprintf("mediation-%d@incroci", req1)
		for _, addr := range []string{e.email["operator"], e.email["mediator"]} {
			m := e.waitMail(addr, fmt.Sprintf("mediazione n. %d confermata", req1))
			props := bkCalendar(t, m, "REQUEST")
			if props["UID"][0] != uid || props["DTSTART"][0] != "20261111T090000Z" || props["SEQUENCE"][0] != "0" ||
				!strings.Contains(props["LOCATION"][0], "piazza Mercato 5") {
				t.Fatalf("invitation: %v", props)
			}
			bkNoCase(t, m)
		}

		// Cancelled two days ahead: refunded.
		r = e.req("operator", "POST", fmt.Sprintf("/mediation/requests/%d/cancel", req1), map[string]any{"note": "La famiglia ha rinviato"})
		expect(t, r, 200, "cancel")
		if r.data()["status"] != "cancelled" || r.data()["charged"] != false {
			t.Fatalf("cancelled: %s", r.Raw)
		}
		if b := bkBalance(t, e, pkg); b != 300 {
			t.Fatalf("balance after a timely cancellation %d, want 300", b)
		}
		for _, addr := range []string{e.email["operator"], e.email["mediator"]} {
			props := bkCalendar(t, e.waitMail(addr, fmt.Sprintf("mediazione n. %d annullata", req1)), "CANCEL")
			if props["UID"][0] != uid || props["SEQUENCE"][0] != "1" {
				t.Fatalf("cancellation: %v", props)
			}
		}

		// This afternoon, by video, confirmed by the coordinator (matched),
		// then cancelled five hours ahead: charged.
		today := romeAt(t, 2026, 11, 9, 15, 0)
		vin := bkRequest(pkg, today, 90*time.Minute, helpdesk.MediationVideo)
		vin.VideoURL = "https://meet.example.org/mediazione"
		v, err := e.hd.RequestMediator(e.as("operator2"), vin)
		if err != nil {
			t.Fatal(err)
		}
		v, err = e.hd.ConfirmMediation(e.as("coordinator"), v.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if v.MediatorID == nil || *v.MediatorID != e.id["mediator"] {
			t.Fatalf("matched %v", v.MediatorID)
		}
		props := bkCalendar(t, e.waitMail(e.email["operator2"], fmt.Sprintf("mediazione n. %d confermata", v.ID)), "REQUEST")
		if props["URL"][0] != "https://meet.example.org/mediazione" {
			t.Fatalf("video invitation: %v", props)
		}
		v, err = e.hd.CancelMediation(e.as("operator"), v.ID, helpdesk.CancelInput{})
		if err != nil {
			t.Fatal(err)
		}
		if !v.Charged {
			t.Fatal("a late cancellation is not charged")
		}
		if b := bkBalance(t, e, pkg); b != 210 {
			t.Fatalf("balance after a late cancellation %d, want 210", b)
		}

		// By phone on Thursday; no calendar for phone calls. It is done
		// once it has begun.
		thu := romeAt(t, 2026, 11, 12, 11, 0)
		p, err := e.hd.RequestMediator(e.as("operator"), bkRequest(pkg, thu, 30*time.Minute, helpdesk.MediationPhone))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.hd.ConfirmMediation(e.as("coordinator"), p.ID, e.id["mediator"]); err != nil {
			t.Fatal(err)
		}
		m := e.waitMail(e.email["mediator"], fmt.Sprintf("mediazione n. %d confermata", p.ID))
		if len(m.Attachments) != 0 || !strings.Contains(m.Text, "al telefono") {
			t.Fatalf("phone booking mail: %d attachments\n%s", len(m.Attachments), m.Text)
		}
		_, err = e.hd.CompleteMediation(e.as("mediator"), p.ID)
		bkWant(t, err, 409, "", "done before the start")
		e.clock.Add(thu.Sub(e.clock.Now()) + 10*time.Minute)
		e.signInAgain()
		r = e.req("mediator", "POST", fmt.Sprintf("/mediation/requests/%d/done", p.ID), nil)
		expect(t, r, 200, "done")
		if r.data()["status"] != "done" {
			t.Fatalf("done: %s", r.Raw)
		}
		_, err = e.hd.CancelMediation(e.as("operator"), p.ID, helpdesk.CancelInput{})
		bkWant(t, err, 409, "", "cancel a done booking")
		if b := bkBalance(t, e, pkg); b != 180 {
			t.Fatalf("balance %d, want 180", b)
		}

		// The ledger tells the story, newest first.
		lg := e.req("coordinator", "GET", fmt.Sprintf("/mediation/packages/%d/ledger", pkg), nil)
		expect(t, lg, 200, "ledger")
		var reasons []string
		for _, x := range lg.list() {
			en := x.(map[string]any)
			reasons = append(reasons, fmt.Sprintf("%s:%v", en["reason"], en["minutes"]))
		}
		if got := strings.Join(reasons, " "); got != "booking:-30 cancellation_charge:0 booking:-90 refund:60 booking:-60 purchase:300" {
			t.Fatalf("ledger: %s", got)
		}
		want := "helpdesk.mediation.package.create helpdesk.mediation.profile.update helpdesk.mediation.mediators.read " +
			"helpdesk.mediation.request.create helpdesk.mediation.request.list helpdesk.mediation.request.confirm helpdesk.mediation.request.cancel " +
			"helpdesk.mediation.request.create helpdesk.mediation.request.confirm helpdesk.mediation.request.cancel " +
			"helpdesk.mediation.request.create helpdesk.mediation.request.confirm helpdesk.mediation.request.done helpdesk.mediation.package.ledger"
		if got := strings.Join(bkAudit(t, e, "helpdesk.mediation."), " "); got != want {
			t.Fatalf("audit:\n%s\nwant\n%s", got, want)
		}
	})
}

func TestMediationRules(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		bkAddPerson(e, "cremaCoordinator", "udp@comune.crema.cr.it", "crema:coordinator")
		bkAddPerson(e, "mediator2", "mediatore2@example.org", "lodi:mediator", "crema:mediator")
		pkg := bkMediationSetup(t, e, 120)
		co := e.as("coordinator")

		// Packages.
		for _, tc := range []struct {
			name  string
			in    helpdesk.PackageInput
			field string
		}{
			{"short name", helpdesk.PackageInput{Ambito: "lodi", Name: "P", ValidFrom: "2026-13-01", ValidTo: "2026-12-31"}, "name"},
			{"bad from date", helpdesk.PackageInput{Ambito: "lodi", Name: "Pacchetto", ValidFrom: "2026-13-01", ValidTo: "2026-12-31"}, "valid_from"},
			{"to before from", helpdesk.PackageInput{Ambito: "lodi", Name: "Pacchetto", ValidFrom: "2026-06-01", ValidTo: "2026-05-31"}, "valid_to"},
			{"negative minutes", helpdesk.PackageInput{Ambito: "lodi", Name: "Pacchetto", ValidFrom: "2026-01-01", ValidTo: "2026-12-31", Minutes: -5}, "minutes"},
			{"unknown ambito", helpdesk.PackageInput{Ambito: "milano", Name: "Pacchetto", ValidFrom: "2026-01-01", ValidTo: "2026-12-31"}, "ambito"},
		} {
			_, err := e.hd.CreatePackage(e.as("admin"), tc.in)
			bkWant(t, err, 422, tc.field, tc.name)
		}
		good := helpdesk.PackageInput{Ambito: "lodi", Name: "Pacchetto", ValidFrom: "2026-01-01", ValidTo: "2026-12-31"}
		for who, want := range map[string]int{"operator": 403, "cremaCoordinator": 403, "mediator": 403} {
			_, err := e.hd.CreatePackage(e.as(who), good)
			bkWant(t, err, want, "", "create a package as "+who)
		}
		if _, err := e.hd.CreatePackage(e.as("admin"), good); err != nil {
			t.Fatalf("admin creates a package: %v", err)
		}
		_, err := e.hd.AddHours(co, pkg, helpdesk.HoursInput{Minutes: -30})
		bkWant(t, err, 422, "minutes", "negative purchase")
		_, err = e.hd.AddHours(co, pkg, helpdesk.HoursInput{Minutes: 30, Reason: "refund"})
		bkWant(t, err, 422, "reason", "refund by hand")
		_, err = e.hd.AddHours(co, pkg, helpdesk.HoursInput{Minutes: -121, Reason: helpdesk.LedgerAdjustment})
		bkWant(t, err, 409, "", "adjustment below zero")
		for who, want := range map[string]int{"operator": 403, "cremaCoordinator": 404, "mediator": 404, "cremaOperator": 404} {
			_, err := e.hd.AddHours(e.as(who), pkg, helpdesk.HoursInput{Minutes: 60})
			bkWant(t, err, want, "", "add hours as "+who)
			_, _, err = e.hd.Ledger(e.as(who), pkg, 1, 20)
			bkWant(t, err, want, "", "read the ledger as "+who)
		}
		if v, err := e.hd.AddHours(co, pkg, helpdesk.HoursInput{Minutes: -20, Reason: helpdesk.LedgerAdjustment, Note: "correzione"}); err != nil || v.BalanceMinutes != 100 {
			t.Fatalf("adjustment: %+v, %v", v, err)
		}
		if v, err := e.hd.AddHours(e.as("admin"), pkg, helpdesk.HoursInput{Minutes: 20}); err != nil || v.BalanceMinutes != 120 || v.PurchasedMinutes != 140 {
			t.Fatalf("purchase: %+v, %v", v, err)
		}

		// Profiles.
		_, err = e.hd.UpdateMediatorProfile(e.as("operator"), bkProfile())
		bkWant(t, err, 403, "", "an operator's mediator profile")
		_, err = e.hd.MyMediatorProfile(e.as("coordinator"))
		bkWant(t, err, 403, "", "a coordinator's mediator profile")
		for _, tc := range []struct {
			name  string
			edit  func(p *helpdesk.MediatorProfileInput)
			field string
		}{
			{"no language", func(p *helpdesk.MediatorProfileInput) { p.Languages = nil }, "languages"},
			{"bad language", func(p *helpdesk.MediatorProfileInput) { p.Languages = []string{"ar", "arabo"} }, "languages[1]"},
			{"bad mode", func(p *helpdesk.MediatorProfileInput) { p.Modes = []string{"fax"} }, "modes[0]"},
			{"not a mediator there", func(p *helpdesk.MediatorProfileInput) { p.Ambiti = []string{"lodi", "crema"} }, "ambiti[1]"},
			{"end before start", func(p *helpdesk.MediatorProfileInput) { p.Availability[0].End = "07:00" }, "availability[0].end"},
			{"not a time", func(p *helpdesk.MediatorProfileInput) { p.Availability[1].Start = "25:00" }, "availability[1].start"},
			{"bad weekday", func(p *helpdesk.MediatorProfileInput) { p.Availability[2].Weekday = 8 }, "availability[2].weekday"},
			{"presence elsewhere", func(p *helpdesk.MediatorProfileInput) { p.Presences[0].Ambito = "crema" }, "presences[0].ambito"},
			{"presence without place", func(p *helpdesk.MediatorProfileInput) { p.Presences[0].Place = "" }, "presences[0].place"},
		} {
			in := bkProfile()
			tc.edit(&in)
			_, err := e.hd.UpdateMediatorProfile(e.as("mediator"), in)
			bkWant(t, err, 422, tc.field, tc.name)
		}
		// A mediator of two ambiti serves both; crema's coordinator sees them,
		// not lodi's mediator.
		p2 := bkProfile()
		p2.Languages, p2.Ambiti, p2.Presences = []string{"ar", "fr"}, []string{"lodi", "crema"}, nil
		if _, err := e.hd.UpdateMediatorProfile(e.as("mediator2"), p2); err != nil {
			t.Fatal(err)
		}
		ms, err := e.hd.Mediators(e.as("cremaCoordinator"), "crema")
		if err != nil || len(ms) != 1 || ms[0].PersonID != e.id["mediator2"] {
			t.Fatalf("crema's mediators: %+v, %v", ms, err)
		}
		_, err = e.hd.Mediators(e.as("cremaCoordinator"), "lodi")
		bkWant(t, err, 403, "", "crema's coordinator lists lodi's mediators")

		// Requests.
		now := e.clock.Now()
		wed := romeAt(t, 2026, 11, 11, 10, 0)
		ok := bkRequest(pkg, wed, time.Hour, helpdesk.MediationInPerson)
		crema := e.req("cremaOperator", "POST", "/consultations", func() map[string]any {
			in := e.openInput()
			in["ambito"], in["return_url"] = "crema", ""
			return in
		}())
		expect(t, crema, 201, "crema's consultation")
		for _, tc := range []struct {
			name  string
			edit  func(in *helpdesk.MediationInput)
			field string
		}{
			{"past", func(in *helpdesk.MediationInput) { in.Start, in.End = now.Add(-time.Hour), now.Add(time.Hour) }, "start"},
			{"end before start", func(in *helpdesk.MediationInput) { in.End = in.Start.Add(-time.Hour) }, "end"},
			{"too short", func(in *helpdesk.MediationInput) { in.End = in.Start.Add(10 * time.Minute) }, "end"},
			{"too long", func(in *helpdesk.MediationInput) { in.End = in.Start.Add(9 * time.Hour) }, "end"},
			{"bad language", func(in *helpdesk.MediationInput) { in.Language = "arabo" }, "language"},
			{"no service", func(in *helpdesk.MediationInput) { in.Service = "" }, "service"},
			{"bad mode", func(in *helpdesk.MediationInput) { in.Mode = "fax" }, "mode"},
			{"in person without place", func(in *helpdesk.MediationInput) { in.Place = "" }, "place"},
			{"phone with a place", func(in *helpdesk.MediationInput) { in.Mode = helpdesk.MediationPhone }, "place"},
			{"video over http", func(in *helpdesk.MediationInput) {
				in.Mode, in.Place, in.VideoURL = helpdesk.MediationVideo, "", "http://meet.example.org/a"
			}, "video_url"},
			{"a link in person", func(in *helpdesk.MediationInput) { in.VideoURL = "https://meet.example.org/a" }, "video_url"},
			{"a phone number in the note", func(in *helpdesk.MediationInput) { in.Note = "Chiamare la madre al 333 123 4567" }, "note"},
			{"a tax code in the note", func(in *helpdesk.MediationInput) { in.Note = "Per RSSMRA85T10A562S" }, "note"},
			{"a long note", func(in *helpdesk.MediationInput) { in.Note = strings.Repeat("parola ", 80) }, "note"},
			{"outside the package", func(in *helpdesk.MediationInput) {
				in.Start = romeAt(t, 2027, 1, 5, 10, 0)
				in.End = in.Start.Add(time.Hour)
			}, "package_id"},
			{"crema's consultation", func(in *helpdesk.MediationInput) { in.ConsultationID = int64(crema.data()["id"].(float64)) }, "consultation_id"},
			{"no such consultation", func(in *helpdesk.MediationInput) { in.ConsultationID = 999999 }, "consultation_id"},
			{"no set day then", func(in *helpdesk.MediationInput) { in.Mode, in.Place = helpdesk.MediationScheduled, "" }, "mode"},
		} {
			in := ok
			tc.edit(&in)
			_, err := e.hd.RequestMediator(e.as("operator"), in)
			bkWant(t, err, 422, tc.field, tc.name)
		}
		for who, want := range map[string]int{"cremaOperator": 422, "coordinator": 403, "mediator": 422, "consultant": 422} { // a package they cannot see is an invalid reference
			_, err := e.hd.RequestMediator(e.as(who), ok)
			bkWant(t, err, want, "", "request as "+who)
		}
		// On the set day: the place is the set day's.
		tue := romeAt(t, 2026, 11, 10, 9, 30)
		sin := bkRequest(pkg, tue, time.Hour, helpdesk.MediationScheduled)
		s, err := e.hd.RequestMediator(e.as("operator"), sin)
		if err != nil || s.Place != "Consultorio familiare, via Cavour 10, Lodi" {
			t.Fatalf("scheduled: %+v, %v", s, err)
		}

		// Confirmations.
		a, err := e.hd.RequestMediator(e.as("operator"), ok)
		if err != nil {
			t.Fatal(err)
		}
		for who, want := range map[string]int{"operator": 403, "cremaOperator": 404, "cremaCoordinator": 404, "consultant": 404} {
			_, err := e.hd.ConfirmMediation(e.as(who), a.ID, 0)
			bkWant(t, err, want, "", "confirm as "+who)
		}
		_, err = e.hd.ConfirmMediation(e.as("mediator2"), a.ID, e.id["mediator"])
		bkWant(t, err, 403, "", "a mediator books another")
		// Tigrinya: mediator2 does not speak it, so cannot see it.
		tin := ok
		tin.Language = "ti"
		ti, err := e.hd.RequestMediator(e.as("operator"), tin)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.hd.ConfirmMediation(e.as("mediator2"), ti.ID, 0)
		bkWant(t, err, 404, "", "a mediator without the language")
		_, err = e.hd.ConfirmMediation(co, ti.ID, e.id["mediator2"])
		bkWant(t, err, 422, "mediator_id", "book a mediator without the language")
		// Saturday: nobody is available.
		sat := ok
		sat.Start = romeAt(t, 2026, 11, 14, 10, 0)
		sat.End = sat.Start.Add(time.Hour)
		sa, err := e.hd.RequestMediator(e.as("operator"), sat)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.hd.ConfirmMediation(co, sa.ID, 0)
		bkWant(t, err, 409, "", "nobody on Saturday")
		if !errors.Is(err, helpdesk.ErrNoMediator) {
			t.Fatalf("nobody on Saturday: %v", err)
		}

		// Double booking: mediator books a; b overlaps it.
		if _, err := e.hd.ConfirmMediation(e.as("mediator"), a.ID, 0); err != nil {
			t.Fatal(err)
		}
		_, err = e.hd.ConfirmMediation(e.as("mediator"), a.ID, 0)
		bkWant(t, err, 409, "", "confirm twice")
		bin := ok
		bin.Start, bin.End = wed.Add(30*time.Minute), wed.Add(90*time.Minute)
		b, err := e.hd.RequestMediator(e.as("operator2"), bin)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.hd.ConfirmMediation(e.as("mediator"), b.ID, 0)
		if !errors.Is(err, helpdesk.ErrDoubleBooked) {
			t.Fatalf("double booking: %v", err)
		}
		// Matching skips the busy mediator and finds the other one.
		b, err = e.hd.ConfirmMediation(co, b.ID, 0)
		if err != nil || *b.MediatorID != e.id["mediator2"] {
			t.Fatalf("match: %+v, %v", b, err)
		}
		// Both busy now.
		c, err := e.hd.RequestMediator(e.as("operator2"), bin)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.hd.ConfirmMediation(co, c.ID, 0)
		bkWant(t, err, 409, "", "everybody busy")
		// Not enough hours: 120 − 60 − 60 = 0 left.
		if bal := bkBalance(t, e, pkg); bal != 0 {
			t.Fatalf("balance %d", bal)
		}
		_, err = e.hd.ConfirmMediation(e.as("mediator"), s.ID, 0)
		if !errors.Is(err, helpdesk.ErrInsufficientHours) {
			t.Fatalf("insufficient hours: %v", err)
		}
		r := e.req("mediator", "POST", fmt.Sprintf("/mediation/requests/%d/confirm", s.ID), map[string]any{"mediator_id": 0})
		expect(t, r, 409, "insufficient hours over HTTP")
		if r.code() != "insufficient_hours" {
			t.Fatalf("code %q", r.code())
		}

		// Cancellations: an unassigned mediator may not; the booked mediator
		// cancelling late is not charged to the ambito.
		_, err = e.hd.CancelMediation(e.as("mediator2"), a.ID, helpdesk.CancelInput{})
		bkWant(t, err, 404, "", "another mediator cancels")
		_, err = e.hd.CancelMediation(e.as("mediator"), s.ID, helpdesk.CancelInput{})
		bkWant(t, err, 403, "", "a candidate mediator cancels a request")
		_, err = e.hd.CancelMediation(e.as("cremaOperator"), a.ID, helpdesk.CancelInput{})
		bkWant(t, err, 404, "", "crema cancels")
		_, err = e.hd.CancelMediation(e.as("operator"), a.ID, helpdesk.CancelInput{Note: "scrivere a mario.rossi@example.it"})
		bkWant(t, err, 422, "note", "personal data in the note")
		e.clock.Add(wed.Sub(now) - 2*time.Hour) // two hours before a's start
		e.signInAgain()
		x, err := e.hd.CancelMediation(e.as("mediator"), a.ID, helpdesk.CancelInput{})
		if err != nil || x.Charged {
			t.Fatalf("mediator's late cancellation: %+v, %v", x, err)
		}
		y, err := e.hd.CancelMediation(e.as("coordinator"), b.ID, helpdesk.CancelInput{})
		if err != nil || !y.Charged {
			t.Fatalf("coordinator's late cancellation: %+v, %v", y, err)
		}
		if bal := bkBalance(t, e, pkg); bal != 60 {
			t.Fatalf("balance %d, want 60", bal)
		}
		_, err = e.hd.CancelMediation(e.as("operator"), a.ID, helpdesk.CancelInput{})
		bkWant(t, err, 409, "", "cancel twice")
		// Requests past their start cannot be confirmed.
		_, err = e.hd.ConfirmMediation(co, s.ID, 0)
		bkWant(t, err, 409, "", "confirm a past request")
		if !errors.Is(err, helpdesk.ErrMediationTime) {
			t.Fatalf("confirm a past request: %v", err)
		}

		// Lists: crema's coordinator sees nothing of lodi; mediator2 sees
		// its own booking and the open Arabic requests of lodi and crema.
		list, _, err := e.hd.MediationRequests(e.as("cremaCoordinator"), helpdesk.MediationQuery{})
		if err != nil || len(list) != 0 {
			t.Fatalf("crema's coordinator lists %d, %v", len(list), err)
		}
		list, total, err := e.hd.MediationRequests(e.as("mediator2"), helpdesk.MediationQuery{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list {
			mine := r.MediatorID != nil && *r.MediatorID == e.id["mediator2"]
			if !mine && (r.Status != helpdesk.MediationRequested || r.Language != "ar") {
				t.Fatalf("mediator2 lists %+v", r)
			}
		}
		if total != 4 { // b (theirs, cancelled), s, c, sa (open, Arabic)
			t.Fatalf("mediator2 lists %d", total)
		}
		list, total, err = e.hd.MediationRequests(e.as("operator"), helpdesk.MediationQuery{Status: helpdesk.MediationCancelled})
		if err != nil || total != 2 || len(list) != 2 {
			t.Fatalf("cancelled ones: %d, %v, %+v", total, err, list)
		}
		_, _, err = e.hd.MediationRequests(e.as("operator"), helpdesk.MediationQuery{Status: "lost"})
		bkWant(t, err, 422, "status", "unknown status")
	})
}

// TestMediationLedgerUnderConcurrency confirms eight requests at once from a
// package with room for three: exactly three succeed and the balance never
// goes below zero. Two concurrent confirmations of overlapping requests for
// one mediator: exactly one succeeds.
func TestMediationLedgerUnderConcurrency(t *testing.T) {
	e := newEnv(t, testdb.Postgres(t))
	pkg := bkMediationSetup(t, e, 180)
	var ids []int64
	for i := 0; i < 8; i++ {
		start := romeAt(t, 2026, 11, 11, 8+i, 0)
		r, err := e.hd.RequestMediator(e.as("operator"), bkRequest(pkg, start, time.Hour, helpdesk.MediationPhone))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	co := e.as("coordinator")
	var wg sync.WaitGroup
	errs := make([]error, len(ids))
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.hd.ConfirmMediation(co, id, 0)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, helpdesk.ErrInsufficientHours):
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if ok != 3 {
		t.Fatalf("%d confirmations succeeded, want 3", ok)
	}
	var minutes []int
	if err := e.db.Model(&helpdesk.LedgerEntry{}).Where("package_id = ?", pkg).Order("id").Pluck("minutes", &minutes).Error; err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, m := range minutes {
		if sum += m; sum < 0 {
			t.Fatalf("the ledger went negative: %v", minutes)
		}
	}
	if sum != 0 || bkBalance(t, e, pkg) != 0 {
		t.Fatalf("balance %d, ledger %v", sum, minutes)
	}

	// Overlapping requests, one mediator, plenty of hours.
	if _, err := e.hd.AddHours(co, pkg, helpdesk.HoursInput{Minutes: 600}); err != nil {
		t.Fatal(err)
	}
	thu := romeAt(t, 2026, 11, 12, 10, 0)
	var pair []int64
	for _, d := range []time.Duration{0, 30 * time.Minute} {
		r, err := e.hd.RequestMediator(e.as("operator"), bkRequest(pkg, thu.Add(d), time.Hour, helpdesk.MediationPhone))
		if err != nil {
			t.Fatal(err)
		}
		pair = append(pair, r.ID)
	}
	med := e.as("mediator")
	errs = make([]error, 2)
	for i, id := range pair {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.hd.ConfirmMediation(med, id, 0)
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("overlapping confirmations: %v, %v", errs[0], errs[1])
	}
	for _, err := range errs {
		if err != nil && !errors.Is(err, helpdesk.ErrDoubleBooked) {
			t.Fatalf("overlapping confirmation: %v", err)
		}
	}
}
