// Package openapitest checks a module's HTTP answers against its OpenAPI 3.1
// document in tests: bodies are validated with the document's JSON Schemas,
// headers and content types with what each response promises, and the
// checker remembers which (operation, status) pairs the tests saw, so that a
// TestMain can fail when a documented success answer was never exercised.
// It also compares a gin engine's route table with the document's paths,
// and lints the document itself.
//
// A Checker is safe for concurrent use by parallel tests.
package openapitest

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// docURL names the document as a schema resource: schemas are compiled at
// docURL#/<json pointer>, so "#/components/schemas/…" references resolve.
const docURL = "openapi.json"

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// ErrNoOperation is returned by Validate for a method and path the document
// does not describe.
var ErrNoOperation = errors.New("openapitest: no documented operation")

// Operation is one method of one path of the document.
type Operation struct {
	Method string // "GET"
	Path   string // "/ambiti/{slug}"
	ID     string // operationId
	segs   []string
	ptr    string // JSON pointer of the operation object
	obj    map[string]any
}

// Key is "METHOD /path/{template}".
func (o *Operation) Key() string { return o.Method + " " + o.Path }

// Object is the operation object as parsed from the document.
func (o *Operation) Object() map[string]any { return o.obj }

// Pointer is the JSON pointer of the operation object in the document.
func (o *Operation) Pointer() string { return o.ptr }

// Checker is a parsed document with its compiled schemas and what the tests
// saw of it.
type Checker struct {
	doc any
	ops []*Operation

	mu       sync.Mutex
	compiler *jsonschema.Compiler
	schemas  map[string]*jsonschema.Schema // by JSON pointer
	seen     map[string]map[int]bool       // operation key -> statuses seen
}

// Parse reads an OpenAPI 3.1 document.
func Parse(raw []byte) (*Checker, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("openapitest: document is not JSON: %w", err)
	}
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, errors.New("openapitest: document is not a JSON object")
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(docURL, doc); err != nil {
		return nil, fmt.Errorf("openapitest: %w", err)
	}
	ch := &Checker{doc: doc, compiler: c, schemas: map[string]*jsonschema.Schema{}, seen: map[string]map[int]bool{}}
	paths, _ := root["paths"].(map[string]any)
	if len(paths) == 0 {
		return nil, errors.New("openapitest: the document has no paths")
	}
	for _, p := range sortedKeys(paths) {
		item, _ := paths[p].(map[string]any)
		for _, m := range methods {
			o, ok := item[m].(map[string]any)
			if !ok {
				continue
			}
			id, _ := o["operationId"].(string)
			ch.ops = append(ch.ops, &Operation{Method: strings.ToUpper(m), Path: p, ID: id,
				segs: strings.Split(strings.Trim(p, "/"), "/"), ptr: "/paths/" + EscapePointer(p) + "/" + m, obj: o})
		}
	}
	return ch, nil
}

// New parses doc, failing t when it cannot.
func New(t testing.TB, doc []byte) *Checker {
	t.Helper()
	c, err := Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Doc returns the parsed document (maps, slices, strings, json.Number, bools).
func (c *Checker) Doc() map[string]any { return c.doc.(map[string]any) }

// Operations lists the documented operations, by path then method.
func (c *Checker) Operations() []*Operation { return slices.Clone(c.ops) }

// EscapePointer escapes one JSON pointer token.
func EscapePointer(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) }

