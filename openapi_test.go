package incroci_test

// The OpenAPI document against the code: the document is well formed, it
// lists exactly the routes the platform mounts, and every response the tests
// receive (through env.req) is checked against it. TestMain then fails the
// package when some documented success answer was never seen.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// oaURL names the document as a schema resource: schemas are compiled at
// oaURL#/<json pointer>, and "#/components/schemas/…" references resolve in it.
const oaURL = "openapi.json"

var oaMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// oaOperation is one method of one path of the document.
type oaOperation struct {
	method string   // "GET"
	path   string   // "/ambiti/{slug}"
	segs   []string // "ambiti", "{slug}"
	ptr    string   // JSON pointer of the operation object
	id     string   // operationId
	obj    map[string]any
}

func (o *oaOperation) key() string { return o.method + " " + o.path }

// oaSpec is the loaded document with its compiled schemas and what the tests
// saw of it.
type oaSpec struct {
	doc any
	ops []*oaOperation

	mu       sync.Mutex
	compiler *jsonschema.Compiler
	schemas  map[string]*jsonschema.Schema // by pointer
	seen     map[string]map[int]bool       // operation key -> statuses seen
}

var (
	oaOnce sync.Once
	oa     *oaSpec
	oaErr  error
)

// loadOpenAPI parses the embedded document once.
func loadOpenAPI(t testing.TB) *oaSpec {
	t.Helper()
	oaOnce.Do(func() { oa, oaErr = parseOpenAPI(incroci.OpenAPI()) })
	if oaErr != nil {
		t.Fatalf("openapi.json: %v", oaErr)
	}
	return oa
}

func parseOpenAPI(raw []byte) (*oaSpec, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(oaURL, doc); err != nil {
		return nil, err
	}
	s := &oaSpec{doc: doc, compiler: c, schemas: map[string]*jsonschema.Schema{}, seen: map[string]map[int]bool{}}
	paths, _ := mapAt(doc, "paths")
	if paths == nil {
		return nil, fmt.Errorf("no paths")
	}
	for _, p := range sortedKeys(paths) {
		item, _ := paths[p].(map[string]any)
		for _, m := range oaMethods {
			o, ok := item[m].(map[string]any)
			if !ok {
				continue
			}
			id, _ := o["operationId"].(string)
			s.ops = append(s.ops, &oaOperation{
				method: strings.ToUpper(m), path: p, segs: strings.Split(strings.Trim(p, "/"), "/"),
				ptr: "/paths/" + escapePtr(p) + "/" + m, id: id, obj: o,
			})
		}
	}
	return s, nil
}

func mapAt(v any, keys ...string) (map[string]any, bool) {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		v = m[k]
	}
	m, ok := v.(map[string]any)
	return m, ok
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func escapePtr(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) }

func unescapePtr(s string) string { return strings.NewReplacer("~1", "/", "~0", "~").Replace(s) }

// resolvePtr returns the value at a JSON pointer ("/components/schemas/Me").
func (s *oaSpec) resolvePtr(ptr string) (any, error) {
	v := s.doc
	if ptr == "" {
		return v, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = unescapePtr(tok)
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[tok]
			if !ok {
				return nil, fmt.Errorf("%s: no %q", ptr, tok)
			}
			v = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil, fmt.Errorf("%s: no item %q", ptr, tok)
			}
			v = x[i]
		default:
			return nil, fmt.Errorf("%s: %q inside a scalar", ptr, tok)
		}
	}
	return v, nil
}

// deref follows a "$ref" (local to the document) from the object at ptr, and
// returns the object it names and that object's pointer.
func (s *oaSpec) deref(ptr string) (map[string]any, string, error) {
	for range 10 {
		v, err := s.resolvePtr(ptr)
		if err != nil {
			return nil, "", err
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, "", fmt.Errorf("%s is not an object", ptr)
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return m, ptr, nil
		}
		if !strings.HasPrefix(ref, "#") {
			return nil, "", fmt.Errorf("%s: only local references are used, not %q", ptr, ref)
		}
		ptr = strings.TrimPrefix(ref, "#")
	}
	return nil, "", fmt.Errorf("%s: reference loop", ptr)
}

