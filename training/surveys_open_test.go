package training_test

import (
	"testing"
	"time"
)

// TestSurveysOpenToMe lists, with open_to_me=true, only the surveys the
// caller may answer now: not another role's, not a closed one, not a
// draft, not one the caller only runs; an answered one stays, saying so.
func TestSurveysOpenToMe(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		open := publishedSurvey(t, e, needsSurvey(e, "operator"))
		publishedSurvey(t, e, needsSurvey(e, "mediator"))
		closing := needsSurvey(e, "operator")
		closing["closes_at"] = e.clock.Now().Add(time.Hour)
		closed := publishedSurvey(t, e, closing)
		expect(t, e.req("coordinator", "POST", "/surveys", needsSurvey(e, "operator")), 201, "a draft")
		e.clock.Add(2 * time.Hour)
		e.signIn()

		ids := func(who, q string) []string {
			t.Helper()
			var out []string
			for _, s := range expect(t, e.req(who, "GET", "/surveys"+q, nil), 200, who+" lists").list() {
				out = append(out, sid(s.(map[string]any)))
			}
			return out
		}
		if got := ids("operator", "?open_to_me=true"); len(got) != 1 || got[0] != sid(open) {
			t.Errorf("open to the operator: %v, want [%s]", got, sid(open))
		}
		if got := ids("operator", ""); len(got) != 2 {
			t.Errorf("the operator's whole list: %v, want the open and the closed %s", got, sid(closed))
		}
		// The coordinator runs all four but is in the audience of none.
		if got := ids("coordinator", "?open_to_me=true"); len(got) != 0 {
			t.Errorf("open to the coordinator: %v", got)
		}
		if got := ids("coordinator", "?open_to_me=false"); len(got) != 4 {
			t.Errorf("the coordinator's list: %v", got)
		}
		q := questionIDs(open)
		expect(t, e.req("operator", "POST", "/surveys/"+sid(open)+"/answers", answers(q, 0, nil, 3, topicCodes(3), "")), 204, "answer")
		l := expect(t, e.req("operator", "GET", "/surveys?open_to_me=true", nil), 200, "after answering").list()
		if len(l) != 1 || l[0].(map[string]any)["answered"] != true || l[0].(map[string]any)["open"] != true {
			t.Errorf("after answering: %v", l)
		}
		r := expect(t, e.req("operator", "GET", "/surveys?open_to_me=yes", nil, "Accept-Language", "en"), 422, "a bad filter")
		if f := r.Body["error"].(map[string]any)["fields"].([]any); len(f) != 1 || f[0].(map[string]any)["field"] != "open_to_me" ||
			f[0].(map[string]any)["message"] != "The open_to_me filter must be true or false." {
			t.Errorf("a bad filter: %s", r.Raw)
		}
	})
}
