package training_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/training"
)

// Mounting the training module into an existing gin server, beside the
// platform: a coordinator creates a course and an edition with two seats,
// one kept for mediators; two operators enrol (the second waits), and the
// first one's seat, when they cancel, is offered to the second. The
// catalogue is then read over HTTP.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "training-example")
	defer os.RemoveAll(dir)
	db, err := incroci.OpenDB(ctx, "sqlite:"+filepath.Join(dir, "hub.db"))
	if err != nil {
		log.Fatal(err)
	}
	p, err := incroci.New(ctx, incroci.Config{DB: db, Secret: []byte("an example secret of 32 bytes!!!"),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close(ctx)
	tr, err := training.New(ctx, p, training.Config{OfferFor: 24 * time.Hour})
	if err != nil {
		log.Fatal(err)
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New() // the partner's own server
	api := r.Group("/incroci")
	p.Mount(api)
	tr.Mount(api.Group("/training"))

	sys := incroci.AsSystem(ctx)
	p.CreateAmbito(sys, incroci.AmbitoInput{Slug: "lodi", Name: "Ambito Distrettuale di Lodi"})
	p.Invite(sys, "lodi", incroci.InviteInput{Email: "coordinatrice@comune.lodi.it", Roles: []incroci.Role{incroci.RoleCoordinator}})
	tokens := map[string]string{}
	as := func(email string) context.Context {
		s, _ := p.SignIn(ctx, incroci.Identity{Email: email, Ambito: "lodi"}) // an operator of lodi when new
		tokens[email] = s.Token
		pr, _ := p.Authenticate(ctx, s.Token)
		return incroci.WithPrincipal(ctx, pr)
	}

	coord := as("coordinatrice@comune.lodi.it")
	c, err := tr.SaveCourse(coord, 0, training.CourseInput{Ambito: "lodi", Title: "Accogliere le famiglie ricongiunte",
		Goals: "Conoscere la procedura di ricongiungimento familiare.", Topics: []string{"ricongiungimento"}, Hours: 4})
	if err != nil {
		log.Fatal(err)
	}
	rome, _ := time.LoadLocation("Europe/Rome")
	now := time.Now()
	ed, err := tr.SaveEdition(coord, c.ID, 0, training.EditionInput{Capacity: 2, EnrolFrom: now.Add(-time.Hour), EnrolUntil: now.Add(7 * 24 * time.Hour),
		Meetings: []training.MeetingInput{{Start: now.Add(10 * 24 * time.Hour).In(rome), End: now.Add(10*24*time.Hour + 4*time.Hour).In(rome), Place: "Lodi"}},
		Quotas:   []training.QuotaInput{{Role: incroci.RoleMediator, Seats: 1}}})
	if err != nil {
		log.Fatal(err)
	}
	first, _ := tr.Enrol(as("operatore@comune.lodi.it"), ed.ID, training.EnrolInput{})
	second, _ := tr.Enrol(as("operatrice@comune.lodi.it"), ed.ID, training.EnrolInput{})
	fmt.Println(first.Status, second.Status, second.Position)
	tr.Cancel(as("operatore@comune.lodi.it"), first.ID)
	v, _ := tr.GetEdition(as("operatrice@comune.lodi.it"), ed.ID)
	fmt.Println(v.Mine.Status, v.Seats.Held, v.Seats.Waiting)

	w := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/incroci/training/courses?topic=ricongiungimento", nil)
	req.Header.Set("Authorization", "Bearer "+tokens["operatrice@comune.lodi.it"])
	r.ServeHTTP(w, req)
	fmt.Println(w.Code, strings.Contains(w.Body.String(), "Accogliere le famiglie ricongiunte"))
	// Output:
	// confirmed waiting 1
	// offered 1 0
	// 200 true
}
