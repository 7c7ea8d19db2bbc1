package widgets_test

// Browser tests of <incroci-training>: the training's widget on an
// ambito's page, against the real platform with the training module
// mounted beside it, on SQLite and PostgreSQL, with the real SMTP server of
// the test.

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testbrowser"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/training"
)

const (
	trainingW = "incroci-training"
	trOp1     = "operatore@comune.lodi.it"
	trOp2     = "operatrice@comune.lodi.it"
	trMed     = "mediatrice@comune.lodi.it"
	trCoord   = "coordinatrice@comune.lodi.it"
)

// trHub is a hub (see newHub) with the training mounted at
// /incroci/training, two operators, a mediator and a coordinator of lodi,
// and lodi's courses: "Accogliere le famiglie ricongiunte" (operators and
// mediators) with an edition open for enrolment of 2 seats, 1 kept for
// operators and 1 for mediators; "Salute mentale e migrazione" (mediators,
// no edition); a course for everyone whose title and goals carry a script
// payload, with an open edition whose cancellation deadline has passed;
// and 10 refresher courses for operators, for a second page.
type trHub struct {
	*hub
	tr       *training.Training
	family   int64 // the course
	autumn   int64 // its edition
	late     int64 // the edition whose cancellation deadline passed
	opQuota  int64
	lateName string
}

