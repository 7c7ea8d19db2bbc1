package pdf

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Printer prints HTML pages to PDF.
type Printer interface {
	// Print lays out html, a whole self-contained page (images, fonts and
	// styles inline or as data: URIs), on paper and returns the bytes of
	// the PDF. The page's @page rule sets the paper and the margins.
	Print(ctx context.Context, html []byte) ([]byte, error)
}

// Errors of the package. Compare with errors.Is.
var (
	// ErrNoBrowser: no Chromium at the path given, or none on PATH.
	ErrNoBrowser = errors.New("pdf: no Chromium found")
	// ErrClosed: Print was called after Close.
	ErrClosed = errors.New("pdf: the printer is closed")
)

// Executables are the names of the browsers that [FindChromium] looks for
// on PATH, in order.
var Executables = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// FindChromium returns the browser to print with: path when it is set (an
// executable file, or a name looked up on PATH), else the first of
// Executables on PATH. It returns an error wrapping ErrNoBrowser when there
// is none.
func FindChromium(path string) (string, error) {
	if path != "" {
		p, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("%w at %q: %v", ErrNoBrowser, path, err)
		}
		return p, nil
	}
	for _, name := range Executables {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w on PATH (looked for %v; on Debian: apt-get install chromium)", ErrNoBrowser, Executables)
}

// ChromiumConfig configures a [Chromium] printer. The zero value works when
// a Chromium is on PATH.
type ChromiumConfig struct {
	// Path is the browser's executable (a path, or a name looked up on
	// PATH). Default: the first of Executables found on PATH.
	Path string
	// NoSandbox runs the browser without its sandbox: for containers that
	// do not allow it. Default: false, except when the process runs as
	// root, where Chromium does not start with its sandbox.
	NoSandbox bool
	// MaxJobs is how many pages print at the same time, each in a tab of
	// its own; more wait for a free tab. Default: 2.
	MaxJobs int
	// Timeout bounds one Print, the wait for a free tab and the start of
	// the browser included. Default: 30 seconds.
	Timeout time.Duration
}

// Chromium is a [Printer] that prints with a headless Chromium. It starts
// the browser at the first Print and keeps it for the next ones (starting
// it again if it died); each page prints in a new tab of its own browser
// context (no cookies, cache or storage shared between pages). The page
// makes no network request: the printer answers the request for the page
// itself and fails every other one, so only data: URIs load; the browser
// also resolves no host name. Its scripts do not run. Chromium is safe for
// use by several goroutines; call Close when done.
type Chromium struct {
	exe       string
	noSandbox bool
	timeout   time.Duration
	slots     chan struct{}
	pageURL   string // pageURL, but for tests

	mu      sync.Mutex
	closed  bool
	browser context.Context // the browser's chromedp context; nil until started
	stop    func()          // stops the browser and waits for it to exit
	starts  atomic.Int64
}

