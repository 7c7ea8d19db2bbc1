package incroci_test

// The OpenAPI document against the code: the document is well formed, it
// lists exactly the routes the platform mounts, and every response the tests
// receive (through env.req) is checked against it. TestMain then fails the
// package when some documented success answer was never seen. The checking
// itself is internal/openapitest's.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/openapitest"
	"github.com/incrocicomuni/incroci/internal/testdb"
)

var (
	oaOnce sync.Once
	oa     *openapitest.Checker
	oaErr  error
)

// loadOpenAPI parses the embedded document once.
func loadOpenAPI(t testing.TB) *openapitest.Checker {
	t.Helper()
	oaOnce.Do(func() { oa, oaErr = openapitest.Parse(incroci.OpenAPI()) })
	if oaErr != nil {
		t.Fatalf("openapi.json: %v", oaErr)
	}
	return oa
}

// checkAgainstOpenAPI checks an answer of the API mounted at mount against
// the document and records which (operation, status) pairs were seen. Paths
// the document does not describe (say, a test of an unknown address) and
// CORS preflights are not checked.
func checkAgainstOpenAPI(t *testing.T, method, mount, path string, r resp) {
	t.Helper()
	if method == http.MethodOptions {
		return
	}
	loadOpenAPI(t).Check(t, method, path, r.Status, r.Header, r.Raw)
	_ = mount // the document's paths are relative to the mount point
}

// TestMain runs the tests, then lists the documented operations no test
// exercised and fails when a documented success status of an operation was
// never seen, so that every route's success answer meets the document at
// least once. A run limited with -run or -skip only lists.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if !oa.Report(os.Stderr, openapitest.Complete()) && code == 0 {
		code = 1
	}
	os.Exit(code)
}

// TestOpenAPIDocument checks that the document is OpenAPI 3.1 and complete
// (openapitest's Lint: ids, summaries, explicit security, responses, path
// parameters, references, schemas), and what is particular to the platform.
func TestOpenAPIDocument(t *testing.T) {
	s := loadOpenAPI(t)
	refs, schemas := s.Lint(t)
	if refs < 20 || schemas < 30 {
		t.Errorf("walked only %d references and %d schemas", refs, schemas)
	}
	root := s.Doc()
	info, _ := root["info"].(map[string]any)
	if info["title"] != "incroci platform API" || info["version"] == "" || info["description"] == "" {
		t.Errorf("info lacks title, version or description: %v", info)
	}
	if lic, _ := info["license"].(map[string]any); lic["identifier"] != "BSD-3-Clause" {
		t.Errorf("license is %v, want the SPDX identifier BSD-3-Clause", lic)
	}
	if servers, _ := root["servers"].([]any); len(servers) != 1 || servers[0].(map[string]any)["url"] != "/incroci" {
		t.Errorf("servers: %v", root["servers"])
	}
	schemes, _ := root["components"].(map[string]any)["securitySchemes"].(map[string]any)
	if b, _ := schemes["bearer"].(map[string]any); b["type"] != "http" || b["scheme"] != "bearer" {
		t.Errorf("components.securitySchemes.bearer is %v, want HTTP bearer", schemes["bearer"])
	}

	// The error envelopes hold the codes httpx writes.
	for name, codes := range map[string][]string{"ErrorMalformed": {"malformed"}, "ErrorValidation": {"validation"}, "ErrorRateLimited": {"rate_limited"}} {
		ptr := "/components/schemas/" + name
		for _, c := range codes {
			body := map[string]any{"error": map[string]any{"code": c, "message": "x"}}
			if c == "validation" {
				body["error"].(map[string]any)["fields"] = []any{map[string]any{"field": "email", "rule": "required", "message": "x"}}
			}
			if err := s.ValidateAt(ptr, body); err != nil {
				t.Errorf("%s refuses code %q: %v", name, c, err)
			}
		}
		if s.ValidateAt(ptr, map[string]any{"error": map[string]any{"code": "nonsense", "message": "x"}}) == nil {
			t.Errorf("%s accepts any code", name)
		}
	}
}

