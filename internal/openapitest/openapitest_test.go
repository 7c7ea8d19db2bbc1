package openapitest_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/openapitest"
)

// doc is a small document: a list, an item with a literal sibling, a file
// download of any type, a deletion without a body, a limited route with a
// numeric header.
const doc = `{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "tags": [{"name": "things"}],
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "headers": {"X-Request-Id": {"required": true, "schema": {"type": "string", "pattern": "^[A-Z0-9]{8,}$"}}},
    "schemas": {
      "Thing": {"type": "object", "additionalProperties": false, "required": ["id", "name"],
        "properties": {"id": {"type": "integer", "minimum": 1}, "name": {"type": "string", "minLength": 1}}},
      "Error": {"type": "object", "additionalProperties": false, "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code"], "properties": {"code": {"enum": ["not_found", "rate_limited"]}}}}}
    },
    "responses": {
      "NotFound": {"description": "No such thing.", "headers": {"X-Request-Id": {"$ref": "#/components/headers/X-Request-Id"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    },
    "parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}}
  },
  "paths": {
    "/things": {
      "get": {"operationId": "listThings", "summary": "s", "description": "d", "tags": ["things"], "security": [{"bearer": []}],
        "responses": {
          "200": {"description": "ok", "headers": {"X-Request-Id": {"$ref": "#/components/headers/X-Request-Id"}},
            "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["data"],
              "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}}}},
          "429": {"description": "slow down", "headers": {"Retry-After": {"required": true, "schema": {"type": "integer", "minimum": 1}}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }}
    },
    "/things/{id}": {
      "get": {"operationId": "getThing", "summary": "s", "description": "d", "security": [{"bearer": []}],
        "parameters": [{"$ref": "#/components/parameters/Id"}],
        "responses": {
          "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "required": ["data"],
            "properties": {"data": {"$ref": "#/components/schemas/Thing"}}}}}},
          "404": {"$ref": "#/components/responses/NotFound"}
        }},
      "delete": {"operationId": "deleteThing", "summary": "s", "description": "d", "security": [{"bearer": []}],
        "parameters": [{"$ref": "#/components/parameters/Id"}],
        "responses": {"204": {"description": "gone"}}}
    },
    "/things/latest": {
      "get": {"operationId": "latestThing", "summary": "s", "description": "d", "security": [],
        "responses": {"200": {"description": "ok", "content": {"text/plain": {"schema": {"type": "string"}}}}}}
    },
    "/things/{id}/file": {
      "get": {"operationId": "thingFile", "summary": "s", "description": "d", "security": [{"bearer": []}],
        "parameters": [{"$ref": "#/components/parameters/Id"}],
        "responses": {"200": {"description": "the file", "headers": {"Content-Disposition": {"required": true, "schema": {"type": "string", "pattern": "^attachment"}}},
          "content": {"application/pdf": {}, "image/*": {}}}}}
    }
  }
}`

