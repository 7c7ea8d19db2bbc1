package incroci_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"fmt"
	"github.com/golang-jwt/jwt/v5"
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

// An ambito website with its own login signs an identity for its user with
// a secret the hub's admin gave it, and exchanges it for a session (or puts
// it in the widget's assertion attribute, which does the same).
func ExamplePlatform_ExchangeHostAssertion() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "incroci-example")
	defer os.RemoveAll(dir)
	db, _ := incroci.OpenDB(ctx, "sqlite:"+filepath.Join(dir, "incroci.db"))
	p, _ := incroci.New(ctx, incroci.Config{DB: db, Secret: []byte("an example secret of 32 bytes!!!"), Logger: quietLogger()})
	defer p.Close(ctx)
	sys := incroci.AsSystem(ctx)
	p.CreateAmbito(sys, incroci.AmbitoInput{Slug: "lodi", Name: "Ambito Distrettuale di Lodi"})
	secret, _ := p.RotateHostSecret(sys, "lodi") // shown once: the site keeps it

	// On the ambito's website, after its own login:
	key, _ := base64.RawURLEncoding.DecodeString(secret.Secret)
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": "lodi", "aud": "incroci", "sub": "user-42", "email": "m.rossi@comune.lodi.it", "name": "Mario Rossi",
		"iat": now.Unix(), "exp": now.Add(2 * time.Minute).Unix(), "jti": "7f1c2d",
	})
	tok.Header["kid"] = secret.ID
	assertion, _ := tok.SignedString(key)

	s, err := p.ExchangeHostAssertion(ctx, assertion)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Person.Name, s.Person.Roles)
	_, err = p.ExchangeHostAssertion(ctx, assertion)
	fmt.Println(errors.Is(err, incroci.ErrInvalidAssertion)) // each identity is used once
	// Output:
	// Mario Rossi [{lodi operator}]
	// true
}

// A partner whose pages already know the user (its own session cookie) lets
// the platform recognise them on every request, with no incroci sign-in.
func ExampleConfig_identify() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "incroci-example")
	defer os.RemoveAll(dir)
	db, _ := incroci.OpenDB(ctx, "sqlite:"+filepath.Join(dir, "incroci.db"))
	p, _ := incroci.New(ctx, incroci.Config{
		DB: db, Secret: []byte("an example secret of 32 bytes!!!"), Logger: quietLogger(),
		Identify: func(ctx context.Context, r *http.Request) (*incroci.Identity, error) {
			c, err := r.Cookie("partner_session")
			if err != nil || c.Value != "valid-session-of-anna" { // the partner's own check
				return nil, nil // anonymous
			}
			return &incroci.Identity{Email: "a.neri@comune.crema.cr.it", Name: "Anna Neri", Ambito: "crema"}, nil
		},
	})
	defer p.Close(ctx)
	p.CreateAmbito(incroci.AsSystem(ctx), incroci.AmbitoInput{Slug: "crema", Name: "Ambito distrettuale di Crema"})
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	p.Mount(r.Group("/incroci"))

	req := httptest.NewRequest("GET", "/incroci/me", nil)
	req.AddCookie(&http.Cookie{Name: "partner_session", Value: "valid-session-of-anna"})
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	fmt.Println(w.Code, strings.Contains(w.Body.String(), `"name":"Anna Neri"`))
	// Output: 200 true
}
