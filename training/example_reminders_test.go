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

// Reminders before a meeting: the hub runs RemindMeetings periodically;
// the day before the meeting it e-mails each participant once.
func ExampleTraining_RemindMeetings() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "training-reminders")
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
	tr, err := training.New(ctx, p, training.Config{LinkPage: "https://www.lodi.example.it/formazione", RemindBefore: 24 * time.Hour})
	if err != nil {
		log.Fatal(err)
	}
	sys := incroci.AsSystem(ctx)
	p.CreateAmbito(sys, incroci.AmbitoInput{Slug: "lodi", Name: "Ambito Distrettuale di Lodi"})
	as := func(email string, role incroci.Role) context.Context {
		p.Invite(sys, "lodi", incroci.InviteInput{Email: email, Roles: []incroci.Role{role}})
		s, _ := p.SignIn(ctx, incroci.Identity{Email: email, Ambito: "lodi"})
		pr, _ := p.Authenticate(ctx, s.Token)
		return incroci.WithPrincipal(ctx, pr)
	}
	coord := as("coordinatrice@comune.lodi.it", incroci.RoleCoordinator)
	c, err := tr.SaveCourse(coord, 0, training.CourseInput{Ambito: "lodi", Title: "Accogliere le famiglie ricongiunte",
		Goals: "Conoscere la procedura.", Topics: []string{"ricongiungimento"}, Hours: 4})
	if err != nil {
		log.Fatal(err)
	}
	start := time.Date(2026, 12, 3, 9, 0, 0, 0, rome)
	ed, err := tr.SaveEdition(coord, c.ID, 0, training.EditionInput{Capacity: 10, EnrolFrom: now.Add(-time.Hour), EnrolUntil: now.Add(7 * 24 * time.Hour),
		Meetings: []training.MeetingInput{{Start: start, End: start.Add(4 * time.Hour), Place: "Sala consiliare, Lodi"}}})
	if err != nil {
		log.Fatal(err)
	}
	for _, email := range []string{"anna@comune.lodi.it", "luca@comune.lodi.it"} {
		if _, err := tr.Enrol(as(email, incroci.RoleOperator), ed.ID, training.EnrolInput{}); err != nil {
			log.Fatal(err)
		}
	}

	early, _ := tr.RemindMeetings(ctx)
	setNow(start.Add(-20 * time.Hour))
	due, err := tr.RemindMeetings(ctx)
	if err != nil {
		log.Fatal(err)
	}
	again, _ := tr.RemindMeetings(ctx)
	fmt.Println(early, due, again)
	// Output:
	// 0 2 0
}