func jsonHeader(kv ...string) http.Header {
	h := http.Header{"Content-Type": {"application/json; charset=utf-8"}, "X-Request-Id": {"ABCDEFGH12"}}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func TestMatch(t *testing.T) {
	c := openapitest.New(t, []byte(doc))
	for path, want := range map[string]string{
		"/things":            "GET /things",
		"/things/7":          "GET /things/{id}",
		"/things/latest":     "GET /things/latest",
		"/things/7/file?x=1": "GET /things/{id}/file",
		"/things/7?page=2":   "GET /things/{id}",
	} {
		o := c.Match("GET", path)
		if o == nil || o.Key() != want {
			t.Errorf("GET %s matched %v, want %s", path, o, want)
		}
	}
	if c.Match("GET", "/nothing") != nil || c.Match("POST", "/things") != nil || c.Match("GET", "/things//file") != nil {
		t.Error("unknown operations match")
	}
	if n := len(c.Operations()); n != 5 {
		t.Errorf("%d operations, want 5", n)
	}
}

func TestValidateCatchesDrift(t *testing.T) {
	c := openapitest.New(t, []byte(doc))
	good := `{"data":[{"id":1,"name":"a"}]}`
	if err := c.Validate("GET", "/things", 200, jsonHeader(), []byte(good)); err != nil {
		t.Fatalf("a good answer is refused: %v", err)
	}
	for what, tc := range map[string]struct {
		path   string
		status int
		header http.Header
		body   string
	}{
		"undocumented status": {"/things", 418, jsonHeader(), good},
		"missing field":       {"/things", 200, jsonHeader(), `{"data":[{"id":1}]}`},
		"extra field":         {"/things", 200, jsonHeader(), `{"data":[{"id":1,"name":"a","x":1}]}`},
		"null list":           {"/things", 200, jsonHeader(), `{"data":null}`},
		"wrong type":          {"/things", 200, jsonHeader(), `{"data":[{"id":"1","name":"a"}]}`},
		"not JSON":            {"/things", 200, jsonHeader(), `{"data":`},
		"missing header":      {"/things", 200, http.Header{"Content-Type": {"application/json"}}, good},
		"bad header":          {"/things", 200, jsonHeader("X-Request-Id", "short"), good},
		"wrong content type":  {"/things", 200, jsonHeader("Content-Type", "text/html"), good},
		"unknown error code":  {"/things/1", 404, jsonHeader(), `{"error":{"code":"gone"}}`},
		"no Retry-After":      {"/things", 429, jsonHeader(), `{"error":{"code":"rate_limited"}}`},
		"bad Retry-After":     {"/things", 429, jsonHeader("Retry-After", "0"), `{"error":{"code":"rate_limited"}}`},
		"body where none":     {"/things/1", 204, http.Header{}, `{}`},
		"undocumented file":   {"/things/1/file", 200, http.Header{"Content-Type": {"text/html"}, "Content-Disposition": {"attachment"}}, "<p>"},
		"inline file":         {"/things/1/file", 200, http.Header{"Content-Type": {"application/pdf"}, "Content-Disposition": {"inline"}}, "%PDF"},
	} {
		if err := c.Validate(http.MethodGet, tc.path, tc.status, tc.header, []byte(tc.body)); err == nil {
			t.Errorf("%s: not caught", what)
		}
	}
	for what, tc := range map[string]struct {
		method, path string
		status       int
		header       http.Header
		body         string
	}{
		"Retry-After as a number": {"GET", "/things", 429, jsonHeader("Retry-After", "60"), `{"error":{"code":"rate_limited"}}`},
		"exact file type":         {"GET", "/things/1/file", 200, http.Header{"Content-Type": {"application/pdf"}, "Content-Disposition": {"attachment"}}, "%PDF"},
		"file type range":         {"GET", "/things/1/file", 200, http.Header{"Content-Type": {"image/png"}, "Content-Disposition": {"attachment; filename=a.png"}}, "\x89PNG"},
		"no body":                 {"DELETE", "/things/1", 204, nil, ""},
		"plain text":              {"GET", "/things/latest", 200, http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, "hello"},
	} {
		if err := c.Validate(tc.method, tc.path, tc.status, tc.header, []byte(tc.body)); err != nil {
			t.Errorf("%s: refused: %v", what, err)
		}
	}
	if err := c.Validate("GET", "/nothing", 200, nil, nil); !errors.Is(err, openapitest.ErrNoOperation) {
		t.Errorf("unknown path: %v", err)
	}
	if err := c.ValidateAt("/components/schemas/Thing", map[string]any{"id": 2, "name": "b"}); err != nil {
		t.Errorf("ValidateAt refuses a good value: %v", err)
	}
	if err := c.ValidateAt("/components/schemas/Thing", map[string]any{"id": 0, "name": "b"}); err == nil {
		t.Error("ValidateAt accepts id 0")
	}
}

// recorder is a testing.TB that keeps errors instead of failing.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) Helper() {}

func (r *recorder) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errs, "\n")
}

