package widgets_test

// Browser tests of the person's own views of <incroci-training>
// (training-me.ts): hours, certificates, check-in.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testbrowser"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/training"
)

// TestBrowserTrainingMe runs "Le mie ore", "I miei attestati" and the
// check-in of <incroci-training>: a meeting that ended two hours ago whose
// trainer marked the operator present through the Go API and closed the
// register (which issues the certificate); the hours listed; the
// certificate with its public verification link, and its PDF refused as not
// available (the hub has no printer); a meeting under way, the operator
// checking in with the trainer's current code from the QR code's address,
// and a code typed in that the API refuses with its message; axe-core on
// every view; English. The hub's clock is the real one: the meetings are
// placed around now.
func TestBrowserTrainingMe(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newTrainingHub(t, db)
		const trainer = "formatrice@comune.lodi.it"
		x.invite(trainer, "Formatrice Neri", incroci.RoleTrainer)
		co, tr := x.as(trCoord), x.as(trainer)
		op := x.person(trOp1).ID
		c, err := x.tr.SaveCourse(co, 0, training.CourseInput{Ambito: "lodi", Title: "Mediare nei colloqui", Goals: "Lavorare in tre.",
			Topics: []string{"salute"}, Hours: 2, TrainerIDs: []int64{x.person(trainer).ID}})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().In(rome).Truncate(time.Minute)
		edition := func(start, end time.Time) *training.Edition {
			t.Helper()
			e, err := x.tr.SaveEdition(co, c.ID, 0, training.EditionInput{Capacity: 5, EnrolFrom: now.Add(-5 * time.Hour), EnrolUntil: now.Add(time.Hour),
				CancelUntil: now.Add(-4 * time.Hour), Meetings: []training.MeetingInput{{Start: start, End: end, Place: "Lodi"}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := x.tr.Enrol(x.as(trOp1), e.ID, training.EnrolInput{}); err != nil {
				t.Fatal(err)
			}
			return e
		}
		past := edition(now.Add(-4*time.Hour), now.Add(-2*time.Hour))
		if _, err := x.tr.MarkRegister(tr, past.ID, past.Meetings[0].ID, training.MarkInput{Marks: []training.Mark{{PersonID: op, Status: training.Presence("present")}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := x.tr.CloseRegister(tr, past.ID, past.Meetings[0].ID); err != nil {
			t.Fatal(err)
		}
		certs, err := x.tr.MyCertificates(x.as(trOp1))
		if err != nil || len(certs) != 1 {
			t.Fatalf("certificates %+v, %v", certs, err)
		}
		W := func(sel string) string { return in(trainingW, sel) }
		ctx := testbrowser.Tab(t, browser)

		// My hours: 2, in this year's table.
		testbrowser.Navigate(t, ctx, x.page(""))
		x.switchTo(ctx, trOp1, "w=training")
		testbrowser.WaitFor(t, ctx, W("#courses"))
		testbrowser.Click(t, ctx, W("#go-hours"))
		testbrowser.WaitText(t, ctx, W("#total"), "Totale: 2 ore")
		if f := testbrowser.Focused(t, ctx); !strings.HasSuffix(f, " >>> h2") {
			t.Errorf("my hours opened with the focus on %s", f)
		}
		y := time.Now().In(rome).Format("2006")
		if got := testbrowser.Text(t, ctx, W("#hours-"+y+" tbody")); !strings.Contains(got, "Mediare nei colloqui") || !strings.Contains(got, "2") {
			t.Errorf("hours of %s: %q", y, got)
		}
		testbrowser.Axe(t, ctx, "training: my hours")

		// My certificates: the verification page anyone opens; no printer, so no PDF.
		testbrowser.Click(t, ctx, W("#go-certs"))
		testbrowser.WaitText(t, ctx, W("#certs"), "Mediare nei colloqui")
		if got := testbrowser.Text(t, ctx, W("#certs")); !strings.Contains(got, "2 ore frequentate") || !strings.Contains(got, "Rilasciato il") {
			t.Errorf("certificate %q", got)
		}
		href := testbrowser.Attr(t, ctx, W("#certs a.verify"), "href")
		if !strings.HasSuffix(href, "/training/certificates/verify/"+certs[0].Code+"/page") {
			t.Errorf("verification link %q (code %s)", href, certs[0].Code)
		}
		if r, err := http.Get(href); err != nil || r.StatusCode != http.StatusOK {
			t.Errorf("the verification page: %v %v", r, err)
		} else {
			r.Body.Close()
		}
		testbrowser.Click(t, ctx, W(`button[data-pdf="`+id64(certs[0].ID)+`"]`))
		testbrowser.WaitText(t, ctx, W("#pdf-err-"+id64(certs[0].ID)), "Il PDF non è disponibile ora")
		testbrowser.Axe(t, ctx, "training: my certificates")

		// Check-in: the QR code's address with the trainer's current code.
		live := edition(now.Add(-10*time.Minute), now.Add(2*time.Hour))
		code, err := x.tr.GetCheckinCode(tr, live.ID, live.Meetings[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		x.switchTo(ctx, trOp1, "w=training&incroci_checkin="+code.Code)
		testbrowser.WaitText(t, ctx, W("#ci-done"), "Presenza registrata.")
		if got := testbrowser.Eval[string](t, ctx, `location.search`); strings.Contains(got, "incroci_checkin") {
			t.Errorf("the code stayed in the address: %q", got)
		}
		reg, err := x.tr.Register(tr, live.ID, live.Meetings[0].ID)
		if err != nil || len(reg.Lines) != 1 || !reg.Lines[0].CheckedIn || reg.Lines[0].Status != "present" {
			t.Errorf("register after the check-in %+v, %v", reg, err)
		}
		testbrowser.Axe(t, ctx, "training: checked in")

		// A code typed in: a broken one gets the API's message; the current one goes through.
		testbrowser.Type(t, ctx, W("#code"), "nonvalido\r")
		testbrowser.WaitFor(t, ctx, W("#ci-error:not([hidden]), #code-err:not([hidden])"))
		if got := testbrowser.Text(t, ctx, W("#ci-error:not([hidden]), #code-err:not([hidden])")); !strings.Contains(got, "Il codice di registrazione non è valido") {
			t.Errorf("a broken code: %q", got)
		}
		testbrowser.Axe(t, ctx, "training: check-in refused")
		if code, err = x.tr.GetCheckinCode(tr, live.ID, live.Meetings[0].ID); err != nil {
			t.Fatal(err)
		}
		testbrowser.Clear(t, ctx, W("#code"))
		testbrowser.Keys(t, ctx, code.Code+"\r")
		testbrowser.WaitFor(t, ctx, W("#ci-done:not([hidden])"))

		// The edition under way offers the check-in to whoever holds a seat.
		x.switchTo(ctx, trOp1, "w=training&incroci_edition="+id64(live.ID))
		testbrowser.WaitFor(t, ctx, W("#to-checkin"))
		testbrowser.Click(t, ctx, W("#to-checkin"))
		testbrowser.WaitFor(t, ctx, W("form#ci"))
		if f := testbrowser.Focused(t, ctx); !strings.HasSuffix(f, " >>> h2") {
			t.Errorf("the check-in opened with the focus on %s", f)
		}

		// In English.
		x.switchTo(ctx, trOp1, "w=training&lang=en")
		testbrowser.WaitFor(t, ctx, W("#courses"))
		testbrowser.Click(t, ctx, W("#go-hours"))
		// The meeting under way counts now too: all of it, as the check-in marks the person present.
		hrs, err := x.tr.MyHours(x.as(trOp1), 0)
		if err != nil || hrs.Hours <= 2 {
			t.Fatalf("hours after the check-in: %+v, %v", hrs, err)
		}
		testbrowser.WaitText(t, ctx, W("#total"), fmt.Sprintf("Total: %v hours", hrs.Hours))
		testbrowser.WaitText(t, ctx, W("#hours-"+y+" tfoot"), fmt.Sprintf("Total for the year%v", hrs.Hours))
		testbrowser.Axe(t, ctx, "training: my hours in English")
		testbrowser.Click(t, ctx, W("#go-certs"))
		testbrowser.WaitText(t, ctx, W("#certs"), "2 hours attended")
		testbrowser.Click(t, ctx, W(`button[data-pdf="`+id64(certs[0].ID)+`"]`))
		testbrowser.WaitText(t, ctx, W("#pdf-err-"+id64(certs[0].ID)), "The PDF is not available now")
		testbrowser.Axe(t, ctx, "training: my certificates in English")
	})
}
