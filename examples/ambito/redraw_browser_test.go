package main

import (
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/incrocicomuni/incroci/internal/testbrowser"
)

// countDraws counts, in every page the tab opens from now on, the times a
// widget draws a tab list (its signed-in view) into its shadow root, per
// widget: window.__draws["incroci-console"].
const countDraws = `(() => {
  window.__draws = {};
  const rc = Element.prototype.replaceChildren;
  Element.prototype.replaceChildren = function (...kids) {
    const host = this.getRootNode().host;
    if (host && kids.some((k) => k.nodeType == 1 && (k.matches('[role=tablist]') || k.querySelector?.('[role=tablist]')))) {
      window.__draws[host.localName] = (window.__draws[host.localName] || 0) + 1;
    }
    return rc.apply(this, kids);
  };
})();`

// TestDrawsOnceSignedIn opens the demo page, with its eight widgets from
// eight bundles, already signed in (the session kept by the browser for
// the tab): each bundle asks the hub who is signed in and announces the
// same session, and the console drew its signed-in view once per bundle —
// a press on a tab in between was lost. It must draw it once.
func TestDrawsOnceSignedIn(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skip in -short mode")
	}
	browser := testbrowser.New(t)
	x := startE2E(t, "")
	tab := testbrowser.Tab(t, browser)
	x.signIn(tab, "coordinatore@lodi.demo.incroci.it")
	if _, err := chromedp.Call(tab, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: countDraws}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		testbrowser.Reload(t, tab)
		testbrowser.WaitFor(t, tab, in(consoleW, "#tab-people"))
		time.Sleep(1500 * time.Millisecond)
		if n := testbrowser.Eval[int](t, tab, `window.__draws["incroci-console"] || 0`); n != 1 {
			t.Errorf("load %d: the console drew its signed-in view %d times", i+1, n)
		}
	}
}
