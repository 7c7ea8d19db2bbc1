package widgets_test

// The network in the console's "Report formazione" (console-treports.js):
// an admin chooses the whole network and sees the figures of two ambiti,
// then one ambito; a coordinator of lodi alone has no choice (and the API
// refuses them the network and crema); a coordinator of lodi and crema,
// in English, chooses between their two ambiti and never the network. On
// SQLite and PostgreSQL.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testbrowser"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/training"
)

func TestBrowserConsoleTrainingNetwork(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newCoordinatorsHub(t, db)
		h := x.hub
		C := func(sel string) string { return in(console, sel) }
		const (
			coord   = "coordinatrice@comune.lodi.it"
			trainer = "formatrice@comune.lodi.it"
			op      = "operatore@comune.lodi.it"
			ccoord  = "coordinatore@comune.crema.cr.it"
			ctrain  = "formatore@comune.crema.cr.it"
			cop     = "operatrice@comune.crema.cr.it"
			admin   = "rete@example.org"
		)
		h.invite(coord, "Chiara Coordinatrice", incroci.RoleCoordinator)
		h.invite(trainer, "Tina Formatrice", incroci.RoleTrainer)
		h.invite(op, "Olga Operatrice", incroci.RoleOperator)
		crema := func(email, name string, role incroci.Role) int64 {
			t.Helper()
			p, err := h.p.Invite(h.sys, "crema", incroci.InviteInput{Email: email, Name: name, Roles: []incroci.Role{role}})
			if err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		crema(ccoord, "Carlo Coordinatore", incroci.RoleCoordinator)
		crema(ctrain, "Franco Formatore", incroci.RoleTrainer)
		crema(cop, "Ornella Operatrice", incroci.RoleOperator)
		// Crema's coordinator coordinates lodi too.
		if _, err := h.p.Invite(h.sys, "lodi", incroci.InviteInput{Email: ccoord, Roles: []incroci.Role{incroci.RoleCoordinator}}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.p.GrantAdmin(h.sys, admin, "Amministratrice di rete"); err != nil {
			t.Fatal(err)
		}

		// In each ambito a course of one hour, taught by its trainer; its
		// operator attends, in lodi the hour, in crema half of it. The
		// meeting moves to now in the database (the API takes meetings in
		// the future only).
		rome, _ := time.LoadLocation("Europe/Rome")
		now := time.Now().In(rome)
		course := func(ambito, co, tr, who, status string, minutes int) int64 {
			t.Helper()
			tid := num(h.callAs("", co, "GET", "/ambiti/"+ambito+"/people?role=trainer", nil, 200)["list"].([]any)[0].(map[string]any)["id"])
			c := x.call(co, "POST", "/courses", map[string]any{"ambito": ambito, "title": "Accoglienza a " + ambito, "goals": "Lavorare insieme", "hours": 1,
				"topics": []string{"lavoro"}, "trainer_ids": []int64{tid}}, 201)
			ms := now.AddDate(0, 0, 3).Truncate(time.Hour)
			e := x.call(co, "POST", fmt.Sprintf("/courses/%d/editions", num(c["id"])), map[string]any{"capacity": 5,
				"enrol_from": now.Add(-time.Hour).Format(time.RFC3339), "enrol_until": now.AddDate(0, 0, 2).Format(time.RFC3339),
				"meetings": []map[string]any{{"start": ms.Format(time.RFC3339), "end": ms.Add(time.Hour).Format(time.RFC3339), "place": ambito}}}, 201)
			eid := num(e["id"])
			mid := num(e["meetings"].([]any)[0].(map[string]any)["id"])
			pid := num(x.call(who, "POST", fmt.Sprintf("/editions/%d/enrol", eid), nil, 201)["person_id"])
			start := time.Now().Add(-10 * time.Minute)
			if err := db.Model(&training.Meeting{}).Where("id = ?", mid).Updates(map[string]any{"start": start.UTC(), "end": start.Add(time.Hour).UTC()}).Error; err != nil {
				t.Fatal(err)
			}
			x.call(tr, "PUT", fmt.Sprintf("/editions/%d/meetings/%d/register", eid, mid), map[string]any{"marks": []map[string]any{
				{"person_id": pid, "status": status, "minutes": minutes}}}, 200)
			return num(c["id"])
		}
		lodiC := course("lodi", coord, trainer, op, "present", 0)
		cremaC := course("crema", ccoord, ctrain, cop, "partial", 30)
		// rows is the text of the rows of a table, one a line.
		rows := func(ctx context.Context, table string) string {
			t.Helper()
			return testbrowser.Eval[string](t, ctx, `[...`+testbrowser.QueryAll(C(table+" tbody tr"))+`].map((r) => r.textContent).join('\n')`)
		}
		// options are the values and labels of the ambito's choice, sorted.
		options := func(ctx context.Context) string {
			t.Helper()
			return testbrowser.Eval[string](t, ctx, `[...`+testbrowser.QueryAll(C("#tr-scope option"))+`].map((o) => o.value + '=' + o.textContent).sort().join(',')`)
		}

		// reports opens the console's training reports as who, in a tab of its own.
		reports := func(who, query string) context.Context {
			t.Helper()
			ctx := testbrowser.Tab(t, browser)
			testbrowser.Navigate(t, ctx, h.page("w=console&csp=strict"+query))
			h.signIn(ctx, console, who)
			testbrowser.WaitFor(t, ctx, C("#tab-treports"))
			testbrowser.Click(t, ctx, C("#tab-treports"))
			testbrowser.WaitFor(t, ctx, C("#tr-amb-table"))
			return ctx
		}

		// The admin: lodi first, as the page's ambito; then the whole network, then crema.
		ctx := reports(admin, "")
		testbrowser.WaitText(t, ctx, C("#tr-scope"), "Ambito di Crema")
		if got := options(ctx); got != "=Tutta la rete,crema=Ambito di Crema,lodi=Ambito Distrettuale di Lodi" {
			t.Errorf("the admin's choice of ambito: %s", got)
		}
		if got := testbrowser.Value(t, ctx, C("#tr-scope")); got != "lodi" {
			t.Errorf("the admin's report starts on %q", got)
		}
		if got := rows(ctx, "#tr-amb-table"); got != "lodi1 · Persone: 1" {
			t.Errorf("lodi's hours: %q", got)
		}
		setValue(t, ctx, C("#tr-scope"), "")
		testbrowser.Click(t, ctx, C("#tr-show"))
		testbrowser.WaitText(t, ctx, C("#tr-amb-table tbody"), "crema")
		if got := rows(ctx, "#tr-amb-table"); got != "crema0,5 · Persone: 1\nlodi1 · Persone: 1" {
			t.Errorf("the network's hours per ambito: %q", got)
		}
		if got := rows(ctx, "#tr-role-table"); got != "Operatore sociale1,5" {
			t.Errorf("the network's hours per role: %q", got)
		}
		// Each course says its ambito.
		if got := testbrowser.Eval[string](t, ctx, `[...`+testbrowser.QueryAll(C("#tr-cos thead th"))+`].map((c) => c.textContent).slice(0, 2).join(',')`); got != "Corso,Ambito" {
			t.Errorf("the network's courses' columns: %s", got)
		}
		for id, want := range map[int64]string{lodiC: "Accoglienza a lodilodi1", cremaC: "Accoglienza a cremacrema1"} {
			if got := testbrowser.Text(t, ctx, C(fmt.Sprintf("#tr-c-%d", id))); !strings.HasPrefix(got, want) {
				t.Errorf("the network's course %d reads %q", id, got)
			}
		}
		testbrowser.Axe(t, ctx, "console training reports: the network")
		testbrowser.Click(t, ctx, C("#tr-csv-h"))
		testbrowser.WaitText(t, ctx, C("#tr-result"), "Scaricato il file incroci-formazione-hours-rete.csv.")
		setValue(t, ctx, C("#tr-scope"), "crema")
		testbrowser.Click(t, ctx, C("#tr-show"))
		testbrowser.Wait(t, ctx, `((b) => !!b && !b.textContent.includes('lodi'))(`+testbrowser.Query(C("#tr-amb-table tbody"))+`)`)
		if got := rows(ctx, "#tr-amb-table"); got != "crema0,5 · Persone: 1" {
			t.Errorf("crema's hours: %q", got)
		}
		if testbrowser.Exists(t, ctx, C(fmt.Sprintf("#tr-c-%d", lodiC))) {
			t.Error("crema's report shows lodi's course")
		}
		testbrowser.CheckErrors(t, ctx)

		// Lodi's coordinator: no choice, and the API refuses the network and crema.
		ctx2 := reports(coord, "")
		if got := rows(ctx2, "#tr-amb-table"); got != "lodi1 · Persone: 1" {
			t.Errorf("lodi's coordinator's hours: %q", got)
		}
		if testbrowser.Exists(t, ctx2, C("#tr-scope")) {
			t.Error("a coordinator of one ambito has a choice of ambito")
		}
		testbrowser.Axe(t, ctx2, "console training reports: a coordinator")
		for _, path := range []string{"/reports/hours?ambito=", "/reports/editions?ambito=", "/reports/hours.csv?ambito=", "/reports/hours?ambito=crema"} {
			x.call(coord, "GET", path, nil, 403)
		}
		testbrowser.CheckErrors(t, ctx2)

		// Crema's coordinator, who coordinates lodi too, in English: lodi or crema, never the network.
		ctx3 := reports(ccoord, "&lang=en")
		testbrowser.WaitText(t, ctx3, C("#tr-scope"), "Ambito di Crema")
		if got := options(ctx3); got != "crema=Ambito di Crema,lodi=Ambito Distrettuale di Lodi" {
			t.Errorf("the choice of a coordinator of two ambiti: %s", got)
		}
		if got := testbrowser.Text(t, ctx3, C("label[for=tr-scope]")); got != "District" {
			t.Errorf("the choice's label: %q", got)
		}
		setValue(t, ctx3, C("#tr-scope"), "crema")
		testbrowser.Click(t, ctx3, C("#tr-show"))
		testbrowser.WaitText(t, ctx3, C("#tr-amb-table tbody"), "crema")
		if got := rows(ctx3, "#tr-amb-table"); got != "crema0.5 · People: 1" {
			t.Errorf("crema's hours, in English: %q", got)
		}
		testbrowser.Axe(t, ctx3, "console training reports: a coordinator of two ambiti")
		x.call(ccoord, "GET", "/reports/hours?ambito=", nil, 403)
		testbrowser.CheckErrors(t, ctx3)
	})
}
