package toolkit_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/incrocicomuni/incroci/toolkit"
)

// TestRenderMarkdown keeps formatting, lists, tables and safe links; HTML
// in the source shows as text, and nothing can run or restyle the page.
func TestRenderMarkdown(t *testing.T) {
	for _, c := range []struct{ in, want, never string }{
		{"**grassetto** e _corsivo_", "<strong>grassetto</strong> e <em>corsivo</em>", ""},
		{"- uno\n- due", "<li>uno</li>", ""},
		{"| a | b |\n|---|---|\n| 1 | 2 |", "<td>1</td>", ""},
		{"[sito](https://www.interno.gov.it)", `href="https://www.interno.gov.it"`, ""},
		{"<script>alert(1)</script>testo", "&lt;script&gt;alert(1)&lt;/script&gt;testo", "<script"},
		{`<img src=x onerror="alert(1)">`, "&lt;img src=x", "<img"},
		{"[x](javascript:alert(1))", "x", "javascript:"},
		{`<a href="#" style="color:red" onclick="alert(1)">x</a>`, "&lt;a href=", "<a href=\"#\""},
		{"<iframe src=https://example.org></iframe>", "&lt;iframe", "<iframe"},
		{"> una citazione", "<blockquote>", ""},
	} {
		got := toolkit.RenderMarkdown(c.in)
		if !strings.Contains(got, c.want) || (c.never != "" && strings.Contains(strings.ToLower(got), c.never)) {
			t.Errorf("RenderMarkdown(%q) = %q; want it to hold %q and never %q", c.in, got, c.want, c.never)
		}
	}
}

// TestTopicsMatchDomain fails when toolkit/topics.csv differs from the
// shared domain data it copies; it skips where that folder is absent.
func TestTopicsMatchDomain(t *testing.T) {
	theirs, err := os.ReadFile(filepath.Join("..", "..", "shared", "domain", "topics.csv"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("../shared/domain is absent: nothing to compare topics.csv with")
	}
	mine, err2 := os.ReadFile("topics.csv")
	if err != nil || err2 != nil || !bytes.Equal(mine, theirs) {
		t.Errorf("toolkit/topics.csv differs from ../shared/domain/topics.csv (%v, %v): copy it again", err, err2)
	}
}

// TestHSDSSchemasMatchStandard fails when testdata/hsds-3.0 differs from
// the standard's compiled schemas beside the project (minified here); it
// skips where the standard is absent.
func TestHSDSSchemasMatchStandard(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "standards", "hsds-3.0", "schema", "compiled")
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(names) == 0 {
		t.Skipf("the HSDS 3.0 standard is not at %s", dir)
	}
	for _, n := range names {
		var theirs, mine any
		a, _ := os.ReadFile(n)
		b, err := os.ReadFile(filepath.Join("testdata", "hsds-3.0", filepath.Base(n)))
		if err != nil || json.Unmarshal(a, &theirs) != nil || json.Unmarshal(b, &mine) != nil || !reflect.DeepEqual(theirs, mine) {
			t.Errorf("testdata/hsds-3.0/%s differs from the standard's (%v): copy it again, minified", filepath.Base(n), err)
		}
	}
}
