package widgets_test

// Browser tests of the training's views of <incroci-console> (the chunk
// console-training.js, loaded when one of its tabs opens): a coordinator
// of lodi creates a course linked to a need of a survey's results (the
// needs grouped by survey; when they cannot be read, a retry), changes
// the needs it answers (their save fails once: the course is saved, the
// form stays, a retry saves them), creates an edition with a quota (bad
// input refused, the field marked), sees enrolments made through the API fill the seats,
// the quota and the waiting list, approves a pending enrolment, raises the
// capacity (a seat offered with its deadline), rejects one from the
// "Approvazioni" tab, which lists lodi's people in the network's editions
// too, and calls the edition off; a trainer
// sees only the editions they teach; an operator has no training tab and
// loads no chunk; crema's coordinator (in English) does not see lodi's
// course. On a page with a strict CSP, on SQLite and PostgreSQL.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testbrowser"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/training"
)

// coHub is the test hub with the training mounted at /incroci/training
// (its files in a folder of the test) and a second ambito, crema.
type coHub struct {
	*hub
	// fail, when it holds "METHOD suffix", makes the training's requests of
	// that method whose path ends in suffix answer 503 (as a hub that is
	// down for a moment would), before they reach the training.
	fail atomic.Value
}

func newCoordinatorsHub(t *testing.T, db *gorm.DB) *coHub {
	t.Helper()
	x := &coHub{hub: newHub(t, db)}
	r, ok := x.api.Config.Handler.(*gin.Engine)
	if !ok {
		t.Fatalf("the hub's handler is a %T", x.api.Config.Handler)
	}
	files, err := training.NewDiskStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tr, err := training.New(context.Background(), x.p, training.Config{Files: files})
	if err != nil {
		t.Fatal(err)
	}
	x.fail.Store("")
	// Nothing was served yet: the routes can still be added.
	tr.Mount(r.Group("/incroci/training", func(c *gin.Context) {
		m, suffix, _ := strings.Cut(x.fail.Load().(string), " ")
		if c.Request.Method == m && strings.HasSuffix(c.Request.URL.Path, suffix) {
			// As the platform's CORS would, so that the page reads the answer.
			c.Header("Access-Control-Allow-Origin", c.GetHeader("Origin"))
			c.AbortWithStatusJSON(http.StatusServiceUnavailable, gin.H{"error": gin.H{"code": "unavailable", "message": "Servizio non disponibile (prova)."}})
		}
	}))
	if _, err := x.p.CreateAmbito(x.sys, incroci.AmbitoInput{Slug: "crema", Name: "Ambito di Crema", Comuni: []string{"Crema"}, EmailDomains: []string{"comune.crema.cr.it"}}); err != nil {
		t.Fatal(err)
	}
	return x
}

// call sends a request to the training's HTTP API as email and returns the
// answer's data; any status but want fails the test.
func (x *coHub) call(email, method, path string, body any, want int) map[string]any {
	x.t.Helper()
	return x.callAs("/training", email, method, path, body, want)
}

// trainingChunk counts the loads of console-training.js in the tab of ctx.
func trainingChunk(t *testing.T, ctx context.Context) int {
	return testbrowser.Eval[int](t, ctx, `performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.endsWith('/console-training.js')).length`)
}