// TestOpenAPIRoutesMatchRouteTable compares the routes the platform mounts
// with the document's paths, both ways.
func TestOpenAPIRoutesMatchRouteTable(t *testing.T) {
	s := loadOpenAPI(t)
	gin.SetMode(gin.TestMode)
	p, err := incroci.New(context.Background(), incroci.Config{
		DB: testdb.SQLite(t), Secret: bytes.Repeat([]byte("r"), 32),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	engine := gin.New()
	p.Mount(engine.Group("/incroci"))
	for _, r := range engine.Routes() {
		if !strings.HasPrefix(r.Path, "/incroci/") {
			t.Errorf("route %s %s is outside the mount point", r.Method, r.Path)
		}
	}
	if n := len(engine.Routes()); n < 20 {
		t.Errorf("only %d routes mounted", n)
	}
	s.CheckRoutes(t, engine, "/incroci")
}

// TestOpenAPICheckerCatchesDrift makes sure the checker is not lenient with
// this document: an undocumented status, a missing field, an extra field
// and a missing header are caught.
func TestOpenAPICheckerCatchesDrift(t *testing.T) {
	s := loadOpenAPI(t)
	jsonResp := func(status int, body string, hdr ...string) resp {
		h := http.Header{"Content-Type": {"application/json; charset=utf-8"}, "X-Request-Id": {"ABCDEFGHIJKLMNOPQRST"}}
		for i := 0; i+1 < len(hdr); i += 2 {
			h.Set(hdr[i], hdr[i+1])
		}
		return resp{Status: status, Header: h, Raw: []byte(body)}
	}
	check := func(method, path string, r resp) error { return s.Validate(method, path, r.Status, r.Header, r.Raw) }
	if s.Match("GET", "/me") == nil || s.Match("POST", "/auth/email") == nil || s.Match("GET", "/ambiti/lodi/people/events").Path != "/ambiti/{slug}/people/events" {
		t.Fatal("paths do not match their templates")
	}
	good := `{"data":{"id":1,"email":"a@b.it","name":"","languages":[],"service":"","roles":[{"ambito":"lodi","role":"operator"}],"admin":false}}`
	if err := check("GET", "/me", jsonResp(200, good)); err != nil {
		t.Fatalf("a good answer is refused: %v", err)
	}
	for what, r := range map[string]resp{
		"undocumented status": jsonResp(418, good),
		"missing field":       jsonResp(200, strings.Replace(good, `"admin":false`, `"x":1`, 1)),
		"extra field":         jsonResp(200, strings.Replace(good, `"admin":false`, `"admin":false,"secret":"s"`, 1)),
		"null list":           jsonResp(200, strings.Replace(good, `"languages":[]`, `"languages":null`, 1)),
		"unknown role":        jsonResp(200, strings.Replace(good, `"operator"`, `"admin"`, 1)),
		"missing request id":  {Status: 401, Header: http.Header{"Content-Type": {"application/json"}}, Raw: []byte(`{"error":{"code":"unauthorized","message":"x"}}`)},
		"wrong error code":    jsonResp(401, `{"error":{"code":"invalid_code","message":"x"}}`),
		"wrong content type":  {Status: 200, Header: http.Header{"Content-Type": {"text/html"}, "X-Request-Id": {"ABCDEFGHIJKLMNOPQRST"}}, Raw: []byte("<p>")},
	} {
		if err := check("GET", "/me", r); err == nil {
			t.Errorf("%s: not caught", what)
		}
	}
	limited := `{"error":{"code":"rate_limited","message":"x"}}`
	if err := check("POST", "/auth/email", jsonResp(429, limited)); err == nil {
		t.Error("429 without Retry-After: not caught")
	}
	if err := check("POST", "/auth/email", jsonResp(429, limited, "Retry-After", "60")); err != nil {
		t.Errorf("429 with Retry-After refused: %v", err)
	}
}

// TestOpenAPIEveryOperationAnswers calls every documented operation once with
// a good request, and some with bad ones, so that each success answer (and
// the common errors) meets the document even when no other test calls it.
func TestOpenAPIEveryOperationAnswers(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t))
	ok := func(r resp, status int, what string) resp {
		t.Helper()
		expect(t, r, status, what)
		return r
	}

	ok(e.req("GET", "/openapi.json", nil), 200, "document")
	w := ok(e.req("GET", "/widgets/signin.js", nil), 200, "widget")
	ok(e.req("GET", "/widgets/signin.js", nil, "If-None-Match", w.Header.Get("ETag")), 304, "widget not modified")
	ok(e.req("HEAD", "/widgets/signin.js", nil), 200, "widget headers")
	ok(e.req("GET", "/widgets/nothing.js", nil), 404, "no such widget")

	// Public routes, with and without an administrator's token.
	admin := e.person("admin@rete.example.it", ":admin")
	ok(e.req("GET", "/ambiti", nil), 200, "list ambiti")
	ok(e.as(admin, "GET", "/ambiti", nil), 200, "list ambiti as admin")
	ok(e.req("GET", "/ambiti/lodi", nil), 200, "get ambito")
	ok(e.as(admin, "GET", "/ambiti/lodi", nil), 200, "get ambito as admin")
	ok(e.req("GET", "/ambiti/nessuno", nil), 404, "unknown ambito")
	ok(e.req("GET", "/ambiti", nil, "Origin", "https://evil.example.com"), 403, "origin not allowed")

	// Ambiti and secrets, as admin.
	ok(e.as(admin, "POST", "/ambiti", map[string]any{"slug": "garbagnate", "name": "Ambito di Garbagnate Milanese", "comuni": []string{"Bollate"}}), 201, "create ambito")
	ok(e.as(admin, "POST", "/ambiti", map[string]any{"slug": "garbagnate", "name": "Doppione"}), 409, "duplicate ambito")
	ok(e.as(admin, "POST", "/ambiti", map[string]any{"slug": "Non Valido", "name": "x", "extra": 1}), 422, "invalid ambito")
	ok(e.as(admin, "POST", "/ambiti", "{"), 400, "malformed")
	ok(e.as(admin, "POST", "/ambiti", "slug=x", "Content-Type", "application/x-www-form-urlencoded"), 415, "form body")
	ok(e.as(admin, "PATCH", "/ambiti/garbagnate", map[string]any{"lead_body": "Comune di Garbagnate Milanese", "origins": []string{"https://www.garbagnate.example.it"}}), 200, "update ambito")
	secret := ok(e.as(admin, "POST", "/ambiti/lodi/secrets", nil), 201, "rotate secret").data()
	ok(e.as(admin, "GET", "/ambiti/lodi/secrets", nil), 200, "list secrets")

	// A host-site identity, signed with that secret.
	key, err := base64.RawURLEncoding.DecodeString(secret["secret"].(string))
	if err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, incroci.HostClaims{Email: "l.bianchi@comune.lodi.it", Name: "Luca Bianchi",
		RegisteredClaims: jwt.RegisteredClaims{Issuer: "lodi", Audience: jwt.ClaimStrings{"incroci"}, ID: "openapi-1",
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(5 * time.Minute))}})
	tok.Header["kid"] = secret["kid"]
	signed, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	ok(e.req("POST", "/auth/host", map[string]any{"assertion": signed}), 200, "host exchange")
	ok(e.req("POST", "/auth/host", map[string]any{"assertion": signed}), 401, "host token replayed")
	ok(e.as(admin, "DELETE", "/ambiti/lodi/secrets/"+secret["kid"].(string), nil), 204, "revoke secret")

	// E-mail sign-in, its refusals and its limit.
	op := e.signIn("a.verdi@comune.lodi.it")
	ok(e.req("POST", "/auth/email/verify", map[string]any{"email": "a.verdi@comune.lodi.it", "code": "000000"}), 401, "wrong code")
	ok(e.req("POST", "/auth/email", map[string]any{"email": "not an address"}), 422, "bad address")
	var last resp
	for range 4 {
		last = e.req("POST", "/auth/email", map[string]any{"email": "chiunque@example.org"}, "X-Forwarded-For", "10.77.0.1")
	}
	ok(last, 429, "too many codes")

	// The profile.
	ok(e.req("GET", "/me", nil), 401, "me without a token")
	ok(e.as(op, "GET", "/me", nil), 200, "me")
	ok(e.as(op, "PATCH", "/me", map[string]any{"name": "Anna Verdi", "languages": []string{"it", "AR"}, "service": "Servizio sociale di base"}), 200, "update me")
	ok(e.as(op, "PATCH", "/me", map[string]any{"languages": []string{"klingon-xx"}}), 422, "unknown language")

	// People and roles, as a coordinator of lodi.
	coord := e.person("coordinamento@comune.lodi.it", "lodi:coordinator")
	ok(e.as(op, "GET", "/ambiti/lodi/people", nil), 403, "operator lists people")
	inv := ok(e.as(coord, "POST", "/ambiti/lodi/invitations", map[string]any{"email": "m.rossi@comune.lodi.it", "name": "Maria Rossi", "roles": []string{"mediator"}, "return_url": lodiOrigin + "/sportello"}), 201, "invite").data()
	id := strconv.FormatInt(int64(inv["id"].(float64)), 10)
	ok(e.as(coord, "GET", "/ambiti/lodi/people?q=ross&role=mediator&page=1&per_page=10", nil), 200, "list people")
	ok(e.as(coord, "GET", "/ambiti/lodi/people?per_page=1000", nil), 422, "per_page too big")
	ok(e.as(coord, "PUT", "/ambiti/lodi/people/"+id+"/roles/trainer", nil), 200, "grant")
	ok(e.as(coord, "PUT", "/ambiti/lodi/people/"+id+"/roles/admin", nil), 422, "grant admin")
	ok(e.as(coord, "DELETE", "/ambiti/lodi/people/"+id+"/roles/mediator", nil), 200, "revoke")
	ok(e.as(coord, "DELETE", "/ambiti/lodi/people/999999/roles/mediator", nil), 404, "revoke from nobody")
	ok(e.as(coord, "GET", "/ambiti/lodi/audit", nil), 200, "audit")
	ok(e.as(coord, "GET", "/ambiti/crema/audit", nil), 403, "audit of another ambito")

	// The live stream of changes: headers only, then hang up.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL+"/incroci/ambiti/lodi/people/events?last_event_id=0", nil)
	req.Header.Set("Authorization", "Bearer "+coord)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(res.Body).ReadString('\n')
	cancel()
	res.Body.Close()
	expect(t, resp{Status: res.StatusCode, Raw: []byte(line)}, 200, "event stream")
	if !strings.HasPrefix(line, "retry:") {
		t.Errorf("the stream starts with %q", line)
	}
	checkAgainstOpenAPI(t, "GET", "/incroci", "/ambiti/lodi/people/events?last_event_id=0", resp{Status: res.StatusCode, Header: res.Header})

	// Signing out.
	ok(e.as(op, "POST", "/auth/signout", nil), 204, "sign out")
	ok(e.as(op, "GET", "/me", nil), 401, "me after signing out")
	ok(e.as(coord, "POST", "/auth/signout-all", nil), 204, "sign out everywhere")
}
