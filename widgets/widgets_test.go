package widgets_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/incrocicomuni/incroci/widgets"
	"github.com/incrocicomuni/incroci/widgets/internal/bundle"
)

// TestDistUpToDate checks that the committed bundles are what the sources build to.
func TestDistUpToDate(t *testing.T) {
	built, err := bundle.Build()
	if err != nil {
		t.Fatal(err)
	}
	onDisk, _ := filepath.Glob("dist/*.js")
	for _, f := range onDisk {
		if _, ok := built[filepath.Base(f)]; !ok {
			t.Errorf("%s is not built from any entry point: run go generate ./widgets", f)
		}
	}
	for name, want := range built {
		got, err := os.ReadFile(filepath.Join("dist", name))
		if err != nil {
			t.Errorf("dist/%s: %v: run go generate ./widgets", name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("dist/%s is stale (%d bytes, sources build %d): run go generate ./widgets", name, len(got), len(want))
		}
	}
}

// TestSizeBudget keeps every widget within bundle.MaxGzip bytes gzipped.
func TestSizeBudget(t *testing.T) {
	for _, name := range bundle.Entries {
		b, err := os.ReadFile(filepath.Join("dist", name+".js"))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		t.Logf("%s.js: %d bytes, %d gzipped (budget %d)", name, len(b), buf.Len(), bundle.MaxGzip)
		if buf.Len() > bundle.MaxGzip {
			t.Errorf("%s.js is %d bytes gzipped, over the budget of %d", name, buf.Len(), bundle.MaxGzip)
		}
	}
}

func TestNamesPathIntegrity(t *testing.T) {
	want := slices.Sorted(slices.Values(bundle.Entries))
	if got := widgets.Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	re := regexp.MustCompile(`^/([a-z]+(?:-[a-z]+)*)\.[0-9a-f]{8}\.js$`)
	for _, n := range want {
		b, _ := os.ReadFile(filepath.Join("dist", n+".js"))
		sum := sha512.Sum384(b)
		if got, want := widgets.Integrity(n), "sha384-"+base64.StdEncoding.EncodeToString(sum[:]); got != want {
			t.Errorf("Integrity(%q) = %q, want %q", n, got, want)
		}
		if m := re.FindStringSubmatch(widgets.Path(n)); m == nil || m[1] != n {
			t.Errorf("Path(%q) = %q", n, widgets.Path(n))
		}
	}
	if widgets.Path("nope") != "" || widgets.Integrity("nope") != "" {
		t.Error("unknown widget: want empty Path and Integrity")
	}
}

func do(t *testing.T, method, path string, hdr ...string) *http.Response {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	widgets.Handler().ServeHTTP(w, r)
	return w.Result()
}

func TestHandler(t *testing.T) {
	plain, _ := os.ReadFile("dist/signin.js")
	hashed := widgets.Path("signin")
	common := map[string]string{
		"Content-Type":                 "text/javascript; charset=utf-8",
		"X-Content-Type-Options":       "nosniff",
		"Cross-Origin-Resource-Policy": "cross-origin",
		"Access-Control-Allow-Origin":  "*",
		"Content-Security-Policy":      "default-src 'none'",
		"Vary":                         "Accept-Encoding",
	}
	tests := []struct {
		name, method, path string
		hdr                []string
		status             int
		cache, encoding    string
		body               bool // body is the bundle (after gunzip)
	}{
		{"plain", "GET", "/signin.js", nil, 200, "public, max-age=300, must-revalidate", "", true},
		{"plain gzip", "GET", "/signin.js", []string{"Accept-Encoding", "br, gzip;q=0.8"}, 200, "public, max-age=300, must-revalidate", "gzip", true},
		{"gzip refused", "GET", "/signin.js", []string{"Accept-Encoding", "gzip;q=0, br"}, 200, "public, max-age=300, must-revalidate", "", true},
		{"hashed", "GET", hashed, nil, 200, "public, max-age=31536000, immutable", "", true},
		{"hashed gzip", "GET", hashed, []string{"Accept-Encoding", "gzip"}, 200, "public, max-age=31536000, immutable", "gzip", true},
		{"head", "HEAD", "/signin.js", nil, 200, "public, max-age=300, must-revalidate", "", false},
		{"console", "GET", "/console.js", nil, 200, "public, max-age=300, must-revalidate", "", false},
		{"unknown", "GET", "/nope.js", nil, 404, "", "", false},
		{"root", "GET", "/", nil, 404, "", "", false},
		{"wrong hash", "GET", "/signin.00000000.js", nil, 404, "", "", false},
		{"subpath", "GET", "/x/signin.js", nil, 404, "", "", false},
		{"no ext", "GET", "/signin", nil, 404, "", "", false},
		{"post", "POST", "/signin.js", nil, 405, "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := do(t, tc.method, tc.path, tc.hdr...)
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			if tc.status != 200 {
				return
			}
			for k, v := range common {
				if got := res.Header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			if got := res.Header.Get("Cache-Control"); got != tc.cache {
				t.Errorf("Cache-Control: %q, want %q", got, tc.cache)
			}
			if got := res.Header.Get("Content-Encoding"); got != tc.encoding {
				t.Errorf("Content-Encoding: %q, want %q", got, tc.encoding)
			}
			if !regexp.MustCompile(`^"[0-9a-f]+(-gz)?"$`).MatchString(res.Header.Get("ETag")) {
				t.Errorf("ETag %q is not strong", res.Header.Get("ETag"))
			}
			if tc.method == "HEAD" {
				if len(body) != 0 || res.Header.Get("Content-Length") != itoa(len(plain)) {
					t.Errorf("HEAD: body %d bytes, Content-Length %s, want 0 and %d", len(body), res.Header.Get("Content-Length"), len(plain))
				}
				return
			}
			if res.Header.Get("Content-Length") != itoa(len(body)) {
				t.Errorf("Content-Length %s, body %d", res.Header.Get("Content-Length"), len(body))
			}
			if tc.encoding == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				body, _ = io.ReadAll(zr)
			}
			if tc.body && !bytes.Equal(body, plain) {
				t.Errorf("body differs from dist/signin.js")
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestHandlerETag(t *testing.T) {
	for _, enc := range []string{"", "gzip"} {
		res := do(t, "GET", "/signin.js", "Accept-Encoding", enc)
		etag := res.Header.Get("ETag")
		for _, inm := range []string{etag, "W/" + etag, `"x", ` + etag, "*"} {
			res := do(t, "GET", "/signin.js", "Accept-Encoding", enc, "If-None-Match", inm)
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusNotModified || len(body) != 0 {
				t.Errorf("enc %q If-None-Match %s: status %d, %d bytes; want 304, empty", enc, inm, res.StatusCode, len(body))
			}
			if res.Header.Get("ETag") != etag || res.Header.Get("Cache-Control") == "" {
				t.Errorf("304 lacks ETag or Cache-Control: %v", res.Header)
			}
		}
		if res := do(t, "GET", "/signin.js", "Accept-Encoding", enc, "If-None-Match", `"stale"`); res.StatusCode != 200 {
			t.Errorf("stale ETag: status %d, want 200", res.StatusCode)
		}
	}
	plain := do(t, "GET", "/signin.js").Header.Get("ETag")
	gz := do(t, "GET", "/signin.js", "Accept-Encoding", "gzip").Header.Get("ETag")
	if plain == gz {
		t.Errorf("identity and gzip share the ETag %s", plain)
	}
}
