package incroci_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci"
)

// Mounting the platform into an existing gin server: an embedded database,
// a platform with its defaults (log mailer, in-process events), and its
// routes under /incroci.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "incroci-example")
	defer os.RemoveAll(dir)

	db, err := incroci.OpenDB(ctx, "sqlite:"+filepath.Join(dir, "incroci.db"))
	if err != nil {
		log.Fatal(err)
	}
	secret := make([]byte, 32) // in production: from a secret store, stable across restarts
	rand.Read(secret)
	p, err := incroci.New(ctx, incroci.Config{DB: db, Secret: secret, Logger: quietLogger()})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close(ctx)

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	p.Mount(r.Group("/incroci"))

	// Seed an ambito as the hub itself.
	if _, err := p.CreateAmbito(incroci.AsSystem(ctx), incroci.AmbitoInput{
		Slug: "lodi", Name: "Ambito Distrettuale di Lodi", Comuni: []string{"Lodi"},
		Origins: []string{"https://www.example-lodi.it"}, EmailDomains: []string{"comune.lodi.it"},
	}); err != nil {
		log.Fatal(err)
	}

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/incroci/ambiti/lodi", nil))
	fmt.Println(w.Code, w.Body.String())
	// Output: 200 {"data":{"slug":"lodi","name":"Ambito Distrettuale di Lodi","lead_body":"","comuni":["Lodi"]}}
}

// A partner with its own login starts sessions for its users and hands the
// token to the widgets on its pages.
func ExamplePlatform_SignIn() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "incroci-example")
	defer os.RemoveAll(dir)
	db, _ := incroci.OpenDB(ctx, "sqlite:"+filepath.Join(dir, "incroci.db"))
	p, _ := incroci.New(ctx, incroci.Config{DB: db, Secret: []byte("an example secret of 32 bytes!!!"), Logger: quietLogger()})
	defer p.Close(ctx)
	p.CreateAmbito(incroci.AsSystem(ctx), incroci.AmbitoInput{Slug: "crema", Name: "Ambito distrettuale di Crema"})

	s, err := p.SignIn(ctx, incroci.Identity{Email: "g.bianchi@comune.crema.cr.it", Name: "Giulia Bianchi", Ambito: "crema"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Person.Name, s.Person.Roles)
	// Output: Giulia Bianchi [{crema operator}]
}
