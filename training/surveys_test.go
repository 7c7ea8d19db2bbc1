package training_test

import (
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/training"
)

// needsSurvey is a survey of lodi with one question of each kind.
func needsSurvey(e *env, roles ...string) map[string]any {
	if roles == nil {
		roles = []string{"operator", "mediator", "trainer"}
	}
	return map[string]any{
		"ambito": "lodi", "title": "Fabbisogni formativi 2027", "intro": "Aiutaci a scegliere i corsi.",
		"audience_roles": roles,
		"opens_at":       e.clock.Now().Add(-time.Hour), "closes_at": e.clock.Now().Add(7 * 24 * time.Hour),
		"questions": []map[string]any{
			{"kind": "single", "text": "Da quanti anni lavori con persone migranti?", "required": true, "options": []string{"Meno di 2", "Da 2 a 5", "Più di 5"}},
			{"kind": "multiple", "text": "Quali formati preferisci?", "options": []string{"In presenza", "Online", "Misto"}},
			{"kind": "likert", "text": "Quanto ti senti preparato sul diritto dell'immigrazione?", "required": true,
				"labels": []string{"Per niente", "Poco", "Abbastanza", "Molto", "Del tutto"}},
			{"kind": "ranking", "text": "Metti in ordine gli argomenti", "topics": topicCodes(3)},
			{"kind": "text", "text": "Altro che vuoi dirci", "max_length": 200},
		},
	}
}

func topicCodes(n int) []string {
	var out []string
	for _, tp := range training.Topics()[:n] {
		out = append(out, tp.Code)
	}
	return out
}

// questionIDs returns the ids of a survey's questions, in order.
func questionIDs(s map[string]any) []int64 {
	var out []int64
	for _, q := range s["questions"].([]any) {
		out = append(out, int64(q.(map[string]any)["id"].(float64)))
	}
	return out
}

// answers builds a full answer to needsSurvey.
func answers(q []int64, choice int, choices []int, scale int, ranking []string, text string) map[string]any {
	as := []map[string]any{
		{"question_id": q[0], "choice": choice},
		{"question_id": q[1], "choices": choices},
		{"question_id": q[2], "scale": scale},
		{"question_id": q[3], "ranking": ranking},
	}
	if text != "" {
		as = append(as, map[string]any{"question_id": q[4], "text": text})
	}
	return map[string]any{"answers": as}
}

func sid(s map[string]any) string { return fmt.Sprint(int64(s["id"].(float64))) }

// publishedSurvey creates and publishes needsSurvey as the coordinator.
func publishedSurvey(t *testing.T, e *env, body map[string]any) map[string]any {
	t.Helper()
	who := "coordinator"
	if body["ambito"] == "" {
		who = "admin"
	}
	s := expect(t, e.req(who, "POST", "/surveys", body), 201, "create").data()
	return expect(t, e.req(who, "POST", "/surveys/"+sid(s)+"/publish", nil), 200, "publish").data()
}