func newTrainingHub(t *testing.T, db *gorm.DB) *trHub {
	t.Helper()
	x := &trHub{hub: newHub(t, db)}
	h := x.hub
	r, ok := h.api.Config.Handler.(*gin.Engine)
	if !ok {
		t.Fatalf("the hub's handler is a %T", h.api.Config.Handler)
	}
	var err error
	if x.tr, err = training.New(context.Background(), h.p, training.Config{LinkPage: h.page("w=training")}); err != nil {
		t.Fatal(err)
	}
	// Nothing was served yet: the routes can still be added.
	x.tr.Mount(r.Group("/incroci/training"))
	h.invite(trOp1, "Operatore Rossi", incroci.RoleOperator)
	h.invite(trOp2, "Operatrice Bianchi", incroci.RoleOperator)
	h.invite(trMed, "Mediatrice Amin", incroci.RoleMediator)
	h.invite(trCoord, "Coordinatrice Verdi", incroci.RoleCoordinator)
	co := x.as(trCoord)
	course := func(title, goals string, topic string, hours float64, audience ...incroci.Role) int64 {
		t.Helper()
		c, err := x.tr.SaveCourse(co, 0, training.CourseInput{Ambito: "lodi", Title: title, Goals: goals, Topics: []string{topic}, Hours: hours, Audience: audience})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	for i := 1; i <= 10; i++ {
		course("Aggiornamento sul lavoro, modulo "+strconv.Itoa(i), "Le novità sui contratti di lavoro.", "lavoro", 2, incroci.RoleOperator)
	}
	course("Salute mentale e migrazione", "Riconoscere il disagio psichico.", "salute", 6, incroci.RoleMediator)
	rome, _ := time.LoadLocation("Europe/Rome")
	now := time.Now().In(rome)
	day := func(d int, hour int) time.Time {
		y, m, dd := now.AddDate(0, 0, d).Date()
		return time.Date(y, m, dd, hour, 0, 0, 0, rome)
	}
	xss := course(tkXSS+" Abitare in affitto", tkXSS+" Conoscere i contratti d'affitto.\n<script>window.__xss=2</script>", "casa", 3)
	e, err := x.tr.SaveEdition(co, xss, 0, training.EditionInput{Title: "Sessione unica", Capacity: 5, EnrolFrom: now.Add(-time.Hour), EnrolUntil: now.Add(7 * 24 * time.Hour),
		CancelUntil: now.Add(-time.Minute), Meetings: []training.MeetingInput{{Start: day(10, 14), End: day(10, 17), VideoURL: "https://meet.example.org/affitto"}}})
	if err != nil {
		t.Fatal(err)
	}
	x.late = e.ID
	x.family = course("Accogliere le famiglie ricongiunte", "Conoscere la procedura di ricongiungimento familiare.\nLavorare con i mediatori.", "ricongiungimento", 8,
		incroci.RoleOperator, incroci.RoleMediator)
	e, err = x.tr.SaveEdition(co, x.family, 0, training.EditionInput{Title: "Autunno", Capacity: 2, EnrolFrom: now.Add(-time.Hour), EnrolUntil: now.Add(7 * 24 * time.Hour),
		CancelUntil: day(13, 9), Meetings: []training.MeetingInput{
			{Start: day(14, 9), End: day(14, 13), Place: "Sala consiliare, Lodi"},
			{Start: day(21, 9), End: day(21, 13), VideoURL: "https://meet.example.org/famiglie"},
		}, Quotas: []training.QuotaInput{{Role: incroci.RoleOperator, Seats: 1}, {Role: incroci.RoleMediator, Seats: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	x.autumn = e.ID
	for _, q := range e.Quotas {
		if q.Role == incroci.RoleOperator {
			x.opQuota = q.ID
		}
	}
	return x
}

func (x *trHub) token(email string) string {
	x.t.Helper()
	s, err := x.p.SignIn(context.Background(), incroci.Identity{Email: email})
	if err != nil {
		x.t.Fatal(err)
	}
	return s.Token
}

// as signs the person in through the Go API and acts as them.
func (x *trHub) as(email string) context.Context {
	x.t.Helper()
	pr, err := x.p.Authenticate(context.Background(), x.token(email))
	if err != nil {
		x.t.Fatal(err)
	}
	return incroci.WithPrincipal(context.Background(), pr)
}

// mine is email's enrolment in edition, as the Go API gives it.
func (x *trHub) mine(email string, edition int64) *training.Enrolment {
	x.t.Helper()
	v, err := x.tr.GetEdition(x.as(email), edition)
	if err != nil {
		x.t.Fatal(err)
	}
	return v.Mine
}

// switchTo opens the page at query with email's session in the tab's sessionStorage.
func (x *trHub) switchTo(ctx context.Context, email, query string) {
	x.t.Helper()
	s, _ := json.Marshal(map[string]string{"token": x.token(email)})
	k, _ := json.Marshal("incroci:session:" + x.base())
	testbrowser.Eval[bool](x.t, ctx, `(sessionStorage.setItem(`+string(k)+`, `+strconv.Quote(string(s))+`), true)`)
	testbrowser.Navigate(x.t, ctx, x.page(query))
}

// TestBrowserTraining runs <incroci-training>: sign-in, the catalogue with
// its pages and filters (topic, audience role, ambito or network, open for
// enrolment) and its empty state; a course and its edition with the quotas
// in plain words; an operator enrolling into the operators' seat; another
// joining the waiting list, shown their place; the first cancelling after
// confirming, and the seat offered to the second and accepted; a
// cancellation after the deadline refused with the API's message; script
// payloads as text; "I miei corsi"; axe-core on every view; English.
func TestBrowserTraining(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newTrainingHub(t, db)
		ctx := testbrowser.Tab(t, browser)
		W := func(sel string) string { return in(trainingW, sel) }
		count := func(sel string) int { return testbrowser.Eval[int](t, ctx, testbrowser.QueryAll(W(sel))+`.length`) }
		noXSS := func(what string) {
			t.Helper()
			if got := testbrowser.Eval[string](t, ctx, `String(`+testbrowser.QueryAll(W("img, script"))+`.length) + ' ' + typeof window.__xss`); got != "0 undefined" {
				t.Errorf("%s: script payloads became HTML: %s", what, got)
			}
		}
		ed := "incroci_edition=" + id64(x.autumn)

		// Signed out: the sign-in flow, saying why; it takes no focus on load.
		testbrowser.Navigate(t, ctx, x.page("w=training"))
		testbrowser.WaitFor(t, ctx, W("#email"))
		if got := testbrowser.Text(t, ctx, W("form .note")); !strings.Contains(got, "Per vedere i corsi") {
			t.Errorf("sign-in note %q", got)
		}
		if f := testbrowser.Focused(t, ctx); f != "body" {
			t.Errorf("on load the widget took the page's focus: %s", f)
		}
		testbrowser.Axe(t, ctx, "training: sign-in")
		before := x.mailsTo(trOp1, "codice di accesso")
		testbrowser.Type(t, ctx, W("#email"), trOp1+"\r")
		testbrowser.WaitFor(t, ctx, W("#code"))
		testbrowser.Type(t, ctx, W("#code"), find(t, signinCode, x.waitMail(trOp1, "codice di accesso", before))+"\r")

		// The catalogue: 13 courses, two pages; the next by keyboard keeps the focus.
		testbrowser.WaitText(t, ctx, W("#count"), "Corsi trovati: 13")
		if n := count("#courses > li"); n != 10 {
			t.Errorf("page 1 has %d courses", n)
		}
		testbrowser.WaitText(t, ctx, W("#results nav"), "Pagina 1 di 2")
		titles := func() string {
			return testbrowser.Eval[string](t, ctx, `[...`+testbrowser.QueryAll(W("#courses h3"))+`].map((e) => e.textContent).join('|')`)
		}
		if got := titles(); !strings.Contains(got, tkXSS+" Abitare in affitto") {
			t.Errorf("page 1: %q", got)
		}
		noXSS("the catalogue")
		testbrowser.Axe(t, ctx, "training: catalogue")
		testbrowser.Screenshot(t, ctx, "catalogue")
		testbrowser.Focus(t, ctx, W("#next"))
		testbrowser.Keys(t, ctx, "\r")
		testbrowser.WaitText(t, ctx, W("#results nav"), "Pagina 2 di 2")
		if n := count("#courses > li"); n != 3 {
			t.Errorf("page 2 has %d courses", n)
		}
		if f := testbrowser.Focused(t, ctx); f != trainingW+" >>> button#next" {
			t.Errorf("after the next page the focus is on %s", f)
		}
		if got := titles(); got != "Aggiornamento sul lavoro, modulo 3|Aggiornamento sul lavoro, modulo 2|Aggiornamento sul lavoro, modulo 1" {
			t.Errorf("page 2: %q", got)
		}

		// Filters: a topic; a role (courses for everyone count); open for enrolment; the network's.
		apply := func() {
			testbrowser.Eval[bool](t, ctx, `(`+testbrowser.Query(W("#count, #empty"))+`).remove() || true`)
			testbrowser.Click(t, ctx, W("#apply"))
			testbrowser.WaitFor(t, ctx, W("#count, #empty"))
		}
		setValue(t, ctx, W("#topic"), "ricongiungimento")
		apply()
		if got := titles(); got != "Accogliere le famiglie ricongiunte" {
			t.Errorf("topic ricongiungimento: %q", got)
		}
		setValue(t, ctx, W("#topic"), "")
		setValue(t, ctx, W("#role"), "mediator")
		apply()
		if got := titles(); got != "Accogliere le famiglie ricongiunte|"+tkXSS+" Abitare in affitto|Salute mentale e migrazione" {
			t.Errorf("for mediators: %q", got)
		}
		testbrowser.Click(t, ctx, W("#open"))
		apply()
		if got := titles(); got != "Accogliere le famiglie ricongiunte|"+tkXSS+" Abitare in affitto" {
			t.Errorf("for mediators, open: %q", got)
		}
		setValue(t, ctx, W("#ambito"), "-")
		apply()
		testbrowser.WaitText(t, ctx, W("#empty"), "Nessun corso con questi filtri.")
		testbrowser.Axe(t, ctx, "training: no course")
		setValue(t, ctx, W("#ambito"), "lodi")
		apply()
		if n := count("#courses > li"); n != 2 {
			t.Errorf("lodi's, for mediators, open: %d", n)
		}

		// The course and its edition.
		testbrowser.Click(t, ctx, W(`button[data-course="`+id64(x.family)+`"]`))
		testbrowser.WaitFor(t, ctx, W("#editions"))
		if f := testbrowser.Focused(t, ctx); f != trainingW+" >>> h2#title" {
			t.Errorf("the course opened with the focus on %s", f)
		}
		if got := testbrowser.Eval[string](t, ctx, `(`+testbrowser.Query(W("#goals"))+`).textContent`); got != "Conoscere la procedura di ricongiungimento familiare.\nLavorare con i mediatori." {
			t.Errorf("goals %q", got)
		}
		testbrowser.Axe(t, ctx, "training: course")
		testbrowser.Click(t, ctx, W(`button[data-edition="`+id64(x.autumn)+`"]`))
		testbrowser.WaitFor(t, ctx, W("#seats"))
		seats := testbrowser.Text(t, ctx, W("#seats"))
		for _, want := range []string{"Posti in tutto: 2.", "1 posto riservato agli operatori: ne resta 1.", "1 posto riservato ai mediatori: ne resta 1.",
			"Non ci sono posti liberi per chiunque."} {
			if !strings.Contains(seats, want) {
				t.Errorf("seats %q lack %q", seats, want)
			}
		}
		meetings := testbrowser.Text(t, ctx, W("#meetings"))
		if !strings.Contains(meetings, "09:00–13:00 (ora italiana)") || !strings.Contains(meetings, "Sala consiliare, Lodi") || !strings.Contains(meetings, "Online: collegamento video") {
			t.Errorf("meetings %q", meetings)
		}
		if got := testbrowser.Attr(t, ctx, W("#meetings a"), "href"); got != "https://meet.example.org/famiglie" {
			t.Errorf("video link %q", got)
		}
		if got := testbrowser.Text(t, ctx, W("#rules")); !strings.Contains(got, "Iscrizioni aperte fino al") || !strings.Contains(got, "Puoi annullare l’iscrizione fino al") {
			t.Errorf("rules %q", got)
		}
		testbrowser.Axe(t, ctx, "training: edition")

		// The first operator enrols: the operators' seat.
		testbrowser.Click(t, ctx, W("#enrol"))
		testbrowser.WaitText(t, ctx, W("#done"), "Iscrizione confermata")
		testbrowser.WaitText(t, ctx, W("#status-text"), "Iscritto: il posto è tuo.")
		if f := testbrowser.Focused(t, ctx); f != trainingW+" >>> p#done" {
			t.Errorf("after enrolling the focus is on %s", f)
		}
		if m := x.mine(trOp1, x.autumn); m == nil || m.Status != training.StatusConfirmed || m.QuotaID == nil || *m.QuotaID != x.opQuota {
			t.Errorf("the first operator's enrolment: %+v", m)
		}
		if got := testbrowser.Text(t, ctx, W("#seats")); !strings.Contains(got, "1 posto riservato agli operatori: nessuno libero.") {
			t.Errorf("seats after enrolling %q", got)
		}
		testbrowser.Axe(t, ctx, "training: enrolled")
		testbrowser.Screenshot(t, ctx, "enrolled")

		// The second operator, by the e-mails' link: no seat for them, the waiting list, number 1.
		x.switchTo(ctx, trOp2, "w=training&"+ed)
		testbrowser.WaitFor(t, ctx, W("#full"))
		if got := testbrowser.Text(t, ctx, W("#enrol")); got != "Mettiti in lista d’attesa" {
			t.Errorf("the button when full: %q", got)
		}
		testbrowser.Click(t, ctx, W("#enrol"))
		testbrowser.WaitText(t, ctx, W("#done"), "Sei in lista d’attesa, in posizione 1.")
		testbrowser.WaitText(t, ctx, W("#status-text"), "In lista d’attesa: sei in posizione 1.")
		if got := testbrowser.Text(t, ctx, W("#seats")); !strings.Contains(got, "Persone in lista d’attesa: 1.") {
			t.Errorf("seats with a waiting list %q", got)
		}
		testbrowser.Axe(t, ctx, "training: on the waiting list")

		// The first operator cancels: a confirmation first ("No" keeps it), then cancelled.
		x.switchTo(ctx, trOp1, "w=training&"+ed)
		testbrowser.WaitFor(t, ctx, W("#cancel"))
		testbrowser.Click(t, ctx, W("#cancel"))
		testbrowser.WaitText(t, ctx, W("#sure"), "Vuoi davvero annullare l’iscrizione a «Accogliere le famiglie ricongiunte»?")
		if f := testbrowser.Focused(t, ctx); f != trainingW+" >>> p#sure" {
			t.Errorf("the confirmation opened with the focus on %s", f)
		}
		testbrowser.Axe(t, ctx, "training: confirm the cancellation")
		testbrowser.Click(t, ctx, W("#cancel-no"))
		testbrowser.WaitFor(t, ctx, W("#cancel"))
		testbrowser.Click(t, ctx, W("#cancel"))
		testbrowser.WaitFor(t, ctx, W("#sure"))
		testbrowser.Keys(t, ctx, "\x1b") // Escape: no as well
		testbrowser.Wait(t, ctx, `!`+testbrowser.Query(W("#confirm")))
		if f := testbrowser.Focused(t, ctx); f != trainingW+" >>> button#cancel" {
			t.Errorf("after Escape the focus is on %s", f)
		}
		if m := x.mine(trOp1, x.autumn); m.Status != training.StatusConfirmed {
			t.Errorf("\"No\" cancelled: %+v", m)
		}
		testbrowser.Click(t, ctx, W("#cancel"))
		testbrowser.WaitFor(t, ctx, W("#cancel-yes"))
		testbrowser.Click(t, ctx, W("#cancel-yes"))
		testbrowser.WaitText(t, ctx, W("#done"), "Iscrizione annullata.")
		testbrowser.WaitFor(t, ctx, W("#enrol"))

		// The seat is offered to the second operator, who accepts it in the widget.
		x.switchTo(ctx, trOp2, "w=training&"+ed)
		testbrowser.WaitText(t, ctx, W("#status-text"), "Si è liberato un posto per te: accettalo entro il")
		if got := testbrowser.Text(t, ctx, W("#status-text")); !strings.Contains(got, "(ora italiana)") {
			t.Errorf("the offer's deadline %q", got)
		}
		testbrowser.Axe(t, ctx, "training: a seat offered")
		testbrowser.Screenshot(t, ctx, "offered")
		testbrowser.Focus(t, ctx, W("#accept"))
		testbrowser.Keys(t, ctx, "\r")
		testbrowser.WaitText(t, ctx, W("#done"), "Iscrizione confermata")
		testbrowser.WaitText(t, ctx, W("#status-text"), "Iscritto: il posto è tuo.")
		if m := x.mine(trOp2, x.autumn); m == nil || m.Status != training.StatusConfirmed || m.QuotaID == nil || *m.QuotaID != x.opQuota {
			t.Errorf("the second operator's enrolment: %+v", m)
		}

		// The course with a script payload: text everywhere; enrolled, its
		// cancellation deadline passed: the API's refusal beside the button.
		x.switchTo(ctx, trOp2, "w=training&incroci_edition="+id64(x.late))
		testbrowser.WaitFor(t, ctx, W("#enrol"))
		if got := testbrowser.Text(t, ctx, W("#title")); got != tkXSS+" Abitare in affitto" {
			t.Errorf("title %q", got)
		}
		if got := testbrowser.Eval[string](t, ctx, `(`+testbrowser.Query(W("#goals"))+`).textContent`); !strings.Contains(got, "<script>window.__xss=2</script>") {
			t.Errorf("goals %q", got)
		}
		noXSS("an edition")
		testbrowser.Click(t, ctx, W("#enrol"))
		testbrowser.WaitText(t, ctx, W("#done"), "Iscrizione confermata")
		testbrowser.WaitText(t, ctx, W("#late"), "Il termine per annullare è passato il")
		testbrowser.Click(t, ctx, W("#cancel"))
		testbrowser.Click(t, ctx, W("#cancel-yes"))
		testbrowser.WaitText(t, ctx, W("#act-error"), "Il termine per annullare l'iscrizione è passato: scrivi al coordinatore del corso.")
		if m := x.mine(trOp2, x.late); m.Status != training.StatusConfirmed {
			t.Errorf("a cancellation after the deadline went through: %+v", m)
		}
		testbrowser.Axe(t, ctx, "training: cancellation refused")

		// My courses: both seats; the first operator's cancelled one only with the past.
		testbrowser.Click(t, ctx, W("#go-mine"))
		testbrowser.WaitFor(t, ctx, W("#my"))
		if got := testbrowser.Text(t, ctx, W("#my")); !strings.Contains(got, "Accogliere le famiglie ricongiunte") || !strings.Contains(got, tkXSS+" Abitare in affitto") ||
			strings.Count(got, "Iscritto: il posto è tuo.") != 2 {
			t.Errorf("my courses %q", got)
		}
		noXSS("my courses")
		testbrowser.Axe(t, ctx, "training: my courses")

		// The calendar: its address, which a calendar program reads without
		// signing in; replaced (the second press confirms), the old one stops.
		testbrowser.Click(t, ctx, W("#cal-get"))
		testbrowser.WaitFor(t, ctx, W("#cal-url"))
		feed := func(url string) (int, string) {
			t.Helper()
			res, err := http.Get(url)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(b)
		}
		old := testbrowser.Value(t, ctx, W("#cal-url"))
		if st, body := feed(old); st != 200 || strings.Count(body, "BEGIN:VEVENT") < 2 {
			t.Errorf("the calendar at %s: %d %.200s", old, st, body)
		}
		if f := testbrowser.Focused(t, ctx); f != trainingW+" >>> input#cal-url" {
			t.Errorf("the address took no focus: %s", f)
		}
		testbrowser.Axe(t, ctx, "training: the calendar's address")
		testbrowser.Click(t, ctx, W("#cal-reset"))
		testbrowser.WaitText(t, ctx, W("#cal-reset"), "Conferma")
		if testbrowser.Value(t, ctx, W("#cal-url")) != old {
			t.Errorf("the first press replaced the address")
		}
		testbrowser.Click(t, ctx, W("#cal-reset"))
		testbrowser.WaitText(t, ctx, W("#status"), "Nuovo indirizzo pronto")
		fresh := testbrowser.Value(t, ctx, W("#cal-url"))
		if st, _ := feed(old); fresh == old || st != 403 {
			t.Errorf("after replacing: the old address answers %d, the new is %s", st, fresh)
		}
		if st, _ := feed(fresh); st != 200 {
			t.Errorf("the new address answers %d", st)
		}
		x.switchTo(ctx, trOp1, "w=training")
		testbrowser.WaitFor(t, ctx, W("#courses"))
		testbrowser.Click(t, ctx, W("#go-mine"))
		testbrowser.WaitText(t, ctx, W("#empty"), "Non sei iscritto a nessun corso.")
		testbrowser.Click(t, ctx, W("#all"))
		testbrowser.WaitText(t, ctx, W("#my"), "Iscrizione annullata.")
		testbrowser.Axe(t, ctx, "training: my courses, with the past")

		// An edition that is not there: the API's message, and a way to try again.
		x.switchTo(ctx, trOp1, "w=training&incroci_edition=999999")
		testbrowser.WaitFor(t, ctx, W("#error #retry"))
		if got := testbrowser.Text(t, ctx, W("#error")); got == "" || strings.Contains(got, "Si è verificato un errore") {
			t.Errorf("no such edition: %q", got)
		}
		testbrowser.Axe(t, ctx, "training: no such edition")
		testbrowser.Click(t, ctx, W("#go-list"))
		testbrowser.WaitFor(t, ctx, W("#courses"))

		// In English.
		x.switchTo(ctx, trOp2, "w=training&lang=en&"+ed)
		testbrowser.WaitText(t, ctx, W("#status-text"), "Enrolled: the seat is yours.")
		if got := testbrowser.Text(t, ctx, W("#seats")); !strings.Contains(got, "1 seat kept for operators: none left.") {
			t.Errorf("English seats %q", got)
		}
		if got := testbrowser.Text(t, ctx, W("#meetings")); !strings.Contains(got, "(Italian time)") {
			t.Errorf("English meetings %q", got)
		}
		testbrowser.Axe(t, ctx, "training: edition in English")
		testbrowser.Click(t, ctx, W("#go-list"))
		testbrowser.WaitText(t, ctx, W("#count"), "Courses found: 13")
		if got := testbrowser.Text(t, ctx, W("label[for=role]")); got != "For" {
			t.Errorf("English label %q", got)
		}
		testbrowser.Axe(t, ctx, "training: catalogue in English")
	})
}