// schemaAt compiles (once) the schema at ptr.
func (s *oaSpec) schemaAt(ptr string) (*jsonschema.Schema, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.schemas[ptr]; ok {
		return sch, nil
	}
	sch, err := s.compiler.Compile(oaURL + "#" + ptr)
	if err != nil {
		return nil, err
	}
	s.schemas[ptr] = sch
	return sch, nil
}

// match finds the operation for a method and a concrete path relative to
// the mount point; literal segments win over parameters.
func (s *oaSpec) match(method, path string) *oaOperation {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var best *oaOperation
	bestLiterals := -1
	for _, o := range s.ops {
		if o.method != method || len(o.segs) != len(segs) {
			continue
		}
		literals, ok := 0, true
		for i, ts := range o.segs {
			if strings.HasPrefix(ts, "{") && strings.HasSuffix(ts, "}") {
				if segs[i] == "" {
					ok = false
					break
				}
				continue
			}
			if ts != segs[i] {
				ok = false
				break
			}
			literals++
		}
		if ok && literals > bestLiterals {
			best, bestLiterals = o, literals
		}
	}
	return best
}

func (s *oaSpec) record(o *oaOperation, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[o.key()] == nil {
		s.seen[o.key()] = map[int]bool{}
	}
	s.seen[o.key()][status] = true
}

// responsePtr finds the pointer of the response documented for status.
func (s *oaSpec) responsePtr(o *oaOperation, status int) (map[string]any, string, error) {
	rs, _ := o.obj["responses"].(map[string]any)
	for _, k := range []string{strconv.Itoa(status), strconv.Itoa(status/100) + "XX", "default"} {
		if _, ok := rs[k]; ok {
			return s.deref(o.ptr + "/responses/" + k)
		}
	}
	return nil, "", fmt.Errorf("status %d is not documented for %s (documented: %s)", status, o.key(), strings.Join(sortedKeys(rs), ", "))
}

// check validates one answer against the document.
func (s *oaSpec) check(o *oaOperation, method string, r resp) error {
	res, ptr, err := s.responsePtr(o, r.Status)
	if err != nil {
		return err
	}
	var problems []string
	headers, _ := res["headers"].(map[string]any)
	for _, name := range sortedKeys(headers) {
		h, hptr, err := s.deref(ptr + "/headers/" + escapePtr(name))
		if err != nil {
			return err
		}
		val := r.Header.Get(name)
		if val == "" {
			if req, _ := h["required"].(bool); req {
				problems = append(problems, "header "+name+" is missing")
			}
			continue
		}
		if _, ok := h["schema"]; ok {
			if err := s.validateHeader(hptr+"/schema", val); err != nil {
				problems = append(problems, fmt.Sprintf("header %s: %q: %v", name, val, err))
			}
		}
	}
	content, _ := res["content"].(map[string]any)
	ct := r.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	switch {
	case len(content) == 0:
		if len(r.Raw) != 0 {
			problems = append(problems, fmt.Sprintf("documented without a body, but got %d bytes of %q", len(r.Raw), ct))
		}
	case content[mt] == nil:
		problems = append(problems, fmt.Sprintf("content type %q is not documented (documented: %s)", ct, strings.Join(sortedKeys(content), ", ")))
	case mt == "application/json":
		if method == http.MethodHead {
			break
		}
		if _, ok := content[mt].(map[string]any)["schema"]; !ok {
			break
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.Raw))
		if err != nil {
			problems = append(problems, "body is not JSON: "+err.Error())
			break
		}
		sch, err := s.schemaAt(ptr + "/content/" + escapePtr(mt) + "/schema")
		if err != nil {
			return err
		}
		if err := sch.Validate(v); err != nil {
			problems = append(problems, "body: "+err.Error())
		}
	default:
		// text/event-stream, text/javascript, text/plain: the content type is
		// what the document promises.
	}
	if problems != nil {
		return fmt.Errorf("%d (%s):\n  %s", r.Status, ptr, strings.Join(problems, "\n  "))
	}
	return nil
}

