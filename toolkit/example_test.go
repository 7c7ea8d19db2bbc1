package toolkit_test

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
	"github.com/incrocicomuni/incroci/toolkit"
)

// Mounting the toolkit into an existing gin server, beside the platform:
// an operator proposes a sheet, an editor publishes it, and the sheet is
// read over HTTP with its sections rendered and sanitised.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "toolkit-example")
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
	store, _ := toolkit.NewDiskStore(filepath.Join(dir, "attachments"))
	tk, err := toolkit.New(ctx, p, toolkit.Config{Attachments: store})
	if err != nil {
		log.Fatal(err)
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New() // the partner's own server
	api := r.Group("/incroci")
	p.Mount(api)
	tk.Mount(api.Group("/toolkit"))

	sys := incroci.AsSystem(ctx)
	p.CreateAmbito(sys, incroci.AmbitoInput{Slug: "lodi", Name: "Ambito Distrettuale di Lodi"})
	p.Invite(sys, "lodi", incroci.InviteInput{Email: "redattrice@comune.lodi.it", Roles: []incroci.Role{incroci.RoleEditor}})
	as := func(email string) context.Context {
		s, _ := p.SignIn(ctx, incroci.Identity{Email: email, Ambito: "lodi"}) // an operator of lodi when new
		pr, _ := p.Authenticate(ctx, s.Token)
		return incroci.WithPrincipal(ctx, pr)
	}

	v, err := tk.Propose(as("operatore@comune.lodi.it"), toolkit.SheetInput{Audience: toolkit.AudienceOperators, Topics: []string{"cittadinanza"},
		Title: "Cittadinanza per residenza", Sections: map[string]string{"what": "La cittadinanza si chiede dopo **dieci anni** di residenza legale."}, Submit: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v.State, v.Revision.Number)
	v, err = tk.Publish(as("redattrice@comune.lodi.it"), v.ID, toolkit.ReviewInput{RevisionID: v.Revision.ID})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v.State, v.HTML["what"])

	s, _ := p.SignIn(ctx, incroci.Identity{Email: "operatrice@comune.lodi.it", Ambito: "lodi"})
	w := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/incroci/toolkit/sheets?topic=cittadinanza", nil)
	req.Header.Set("Authorization", "Bearer "+s.Token)
	r.ServeHTTP(w, req)
	fmt.Println(w.Code, strings.Contains(w.Body.String(), "Cittadinanza per residenza"))
	// Output:
	// in_review 1
	// published <p>La cittadinanza si chiede dopo <strong>dieci anni</strong> di residenza legale.</p>
	// 200 true
}
