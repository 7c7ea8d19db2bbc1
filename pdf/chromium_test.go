package pdf_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci/internal/pdftext"
	"github.com/incrocicomuni/incroci/pdf"
)

// newChromium returns a printer (closed when the test ends), skipping the
// test when no Chromium is on PATH, or failing it when CI=true.
func newChromium(t *testing.T, cfg pdf.ChromiumConfig) *pdf.Chromium {
	t.Helper()
	c, err := pdf.NewChromium(cfg)
	if errors.Is(err, pdf.ErrNoBrowser) {
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

func read(t *testing.T, doc []byte) *pdftext.Document {
	t.Helper()
	d, err := pdftext.Read(doc)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

const page = `<!DOCTYPE html><html lang="it"><head><meta charset="utf-8"><title>Prova</title>
<style>body{font:11pt sans-serif}:lang(ar){font-family:"DejaVu Sans",sans-serif}.cols{display:grid;grid-template-columns:1fr 1fr;gap:1cm}%s</style></head>
<body><h1>Ricongiungimento familiare</h1>
<img alt="" width="20" height="20" src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7">
<div class="cols"><p lang="it">Il permesso per motivi familiari.</p><p lang="ar" dir="rtl">تصريح <strong>لم الشمل</strong> يسمح للأسرة بالدخول.</p></div>
%s</body></html>`

// TestPrint: a page with Italian and Arabic prints to a valid PDF of one
// page that holds both texts, on A4 unless its @page rule says otherwise;
// the page's script does not run.
func TestPrint(t *testing.T) {
	c := newChromium(t, pdf.ChromiumConfig{})
	ctx := context.Background()
	doc, err := c.Print(ctx, []byte(fmt.Sprintf(page, "", `<p id="s"></p><script>document.getElementById('s').textContent = 'SCRIPT RAN'</script>`)))
	if err != nil {
		t.Fatal(err)
	}
	d := read(t, doc)
	if d.Pages != 1 {
		t.Errorf("%d pages, want 1", d.Pages)
	}
	for _, want := range []string{"Ricongiungimento familiare", "Il permesso per motivi familiari.", "تصريح", "لم الشمل", "بالدخول"} {
		if !d.Contains(want) {
			t.Errorf("the PDF lacks %q; its text: %q", want, d.Text)
		}
	}
	for _, not := range []string{"SCRIPT RAN", "تأشيرة"} {
		if d.Contains(not) {
			t.Errorf("the PDF holds %q", not)
		}
	}
	if w, h := d.Sizes[0][0], d.Sizes[0][1]; math.Abs(w-595.3) > 1.5 || math.Abs(h-841.9) > 1.5 {
		t.Errorf("page of %.1f×%.1f pt, want A4 (595×842)", w, h)
	}

	doc, err = c.Print(ctx, []byte(fmt.Sprintf(page, "@page{size:A5 landscape;margin:1cm}", "")))
	if err != nil {
		t.Fatal(err)
	}
	if d := read(t, doc); math.Abs(d.Sizes[0][0]-595.3) > 1.5 || math.Abs(d.Sizes[0][1]-419.5) > 1.5 {
		t.Errorf("@page A5 landscape: page of %.1f×%.1f pt, want 595×420", d.Sizes[0][0], d.Sizes[0][1])
	}
}

// TestPrintInParallel: more jobs than tabs wait their turn and all print,
// in one browser.
func TestPrintInParallel(t *testing.T) {
	c := newChromium(t, pdf.ChromiumConfig{MaxJobs: 2})
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for i := range 5 {
		wg.Go(func() {
			doc, err := c.Print(context.Background(), []byte(fmt.Sprintf(page, "", fmt.Sprintf("<p>Copia %d</p>", i))))
			if err != nil {
				errs <- err
				return
			}
			d, err := pdftext.Read(doc)
			if err != nil {
				errs <- err
				return
			}
			if !d.Contains(fmt.Sprintf("Copia %d", i)) {
				errs <- fmt.Errorf("job %d printed another page: %q", i, d.Text)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestPrintLimits: a print that cannot finish in time fails with
// context.DeadlineExceeded, a cancelled caller with context.Canceled; after
// Close, Print fails with ErrClosed; a browser that is not there is
// ErrNoBrowser.
func TestPrintLimits(t *testing.T) {
	c := newChromium(t, pdf.ChromiumConfig{Timeout: time.Millisecond})
	if _, err := c.Print(context.Background(), []byte("<p>x</p>")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout of 1 ms: err = %v, want DeadlineExceeded", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c = newChromium(t, pdf.ChromiumConfig{})
	if _, err := c.Print(ctx, []byte("<p>x</p>")); !errors.Is(err, context.Canceled) {
		t.Errorf("caller gone: err = %v, want Canceled", err)
	}
	if _, err := c.Print(context.Background(), []byte("<p>x</p>")); err != nil {
		t.Errorf("after a cancelled job: %v", err)
	}
	c.Close()
	if _, err := c.Print(context.Background(), []byte("<p>x</p>")); !errors.Is(err, pdf.ErrClosed) {
		t.Errorf("after Close: err = %v, want ErrClosed", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := pdf.NewChromium(pdf.ChromiumConfig{Path: t.TempDir() + "/no-chromium"}); !errors.Is(err, pdf.ErrNoBrowser) {
		t.Errorf("a missing browser: err = %v, want ErrNoBrowser", err)
	}
}