func TestSurveyFlow(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		body := needsSurvey(e)
		s := expect(t, e.req("coordinator", "POST", "/surveys", body), 201, "create").data()
		if s["state"] != "draft" || s["anonymous"] != true || len(s["questions"].([]any)) != 5 || s["edition_id"] != nil || s["kind"] != "needs" {
			t.Fatalf("created: %v", s)
		}
		if a := s["audience_ambiti"].([]any); len(a) != 1 || a[0] != "lodi" {
			t.Errorf("audience ambiti: %v", a)
		}
		id := sid(s)
		// A draft is its owners' only.
		expect(t, e.req("operator", "GET", "/surveys/"+id, nil), 404, "operator reads a draft")
		expect(t, e.req("cremaCoordinator", "GET", "/surveys/"+id, nil), 404, "another ambito's coordinator")
		body["title"] = "Fabbisogni formativi 2027 (rivisto)"
		u := expect(t, e.req("coordinator", "PUT", "/surveys/"+id, body), 200, "update draft").data()
		if u["title"] != body["title"] {
			t.Errorf("updated: %v", u["title"])
		}
		expect(t, e.req("cremaCoordinator", "PUT", "/surveys/"+id, body), 404, "crema updates lodi's")
		expect(t, e.req("coordinator", "POST", "/surveys/"+id+"/answers", map[string]any{"answers": []any{}}), 409, "answer a draft")
		p := expect(t, e.req("coordinator", "POST", "/surveys/"+id+"/publish", nil), 200, "publish").data()
		if p["state"] != "published" || p["open"] != true {
			t.Fatalf("published: %v", p)
		}
		expect(t, e.req("coordinator", "PUT", "/surveys/"+id, body), 409, "update published")
		expect(t, e.req("coordinator", "POST", "/surveys/"+id+"/publish", nil), 409, "publish twice")

		q := questionIDs(p)
		rk := topicCodes(3)
		rev := []string{rk[2], rk[1], rk[0]}
		for _, a := range []struct {
			who  string
			body map[string]any
		}{
			{"operator", answers(q, 0, []int{0, 1}, 2, rk, "Più casi pratici")},
			{"operator2", answers(q, 0, []int{1}, 3, rk, "=HYPERLINK(\"x\")")},
			{"operator3", answers(q, 1, []int{1, 2}, 4, rev, "")},
			{"mediator", answers(q, 2, []int{0}, 5, rk, "")},
			{"mediator2", answers(q, 2, nil, 1, rev, "<b>non è HTML</b>")},
			{"trainer", answers(q, 1, []int{2}, 3, rk, "")},
		} {
			expect(t, e.req(a.who, "POST", "/surveys/"+id+"/answers", a.body), 204, a.who+" answers")
		}
		// People outside the audience, a second answer.
		r := expect(t, e.req("cremaOperator", "POST", "/surveys/"+id+"/answers", answers(q, 0, nil, 1, rk, "")), 403, "crema operator")
		if !strings.Contains(r.Body["error"].(map[string]any)["message"].(string), "non è rivolto") {
			t.Errorf("message: %s", r.Raw)
		}
		expect(t, e.req("editor", "POST", "/surveys/"+id+"/answers", answers(q, 0, nil, 1, rk, "")), 403, "lodi editor")
		r = expect(t, e.req("operator", "POST", "/surveys/"+id+"/answers", answers(q, 1, nil, 1, rk, ""), "Accept-Language", "en"), 409, "second answer")
		if r.Body["error"].(map[string]any)["message"] != "You have already answered this survey." {
			t.Errorf("second answer: %s", r.Raw)
		}

		// Lists: the owner sees the count, the audience whether it answered.
		l := expect(t, e.req("coordinator", "GET", "/surveys?per_page=5", nil), 200, "list").list()
		if len(l) != 1 || l[0].(map[string]any)["responses"] != float64(6) {
			t.Errorf("coordinator's list: %v", l)
		}
		l = expect(t, e.req("operator", "GET", "/surveys", nil), 200, "list").list()
		if len(l) != 1 || l[0].(map[string]any)["answered"] != true || l[0].(map[string]any)["responses"] != nil {
			t.Errorf("operator's list: %v", l)
		}
		if l := expect(t, e.req("cremaOperator", "GET", "/surveys", nil), 200, "list").list(); len(l) != 0 {
			t.Errorf("crema operator's list: %v", l)
		}
		expect(t, e.req("operator", "GET", "/surveys?state=lost", nil), 422, "bad state")
		expect(t, e.req("operator", "GET", "/surveys?per_page=500", nil), 422, "bad per_page")
		// Pages: a second draft, newest first.
		expect(t, e.req("coordinator", "POST", "/surveys", needsSurvey(e)), 201, "second draft")
		pg := expect(t, e.req("coordinator", "GET", "/surveys?per_page=1&page=2", nil), 200, "page 2")
		if l := pg.list(); len(l) != 1 || sid(l[0].(map[string]any)) != id || pg.Body["page"].(map[string]any)["total"] != float64(2) {
			t.Errorf("page 2: %s", pg.Raw)
		}
		if l := expect(t, e.req("coordinator", "GET", "/surveys?state=published", nil), 200, "published").list(); len(l) != 1 {
			t.Errorf("published: %v", l)
		}
		expect(t, e.req("operator", "GET", "/surveys/"+id, nil), 200, "audience reads")

		// Results: owners only, audited.
		expect(t, e.req("cremaCoordinator", "GET", "/surveys/"+id+"/results", nil), 404, "crema coordinator reads results")
		expect(t, e.req("operator", "GET", "/surveys/"+id+"/results", nil), 403, "operator reads results")
		expect(t, e.req("cremaCoordinator", "GET", "/surveys/"+id+"/results.csv", nil), 404, "crema coordinator exports")
		res := expect(t, e.req("coordinator", "GET", "/surveys/"+id+"/results", nil), 200, "results").data()
		expect(t, e.req("admin", "GET", "/surveys/"+id+"/results", nil), 200, "admin reads results")
		var audits int64
		e.db.Model(&incroci.AuditEntry{}).Where("action = ? AND object_id = ?", "training.survey.results", id).Count(&audits)
		if audits != 2 {
			t.Errorf("%d audited reads of the results", audits)
		}
		if res["responses"] != float64(6) || res["min_cell"] != float64(3) {
			t.Fatalf("results: %v", res)
		}
		qs := res["questions"].([]any)
		single := qs[0].(map[string]any)
		opts := single["options"].([]any)
		if c := opts[0].(map[string]any); c["count"] != float64(2) || c["percent"] != 33.3 {
			t.Errorf("single choice: %v", opts)
		}
		multi := qs[1].(map[string]any)
		if multi["answered"] != float64(5) || multi["options"].([]any)[1].(map[string]any)["count"] != float64(3) {
			t.Errorf("multiple choice: %v", multi)
		}
		lk := qs[2].(map[string]any)
		if lk["mean"] != 3.0 || lk["options"].([]any)[4].(map[string]any)["count"] != float64(1) {
			t.Errorf("likert: %v %v", lk["mean"], lk["options"])
		}
		rank := qs[3].(map[string]any)["ranking"].([]any)
		first := rank[0].(map[string]any)
		if first["topic"] != rk[0] || first["mean_position"] != 1.67 || rank[2].(map[string]any)["topic"] != rk[2] {
			t.Errorf("ranking: %v", rank)
		}
		texts := qs[4].(map[string]any)["texts"].([]any)
		if len(texts) != 3 || !slices.Contains(texts, any("<b>non è HTML</b>")) {
			t.Errorf("texts: %v", texts)
		}
		// Breakdown by role: operators (3) shown, mediators (2) and the
		// trainer (1) suppressed.
		roles := map[string]map[string]any{}
		for _, b := range lk["by_role"].([]any) {
			roles[b.(map[string]any)["group"].(string)] = b.(map[string]any)
		}
		if roles["operator"]["suppressed"] != false || roles["operator"]["mean"] != 3.0 || roles["operator"]["answered"] != float64(3) {
			t.Errorf("operators: %v", roles["operator"])
		}
		for _, g := range []string{"mediator", "trainer"} {
			if roles[g]["suppressed"] != true || roles[g]["answered"] != float64(0) || roles[g]["mean"] != nil {
				t.Errorf("%s not suppressed: %v", g, roles[g])
			}
		}
		if b := lk["by_ambito"].([]any); len(b) != 1 || b[0].(map[string]any)["answered"] != float64(6) {
			t.Errorf("by ambito: %v", b)
		}

		// CSV: one row per answer, no person, small groups blanked.
		c := expect(t, e.req("coordinator", "GET", "/surveys/"+id+"/results.csv", nil), 200, "csv")
		rows, err := csv.NewReader(strings.NewReader(string(c.Raw))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 7 || !slices.Equal(rows[0][:3], []string{"response", "ambito", "role"}) || len(rows[0]) != 8 {
			t.Fatalf("csv head: %v (%d rows)", rows[0], len(rows))
		}
		roleCount := map[string]int{}
		for _, row := range rows[1:] {
			roleCount[row[2]]++
			if strings.HasPrefix(row[7], "=") {
				t.Errorf("formula not escaped: %q", row[7])
			}
		}
		if roleCount["operator"] != 3 || roleCount[""] != 3 {
			t.Errorf("csv roles: %v", roleCount)
		}
		if !strings.Contains(string(c.Raw), "'=HYPERLINK") {
			t.Errorf("csv: %s", c.Raw)
		}

		// Needs: the results become needs, a course covers some.
		needs := expect(t, e.req("coordinator", "POST", "/surveys/"+id+"/needs", map[string]any{"needs": []map[string]any{
			{"question_id": q[1], "option": "1", "label": "Corsi online"},
			{"question_id": q[3], "option": rk[0], "label": "Formazione su " + rk[0]},
			{"question_id": q[2], "label": "Diritto dell'immigrazione"},
		}}), 201, "needs").list()
		if len(needs) != 3 || needs[0].(map[string]any)["covered"] != false {
			t.Fatalf("needs: %v", needs)
		}
		expect(t, e.req("coordinator", "POST", "/surveys/"+id+"/needs", map[string]any{"needs": []map[string]any{
			{"question_id": q[1], "option": "1", "label": "Di nuovo"}}}), 409, "same need twice")
		r = expect(t, e.req("coordinator", "POST", "/surveys/"+id+"/needs", map[string]any{"needs": []map[string]any{
			{"question_id": q[1], "option": "7", "label": "Nessuna"}, {"question_id": q[3], "option": "nope", "label": "Nessuno"}}}), 422, "bad needs")
		if f := r.fields(); !slices.Equal(f, []string{"needs[0].option", "needs[1].option"}) {
			t.Errorf("bad needs: %v", f)
		}
		expect(t, e.req("cremaCoordinator", "POST", "/surveys/"+id+"/needs", map[string]any{"needs": []map[string]any{
			{"question_id": q[1], "option": "0", "label": "x"}}}), 404, "crema makes lodi's needs")
		n1 := int64(needs[0].(map[string]any)["id"].(float64))
		n2 := int64(needs[1].(map[string]any)["id"].(float64))
		lodiCourse := int64(e.course("coordinator", "lodi"))
		cremaCourse := int64(expect(t, e.req("cremaCoordinator", "POST", "/courses", map[string]any{"ambito": "crema", "title": "Corso di Crema", "goals": "Obiettivi", "hours": 2}), 201, "crema's course").data()["id"].(float64))
		if err := e.tr.LinkNeeds(e.as("coordinator"), lodiCourse, []int64{n1, n2}); err != nil {
			t.Fatal(err)
		}
		if err := e.tr.LinkNeeds(e.as("coordinator"), lodiCourse, []int64{n1}); err != nil {
			t.Fatal(err)
		}
		if err := e.tr.LinkNeeds(e.as("cremaCoordinator"), cremaCourse, []int64{n1}); !errors.Is(err, training.ErrNeedNotFound) {
			t.Errorf("crema links lodi's need: %v", err)
		}
		if err := e.tr.LinkNeeds(e.as("coordinator"), cremaCourse, []int64{n1}); !errors.Is(err, training.ErrCourseNotFound) {
			t.Errorf("lodi links crema's course: %v", err)
		}
		if err := e.tr.LinkNeeds(e.as("coordinator"), 999999, []int64{n1}); !errors.Is(err, training.ErrCourseNotFound) {
			t.Errorf("unknown course: %v", err)
		}
		uncovered := expect(t, e.req("coordinator", "GET", "/needs?covered=false&survey_id="+id, nil), 200, "uncovered").list()
		covered := expect(t, e.req("coordinator", "GET", "/needs?covered=true", nil), 200, "covered").list()
		if len(uncovered) != 2 || len(covered) != 1 || covered[0].(map[string]any)["covered"] != true || int64(covered[0].(map[string]any)["id"].(float64)) != n1 {
			t.Errorf("uncovered %v, covered %v", uncovered, covered)
		}
		if l := expect(t, e.req("cremaCoordinator", "GET", "/needs", nil), 200, "crema needs").list(); len(l) != 0 {
			t.Errorf("crema sees lodi's needs: %v", l)
		}
		expect(t, e.req("operator", "GET", "/needs", nil), 403, "operator lists needs")
		expect(t, e.req("coordinator", "GET", "/needs?covered=maybe", nil), 422, "bad covered")
		if cn, err := e.tr.CourseNeeds(e.as("coordinator"), lodiCourse); err != nil || len(cn) != 1 || cn[0].ID != n1 {
			t.Errorf("course needs: %v %v", cn, err)
		}

		// The window closes.
		e.clock.Add(8 * 24 * time.Hour)
		e.signIn()
		expect(t, e.req("operator3", "GET", "/surveys/"+id, nil), 200, "closed survey")
		expect(t, e.req("mediator", "POST", "/surveys/"+id+"/answers", answers(q, 0, nil, 1, rk, "")), 409, "answer after closing")
	})
}

