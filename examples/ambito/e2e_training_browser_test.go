package main

// The training's "Done when", end to end on the demo hub as
// `go run ./examples/ambito` starts it (the demo needs survey, course and
// trainer), with a real SMTP server and five people in tabs of one real
// Chromium, on SQLite and on PostgreSQL.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testbrowser"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/training"
)

const (
	surveyW   = "incroci-survey"
	trainingW = "incroci-training"
)

// TestE2ETraining: the coordinator's demo needs survey is answered by an
// operator and the mediator in <incroci-survey>; the coordinator reads
// its results in the console's "Questionari" and makes a need of them;
// in "Corsi" she creates a course taught by the demo trainer and ticks
// that need, which the course then covers; the course gets, in the
// console, an edition of two seats, one kept for operators and one for mediators; two operators and
// the mediator enrol in <incroci-training>, the second operator on the
// waiting list; the first cancels, the second is offered the seat by
// e-mail and takes it in the widget; the trainer keeps the register in
// the console and closes it, which issues the certificates; one is
// verified without signing in.
func TestE2ETraining(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skip in -short mode")
	}
	browser := testbrowser.New(t)
	t.Run("sqlite", func(t *testing.T) { testE2ETraining(t, browser, startE2E(t, "")) })
	t.Run("postgres", func(t *testing.T) { testE2ETraining(t, browser, startE2E(t, testdb.PostgresURL(t))) })
}

