package helpdesk_test

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

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/helpdesk"
)

// Mounting the help desk into an existing gin server, beside the platform:
// an embedded database, the legal desk with the network's topics, and an
// operator opening a consultation through the Go API.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "helpdesk-example")
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
	store, _ := helpdesk.NewDiskStore(filepath.Join(dir, "attachments"))
	hd, err := helpdesk.New(ctx, p, helpdesk.Config{Attachments: store})
	if err != nil {
		log.Fatal(err)
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New() // the partner's own server
	api := r.Group("/incroci")
	p.Mount(api)
	hd.Mount(api.Group("/helpdesk"))

	sys := incroci.AsSystem(ctx)
	p.CreateAmbito(sys, incroci.AmbitoInput{Slug: "lodi", Name: "Ambito Distrettuale di Lodi"})
	desk, _ := hd.CreateDesk(sys, helpdesk.DeskInput{Slug: "legale", Name: "Sportello giuridico", Ambito: "lodi", FirstResponseHours: 16, ServesAll: true},
		helpdesk.LegalTopics())
	s, _ := p.SignIn(ctx, incroci.Identity{Email: "operatore@comune.lodi.it", Ambito: "lodi"}) // an operator of lodi
	pr, _ := p.Authenticate(ctx, s.Token)

	c, err := hd.Open(incroci.WithPrincipal(ctx, pr), helpdesk.OpenInput{
		DeskID: desk.ID, Topic: "ricongiungimento", Ambito: "lodi", Subject: "Ricongiungimento con il coniuge",
		Question:    "Quali redditi servono per il ricongiungimento con il coniuge e due figli?",
		Beneficiary: helpdesk.Beneficiary{Label: "A.K.", AgeBand: "26-40", Nationality: "PK", Language: "ur"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Status, c.Topic.LabelEN, c.Late)

	w := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/incroci/helpdesk/consultations", nil)
	req.Header.Set("Authorization", "Bearer "+s.Token)
	r.ServeHTTP(w, req)
	fmt.Println(w.Code, strings.Contains(w.Body.String(), "Ricongiungimento con il coniuge"))
	// Output:
	// new Family reunification false
	// 200 true
}
