package apitest_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/incrocicomuni/incroci/internal/apitest"
	"github.com/incrocicomuni/incroci/internal/openapitest"
)

// doc documents a list, a creation with a validation error, a plain text
// answer, and an answer the server gets wrong (/drift).
const doc = `{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "components": {
    "schemas": {
      "Thing": {"type": "object", "additionalProperties": false, "required": ["id", "name"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
      "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code"],
        "properties": {"code": {"type": "string"}, "fields": {"type": "array"}}}}}
    }
  },
  "paths": {
    "/things": {
      "get": {"responses": {
        "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "required": ["data"],
          "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}}}},
        "401": {"description": "who?", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}},
      "post": {"responses": {
        "201": {"description": "made", "content": {"application/json": {"schema": {"type": "object", "required": ["data"],
          "properties": {"data": {"$ref": "#/components/schemas/Thing"}}}}}},
        "422": {"description": "bad", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}
    },
    "/text": {"get": {"responses": {"200": {"description": "ok", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
    "/drift": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object",
      "required": ["data"], "properties": {"data": {"$ref": "#/components/schemas/Thing"}}}}}}}}}
  }
}`

// sent is what the server received last.
type sent struct {
	method, auth, ctype, extra, body string
}

func server(t *testing.T) (*httptest.Server, func() sent) {
	gin.SetMode(gin.TestMode)
	var mu sync.Mutex
	var last sent
	r := gin.New()
	api := r.Group("/mount")
	api.Use(func(c *gin.Context) {
		body, _ := io.ReadAll(c.Request.Body)
		mu.Lock()
		last = sent{c.Request.Method, c.GetHeader("Authorization"), c.GetHeader("Content-Type"), c.GetHeader("X-Extra"), string(body)}
		mu.Unlock()
		c.Request.Body = io.NopCloser(strings.NewReader(string(body)))
	})
	api.GET("/things", func(c *gin.Context) {
		if c.GetHeader("Authorization") != "Bearer tok-ana" {
			c.JSON(401, gin.H{"error": gin.H{"code": "unauthorized"}})
			return
		}
		c.JSON(200, gin.H{"data": []gin.H{{"id": 1, "name": "uno"}}})
	})
	api.POST("/things", func(c *gin.Context) {
		var in struct{ Name string }
		if c.ShouldBindJSON(&in) != nil || in.Name == "" {
			c.JSON(422, gin.H{"error": gin.H{"code": "validation", "fields": []gin.H{{"field": "name"}}}})
			return
		}
		c.JSON(201, gin.H{"data": gin.H{"id": 2, "name": in.Name}})
	})
	api.GET("/text", func(c *gin.Context) { c.String(200, "ciao") })
	api.GET("/drift", func(c *gin.Context) { c.JSON(200, gin.H{"data": gin.H{"id": "3", "name": "tre"}}) })
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv, func() sent { mu.Lock(); defer mu.Unlock(); return last }
}

// recorder is a testing.TB that keeps failures instead of failing.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }
func (r *recorder) Fatal(args ...any)                 { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recorder) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errs, "\n")
}

func TestClient(t *testing.T) {
	srv, last := server(t)
	checker := openapitest.New(t, []byte(doc))
	c := apitest.Client{
		URL:     srv.URL + "/mount",
		Token:   func(who string) string { return "tok-" + who },
		OpenAPI: func(testing.TB) *openapitest.Checker { return checker },
	}

	// As a person, with a header: the token and the header are sent, the
	// list is decoded.
	r := apitest.Expect(t, c.Req(t, "ana", "GET", "/things", nil, "X-Extra", "sì"), 200, "list")
	if got := last(); got.auth != "Bearer tok-ana" || got.extra != "sì" || got.ctype != "" || got.body != "" {
		t.Errorf("sent %+v", got)
	}
	if l := r.List(); len(l) != 1 || l[0].(map[string]any)["name"] != "uno" || r.Data() != nil {
		t.Errorf("list %v, data %v", l, r.Data())
	}
	// As nobody: no Authorization.
	r = apitest.Expect(t, c.Req(t, "", "GET", "/things", nil), 401, "anonymous")
	if got := last(); got.auth != "" || r.Code() != "unauthorized" {
		t.Errorf("sent %+v, code %q", got, r.Code())
	}

	// A value is sent as JSON, a string as it is.
	r = apitest.Expect(t, c.Req(t, "ana", "POST", "/things", map[string]any{"name": "due"}), 201, "create")
	if got := last(); got.ctype != "application/json" || got.body != `{"name":"due"}` || r.Data()["name"] != "due" {
		t.Errorf("sent %+v, got %v", got, r.Body)
	}
	r = apitest.Expect(t, c.Req(t, "ana", "POST", "/things", `{"name":""}`), 422, "invalid")
	if got := last(); got.body != `{"name":""}` || r.Code() != "validation" || strings.Join(r.Fields(), ",") != "name" {
		t.Errorf("sent %+v, got %v (fields %v)", got, r.Body, r.Fields())
	}
	// Send with its own type, and a header overriding it.
	c.Send(t, "ana", "POST", "/things", "text/plain", strings.NewReader("x"))
	if got := last(); got.ctype != "text/plain" || got.body != "x" {
		t.Errorf("Send sent %+v", got)
	}
	c.Send(t, "ana", "POST", "/things", "text/plain", strings.NewReader(`{"name":"tre"}`), "Content-Type", "application/json")
	if got := last(); got.ctype != "application/json" {
		t.Errorf("a header did not win over ctype: %+v", got)
	}

	// Text is kept raw and not decoded.
	r = apitest.Expect(t, c.Req(t, "", "GET", "/text", nil), 200, "text")
	if string(r.Raw) != "ciao" || r.Body != nil {
		t.Errorf("text: %q, %v", r.Raw, r.Body)
	}

	// Every answer went through the checker.
	if u := checker.Unseen(); len(u) != 1 || u[0] != "GET /drift 200" {
		t.Errorf("unseen: %v", u)
	}
}

// TestClientFails checks that an answer the document does not allow, a
// wrong status and a client without a document each fail the test.
func TestClientFails(t *testing.T) {
	srv, _ := server(t)
	checker := openapitest.New(t, []byte(doc))
	c := apitest.Client{URL: srv.URL + "/mount", Token: func(string) string { return "" },
		OpenAPI: func(testing.TB) *openapitest.Checker { return checker }}

	rec := &recorder{TB: t}
	r := c.Req(rec, "", "GET", "/drift", nil)
	if r.Status != 200 || !strings.Contains(rec.all(), "GET /drift") {
		t.Errorf("an answer against the document passes: %d, %q", r.Status, rec.all())
	}

	rec = &recorder{TB: t}
	apitest.Expect(rec, apitest.Response{Status: 404, Raw: []byte(`{"error":{}}`)}, 200, "read")
	if got := rec.all(); got != `read: status 404, want 200; body {"error":{}}` {
		t.Errorf("a wrong status: %q", got)
	}
	rec = &recorder{TB: t}
	apitest.Expect(rec, apitest.Response{Status: 200}, 200, "read")
	if rec.all() != "" {
		t.Errorf("the right status fails: %q", rec.all())
	}

	rec = &recorder{TB: t}
	func() {
		defer func() { recover() }() // the recorder does not stop at Fatal
		apitest.Client{URL: srv.URL + "/mount"}.Req(rec, "", "GET", "/text", nil)
	}()
	if !strings.Contains(rec.all(), "no OpenAPI document") {
		t.Errorf("a client without a document passes: %q", rec.all())
	}
}