// TestSurveyAnonymity checks the tables: who answered and what was
// answered cannot be joined.
func TestSurveyAnonymity(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		s := publishedSurvey(t, e, needsSurvey(e))
		q := questionIDs(s)
		rk := topicCodes(3)
		for _, who := range []string{"operator", "operator2", "operator3", "mediator"} {
			expect(t, e.req(who, "POST", "/surveys/"+sid(s)+"/answers", answers(q, 0, nil, 3, rk, "firmato "+who)), 204, who)
		}
		cols := func(table string) []string {
			ct, err := e.db.Migrator().ColumnTypes(table)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range ct {
				out = append(out, c.Name())
			}
			slices.Sort(out)
			return out
		}
		if c := cols("incroci_training_survey_respondents"); !slices.Equal(c, []string{"person_id", "survey_id"}) {
			t.Errorf("respondents' columns: %v", c)
		}
		if c := cols("incroci_training_survey_responses"); !slices.Equal(c, []string{"ambito", "answers", "id", "person_id", "role", "survey_id"}) {
			t.Errorf("responses' columns: %v", c)
		}
		var rows []struct {
			ID       string
			PersonID *int64
			Answers  string
		}
		e.db.Table("incroci_training_survey_responses").Find(&rows)
		if len(rows) != 4 {
			t.Fatalf("%d responses", len(rows))
		}
		uuidRe := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
		for _, r := range rows {
			if r.PersonID != nil || !uuidRe.MatchString(r.ID) {
				t.Errorf("response %s, person %v", r.ID, r.PersonID)
			}
			for _, who := range []string{"operator", "mediator"} {
				if strings.Contains(r.Answers, fmt.Sprint(e.id[who])) && strings.Contains(r.Answers, "person") {
					t.Errorf("answers mention a person: %s", r.Answers)
				}
			}
		}
		// The audit records that someone answered, never who.
		var actors []*int64
		e.db.Model(&incroci.AuditEntry{}).Where("action = ?", "training.survey.answer").Pluck("actor_id", &actors)
		for _, a := range actors {
			if a != nil && *a != 0 {
				t.Errorf("an answer is audited with its actor %d", *a)
			}
		}
		if len(actors) != 4 {
			t.Errorf("%d audited answers", len(actors))
		}
		// A survey that is not anonymous keeps the person, and says so in
		// the CSV.
		body := needsSurvey(e)
		body["anonymous"] = false
		body["title"] = "Con nome"
		named := publishedSurvey(t, e, body)
		expect(t, e.req("operator", "POST", "/surveys/"+sid(named)+"/answers", answers(questionIDs(named), 1, nil, 2, rk, "")), 204, "named answer")
		var pids []int64
		e.db.Table("incroci_training_survey_responses").Where("survey_id = ?", sid(named)).Pluck("person_id", &pids)
		if len(pids) != 1 || pids[0] != e.id["operator"] {
			t.Errorf("named answer's person: %v, want %d", pids, e.id["operator"])
		}
		c := expect(t, e.req("coordinator", "GET", "/surveys/"+sid(named)+"/results.csv", nil), 200, "csv")
		rows2, _ := csv.NewReader(strings.NewReader(string(c.Raw))).ReadAll()
		if rows2[0][1] != "person_id" || rows2[1][1] != fmt.Sprint(e.id["operator"]) || rows2[1][3] != "operator" {
			t.Errorf("named csv: %v", rows2)
		}
	})
}

