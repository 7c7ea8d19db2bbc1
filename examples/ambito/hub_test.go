package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/pdftext"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/toolkit"
	"github.com/incrocicomuni/incroci/training"
	"github.com/incrocicomuni/incroci/widgets"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode)
	os.Exit(m.Run())
}

// testConfig is a hub configuration on a free port of 127.0.0.1 with its
// data in a fresh folder.
func testConfig(t *testing.T) config {
	t.Helper()
	return config{
		Addr:      "127.0.0.1:0",
		DataDir:   t.TempDir(),
		PublicURL: "http://localhost:8080",
	}
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// startHub starts a hub serving until the test ends.
func startHub(t *testing.T, cfg config) *hub {
	t.Helper()
	h, err := newHub(t.Context(), cfg, testLogger(t))
	if err != nil {
		t.Fatalf("newHub: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("the hub did not stop within 15 s")
		}
	})
	return h
}

// get fetches url and returns the response with its body read.
func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", url, err)
	}
	return res, string(b)
}

// TestHub runs the hub on each database and checks what a visitor sees.
func TestHub(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testHub(t, testConfig(t)) })
	t.Run("postgres", func(t *testing.T) {
		cfg := testConfig(t)
		cfg.DatabaseURL = testdb.PostgresURL(t)
		testHub(t, cfg)
	})
}

