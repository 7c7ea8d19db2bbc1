package widgets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Cache-Control values of the two kinds of path.
const (
	cacheHashed = "public, max-age=31536000, immutable"
	cachePlain  = "public, max-age=300, must-revalidate"
)

// asset is one bundle with everything derived from it, computed once.
type asset struct {
	name   string // "signin"
	body   []byte
	gz     []byte // nil when gzip does not make it smaller
	etag   string // strong ETag of body
	gzEtag string // strong ETag of gz
	hashed string // "/signin.1a2b3c4d.js"
	sri    string // "sha384-…"
}

type catalog struct {
	byName map[string]*asset
	byPath map[string]*asset // "signin.js" and "signin.1a2b3c4d.js"
	names  []string
}

var load = sync.OnceValue(func() *catalog {
	c := &catalog{byName: map[string]*asset{}, byPath: map[string]*asset{}}
	files, _ := fs.Glob(dist, "dist/*.js")
	for _, f := range files {
		body, err := dist.ReadFile(f)
		if err != nil {
			panic("widgets: embedded " + f + ": " + err.Error())
		}
		name := strings.TrimSuffix(path.Base(f), ".js")
		sum := sha256.Sum256(body)
		hx := hex.EncodeToString(sum[:])
		s384 := sha512.Sum384(body)
		a := &asset{
			name:   name,
			body:   body,
			etag:   `"` + hx[:32] + `"`,
			gzEtag: `"` + hx[:32] + `-gz"`,
			hashed: "/" + name + "." + hx[:8] + ".js",
			sri:    "sha384-" + base64.StdEncoding.EncodeToString(s384[:]),
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		if buf.Len() < len(body) {
			a.gz = buf.Bytes()
		}
		c.byName[name] = a
		c.byPath[name+".js"] = a
		c.byPath[a.hashed[1:]] = a
		c.names = append(c.names, name)
	}
	slices.Sort(c.names)
	return c
})

// Names returns the names of the embedded bundles, sorted ("console",
// "console-helpdesk", "signin", …). Bundle <name> is served at
// <mount>/widgets/<name>.js.
func Names() []string {
	return slices.Clone(load().names)
}

// Elements returns the names of the bundles that define a custom element
// <incroci-name>, the ones a page embeds. Names with a hyphen are parts of
// another widget ("console-helpdesk" belongs to "console"), which that
// widget loads on demand.
func Elements() []string {
	var out []string
	for _, n := range load().names {
		if !strings.Contains(n, "-") {
			out = append(out, n)
		}
	}
	return out
}

// Path returns the content-hashed path of widget name relative to the
// handler, such as "/signin.1a2b3c4d.js", or "" when there is no such
// widget. It changes whenever the widget does, so it is served with a
// one-year immutable cache; prefix it with <mount>/widgets.
func Path(name string) string {
	if a := load().byName[name]; a != nil {
		return a.hashed
	}
	return ""
}

// Integrity returns the Subresource Integrity value ("sha384-…") of widget
// name, for the integrity attribute of its script tag, or "" when there is
// no such widget. It is the same for the plain and the hashed path.
func Integrity(name string) string {
	if a := load().byName[name]; a != nil {
		return a.sri
	}
	return ""
}

// Handler returns the http.Handler that serves the widget bundles. It
// expects the mount prefix stripped: the platform mounts it at
// <mount>/widgets/, so it sees paths like "/signin.js".
//
// GET and HEAD of "/<name>.js" answer with a five-minute cache that must be
// revalidated (strong ETag, 304 on If-None-Match); "/<name>.<hash>.js" (see
// [Path]) with a one-year immutable cache. Responses are gzip-compressed when
// the client accepts it, carry "Access-Control-Allow-Origin: *" and
// "Cross-Origin-Resource-Policy: cross-origin" (the code is public and is
// loaded by other sites), nosniff and a "default-src 'none'" CSP. Other
// paths get 404, other methods on a widget 405.
func Handler() http.Handler {
	c := load()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, "/")
		a := c.byPath[p]
		if a == nil {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		body, etag := a.body, a.etag
		if a.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, etag = a.gz, a.gzEtag
			h.Set("Content-Encoding", "gzip")
		}
		if p == a.hashed[1:] {
			h.Set("Cache-Control", cacheHashed)
		} else {
			h.Set("Cache-Control", cachePlain)
		}
		h.Set("ETag", etag)
		h.Set("Vary", "Accept-Encoding")
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cross-Origin-Resource-Policy", "cross-origin")
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Content-Security-Policy", "default-src 'none'")
		if matchETag(r.Header.Get("If-None-Match"), etag) {
			h.Del("Content-Encoding")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			w.Write(body)
		}
	})
}

// acceptsGzip reports whether an Accept-Encoding value allows gzip.
func acceptsGzip(ae string) bool {
	ok := false
	for part := range strings.SplitSeq(ae, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "x-gzip" && coding != "*" {
			continue
		}
		q := 1.0
		if k, v, found := strings.Cut(strings.TrimSpace(params), "="); found && strings.TrimSpace(k) == "q" {
			q, _ = strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
		if coding == "*" {
			ok = ok || q > 0
			continue
		}
		return q > 0 // an explicit gzip entry wins over *
	}
	return ok
}

// matchETag reports whether an If-None-Match value matches etag (weak comparison).
func matchETag(inm, etag string) bool {
	for t := range strings.SplitSeq(inm, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
