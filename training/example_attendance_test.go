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

// Attendance and certificates through the Go API: a trainer shows the
// meeting's check-in code, an operator checks in with it, the trainer
// marks a colleague present for part of the meeting and closes the
// register after its end, which issues the certificate to whoever reached
// 75 % of the hours; anyone verifies it by its code.
func ExampleTraining_Checkin() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "training-attendance")
	defer os.RemoveAll(dir)
	db, err := incroci.OpenDB(ctx, "sqlite:"+filepath.Join(dir, "hub.db"))
	if err != nil {
		log.Fatal(err)
	}
	rome, _ := time.LoadLocation("Europe/Rome")
	// The example's clock, read by the platform's mail outbox too.
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
	trainer, _ := p.Invite(sys, "lodi", incroci.InviteInput{Email: "formatrice@example.org", Name: "Giulia Neri", Roles: []incroci.Role{incroci.RoleTrainer}})
	p.Invite(sys, "lodi", incroci.InviteInput{Email: "coordinatrice@comune.lodi.it", Roles: []incroci.Role{incroci.RoleCoordinator}})
	as := func(email string) context.Context {
		s, _ := p.SignIn(ctx, incroci.Identity{Email: email, Ambito: "lodi"})
		pr, _ := p.Authenticate(ctx, s.Token)
		return incroci.WithPrincipal(ctx, pr)
	}
	p.Invite(sys, "lodi", incroci.InviteInput{Email: "anna@comune.lodi.it", Name: "Anna Bianchi", Roles: []incroci.Role{incroci.RoleOperator}})
	p.Invite(sys, "lodi", incroci.InviteInput{Email: "luca@comune.lodi.it", Name: "Luca Verdi", Roles: []incroci.Role{incroci.RoleOperator}})

	coord := as("coordinatrice@comune.lodi.it")
	c, _ := tr.SaveCourse(coord, 0, training.CourseInput{Ambito: "lodi", Title: "Accogliere le famiglie ricongiunte",
		Goals: "Conoscere la procedura.", Topics: []string{"ricongiungimento"}, Hours: 4, TrainerIDs: []int64{trainer.ID}})
	start := time.Date(2026, 12, 3, 9, 0, 0, 0, rome)
	ed, err := tr.SaveEdition(coord, c.ID, 0, training.EditionInput{Capacity: 10, EnrolFrom: now.Add(-time.Hour), EnrolUntil: now.Add(7 * 24 * time.Hour),
		Meetings: []training.MeetingInput{{Start: start, End: start.Add(4 * time.Hour), Place: "Lodi"}}})
	if err != nil {
		log.Fatal(err)
	}
	tr.Enrol(as("anna@comune.lodi.it"), ed.ID, training.EnrolInput{})
	tr.Enrol(as("luca@comune.lodi.it"), ed.ID, training.EnrolInput{})
	mid := ed.Meetings[0].ID

	setNow(start.Add(-10 * time.Minute)) // check-in opens 15 minutes before
	code, err := tr.GetCheckinCode(as("formatrice@example.org"), ed.ID, mid)
	if err != nil {
		log.Fatal(err)
	}
	a, err := tr.Checkin(as("anna@comune.lodi.it"), training.CheckinInput{Code: code.Code})
	fmt.Println(a.Status, a.Minutes, err)
	setNow(clock.Load().Add(time.Minute)) // two windows later the code has expired
	_, err = tr.Checkin(as("luca@comune.lodi.it"), training.CheckinInput{Code: code.Code})
	fmt.Println(err == training.ErrCheckinExpired)

	lucaID := int64(0)
	r, _ := tr.Register(as("formatrice@example.org"), ed.ID, mid)
	for _, l := range r.Lines {
		if l.Name == "Luca Verdi" {
			lucaID = l.PersonID
		}
	}
	tr.MarkRegister(as("formatrice@example.org"), ed.ID, mid, training.MarkInput{Marks: []training.Mark{{PersonID: lucaID, Status: training.PresencePartial, Minutes: 150}}})
	setNow(start.Add(4 * time.Hour))
	if _, err := tr.CloseRegister(as("formatrice@example.org"), ed.ID, mid); err != nil {
		log.Fatal(err)
	}
	certs, _ := tr.MyCertificates(as("anna@comune.lodi.it"))
	none, _ := tr.MyCertificates(as("luca@comune.lodi.it"))
	v, _ := tr.Verify(ctx, certs[0].Code)
	fmt.Println(len(certs), len(none), v.Valid, v.Name, v.Hours, v.Issuer)
	// Output:
	// present 240 <nil>
	// true
	// 1 0 true Anna Bianchi 4 Ambito Distrettuale di Lodi
}