// TestSurveySuppression: a network survey where one ambito has too few
// answers: it is suppressed, and so is the other, else its figures would
// be the total minus the other's.
func TestSurveySuppression(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		body := needsSurvey(e, "operator")
		body["ambito"] = ""
		body["audience_ambiti"] = []string{"lodi", "crema"}
		s := publishedSurvey(t, e, body)
		q := questionIDs(s)
		rk := topicCodes(3)
		for _, who := range []string{"operator", "operator2", "operator3", "cremaOperator", "cremaOperator2"} {
			expect(t, e.req(who, "POST", "/surveys/"+sid(s)+"/answers", answers(q, 0, nil, 3, rk, "")), 204, who)
		}
		expect(t, e.req("coordinator", "GET", "/surveys/"+sid(s)+"/results", nil), 404, "a coordinator reads the network's results")
		res := expect(t, e.req("admin", "GET", "/surveys/"+sid(s)+"/results", nil), 200, "results").data()
		lk := res["questions"].([]any)[2].(map[string]any)
		for _, b := range lk["by_ambito"].([]any) {
			if b := b.(map[string]any); b["suppressed"] != true || b["answered"] != float64(0) {
				t.Errorf("not suppressed: %v", b)
			}
		}
		if lk["answered"] != float64(5) || lk["mean"] != 3.0 {
			t.Errorf("total: %v", lk)
		}
		if r := lk["by_role"].([]any); len(r) != 1 || r[0].(map[string]any)["suppressed"] != false {
			t.Errorf("by role: %v", r)
		}
	})
}

