package training_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/training"
)

// An evaluation after an edition through the Go API: the coordinator
// turns a needs survey's Likert question into a need, links the course
// to it, and after the last meeting asks the participants an evaluation
// whose question measures that need; the course's evaluation says how
// well the need was met.
func ExampleTraining_CourseEvaluation() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "training-evaluation")
	defer os.RemoveAll(dir)
	db, err := incroci.OpenDB(ctx, "sqlite:"+filepath.Join(dir, "hub.db"))
	if err != nil {
		log.Fatal(err)
	}
	rome, _ := time.LoadLocation("Europe/Rome")
	var clock atomic.Pointer[time.Time]
	setNow := func(t time.Time) { clock.Store(&t) }
	now := time.Date(2026, 11, 9, 9, 0, 0, 0, rome)
	setNow(now)
	p, err := incroci.New(ctx, incroci.Config{DB: db, Secret: []byte("an example secret of 32 bytes!!!"),
		Now: func() time.Time { return clock.Load().UTC() }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close(ctx)
	tr, err := training.New(ctx, p, training.Config{LinkPage: "https://www.lodi.example.it/formazione"})
	if err != nil {
		log.Fatal(err)
	}
	sys := incroci.AsSystem(ctx)
	p.CreateAmbito(sys, incroci.AmbitoInput{Slug: "lodi", Name: "Ambito Distrettuale di Lodi"})
	p.Invite(sys, "lodi", incroci.InviteInput{Email: "coordinatrice@comune.lodi.it", Roles: []incroci.Role{incroci.RoleCoordinator}})
	as := func(email string) context.Context {
		s, _ := p.SignIn(ctx, incroci.Identity{Email: email, Ambito: "lodi"})
		pr, _ := p.Authenticate(ctx, s.Token)
		return incroci.WithPrincipal(ctx, pr)
	}
	people := []string{"anna@comune.lodi.it", "luca@comune.lodi.it", "sara@comune.lodi.it"}
	for _, email := range people {
		p.Invite(sys, "lodi", incroci.InviteInput{Email: email, Roles: []incroci.Role{incroci.RoleOperator}})
	}
	coord := as("coordinatrice@comune.lodi.it")
	likert := []string{"Per niente", "Poco", "Abbastanza", "Molto", "Del tutto"}

	// The needs survey's Likert question becomes a need.
	s, err := tr.CreateSurvey(coord, training.SurveyInput{Ambito: "lodi", Title: "Fabbisogni 2027", AudienceRoles: []string{"operator"},
		OpensAt: now, ClosesAt: now.Add(7 * 24 * time.Hour),
		Questions: []training.QuestionInput{{Kind: training.QuestionLikert, Text: "Quanto conosci il ricongiungimento?", Labels: likert}}})
	if err != nil {
		log.Fatal(err)
	}
	needs, err := tr.CreateNeeds(coord, s.ID, training.NeedsInput{Needs: []training.NeedInput{{QuestionID: s.Questions[0].ID, Label: "Ricongiungimento familiare"}}})
	if err != nil {
		log.Fatal(err)
	}

	// A course answers it; three people take an edition.
	c, _ := tr.SaveCourse(coord, 0, training.CourseInput{Ambito: "lodi", Title: "Accogliere le famiglie ricongiunte",
		Goals: "Conoscere la procedura.", Topics: []string{"ricongiungimento"}, Hours: 4})
	if err := tr.LinkNeeds(coord, c.ID, []int64{needs[0].ID}); err != nil {
		log.Fatal(err)
	}
	start := time.Date(2026, 12, 3, 9, 0, 0, 0, rome)
	ed, err := tr.SaveEdition(coord, c.ID, 0, training.EditionInput{Capacity: 10, EnrolFrom: now.Add(-time.Hour), EnrolUntil: now.Add(7 * 24 * time.Hour),
		Meetings: []training.MeetingInput{{Start: start, End: start.Add(4 * time.Hour), Place: "Lodi"}}})
	if err != nil {
		log.Fatal(err)
	}
	for _, email := range people {
		tr.Enrol(as(email), ed.ID, training.EnrolInput{})
	}

	// The evaluation opens when the meeting ends.
	ev, err := tr.CreateSurvey(coord, training.SurveyInput{Kind: training.KindEvaluation, EditionID: &ed.ID, Title: "Com'è andata?",
		ClosesAt:  start.Add(30 * 24 * time.Hour),
		Questions: []training.QuestionInput{{Kind: training.QuestionLikert, Text: "Ora conosci il ricongiungimento?", Labels: likert, Required: true, NeedID: &needs[0].ID}}})
	if err != nil {
		log.Fatal(err)
	}
	tr.PublishSurvey(coord, ev.ID)
	fmt.Println(ev.OpensAt.In(rome).Format("02/01 15:04"))
	setNow(start.Add(5 * time.Hour))
	for i, email := range people {
		scale := 3 + i
		if err := tr.SubmitAnswers(as(email), ev.ID, training.AnswerInput{Answers: []training.Answer{{QuestionID: ev.Questions[0].ID, Scale: &scale}}}); err != nil {
			log.Fatal(err)
		}
	}
	res, err := tr.CourseEvaluation(coord, c.ID)
	if err != nil {
		log.Fatal(err)
	}
	met := res.Needs[0]
	fmt.Println(res.Responses, met.Label, *met.Mean, met.Answered, met.Level)
	// Output:
	// 03/12 13:00
	// 3 Ricongiungimento familiare 4 3 met
}