func testE2ETraining(t *testing.T, browser context.Context, x *e2e) {
	const (
		coord   = "coordinatore@lodi.demo.incroci.it"
		op1     = "operatore1@lodi.demo.incroci.it"
		op2     = "operatore2@lodi.demo.incroci.it"
		med     = "mediatrice@lodi.demo.incroci.it"
		trainer = "formatore@lodi.demo.incroci.it"
		title   = "Lavorare con i mediatori nei servizi per le famiglie"
	)
	S := func(sel string) string { return in(surveyW, sel) }
	T := func(sel string) string { return in(trainingW, sel) }
	C := func(sel string) string { return in(consoleW, sel) }
	asCoord := x.as(coord)
	svs, _, err := x.h.tr.ListSurveys(asCoord, training.SurveyQuery{})
	if err != nil || len(svs) != 1 {
		t.Fatalf("the demo survey: %+v %v", svs, err)
	}
	sv, err := x.h.tr.GetSurvey(asCoord, svs[0].ID)
	if err != nil || len(sv.Questions) != 5 {
		t.Fatalf("the demo survey's questions: %+v %v", sv, err)
	}
	// done closes a tab done with, which frees the browser's few
	// connections to the hub (each demo page keeps event streams open).
	done := func(tabs ...context.Context) {
		t.Helper()
		for _, tab := range tabs {
			testbrowser.CheckErrors(t, tab)
			if err := chromedp.Cancel(tab); err != nil {
				t.Fatal(err)
			}
		}
	}
	q := func(i int) string { return fmt.Sprintf("#q-%d", sv.Questions[i].ID) }

	// 1. An operator and the mediator answer the needs survey: both pick
	// "Da 2 a 5" years and rate themselves on the scale.
	for _, who := range []string{op1, med} {
		tab := testbrowser.Tab(t, browser)
		x.signIn(tab, who)
		open := S(fmt.Sprintf(`button[data-survey="%d"]`, sv.ID))
		testbrowser.WaitFor(t, tab, open)
		testbrowser.Click(t, tab, open)
		testbrowser.WaitFor(t, tab, S("#answers"))
		if who == op1 {
			testbrowser.Axe(t, tab, "survey: the demo needs survey")
		}
		testbrowser.Click(t, tab, S(q(0)+"-1"))
		testbrowser.Click(t, tab, S(q(2)+"-2"))
		testbrowser.Type(t, tab, S(q(4)+"-text"), "Lavorare con i mediatori")
		testbrowser.Click(t, tab, S("#send"))
		testbrowser.WaitText(t, tab, S("#thanks"), "Grazie!")
		done(tab)
	}
	if r, err := x.h.tr.Results(asCoord, sv.ID); err != nil || r.Responses != 2 || r.Questions[0].Options[1].Count != 2 {
		t.Fatalf("the survey's results: %+v %v", r, err)
	}

	// 2. The coordinator reads the results and makes a need of the option.
	coTab := testbrowser.Tab(t, browser)
	x.signIn(coTab, coord)
	testbrowser.WaitFor(t, coTab, C("#tab-tsurveys"))
	openTab(t, coTab, C("#tab-tsurveys"))
	testbrowser.WaitFor(t, coTab, C(fmt.Sprintf("#sv-open-%d", sv.ID)))
	testbrowser.Click(t, coTab, C(fmt.Sprintf("#sv-open-%d", sv.ID)))
	testbrowser.WaitFor(t, coTab, C(fmt.Sprintf("#rq-%d-ch-table", sv.Questions[0].ID)))
	testbrowser.WaitText(t, coTab, C("#rs-count"), "Risposte: 2")
	testbrowser.Axe(t, coTab, "console: the needs survey's results")
	testbrowser.Click(t, coTab, C(fmt.Sprintf("#rq-%d-need-1", sv.Questions[0].ID)))
	testbrowser.WaitText(t, coTab, C("#sp-result"), "Bisogno creato: Da 2 a 5.")
	testbrowser.WaitText(t, coTab, C("#nd-table caption"), "Bisogni: 1")
	needs, _, err := x.h.tr.Needs(asCoord, training.NeedFilter{SurveyID: sv.ID})
	if err != nil || len(needs) != 1 || needs[0].Covered {
		t.Fatalf("the needs: %+v %v", needs, err)
	}

	// 3. In "Corsi", a course taught by the demo trainer, linked to that
	// need: the need is covered.
	tid := x.person(trainer).ID
	nid := needs[0].ID
	openTab(t, coTab, C("#tab-training"))
	// The list of courses loads above the new course's form: once it is in, the form stays put.
	testbrowser.WaitFor(t, coTab, C("#co-table caption"))
	testbrowser.Click(t, coTab, C("#cn-box summary"))
	testbrowser.WaitFor(t, coTab, C(fmt.Sprintf("#cn-trainer-%d", tid)))
	testbrowser.WaitFor(t, coTab, C(fmt.Sprintf("#cn-need-%d", nid)))
	testbrowser.WaitText(t, coTab, C(fmt.Sprintf("label[for=cn-need-%d]", nid)), "Da 2 a 5 non ancora coperto")
	testbrowser.Type(t, coTab, C("#cn-title"), title)
	testbrowser.Type(t, coTab, C("#cn-goals"), "Accogliere le famiglie insieme ai mediatori linguistico-culturali.")
	testbrowser.Type(t, coTab, C("#cn-hours"), "1")
	testbrowser.Click(t, coTab, C("#cn-audience-operator"))
	testbrowser.Click(t, coTab, C("#cn-audience-mediator"))
	testbrowser.Click(t, coTab, C("#cn-topics-ricongiungimento"))
	testbrowser.Click(t, coTab, C(fmt.Sprintf("#cn-trainer-%d", tid)))
	testbrowser.Click(t, coTab, C(fmt.Sprintf("#cn-need-%d", nid)))
	testbrowser.Axe(t, coTab, "console: a new course with the needs it answers")
	testbrowser.Click(t, coTab, C("#cn-save"))
	testbrowser.WaitText(t, coTab, C("#co-result"), "Corso creato: "+title+".")
	cs, _, err := x.h.tr.Courses(asCoord, training.CourseQuery{Ambito: demoAmbito, Q: title, Page: 1, PerPage: 10})
	if err != nil || len(cs) != 1 {
		t.Fatalf("the course created in the console: %+v %v", cs, err)
	}
	c := cs[0]
	if c.Hours != 1 || fmt.Sprint(c.TrainerIDs) != fmt.Sprintf("[%d]", tid) || fmt.Sprint(c.Topics) != "[ricongiungimento]" ||
		fmt.Sprint(c.Audience) != fmt.Sprint([]incroci.Role{incroci.RoleOperator, incroci.RoleMediator}) {
		t.Errorf("the course saved: %+v", c)
	}
	if needs, _, err = x.h.tr.Needs(asCoord, training.NeedFilter{SurveyID: sv.ID}); err != nil || len(needs) != 1 || !needs[0].Covered {
		t.Fatalf("the need after creating the course: %+v %v", needs, err)
	}
	if linked, err := x.h.tr.CourseNeeds(asCoord, c.ID); err != nil || len(linked) != 1 || linked[0].ID != nid {
		t.Fatalf("the needs the course answers: %+v %v", linked, err)
	}

	// Its page shows the need; its edition, in the console: two seats, one for operators, one for mediators.
	open := C(fmt.Sprintf("#co-open-%d", c.ID))
	testbrowser.WaitFor(t, coTab, open)
	testbrowser.Click(t, coTab, open)
	testbrowser.WaitText(t, coTab, C("#cv-t"), title)
	testbrowser.WaitText(t, coTab, C(fmt.Sprintf("#cv-need-%d", nid)), "Da 2 a 5 · Dal questionario «"+sv.Title+"»")
	testbrowser.Click(t, coTab, C("#en-box summary"))
	rome, _ := time.LoadLocation("Europe/Rome")
	now := time.Now().In(rome)
	meet := now.AddDate(0, 0, 20)
	setValue(t, coTab, C("#ne-enrol_from"), now.Add(-time.Hour).Format("2006-01-02T15:04"))
	setValue(t, coTab, C("#ne-enrol_until"), now.AddDate(0, 0, 10).Format("2006-01-02T15:04"))
	testbrowser.Type(t, coTab, C("#ne-capacity"), "2")
	setValue(t, coTab, C("#ne-m1-day"), meet.Format("2006-01-02"))
	setValue(t, coTab, C("#ne-m1-from"), "09:00")
	setValue(t, coTab, C("#ne-m1-to"), "10:00")
	testbrowser.Type(t, coTab, C("#ne-m1-place"), "Sala riunioni dell'Ufficio di Piano, Lodi")
	testbrowser.Click(t, coTab, C("#ne-q-add"))
	setValue(t, coTab, C("#ne-q2-role"), "operator")
	testbrowser.Type(t, coTab, C("#ne-q2-seats"), "1")
	testbrowser.Click(t, coTab, C("#ne-q-add"))
	setValue(t, coTab, C("#ne-q3-role"), "mediator")
	testbrowser.Type(t, coTab, C("#ne-q3-seats"), "1")
	testbrowser.Axe(t, coTab, "console: a new edition")
	testbrowser.Click(t, coTab, C("#ne-save"))
	testbrowser.WaitText(t, coTab, C("#ed-result"), "Edizione creata.")
	cv, err := x.h.tr.GetCourse(asCoord, c.ID)
	if err != nil || len(cv.Editions) != 1 {
		t.Fatalf("the course's editions: %+v %v", cv, err)
	}
	ed := cv.Editions[0]
	if ed.Capacity != 2 || len(ed.Quotas) != 2 || len(ed.Meetings) != 1 || fmt.Sprint(ed.TrainerIDs) != fmt.Sprintf("[%d]", tid) {
		t.Fatalf("the edition saved: %+v", ed)
	}
	eid, mid := ed.ID, ed.Meetings[0].ID
	done(coTab)

	// 4. Enrolment in <incroci-training>: the first operator and the
	// mediator get the seats, the second operator waits.
	course := fmt.Sprintf(`button[data-course="%d"]`, c.ID)
	edition := fmt.Sprintf(`button[data-edition="%d"]`, eid)
	// toEdition opens the edition from the catalogue of the demo page.
	toEdition := func(tab context.Context) {
		t.Helper()
		testbrowser.WaitFor(t, tab, T("#signout"))
		testbrowser.WaitFor(t, tab, T(course))
		testbrowser.Click(t, tab, T(course))
		testbrowser.WaitFor(t, tab, T(edition))
		testbrowser.Click(t, tab, T(edition))
		testbrowser.WaitFor(t, tab, T("#enrol, #cancel, #accept"))
	}
	// reopen signs who in again in a new tab, at the edition.
	reopen := func(who string) context.Context {
		t.Helper()
		tab := testbrowser.Tab(t, browser)
		x.signIn(tab, who)
		toEdition(tab)
		return tab
	}
	enrol := func(who, said, status, axe string) {
		t.Helper()
		tab := testbrowser.Tab(t, browser)
		x.signIn(tab, who)
		toEdition(tab)
		testbrowser.WaitFor(t, tab, T("#enrol"))
		testbrowser.Click(t, tab, T("#enrol"))
		testbrowser.WaitText(t, tab, T("#done"), said)
		testbrowser.WaitText(t, tab, T("#status-text"), status)
		if axe != "" {
			testbrowser.Axe(t, tab, axe)
		}
		done(tab)
	}
	mine := func(who string) *training.Enrolment {
		t.Helper()
		v, err := x.h.tr.GetEdition(x.as(who), eid)
		if err != nil {
			t.Fatal(err)
		}
		return v.Mine
	}
	enrol(med, "Iscrizione confermata", "Iscritto: il posto è tuo.", "")
	enrol(op1, "Iscrizione confermata", "Iscritto: il posto è tuo.", "training: enrolled")
	enrol(op2, "Sei in lista d’attesa, in posizione 1.", "In lista d’attesa: sei in posizione 1.", "training: on the waiting list")
	for who, want := range map[string]training.Status{op1: training.StatusConfirmed, med: training.StatusConfirmed, op2: training.StatusWaiting} {
		if m := mine(who); m == nil || m.Status != want {
			t.Errorf("%s's enrolment: %+v, want %s", who, m, want)
		}
	}
	// Each holds a seat of their role's quota.
	if a, b := mine(op1).QuotaID, mine(med).QuotaID; a == nil || b == nil || *a == *b {
		t.Errorf("the quotas of the operator's and the mediator's seats: %v %v", a, b)
	}

	// 5. The first operator cancels; the second is offered the seat by
	// e-mail and takes it in the widget.
	offers := x.mails(op2, "un posto per te")
	op1Tab := reopen(op1)
	testbrowser.Click(t, op1Tab, T("#cancel"))
	testbrowser.WaitFor(t, op1Tab, T("#cancel-yes"))
	testbrowser.Click(t, op1Tab, T("#cancel-yes"))
	testbrowser.WaitText(t, op1Tab, T("#done"), "Iscrizione annullata.")
	m := x.waitMail(op2, "un posto per te", offers)
	if !strings.Contains(m.Subject, title) {
		t.Errorf("the offer's subject: %q", m.Subject)
	}
	done(op1Tab)
	op2Tab := reopen(op2)
	testbrowser.WaitText(t, op2Tab, T("#status-text"), "Si è liberato un posto per te: accettalo entro il")
	testbrowser.Axe(t, op2Tab, "training: a seat offered")
	testbrowser.Click(t, op2Tab, T("#accept"))
	testbrowser.WaitText(t, op2Tab, T("#done"), "Iscrizione confermata")
	testbrowser.WaitText(t, op2Tab, T("#status-text"), "Iscritto: il posto è tuo.")
	if m := mine(op2); m == nil || m.Status != training.StatusConfirmed {
		t.Errorf("the second operator's enrolment: %+v", m)
	}
	if m := mine(op1); m == nil || m.Status != training.StatusCancelled {
		t.Errorf("the first operator's enrolment: %+v", m)
	}
	done(op2Tab)

	// 6. The trainer keeps the register: the meeting moved to now in the
	// database (the API takes meetings in the future only).
	move := func(start time.Time) {
		t.Helper()
		if err := x.h.db.WithContext(t.Context()).Model(&training.Meeting{}).Where("id = ?", mid).
			Updates(map[string]any{"start": start.UTC(), "end": start.Add(time.Hour).UTC()}).Error; err != nil {
			t.Fatal(err)
		}
	}
	move(time.Now().Add(-10 * time.Minute))
	pOp2, pMed := x.person(op2).ID, x.person(med).ID
	trTab := testbrowser.Tab(t, browser)
	x.signIn(trTab, trainer)
	testbrowser.WaitFor(t, trTab, C(fmt.Sprintf("#te-open-%d", eid)))
	testbrowser.Click(t, trTab, C(fmt.Sprintf("#te-open-%d", eid)))
	// The enrolments above the register load on their own: once they are in, the register stays put.
	testbrowser.WaitFor(t, trTab, C("#en-table caption"))
	testbrowser.WaitFor(t, trTab, C(fmt.Sprintf("#rg-m-%d", mid)))
	testbrowser.Click(t, trTab, C(fmt.Sprintf("#rg-m-%d", mid)))
	testbrowser.WaitFor(t, trTab, C(fmt.Sprintf("#rg-l-%d", pMed)))
	testbrowser.WaitText(t, trTab, C("#rg-table caption"), "Iscritti: 2")
	testbrowser.Click(t, trTab, C(fmt.Sprintf("#rg-%d-present", pOp2)))
	testbrowser.Click(t, trTab, C(fmt.Sprintf("#rg-%d-present", pMed)))
	testbrowser.Click(t, trTab, C("#rg-save"))
	testbrowser.WaitText(t, trTab, C("#rg-result"), "Presenze salvate.")
	testbrowser.Axe(t, trTab, "console: the register marked")
	// After the meeting, closing the register issues the certificates.
	move(time.Now().Add(-2 * time.Hour))
	testbrowser.Click(t, trTab, C("#rg-close"))
	testbrowser.WaitText(t, trTab, C("#rg-close"), "Conferma: chiudere il registro?")
	testbrowser.Click(t, trTab, C("#rg-close"))
	testbrowser.WaitText(t, trTab, C("#rg-result"), "Registro chiuso.")
	testbrowser.WaitFor(t, trTab, C("#rg-closed"))
	testbrowser.Axe(t, trTab, "console: the register closed")
	testbrowser.CheckErrors(t, trTab)
	certs, err := x.h.tr.EditionCertificates(asCoord, eid)
	if err != nil || len(certs) != 2 {
		t.Fatalf("the certificates issued: %+v %v", certs, err)
	}
	holders := map[int64]bool{}
	for _, c := range certs {
		holders[c.PersonID] = true
	}
	if !holders[pOp2] || !holders[pMed] {
		t.Errorf("the certificates went to %v, want %d and %d", holders, pOp2, pMed)
	}

	// 7. Anyone verifies a certificate: its page and its JSON, no session.
	var cert training.Certificate
	for _, c := range certs {
		if c.PersonID == pMed {
			cert = c
		}
	}
	verify := x.base + mountPath + "/training/certificates/verify/" + cert.Code
	get := func(u string) (*http.Response, []byte) {
		t.Helper()
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}
	res, body := get(verify)
	var out struct{ Data training.Verification }
	if err := json.Unmarshal(body, &out); res.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("GET %s: %d %v %.300s", verify, res.StatusCode, err, body)
	}
	if v := out.Data; !v.Valid || v.Revoked || v.Name != "Amina El Idrissi" || v.Course != title || v.Hours != 1 {
		t.Errorf("the verification: %+v", out.Data)
	}
	res, body = get(verify + "/page")
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Amina El Idrissi") || !strings.Contains(string(body), title) {
		t.Errorf("GET %s/page: %d %.600s", verify, res.StatusCode, body)
	}
	vTab := testbrowser.Tab(t, browser)
	testbrowser.Navigate(t, vTab, verify+"/page")
	testbrowser.WaitFor(t, vTab, "body")
	if got := testbrowser.Text(t, vTab, "body"); !strings.Contains(got, "Amina El Idrissi") {
		t.Errorf("the verification page reads %q", got)
	}
	testbrowser.Axe(t, vTab, "the certificate's verification page")
	res, _ = get(x.base + mountPath + "/training/certificates/verify/nonexistent")
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown code: %d", res.StatusCode)
	}
}

// openTab presses the console's tab at path until it is selected: right
// after signing in the console draws itself again, and a press on the tab
// it is about to replace is lost.
func openTab(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	selected := testbrowser.Query(path) + `?.getAttribute('aria-selected') == 'true'`
	end := time.Now().Add(testbrowser.Timeout)
	for {
		testbrowser.WaitFor(t, ctx, path)
		testbrowser.Click(t, ctx, path)
		for range 10 {
			if testbrowser.Eval[bool](t, ctx, selected) {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		if time.Now().After(end) {
			t.Fatalf("the tab %s does not open", path)
		}
	}
}
