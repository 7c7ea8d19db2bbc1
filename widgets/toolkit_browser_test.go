package widgets_test

// Browser tests of <incroci-toolkit>: the toolkit's widget on an ambito's
// page, against the real platform with the toolkit mounted beside it, on
// SQLite and PostgreSQL, with the real SMTP server of the test.

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testbrowser"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/toolkit"
)

const (
	toolkitW = "incroci-toolkit"
	tkOp     = "operatore@comune.lodi.it"
	tkEditor = "redattrice@comune.lodi.it"
	tkXSS    = `<img src=x onerror="window.__xss=1">`
)

// tkHub is a hub (see newHub) with the toolkit mounted at
// /incroci/toolkit, an operator and an editor of lodi, and published
// sheets: a handout on family reunification for citizens with its legal
// source, an Arabic and an English translation and a glossary term named in
// it; a handout for citizens of lodi's own (private to lodi) with an
// Arabic translation and a PDF form attached; and a sheet and a glossary
// term whose titles carry a script payload.
type tkHub struct {
	*hub
	tk       *toolkit.Toolkit
	reunion  int64
	source   int64
	xssSheet int64
	canteen  int64
	form     int64
}

func newToolkitHub(t *testing.T, db *gorm.DB) *tkHub {
	t.Helper()
	x := &tkHub{hub: newHub(t, db)}
	h := x.hub
	r, ok := h.api.Config.Handler.(*gin.Engine)
	if !ok {
		t.Fatalf("the hub's handler is a %T", h.api.Config.Handler)
	}
	var err error
	store, err := toolkit.NewDiskStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if x.tk, err = toolkit.New(context.Background(), h.p, toolkit.Config{Attachments: store, MaxAttachment: 1 << 20}); err != nil {
		t.Fatal(err)
	}
	// Nothing was served yet: the routes can still be added.
	x.tk.Mount(r.Group("/incroci/toolkit"))
	h.invite(tkOp, "Operatore Rossi", incroci.RoleOperator)
	h.invite(tkEditor, "Redattrice Verdi", incroci.RoleEditor)
	op, ed := x.asEmail(tkOp), x.asEmail(tkEditor)
	src, err := x.tk.CreateSource(ed, toolkit.SourceInput{Kind: toolkit.SourceLaw, Title: "Testo unico sull'immigrazione, art. 29 (ricongiungimento familiare)",
		Reference: "D.Lgs. 286/1998, art. 29", URL: "https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:decreto.legislativo:1998-07-25;286~art29",
		Version: "Testo vigente", ValidFrom: "1998-08-18"})
	if err != nil {
		t.Fatal(err)
	}
	x.source = src.ID
	if _, err := x.tk.SaveTerm(ed, 0, toolkit.TermInput{Term: "nulla osta", Definitions: map[string]string{
		"it": "Autorizzazione dello Sportello Unico per l'Immigrazione della Prefettura all'ingresso in Italia.",
		"en": "Clearance of the Prefecture's immigration desk for entering Italy.",
		"ar": "إذن من مكتب الهجرة في المحافظة للدخول إلى إيطاليا.",
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := x.tk.SaveTerm(ed, 0, toolkit.TermInput{Term: tkXSS + " voce", Definitions: map[string]string{"it": tkXSS + " definizione"}}); err != nil {
		t.Fatal(err)
	}
	publish := func(in toolkit.SheetInput) int64 {
		t.Helper()
		in.Submit = true
		v, err := x.tk.Propose(op, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := x.tk.Publish(ed, v.ID, toolkit.ReviewInput{RevisionID: v.Revision.ID}); err != nil {
			t.Fatal(err)
		}
		return v.ID
	}
	x.reunion = publish(toolkit.SheetInput{Audience: toolkit.AudienceCitizens, Topics: []string{"ricongiungimento"}, Title: "Ricongiungimento familiare",
		SourceIDs: []int64{src.ID}, Sections: map[string]string{
			"what":   "Il ricongiungimento familiare permette di far venire in Italia il coniuge, i figli minori e i genitori a carico.",
			"needed": "- il **nulla osta** della Prefettura\n- il passaporto dei familiari\n- un alloggio idoneo",
			"where":  "Sportello Unico per l'Immigrazione della [Prefettura di Lodi](https://www.prefettura.it/lodi/).",
		}})
	for lang, in := range map[string]toolkit.TranslationInput{
		"ar": {Title: "لمّ الشمل العائلي", Sections: map[string]string{
			"what":   "يسمح لمّ الشمل العائلي بإحضار الزوج والأبناء القاصرين والوالدين المعالين إلى إيطاليا.",
			"needed": "- إذن الدخول (nulla osta) من المحافظة\n- جوازات سفر أفراد الأسرة\n- سكن مناسب",
			"where":  "مكتب الهجرة الموحد في محافظة لودي.",
		}},
		"en": {Title: "Family reunification", Sections: map[string]string{
			"what": "Family reunification lets you bring your spouse, minor children and dependent parents to Italy.",
		}},
	} {
		if _, err := x.tk.WriteTranslation(ed, x.reunion, lang, in); err != nil {
			t.Fatal(err)
		}
	}
	x.canteen = publish(toolkit.SheetInput{Audience: toolkit.AudienceCitizens, Ambito: "lodi", Topics: []string{"scuola"}, Title: "Mensa scolastica a Lodi",
		Sections: map[string]string{"what": "Per iscrivere i figli alla mensa scolastica si compila il modulo del Comune di Lodi."}})
	if _, err := x.tk.WriteTranslation(ed, x.canteen, "ar", toolkit.TranslationInput{Title: "المقصف المدرسي في لودي",
		Sections: map[string]string{"what": "لتسجيل الأطفال في المقصف المدرسي يجب ملء استمارة بلدية لودي."}}); err != nil {
		t.Fatal(err)
	}
	a, err := x.tk.Attach(ed, x.canteen, toolkit.AttachmentInput{Title: "Modulo di iscrizione alla mensa", Lang: "it"}, "modulo-mensa.pdf", strings.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	x.form = a.ID
	x.xssSheet = publish(toolkit.SheetInput{Audience: toolkit.AudienceCitizens, Topics: []string{"casa"}, Title: tkXSS + " Certificato abitativo prova",
		Sections: map[string]string{"what": tkXSS + " Il certificato di idoneità abitativa si chiede al Comune. <script>window.__xss=2</script>"}})
	// Two services of the directory, in two comuni.
	for _, c := range []string{"Lodi", "Codogno"} {
		o, err := x.tk.CreateOrganization(ed, toolkit.OrganizationInput{Ambito: "lodi", Name: "Comune di " + c, Description: "Servizi sociali del Comune di " + c + "."})
		if err != nil {
			t.Fatal(err)
		}
		l, err := x.tk.CreateLocation(ed, toolkit.LocationInput{OrganizationID: o.ID, LocationType: "physical", Name: "Municipio di " + c,
			Address: &toolkit.AddressInput{Address1: "Piazza della Vittoria 1", City: c, StateProvince: "LO", PostalCode: "26900"}})
		if err != nil {
			t.Fatal(err)
		}
		sv, err := x.tk.CreateService(ed, toolkit.ServiceInput{OrganizationID: o.ID, Name: "Sportello stranieri di " + c, Status: toolkit.ServiceActive,
			Description: tkXSS + " Informazioni per i cittadini stranieri residenti a " + c + "."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := x.tk.CreateServiceAtLocation(ed, toolkit.ServiceAtLocationInput{ServiceID: sv.ID, LocationID: l.ID}); err != nil {
			t.Fatal(err)
		}
	}
	// Enough sheets on one word for two pages of results.
	for i := 1; i <= 12; i++ {
		publish(toolkit.SheetInput{Audience: toolkit.AudienceCitizens, Topics: []string{"salute"}, Title: "Tessera sanitaria, caso " + strconv.Itoa(i),
			Sections: map[string]string{"what": "La tessera sanitaria si rinnova alla scadenza del permesso."}})
	}
	return x
}

// asEmail signs the person in through the Go API and acts as them.
func (x *tkHub) asEmail(email string) context.Context {
	x.t.Helper()
	return incroci.WithPrincipal(context.Background(), x.principal(x.token(email)))
}

func (x *tkHub) token(email string) string {
	x.t.Helper()
	s, err := x.p.SignIn(context.Background(), incroci.Identity{Email: email})
	if err != nil {
		x.t.Fatal(err)
	}
	return s.Token
}

func (x *tkHub) principal(token string) *incroci.Principal {
	x.t.Helper()
	pr, err := x.p.Authenticate(context.Background(), token)
	if err != nil {
		x.t.Fatal(err)
	}
	return pr
}

// get sends GET path to the hub's API with token (none when ""), and returns the status and body.
func (x *tkHub) get(path, token string) (int, string) {
	x.t.Helper()
	req, _ := http.NewRequest("GET", x.base()+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		x.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// noScript checks that nothing written by people became HTML in the toolkit widget.
func noScript(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	if got := testbrowser.Eval[string](t, ctx, `String(`+testbrowser.QueryAll(in(toolkitW, "img, script"))+`.length) + ' ' + typeof window.__xss`); got != "0 undefined" {
		t.Errorf("%s: script payloads became HTML: images and scripts, window.__xss = %s", what, got)
	}
}

// TestBrowserToolkit runs <incroci-toolkit>: search with its own and the
// API's errors, the family-reunification handout found by an inflected word
// with the word highlighted, the sheet with its legal source, a glossary term
// shown on focus and tap, the Arabic translation laid out right to left, print
// links, feedback (personal data refused, then sent), the outdated and
// overdue banners, the glossary by letter, an operator signing in and
// proposing a new sheet and a change, script payloads everywhere as text,
// axe-core on every view, and the widget in English.
func TestBrowserToolkit(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newToolkitHub(t, db)
		h := x.hub
		ctx := testbrowser.Tab(t, browser)
		W := func(sel string) string { return in(toolkitW, sel) }
		hidden := func(sel string) bool {
			return testbrowser.Eval[bool](t, ctx, `(`+testbrowser.Query(W(sel))+`).closest('[hidden]') != null`)
		}

		// Anonymous: the search form, which takes no focus on load.
		testbrowser.Navigate(t, ctx, h.page("w=toolkit"))
		testbrowser.WaitFor(t, ctx, W("#q"))
		testbrowser.WaitFor(t, ctx, W("#start"))
		if f := testbrowser.Focused(t, ctx); f != "body" {
			t.Errorf("on load the widget took the page's focus: %s", f)
		}
		testbrowser.Axe(t, ctx, "toolkit: search form")

		// Nothing to look for: the widget's own error beside the field.
		testbrowser.Click(t, ctx, W("#go"))
		testbrowser.WaitText(t, ctx, W("#q-err"), "Scrivi che cosa cerchi")
		if f := testbrowser.Focused(t, ctx); f != toolkitW+" >>> input#q" {
			t.Errorf("focus after the error: %s", f)
		}
		// Too long for the API: its Italian message beside the field.
		testbrowser.Eval[bool](t, ctx, `((i) => { i.removeAttribute('maxlength'); i.value = 'a'.repeat(201); return true; })(`+testbrowser.Query(W("#q"))+`)`)
		testbrowser.Click(t, ctx, W("#go"))
		testbrowser.Wait(t, ctx, `(`+testbrowser.Query(W("#q-err"))+`)?.textContent.length > 0 && !(`+testbrowser.Query(W("#q-err"))+`).textContent.includes('Scrivi che cosa')`)
		testbrowser.Axe(t, ctx, "toolkit: search with a field error")

		// "ricongiungimenti" finds the sheet on "ricongiungimento familiare", the word marked.
		testbrowser.Clear(t, ctx, W("#q"))
		testbrowser.Type(t, ctx, W("#q"), "ricongiungimenti\r")
		testbrowser.WaitFor(t, ctx, W("#hits li"))
		if got := testbrowser.Text(t, ctx, W("#hits li h3")); got != "Ricongiungimento familiare" {
			t.Errorf("first result %q", got)
		}
		if got := testbrowser.Text(t, ctx, W("#hits li .snip mark")); !strings.HasPrefix(strings.ToLower(got), "ricongiungiment") {
			t.Errorf("highlight %q", got)
		}
		if got := testbrowser.Text(t, ctx, W("#count")); !strings.HasPrefix(got, "Risultati: ") {
			t.Errorf("count %q", got)
		}
		testbrowser.Axe(t, ctx, "toolkit: results")
		if got := testbrowser.Text(t, ctx, W("#results")); strings.Contains(got, "false") {
			t.Errorf("the results show %q", got)
		}
		testbrowser.Screenshot(t, ctx, "results")

		// Two pages: the next one, by keyboard, keeps the focus on its button.
		testbrowser.Clear(t, ctx, W("#q"))
		testbrowser.Type(t, ctx, W("#q"), "tessera\r")
		testbrowser.WaitText(t, ctx, W("#results nav"), "Pagina 1 di 2")
		if n := testbrowser.Eval[int](t, ctx, testbrowser.QueryAll(W("#hits > li"))+`.length`); n != 10 {
			t.Errorf("page 1 has %d results", n)
		}
		if got := testbrowser.Attr(t, ctx, W("#prev"), "aria-disabled"); got != "true" {
			t.Errorf("previous on page 1: aria-disabled=%q", got)
		}
		testbrowser.Focus(t, ctx, W("#next"))
		testbrowser.Keys(t, ctx, "\r")
		testbrowser.WaitText(t, ctx, W("#results nav"), "Pagina 2 di 2")
		if n := testbrowser.Eval[int](t, ctx, testbrowser.QueryAll(W("#hits > li"))+`.length`); n != 2 {
			t.Errorf("page 2 has %d results", n)
		}
		if f := testbrowser.Focused(t, ctx); f != toolkitW+" >>> button#next" {
			t.Errorf("after the next page the focus is on %s", f)
		}
		testbrowser.Clear(t, ctx, W("#q"))
		testbrowser.Type(t, ctx, W("#q"), "ricongiungimenti\r")
		testbrowser.WaitText(t, ctx, W("#hits"), "Ricongiungimento familiare")

		// The directory's services, by comune; their fields as text.
		testbrowser.Clear(t, ctx, W("#q"))
		setValue(t, ctx, W("#kind"), "service")
		testbrowser.Type(t, ctx, W("#comune"), "codogno")
		testbrowser.Type(t, ctx, W("#q"), "stranieri\r")
		testbrowser.WaitFor(t, ctx, W("#hits li"))
		if got := testbrowser.Eval[string](t, ctx, `[...`+testbrowser.QueryAll(W("#hits h3"))+`].map((e) => e.textContent).join('|')`); got != "Sportello stranieri di Codogno" {
			t.Errorf("services in Codogno: %q", got)
		}
		noScript(t, ctx, "a service's description")
		testbrowser.Clear(t, ctx, W("#comune"))
		testbrowser.Click(t, ctx, W("#go"))
		testbrowser.Wait(t, ctx, testbrowser.QueryAll(W("#hits > li"))+`.length == 2`)
		setValue(t, ctx, W("#kind"), "")

		// A glossary entry among the results opens in the glossary.
		testbrowser.Clear(t, ctx, W("#q"))
		setValue(t, ctx, W("#kind"), "term")
		testbrowser.Type(t, ctx, W("#q"), "nulla osta\r")
		testbrowser.WaitFor(t, ctx, W("#hits li h3 button"))
		testbrowser.Click(t, ctx, W("#hits li h3 button"))
		testbrowser.WaitFor(t, ctx, W("#terms"))
		if got := testbrowser.Value(t, ctx, W("#gq")); got != "nulla osta" {
			t.Errorf("the glossary opened on %q", got)
		}
		if n := testbrowser.Eval[int](t, ctx, testbrowser.QueryAll(W("#terms > li"))+`.length`); n != 1 {
			t.Errorf("the glossary shows %d entries for the term", n)
		}
		testbrowser.Click(t, ctx, W("#go-search"))
		testbrowser.WaitFor(t, ctx, W("#q"))
		setValue(t, ctx, W("#kind"), "")
		testbrowser.Clear(t, ctx, W("#q"))
		testbrowser.Type(t, ctx, W("#q"), "ricongiungimenti\r")
		testbrowser.WaitText(t, ctx, W("#hits"), "Ricongiungimento familiare")

		// A filter the sheet does not match: the empty state.
		setValue(t, ctx, W("#audience"), "operators")
		testbrowser.Click(t, ctx, W("#go"))
		testbrowser.WaitText(t, ctx, W("#empty"), "Nessun risultato per «ricongiungimenti»")
		setValue(t, ctx, W("#audience"), "")

		// A title and a body with a script payload: text, in the results.
		testbrowser.Clear(t, ctx, W("#q"))
		testbrowser.Type(t, ctx, W("#q"), "certificato\r")
		testbrowser.WaitText(t, ctx, W("#hits"), tkXSS+" Certificato abitativo prova")
		noScript(t, ctx, "search results")

		// The sheet: sections, legal source, print links, glossary term.
		testbrowser.Clear(t, ctx, W("#q"))
		testbrowser.Type(t, ctx, W("#q"), "ricongiungimenti\r")
		testbrowser.WaitFor(t, ctx, W("#hits li h3 button"))
		testbrowser.Click(t, ctx, W("#hits li h3 button"))
		testbrowser.WaitFor(t, ctx, W("#content"))
		if f := testbrowser.Focused(t, ctx); f != toolkitW+" >>> h2#sheet-title" {
			t.Errorf("the sheet opened with the focus on %s", f)
		}
		if got := testbrowser.Text(t, ctx, W("#sheet-title")); got != "Ricongiungimento familiare" {
			t.Errorf("sheet title %q", got)
		}
		if got := testbrowser.Text(t, ctx, W("[data-section=needed] strong button.gl")); got != "nulla osta" {
			t.Errorf("the glossary term in the text: %q", got)
		}
		if got := testbrowser.Text(t, ctx, W("#sources")); !strings.Contains(got, "D.Lgs. 286/1998, art. 29 – Testo unico sull'immigrazione, art. 29") {
			t.Errorf("sources %q", got)
		}
		link := testbrowser.Eval[string](t, ctx, `((a) => a.href + ' ' + a.rel + ' ' + a.target + ' ' + a.textContent)(`+testbrowser.Query(W("[data-section=where] a"))+`)`)
		if link != "https://www.prefettura.it/lodi/ nofollow noreferrer noopener _blank Prefettura di Lodi" {
			t.Errorf("a link of the sheet: %q", link)
		}
		if got := testbrowser.Attr(t, ctx, W("#sources a"), "href"); !strings.HasPrefix(got, "https://www.normattiva.it/") {
			t.Errorf("source link %q", got)
		}
		handout := h.base() + "/toolkit/sheets/" + id64(x.reunion) + "/handout"
		if got := testbrowser.Attr(t, ctx, W("#print"), "href"); got != handout {
			t.Errorf("print link %q, want %q", got, handout)
		}
		if got := testbrowser.Attr(t, ctx, W("#pdf"), "href"); got != handout+".pdf" {
			t.Errorf("PDF link %q", got)
		}
		if testbrowser.Exists(t, ctx, W("#outdated")) || testbrowser.Exists(t, ctx, W("#overdue")) {
			t.Error("a current sheet shows the outdated or overdue banner")
		}
		testbrowser.Axe(t, ctx, "toolkit: sheet")

		// The term's definition on focus (described by it), hidden by Escape, shown by a tap.
		term := W("button.gl")
		tip := testbrowser.Attr(t, ctx, term, "aria-describedby")
		if !hidden("#" + tip) {
			t.Error("the definition shows before anyone asked")
		}
		testbrowser.Focus(t, ctx, term)
		testbrowser.Wait(t, ctx, `!(`+testbrowser.Query(W("#"+tip))+`).hidden`)
		if got := testbrowser.Text(t, ctx, W("#"+tip)); !strings.Contains(got, "Autorizzazione dello Sportello Unico") {
			t.Errorf("definition %q", got)
		}
		if got := testbrowser.Eval[string](t, ctx, `(`+testbrowser.Query(term)+`).ariaDescribedByElements?.[0]?.textContent ?? (`+testbrowser.Query(W("#"+tip))+`).textContent`); !strings.Contains(got, "Autorizzazione") {
			t.Errorf("the term is not described by its definition: %q", got)
		}
		testbrowser.Axe(t, ctx, "toolkit: sheet with a definition shown")
		testbrowser.Screenshot(t, ctx, "definition")
		testbrowser.Keys(t, ctx, "\x1b") // Escape
		testbrowser.Wait(t, ctx, `(`+testbrowser.Query(W("#"+tip))+`).hidden`)
		testbrowser.Click(t, ctx, W("#sheet-title"))
		testbrowser.Click(t, ctx, term)
		testbrowser.Wait(t, ctx, `!(`+testbrowser.Query(W("#"+tip))+`).hidden`)

		// Arabic: right to left, lang=ar, the handout's links follow.
		setValue(t, ctx, W("#cl"), "ar")
		testbrowser.Wait(t, ctx, `(`+testbrowser.Query(W("#content"))+`).lang == 'ar'`)
		if got := testbrowser.Attr(t, ctx, W("#content"), "dir"); got != "rtl" {
			t.Errorf("Arabic content dir=%q", got)
		}
		if got := testbrowser.Style(t, ctx, W("#content [data-section=what] p"), "direction")["direction"]; got != "rtl" {
			t.Errorf("Arabic paragraph direction %q", got)
		}
		if got := testbrowser.Text(t, ctx, W("#sheet-title")); got != "لمّ الشمل العائلي" {
			t.Errorf("Arabic title %q", got)
		}
		if got := testbrowser.Attr(t, ctx, W("#print"), "href"); got != handout+"?lang=ar" {
			t.Errorf("print link in Arabic %q", got)
		}
		if code, body := x.get("/toolkit/sheets/"+id64(x.reunion)+"/handout?lang=ar", ""); code != 200 || !strings.Contains(body, "لمّ الشمل العائلي") {
			t.Errorf("the print link answers %d", code)
		}
		testbrowser.Axe(t, ctx, "toolkit: sheet in Arabic")
		testbrowser.Screenshot(t, ctx, "arabic")

		// Feedback: a score first; a comment with a phone number refused by the API; then sent.
		testbrowser.Click(t, ctx, W("#fb-send"))
		testbrowser.WaitText(t, ctx, W("#fb-score-err"), "Scegli un valore da 1 a 5")
		if !hidden("#fb-missing") {
			t.Error("the follow-up question shows before a score")
		}
		testbrowser.Click(t, ctx, W("#fb-score-2"))
		testbrowser.Wait(t, ctx, `!(`+testbrowser.Query(W("#fb-missing"))+`).hidden`)
		testbrowser.Click(t, ctx, W("#fb-missing-documents"))
		if got := testbrowser.Text(t, ctx, W("#fb-comment-hint")); !strings.Contains(got, "Non scrivere dati personali") {
			t.Errorf("comment warning %q", got)
		}
		testbrowser.Type(t, ctx, W("#fb-comment"), "Scrivetemi a mario.rossi@example.org")
		testbrowser.Click(t, ctx, W("#fb-send"))
		testbrowser.Wait(t, ctx, `(`+testbrowser.Query(W("#fb-comment"))+`).getAttribute('aria-invalid') == 'true'`)
		if got := testbrowser.Text(t, ctx, W("#fb-comment-err")); got == "" {
			t.Error("the API's refusal of personal data is not shown beside the comment")
		}
		testbrowser.Axe(t, ctx, "toolkit: feedback with an error")
		testbrowser.Clear(t, ctx, W("#fb-comment"))
		testbrowser.Type(t, ctx, W("#fb-comment"), "Mancava l'elenco dei documenti dei figli")
		testbrowser.Click(t, ctx, W("#fb-send"))
		testbrowser.WaitFor(t, ctx, W("#fb-done"))
		fb, err := x.tk.FeedbackOf(x.asEmail(tkEditor), x.reunion)
		if err != nil {
			t.Fatal(err)
		}
		if fb.Count != 1 || fb.Scores[1] != 1 || fb.Missing["documents"] != 1 || len(fb.Comments) != 1 {
			t.Errorf("feedback recorded: %+v", fb)
		}

		// A change of its legal source and a review day passed: both banners.
		note, version := "Modificato dal D.L. 20/2023 "+tkXSS, "Testo in vigore dal 2023"
		if _, err := x.tk.UpdateSource(x.asEmail(tkEditor), x.source, toolkit.SourcePatch{Version: &version, Note: note}); err != nil {
			t.Fatal(err)
		}
		past := "2020-01-31"
		if _, err := x.tk.UpdateSheet(x.asEmail(tkEditor), x.reunion, toolkit.SheetPatch{ReviewBy: &past}); err != nil {
			t.Fatal(err)
		}
		testbrowser.Reload(t, ctx)
		testbrowser.WaitFor(t, ctx, W("#q"))
		testbrowser.Type(t, ctx, W("#q"), "ricongiungimenti\r")
		testbrowser.WaitFor(t, ctx, W("#hits li h3 button"))
		testbrowser.Click(t, ctx, W("#hits li h3 button"))
		testbrowser.WaitFor(t, ctx, W("#outdated"))
		if got := testbrowser.Text(t, ctx, W("#outdated")); !strings.Contains(got, "Scheda da aggiornare") || !strings.Contains(got, note) {
			t.Errorf("outdated banner %q", got)
		}
		if got := testbrowser.Text(t, ctx, W("#overdue")); !strings.Contains(got, "31 gennaio 2020") {
			t.Errorf("overdue banner %q", got)
		}
		noScript(t, ctx, "outdated note")
		// Its translations too: the Arabic one says it is out of date.
		setValue(t, ctx, W("#cl"), "ar")
		testbrowser.WaitFor(t, ctx, W("#tr-outdated"))
		testbrowser.Axe(t, ctx, "toolkit: outdated sheet")

		// The sheet whose title and body carry a script payload.
		testbrowser.Click(t, ctx, W("#back"))
		testbrowser.WaitFor(t, ctx, W("#q"))
		testbrowser.Clear(t, ctx, W("#q"))
		testbrowser.Type(t, ctx, W("#q"), "certificato\r")
		testbrowser.WaitFor(t, ctx, W("#hits li h3 button"))
		testbrowser.Click(t, ctx, W("#hits li h3 button"))
		testbrowser.WaitFor(t, ctx, W("#content"))
		if got := testbrowser.Text(t, ctx, W("#sheet-title")); got != tkXSS+" Certificato abitativo prova" {
			t.Errorf("script in a title: %q", got)
		}
		if got := testbrowser.Text(t, ctx, W("#content [data-section=what]")); !strings.Contains(got, tkXSS) || !strings.Contains(got, "<script>") {
			t.Errorf("script in a body: %q", got)
		}
		noScript(t, ctx, "sheet")

		// The glossary: entries with their definitions in several languages, by letter.
		testbrowser.Click(t, ctx, W("#go-glossary"))
		testbrowser.WaitFor(t, ctx, W("#terms"))
		if got := testbrowser.Text(t, ctx, W("#terms")); !strings.Contains(got, tkXSS+" voce") || !strings.Contains(got, "nulla osta") {
			t.Errorf("glossary %q", got)
		}
		if got := testbrowser.Eval[string](t, ctx, `[...`+testbrowser.QueryAll(W("#terms dd"))+`].map((d) => d.lang + ':' + d.dir).join(' ')`); !strings.Contains(got, "ar:rtl") || !strings.Contains(got, "en:ltr") {
			t.Errorf("definitions' languages %q", got)
		}
		noScript(t, ctx, "glossary")
		testbrowser.Axe(t, ctx, "toolkit: glossary")
		testbrowser.Screenshot(t, ctx, "glossary")
		testbrowser.Click(t, ctx, W("#l-N"))
		testbrowser.Wait(t, ctx, testbrowser.QueryAll(W("#terms > li"))+`.length == 1`)
		if got := testbrowser.Attr(t, ctx, W("#l-N"), "aria-pressed"); got != "true" {
			t.Errorf("letter N aria-pressed=%q", got)
		}
		testbrowser.Type(t, ctx, W("#gq"), "zzz\r")
		testbrowser.WaitFor(t, ctx, W("#g-empty"))

		// "Proponi una scheda": signing in first, in the chunk loaded on demand.
		testbrowser.Click(t, ctx, W("#go-propose"))
		testbrowser.WaitFor(t, ctx, W("#email"))
		testbrowser.Axe(t, ctx, "toolkit: sign-in")
		before := h.mailsTo(tkOp, "codice di accesso")
		testbrowser.Type(t, ctx, W("#email"), tkOp+"\r")
		testbrowser.WaitFor(t, ctx, W("#code"))
		testbrowser.Type(t, ctx, W("#code"), find(t, signinCode, h.waitMail(tkOp, "codice di accesso", before))+"\r")
		testbrowser.WaitFor(t, ctx, W("#p-title"))
		testbrowser.WaitFor(t, ctx, W("#signout"))
		testbrowser.Axe(t, ctx, "toolkit: proposal form")
		testbrowser.Screenshot(t, ctx, "proposal")
		testbrowser.Click(t, ctx, W("#p-send"))
		testbrowser.WaitText(t, ctx, W("#p-title-err"), "Scrivi un titolo")
		title := tkXSS + " Assegno unico per i figli"
		testbrowser.Type(t, ctx, W("#p-title"), title)
		testbrowser.Click(t, ctx, W("#p-topics input[value=prestazioni]"))
		testbrowser.Type(t, ctx, W("#p-what"), "L'assegno unico spetta a chi ha figli a carico. "+tkXSS)
		testbrowser.Type(t, ctx, W("#p-note"), "Da verificare con l'INPS")
		testbrowser.Click(t, ctx, W("#p-sources input[value='"+id64(x.source)+"']"))
		testbrowser.Click(t, ctx, W("#p-send"))
		testbrowser.WaitText(t, ctx, W("#p-done"), "inviata alla redazione")
		noScript(t, ctx, "proposal")
		code, body := x.get("/toolkit/sheets?state=in_review", x.token(tkEditor))
		var list struct {
			Data []struct {
				ID     int64    `json:"id"`
				Title  string   `json:"title"`
				State  string   `json:"state"`
				Ambito string   `json:"ambito"`
				Topics []string `json:"topics"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil || len(list.Data) != 1 {
			t.Fatalf("the editors' proposals: %d %s", code, body)
		}
		if p := list.Data[0]; p.Title != title || p.Ambito != "lodi" || len(p.Topics) != 1 || p.Topics[0] != "prestazioni" {
			t.Errorf("the proposal as the API lists it: %+v", p)
		}
		if got := testbrowser.Text(t, ctx, W("#p-done")); !strings.Contains(got, "n. "+id64(list.Data[0].ID)) {
			t.Errorf("the confirmation %q does not name proposal %d", got, list.Data[0].ID)
		}
		if srcs, err := x.tk.SheetSources(x.asEmail(tkEditor), list.Data[0].ID); err != nil || len(srcs) != 1 || srcs[0].ID != x.source {
			t.Errorf("the proposal's legal sources: %v %+v", err, srcs)
		}
		testbrowser.Axe(t, ctx, "toolkit: proposal sent")

		// "Proponi una modifica" to the sheet shown, from its revision.
		testbrowser.Click(t, ctx, W("#p-back"))
		testbrowser.WaitFor(t, ctx, W("#q"))
		testbrowser.Clear(t, ctx, W("#q"))
		testbrowser.Type(t, ctx, W("#q"), "ricongiungimenti\r")
		testbrowser.WaitFor(t, ctx, W("#hits li h3 button"))
		testbrowser.Click(t, ctx, W("#hits li h3 button"))
		testbrowser.WaitFor(t, ctx, W("#change"))
		testbrowser.Click(t, ctx, W("#change"))
		testbrowser.WaitFor(t, ctx, W("#p-title"))
		if got := testbrowser.Value(t, ctx, W("#p-title")); got != "Ricongiungimento familiare" {
			t.Errorf("the change starts from title %q", got)
		}
		if got := testbrowser.Value(t, ctx, W("#p-needed")); !strings.Contains(got, "**nulla osta**") {
			t.Errorf("the change starts from the section's Markdown %q", got)
		}
		if !testbrowser.Eval[bool](t, ctx, `(`+testbrowser.Query(W("#p-sources input[value='"+id64(x.source)+"']"))+`).checked`) {
			t.Error("the change does not start from the sheet's legal sources")
		}
		testbrowser.Type(t, ctx, W("#p-special"), "Per i genitori serve l'assicurazione sanitaria.")
		testbrowser.Click(t, ctx, W("#p-send"))
		testbrowser.WaitText(t, ctx, W("#p-done"), "revisione 2")
		revs, err := x.tk.Revisions(x.asEmail(tkEditor), x.reunion)
		if err != nil {
			t.Fatal(err)
		}
		if len(revs) != 2 || revs[0].Sections["special"] == "" && revs[1].Sections["special"] == "" {
			t.Errorf("revisions after the change: %+v", revs)
		}
		v, err := x.tk.Get(x.asEmail(tkOp), x.reunion)
		if err != nil || v.Revision.Number != 1 {
			t.Errorf("a proposed change altered the published sheet: %v %+v", err, v)
		}

		// A file with the change: the limits from GET /toolkit/settings, one
		// too large refused by the widget and one of the wrong type by the
		// API, both beside the field; then a PDF, waiting for the editors.
		testbrowser.WaitText(t, ctx, W("#p-file-hint"), "al massimo 1.0 MB")
		pickFile(t, ctx, W("#p-file"), "grande.pdf", "", 1<<20+1)
		testbrowser.Click(t, ctx, W("#p-attach"))
		testbrowser.WaitText(t, ctx, W("#p-file-err"), "Il file è troppo grande: al massimo 1.0 MB.")
		pickFile(t, ctx, W("#p-file"), "pagina.pdf", "<html><body><script>alert(1)</script></body></html>", 0)
		testbrowser.Click(t, ctx, W("#p-attach"))
		testbrowser.WaitText(t, ctx, W("#p-file-err"), "Tipo di file non ammesso")
		if a := testbrowser.Attr(t, ctx, W("#p-file"), "aria-invalid"); a != "true" {
			t.Errorf("the file field is not marked invalid: %q", a)
		}
		testbrowser.Axe(t, ctx, "toolkit: a file refused with the change")
		pickFile(t, ctx, W("#p-file"), "genitori.pdf", pdf, 0)
		testbrowser.Clear(t, ctx, W("#p-f-title"))
		testbrowser.Type(t, ctx, W("#p-f-title"), "Dichiarazione per i genitori "+tkXSS)
		setValue(t, ctx, W("#p-f-lang"), "ar")
		testbrowser.Click(t, ctx, W("#p-attach"))
		testbrowser.WaitText(t, ctx, W("#p-files"), "Dichiarazione per i genitori "+tkXSS+" (PDF, 1 KB)")
		noScript(t, ctx, "a file's title")
		testbrowser.Axe(t, ctx, "toolkit: a file attached to the change")
		code, body = x.get("/toolkit/sheets/"+id64(x.reunion)+"/attachments", x.token(tkEditor))
		var files struct {
			Data []struct {
				Title      string `json:"title"`
				Lang       string `json:"lang"`
				Name       string `json:"name"`
				Status     string `json:"status"`
				RevisionID int64  `json:"revision_id"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(body), &files); code != 200 || err != nil || len(files.Data) != 1 {
			t.Fatalf("the files of the sheet for its editor: %d %s", code, body)
		}
		proposed := revs[0].ID
		if revs[1].ID > proposed {
			proposed = revs[1].ID
		}
		if f := files.Data[0]; f.Title != "Dichiarazione per i genitori "+tkXSS || f.Lang != "ar" || f.Name != "genitori.pdf" || f.Status != "pending" || f.RevisionID != proposed {
			t.Errorf("the file as the editor sees it (want pending with revision %d): %+v", proposed, f)
		}
		if _, body := x.get("/toolkit/sheets/"+id64(x.reunion), ""); strings.Contains(body, "genitori.pdf") {
			t.Error("the file of a proposed change is on the published sheet")
		}

		// Lodi's own citizens' handout, found signed in: its file downloads
		// with the session's token, and "Stampa" opens the handout in a new
		// tab by a signed link (a new tab carries no session).
		get := downloads(t, ctx)
		testbrowser.Click(t, ctx, W("#p-back"))
		testbrowser.WaitFor(t, ctx, W("#content"))
		testbrowser.Click(t, ctx, W("#back"))
		testbrowser.WaitFor(t, ctx, W("#q"))
		testbrowser.Clear(t, ctx, W("#q"))
		testbrowser.Type(t, ctx, W("#q"), "mensa\r")
		testbrowser.WaitText(t, ctx, W("#hits"), "Mensa scolastica a Lodi")
		testbrowser.Click(t, ctx, W("#hits li h3 button"))
		testbrowser.WaitFor(t, ctx, W("#attachments"))
		if got := testbrowser.Text(t, ctx, W("#attachments")); got != "Modulo di iscrizione alla mensa (PDF, 1 KB, italiano)" {
			t.Errorf("the sheet's files: %q", got)
		}
		testbrowser.Axe(t, ctx, "toolkit: a sheet with a file")
		testbrowser.Click(t, ctx, W("#att-"+id64(x.form)))
		if name, data := get(); name != "modulo-mensa.pdf" || string(data) != pdf {
			t.Errorf("downloaded %q: %q", name, data)
		}
		testbrowser.WaitText(t, ctx, W("#status"), "Scaricato: modulo-mensa.pdf")
		// The same address with the page's token, and without: the file is not public.
		got := testbrowser.Eval[string](t, ctx, `(async () => {
			const u = '`+h.base()+`/toolkit/sheets/`+id64(x.canteen)+`/attachments/`+id64(x.form)+`';
			const tok = JSON.parse(sessionStorage.getItem('incroci:session:`+h.base()+`')).token;
			const a = await fetch(u, {headers: {Authorization: 'Bearer ' + tok}});
			const b = await fetch(u);
			return [a.status, a.headers.get('content-type'), a.headers.get('content-disposition'), (await a.text()).slice(0, 8), b.status].join(' | ');
		})()`)
		if !strings.HasPrefix(got, "200 | application/pdf | attachment; filename=modulo-mensa.pdf | %PDF-1.4 | 404") {
			t.Errorf("the file with and without the token: %q", got)
		}
		setValue(t, ctx, W("#cl"), "ar")
		testbrowser.Wait(t, ctx, `(`+testbrowser.Query(W("#content"))+`).lang == 'ar'`)
		tab := chromedp.WaitNewTarget(ctx, func(i *target.Info) bool { return strings.Contains(i.URL, "/handout?") })
		testbrowser.Click(t, ctx, W("#print"))
		var tid target.ID
		select {
		case tid = <-tab:
		case <-time.After(testbrowser.Timeout):
			t.Fatal("Stampa opened no tab with the handout")
		}
		var opened struct {
			URL, Title, Cols, Text string
			Opener                 bool
		}
		if err := json.Unmarshal([]byte(tabEval(t, ctx, tid, `location.href.includes('/handout') && document.readyState == 'complete' ? JSON.stringify({URL: location.href,
			Title: document.title, Cols: [...document.querySelectorAll('.col')].map((c) => c.lang + ':' + c.dir).join(' '), Text: document.body.innerText,
			Opener: window.opener != null}) : ''`)), &opened); err != nil {
			t.Fatal(err)
		}
		want := h.base() + "/toolkit/sheets/" + id64(x.canteen) + "/handout?lang=ar&key="
		if !strings.HasPrefix(opened.URL, want) {
			t.Errorf("the handout's tab is at %q, want %s…", opened.URL, want)
		}
		if opened.Title != "Mensa scolastica a Lodi" || opened.Cols != "it:ltr ar:rtl" || !strings.Contains(opened.Text, "المقصف المدرسي في لودي") || opened.Opener {
			t.Errorf("the handout's tab: %+v", opened)
		}
		cctx, _ := chromedp.NewContext(ctx, chromedp.WithTargetID(tid))
		if _, err := chromedp.Run(cctx, chromedp.Evaluate[bool]("true")); err != nil {
			t.Errorf("attach to the handout's tab: %v", err)
		}
		if err := chromedp.Cancel(cctx); err != nil {
			t.Errorf("close the handout's tab: %v", err)
		}
		// Its PDF is fetched with the token: this hub has no printer, and says so (not "not found").
		testbrowser.Click(t, ctx, W("#pdf"))
		testbrowser.WaitText(t, ctx, W("#status"), "Il PDF non è disponibile su questo server")
		if code, _ := x.get("/toolkit/sheets/"+id64(x.canteen)+"/handout?lang=ar", ""); code != 404 {
			t.Errorf("lodi's handout without the key: %d", code)
		}
		testbrowser.Axe(t, ctx, "toolkit: a private handout printed")

		// In English, on a page with a strict CSP that requires Trusted Types
		// (no HTML sink is used) and a hostile stylesheet (kept out of the Shadow DOM).
		testbrowser.Navigate(t, ctx, h.page("w=toolkit&lang=en&csp=strict&css=hostile"))
		testbrowser.WaitFor(t, ctx, W("#q"))
		if got := testbrowser.Text(t, ctx, W("label[for=q]")); got != "Search the sheets, the glossary and the services" {
			t.Errorf("English label %q", got)
		}
		if st := testbrowser.Style(t, ctx, W("#q"), "display", "color"); st["display"] != "block" || st["color"] == "rgb(255, 0, 0)" {
			t.Errorf("the host page's stylesheet reached the search field: %v", st)
		}
		testbrowser.Type(t, ctx, W("#q"), "ricongiungimento\r")
		testbrowser.WaitFor(t, ctx, W("#hits li h3 button"))
		if got := testbrowser.Text(t, ctx, W("#count")); !strings.HasPrefix(got, "Results: ") {
			t.Errorf("English count %q", got)
		}
		testbrowser.Click(t, ctx, W("#hits li h3 button"))
		testbrowser.WaitFor(t, ctx, W("#content"))
		if got := testbrowser.Text(t, ctx, W("#fb-t")); got != "Were the instructions clear?" {
			t.Errorf("English feedback %q", got)
		}
		testbrowser.Focus(t, ctx, W("button.gl"))
		testbrowser.WaitText(t, ctx, W(".tip:not([hidden])"), "Clearance of the Prefecture")
		testbrowser.Axe(t, ctx, "toolkit: sheet in English")
		// The proposal chunk loads under that CSP too, and speaks English.
		testbrowser.Click(t, ctx, W("#change"))
		testbrowser.WaitFor(t, ctx, W("#p-title"))
		if got := testbrowser.Text(t, ctx, W("#propose h2")); got != "Propose a change to “Ricongiungimento familiare”" {
			t.Errorf("English proposal form %q", got)
		}
		testbrowser.Axe(t, ctx, "toolkit: proposal form in English")
		testbrowser.CheckErrors(t, ctx)
	})
}

// tabEval evaluates js in tab tid, opened by the page, until it answers
// something other than "": it attaches anew each time, since a tab that
// goes to another origin changes process under an attachment.
func tabEval(t *testing.T, ctx context.Context, tid target.ID, js string) string {
	t.Helper()
	end := time.Now().Add(testbrowser.Timeout)
	for {
		actx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(tid), chromedp.WithDetachOnCancel())
		tctx, stop := context.WithTimeout(actx, 2*time.Second)
		v, err := chromedp.Run(tctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
		stop()
		cancel()
		if err == nil && v != "" {
			return v
		}
		if time.Now().After(end) {
			t.Fatalf("tab %s did not answer: %v", tid, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func id64(n int64) string { return strconv.FormatInt(n, 10) }