// validateHeader checks a header value as a string or, failing that, as the
// JSON number it spells (Retry-After: 60).
func (s *oaSpec) validateHeader(ptr, val string) error {
	sch, err := s.schemaAt(ptr)
	if err != nil {
		return err
	}
	errStr := sch.Validate(val)
	if errStr == nil {
		return nil
	}
	if n, err := jsonschema.UnmarshalJSON(strings.NewReader(val)); err == nil {
		if _, isNum := n.(json.Number); isNum && sch.Validate(n) == nil {
			return nil
		}
	}
	return errStr
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
	s := loadOpenAPI(t)
	p, _, _ := strings.Cut(path, "?")
	p, _, _ = strings.Cut(p, "#")
	o := s.match(method, p)
	if o == nil {
		return
	}
	s.record(o, r.Status)
	if err := s.check(o, method, r); err != nil {
		t.Errorf("openapi: %s %s%s does not answer as documented: %v\n  body: %.600s", method, mount, path, err, r.Raw)
	}
}

// TestMain runs the tests, then lists the documented operations no test
// exercised and fails when a documented success status of an operation was
// never seen, so that every route's success answer meets the document at
// least once. A run limited with -run or -skip only lists.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	strict := !flagSet("test.run") && !flagSet("test.skip") && !flagSet("test.list")
	if !reportOpenAPICoverage(os.Stderr, strict) && code == 0 {
		code = 1
	}
	os.Exit(code)
}

func flagSet(name string) bool {
	f := flag.Lookup(name)
	return f != nil && f.Value.String() != ""
}

