package training_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci/training"
)

// TestExportMine: a person's export holds their enrolments, attendance,
// certificates, reminders, files and surveys, with their answers to a
// survey that is not anonymous and none to an anonymous one; nobody
// else's.
func TestExportMine(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		// Two needs surveys answered by the operator: one anonymous.
		anon := publishedSurvey(t, e, needsSurvey(e, "operator"))
		named := needsSurvey(e, "operator")
		named["title"], named["anonymous"] = "Fabbisogni, con il nome", false
		ns := publishedSurvey(t, e, named)
		for _, s := range []map[string]any{anon, ns} {
			expect(t, e.req("operator", "POST", "/surveys/"+sid(s)+"/answers", answers(questionIDs(s), 1, nil, 4, nil, "Più casi pratici")), 204, "answers")
		}
		expect(t, e.req("operator2", "POST", "/surveys/"+sid(ns)+"/answers", answers(questionIDs(ns), 2, nil, 2, nil, "Altro")), 204, "operator2 answers")
		ed, _, _ := e.attend()
		e.clock.Add(time.Hour)
		if _, err := e.tr.RemindMeetings(e.ctx); err != nil {
			t.Fatal(err)
		}
		c := expect(t, e.req("coordinator", "GET", fmt.Sprintf("/editions/%v", ed), nil), 200, "edition").data()["course_id"]
		expect(t, e.addFile("trainer", c, "Slide", "slide.txt", []byte("Le slide del corso")), 201, "trainer adds a file")

		e.signIn()
		x := expect(t, e.req("operator", "GET", "/me/export", nil), 200, "export").data()
		if l := x["enrolments"].([]any); len(l) != 1 || l[0].(map[string]any)["status"] != "confirmed" {
			t.Errorf("enrolments: %v", l)
		}
		if l := x["attendance"].([]any); len(l) != 2 {
			t.Errorf("attendance: %v", l)
		}
		if l := x["certificates"].([]any); len(l) != 1 {
			t.Errorf("certificates: %v", l)
		}
		if l := x["files"].([]any); len(l) != 0 {
			t.Errorf("the operator's files: %v", l)
		}
		sv := x["surveys"].([]any)
		if len(sv) != 2 {
			t.Fatalf("surveys: %v", sv)
		}
		for _, s := range sv {
			m := s.(map[string]any)
			switch m["anonymous"] {
			case true:
				if m["answers"] != nil {
					t.Errorf("answers to an anonymous survey exported: %v", m)
				}
			case false:
				mine := false
				for _, a := range m["answers"].([]any) {
					switch a.(map[string]any)["text"] {
					case "Più casi pratici":
						mine = true
					case "Altro":
						t.Errorf("operator2's answer in the operator's export")
					}
				}
				if !mine {
					t.Errorf("the operator's answers to a named survey: %v", m)
				}
			}
		}
		tr := expect(t, e.req("trainer", "GET", "/me/export", nil), 200, "trainer's export").data()
		if l := tr["files"].([]any); len(l) != 1 || len(tr["enrolments"].([]any)) != 0 {
			t.Errorf("the trainer's export: %v", tr)
		}
		expect(t, e.req("", "GET", "/me/export", nil), 401, "signed out")

		// The platform's export carries the training's.
		all, err := e.p.ExportMe(e.as("operator"))
		if err != nil {
			t.Fatal(err)
		}
		if my, ok := all.Modules["training"].(*training.MyData); !ok || len(my.Enrolments) != 1 || len(my.Surveys) != 2 {
			t.Errorf("the platform's export: %#v", all.Modules)
		}
	})
}