// TestSurveyBadInput: surveys and answers that do not fit are refused
// with messages naming the question, and change nothing.
func TestSurveyBadInput(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		body := needsSurvey(e)
		expect(t, e.req("operator", "POST", "/surveys", body), 403, "operator creates")
		body["ambito"] = "crema"
		expect(t, e.req("coordinator", "POST", "/surveys", body), 403, "lodi's coordinator for crema")
		body["ambito"] = ""
		r := expect(t, e.req("coordinator", "POST", "/surveys", body), 422, "coordinator for the network")
		if f := r.fields(); !slices.Equal(f, []string{"ambito"}) {
			t.Errorf("network by a coordinator: %v", f)
		}
		body = needsSurvey(e)
		body["audience_ambiti"] = []string{"crema"}
		qs := body["questions"].([]map[string]any)
		qs[0]["options"] = []string{"Solo una"}
		qs[1]["labels"] = []string{"a"}
		qs[2]["labels"] = []string{"1", "2", "3"}
		qs[3]["topics"] = []string{topicCodes(1)[0], "astrologia"}
		qs[4]["options"] = []string{"a", "b"}
		r = expect(t, e.req("coordinator", "POST", "/surveys", body, "Accept-Language", "en"), 422, "bad questions")
		want := []string{"audience_ambiti", "questions[0].options", "questions[1].labels", "questions[2].labels", "questions[3].topics", "questions[4].options"}
		if f := r.fields(); !slices.Equal(f, want) {
			t.Errorf("bad questions: %v\n%s", f, r.Raw)
		}
		body = needsSurvey(e)
		body["closes_at"] = e.clock.Now().Add(-2 * time.Hour)
		body["audience_roles"] = []string{"admin"}
		if f := expect(t, e.req("coordinator", "POST", "/surveys", body), 422, "bad dates").fields(); !slices.Equal(f, []string{"audience_roles[0]", "closes_at"}) {
			t.Errorf("bad dates: %v", f)
		}
		var n int64
		e.db.Model(&training.Survey{}).Count(&n)
		if n != 0 {
			t.Fatalf("%d surveys after bad input", n)
		}

		s := publishedSurvey(t, e, needsSurvey(e))
		id := sid(s)
		q := questionIDs(s)
		rk := topicCodes(3)
		one := func(a map[string]any) map[string]any {
			return map[string]any{"answers": []map[string]any{{"question_id": q[0], "choice": 0}, {"question_id": q[2], "scale": 3}, a}}
		}
		long := strings.Repeat("è", 201)
		for _, c := range []struct {
			name  string
			body  any
			field string
			says  string
		}{
			{"required missing", map[string]any{"answers": []map[string]any{{"question_id": q[2], "scale": 3}}}, fmt.Sprintf("answers.%d", q[0]), "an answer is required"},
			{"choice out of range", one(map[string]any{"question_id": q[1], "choices": []int{0, 3}}), fmt.Sprintf("answers.%d", q[1]), "Quali formati preferisci?"},
			{"choice twice", one(map[string]any{"question_id": q[1], "choices": []int{1, 1}}), fmt.Sprintf("answers.%d", q[1]), "different options"},
			{"single with choices", map[string]any{"answers": []map[string]any{{"question_id": q[0], "choices": []int{1}}, {"question_id": q[2], "scale": 3}}}, fmt.Sprintf("answers.%d", q[0]), "not of the kind"},
			{"likert 6", map[string]any{"answers": []map[string]any{{"question_id": q[0], "choice": 0}, {"question_id": q[2], "scale": 6}}}, fmt.Sprintf("answers.%d", q[2]), "1 to 5"},
			{"ranking short", one(map[string]any{"question_id": q[3], "ranking": rk[:2]}), fmt.Sprintf("answers.%d", q[3]), "each once"},
			{"ranking repeated", one(map[string]any{"question_id": q[3], "ranking": []string{rk[0], rk[0], rk[1]}}), fmt.Sprintf("answers.%d", q[3]), "each once"},
			{"text too long", one(map[string]any{"question_id": q[4], "text": long}), fmt.Sprintf("answers.%d", q[4]), "longer than 200"},
			{"unknown question", one(map[string]any{"question_id": 999999, "text": "x"}), "answers[2].question_id", "not part of the survey"},
			{"wrong type", map[string]any{"answers": []map[string]any{{"question_id": q[0], "choice": "primo"}}}, "answers.choice", "integer"},
		} {
			r := expect(t, e.req("operator", "POST", "/surveys/"+id+"/answers", c.body, "Accept-Language", "en"), 422, c.name)
			if f := r.fields(); !slices.Contains(f, c.field) || !strings.Contains(string(r.Raw), c.says) {
				t.Errorf("%s: %v %s", c.name, f, r.Raw)
			}
		}
		// Italian messages name the question too.
		r = expect(t, e.req("operator", "POST", "/surveys/"+id+"/answers", map[string]any{"answers": []any{}}), 422, "italian")
		if !strings.Contains(string(r.Raw), "«Da quanti anni lavori con persone migranti?»: la risposta è obbligatoria.") {
			t.Errorf("italian: %s", r.Raw)
		}
		e.db.Table("incroci_training_survey_respondents").Count(&n)
		if n != 0 {
			t.Errorf("%d respondents after bad answers", n)
		}
		// Optional questions may be left out; then the person has answered.
		expect(t, e.req("operator", "POST", "/surveys/"+id+"/answers", one(map[string]any{"question_id": q[4], "text": "  "})), 204, "optional left out")
	})
}

