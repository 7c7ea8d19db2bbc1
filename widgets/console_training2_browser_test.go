package widgets_test

// Browser tests of the training's later console chunks: the register of an
// edition (console-register.js) kept by its trainer — attendance marked
// (bad minutes refused beside the field), the rotating check-in QR code
// (the image loads, its code as text, a large view), the register closed
// (certificates follow) — and its certificates revoked by the coordinator;
// "Questionari" (console-surveys.js): a needs survey drafted (bad options
// refused beside the question), published, answered through the Go API,
// its results as bars and tables (a small group suppressed), the CSV, a
// need made of an option; "Report formazione" (console-treports.js) with
// known figures. An operator sees none of it, crema's coordinator none of
// lodi's. Script payloads stay text. On SQLite and PostgreSQL.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"
	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testbrowser"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/training"
)

// namedChunkLoads counts the loads of console-<name>.js in the tab of ctx.
func namedChunkLoads(t *testing.T, ctx context.Context, name string) int {
	return testbrowser.Eval[int](t, ctx, `performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.endsWith('/console-`+name+`.js')).length`)
}

func TestBrowserConsoleTraining2(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newCoordinatorsHub(t, db)
		h := x.hub
		C := func(sel string) string { return in(console, sel) }
		const (
			coord   = "coordinatrice@comune.lodi.it"
			trainer = "formatrice@comune.lodi.it"
			med     = "mediatore@comune.lodi.it"
			op1     = "operatore1@comune.lodi.it"
			op2     = "operatore2@comune.lodi.it"
			op3     = "operatore3@comune.lodi.it"
			crema   = "coordinatore@comune.crema.cr.it"
			xss     = `<img src=x onerror="window.__xss=1">`
		)
		h.invite(coord, "Chiara Coordinatrice", incroci.RoleCoordinator)
		h.invite(trainer, "Tina Formatrice", incroci.RoleTrainer)
		h.invite(med, "Mamadou Mediatore", incroci.RoleMediator)
		h.invite(op1, "Olga Prima", incroci.RoleOperator)
		h.invite(op2, "Oscar "+xss, incroci.RoleOperator)
		h.invite(op3, "Otto Terzo", incroci.RoleOperator)
		if _, err := h.p.Invite(h.sys, "crema", incroci.InviteInput{Email: crema, Name: "Carlo Coordinatore", Roles: []incroci.Role{incroci.RoleCoordinator}}); err != nil {
			t.Fatal(err)
		}
		tid := h.person(trainer).ID
		p1, p2, pm := h.person(op1).ID, h.person(op2).ID, h.person(med).ID

		// A course of lodi taught by the trainer, one edition of one
		// meeting; three people enrol. The meeting is then moved to now
		// in the database (the API takes meetings in the future only).
		rome, _ := time.LoadLocation("Europe/Rome")
		now := time.Now().In(rome)
		c := x.call(coord, "POST", "/courses", map[string]any{"ambito": "lodi", "title": "Accoglienza " + xss, "goals": "Lavorare insieme", "hours": 1,
			"topics": []string{"lavoro"}, "trainer_ids": []int64{tid}}, 201)
		ms := now.AddDate(0, 0, 3).Truncate(time.Hour)
		e := x.call(coord, "POST", fmt.Sprintf("/courses/%d/editions", num(c["id"])), map[string]any{"capacity": 5, "title": "Prima edizione " + xss,
			"enrol_from": now.Add(-time.Hour).Format(time.RFC3339), "enrol_until": now.AddDate(0, 0, 2).Format(time.RFC3339),
			"meetings": []map[string]any{{"start": ms.Format(time.RFC3339), "end": ms.Add(time.Hour).Format(time.RFC3339), "place": "Lodi"}}}, 201)
		eid := num(e["id"])
		mid := num(e["meetings"].([]any)[0].(map[string]any)["id"])
		for _, who := range []string{op1, op2, med} {
			x.call(who, "POST", fmt.Sprintf("/editions/%d/enrol", eid), nil, 201)
		}
		move := func(start time.Time) {
			t.Helper()
			if err := db.Model(&training.Meeting{}).Where("id = ?", mid).Updates(map[string]any{"start": start.UTC(), "end": start.Add(time.Hour).UTC()}).Error; err != nil {
				t.Fatal(err)
			}
		}
		move(time.Now().Add(-10 * time.Minute))

		// The trainer marks the register and shows the QR code.
		ctx := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, ctx, h.page("w=console&csp=strict"))
		h.signIn(ctx, console, trainer)
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#te-open-%d", eid)))
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#te-open-%d", eid)))
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#rg-m-%d", mid)))
		if n := namedChunkLoads(t, ctx, "register"); n != 1 {
			t.Errorf("console-register.js loaded %d times", n)
		}
		// The enrolments above the register load on their own: once they are in, the register stays put.
		testbrowser.WaitFor(t, ctx, C("#en-table caption"))
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#rg-m-%d", mid)))
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#rg-m-%d", mid)))
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#rg-l-%d", p2)))
		if got := testbrowser.Text(t, ctx, C("#rg-table caption")); got != "Iscritti: 3" {
			t.Errorf("the register's caption: %q", got)
		}
		// The QR code: the image loads, the code is there as text.
		// A canvas drawn from the API's PNG: some pixels are dark, some light.
		testbrowser.Wait(t, ctx, `((c) => { if (!c || !c.getAttribute('aria-label')) return false; const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let k = 0, w = 0; for (let i = 0; i < d.length; i += 4) d[i] < 64 ? k++ : w++; return k > 1000 && w > 1000; })(`+testbrowser.Query(C("#rg-qr-img"))+`)`)
		code := x.call(trainer, "GET", fmt.Sprintf("/editions/%d/meetings/%d/checkin-code", eid, mid), nil, 200)["code"].(string)
		shown := strings.TrimPrefix(testbrowser.Text(t, ctx, C("#rg-qr-code")), "Codice: ")
		if shown == "" || (shown != code && !strings.Contains(testbrowser.Eval[string](t, ctx, testbrowser.Query(C("#rg-qr-img"))+`.getAttribute('aria-label')`), code)) {
			t.Logf("the code shown %q, the API's %q (may have just rotated)", shown, code)
		}
		if alt := testbrowser.Eval[string](t, ctx, testbrowser.Query(C("#rg-qr-img"))+`.getAttribute('aria-label')`); !strings.Contains(alt, shown) || shown == "" {
			t.Errorf("the QR code's text: %q, alt %q", shown, alt)
		}
		testbrowser.Click(t, ctx, C("#rg-qr-big"))
		testbrowser.Wait(t, ctx, testbrowser.Query(C("#rg-qr"))+`.classList.contains('big')`)
		if got := testbrowser.Eval[string](t, ctx, testbrowser.Query(C("#rg-qr-big"))+`.getAttribute('aria-pressed')`); got != "true" {
			t.Errorf("the large view's button: aria-pressed %s", got)
		}
		testbrowser.Axe(t, ctx, "console register: the large QR code")
		// Escape closes the large view; the focus stays on its button.
		testbrowser.Keys(t, ctx, kb.Escape)
		testbrowser.Wait(t, ctx, `!`+testbrowser.Query(C("#rg-qr"))+`.classList.contains('big')`)
		if f := testbrowser.Focused(t, ctx); f != console+" >>> button#rg-qr-big" {
			t.Errorf("after Escape the focus is on %s", f)
		}
		// Marks: too many minutes are refused beside the field, nothing is saved.
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#rg-%d-present", p1)))
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#rg-%d-partial", p2)))
		testbrowser.Type(t, ctx, C(fmt.Sprintf("#rg-%d-min", p2)), "999")
		testbrowser.Click(t, ctx, C(fmt.Sprintf("#rg-%d-absent", pm)))
		testbrowser.Click(t, ctx, C("#rg-save"))
		testbrowser.Wait(t, ctx, testbrowser.Query(C(fmt.Sprintf("#rg-%d-min", p2)))+`.getAttribute('aria-invalid') == 'true'`)
		if got := testbrowser.Text(t, ctx, C(fmt.Sprintf("#rg-%d-min-err", p2))); got == "" {
			t.Error("no message beside the minutes")
		}
		reg := func() map[string]string {
			out := map[string]string{}
			for _, l := range x.call(trainer, "GET", fmt.Sprintf("/editions/%d/meetings/%d/register", eid, mid), nil, 200)["lines"].([]any) {
				m := l.(map[string]any)
				out[fmt.Sprint(num(m["person_id"]))] = fmt.Sprint(m["status"], "/", num(m["minutes"]))
			}
			return out
		}
		if r := reg(); r[fmt.Sprint(p1)] != "/0" {
			t.Fatalf("a refused register was saved: %v", r)
		}
		testbrowser.Axe(t, ctx, "console register: refused minutes")
		testbrowser.Clear(t, ctx, C(fmt.Sprintf("#rg-%d-min", p2)))
		testbrowser.Type(t, ctx, C(fmt.Sprintf("#rg-%d-min", p2)), "30")
		testbrowser.Click(t, ctx, C("#rg-save"))
		testbrowser.WaitText(t, ctx, C("#rg-result"), "Presenze salvate.")
		if r := reg(); r[fmt.Sprint(p1)] != "present/60" || r[fmt.Sprint(p2)] != "partial/30" || r[fmt.Sprint(pm)] != "absent/0" {
			t.Errorf("the register saved: %v", r)
		}
		testbrowser.WaitFor(t, ctx, C(fmt.Sprintf("#rg-h-%d", p1)))
		if got := testbrowser.Text(t, ctx, C(fmt.Sprintf("#rg-h-%d", p2))); !strings.Contains(got, "0,5") || !strings.Contains(got, "50%") {
			t.Errorf("the partial person's hours: %q", got)
		}
		// The code rotates every 30 seconds: the page shows the next one, text and image alike.
		qrText := func() string {
			return strings.TrimPrefix(testbrowser.Eval[string](t, ctx, `(`+testbrowser.Query(C("#rg-qr-code"))+`)?.textContent || ''`), "Codice: ")
		}
		for end := time.Now().Add(40 * time.Second); qrText() == shown && time.Now().Before(end); {
			time.Sleep(500 * time.Millisecond)
		}
		next := qrText()
		if next == shown || next == "" || !strings.Contains(testbrowser.Eval[string](t, ctx, testbrowser.Query(C("#rg-qr-img"))+`.getAttribute('aria-label')`), next) {
			t.Errorf("the check-in code did not rotate: %q, then %q", shown, next)
		}
		if now := x.call(trainer, "GET", fmt.Sprintf("/editions/%d/meetings/%d/checkin-code", eid, mid), nil, 200)["code"]; now != next {
			t.Logf("the API's code %q, the page's %q (a rotation in between?)", now, next)
		}
		testbrowser.Axe(t, ctx, "console register: marked")
		testbrowser.CheckErrors(t, ctx)

		// After the meeting: closed at the second press, final.
		move(time.Now().Add(-2 * time.Hour))
		testbrowser.Click(t, ctx, C("#rg-close"))
		testbrowser.WaitText(t, ctx, C("#rg-close"), "Conferma: chiudere il registro?")
		if r := x.call(trainer, "GET", fmt.Sprintf("/editions/%d/meetings/%d/register", eid, mid), nil, 200); r["closed"] != false {
			t.Fatal("closed at the first press")
		}
		testbrowser.Click(t, ctx, C("#rg-close"))
		testbrowser.WaitText(t, ctx, C("#rg-result"), "Registro chiuso.")
		testbrowser.WaitFor(t, ctx, C("#rg-closed"))
		if r := x.call(trainer, "GET", fmt.Sprintf("/editions/%d/meetings/%d/register", eid, mid), nil, 200); r["closed"] != true {
			t.Error("the register is not closed")
		}
		if testbrowser.Exists(t, ctx, C("#rg-save")) || testbrowser.Exists(t, ctx, C("#rg-qr-img")) || !testbrowser.Eval[bool](t, ctx, testbrowser.Query(C(fmt.Sprintf("#rg-%d-present", p1)))+`.disabled`) {
			t.Error("a closed register can still be changed or shows a QR code")
		}
		consoleNoMarkup(t, ctx, "a closed register")
		testbrowser.Axe(t, ctx, "console register: closed")
		testbrowser.CheckErrors(t, ctx)

		// The coordinator: the certificate issued on closing, revoked with a reason.
		ctx2 := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, ctx2, h.page("w=console&csp=strict"))
		h.signIn(ctx2, console, coord)
		testbrowser.WaitFor(t, ctx2, C("#tab-training"))
		testbrowser.Click(t, ctx2, C("#tab-training"))
		testbrowser.WaitFor(t, ctx2, C(fmt.Sprintf("#co-open-%d", num(c["id"]))))
		testbrowser.Click(t, ctx2, C(fmt.Sprintf("#co-open-%d", num(c["id"]))))
		testbrowser.WaitFor(t, ctx2, C(fmt.Sprintf("#ed-open-%d", eid)))
		testbrowser.Click(t, ctx2, C(fmt.Sprintf("#ed-open-%d", eid)))
		testbrowser.WaitFor(t, ctx2, C("#ct-table"))
		certs := x.call(coord, "GET", fmt.Sprintf("/editions/%d/certificates", eid), nil, 200)["list"].([]any)
		if len(certs) != 1 || num(certs[0].(map[string]any)["person_id"]) != p1 {
			t.Fatalf("the certificates: %v", certs)
		}
		cert := num(certs[0].(map[string]any)["id"])
		if testbrowser.Exists(t, ctx2, C("#rg-m-1")) || testbrowser.Exists(t, ctx2, C(fmt.Sprintf("#rg-m-%d", mid))) {
			t.Error("a coordinator who does not teach has the register")
		}
		testbrowser.WaitFor(t, ctx2, C(fmt.Sprintf("#ct-%d", cert)))
		rv := C(fmt.Sprintf("#ct-revoke-%d", cert))
		testbrowser.Click(t, ctx2, rv)
		testbrowser.WaitText(t, ctx2, rv, "Conferma la revoca")
		testbrowser.Click(t, ctx2, rv)
		testbrowser.Wait(t, ctx2, testbrowser.Query(C(fmt.Sprintf("#ct-reason-%d", cert)))+`.getAttribute('aria-invalid') == 'true'`)
		testbrowser.Axe(t, ctx2, "console certificates: no reason")
		testbrowser.Type(t, ctx2, C(fmt.Sprintf("#ct-reason-%d", cert)), "Registro sbagliato "+xss)
		testbrowser.Click(t, ctx2, rv)
		testbrowser.Click(t, ctx2, rv)
		testbrowser.WaitText(t, ctx2, C("#ct-result"), "Attestato di Olga Prima revocato.")
		if got := testbrowser.Text(t, ctx2, C(fmt.Sprintf("#ct-%d", cert))); !strings.Contains(got, "revocato") || !strings.Contains(got, "Registro sbagliato "+xss) {
			t.Errorf("the revoked certificate reads %q", got)
		}
		consoleNoMarkup(t, ctx2, "certificates")
		testbrowser.Axe(t, ctx2, "console certificates: revoked")

		// Questionari: a draft with a bad question refused beside it, then saved and published.
		testbrowser.WaitFor(t, ctx2, C("#tab-tsurveys"))
		testbrowser.Click(t, ctx2, C("#tab-tsurveys"))
		testbrowser.WaitFor(t, ctx2, C("#sv-table-empty"))
		testbrowser.Axe(t, ctx2, "console surveys: none")
		testbrowser.Click(t, ctx2, C("#sn-box summary"))
		testbrowser.WaitFor(t, ctx2, C("#sn-q1-kind"))
		stitle := "Bisogni 2027 " + xss
		testbrowser.Type(t, ctx2, C("#sn-title"), stitle)
		testbrowser.Type(t, ctx2, C("#sn-intro"), "Diteci "+xss)
		testbrowser.Click(t, ctx2, C("#sn-role-operator"))
		testbrowser.Click(t, ctx2, C("#sn-role-mediator"))
		setValue(t, ctx2, C("#sn-opens_at"), now.Add(-time.Hour).Format("2006-01-02T15:04"))
		setValue(t, ctx2, C("#sn-closes_at"), now.AddDate(0, 0, 5).Format("2006-01-02T15:04"))
		testbrowser.Type(t, ctx2, C("#sn-q1-text"), "Quale tema? "+xss)
		testbrowser.Type(t, ctx2, C("#sn-q1-options"), "Lavoro")
		testbrowser.Click(t, ctx2, C("#sn-q-add"))
		setValue(t, ctx2, C("#sn-q2-kind"), "text")
		testbrowser.Type(t, ctx2, C("#sn-q2-text"), "Altro?")
		testbrowser.Click(t, ctx2, C("#sn-q-add"))
		setValue(t, ctx2, C("#sn-q3-kind"), "likert")
		testbrowser.Type(t, ctx2, C("#sn-q3-text"), "Quanto serve?")
		testbrowser.Type(t, ctx2, C("#sn-q3-labels"), "Per nulla\nPoco\nAbbastanza\nMolto\nMoltissimo")
		// The likert question goes up, above the free text.
		testbrowser.Click(t, ctx2, C("#sn-q3-up"))
		// A fourth question, removed again.
		testbrowser.Click(t, ctx2, C("#sn-q-add"))
		testbrowser.Type(t, ctx2, C("#sn-q4-text"), "Da togliere")
		testbrowser.Click(t, ctx2, C("#sn-q4-rm"))
		if testbrowser.Exists(t, ctx2, C("#sn-q4-text")) {
			t.Error("the removed question is still there")
		}
		if got := testbrowser.Eval[string](t, ctx2, `[...`+testbrowser.QueryAll(C("#sn-qs > fieldset > legend"))+`].map((l) => l.textContent).join(',')`); got != "Domanda 1,Domanda 2,Domanda 3" {
			t.Errorf("the questions' legends: %q", got)
		}
		// A ranking of two topics.
		tps := x.call(coord, "GET", "/topics", nil, 200)["list"].([]any)
		ta, tb := tps[0].(map[string]any), tps[1].(map[string]any)
		testbrowser.Click(t, ctx2, C("#sn-q-add"))
		setValue(t, ctx2, C("#sn-q5-kind"), "ranking")
		testbrowser.Type(t, ctx2, C("#sn-q5-text"), "Metti in ordine")
		testbrowser.Click(t, ctx2, C("#sn-q5-tp-"+ta["code"].(string)))
		testbrowser.Click(t, ctx2, C("#sn-q5-tp-"+tb["code"].(string)))
		testbrowser.Click(t, ctx2, C("#sn-save"))
		testbrowser.Wait(t, ctx2, testbrowser.Query(C("#sn-q1-options"))+`.getAttribute('aria-invalid') == 'true'`)
		if got := testbrowser.Text(t, ctx2, C("#sn-q1-options-err")); got == "" {
			t.Error("no message beside the options")
		}
		if f := testbrowser.Focused(t, ctx2); f != console+" >>> textarea#sn-q1-options" {
			t.Errorf("the refused options do not have the focus: %s", f)
		}
		if n := len(x.call(coord, "GET", "/surveys", nil, 200)["list"].([]any)); n != 0 {
			t.Fatalf("a refused survey was saved: %d", n)
		}
		testbrowser.Axe(t, ctx2, "console surveys: a refused draft")
		testbrowser.Type(t, ctx2, C("#sn-q1-options"), "\nCasa\n"+xss)
		testbrowser.Click(t, ctx2, C("#sn-save"))
		testbrowser.WaitText(t, ctx2, C("#sp-result"), "Bozza creata.")
		// The draft changes: its intro.
		testbrowser.WaitFor(t, ctx2, C("#se-intro"))
		if got := testbrowser.Value(t, ctx2, C("#se-q2-kind")); got != "likert" {
			t.Errorf("the draft's second question in its form: %q", got)
		}
		testbrowser.Clear(t, ctx2, C("#se-intro"))
		testbrowser.Type(t, ctx2, C("#se-intro"), "Diteci tutto "+xss)
		// Announced by the coordinator in other ways: no e-mail when it opens.
		if !testbrowser.Eval[bool](t, ctx2, testbrowser.Query(C("#se-announce"))+`.checked`) {
			t.Error("the announcement is not on by default")
		}
		testbrowser.Click(t, ctx2, C("#se-announce"))
		testbrowser.Click(t, ctx2, C("#se-save"))
		testbrowser.WaitText(t, ctx2, C("#sp-result"), "Bozza salvata.")
		if got := testbrowser.Text(t, ctx2, C("#sp-intro")); got != "Diteci tutto "+xss {
			t.Errorf("the intro shown: %q", got)
		}
		sl := x.call(coord, "GET", "/surveys", nil, 200)["list"].([]any)
		sid := num(sl[0].(map[string]any)["id"])
		s := x.call(coord, "GET", fmt.Sprint("/surveys/", sid), nil, 200)
		qs := s["questions"].([]any)
		if len(qs) != 4 || qs[3].(map[string]any)["kind"] != "ranking" || qs[1].(map[string]any)["kind"] != "likert" || qs[2].(map[string]any)["kind"] != "text" || s["anonymous"] != true || s["announce"] != false ||
			fmt.Sprint(qs[0].(map[string]any)["options"]) != "[Lavoro Casa "+xss+"]" || fmt.Sprint(s["audience_roles"]) != "[mediator operator]" {
			t.Errorf("the draft saved: %v", s)
		}
		testbrowser.Click(t, ctx2, C("#sp-publish"))
		testbrowser.WaitText(t, ctx2, C("#sp-publish"), "Conferma: pubblicare?")
		testbrowser.Click(t, ctx2, C("#sp-publish"))
		testbrowser.WaitText(t, ctx2, C("#sp-result"), "Questionario pubblicato.")
		testbrowser.WaitFor(t, ctx2, C("#sp-frozen"))
		if testbrowser.Exists(t, ctx2, C("#se-save")) {
			t.Error("a published survey can be edited")
		}
		// Answers through the Go API: three operators and the mediator.
		q := func(i int) int64 { return num(qs[i].(map[string]any)["id"]) }
		for i, who := range []string{op1, op2, op3, med} {
			choice := []int{0, 0, 1, 2}[i]
			rank := []any{ta["code"], tb["code"]}
			if who == med {
				rank = []any{tb["code"], ta["code"]}
			}
			x.call(who, "POST", fmt.Sprintf("/surveys/%d/answers", sid), map[string]any{"answers": []map[string]any{
				{"question_id": q(0), "choice": choice}, {"question_id": q(1), "scale": 4}, {"question_id": q(2), "text": "Più casi " + xss},
				{"question_id": q(3), "ranking": rank}}}, 204)
		}
		testbrowser.WaitFor(t, ctx2, C("#sv-back"))
		testbrowser.Click(t, ctx2, C("#sv-back"))
		testbrowser.WaitFor(t, ctx2, C(fmt.Sprintf("#sv-open-%d", sid)))
		testbrowser.Click(t, ctx2, C(fmt.Sprintf("#sv-open-%d", sid)))
		testbrowser.WaitFor(t, ctx2, C(fmt.Sprintf("#rq-%d-ch-table", q(0))))
		if got := testbrowser.Text(t, ctx2, C("#rs-count")); got != "Risposte: 4" {
			t.Errorf("the responses: %q", got)
		}
		bars := testbrowser.Eval[string](t, ctx2, `[...`+testbrowser.QueryAll(C(fmt.Sprintf("#rq-%d-ch-svg g.bar", q(0))))+`].map((g) => g.dataset.value + ':' + g.querySelector('.vl').textContent).join(',')`)
		if bars != "2:2 (50%),1:1 (25%),1:1 (25%)" {
			t.Errorf("the bars: %s", bars)
		}
		cells := testbrowser.Eval[string](t, ctx2, `[...`+testbrowser.QueryAll(C(fmt.Sprintf("#rq-%d-ch-table tbody tr", q(0))))+`].map((r) => r.textContent).join('|')`)
		if cells != "Lavoro2 (50%)|Casa1 (25%)|"+xss+"1 (25%)" {
			t.Errorf("the table beside the bars: %s", cells)
		}
		if got := testbrowser.Text(t, ctx2, C(fmt.Sprintf("#rq-%d-mean", q(1)))); got != "Media: 4" {
			t.Errorf("the likert mean: %q", got)
		}
		roles := testbrowser.Text(t, ctx2, C(fmt.Sprintf("#rq-%d-by_role", q(0))))
		// One mediator: that group is suppressed, and so the operators' too (else the mediator's could be told).
		if !strings.Contains(roles, "Mediatore linguistico-culturalenon mostrato: meno di 3 risposte") || !strings.Contains(roles, "Operatore socialenon mostrato: meno di 3 risposte") {
			t.Errorf("the breakdown by role: %q", roles)
		}
		if got := testbrowser.Text(t, ctx2, C(fmt.Sprintf("#rq-%d-by_ambito tbody", q(0)))); got != "lodi42 (50%)1 (25%)1 (25%)" {
			t.Errorf("the breakdown by ambito: %q", got)
		}
		if got := testbrowser.Text(t, ctx2, C(fmt.Sprintf("#rq-%d-texts", q(2)))); strings.Count(got, "Più casi "+xss) != 4 {
			t.Errorf("the free texts: %q", got)
		}
		// The ranking: the first topic's mean place 1.25, the second's 1.75.
		if got := testbrowser.Eval[string](t, ctx2, `[...`+testbrowser.QueryAll(C(fmt.Sprintf("#rq-%d-ch-table tbody tr", q(3))))+`].map((r) => r.textContent).join('|')`); got != ta["label_it"].(string)+"1,25|"+tb["label_it"].(string)+"1,75" {
			t.Errorf("the ranking's table: %q", got)
		}
		consoleNoMarkup(t, ctx2, "survey results")
		testbrowser.Axe(t, ctx2, "console surveys: results")
		testbrowser.Click(t, ctx2, C("#rs-csv"))
		testbrowser.WaitText(t, ctx2, C("#sp-result"), fmt.Sprintf("Scaricato il file incroci-questionario-%d.csv.", sid))
		// A need of the option "Casa": uncovered.
		testbrowser.Click(t, ctx2, C(fmt.Sprintf("#rq-%d-need-1", q(0))))
		testbrowser.WaitText(t, ctx2, C("#sp-result"), "Bisogno creato: Casa.")
		testbrowser.WaitText(t, ctx2, C("#nd-table caption"), "Bisogni: 1")
		if got := testbrowser.Text(t, ctx2, C("#nd-table tbody")); got != "Casano, scoperto" {
			t.Errorf("the needs: %q", got)
		}
		if n := x.call(coord, "GET", "/needs?ambito=lodi", nil, 200)["list"].([]any); len(n) != 1 || n[0].(map[string]any)["option"] != "1" {
			t.Errorf("the needs saved: %v", n)
		}
		testbrowser.CheckErrors(t, ctx2)

		// Report formazione: 1.5 hours in lodi (an hour and half an hour), by operators, on "lavoro".
		testbrowser.WaitFor(t, ctx2, C("#tab-treports"))
		testbrowser.Click(t, ctx2, C("#tab-treports"))
		testbrowser.WaitFor(t, ctx2, C("#tr-amb-table"))
		if got := testbrowser.Text(t, ctx2, C("#tr-amb-table tbody")); got != "lodi1,5 · Persone: 2" {
			t.Errorf("hours per ambito: %q", got)
		}
		if got := testbrowser.Text(t, ctx2, C("#tr-role-table tbody")); got != "Operatore sociale1,5" {
			t.Errorf("hours per role: %q", got)
		}
		lavoro := ""
		for _, tp := range tps {
			if m := tp.(map[string]any); m["code"] == "lavoro" {
				lavoro = m["label_it"].(string)
			}
		}
		if got := testbrowser.Text(t, ctx2, C("#tr-topic-table tbody")); got != lavoro+"1,5" {
			t.Errorf("hours per topic: %q", got)
		}
		if got := testbrowser.Text(t, ctx2, C(fmt.Sprintf("#tr-c-%d", num(c["id"])))); !strings.Contains(got, "50%") {
			t.Errorf("the course's figures: %q", got)
		}
		if got := testbrowser.Eval[string](t, ctx2, testbrowser.Query(C("#tr-role-svg g.bar"))+`.dataset.value`); got != "90" {
			t.Errorf("the role's bar: %s minutes", got)
		}
		if got := testbrowser.Text(t, ctx2, C(fmt.Sprintf("#tr-e-%d", eid))); !strings.Contains(got, "Prima edizione "+xss) || !strings.Contains(got, "50%") {
			t.Errorf("the edition's figures: %q", got)
		}
		consoleNoMarkup(t, ctx2, "reports")
		testbrowser.Axe(t, ctx2, "console training reports")
		// A year out of range is refused beside the field.
		testbrowser.Type(t, ctx2, C("#tr-year"), "1999")
		testbrowser.Click(t, ctx2, C("#tr-show"))
		testbrowser.Wait(t, ctx2, testbrowser.Query(C("#tr-year"))+`.getAttribute('aria-invalid') == 'true'`)
		if got := testbrowser.Text(t, ctx2, C("#tr-year-err")); got == "" {
			t.Error("no message beside the year")
		}
		testbrowser.Axe(t, ctx2, "console training reports: a refused year")
		testbrowser.Clear(t, ctx2, C("#tr-year"))
		testbrowser.Type(t, ctx2, C("#tr-year"), fmt.Sprint(time.Now().In(rome).Year()))
		testbrowser.Click(t, ctx2, C("#tr-show"))
		testbrowser.WaitFor(t, ctx2, C("#tr-amb-table"))
		if got := testbrowser.Text(t, ctx2, C("#tr-amb-table tbody")); got != "lodi1,5 · Persone: 2" {
			t.Errorf("hours per ambito this year: %q", got)
		}
		testbrowser.Click(t, ctx2, C("#tr-csv-h"))
		testbrowser.WaitText(t, ctx2, C("#tr-result"), fmt.Sprintf("Scaricato il file incroci-formazione-hours-lodi-%d.csv.", time.Now().In(rome).Year()))
		testbrowser.CheckErrors(t, ctx2)

		// An operator: no tabs, none of these chunks.
		ctx3 := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, ctx3, h.page("w=console&csp=strict"))
		h.signIn(ctx3, console, op1)
		testbrowser.WaitFor(t, ctx3, C("#forbidden"))
		for _, n := range []string{"register", "surveys", "treports"} {
			if namedChunkLoads(t, ctx3, n) != 0 {
				t.Errorf("an operator loaded console-%s.js", n)
			}
		}

		// Crema's coordinator, in English: none of lodi's surveys, needs or hours.
		ctx4 := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, ctx4, h.page("w=console&csp=strict&lang=en"))
		h.signIn(ctx4, console, crema)
		testbrowser.WaitFor(t, ctx4, C("#forbidden"))
		testbrowser.Eval[bool](t, ctx4, `document.querySelector('incroci-console').setAttribute('ambito', 'crema') || true`)
		testbrowser.WaitFor(t, ctx4, C("#tab-tsurveys"))
		testbrowser.WaitFor(t, ctx4, C("#tab-tsurveys"))
		testbrowser.Click(t, ctx4, C("#tab-tsurveys"))
		testbrowser.WaitFor(t, ctx4, C("#sv-table-empty"))
		testbrowser.WaitFor(t, ctx4, C("#nd-table-empty"))
		if got := testbrowser.Text(t, ctx4, C("#sv-table caption")); got != "Surveys: 0" {
			t.Errorf("crema's surveys: %q", got)
		}
		testbrowser.Axe(t, ctx4, "console surveys in English")
		testbrowser.WaitFor(t, ctx4, C("#tab-treports"))
		testbrowser.Click(t, ctx4, C("#tab-treports"))
		testbrowser.WaitFor(t, ctx4, C("#tr-amb-table-empty"))
		testbrowser.Axe(t, ctx4, "console training reports in English")
		x.call(crema, "GET", fmt.Sprintf("/surveys/%d/results", sid), nil, 404)
		testbrowser.CheckErrors(t, ctx4)
	})
}
