package training_test

// The module's OpenAPI document against the code: well formed, the routes
// it lists are exactly those mounted, and every answer the tests receive
// through env.req is checked against it; TestMain then fails the package
// when some documented success answer was never seen.

import (
	"bytes"
	"flag"
	"os"
	"sync"
	"testing"

	"github.com/incrocicomuni/incroci/internal/openapitest"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/training"
)

var (
	oaOnce sync.Once
	oa     *openapitest.Checker
	oaErr  error
)

func openAPI(t testing.TB) *openapitest.Checker {
	t.Helper()
	oaOnce.Do(func() { oa, oaErr = openapitest.Parse(training.OpenAPI()) })
	if oaErr != nil {
		t.Fatalf("training/openapi.json: %v", oaErr)
	}
	return oa
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if oa != nil && !oa.Report(os.Stderr, openapitest.Complete()) && code == 0 {
		code = 1
	}
	os.Exit(code)
}

// TestOpenAPIDocument lints the document and compares its paths with the
// routes the module mounts; the document is served as embedded.
func TestOpenAPIDocument(t *testing.T) {
	c := openAPI(t)
	if refs, schemas := c.Lint(t); refs < 5 || schemas < 5 {
		t.Errorf("walked only %d references and %d schemas", refs, schemas)
	}
	e := newEnv(t, testdb.SQLite(t))
	c.CheckRoutes(t, e.engine, "/incroci/training")
	doc := e.req("", "GET", "/openapi.json", nil)
	if doc.Status != 200 || !bytes.Equal(doc.Raw, training.OpenAPI()) {
		t.Errorf("GET /openapi.json = %d, %d bytes", doc.Status, len(doc.Raw))
	}
	topics := expect(t, e.req("", "GET", "/topics", nil), 200, "topics").list()
	if len(topics) < 10 {
		t.Errorf("GET /topics: %d topics", len(topics))
	}
}
