package training_test

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// linkedNeeds publishes needsSurvey and turns three of its questions into
// needs: the Likert scale (whole), option 1 of the multiple choice, and
// the free text; it returns their ids.
func linkedNeeds(t *testing.T, e *env) []int64 {
	t.Helper()
	s := publishedSurvey(t, e, needsSurvey(e))
	q := questionIDs(s)
	ns := expect(t, e.req("coordinator", "POST", "/surveys/"+sid(s)+"/needs", map[string]any{"needs": []map[string]any{
		{"question_id": q[2], "label": "Diritto dell'immigrazione"},
		{"question_id": q[1], "option": "1", "label": "Corsi online"},
		{"question_id": q[4], "label": "Altro"},
	}}), 201, "needs").list()
	var out []int64
	for _, n := range ns {
		out = append(out, int64(n.(map[string]any)["id"].(float64)))
	}
	return out
}

func needIDs(l []any) []int64 {
	var out []int64
	for _, n := range l {
		out = append(out, int64(n.(map[string]any)["id"].(float64)))
	}
	slices.Sort(out)
	return out
}

// TestCourseNeedsHTTP links a course to needs over HTTP: the caller must
// read the course and run the needs.
func TestCourseNeedsHTTP(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		n := linkedNeeds(t, e)
		lodi := e.course("coordinator", "lodi")
		crema := expect(t, e.req("cremaCoordinator", "POST", "/courses", map[string]any{"ambito": "crema", "title": "Corso di Crema", "goals": "Obiettivi", "hours": 2}), 201, "crema's course").data()["id"]
		path := fmt.Sprintf("/courses/%v/needs", lodi)
		got := expect(t, e.req("coordinator", "PUT", path, map[string]any{"need_ids": []int64{n[1], n[0], n[0]}}), 200, "link").list()
		if ids := needIDs(got); !slices.Equal(ids, []int64{n[0], n[1]}) || got[0].(map[string]any)["covered"] != true {
			t.Errorf("linked: %v", got)
		}
		if ids := needIDs(expect(t, e.req("coordinator", "GET", path, nil), 200, "read").list()); !slices.Equal(ids, []int64{n[0], n[1]}) {
			t.Errorf("read: %v", ids)
		}
		// Another ambito's coordinator reads neither the course nor the needs.
		expect(t, e.req("cremaCoordinator", "GET", path, nil), 404, "crema reads lodi's course needs")
		expect(t, e.req("cremaCoordinator", "PUT", path, map[string]any{"need_ids": []int64{}}), 404, "crema links lodi's course")
		expect(t, e.req("cremaCoordinator", "PUT", fmt.Sprintf("/courses/%v/needs", crema), map[string]any{"need_ids": []int64{n[2]}}), 404, "crema links lodi's need")
		expect(t, e.req("coordinator", "PUT", fmt.Sprintf("/courses/%v/needs", crema), map[string]any{"need_ids": []int64{n[2]}}), 404, "lodi links crema's course")
		// Operators run no needs.
		expect(t, e.req("operator", "GET", path, nil), 403, "operator reads")
		expect(t, e.req("operator", "PUT", path, map[string]any{"need_ids": []int64{}}), 403, "operator links")
		// Unknown courses, bad input: nothing changes.
		expect(t, e.req("coordinator", "PUT", "/courses/999999/needs", map[string]any{"need_ids": []int64{n[2]}}), 404, "unknown course")
		expect(t, e.req("coordinator", "GET", "/courses/x/needs", nil), 404, "bad id")
		expect(t, e.req("coordinator", "PUT", path, map[string]any{"need_ids": []int64{0}}), 422, "need id 0")
		expect(t, e.req("coordinator", "PUT", path, map[string]any{}), 422, "no need_ids")
		expect(t, e.req("coordinator", "PUT", path, map[string]any{"need_ids": []int64{n[2], 999999}}), 404, "unknown need")
		left := expect(t, e.req("coordinator", "GET", "/needs?covered=false", nil), 200, "uncovered").list()
		if ids := needIDs(left); !slices.Equal(ids, []int64{n[2]}) {
			t.Errorf("uncovered after the refused changes: %v", ids)
		}
		// An admin links the third; an empty list clears the coordinator's.
		expect(t, e.req("admin", "PUT", path, map[string]any{"need_ids": []int64{n[0], n[1], n[2]}}), 200, "admin links")
		if l := expect(t, e.req("coordinator", "GET", "/needs?covered=false", nil), 200, "uncovered").list(); len(l) != 0 {
			t.Errorf("uncovered: %v", l)
		}
		if l := expect(t, e.req("coordinator", "PUT", path, map[string]any{"need_ids": []int64{}}), 200, "clear").list(); len(l) != 0 {
			t.Errorf("cleared: %v", l)
		}
		if ids := needIDs(expect(t, e.req("coordinator", "GET", "/needs?covered=false", nil), 200, "uncovered").list()); len(ids) != 3 {
			t.Errorf("uncovered after clearing: %v", ids)
		}
	})
}