// NewChromium checks cfg, finds the browser and fills the defaults. It does
// not start the browser: the first Print does. The error wraps ErrNoBrowser
// when no browser is found.
func NewChromium(cfg ChromiumConfig) (*Chromium, error) {
	exe, err := FindChromium(cfg.Path)
	if err != nil {
		return nil, err
	}
	if cfg.MaxJobs <= 0 {
		cfg.MaxJobs = 2
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Chromium{
		exe:       exe,
		noSandbox: cfg.NoSandbox || os.Geteuid() == 0,
		timeout:   cfg.Timeout,
		slots:     make(chan struct{}, cfg.MaxJobs),
		pageURL:   pageURL,
	}, nil
}

// Executable returns the path of the browser the printer runs.
func (c *Chromium) Executable() string { return c.exe }

// pageURL is the address the page is printed from. The .invalid domain
// never resolves; the printer answers the request for it itself.
const pageURL = "https://print.invalid/"

// pageCSP is the Content-Security-Policy the page is served with: no
// script, nothing from the network, images and fonts as data: URIs only.
const pageCSP = "default-src 'none'; style-src 'unsafe-inline' data:; img-src data:; font-src data:; script-src 'none'; base-uri 'none'; form-action 'none'"

// Print lays out html on paper with the browser and returns the PDF: A4
// with margins of 1 cm unless the page's @page rule says otherwise,
// backgrounds printed, tagged for screen readers. It waits for a free tab
// and starts the browser when needed, all within the printer's Timeout and
// ctx.
func (c *Chromium) Print(ctx context.Context, html []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	select {
	case c.slots <- struct{}{}:
		defer func() { <-c.slots }()
	case <-ctx.Done():
		return nil, fmt.Errorf("pdf: waiting for a free tab: %w", ctx.Err())
	}
	browser, err := c.start(ctx)
	if err != nil {
		return nil, err
	}
	doc, err := printPage(ctx, browser, c.pageURL, html)
	if err != nil {
		return nil, fmt.Errorf("pdf: print with %s: %w", c.exe, err)
	}
	return doc, nil
}

// start returns the browser's context, starting the browser when it has
// not started yet or has died.
func (c *Chromium) start(ctx context.Context) (context.Context, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, ErrClosed
	}
	if c.browser != nil && c.browser.Err() == nil {
		return c.browser, nil
	}
	if c.stop != nil {
		c.stop() // a browser that died: reap it and its folder
		c.browser, c.stop = nil, nil
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(c.exe),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,AutofillServerCommunication"),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		// No host name resolves: what the request interception does not
		// see (a preconnect, a DNS prefetch) goes nowhere either.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
	}
	if c.noSandbox {
		opts = append(opts, chromedp.NoSandbox)
	} else {
		opts = append(opts, chromedp.Flag("no-sandbox", false))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	stop := func() { cancelBrowser(); cancelAlloc() }
	// The first Run binds the browser's life to bctx: run it on bctx, and
	// give up on it (stopping the browser) when ctx ends first.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(bctx) }()
	select {
	case err := <-started:
		if err != nil {
			stop()
			return nil, fmt.Errorf("pdf: start %s: %w", c.exe, err)
		}
	case <-ctx.Done():
		cancelBrowser()
		<-started
		cancelAlloc()
		return nil, fmt.Errorf("pdf: start %s: %w", c.exe, ctx.Err())
	}
	c.starts.Add(1)
	c.browser, c.stop = bctx, stop
	return bctx, nil
}

// printPage prints html, served as pageURL, in a new tab, in a browser
// context of its own, of the browser of bctx.
func printPage(ctx context.Context, bctx context.Context, pageURL string, html []byte) ([]byte, error) {
	tctx, closeTab := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	defer closeTab()
	// Whatever ends ctx (the timeout, the caller) closes the tab, and with
	// it any call still waiting on the browser.
	defer context.AfterFunc(ctx, closeTab)()
	if err := chromedp.Do(tctx); err != nil {
		return nil, fmt.Errorf("open a tab: %w", errors.Join(err, ctx.Err()))
	}
	jctx, cancel := context.WithCancel(tctx)
	defer cancel()
	defer context.AfterFunc(ctx, cancel)()
	tab := chromedp.FromContext(tctx).Target

	// Answer the request for the page; fail every other one.
	paused := cdp.Events(jctx, tab, fetch.RequestPaused)
	served := make(chan error, 1)
	go func() {
		page := false
		for ev, err := range paused {
			if err != nil {
				return
			}
			if !page && ev.Request != nil && ev.Request.URL == pageURL && ev.ResourceType == network.ResourceTypeDocument {
				page = true
				_, err := cdp.Call(jctx, tab, fetch.FulfillRequest, fetch.FulfillRequestParams{
					RequestID:    ev.RequestID,
					ResponseCode: 200,
					ResponseHeaders: []*fetch.HeaderEntry{
						{Name: "Content-Type", Value: "text/html; charset=utf-8"},
						{Name: "Content-Security-Policy", Value: pageCSP},
						{Name: "Cache-Control", Value: "no-store"},
					},
					Body: html,
				})
				served <- err
				continue
			}
			cdp.Call(jctx, tab, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		}
	}()
	if _, err := cdp.Call(jctx, tab, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		return nil, fmt.Errorf("intercept requests: %w", errors.Join(err, ctx.Err()))
	}
	if err := chromedp.Do(jctx, chromedp.Navigate(pageURL)); err != nil {
		return nil, fmt.Errorf("load the page: %w", errors.Join(err, ctx.Err()))
	}
	select {
	case err := <-served:
		if err != nil {
			return nil, fmt.Errorf("serve the page: %w", err)
		}
	case <-jctx.Done():
		return nil, fmt.Errorf("serve the page: %w", errors.Join(jctx.Err(), ctx.Err()))
	}
	// Fonts of the page (data: URIs) may still be loading after the load
	// event; print once they are ready.
	if _, err := chromedp.Run(jctx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		return nil, fmt.Errorf("wait for the fonts: %w", errors.Join(err, ctx.Err()))
	}
	doc, err := chromedp.Run(jctx, chromedp.PrintToPDF(
		chromedp.PDFPaper(chromedp.PaperA4),
		chromedp.PDFMargin(1/2.54),
		chromedp.PDFPreferCSSPageSize(),
		chromedp.PDFPrintBackground(),
		chromedp.PDFOutlineAndTagged(),
	))
	if err != nil {
		return nil, fmt.Errorf("print: %w", errors.Join(err, ctx.Err()))
	}
	return doc, nil
}

// Close stops the browser and waits for it to exit. Print fails with
// ErrClosed afterwards; Close may be called more than once.
func (c *Chromium) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.stop != nil {
		c.stop()
		c.browser, c.stop = nil, nil
	}
	return nil
}