// reportOpenAPICoverage writes what the tests never saw and reports false
// when strict and some documented 2xx status was never seen.
func reportOpenAPICoverage(w io.Writer, strict bool) bool {
	s := oa
	if !strict && !testing.Verbose() {
		return true
	}
	if s == nil {
		if strict {
			fmt.Fprintln(w, "openapi: no response was checked against openapi.json")
			return false
		}
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := true
	var never, missing2xx, missingErr []string
	for _, o := range s.ops {
		seen := s.seen[o.key()]
		if len(seen) == 0 {
			never = append(never, o.key()+" ("+o.id+")")
		}
		rs, _ := o.obj["responses"].(map[string]any)
		var miss []string
		for _, k := range sortedKeys(rs) {
			st, err := strconv.Atoi(k)
			if err != nil || seen[st] {
				continue
			}
			if st >= 200 && st < 300 {
				missing2xx = append(missing2xx, fmt.Sprintf("%s %d", o.key(), st))
			} else {
				miss = append(miss, k)
			}
		}
		if miss != nil {
			missingErr = append(missingErr, o.key()+": "+strings.Join(miss, " "))
		}
	}
	if never != nil {
		fmt.Fprintf(w, "openapi: operations no test exercised:\n  %s\n", strings.Join(never, "\n  "))
	}
	if missing2xx != nil {
		fmt.Fprintf(w, "openapi: documented success answers never checked:\n  %s\n", strings.Join(missing2xx, "\n  "))
		if strict {
			ok = false
		}
	}
	if testing.Verbose() && missingErr != nil {
		fmt.Fprintf(w, "openapi: documented error answers never seen:\n  %s\n", strings.Join(missingErr, "\n  "))
	}
	return ok
}

// TestOpenAPIDocument checks that the document is OpenAPI 3.1 and complete:
// every operation has an id, a summary, explicit security and responses;
// every path parameter is declared; every reference resolves and every
// schema compiles.
func TestOpenAPIDocument(t *testing.T) {
	s := loadOpenAPI(t)
	root := s.doc.(map[string]any)
	if v, _ := root["openapi"].(string); !strings.HasPrefix(v, "3.1") {
		t.Fatalf("openapi is %q, want 3.1.x", v)
	}
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
	schemes, _ := mapAt(root, "components", "securitySchemes")
	if b, _ := schemes["bearer"].(map[string]any); b["type"] != "http" || b["scheme"] != "bearer" {
		t.Errorf("components.securitySchemes.bearer is %v, want HTTP bearer", schemes["bearer"])
	}
	tags := map[string]bool{}
	for _, tg := range root["tags"].([]any) {
		tags[tg.(map[string]any)["name"].(string)] = true
	}

	ids := map[string]string{}
	for _, o := range s.ops {
		if o.id == "" {
			t.Errorf("%s has no operationId", o.key())
		} else if prev, dup := ids[o.id]; dup {
			t.Errorf("operationId %q of %s is also %s's", o.id, o.key(), prev)
		}
		ids[o.id] = o.key()
		if o.obj["summary"] == nil || o.obj["description"] == nil {
			t.Errorf("%s lacks a summary or description", o.key())
		}
		for _, tg := range o.obj["tags"].([]any) {
			if !tags[tg.(string)] {
				t.Errorf("%s: tag %q is not declared", o.key(), tg)
			}
		}
		sec, ok := o.obj["security"].([]any)
		if !ok {
			t.Errorf("%s does not say its security (use [] for public routes)", o.key())
		}
		for _, req := range sec {
			for name := range req.(map[string]any) {
				if schemes[name] == nil {
					t.Errorf("%s: security scheme %q is not declared", o.key(), name)
				}
			}
		}
		rs, _ := o.obj["responses"].(map[string]any)
		if len(rs) == 0 {
			t.Errorf("%s has no responses", o.key())
		}
		has2xx := false
		for k := range rs {
			has2xx = has2xx || strings.HasPrefix(k, "2")
			r, _, err := s.deref(o.ptr + "/responses/" + k)
			if err != nil {
				t.Errorf("%s %s: %v", o.key(), k, err)
			} else if d, _ := r["description"].(string); d == "" {
				t.Errorf("%s %s: response without a description", o.key(), k)
			}
		}
		if !has2xx {
			t.Errorf("%s documents no success answer", o.key())
		}
		declared := map[string]bool{}
		params, _ := o.obj["parameters"].([]any)
		for i := range params {
			p, _, err := s.deref(fmt.Sprintf("%s/parameters/%d", o.ptr, i))
			if err != nil {
				t.Errorf("%s: %v", o.key(), err)
				continue
			}
			if p["in"] == "path" {
				declared[p["name"].(string)] = true
				if p["required"] != true {
					t.Errorf("%s: path parameter %v must be required", o.key(), p["name"])
				}
			}
		}
		for _, seg := range o.segs {
			if name, ok := strings.CutPrefix(seg, "{"); ok {
				name = strings.TrimSuffix(name, "}")
				if !declared[name] {
					t.Errorf("%s: path parameter %q is not declared", o.key(), name)
				}
				delete(declared, name)
			}
		}
		for name := range declared {
			t.Errorf("%s: parameter %q is not in the path", o.key(), name)
		}
	}

	// Every reference resolves; every schema compiles.
	var refs, schemaPtrs []string
	var walk func(v any, ptr string, inSchema bool)
	walk = func(v any, ptr string, inSchema bool) {
		switch x := v.(type) {
		case map[string]any:
			for k, child := range x {
				cp := ptr + "/" + escapePtr(k)
				if ref, ok := child.(string); ok && k == "$ref" {
					refs = append(refs, ref)
					continue
				}
				if !inSchema && k == "schema" {
					schemaPtrs = append(schemaPtrs, cp)
					walk(child, cp, true)
					continue
				}
				walk(child, cp, inSchema)
			}
		case []any:
			for i, child := range x {
				walk(child, ptr+"/"+strconv.Itoa(i), inSchema)
			}
		}
	}
	for k, v := range root {
		if k == "components" {
			for ck, cv := range v.(map[string]any) {
				if ck == "schemas" {
					for name, sch := range cv.(map[string]any) {
						p := "/components/schemas/" + escapePtr(name)
						schemaPtrs = append(schemaPtrs, p)
						walk(sch, p, true)
					}
					continue
				}
				walk(cv, "/components/"+escapePtr(ck), false)
			}
			continue
		}
		walk(v, "/"+escapePtr(k), false)
	}
	for _, ref := range refs {
		if !strings.HasPrefix(ref, "#/") {
			t.Errorf("reference %q is not local", ref)
			continue
		}
		if _, err := s.resolvePtr(strings.TrimPrefix(ref, "#")); err != nil {
			t.Errorf("reference %q does not resolve: %v", ref, err)
		}
	}
	for _, p := range schemaPtrs {
		if _, err := s.schemaAt(p); err != nil {
			t.Errorf("schema at %s does not compile: %v", p, err)
		}
	}
	if len(refs) < 20 || len(schemaPtrs) < 30 {
		t.Errorf("walked only %d references and %d schemas", len(refs), len(schemaPtrs))
	}

	// The error envelopes hold the codes httpx writes.
	for name, codes := range map[string][]string{"ErrorMalformed": {"malformed"}, "ErrorValidation": {"validation"}, "ErrorRateLimited": {"rate_limited"}} {
		sch, err := s.schemaAt("/components/schemas/" + name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range codes {
			body := map[string]any{"error": map[string]any{"code": c, "message": "x"}}
			if c == "validation" {
				body["error"].(map[string]any)["fields"] = []any{map[string]any{"field": "email", "rule": "required", "message": "x"}}
			}
			if err := sch.Validate(body); err != nil {
				t.Errorf("%s refuses code %q: %v", name, c, err)
			}
		}
		if sch.Validate(map[string]any{"error": map[string]any{"code": "nonsense", "message": "x"}}) == nil {
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

	mounted := map[string]bool{}
	for _, r := range engine.Routes() {
		if r.Method == http.MethodOptions {
			continue
		}
		path, ok := strings.CutPrefix(r.Path, "/incroci")
		if !ok {
			t.Errorf("route %s %s is outside the mount point", r.Method, r.Path)
			continue
		}
		segs := strings.Split(path, "/")
		for i, seg := range segs {
			if len(seg) > 1 && (seg[0] == ':' || seg[0] == '*') {
				segs[i] = "{" + seg[1:] + "}"
			}
		}
		mounted[r.Method+" "+strings.Join(segs, "/")] = true
	}
	documented := map[string]bool{}
	for _, o := range s.ops {
		documented[o.key()] = true
	}
	for _, k := range sortedKeys(mounted) {
		if !documented[k] {
			t.Errorf("route %s is mounted but not in openapi.json", k)
		}
	}
	for _, k := range sortedKeys(documented) {
		if !mounted[k] {
			t.Errorf("openapi.json documents %s, which is not mounted", k)
		}
	}
	if len(mounted) < 20 {
		t.Errorf("only %d routes mounted", len(mounted))
	}
}

// TestOpenAPICheckerCatchesDrift makes sure the checker is not lenient: an
// undocumented status, a missing field, an extra field and a missing header
// are caught.
func TestOpenAPICheckerCatchesDrift(t *testing.T) {
	s := loadOpenAPI(t)
	jsonResp := func(status int, body string, hdr ...string) resp {
		h := http.Header{"Content-Type": {"application/json; charset=utf-8"}, "X-Request-Id": {"ABCDEFGHIJKLMNOPQRST"}}
		for i := 0; i+1 < len(hdr); i += 2 {
			h.Set(hdr[i], hdr[i+1])
		}
		return resp{Status: status, Header: h, Raw: []byte(body)}
	}
	me := s.match("GET", "/me")
	email := s.match("POST", "/auth/email")
	if me == nil || email == nil || s.match("GET", "/ambiti/lodi/people/events").path != "/ambiti/{slug}/people/events" {
		t.Fatal("paths do not match their templates")
	}
	good := `{"data":{"id":1,"email":"a@b.it","name":"","languages":[],"service":"","roles":[{"ambito":"lodi","role":"operator"}],"admin":false}}`
	if err := s.check(me, "GET", jsonResp(200, good)); err != nil {
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
		if err := s.check(me, "GET", r); err == nil {
			t.Errorf("%s: not caught", what)
		}
	}
	limited := `{"error":{"code":"rate_limited","message":"x"}}`
	if err := s.check(email, "POST", jsonResp(429, limited)); err == nil {
		t.Error("429 without Retry-After: not caught")
	}
	if err := s.check(email, "POST", jsonResp(429, limited, "Retry-After", "60")); err != nil {
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