func testHub(t *testing.T, cfg config) {
	h := startHub(t, cfg)
	base := h.URL()

	t.Run("healthz", func(t *testing.T) {
		res, body := get(t, base+"/healthz")
		if res.StatusCode != http.StatusOK || strings.TrimSpace(body) != `{"status":"ok"}` {
			t.Fatalf("GET /healthz = %d %s; want 200 {\"status\":\"ok\"}", res.StatusCode, body)
		}
	})

	t.Run("page", func(t *testing.T) {
		res, body := get(t, base+"/")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET / = %d", res.StatusCode)
		}
		if got := res.Header.Get("Content-Security-Policy"); got != pageCSP {
			t.Errorf("CSP = %q; want %q", got, pageCSP)
		}
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(res.Header.Get("Content-Security-Policy"), want) {
				t.Errorf("CSP lacks %s", want)
			}
		}
		if !strings.Contains(body, "Ambito Distrettuale di Lodi") {
			t.Error("the page does not name the ambito")
		}
		if strings.Contains(body, "<style") || strings.Contains(body, " style=") || regexp.MustCompile(`<script>`).MatchString(body) {
			t.Error("the page has inline style or script, which its CSP blocks")
		}
		names := widgets.Elements()
		if len(names) == 0 {
			t.Fatal("no widgets embedded")
		}
		scriptRE := regexp.MustCompile(`<script src="([^"]+)" integrity="([^"]+)" crossorigin="anonymous" async></script>`)
		scripts := scriptRE.FindAllStringSubmatch(body, -1)
		if len(scripts) != len(names) {
			t.Fatalf("page has %d widget scripts; want %d (%v)", len(scripts), len(names), names)
		}
		for i, name := range names {
			src := mountPath + "/widgets" + widgets.Path(name)
			tag := `<script src="` + src + `" integrity="` + strings.ReplaceAll(widgets.Integrity(name), "+", "&#43;") + `"`
			if !strings.Contains(body, tag) {
				t.Errorf("page lacks %s", tag)
			}
			el := `<incroci-` + name + ` ambito="lodi" hub="/incroci">`
			if !strings.Contains(body, el) {
				t.Errorf("page lacks %s", el)
			}
			res, js := get(t, base+scripts[i][1])
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") || len(js) == 0 {
				t.Errorf("GET %s = %d %q, %d bytes; want 200 text/javascript", scripts[i][1], res.StatusCode, res.Header.Get("Content-Type"), len(js))
			}
		}
		for _, want := range []string{"coordinatore@lodi.demo.incroci.it", adminEmail, "log dell'hub"} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		res, css := get(t, base+"/static/site.css")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") || !strings.Contains(css, ".slim") {
			t.Errorf("GET /static/site.css = %d %q", res.StatusCode, res.Header.Get("Content-Type"))
		}
	})

	t.Run("ambiti", func(t *testing.T) {
		res, body := get(t, base+"/incroci/ambiti")
		var out struct {
			Data []incroci.AmbitoSummary `json:"data"`
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET /incroci/ambiti = %d %.200s (%v)", res.StatusCode, body, err)
		}
		if len(out.Data) != 20 {
			t.Errorf("GET /incroci/ambiti lists %d ambiti; want 20", len(out.Data))
		}
		for _, a := range out.Data {
			if a.Slug == "visconteo-sud-milano" && len(a.Comuni) != 11 {
				t.Errorf("visconteo-sud-milano has %d comuni; want 11: %v", len(a.Comuni), a.Comuni)
			}
		}
	})

	t.Run("demo people", func(t *testing.T) {
		ctx := incroci.AsSystem(t.Context())
		people, total, err := h.p.ListPeople(ctx, demoAmbito, incroci.PeopleQuery{PerPage: 100})
		if err != nil || total != 8 {
			t.Fatalf("ListPeople(lodi) = %d, %v; want 8", total, err)
		}
		for _, p := range people {
			if p.Email == "coordinatore@lodi.demo.incroci.it" && (len(p.Roles) != 1 || p.Roles[0] != incroci.RoleCoordinator) {
				t.Errorf("coordinator's roles = %v", p.Roles)
			}
		}
		a, err := h.p.GetAmbito(ctx, "crema")
		if err != nil || len(a.EmailDomains) != 1 || a.EmailDomains[0] != "crema.demo.incroci.it" {
			t.Errorf("GetAmbito(crema) = %+v, %v", a, err)
		}
	})

	t.Run("training", func(t *testing.T) {
		res, body := get(t, base+"/incroci/training/openapi.json")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "incroci training API") {
			t.Errorf("GET /incroci/training/openapi.json = %d %.200s", res.StatusCode, body)
		}
		if res, _ := get(t, base+"/incroci/training/courses"); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET /incroci/training/courses anonymously = %d; want 401", res.StatusCode)
		}
		if err := seedTraining(t.Context(), h.p, h.tr, h.p.Now()); err != nil {
			t.Fatalf("seed the training again: %v", err)
		}
		sys := incroci.AsSystem(t.Context())
		courses, n, err := h.tr.Courses(sys, training.CourseQuery{Page: 1, PerPage: 10})
		if err != nil || n != 1 {
			t.Fatalf("demo courses after seeding twice: %d, %v; want 1", n, err)
		}
		v, err := h.tr.GetCourse(sys, courses[0].ID)
		if err != nil || len(v.Editions) != 1 || len(v.Editions[0].Quotas) != 2 || len(v.Editions[0].Meetings) != 2 || v.Editions[0].Seats.Free != 2 {
			t.Fatalf("the demo course: %+v, %v", v, err)
		}
		if ss, n, err := h.tr.ListSurveys(sys, training.SurveyQuery{Page: 1, PerPage: 10}); err != nil || n != 1 || ss[0].State != training.SurveyPublished {
			t.Errorf("demo surveys after seeding twice: %d, %v; want 1 published", n, err)
		}
		if n, err := h.tr.ExpireOffers(t.Context()); err != nil || n != 0 {
			t.Errorf("ExpireOffers = %d, %v", n, err)
		}
		if n, err := h.tr.IssueDue(t.Context()); err != nil || n != 0 {
			t.Errorf("IssueDue = %d, %v", n, err)
		}
		if res, _ := get(t, base+"/incroci/training/certificates/verify/sconosciuto"); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET /incroci/training/certificates/verify/… anonymously = %d; want 404", res.StatusCode)
		}
	})

	t.Run("toolkit", func(t *testing.T) {
		// The demo handout for citizens is public; the operators' sheet is not.
		res, body := get(t, base+"/incroci/toolkit/sheets")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Iscriversi al Servizio Sanitario Nazionale") || strings.Contains(body, "Rinnovo del permesso") {
			t.Errorf("GET /incroci/toolkit/sheets = %d %.300s", res.StatusCode, body)
		}
		if err := seedToolkit(t.Context(), h.p, h.tk); err != nil {
			t.Fatalf("seed the toolkit again: %v", err)
		}
		if _, n, err := h.tk.List(incroci.AsSystem(t.Context()), toolkit.SheetQuery{}); err != nil || n != 2 {
			t.Errorf("demo sheets after seeding twice: %d, %v; want 2", n, err)
		}
		// The handout rests on its law, and is in English and in Arabic,
		// checked by the demo mediator; its printable page lays Arabic out
		// right to left.
		sys := incroci.AsSystem(t.Context())
		sheets, _, err := h.tk.List(sys, toolkit.SheetQuery{Q: "Servizio Sanitario"})
		if err != nil || len(sheets) != 1 {
			t.Fatalf("the demo handout: %+v, %v", sheets, err)
		}
		id := sheets[0].ID
		if src, err := h.tk.SheetSources(sys, id); err != nil || len(src) != 1 || !strings.Contains(src[0].Title, "art. 34") {
			t.Errorf("the handout's sources = %+v, %v", src, err)
		}
		trs, err := h.tk.Translations(sys, id)
		if err != nil {
			t.Fatalf("the handout's translations: %v", err)
		}
		status := map[string]string{}
		for _, tr := range trs {
			status[tr.Code] = string(tr.Status) + " " + tr.CheckerName
		}
		if status["en"] != "human " || status["ar"] != "checked Amina El Idrissi" {
			t.Errorf("the handout's translations = %v; want en human, ar checked by the demo mediator", status)
		}
		// Its checklist, a PDF made at seed time, is for anyone to download.
		v, err := h.tk.Get(sys, id)
		if err != nil || len(v.Attachments) != 1 || v.Attachments[0].ContentType != "application/pdf" {
			t.Fatalf("the handout's attachments: %+v, %v", v, err)
		}
		res, body = get(t, fmt.Sprintf("%s/incroci/toolkit/sheets/%d/attachments/%d", base, id, v.Attachments[0].ID))
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") {
			t.Errorf("GET the handout's checklist = %d %v", res.StatusCode, res.Header)
		}
		res, body = get(t, fmt.Sprintf("%s/incroci/toolkit/sheets/%d/handout?lang=ar", base, id))
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `lang="ar" dir="rtl"`) || !strings.Contains(body, "التسجيل في الخدمة الصحية الوطنية") {
			t.Errorf("GET the handout in Arabic = %d %.300s", res.StatusCode, body)
		}
		// With Chromium on PATH the hub prints it to PDF too.
		switch {
		case h.printer != nil:
			if !strings.Contains(body, `href="handout.pdf?lang=ar"`) {
				t.Error("the handout page has no link to its PDF")
			}
			res, body = get(t, fmt.Sprintf("%s/incroci/toolkit/sheets/%d/handout.pdf?lang=ar", base, id))
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("GET the handout's PDF = %d %s %.300s", res.StatusCode, res.Header.Get("Content-Type"), body)
			}
			doc, err := pdftext.Read([]byte(body))
			if err != nil {
				t.Fatalf("the handout's PDF: %v", err)
			}
			if !doc.Contains("Iscriversi al Servizio Sanitario Nazionale") || !doc.Contains("الوطنية") {
				t.Errorf("the handout's PDF lacks the Italian title or the Arabic text: %q", doc.Text)
			}
		case os.Getenv("CI") == "true":
			t.Error("no Chromium on PATH: CI=true, so the hub must print handouts to PDF")
		default:
			t.Log("no Chromium on PATH: the handout's PDF is not checked")
		}
		// The demo directory, in HSDS, near Lodi's station, nearest first.
		res, body = get(t, base+"/incroci/toolkit/hsds/service_at_locations?lat=45.3080&lon=9.5010&radius_km=3")
		var near struct {
			TotalItems int `json:"total_items"`
			Contents   []struct {
				Service struct{ Name string } `json:"service"`
			} `json:"contents"`
		}
		if err := json.Unmarshal([]byte(body), &near); res.StatusCode != http.StatusOK || err != nil || near.TotalItems != 5 ||
			near.Contents[0].Service.Name != "Corsi di lingua italiana per adulti stranieri" {
			t.Errorf("the demo directory near Lodi's station = %d %.300s", res.StatusCode, body)
		}
		// Entries in three comuni of Lodi's ambito and one of Crema's, every
		// one with coordinates, for the directory widget's filters and map.
		for q, want := range map[string]int{"ambito=lodi": 7, "ambito=lodi&comune=Codogno": 1, "ambito=lodi&comune=casalpusterlengo": 1, "ambito=crema": 1} {
			res, body = get(t, base+"/incroci/toolkit/hsds/service_at_locations?per_page=100&"+q)
			var page struct {
				TotalItems int `json:"total_items"`
				Contents   []struct {
					Location struct{ Latitude, Longitude *float64 } `json:"location"`
				} `json:"contents"`
			}
			if err := json.Unmarshal([]byte(body), &page); res.StatusCode != http.StatusOK || err != nil || page.TotalItems != want {
				t.Errorf("the demo directory, %s = %d %.300s; want %d entries", q, res.StatusCode, body, want)
			}
			for _, c := range page.Contents {
				if c.Location.Latitude == nil || c.Location.Longitude == nil {
					t.Errorf("the demo directory, %s: an entry without coordinates", q)
				}
			}
		}
	})

	t.Run("seed is idempotent", func(t *testing.T) {
		before := counts(t, h)
		if err := seed(t.Context(), h.p, h.origins, testLogger(t)); err != nil {
			t.Fatalf("seed again: %v", err)
		}
		if after := counts(t, h); after != before {
			t.Errorf("seeding again changed the counts: %+v, then %+v", before, after)
		}
	})
}