// TestSurveyOpens: before it opens a published survey takes no answers.
func TestSurveyOpens(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t))
	body := needsSurvey(e)
	body["opens_at"] = e.clock.Now().Add(24 * time.Hour)
	body["closes_at"] = e.clock.Now().Add(48 * time.Hour)
	s := publishedSurvey(t, e, body)
	q := questionIDs(s)
	r := expect(t, e.req("operator", "POST", "/surveys/"+sid(s)+"/answers", answers(q, 0, nil, 1, topicCodes(3), ""), "Accept-Language", "en"), 409, "not open")
	if !strings.Contains(string(r.Raw), "not open for answers yet") {
		t.Errorf("not open: %s", r.Raw)
	}
	e.clock.Add(25 * time.Hour)
	e.signIn()
	expect(t, e.req("operator", "POST", "/surveys/"+sid(s)+"/answers", answers(q, 0, nil, 1, topicCodes(3), "")), 204, "open")
}

// TestSurveyConcurrentAnswers: the same person submitting many times at
// once on PostgreSQL is counted once, and others at the same time all are.
func TestSurveyConcurrentAnswers(t *testing.T) {
	e := newEnv(t, testdb.Postgres(t))
	s := publishedSurvey(t, e, needsSurvey(e))
	q := questionIDs(s)
	rk := topicCodes(3)
	const n = 12
	var wg sync.WaitGroup
	codes := make(chan int, 3*n)
	for i := 0; i < n; i++ {
		for _, who := range []string{"operator", "mediator", "trainer"} {
			wg.Go(func() {
				codes <- e.req(who, "POST", "/surveys/"+sid(s)+"/answers", answers(q, i%3, nil, 1+i%5, rk, "")).Status
			})
		}
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if count[http.StatusNoContent] != 3 || count[http.StatusConflict] != 3*n-3 {
		t.Errorf("statuses: %v", count)
	}
	var resp, who int64
	e.db.Table("incroci_training_survey_responses").Count(&resp)
	e.db.Table("incroci_training_survey_respondents").Count(&who)
	if resp != 3 || who != 3 {
		t.Errorf("%d responses, %d respondents", resp, who)
	}
}