func TestCheckRecordsAndCoverage(t *testing.T) {
	c := openapitest.New(t, []byte(doc))
	if n := len(c.Unseen()); n != 5 {
		t.Fatalf("%d unseen success answers before any check, want 5: %v", n, c.Unseen())
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Check(t, "GET", fmt.Sprintf("/things/%d", i+1), 200, jsonHeader(), []byte(fmt.Sprintf(`{"data":{"id":%d,"name":"x"}}`, i+1)))
			c.Check(t, "DELETE", fmt.Sprintf("/things/%d", i+1), 204, http.Header{}, nil)
			c.Check(t, "OPTIONS", "/things", 204, nil, nil)        // preflight: ignored
			c.Check(t, "GET", "/elsewhere", 404, nil, []byte("x")) // not documented: ignored
		}()
	}
	wg.Wait()
	got := strings.Join(c.Unseen(), ",")
	if got != "GET /things 200,GET /things/latest 200,GET /things/{id}/file 200" {
		t.Errorf("unseen: %s", got)
	}
	cov := c.Coverage()
	if len(cov.Never) != 3 || !strings.Contains(strings.Join(cov.UnseenOther, ","), "GET /things/{id}: 404") {
		t.Errorf("coverage: %+v", cov)
	}

	// A bad answer fails the test and is still recorded.
	r := &recorder{TB: t}
	c.Check(r, "GET", "/things", 200, jsonHeader(), []byte(`{"data":[{"id":0,"name":""}]}`))
	if !strings.Contains(r.all(), "GET /things") {
		t.Errorf("a bad answer passed: %q", r.all())
	}
	if strings.Contains(strings.Join(c.Unseen(), ","), "GET /things 200") {
		t.Error("the bad answer was not recorded")
	}

	var out strings.Builder
	if c.Report(&out, true) || !strings.Contains(out.String(), "GET /things/latest 200") {
		t.Errorf("a strict report passes with unseen answers: %q", out.String())
	}
	var nilChecker *openapitest.Checker
	out.Reset()
	if nilChecker.Report(&out, true) || !strings.Contains(out.String(), "no answer") {
		t.Errorf("a strict report with no checker passes: %q", out.String())
	}
	if !nilChecker.Report(&out, false) && !testing.Verbose() {
		t.Error("a lenient report fails")
	}
}

func TestCheckRoutes(t *testing.T) {
	gin.SetMode(gin.TestMode)
	c := openapitest.New(t, []byte(doc))
	h := func(*gin.Context) {}
	mount := func(extra bool, skip string) *gin.Engine {
		e := gin.New()
		e.GET("/other/thing", h) // outside the prefix: ignored
		g := e.Group("/api/v1")
		for _, r := range [][2]string{{"GET", "/things"}, {"GET", "/things/:id"}, {"DELETE", "/things/:id"}, {"GET", "/things/latest"}, {"GET", "/things/:id/file"}} {
			if r[0]+" "+r[1] != skip {
				g.Handle(r[0], r[1], h)
			}
		}
		g.OPTIONS("/things", h)
		if extra {
			g.POST("/things", h)
		}
		return e
	}
	c.CheckRoutes(t, mount(false, ""), "/api/v1/")

	r := &recorder{TB: t}
	c.CheckRoutes(r, mount(true, "GET /things/:id/file"), "/api/v1")
	if got := r.all(); !strings.Contains(got, "route POST /things is mounted") || !strings.Contains(got, "GET /things/{id}/file, which is not mounted") {
		t.Errorf("drift not reported: %q", got)
	}
	r = &recorder{TB: t}
	c.CheckRoutes(r, mount(false, ""), "/api/v2")
	if !strings.Contains(r.all(), "no route") {
		t.Errorf("an empty prefix passes: %q", r.all())
	}
}

func TestLint(t *testing.T) {
	c := openapitest.New(t, []byte(doc))
	refs, schemas := c.Lint(t)
	if refs < 8 || schemas < 8 {
		t.Errorf("walked %d references and %d schemas", refs, schemas)
	}

	bad := strings.NewReplacer(
		`"operationId": "getThing"`, `"operationId": "listThings"`,
		`"summary": "s", "description": "d", "security": [{"bearer": []}],
        "parameters": [{"$ref": "#/components/parameters/Id"}],
        "responses": {"204"`, `"summary": "s", "description": "d", "security": [{"basic": []}],
        "responses": {"204"`,
		`"operationId": "latestThing", "summary": "s", "description": "d", "security": [],`, `"operationId": "latestThing", "tags": ["nope"],`,
		`{"$ref": "#/components/responses/NotFound"}`, `{"$ref": "#/components/responses/Missing"}`,
		`"3.1.0"`, `"3.0.3"`,
	).Replace(doc)
	if bad == doc {
		t.Fatal("the broken document is the good one")
	}
	r := &recorder{TB: t}
	openapitest.New(t, []byte(bad)).Lint(r)
	got := r.all()
	for _, want := range []string{
		"want 3.1.x",
		`operationId "listThings"`,
		`security scheme "basic"`,
		`path parameter "id" is not declared`,
		"GET /things/latest has no summary",
		"does not say its security",
		`tag "nope" is not declared`,
		"#/components/responses/Missing",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lint does not report %q in:\n%s", want, got)
		}
	}
	if _, err := openapitest.Parse([]byte(`{"openapi":"3.1.0","paths":{}}`)); err == nil {
		t.Error("a document without paths parses")
	}
	if _, err := openapitest.Parse([]byte(`{`)); err == nil {
		t.Error("broken JSON parses")
	}
}