type tableCounts struct{ ambiti, people, grants int64 }

func counts(t *testing.T, h *hub) tableCounts {
	t.Helper()
	var c tableCounts
	db := h.p.DB().WithContext(t.Context())
	for _, q := range []struct {
		model any
		n     *int64
	}{{&incroci.Ambito{}, &c.ambiti}, {&incroci.Person{}, &c.people}, {&incroci.RoleGrant{}, &c.grants}} {
		if err := db.Model(q.model).Count(q.n).Error; err != nil {
			t.Fatalf("count %T: %v", q.model, err)
		}
	}
	if c.ambiti != 20 || c.people != 10 || c.grants != 10 {
		t.Errorf("counts = %+v; want 20 ambiti, 10 people, 10 grants", c)
	}
	return c
}

// TestHealthzUnavailable checks that /healthz answers 503 when the database
// does not answer.
func TestHealthzUnavailable(t *testing.T) {
	h := startHub(t, testConfig(t))
	sqlDB, err := h.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	sqlDB.Close()
	res, body := get(t, h.URL()+"/healthz")
	if res.StatusCode != http.StatusServiceUnavailable || strings.TrimSpace(body) != `{"status":"unavailable"}` {
		t.Fatalf("GET /healthz with the database closed = %d %s; want 503", res.StatusCode, body)
	}
}

// TestSecretKept checks that a generated secret is kept, private, and read
// back on the next start.
func TestSecretKept(t *testing.T) {
	cfg := testConfig(t)
	cfg.DataDir = filepath.Join(cfg.DataDir, "new")
	log := slog.New(slog.DiscardHandler)
	first, err := loadSecret(cfg, log)
	if err != nil || len(first) < 32 {
		t.Fatalf("loadSecret = %d bytes, %v", len(first), err)
	}
	fi, err := os.Stat(filepath.Join(cfg.DataDir, "secret"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v, %v; want mode 0600", fi, err)
	}
	again, err := loadSecret(cfg, log)
	if err != nil || string(again) != string(first) {
		t.Fatalf("second loadSecret = %q, %v; want the first", again, err)
	}
	cfg.Secret = []byte(strings.Repeat("k", 32))
	if got, _ := loadSecret(cfg, log); string(got) != string(cfg.Secret) {
		t.Errorf("loadSecret ignored INCROCI_SECRET")
	}
}