func unescapePointer(s string) string { return strings.NewReplacer("~1", "/", "~0", "~").Replace(s) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Resolve returns the value at a JSON pointer ("/components/schemas/Me").
func (c *Checker) Resolve(ptr string) (any, error) {
	v := c.doc
	if ptr == "" {
		return v, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = unescapePointer(tok)
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

// Deref follows local "$ref"s from the object at ptr and returns the object
// they lead to, with its pointer.
func (c *Checker) Deref(ptr string) (map[string]any, string, error) {
	for range 10 {
		v, err := c.Resolve(ptr)
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
			return nil, "", fmt.Errorf("%s: only local references are supported, not %q", ptr, ref)
		}
		ptr = strings.TrimPrefix(ref, "#")
	}
	return nil, "", fmt.Errorf("%s: reference loop", ptr)
}

// schemaAt compiles (once) the schema at ptr.
func (c *Checker) schemaAt(ptr string) (*jsonschema.Schema, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if sch, ok := c.schemas[ptr]; ok {
		return sch, nil
	}
	sch, err := c.compiler.Compile(docURL + "#" + ptr)
	if err != nil {
		return nil, err
	}
	c.schemas[ptr] = sch
	return sch, nil
}

// ValidateAt validates a value (as decoded from JSON into any, or built of
// maps, slices, strings, numbers and bools) against the schema at ptr, such
// as "/components/schemas/ErrorNotFound".
func (c *Checker) ValidateAt(ptr string, v any) error {
	sch, err := c.schemaAt(ptr)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	return sch.Validate(doc)
}

// Match finds the operation for a method and a concrete path relative to
// the document's server (query and fragment ignored); literal segments win
// over parameters. It returns nil when none matches.
func (c *Checker) Match(method, path string) *Operation {
	path, _, _ = strings.Cut(path, "?")
	path, _, _ = strings.Cut(path, "#")
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var best *Operation
	bestLiterals := -1
	for _, o := range c.ops {
		if o.Method != method || len(o.segs) != len(segs) {
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

func (c *Checker) record(o *Operation, status int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen[o.Key()] == nil {
		c.seen[o.Key()] = map[int]bool{}
	}
	c.seen[o.Key()][status] = true
}

// responsePtr finds the response documented for status: the exact code,
// then its range (2XX), then default.
func (c *Checker) responsePtr(o *Operation, status int) (map[string]any, string, error) {
	rs, _ := o.obj["responses"].(map[string]any)
	for _, k := range []string{strconv.Itoa(status), strconv.Itoa(status/100) + "XX", "default"} {
		if _, ok := rs[k]; ok {
			return c.Deref(o.ptr + "/responses/" + k)
		}
	}
	return nil, "", fmt.Errorf("status %d is not documented for %s (documented: %s)", status, o.Key(), strings.Join(sortedKeys(rs), ", "))
}

// mediaType picks the documented media type for a content type: the exact
// type, then type/*, then */*.
func mediaType(content map[string]any, ct string) (string, bool) {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", false
	}
	major, _, _ := strings.Cut(mt, "/")
	for _, k := range []string{mt, major + "/*", "*/*"} {
		if _, ok := content[k]; ok {
			return k, true
		}
	}
	return "", false
}

// Validate checks one answer to method on path (relative to the document's
// server) against the document, without recording it. It returns an error
// wrapping ErrNoOperation when the document describes no such operation.
func (c *Checker) Validate(method, path string, status int, header http.Header, body []byte) error {
	o := c.Match(method, path)
	if o == nil {
		return fmt.Errorf("%w for %s %s", ErrNoOperation, method, path)
	}
	return c.validate(o, method, status, header, body)
}

func (c *Checker) validate(o *Operation, method string, status int, header http.Header, body []byte) error {
	res, ptr, err := c.responsePtr(o, status)
	if err != nil {
		return err
	}
	if header == nil {
		header = http.Header{}
	}
	var problems []string
	headers, _ := res["headers"].(map[string]any)
	for _, name := range sortedKeys(headers) {
		h, hptr, err := c.Deref(ptr + "/headers/" + EscapePointer(name))
		if err != nil {
			return err
		}
		val := header.Get(name)
		if val == "" {
			if req, _ := h["required"].(bool); req {
				problems = append(problems, "header "+name+" is missing")
			}
			continue
		}
		if _, ok := h["schema"]; ok {
			if err := c.validateHeader(hptr+"/schema", val); err != nil {
				problems = append(problems, fmt.Sprintf("header %s: %q: %v", name, val, err))
			}
		}
	}
	content, _ := res["content"].(map[string]any)
	ct := header.Get("Content-Type")
	switch key, ok := mediaType(content, ct); {
	case len(content) == 0:
		if len(body) != 0 {
			problems = append(problems, fmt.Sprintf("documented without a body, but got %d bytes of %q", len(body), ct))
		}
	case !ok:
		problems = append(problems, fmt.Sprintf("content type %q is not documented (documented: %s)", ct, strings.Join(sortedKeys(content), ", ")))
	case method == http.MethodHead:
		// Headers only.
	case key == "application/json" || strings.HasSuffix(key, "+json"):
		if _, ok := content[key].(map[string]any)["schema"]; !ok {
			break
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			problems = append(problems, "body is not JSON: "+err.Error())
			break
		}
		sch, err := c.schemaAt(ptr + "/content/" + EscapePointer(key) + "/schema")
		if err != nil {
			return err
		}
		if err := sch.Validate(v); err != nil {
			problems = append(problems, "body: "+err.Error())
		}
	default:
		// Event streams, CSV, files, scripts: the content type is what the
		// document promises.
	}
	if problems != nil {
		return fmt.Errorf("%d (%s):\n  %s", status, ptr, strings.Join(problems, "\n  "))
	}
	return nil
}

// validateHeader checks a header value as a string or, failing that, as the
// JSON number it spells (Retry-After: 60).
func (c *Checker) validateHeader(ptr, val string) error {
	sch, err := c.schemaAt(ptr)
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

// Check validates an answer to method on path (relative to the document's
// server, query allowed) and records that the tests saw its status. Paths
// the document does not describe (a test of an unknown address) and CORS
// preflights (OPTIONS) are neither checked nor recorded; the route table
// comparison (CheckRoutes) catches undocumented routes.
func (c *Checker) Check(t testing.TB, method, path string, status int, header http.Header, body []byte) {
	t.Helper()
	if method == http.MethodOptions {
		return
	}
	o := c.Match(method, path)
	if o == nil {
		return
	}
	c.record(o, status)
	if err := c.validate(o, method, status, header, body); err != nil {
		t.Errorf("openapi: %s %s (%s) does not answer as documented: %v\n  body: %.600s", method, path, o.Key(), err, body)
	}
}

// CheckRoutes compares the routes engine serves under prefix (OPTIONS
// excepted) with the document's operations, both ways: gin's ":id" and
// "*file" are the document's "{id}" and "{file}".
func (c *Checker) CheckRoutes(t testing.TB, engine *gin.Engine, prefix string) {
	t.Helper()
	prefix = strings.TrimSuffix(prefix, "/")
	mounted := map[string]bool{}
	for _, r := range engine.Routes() {
		if r.Method == http.MethodOptions {
			continue
		}
		path, ok := strings.CutPrefix(r.Path, prefix)
		if !ok || (path != "" && !strings.HasPrefix(path, "/")) {
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
	if len(mounted) == 0 {
		t.Errorf("openapi: no route is mounted under %q", prefix)
		return
	}
	documented := map[string]bool{}
	for _, o := range c.ops {
		documented[o.Key()] = true
	}
	for _, k := range sortedKeys(mounted) {
		if !documented[k] {
			t.Errorf("openapi: route %s is mounted under %s but not documented", k, prefix)
		}
	}
	for _, k := range sortedKeys(documented) {
		if !mounted[k] {
			t.Errorf("openapi: the document has %s, which is not mounted under %s", k, prefix)
		}
	}
}

// Coverage is what the tests saw of the document.
type Coverage struct {
	// Never lists the operations no checked answer reached, "GET /x (getX)".
	Never []string
	// Unseen2xx lists the documented success statuses never seen, "GET /x 200".
	Unseen2xx []string
	// UnseenOther lists, per operation, the other documented statuses never
	// seen, "GET /x: 401 404".
	UnseenOther []string
}

// Coverage reports what the tests have not seen so far.
func (c *Checker) Coverage() Coverage {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out Coverage
	for _, o := range c.ops {
		seen := c.seen[o.Key()]
		if len(seen) == 0 {
			out.Never = append(out.Never, o.Key()+" ("+o.ID+")")
		}
		rs, _ := o.obj["responses"].(map[string]any)
		var miss []string
		for _, k := range sortedKeys(rs) {
			st, err := strconv.Atoi(k)
			if err != nil || seen[st] {
				continue
			}
			if st >= 200 && st < 300 {
				out.Unseen2xx = append(out.Unseen2xx, fmt.Sprintf("%s %d", o.Key(), st))
			} else {
				miss = append(miss, k)
			}
		}
		if miss != nil {
			out.UnseenOther = append(out.UnseenOther, o.Key()+": "+strings.Join(miss, " "))
		}
	}
	return out
}

// Unseen lists the documented success answers ("GET /x 200") that no
// checked answer has matched yet.
func (c *Checker) Unseen() []string { return c.Coverage().Unseen2xx }

// Complete reports whether the test binary runs every test: no -run, -skip
// or -list. Coverage only means something then. Call it after flag.Parse.
func Complete() bool {
	for _, name := range []string{"test.run", "test.skip", "test.list"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return false
		}
	}
	return true
}

// Report writes to w what the tests never saw of the document (c may be
// nil: no answer was checked at all) and returns false when strict and some
// documented success answer was never seen. With -test.v it also lists the
// error answers never seen. For a TestMain:
//
//	code := m.Run()
//	if !checker.Report(os.Stderr, openapitest.Complete()) && code == 0 {
//		code = 1
//	}
func (c *Checker) Report(w io.Writer, strict bool) bool {
	verbose := testing.Verbose()
	if !strict && !verbose {
		return true
	}
	if c == nil {
		if strict {
			fmt.Fprintln(w, "openapi: no answer was checked against the document")
			return false
		}
		return true
	}
	cov := c.Coverage()
	if cov.Never != nil {
		fmt.Fprintf(w, "openapi: operations no test exercised:\n  %s\n", strings.Join(cov.Never, "\n  "))
	}
	ok := true
	if cov.Unseen2xx != nil {
		fmt.Fprintf(w, "openapi: documented success answers never checked:\n  %s\n", strings.Join(cov.Unseen2xx, "\n  "))
		ok = !strict
	}
	if verbose && cov.UnseenOther != nil {
		fmt.Fprintf(w, "openapi: documented error answers never seen:\n  %s\n", strings.Join(cov.UnseenOther, "\n  "))
	}
	return ok
}