func TestBrowserConsoleTraining(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newCoordinatorsHub(t, db)
		h := x.hub
		ctx := testbrowser.Tab(t, browser)
		C := func(sel string) string { return in(console, sel) }
		invalid := func(id string) bool {
			return testbrowser.Eval[bool](t, ctx, testbrowser.Query(C(id))+`.getAttribute('aria-invalid') == 'true'`)
		}
		const (
			coord   = "coordinatrice@comune.lodi.it"
			trainer = "formatrice@comune.lodi.it"
			med     = "mediatore@comune.lodi.it"
			op1     = "operatore1@comune.lodi.it"
			op2     = "operatore2@comune.lodi.it"
			op3     = "operatore3@comune.lodi.it"
			crema   = "coordinatore@comune.crema.cr.it"
			xss     = `<img src=x onerror="window.__xss=1">`
			title   = "Accoglienza e mediazione " + xss
		)
		h.invite(coord, "Chiara Coordinatrice", incroci.RoleCoordinator)
		h.invite(trainer, "Tina Formatrice", incroci.RoleTrainer)
		h.invite(med, "Mamadou Mediatore", incroci.RoleMediator)
		h.invite(op1, "Olga Prima", incroci.RoleOperator)
		h.invite(op2, "Oscar Secondo", incroci.RoleOperator)
		h.invite(op3, "Otto Terzo", incroci.RoleOperator)
		if _, err := h.p.Invite(h.sys, "crema", incroci.InviteInput{Email: crema, Name: "Carlo Coordinatore", Roles: []incroci.Role{incroci.RoleCoordinator}}); err != nil {
			t.Fatal(err)
		}
		tid := h.person(trainer).ID

		// Two needs surveys of lodi, their results made into needs: A and B
		// of the first, C of the second (the first k options of each).
		survey := func(title string, k int, options ...string) (sid int64, needs []int64) {
			t.Helper()
			s := x.call(coord, "POST", "/surveys", map[string]any{"ambito": "lodi", "title": title, "audience_roles": []string{"operator"},
				"opens_at": time.Now().Add(-time.Hour), "closes_at": time.Now().Add(7 * 24 * time.Hour),
				"questions": []map[string]any{{"kind": "single", "text": "Su che cosa vuoi formarti?", "options": options}}}, 201)
			sid = num(s["id"])
			qid := num(s["questions"].([]any)[0].(map[string]any)["id"])
			var in []map[string]any
			for i, o := range options[:k] {
				in = append(in, map[string]any{"question_id": qid, "option": fmt.Sprint(i), "label": o})
			}
			for _, n := range x.call(coord, "POST", fmt.Sprintf("/surveys/%d/needs", sid), map[string]any{"needs": in}, 201)["list"].([]any) {
				needs = append(needs, num(n.(map[string]any)["id"]))
			}
			return sid, needs
		}
		const (
			sTitle = "Fabbisogni 2027 " + xss
			labelA = "Lavorare con i mediatori " + xss
		)
		s1, ns1 := survey(sTitle, 2, labelA, "Ricongiungimento familiare")
		s2, ns2 := survey("Fabbisogni dei mediatori", 1, "Interpretariato nei colloqui", "Altro")
		nA, nB, nC := ns1[0], ns1[1], ns2[0]
		// courseNeeds are the ids of the needs course id answers, through the API.
		courseNeeds := func(id int64) string {
			t.Helper()
			var out []string
			for _, n := range x.call(coord, "GET", fmt.Sprintf("/courses/%d/needs", id), nil, 200)["list"].([]any) {
				out = append(out, fmt.Sprint(num(n.(map[string]any)["id"])))
			}
			return strings.Join(out, ",")
		}

		// The coordinator: people first; the training's chunk loads only when "Corsi" opens.
		testbrowser.Navigate(t, ctx, h.page("w=console&csp=strict"))
		h.signIn(ctx, console, coord)
		testbrowser.WaitFor(t, ctx, C("#tab-training"))
		if got := testbrowser.Text(t, ctx, C("#tab-training")); got != "Corsi" {
			t.Errorf("the courses tab reads %q", got)
		}
		if testbrowser.Exists(t, ctx, C("#tab-teaching")) {
			t.Error("a coordinator who teaches nothing has the trainers' tab")
		}
		if n := trainingChunk(t, ctx); n != 0 {
			t.Errorf("console-training.js loaded %d times before its tab opened", n)
		}
		// The hub fails to list the needs for a while.
		x.fail.Store("GET /needs")
		testbrowser.Click(t, ctx, C("#tab-training"))
		testbrowser.WaitFor(t, ctx, C("#co-table-empty"))
		if n := trainingChunk(t, ctx); n != 1 {
			t.Errorf("console-training.js loaded %d times with its tab open", n)
		}
		testbrowser.Axe(t, ctx, "console training: no courses")
		// The keyboard moves between the tabs.
		testbrowser.Focus(t, ctx, C("#tab-training"))
		testbrowser.Keys(t, ctx, kb.ArrowRight)
		testbrowser.WaitFor(t, ctx, C("#ap-table-empty"))
		if f := testbrowser.Focused(t, ctx); f != console+" >>> button#tab-approvals" {
			t.Errorf("ArrowRight from Corsi put the focus on %s", f)
		}
		testbrowser.Keys(t, ctx, kb.ArrowLeft)
		testbrowser.WaitFor(t, ctx, C("#co-table-empty"))

		// A new course: the needs cannot be read, a retry reads them.
		testbrowser.Click(t, ctx, C("#cn-box summary"))
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#cn-trainer-%d", tid)))
		testbrowser.WaitFor(t, ctx, C("#cn-needs .err button"))
		if got := testbrowser.Text(t, ctx, C("#cn-needs .err")); !strings.Contains(got, "Servizio non disponibile (prova).") {
			t.Errorf("the needs' error reads %q", got)
		}
		testbrowser.Axe(t, ctx, "console training: the needs not read")
		x.fail.Store("")
		testbrowser.Click(t, ctx, C("#cn-needs .err button"))
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#cn-need-%d", nC)))
		// Grouped by survey, each saying whether a course covers it.
		if got := testbrowser.Text(t, ctx, C(fmt.Sprintf("#cn-sv-%d > legend", s1))); got != "Dal questionario «"+sTitle+"»" {
			t.Errorf("the first survey's legend: %q", got)
		}
		if got := testbrowser.Eval[string](t, ctx, `[...`+testbrowser.QueryAll(C(fmt.Sprintf("#cn-sv-%d label", s1)))+`].map((l) => l.textContent).join('|')`); got !=
			labelA+" non ancora coperto|Ricongiungimento familiare non ancora coperto" {
			t.Errorf("the first survey's needs: %q", got)
		}
		if !testbrowser.Exists(t, ctx, C(fmt.Sprintf("#cn-sv-%d #cn-need-%d", s2, nC))) {
			t.Error("the second survey's need is not in its group")
		}
		if got := testbrowser.Text(t, ctx, C("#cn-needs > legend")); got != "Bisogni formativi a cui risponde" {
			t.Errorf("the needs' legend: %q", got)
		}
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#cn-need-%d", nA)))
		// No hours is refused beside the field, then it is created, linked to need A.
		testbrowser.Type(t, ctx, C("#cn-title"), title)
		testbrowser.Type(t, ctx, C("#cn-goals"), "Lavorare con i mediatori "+xss)
		testbrowser.Click(t, ctx, C("#cn-audience-operator"))
		testbrowser.Click(t, ctx, C("#cn-audience-mediator"))
		testbrowser.Click(t, ctx, C("#cn-topics-lavoro"))
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#cn-trainer-%d", tid)))
		testbrowser.Type(t, ctx, C("#cn-materials"), "Slide del corso https://example.org/slide.pdf")
		testbrowser.Click(t, ctx, C("#cn-save"))
		testbrowser.Wait(t, ctx, testbrowser.Query(C("#cn-hours"))+`.getAttribute('aria-invalid') == 'true'`)
		if got := testbrowser.Text(t, ctx, C("#cn-hours-err")); got == "" {
			t.Error("no message beside the hours")
		}
		if n := len(x.call(coord, "GET", "/courses", nil, 200)["list"].([]any)); n != 0 {
			t.Fatalf("a refused course was saved: %d courses", n)
		}
		testbrowser.Axe(t, ctx, "console training: a refused course")
		testbrowser.Type(t, ctx, C("#cn-hours"), "8")
		testbrowser.Click(t, ctx, C("#cn-save"))
		testbrowser.WaitText(t, ctx, C("#co-result"), "Corso creato: "+title+".")
		list := x.call(coord, "GET", "/courses", nil, 200)["list"].([]any)
		if len(list) != 1 {
			t.Fatalf("courses after creating one: %d", len(list))
		}
		cid := num(list[0].(map[string]any)["id"])
		c := x.call(coord, "GET", fmt.Sprint("/courses/", cid), nil, 200)
		if c["title"] != title || c["hours"] != 8.0 || fmt.Sprint(c["audience"]) != "[operator mediator]" || fmt.Sprint(c["trainer_ids"]) != fmt.Sprintf("[%d]", tid) ||
			fmt.Sprint(c["topics"]) != "[lavoro]" || !strings.Contains(fmt.Sprint(c["materials"]), "https://example.org/slide.pdf") {
			t.Errorf("the course saved: %v", c)
		}
		if got := courseNeeds(cid); got != fmt.Sprint(nA) {
			t.Errorf("the new course answers the needs %s, want %d", got, nA)
		}
		open := C(fmt.Sprintf("#co-open-%d", cid))
		testbrowser.WaitFor(t, ctx, open)
		if got := testbrowser.Text(t, ctx, open); got != title {
			t.Errorf("the course's title reads %q", got)
		}
		consoleNoMarkup(t, ctx, "the courses")
		testbrowser.Axe(t, ctx, "console training: courses")

		// Another course of lodi answers need C (through the API).
		other := x.call(coord, "POST", "/courses", map[string]any{"ambito": "lodi", "title": "Diritto dell'immigrazione", "goals": "Le basi", "hours": 4}, 201)
		x.call(coord, "PUT", fmt.Sprintf("/courses/%d/needs", num(other["id"])), map[string]any{"need_ids": []int64{nC}}, 200)

		// The course's page: the need it answers, with its survey.
		testbrowser.Click(t, ctx, open)
		testbrowser.WaitFor(t, ctx, C("#cv-t"))
		if got := testbrowser.Text(t, ctx, C("#cv-t")); got != title {
			t.Errorf("the course page's title reads %q", got)
		}
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#cv-need-%d", nA)))
		if got := testbrowser.Text(t, ctx, C("#cv-needs")); got != labelA+" · Dal questionario «"+sTitle+"»" {
			t.Errorf("the course's needs read %q", got)
		}
		// Its form: A covered by it, B by none, C by the other course.
		testbrowser.Click(t, ctx, C("#ce-box summary"))
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#ce-need-%d", nC)))
		for id, want := range map[int64]string{nA: "coperto da questo corso", nB: "non ancora coperto", nC: "già coperto da un altro corso"} {
			if got := testbrowser.Text(t, ctx, C(fmt.Sprintf("label[for=ce-need-%d] .b", id))); got != want {
				t.Errorf("need %d reads %q, want %q", id, got, want)
			}
		}
		checked := func(id int64) bool {
			return testbrowser.Eval[bool](t, ctx, testbrowser.Query(C(fmt.Sprintf("#ce-need-%d", id)))+`.checked`)
		}
		if !checked(nA) || checked(nB) || checked(nC) {
			t.Error("the form does not tick the needs the course answers")
		}
		consoleNoMarkup(t, ctx, "a course's needs")
		testbrowser.Axe(t, ctx, "console training: a course's form with its needs")
		// B instead of A, and 6 hours; the needs' save fails: the course
		// is saved, the form stays as it was, a retry saves the needs.
		x.fail.Store("PUT /needs")
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#ce-need-%d", nA)))
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#ce-need-%d", nB)))
		testbrowser.Clear(t, ctx, C("#ce-hours"))
		testbrowser.Type(t, ctx, C("#ce-hours"), "6")
		testbrowser.Click(t, ctx, C("#ce-save"))
		testbrowser.WaitFor(t, ctx, C("#ce-retry"))
		if got := testbrowser.Text(t, ctx, C("#ce-error")); !strings.HasPrefix(got, "Il corso è salvato, ma non i bisogni a cui risponde: Servizio non disponibile (prova).") {
			t.Errorf("the needs' failure reads %q", got)
		}
		if got := x.call(coord, "GET", fmt.Sprint("/courses/", cid), nil, 200)["hours"]; got != 6.0 {
			t.Errorf("the course's hours after the needs failed: %v", got)
		}
		if got := courseNeeds(cid); got != fmt.Sprint(nA) {
			t.Errorf("the needs changed although their save failed: %s", got)
		}
		if checked(nA) || !checked(nB) || testbrowser.Value(t, ctx, C("#ce-hours")) != "6" {
			t.Error("the form lost what was typed")
		}
		testbrowser.Axe(t, ctx, "console training: the needs not saved")
		x.fail.Store("")
		testbrowser.Click(t, ctx, C("#ce-retry"))
		testbrowser.WaitText(t, ctx, C("#cv-result"), "Salvato.")
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#cv-need-%d", nB)))
		if testbrowser.Exists(t, ctx, C(fmt.Sprintf("#cv-need-%d", nA))) {
			t.Error("the course's page still shows need A")
		}
		if got := courseNeeds(cid); got != fmt.Sprint(nB) {
			t.Errorf("the course answers the needs %s, want %d", got, nB)
		}
		if l := x.call(coord, "GET", "/needs?covered=false", nil, 200)["list"].([]any); len(l) != 1 || num(l[0].(map[string]any)["id"]) != nA {
			t.Errorf("the needs no course covers: %v", l)
		}
		if got := x.call(coord, "GET", fmt.Sprint("/courses/", cid), nil, 200); got["hours"] != 6.0 || got["title"] != title || fmt.Sprint(got["trainer_ids"]) != fmt.Sprintf("[%d]", tid) {
			t.Errorf("the course after the retry: %v", got)
		}

		// Its first edition: two seats, one reserved to mediators, with approval.
		testbrowser.Click(t, ctx, C("#en-box summary"))
		rome, _ := time.LoadLocation("Europe/Rome")
		now := time.Now().In(rome)
		meet := now.AddDate(0, 0, 20)
		setValue(t, ctx, C("#ne-enrol_from"), now.Add(-time.Hour).Format("2006-01-02T15:04"))
		setValue(t, ctx, C("#ne-enrol_until"), now.AddDate(0, 0, 10).Format("2006-01-02T15:04"))
		testbrowser.Type(t, ctx, C("#ne-capacity"), "2")
		testbrowser.Click(t, ctx, C("#ne-approval"))
		// No day for the meeting: refused before sending.
		testbrowser.Click(t, ctx, C("#ne-save"))
		testbrowser.Wait(t, ctx, testbrowser.Query(C("#ne-meetings"))+`.getAttribute('aria-invalid') == 'true'`)
		setValue(t, ctx, C("#ne-m1-day"), meet.Format("2006-01-02"))
		setValue(t, ctx, C("#ne-m1-from"), "09:00")
		setValue(t, ctx, C("#ne-m1-to"), "13:00")
		testbrowser.Type(t, ctx, C("#ne-m1-place"), "Sala consiliare, Lodi")
		// A quota larger than the edition: the API refuses it, the quotas are marked.
		testbrowser.Click(t, ctx, C("#ne-q-add"))
		setValue(t, ctx, C("#ne-q2-role"), "mediator")
		testbrowser.Type(t, ctx, C("#ne-q2-seats"), "3")
		// And reserved to another ambito, which a course of lodi cannot do: that field is marked too.
		testbrowser.Type(t, ctx, C("#ne-q2-ambito"), "crema")
		testbrowser.Click(t, ctx, C("#ne-save"))
		testbrowser.Wait(t, ctx, testbrowser.Query(C("#ne-quotas"))+`.getAttribute('aria-invalid') == 'true'`)
		if !invalid("#ne-q2-ambito") || testbrowser.Text(t, ctx, C("#ne-q2-ambito-err")) == "" || invalid("#ne-q2-role") {
			t.Error("the quota's ambito is not marked alone")
		}
		testbrowser.Clear(t, ctx, C("#ne-q2-ambito"))
		if invalid("#ne-meetings") {
			t.Error("the meetings stay marked once filled in")
		}
		if got := testbrowser.Text(t, ctx, C("#ne-quotas-err")); got == "" {
			t.Error("no message beside the quotas")
		}
		if eds := x.call(coord, "GET", fmt.Sprint("/courses/", cid), nil, 200)["editions"].([]any); len(eds) != 0 {
			t.Fatalf("a refused edition was saved: %v", eds)
		}
		testbrowser.Axe(t, ctx, "console training: a refused edition")
		testbrowser.Clear(t, ctx, C("#ne-q2-seats"))
		testbrowser.Type(t, ctx, C("#ne-q2-seats"), "1")
		testbrowser.Click(t, ctx, C("#ne-save"))
		testbrowser.WaitText(t, ctx, C("#ed-result"), "Edizione creata.")
		eds := x.call(coord, "GET", fmt.Sprint("/courses/", cid), nil, 200)["editions"].([]any)
		if len(eds) != 1 {
			t.Fatalf("editions: %d", len(eds))
		}
		ed := eds[0].(map[string]any)
		eid := num(ed["id"])
		m := ed["meetings"].([]any)[0].(map[string]any)
		start, _ := time.Parse(time.RFC3339, m["start"].(string))
		if want := time.Date(meet.Year(), meet.Month(), meet.Day(), 9, 0, 0, 0, rome); !start.Equal(want) || m["place"] != "Sala consiliare, Lodi" {
			t.Errorf("the meeting saved: %v, want it at %v", m, want)
		}
		if q := ed["quotas"].([]any); len(q) != 1 || q[0].(map[string]any)["role"] != "mediator" || num(q[0].(map[string]any)["seats"]) != 1 || ed["approval"] != true || num(ed["capacity"]) != 2 {
			t.Errorf("the edition saved: %v", ed)
		}
		if fmt.Sprint(ed["trainer_ids"]) != fmt.Sprintf("[%d]", tid) {
			t.Errorf("the edition's trainers: %v", ed["trainer_ids"])
		}

		// Four enrol through the API: the mediator takes the quota, an operator the free seat, two wait.
		en := map[string]int64{}
		for _, who := range []string{med, op1, op2, op3} {
			en[who] = num(x.call(who, "POST", fmt.Sprintf("/editions/%d/enrol", eid), nil, 201)["id"])
		}
		testbrowser.Click(t, ctx, C("#en-show"))
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#en-%d", en[op3])))
		testbrowser.Click(t, ctx, C("#ed-back"))
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#ed-open-%d", eid)))
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#ed-open-%d", eid)))
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#en-%d", en[op3])))
		if got := testbrowser.Text(t, ctx, C("#ed-seats")); got != "Posti occupati: 2 di 2 · liberi: 0 · in lista d’attesa: 2" {
			t.Errorf("the seats read %q", got)
		}
		if got := testbrowser.Text(t, ctx, C("#ed-quotas")); got != "Mediatore linguistico-culturale, qualsiasi: 1 di 1 occupati" {
			t.Errorf("the quotas read %q", got)
		}
		row := func(who string) string { return testbrowser.Text(t, ctx, C(fmt.Sprintf("#en-%d", en[who]))) }
		if got := row(op2); !strings.Contains(got, "Oscar Secondo") || !strings.Contains(got, "1º in lista d’attesa") {
			t.Errorf("the first waiting: %q", got)
		}
		if got := row(op3); !strings.Contains(got, "2º in lista d’attesa") {
			t.Errorf("the second waiting: %q", got)
		}
		if got := row(op1); !strings.Contains(got, "da approvare") {
			t.Errorf("the pending enrolment: %q", got)
		}
		order := testbrowser.Eval[string](t, ctx, `[...`+testbrowser.QueryAll(C("#en-table tbody tr"))+`].map((r) => r.id).join(',')`)
		if want := fmt.Sprintf("en-%d,en-%d,en-%d,en-%d", en[med], en[op1], en[op2], en[op3]); order != want {
			t.Errorf("the enrolments' order: %s, want %s", order, want)
		}
		if got := testbrowser.Text(t, ctx, C("#ed-meetings")); !strings.Contains(got, "09:00–13:00") || !strings.Contains(got, "Sala consiliare, Lodi") {
			t.Errorf("the meetings read %q", got)
		}
		consoleNoMarkup(t, ctx, "an edition")
		testbrowser.Axe(t, ctx, "console training: an edition's enrolments")

		// Approve the operator's enrolment: the first press asks.
		ap := C(fmt.Sprintf("#en-approve-%d", en[op1]))
		testbrowser.Click(t, ctx, ap)
		testbrowser.WaitText(t, ctx, ap, "Conferma: Approva Olga Prima")
		if s := x.call(op1, "GET", "/me/enrolments", nil, 200)["list"].([]any)[0].(map[string]any)["status"]; s != "pending" {
			t.Fatalf("approved on the first press: %v", s)
		}
		testbrowser.Click(t, ctx, ap)
		testbrowser.WaitText(t, ctx, C("#ed-result"), "Iscrizione di Olga Prima approvata.")
		if s := x.call(op1, "GET", "/me/enrolments", nil, 200)["list"].([]any)[0].(map[string]any)["status"]; s != "confirmed" {
			t.Errorf("after approving: %v", s)
		}
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#en-%d", en[op1])))
		if got := row(op1); !strings.Contains(got, "confermata") {
			t.Errorf("the approved enrolment: %q", got)
		}
		// One more seat: the first on the waiting list is offered it, with a deadline.
		testbrowser.Click(t, ctx, C("#ed-edit"))
		testbrowser.WaitFor(t, ctx, C("#ee-capacity"))
		if got := testbrowser.Value(t, ctx, C("#ee-m1-from")); got != "09:00" {
			t.Errorf("the meeting's time in the form: %q", got)
		}
		testbrowser.Axe(t, ctx, "console training: an edition's form")
		testbrowser.Clear(t, ctx, C("#ee-capacity"))
		testbrowser.Type(t, ctx, C("#ee-capacity"), "3")
		testbrowser.Click(t, ctx, C("#ee-save"))
		testbrowser.WaitText(t, ctx, C("#ed-result"), "Salvato.")
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#en-%d", en[op2])))
		if got := row(op2); !strings.Contains(got, "posto offerto fino al") {
			t.Errorf("the offered seat: %q", got)
		}
		if got := row(op3); !strings.Contains(got, "1º in lista d’attesa") {
			t.Errorf("the waiting list after the offer: %q", got)
		}
		e2 := x.call(coord, "GET", fmt.Sprint("/editions/", eid), nil, 200)
		if num(e2["capacity"]) != 3 || fmt.Sprint(e2["trainer_ids"]) != fmt.Sprintf("[%d]", tid) || len(e2["meetings"].([]any)) != 1 ||
			num(e2["meetings"].([]any)[0].(map[string]any)["id"]) != num(m["id"]) || len(e2["quotas"].([]any)) != 1 {
			t.Errorf("the edition after the change: %v", e2)
		}

		// Only the waiting list.
		setValue(t, ctx, C("#en-status"), "waiting")
		testbrowser.Click(t, ctx, C("#en-show"))
		testbrowser.WaitText(t, ctx, C("#en-table caption"), "Iscrizioni: 1")
		testbrowser.CheckErrors(t, ctx)

		// Approvazioni: the mediator's enrolment in lodi's edition and an
		// operator's in an edition of the network's course, both from lodi.
		const admin = "rete@example.org"
		if _, err := h.p.GrantAdmin(h.sys, admin, "Amministratrice di rete"); err != nil {
			t.Fatal(err)
		}
		net := x.call(admin, "POST", "/courses", map[string]any{"ambito": "", "title": "Corso di rete " + xss, "goals": "Per tutta la rete", "hours": 2}, 201)
		nt := time.Date(meet.Year(), meet.Month(), meet.Day(), 15, 0, 0, 0, rome)
		ne := x.call(admin, "POST", fmt.Sprintf("/courses/%d/editions", num(net["id"])), map[string]any{"capacity": 5, "approval": true,
			"enrol_from": now.Add(-time.Hour).Format(time.RFC3339), "enrol_until": now.AddDate(0, 0, 5).Format(time.RFC3339),
			"meetings": []map[string]any{{"start": nt.Format(time.RFC3339), "end": nt.Add(2 * time.Hour).Format(time.RFC3339), "video_url": "https://meet.example.it/rete"}}}, 201)
		netEn := num(x.call(op3, "POST", fmt.Sprintf("/editions/%d/enrol", num(ne["id"])), nil, 201)["id"])
		testbrowser.Click(t, ctx, C("#tab-approvals"))
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#ap-%d", netEn)))
		if got := testbrowser.Text(t, ctx, C("#ap-table caption")); got != "Iscrizioni da approvare: 2" {
			t.Errorf("the approvals' caption: %q", got)
		}
		if got := testbrowser.Text(t, ctx, C(fmt.Sprintf("#ap-%d", en[med]))); !strings.Contains(got, "Mamadou Mediatore") || !strings.Contains(got, title) {
			t.Errorf("the mediator's approval reads %q", got)
		}
		consoleNoMarkup(t, ctx, "approvals")
		testbrowser.Axe(t, ctx, "console training: approvals")
		rj := C(fmt.Sprintf("#ap-reject-%d", netEn))
		testbrowser.Click(t, ctx, rj)
		testbrowser.WaitText(t, ctx, rj, "Conferma: Respingi Otto Terzo")
		testbrowser.Click(t, ctx, rj)
		testbrowser.WaitText(t, ctx, C("#ap-result"), "Iscrizione di Otto Terzo respinta.")
		testbrowser.WaitText(t, ctx, C("#ap-table caption"), "Iscrizioni da approvare: 1")
		if got := x.call(admin, "GET", fmt.Sprintf("/editions/%d/enrolments", num(ne["id"])), nil, 200)["list"].([]any)[0].(map[string]any)["status"]; got != "rejected" {
			t.Errorf("the rejected enrolment: %v", got)
		}
		testbrowser.Click(t, ctx, C("#tab-training"))
		testbrowser.WaitFor(t, ctx, open)
		testbrowser.Click(t, ctx, open)
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#ed-open-%d", eid)))
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#ed-open-%d", eid)))
		testbrowser.WaitFor(t, ctx, C("#ed-cancel"))

		// The other course's edition, which the trainer does not teach.
		mt := time.Date(meet.Year(), meet.Month(), meet.Day(), 14, 0, 0, 0, rome)
		oe := x.call(coord, "POST", fmt.Sprintf("/courses/%d/editions", num(other["id"])), map[string]any{"capacity": 10,
			"enrol_from": now.Add(-time.Hour).Format(time.RFC3339), "enrol_until": now.AddDate(0, 0, 5).Format(time.RFC3339),
			"meetings": []map[string]any{{"start": mt.Format(time.RFC3339), "end": mt.Add(2 * time.Hour).Format(time.RFC3339), "place": "Lodi"}}}, 201)

		// The trainer: their editions only, with the enrolments, nothing to approve.
		ctx2 := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, ctx2, h.page("w=console&csp=strict"))
		h.signIn(ctx2, console, trainer)
		testbrowser.WaitFor(t, ctx2, C(fmt.Sprintf("#te-open-%d", eid)))
		if testbrowser.Exists(t, ctx2, C(fmt.Sprintf("#te-open-%d", num(oe["id"])))) {
			t.Error("the trainer lists an edition they do not teach")
		}
		if got := testbrowser.Text(t, ctx2, C("#te-table caption")); got != "Edizioni in cui insegni: 1" {
			t.Errorf("the trainer's caption: %q", got)
		}
		if testbrowser.Exists(t, ctx2, C("#tab-training")) || testbrowser.Exists(t, ctx2, C("#tab-people")) {
			t.Error("a trainer has the coordinators' tabs")
		}
		consoleNoMarkup(t, ctx2, "a trainer's editions")
		testbrowser.Axe(t, ctx2, "console training: a trainer's editions")
		testbrowser.Click(t, ctx2, C(fmt.Sprintf("#te-open-%d", eid)))
		testbrowser.WaitFor(t, ctx2, C(fmt.Sprintf("#en-%d", en[op3])))
		if testbrowser.Exists(t, ctx2, C("[id^=en-approve-]")) || testbrowser.Exists(t, ctx2, C("#ed-cancel")) || testbrowser.Exists(t, ctx2, C("#ed-edit")) {
			t.Error("the trainer may approve, change or cancel the edition")
		}
		testbrowser.Axe(t, ctx2, "console training: a trainer's edition")
		testbrowser.CheckErrors(t, ctx2)

		// The coordinator cancels the edition: the first press asks.
		testbrowser.Click(t, ctx, C("#ed-cancel"))
		testbrowser.WaitText(t, ctx, C("#ed-cancel"), "Conferma: Annulla l’edizione")
		testbrowser.Click(t, ctx, C("#ed-cancel"))
		testbrowser.WaitText(t, ctx, C("#ed-result"), "Edizione annullata")
		if e := x.call(coord, "GET", fmt.Sprint("/editions/", eid), nil, 200); e["cancelled"] != true {
			t.Error("the edition is not cancelled")
		}
		testbrowser.CheckErrors(t, ctx)

		// An operator: no training tab, no chunk.
		ctx3 := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, ctx3, h.page("w=console&csp=strict"))
		h.signIn(ctx3, console, op1)
		testbrowser.WaitFor(t, ctx3, C("#forbidden"))
		if testbrowser.Exists(t, ctx3, C("[role=tab]")) {
			t.Error("an operator has console tabs")
		}
		if n := trainingChunk(t, ctx3); n != 0 {
			t.Errorf("an operator's console loaded console-training.js %d times", n)
		}
		testbrowser.CheckErrors(t, ctx3)

		// Crema's coordinator, in English: crema's courses, not lodi's.
		ctx4 := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, ctx4, h.page("w=console&csp=strict&lang=en"))
		h.signIn(ctx4, console, crema)
		testbrowser.WaitFor(t, ctx4, C("#forbidden"))
		testbrowser.Eval[bool](t, ctx4, `document.querySelector('incroci-console').setAttribute('ambito', 'crema') || true`)
		testbrowser.WaitFor(t, ctx4, C("#tab-training"))
		if got := testbrowser.Text(t, ctx4, C("#tab-training")); got != "Courses" {
			t.Errorf("the English tab reads %q", got)
		}
		testbrowser.Click(t, ctx4, C("#tab-training"))
		testbrowser.WaitFor(t, ctx4, C("#co-table-empty"))
		if got := testbrowser.Text(t, ctx4, C("#co-table caption")); got != "Courses: 0" {
			t.Errorf("crema's courses: %q", got)
		}
		testbrowser.Click(t, ctx4, C("#cn-box summary"))
		testbrowser.WaitFor(t, ctx4, C("#cn-save"))
		if got := testbrowser.Text(t, ctx4, C("#cn-save")); got != "Create the course" {
			t.Errorf("the English form's button: %q", got)
		}
		// None of lodi's needs.
		testbrowser.WaitText(t, ctx4, C("#cn-needs-none"), "No needs yet: they are made from the needs surveys’ results")
		testbrowser.Axe(t, ctx4, "console training: courses in English")
		testbrowser.Click(t, ctx4, C("#tab-approvals"))
		testbrowser.WaitFor(t, ctx4, C("#ap-table-empty"))
		if got := testbrowser.Text(t, ctx4, C("#ap-table caption")); got != "Enrolments to approve: 0" {
			t.Errorf("crema's approvals: %q", got)
		}
		testbrowser.Axe(t, ctx4, "console training: approvals in English")
		x.call(crema, "GET", fmt.Sprint("/courses/", cid), nil, 404)
		testbrowser.CheckErrors(t, ctx4)
	})
}
