// Package apitest sends HTTP requests to a mounted module's routes in
// tests, as a named person or as nobody, decodes the answers and checks
// every answer against the module's OpenAPI document with an
// [openapitest.Checker].
//
// The module packages' tests keep their fixtures (the env with its
// platform, server, seeding and people) and hand a [Client] the mount
// point, a way to find a person's session token and the document:
//
//	e.api = apitest.Client{URL: srv.URL + "/incroci/toolkit", Token: func(who string) string { return e.tok[who] }, OpenAPI: openAPI}
//	r := apitest.Expect(t, e.api.Req(t, "editor", "GET", "/sheets", nil), 200, "sheets")
package apitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/incrocicomuni/incroci/internal/openapitest"
)

// Response is an answer as the tests see it: the status, the headers, the
// raw body and, when the answer is JSON, the body decoded (nil otherwise).
type Response struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   map[string]any
}

// Data returns the object under "data" (nil when it is not an object).
func (r Response) Data() map[string]any { d, _ := r.Body["data"].(map[string]any); return d }

// List returns the list under "data" (nil when it is not a list).
func (r Response) List() []any { d, _ := r.Body["data"].([]any); return d }

// Code returns the error envelope's code ("" when there is none).
func (r Response) Code() string {
	e, _ := r.Body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// Fields returns the fields named in a validation error, in order.
func (r Response) Fields() []string {
	e, _ := r.Body["error"].(map[string]any)
	fs, _ := e["fields"].([]any)
	var out []string
	for _, f := range fs {
		m, _ := f.(map[string]any)
		s, _ := m["field"].(string)
		out = append(out, s)
	}
	return out
}

// Client sends requests to one mounted module. Its zero value is not
// usable: every field is required.
type Client struct {
	// URL is where the module is mounted, the server's URL and the mount
	// point ("http://127.0.0.1:1234/incroci/toolkit"); paths are relative
	// to it.
	URL string
	// Token returns the session token of the named person. It is not
	// called for "", which sends no Authorization header.
	Token func(who string) string
	// OpenAPI returns the module's document, with paths relative to URL;
	// every answer is checked against it.
	OpenAPI func(t testing.TB) *openapitest.Checker
}

// Req sends a request as who ("" for nobody) with body as JSON: nil sends
// no body, a string is sent as it is, anything else is marshalled. More
// headers follow as name, value pairs. It checks the answer as Send does.
func (c Client) Req(t testing.TB, who, method, path string, body any, headers ...string) Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	ctype := ""
	if rd != nil {
		ctype = "application/json"
	}
	return c.Send(t, who, method, path, ctype, rd, headers...)
}

// Send sends a request as who ("" for nobody) with a body of type ctype
// (none when rd is nil) and more headers as name, value pairs (a
// Content-Type among them wins over ctype). It reads the whole answer,
// decodes it when it is JSON, and checks it against the document: an
// answer the document does not allow fails t, and the checker records the
// status for its coverage report.
func (c Client) Send(t testing.TB, who, method, path, ctype string, rd io.Reader, headers ...string) Response {
	t.Helper()
	if c.OpenAPI == nil {
		t.Fatal("apitest: the Client has no OpenAPI document to check answers against")
	}
	r, err := http.NewRequest(method, c.URL+path, rd)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	if who != "" {
		r.Header.Set("Authorization", "Bearer "+c.Token(who))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := Response{Status: res.StatusCode, Header: res.Header, Raw: raw}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		json.Unmarshal(raw, &out.Body)
	}
	c.OpenAPI(t).Check(t, method, path, out.Status, out.Header, out.Raw)
	return out
}

// Expect fails t at once, naming what and showing the body, when r's
// status is not status; it returns r, for chaining.
func Expect(t testing.TB, r Response, status int, what string) Response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d; body %s", what, r.Status, status, r.Raw)
	}
	return r
}
