package pdf

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/incrocicomuni/incroci/internal/pdftext"
)

func newTestChromium(t *testing.T) *Chromium {
	t.Helper()
	c, err := NewChromium(ChromiumConfig{})
	if errors.Is(err, ErrNoBrowser) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v; CI=true, so the PDF tests must run", err)
		}
		t.Skipf("%v: skipping the PDF test", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestPrintNoNetwork: whatever the page asks for (images, styles, fonts,
// scripts, frames, prefetches, by address or by host name) never leaves
// the browser, and the page still prints. The page is served as if from
// the test server's own origin, so that nothing but the printer (neither
// mixed content rules nor Chromium's guard of local addresses) stands
// between it and the server.
func TestPrintNoNetwork(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		t.Logf("the page reached the network: %s %s", r.Method, r.URL)
		fmt.Fprint(w, "body{background:red}")
	}))
	defer srv.Close()
	c := newTestChromium(t)
	c.pageURL = srv.URL + "/print"
	u := srv.URL
	byName := strings.Replace(u, "127.0.0.1", "localhost", 1)
	page := fmt.Sprintf(`<!DOCTYPE html><html lang="it"><meta charset="utf-8"><title>x</title>
<p>Pagina stampata</p>
<img alt="" src="%[1]s/a.png"><img alt="" src="%[2]s/b.png">
<link rel="stylesheet" href="%[1]s/c.css"><link rel="prefetch" href="%[1]s/d"><link rel="preload" as="image" href="%[2]s/e.png">
<style>@import url(%[1]s/f.css); @font-face{font-family:x;src:url(%[1]s/g.woff2)} p{font-family:x,sans-serif;background:url(%[2]s/h.png)}</style>
<iframe title="x" src="%[1]s/i.html"></iframe><object data="%[1]s/j" type="text/html"></object>
<script src="%[1]s/k.js"></script><script>fetch('%[1]s/l'); new Image().src = '%[2]s/m.png';</script>
<img alt="" src="a-relative.png">`, u, byName)
	doc, err := c.Print(context.Background(), []byte(page))
	if err != nil {
		t.Fatal(err)
	}
	d, err := pdftext.Read(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Contains("Pagina stampata") {
		t.Errorf("the page did not print: %q", d.Text)
	}
	time.Sleep(200 * time.Millisecond) // a late request would show now
	if n := hits.Load(); n != 0 {
		t.Errorf("the printed page made %d requests to the network", n)
	}
}

// TestRestartAfterCrash: the printer keeps one browser for many jobs, and
// starts a new one when it died.
func TestRestartAfterCrash(t *testing.T) {
	c := newTestChromium(t)
	ctx := context.Background()
	for range 3 {
		if _, err := c.Print(ctx, []byte("<p>uno</p>")); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.starts.Load(); n != 1 {
		t.Fatalf("%d browsers started for 3 jobs, want 1", n)
	}
	c.mu.Lock()
	browser := c.browser
	proc := chromedp.FromContext(browser).Browser.Process()
	c.mu.Unlock()
	if err := proc.Kill(); err != nil { // the browser this test started
		t.Fatal(err)
	}
	<-browser.Done() // chromedp notices the lost browser
	if _, err := c.Print(ctx, []byte("<p>due</p>")); err != nil {
		t.Fatalf("after the browser died: %v", err)
	}
	if n := c.starts.Load(); n != 2 {
		t.Errorf("%d browsers started, want 2", n)
	}
}