// evaluation is an evaluation of edition with a Likert scale measuring
// need, a single choice measuring choiceNeed, and free text.
func evaluation(edition any, need, choiceNeed int64) map[string]any {
	return map[string]any{
		"kind": "evaluation", "edition_id": edition, "title": "Valutazione del corso",
		"closes_at": "2026-12-31T23:00:00Z",
		"questions": []map[string]any{
			{"kind": "likert", "text": "Ora ti senti preparato sul diritto dell'immigrazione?", "required": true, "need_id": need,
				"labels": []string{"Per niente", "Poco", "Abbastanza", "Molto", "Del tutto"}},
			{"kind": "single", "text": "Il formato online ti è servito?", "options": []string{"No", "Sì"}, "need_id": choiceNeed},
			{"kind": "text", "text": "Commenti"},
		},
	}
}

func evalAnswer(q []int64, scale, choice int, text string) map[string]any {
	return map[string]any{"answers": []map[string]any{{"question_id": q[0], "scale": scale}, {"question_id": q[1], "choice": choice}, {"question_id": q[2], "text": text}}}
}

// TestEvaluations: evaluations after two editions, answered by their seat
// holders only, after the last meeting, once each; added up per course
// and set beside the needs the course answers.
func TestEvaluations(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		n := linkedNeeds(t, e)
		course := e.course("coordinator", "lodi")
		expect(t, e.req("coordinator", "PUT", fmt.Sprintf("/courses/%v/needs", course), map[string]any{"need_ids": []int64{n[0], n[1]}}), 200, "link")
		ed1 := e.edition("coordinator", course, 10, false)["id"]
		ed2 := e.edition("coordinator", course, 10, false)["id"]
		for _, who := range []string{"operator", "operator2", "operator3", "mediator"} {
			e.enrol(who, ed1)
		}
		for _, who := range []string{"operator", "operator2", "mediator2"} {
			e.enrol(who, ed2)
		}
		// mediator2 gives up a seat in ed1: no longer a seat holder there.
		gone := e.enrol("mediator2", ed1)
		expect(t, e.req("mediator2", "POST", fmt.Sprintf("/enrolments/%v/cancel", gone["id"]), nil), 200, "cancel")

		// Who makes an evaluation: the trainer of the edition, the course's
		// coordinator; not an operator, not another ambito.
		body := evaluation(ed1, n[0], n[1])
		expect(t, e.req("operator", "POST", "/surveys", body), 403, "operator makes an evaluation")
		expect(t, e.req("cremaCoordinator", "POST", "/surveys", body), 404, "crema makes lodi's evaluation")
		expect(t, e.req("cremaTrainer", "POST", "/surveys", body), 404, "crema's trainer")
		// Bad input: an audience, an opening before the end, needs the
		// course does not answer or on free text.
		bad := evaluation(ed1, n[2], n[1])
		bad["audience_roles"] = []string{"operator"}
		bad["opens_at"] = "2026-12-10T11:00:00Z"
		qs := bad["questions"].([]map[string]any)
		qs[2]["need_id"] = n[0]
		r := expect(t, e.req("trainer", "POST", "/surveys", bad, "Accept-Language", "en"), 422, "bad evaluation")
		if f := r.fields(); !slices.Equal(f, []string{"audience_roles", "opens_at", "questions[0].need_id", "questions[2].need_id"}) {
			t.Errorf("bad evaluation: %v %s", f, r.Raw)
		}
		needsBody := needsSurvey(e)
		needsBody["questions"].([]map[string]any)[2]["need_id"] = n[0]
		if f := expect(t, e.req("coordinator", "POST", "/surveys", needsBody), 422, "need on a needs survey").fields(); !slices.Equal(f, []string{"questions[2].need_id"}) {
			t.Errorf("need on a needs survey: %v", f)
		}
		if l := expect(t, e.req("coordinator", "GET", "/surveys?state=draft", nil), 200, "drafts").list(); len(l) != 0 {
			t.Errorf("bad input created: %v", l)
		}

		s1 := expect(t, e.req("trainer", "POST", "/surveys", body), 201, "trainer makes an evaluation").data()
		if s1["kind"] != "evaluation" || s1["opens_at"] != "2026-12-10T12:00:00Z" || s1["anonymous"] != true || s1["ambito"] != "lodi" || len(s1["audience_roles"].([]any)) != 0 {
			t.Errorf("evaluation: %v", s1)
		}
		if qs := s1["questions"].([]any); qs[0].(map[string]any)["need_id"].(float64) != float64(n[0]) || qs[2].(map[string]any)["need_id"] != nil {
			t.Errorf("questions: %v", qs)
		}
		expect(t, e.req("operator", "GET", "/surveys/"+sid(s1), nil), 404, "seat holder reads a draft")
		expect(t, e.req("trainer", "POST", "/surveys/"+sid(s1)+"/publish", nil), 200, "trainer publishes")
		s2 := expect(t, e.req("coordinator", "POST", "/surveys", evaluation(ed2, n[0], n[1])), 201, "coordinator makes an evaluation").data()
		// The edition's trainer may change the coordinator's draft, not its
		// kind or edition.
		b2 := evaluation(ed2, n[0], n[1])
		b2["title"] = "Valutazione, seconda edizione"
		if u := expect(t, e.req("trainer", "PUT", "/surveys/"+sid(s2), b2), 200, "trainer edits").data(); u["title"] != b2["title"] {
			t.Errorf("edited: %v", u["title"])
		}
		b2["edition_id"] = ed1
		if f := expect(t, e.req("trainer", "PUT", "/surveys/"+sid(s2), b2), 422, "move to another edition").fields(); !slices.Equal(f, []string{"kind"}) {
			t.Errorf("moved: %v", f)
		}
		expect(t, e.req("trainer", "PUT", "/surveys/"+sid(s2), needsSurvey(e)), 422, "turned into a needs survey")
		s2 = expect(t, e.req("coordinator", "GET", "/surveys/"+sid(s2), nil), 200, "draft").data()
		if s2["kind"] != "evaluation" || s2["title"] != "Valutazione, seconda edizione" {
			t.Errorf("after refused changes: %v", s2)
		}
		expect(t, e.req("coordinator", "POST", "/surveys/"+sid(s2)+"/publish", nil), 200, "coordinator publishes")
		q1, q2 := questionIDs(s1), questionIDs(s2)

		// Seat holders see it; nobody answers before the last meeting ends.
		if l := expect(t, e.req("operator", "GET", "/surveys", nil), 200, "operator's surveys").list(); len(l) != 3 {
			t.Errorf("operator sees %d surveys", len(l))
		}
		expect(t, e.req("operator", "POST", "/surveys/"+sid(s1)+"/answers", evalAnswer(q1, 5, 1, "Utile")), 409, "before the edition ends")
		e.clock.Add(time.Date(2026, 12, 10, 11, 59, 0, 0, time.UTC).Sub(e.clock.Now()))
		e.signIn()
		expect(t, e.req("operator", "POST", "/surveys/"+sid(s1)+"/answers", evalAnswer(q1, 5, 1, "Utile")), 409, "during the last meeting")
		e.clock.Add(2 * time.Minute)
		e.signIn()

		// ed1: scales 5, 4, 4, 3; choices 1, 1, 0, 1.
		for i, a := range []struct {
			who           string
			scale, choice int
		}{{"operator", 5, 1}, {"operator2", 4, 1}, {"operator3", 4, 0}, {"mediator", 3, 1}} {
			expect(t, e.req(a.who, "POST", "/surveys/"+sid(s1)+"/answers", evalAnswer(q1, a.scale, a.choice, fmt.Sprint("commento ", i))), 204, a.who+" evaluates ed1")
		}
		expect(t, e.req("operator", "POST", "/surveys/"+sid(s1)+"/answers", evalAnswer(q1, 1, 0, "")), 409, "twice")
		expect(t, e.req("mediator2", "POST", "/surveys/"+sid(s1)+"/answers", evalAnswer(q1, 1, 0, "")), 403, "cancelled seat")
		expect(t, e.req("mediator2", "GET", "/surveys/"+sid(s1), nil), 404, "cancelled seat reads")
		expect(t, e.req("trainer", "POST", "/surveys/"+sid(s1)+"/answers", evalAnswer(q1, 1, 0, "")), 403, "trainer answers")
		expect(t, e.req("cremaOperator", "POST", "/surveys/"+sid(s1)+"/answers", evalAnswer(q1, 1, 0, "")), 404, "another ambito answers")
		// ed2: scales 2, 3, 4; choices 0, 0, 1.
		for _, a := range []struct {
			who           string
			scale, choice int
		}{{"operator", 2, 0}, {"operator2", 3, 0}, {"mediator2", 4, 1}} {
			expect(t, e.req(a.who, "POST", "/surveys/"+sid(s2)+"/answers", evalAnswer(q2, a.scale, a.choice, "")), 204, a.who+" evaluates ed2")
		}
		expect(t, e.req("operator3", "POST", "/surveys/"+sid(s2)+"/answers", evalAnswer(q2, 1, 0, "")), 403, "not seated in ed2")

		// Anonymous: the responses hold no person.
		var named int64
		if err := e.db.Table("incroci_training_survey_responses").Where("person_id IS NOT NULL").Count(&named).Error; err != nil || named != 0 {
			t.Errorf("responses naming people: %d %v", named, err)
		}
		// The trainer reads the edition's results.
		res := expect(t, e.req("trainer", "GET", "/surveys/"+sid(s1)+"/results", nil), 200, "results").data()
		if res["responses"].(float64) != 4 {
			t.Errorf("results: %v", res["responses"])
		}
		expect(t, e.req("cremaCoordinator", "GET", "/surveys/"+sid(s1)+"/results", nil), 404, "crema reads results")
		expect(t, e.req("coordinator", "POST", "/surveys/"+sid(s1)+"/needs", map[string]any{"needs": []map[string]any{{"question_id": q1[0], "label": "x"}}}), 422, "needs from an evaluation")

		// The course's evaluation across its editions.
		path := fmt.Sprintf("/courses/%v/evaluation", course)
		ev := expect(t, e.req("coordinator", "GET", path, nil), 200, "course evaluation").data()
		if ev["responses"].(float64) != 7 || len(ev["evaluations"].([]any)) != 2 || ev["min_cell"].(float64) != 3 {
			t.Fatalf("course evaluation: %v", ev)
		}
		qq := ev["questions"].([]any)
		if len(qq) != 3 {
			t.Fatalf("questions: %v", qq)
		}
		likert := qq[0].(map[string]any)
		if likert["answered"].(float64) != 7 || likert["mean"].(float64) != 3.57 || len(likert["survey_ids"].([]any)) != 2 {
			t.Errorf("likert across editions: %v", likert)
		}
		byEd := likert["by_edition"].([]any)
		if len(byEd) != 2 || byEd[0].(map[string]any)["suppressed"] != false || byEd[0].(map[string]any)["mean"].(float64) != 4 ||
			byEd[1].(map[string]any)["mean"].(float64) != 3 {
			t.Errorf("by edition: %v", byEd)
		}
		// Roles: 6 operators, 1 mediator: the mediators' cell and the next
		// smallest are suppressed.
		for _, b := range likert["by_role"].([]any) {
			if b.(map[string]any)["suppressed"] != true {
				t.Errorf("by role: %v", b)
			}
		}
		if txt := qq[2].(map[string]any)["texts"].([]any); len(txt) != 4 {
			t.Errorf("texts: %v", txt)
		}
		needs := ev["needs"].([]any)
		if len(needs) != 2 {
			t.Fatalf("needs: %v", needs)
		}
		n0, n1 := needs[0].(map[string]any), needs[1].(map[string]any)
		if n0["need_id"].(float64) != float64(n[0]) || n0["mean"].(float64) != 3.57 || n0["answered"].(float64) != 7 || n0["level"] != "met" || len(n0["questions"].([]any)) != 1 {
			t.Errorf("need met: %v", n0)
		}
		choice := n1["questions"].([]any)[0].(map[string]any)
		if n1["mean"] != nil || n1["level"] != "unmeasured" || choice["answered"].(float64) != 7 || choice["options"].([]any)[1].(map[string]any)["count"].(float64) != 4 {
			t.Errorf("choice need: %v", n1)
		}
		expect(t, e.req("trainer", "GET", path, nil), 200, "trainer reads the course's evaluation")
		expect(t, e.req("operator", "GET", path, nil), 403, "operator reads it")
		expect(t, e.req("cremaCoordinator", "GET", path, nil), 404, "another ambito reads it")
		expect(t, e.req("coordinator", "GET", "/courses/999999/evaluation", nil), 404, "unknown course")
	})
}
