package widgets_test

// Browser tests of <incroci-helpdesk>: the operators' widget on an ambito's
// page, against the real platform with the help desk mounted beside it, on
// SQLite and PostgreSQL, with the real SMTP server of the test.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/helpdesk"
	"github.com/incrocicomuni/incroci/internal/testbrowser"
	"github.com/incrocicomuni/incroci/internal/testdb"
)

// hdHub is a hub (see newHub) with the help desk mounted at
// /incroci/helpdesk, the legal desk of lodi serving every ambito, and one
// consultant on it.
type hdHub struct {
	*hub
	hd         *helpdesk.Helpdesk
	desk       *helpdesk.DeskDetail
	consultant string
	// While lose is set, the hub loses the answers to POST …/messages: it
	// stores the message, then cuts the connection; lost counts them.
	lose atomic.Bool
	lost atomic.Int32
	// While cut is set, the hub cuts POST …/messages before storing anything.
	cut atomic.Bool
}

func newHelpdeskHub(t *testing.T, db *gorm.DB) *hdHub {
	t.Helper()
	x := &hdHub{hub: newHub(t, db), consultant: "avv.bianchi@example.org"}
	h := x.hub
	r, ok := h.api.Config.Handler.(*gin.Engine)
	if !ok {
		t.Fatalf("the hub's handler is a %T", h.api.Config.Handler)
	}
	store, err := helpdesk.NewDiskStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	x.hd, err = helpdesk.New(context.Background(), h.p, helpdesk.Config{Attachments: store})
	if err != nil {
		t.Fatal(err)
	}
	// Nothing was served yet: the routes can still be added.
	r.Use(x.dropAnswers)
	x.hd.Mount(r.Group("/incroci/helpdesk"))
	x.desk, err = x.hd.CreateDesk(h.sys, helpdesk.DeskInput{Slug: "legale", Name: "Sportello giuridico", Ambito: "lodi", FirstResponseHours: 16, ServesAll: true}, helpdesk.LegalTopics())
	if err != nil {
		t.Fatal(err)
	}
	h.invite(x.consultant, "Avv. Bianchi", incroci.RoleConsultant)
	if _, err := x.hd.AddConsultant(h.sys, x.desk.ID, helpdesk.ConsultantInput{PersonID: h.person(x.consultant).ID}); err != nil {
		t.Fatal(err)
	}
	return x
}

// sink takes a response and sends nothing.
type sink struct{ gin.ResponseWriter }

func (sink) Write(b []byte) (int, error)       { return len(b), nil }
func (sink) WriteString(s string) (int, error) { return len(s), nil }
func (sink) WriteHeader(int)                   {}
func (sink) WriteHeaderNow()                   {}
func (sink) Flush()                            {}

func (x *hdHub) dropAnswers(c *gin.Context) {
	if c.Request.Method != http.MethodPost || !strings.HasSuffix(c.Request.URL.Path, "/messages") {
		return
	}
	if x.cut.Load() {
		panic(http.ErrAbortHandler) // the connection drops: the browser sees a network error
	}
	if x.lose.Load() {
		x.lost.Add(1)
		c.Writer = sink{c.Writer}
		c.Next()
		panic(http.ErrAbortHandler)
	}
}

// as returns a context acting as the person signed in with token.
func (x *hdHub) as(token string) context.Context {
	x.t.Helper()
	pr, err := x.p.Authenticate(context.Background(), token)
	if err != nil {
		x.t.Fatal(err)
	}
	return incroci.WithPrincipal(context.Background(), pr)
}

// asEmail signs the person in through the Go API and acts as them.
func (x *hdHub) asEmail(email string) context.Context {
	x.t.Helper()
	s, err := x.p.SignIn(context.Background(), incroci.Identity{Email: email})
	if err != nil {
		x.t.Fatal(err)
	}
	return x.as(s.Token)
}

const helpdeskW = "incroci-helpdesk"

// pdf is the smallest file the help desk takes as a PDF.
const pdf = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

// pickFile gives the file input at path a file, as a person choosing it
// would: a File made in the page (of n zero bytes when n > 0) and a change event.
func pickFile(t *testing.T, ctx context.Context, path, name, content string, n int) {
	t.Helper()
	args, _ := json.Marshal([]any{name, base64.StdEncoding.EncodeToString([]byte(content)), n})
	testbrowser.Eval[bool](t, ctx, `((i, [name, b64, n]) => {
		const b = n > 0 ? new Uint8Array(n) : Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
		const dt = new DataTransfer();
		dt.items.add(new File([b], name));
		i.files = dt.files;
		i.dispatchEvent(new Event('change', {bubbles: true}));
		return true;
	})(`+testbrowser.Query(path)+`, `+string(args)+`)`)
}

// setValue sets a field that typing cannot fill portably (select, date)
// and tells the widget, as the browser does.
func setValue(t *testing.T, ctx context.Context, path, v string) {
	t.Helper()
	b, _ := json.Marshal(v)
	testbrowser.Eval[bool](t, ctx, `((el) => { el.value = `+string(b)+`; el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); return el.value == `+string(b)+`; })(`+testbrowser.Query(path)+`)`)
}

// noMarkup checks that nothing written by people became HTML in the widget.
func noMarkup(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	if got := testbrowser.Eval[string](t, ctx, `String(`+testbrowser.QueryAll(in(helpdeskW, "img"))+`.length) + ' ' + typeof window.__xss`); got != "0 undefined" {
		t.Errorf("%s: script payloads became HTML: images and window.__xss = %s", what, got)
	}
}

// downloads makes the tab save downloads in a folder and returns a function
// that waits for the next one and returns its name and content.
func downloads(t *testing.T, ctx context.Context) func() (string, []byte) {
	t.Helper()
	dir := t.TempDir()
	began := make(chan *cdpbrowser.EventDownloadWillBegin, 4)
	ended := make(chan *cdpbrowser.EventDownloadProgress, 4)
	if err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *cdpbrowser.EventDownloadWillBegin:
			select {
			case began <- e:
			default:
			}
		case *cdpbrowser.EventDownloadProgress:
			if e.State != cdpbrowser.DownloadProgressStateInProgress {
				select {
				case ended <- e:
				default:
				}
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	on := true
	if _, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &on,
	}); err != nil {
		t.Fatalf("set the download behaviour: %v", err)
	}
	return func() (string, []byte) {
		t.Helper()
		var b *cdpbrowser.EventDownloadWillBegin
		select {
		case b = <-began:
		case <-time.After(testbrowser.Timeout):
			t.Fatal("no download began")
		}
		select {
		case e := <-ended:
			if e.GUID != b.GUID || e.State != cdpbrowser.DownloadProgressStateCompleted {
				t.Fatalf("download %s ended %s", e.GUID, e.State)
			}
		case <-time.After(testbrowser.Timeout):
			t.Fatal("the download did not end")
		}
		data, err := os.ReadFile(filepath.Join(dir, b.GUID))
		if err != nil {
			t.Fatal(err)
		}
		return b.SuggestedFilename, data
	}
}

// TestBrowserHelpdesk runs <incroci-helpdesk> as an operator: sign-in by
// e-mail code, the empty list, a new consultation with the platform's field
// errors and the personal-data dialog (masked before it leaves the page),
// the consultation with the consultant's answer arriving live (never the
// internal note), a reply with a PDF attached and downloaded, files refused
// for their size and type, a message whose answer is lost and sent again
// once, closing, the e-mail link that opens the consultation signed in,
// script payloads everywhere as text, English, and a hostile stylesheet.
func TestBrowserHelpdesk(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newHelpdeskHub(t, db)
		h := x.hub
		ctx := testbrowser.Tab(t, browser)
		W := func(sel string) string { return in(helpdeskW, sel) }
		const (
			op     = "operatore@comune.lodi.it"
			xss    = `<img src=x onerror="window.__xss=1">`
			cf     = "RSSMRA85T10A562S"
			answer = "Serve copia del provvedimento di diniego. " + xss
			note   = "NOTA INTERNA: da non mostrare all'operatore"
			// Browsers send a " of a file name as %22 (HTML's multipart rules).
			fileXSS = `<img src=x onerror=window.__xss=1>.pdf`
		)
		get := downloads(t, ctx)

		// Signed out: the sign-in flow of auth.ts, with the code from the e-mail.
		testbrowser.Navigate(t, ctx, h.page("w=helpdesk"))
		h.signIn(ctx, helpdeskW, op)
		testbrowser.WaitFor(t, ctx, W("#empty"))
		if got := testbrowser.Text(t, ctx, W("h2")); got != "Le mie consulenze" {
			t.Errorf("list title %q", got)
		}
		if f := testbrowser.Focused(t, ctx); !strings.HasPrefix(f, helpdeskW+" >>> h2") {
			t.Errorf("after signing in the focus is on %s, want the list's title", f)
		}
		testbrowser.Axe(t, ctx, "helpdesk: empty list")
		token := h.stored(t, ctx)
		asOp := x.as(token)

		// "Nuova consulenza": the desk and its topics, in Italian.
		testbrowser.Click(t, ctx, W("#new"))
		testbrowser.WaitFor(t, ctx, W("#topic option"))
		if f := testbrowser.Focused(t, ctx); f != helpdeskW+" >>> select#desk" {
			t.Errorf("the form opened with the focus on %s", f)
		}
		if got := testbrowser.Text(t, ctx, W("#desk")); got != "Sportello giuridico" {
			t.Errorf("desks: %q", got)
		}
		if got := testbrowser.Text(t, ctx, W("#topic option")); got != "Permesso di soggiorno: rilascio, rinnovo, conversione" {
			t.Errorf("first topic: %q", got)
		}
		if testbrowser.Eval[int](t, ctx, testbrowser.QueryAll(W("#topic option"))+`.length`) != len(x.desk.Topics) {
			t.Errorf("the topic picker does not offer the desk's %d topics", len(x.desk.Topics))
		}
		hidden := func(sel string) bool {
			return testbrowser.Eval[bool](t, ctx, `(`+testbrowser.Query(W(sel))+`).closest('[hidden]') != null`)
		}
		// The intake follows the topic: permit fields here, an appeal deadline for protection.
		if hidden("#i-permit_expiry") || !hidden("#i-appeal_deadline") {
			t.Error("residence permit: the intake should ask the permit's expiry and no appeal deadline")
		}
		if got := testbrowser.Attr(t, ctx, W("#b-label"), "aria-describedby"); !strings.Contains(got, "b-label-hint") {
			t.Errorf("the label's hint is not tied to it: %q", got)
		}
		if got := testbrowser.Text(t, ctx, W("#b-label-hint")); got != "solo iniziali o un codice, mai il nome" {
			t.Errorf("label hint %q", got)
		}
		testbrowser.Axe(t, ctx, "helpdesk: new consultation form")
		setValue(t, ctx, W("#topic"), "protezione-internazionale")
		if hidden("#i-appeal_deadline") {
			t.Error("protection: the intake does not ask the appeal deadline")
		}
		testbrowser.Type(t, ctx, W("#subject"), xss)
		testbrowser.Type(t, ctx, W("#question"), "Diniego della protezione speciale, codice fiscale "+cf+": quali sono i tempi per il ricorso?")
		setValue(t, ctx, W("#urgency"), "urgent")
		testbrowser.Type(t, ctx, W("#b-label"), "Mario") // a name: the platform refuses it
		testbrowser.Type(t, ctx, W("#b-nat"), "Marocco") // a name from the list becomes its code
		setValue(t, ctx, W("#b-age"), "26-40")
		setValue(t, ctx, W("#b-lang"), "ar")
		deadline := time.Now().AddDate(0, 0, 10).Format(time.DateOnly)
		setValue(t, ctx, W("#i-appeal_deadline"), deadline)
		testbrowser.Type(t, ctx, W("#i-permit_type"), "protezione speciale")

		// Before sending, the widget shows what looks like personal data.
		testbrowser.Click(t, ctx, W("#send"))
		testbrowser.WaitFor(t, ctx, W("dialog#pii[open]"))
		if got := testbrowser.Text(t, ctx, W("#pii-list")); got != "codice fiscale: "+cf+" (Domanda)" {
			t.Errorf("the dialog lists %q", got)
		}
		if f := testbrowser.Focused(t, ctx); f != helpdeskW+" >>> button#pii-mask" {
			t.Errorf("the dialog opened with the focus on %s", f)
		}
		testbrowser.Axe(t, ctx, "helpdesk: personal-data dialog")
		testbrowser.Screenshot(t, ctx, "helpdesk-pii")
		// "Modifica" goes back to the question, with the code selected.
		testbrowser.Click(t, ctx, W("#pii-edit"))
		testbrowser.Wait(t, ctx, `!`+testbrowser.Query(W("dialog"))) // gone
		if f := testbrowser.Focused(t, ctx); f != helpdeskW+" >>> textarea#question" {
			t.Errorf("after Modifica the focus is on %s", f)
		}
		if got := testbrowser.Eval[string](t, ctx, `((q) => q.value.slice(q.selectionStart, q.selectionEnd))(`+testbrowser.Query(W("#question"))+`)`); got != cf {
			t.Errorf("after Modifica the selection is %q", got)
		}
		// Again, and masked: the platform's 422 on the label lands beside it.
		testbrowser.Click(t, ctx, W("#send"))
		testbrowser.WaitFor(t, ctx, W("dialog#pii[open]"))
		testbrowser.Click(t, ctx, W("#pii-mask"))
		testbrowser.WaitText(t, ctx, W("#b-label-err"), "solo iniziali o un codice")
		if f := testbrowser.Focused(t, ctx); f != helpdeskW+" >>> input#b-label" {
			t.Errorf("after the platform's error the focus is on %s", f)
		}
		if v := testbrowser.Value(t, ctx, W("#question")); strings.Contains(v, cf) || !strings.Contains(v, "[codice fiscale]") {
			t.Errorf("after masking the question reads %q", v)
		}
		testbrowser.Axe(t, ctx, "helpdesk: new consultation with the platform's field error")
		if list, n, err := x.hd.List(asOp, helpdesk.ListQuery{}); err != nil || n != 0 {
			t.Fatalf("a refused consultation was stored: %v %v", list, err)
		}
		// Corrected, it goes (no second dialog: the text is masked already).
		testbrowser.Clear(t, ctx, W("#b-label"))
		testbrowser.Type(t, ctx, W("#b-label"), "M.R.")
		testbrowser.Click(t, ctx, W("#send"))
		testbrowser.WaitFor(t, ctx, W("#c-title"))
		list, n, err := x.hd.List(asOp, helpdesk.ListQuery{})
		if err != nil || n != 1 {
			t.Fatalf("consultations of the operator: %v %d %v", list, n, err)
		}
		id := list[0].ID
		d, err := x.hd.Get(asOp, id)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(d.Question, cf) || !strings.Contains(d.Question, "[codice fiscale]") {
			t.Errorf("stored question %q", d.Question)
		}
		if d.Subject != xss || d.Urgency != helpdesk.UrgencyUrgent || d.Topic.Code != "protezione-internazionale" || d.Beneficiary != (helpdesk.Beneficiary{Label: "M.R.", AgeBand: "26-40", Nationality: "MA", Language: "ar"}) ||
			d.Intake.AppealDeadline != deadline || d.Intake.PermitType != "protezione speciale" || d.Intake.PermitExpiry != "" {
			t.Errorf("stored consultation: %+v", d)
		}
		if got := testbrowser.Text(t, ctx, W("#c-title")); got != xss {
			t.Errorf("title %q, want the literal %q", got, xss)
		}
		if f := testbrowser.Focused(t, ctx); f != helpdeskW+" >>> h2#c-title" {
			t.Errorf("the consultation opened with the focus on %s", f)
		}
		testbrowser.WaitText(t, ctx, W("#status"), fmt.Sprintf("Consulenza n. %d inviata", id))
		meta := testbrowser.Text(t, ctx, W("#c-meta"))
		for _, want := range []string{"Protezione internazionale, speciale e asilo", "Sportello giuridico", "Prima risposta entro", "Scadenza", "M.R. · 26-40 · Marocco · arabo"} {
			if !strings.Contains(meta, want) {
				t.Errorf("the header lacks %q: %q", want, meta)
			}
		}
		if got := testbrowser.Text(t, ctx, W("#c-status")); got != "nuova" {
			t.Errorf("status %q", got)
		}
		noMarkup(t, ctx, "consultation")
		testbrowser.Axe(t, ctx, "helpdesk: consultation")
		testbrowser.Screenshot(t, ctx, "helpdesk-consultation")

		// Back to the list: the consultation with its status and its deadline.
		testbrowser.Click(t, ctx, W("#back"))
		item := W(fmt.Sprintf("#c-%d", id))
		testbrowser.WaitFor(t, ctx, item)
		if got := testbrowser.Text(t, ctx, item); got != xss {
			t.Errorf("list item %q", got)
		}
		row := testbrowser.Text(t, ctx, W("ul.c li"))
		for _, want := range []string{"Stato: nuova", "scadenza", fmt.Sprintf("n. %d", id), "Protezione internazionale"} {
			if !strings.Contains(row, want) {
				t.Errorf("the list item lacks %q: %q", want, row)
			}
		}
		noMarkup(t, ctx, "list")
		testbrowser.Axe(t, ctx, "helpdesk: list")
		// Filter and search.
		setValue(t, ctx, W("#st"), "closed")
		testbrowser.WaitFor(t, ctx, W("#empty"))
		if got := testbrowser.Text(t, ctx, W("#empty")); got != "Nessuna consulenza corrisponde alla ricerca." {
			t.Errorf("filtered empty state %q", got)
		}
		setValue(t, ctx, W("#st"), "new")
		testbrowser.WaitFor(t, ctx, item)
		testbrowser.Type(t, ctx, W("#q"), "nulla di simile\r")
		testbrowser.WaitFor(t, ctx, W("#empty"))
		testbrowser.Clear(t, ctx, W("#q"))
		testbrowser.Type(t, ctx, W("#q"), "img\r")
		testbrowser.WaitFor(t, ctx, item)

		// The consultant answers through the Go API while the operator
		// follows the consultation: the answer arrives live, the note never.
		testbrowser.Click(t, ctx, item)
		testbrowser.WaitFor(t, ctx, W("#c-title"))
		auth := "Bearer " + token
		h.waitStreams("the consultation followed", func(e *streams) bool { return e.open[auth] == 1 })
		asCons := x.asEmail(x.consultant)
		if _, _, err := x.hd.Post(asCons, id, helpdesk.MessageInput{ClientID: "note-0001", Body: note, Internal: true}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := x.hd.Post(asCons, id, helpdesk.MessageInput{ClientID: "answer-0001", Body: answer}); err != nil {
			t.Fatal(err)
		}
		testbrowser.WaitText(t, ctx, W("#msgs"), answer)
		testbrowser.WaitText(t, ctx, W("#status"), "Nuovo messaggio nella consulenza")
		testbrowser.WaitText(t, ctx, W("#c-status"), "in attesa dell’operatore")
		msgs := testbrowser.Text(t, ctx, W("#msgs"))
		if strings.Contains(msgs, "NOTA INTERNA") {
			t.Errorf("the internal note reached the operator: %q", msgs)
		}
		if n := strings.Count(msgs, "Serve copia del provvedimento"); n != 1 {
			t.Errorf("the answer is shown %d times", n)
		}
		if got := testbrowser.Text(t, ctx, W("#msgs > li:last-child .who strong")); got != "Avv. Bianchi" {
			t.Errorf("the answer's author: %q", got)
		}
		if got := testbrowser.Text(t, ctx, W("#msgs > li:first-child .who strong")); got != "Tu" {
			t.Errorf("the question's author: %q", got)
		}
		noMarkup(t, ctx, "live answer")
		// Shown, it is read.
		deadlineRead := time.Now().Add(testbrowser.Timeout)
		for {
			d, err := x.hd.Get(asOp, id)
			if err != nil {
				t.Fatal(err)
			}
			if last := d.Messages[len(d.Messages)-1].ID; d.LastRead == last {
				break
			}
			if time.Now().After(deadlineRead) {
				t.Fatalf("the answer was not marked read: last read %d", d.LastRead)
			}
			time.Sleep(50 * time.Millisecond)
		}

		// A file of the wrong type and one too large are refused beside the field.
		pickFile(t, ctx, W("#file"), "pagina.pdf", "<html><body><script>alert(1)</script></body></html>", 0)
		testbrowser.WaitText(t, ctx, W("#file-err"), "Tipo di file non ammesso: pagina.pdf")
		if a := testbrowser.Attr(t, ctx, W("#file"), "aria-invalid"); a != "true" {
			t.Errorf("the file field is not marked invalid: %q", a)
		}
		testbrowser.Axe(t, ctx, "helpdesk: file refused (415)")
		pickFile(t, ctx, W("#file"), "scansione.pdf", "", 11<<20)
		testbrowser.WaitText(t, ctx, W("#file-err"), "File troppo grande (massimo 10 MB): scansione.pdf")

		// A PDF whose name is a script payload, and a reply.
		pickFile(t, ctx, W("#file"), fileXSS, pdf, 0)
		testbrowser.WaitText(t, ctx, W("#picked"), fileXSS)
		if !testbrowser.Eval[bool](t, ctx, `(`+testbrowser.Query(W("#file-err"))+`).hidden`) {
			t.Error("the file error stays after a good file")
		}
		testbrowser.Type(t, ctx, W("#body"), "Ecco il provvedimento, grazie.")
		testbrowser.Click(t, ctx, W("#send"))
		testbrowser.WaitFor(t, ctx, W("#msgs > li:last-child .files button"))
		testbrowser.WaitText(t, ctx, W("#msgs > li:last-child"), "Ecco il provvedimento, grazie.")
		testbrowser.WaitText(t, ctx, W("#status"), "Messaggio inviato")
		if got := testbrowser.Text(t, ctx, W("#picked")); got != "" {
			t.Errorf("the sent file is still offered: %q", got)
		}
		ms, atts, err := x.hd.Messages(asOp, id, 0)
		if err != nil {
			t.Fatal(err)
		}
		last := ms[len(ms)-1]
		if last.Body != "Ecco il provvedimento, grazie." || len(atts) != 1 || atts[0].Name != fileXSS || atts[0].MessageID == nil || *atts[0].MessageID != last.ID || atts[0].ContentType != "application/pdf" {
			t.Errorf("stored reply %+v with %+v", last, atts)
		}
		testbrowser.WaitText(t, ctx, W("#c-status"), "in attesa del consulente")
		noMarkup(t, ctx, "file name")
		// Downloaded with the session's token, under its name.
		testbrowser.Click(t, ctx, W("#msgs > li:last-child .files button"))
		name, data := get()
		// Chromium replaces < and > in the names of saved files.
		if !strings.HasSuffix(name, "onerror=window.__xss=1_.pdf") || string(data) != pdf {
			t.Errorf("downloaded %q: %q", name, data)
		}
		testbrowser.WaitText(t, ctx, W("#status"), "Scaricato: "+fileXSS)

		// The hub stores a message but loses the answers (to the request
		// and to the widget's retries): the message came live all the same,
		// once, and is stored once.
		count := func(body string) int {
			t.Helper()
			ms, _, err := x.hd.Messages(asOp, id, 0)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, m := range ms {
				if m.Body == body {
					n++
				}
			}
			return n
		}
		x.lose.Store(true)
		testbrowser.Type(t, ctx, W("#body"), "Il decreto è del 3 novembre.")
		testbrowser.Click(t, ctx, W("#send"))
		testbrowser.WaitFor(t, ctx, W("#msgs > li:last-child time"))
		testbrowser.Wait(t, ctx, `!`+testbrowser.QueryAll(W("#msgs > li"))+`.some((li) => li.textContent.includes('Invio in corso'))`)
		if got := strings.Count(testbrowser.Text(t, ctx, W("#msgs")), "Il decreto è del 3 novembre."); got != 1 || count("Il decreto è del 3 novembre.") != 1 {
			t.Errorf("a message whose answers were lost is shown %d times, stored %d", got, count("Il decreto è del 3 novembre."))
		}
		// The widget tries four times (the browser may add its own retries),
		// waiting at most 3 s between tries.
		for end, n, since := time.Now().Add(2*testbrowser.Timeout), int32(0), time.Now(); ; time.Sleep(100 * time.Millisecond) {
			if m := x.lost.Load(); m != n {
				n, since = m, time.Now()
			}
			if n >= 4 && time.Since(since) > 3500*time.Millisecond {
				break
			}
			if time.Now().After(end) {
				t.Fatalf("the widget tried %d times", n)
			}
		}
		x.lose.Store(false)
		if testbrowser.Exists(t, ctx, W("#msgs button.retry")) {
			t.Error("a message that arrived is marked failed")
		}
		// The hub cuts the requests before storing: the message says it
		// failed, and "Riprova" sends it with the same client id.
		x.cut.Store(true)
		testbrowser.Type(t, ctx, W("#body"), "Ci sono novità?")
		testbrowser.Click(t, ctx, W("#send"))
		testbrowser.WaitText(t, ctx, W("#msgs > li:last-child"), "Invio in corso…")
		testbrowser.WaitFor(t, ctx, W("#msgs > li:last-child button.retry"))
		x.cut.Store(false)
		if got := testbrowser.Text(t, ctx, W("#msgs > li:last-child .who")); !strings.Contains(got, "Non inviato") {
			t.Errorf("failed message: %q", got)
		}
		testbrowser.Axe(t, ctx, "helpdesk: a message not sent")
		if count("Ci sono novità?") != 0 {
			t.Error("a cut message was stored")
		}
		testbrowser.Click(t, ctx, W("#msgs > li:last-child button.retry"))
		testbrowser.WaitFor(t, ctx, W("#msgs > li:last-child time"))
		if n := count("Ci sono novità?"); n != 1 {
			t.Errorf("the retried message is stored %d times", n)
		}
		if got := strings.Count(testbrowser.Text(t, ctx, W("#msgs")), "Ci sono novità?"); got != 1 {
			t.Errorf("the retried message is shown %d times", got)
		}

		// The e-mail of the opened consultation links to the page, where the
		// widget signs in and opens it, then drops the link's parameters.
		m := h.waitMail(op, fmt.Sprintf("consulenza n. %d aperta", id), 0)
		link := linkRe.FindString(m.Text)
		if u, err := url.Parse(link); err != nil || u.Query().Get("incroci_consultation") != fmt.Sprint(id) {
			t.Fatalf("the e-mail's link %q does not name the consultation", link)
		}
		other := testbrowser.Tab(t, browser)
		testbrowser.Navigate(t, other, link)
		testbrowser.WaitFor(t, other, W("#c-title"))
		testbrowser.WaitText(t, other, W("#msgs"), "Ci sono novità?")
		if got := testbrowser.Eval[string](t, other, `location.href`); got != h.page("w=helpdesk") {
			t.Errorf("after the link the page is at %s", got)
		}
		if got := testbrowser.Text(t, other, W("#c-title")); got != xss {
			t.Errorf("the link opened %q", got)
		}
		noMarkup(t, other, "consultation opened by link")
		testbrowser.Axe(t, other, "helpdesk: consultation opened from the e-mail link")
		testbrowser.CheckErrors(t, other)

		// Closing asks first; closed, it takes no more messages.
		testbrowser.Click(t, ctx, W("#close"))
		testbrowser.WaitFor(t, ctx, W("#close-q"))
		if f := testbrowser.Focused(t, ctx); f != helpdeskW+" >>> p#close-q" {
			t.Errorf("the question has the focus on %s", f)
		}
		testbrowser.Click(t, ctx, W("#close-yes"))
		testbrowser.WaitFor(t, ctx, W("#closed"))
		testbrowser.WaitText(t, ctx, W("#c-status"), "chiusa")
		if testbrowser.Exists(t, ctx, W("#reply")) {
			t.Error("a closed consultation still offers a reply")
		}
		if d, err := x.hd.Get(asOp, id); err != nil || d.Status != helpdesk.StatusClosed {
			t.Errorf("after closing: %v %v", d.Status, err)
		}
		// The other tab hears of it live.
		testbrowser.WaitFor(t, other, W("#closed"))
		testbrowser.Axe(t, ctx, "helpdesk: closed consultation")

		// In English.
		testbrowser.Navigate(t, ctx, h.page("w=helpdesk&lang=en"))
		testbrowser.WaitText(t, ctx, W("h2"), "My consultations")
		testbrowser.WaitText(t, ctx, W("ul.c li"), "Status: closed")
		testbrowser.Axe(t, ctx, "helpdesk: list in English")
		testbrowser.CheckErrors(t, ctx)
	})
}

// TestBrowserHelpdeskHostileStyles opens the help desk on a page whose
// stylesheet restyles everything with !important: the list, the form and
// a consultation keep their own look.
func TestBrowserHelpdeskHostileStyles(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newHelpdeskHub(t, db)
		h := x.hub
		ctx := testbrowser.Tab(t, browser)
		W := func(sel string) string { return in(helpdeskW, sel) }
		const op = "operatrice@comune.lodi.it"
		h.invite(op, "Operatrice", incroci.RoleOperator)
		asOp := x.asEmail(op)
		d, err := x.hd.Open(asOp, helpdesk.OpenInput{DeskID: x.desk.ID, Topic: "lavoro", Ambito: "lodi", Subject: "Contratto stagionale",
			Question: "Il datore propone un contratto stagionale: quale permesso?", Beneficiary: helpdesk.Beneficiary{Label: "A.B."}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := x.hd.Post(x.asEmail(x.consultant), d.ID, helpdesk.MessageInput{ClientID: "answer-0001", Body: "Serve il nulla osta."}); err != nil {
			t.Fatal(err)
		}

		testbrowser.Navigate(t, ctx, h.page("w=helpdesk&css=hostile"))
		h.signIn(ctx, helpdeskW, op)
		item := W(fmt.Sprintf("#c-%d", d.ID))
		testbrowser.WaitFor(t, ctx, item)
		if got := testbrowser.Style(t, ctx, "main h1", "color")["color"]; got != "rgb(255, 0, 0)" {
			t.Fatalf("the hostile stylesheet is not applied to the page (h1 color %s)", got)
		}
		check := func(path string, want map[string]string) {
			t.Helper()
			props := make([]string, 0, len(want))
			for p := range want {
				props = append(props, p)
			}
			got := testbrowser.Style(t, ctx, path, props...)
			for p, w := range want {
				if got[p] != w {
					t.Errorf("%s: %s is %q, want %q", path, p, got[p], w)
				}
			}
		}
		check(helpdeskW, map[string]string{"display": "block", "color": "rgb(26, 26, 26)", "font-size": "16px", "background-color": "rgb(255, 255, 255)"})
		check(W("h2"), map[string]string{"font-size": "24px", "text-transform": "none", "color": "rgb(26, 26, 26)"})
		check(W("#new"), map[string]string{"display": "inline-block", "background-color": "rgb(0, 102, 204)", "color": "rgb(255, 255, 255)", "margin-top": "0px"})
		check(W("#status"), map[string]string{"display": "block"})
		check(W("ul.c"), map[string]string{"list-style-type": "none", "padding-left": "0px"})
		check(W("ul.c .b.u"), map[string]string{"background-color": "rgb(0, 102, 204)", "color": "rgb(255, 255, 255)"})
		check(W("select#st"), map[string]string{"display": "block", "font-size": "16px", "border-top-width": "1px"})
		if r := testbrowser.Box(t, ctx, W("#q")); r.Width < 200 || r.Height < 30 || r.Height > 80 {
			t.Errorf("the search field is %+v", r)
		}
		testbrowser.Screenshot(t, ctx, "helpdesk-hostile-list")

		testbrowser.Click(t, ctx, item)
		testbrowser.WaitFor(t, ctx, W("#body"))
		check(W("#body"), map[string]string{"display": "block", "font-size": "16px", "border-top-width": "1px", "background-color": "rgb(255, 255, 255)"})
		check(W("#msgs > li:last-child"), map[string]string{"display": "list-item", "border-top-width": "1px", "font-size": "16px"})
		check(W("#msgs > li:last-child .body"), map[string]string{"white-space": "pre-wrap"})
		check(W("#send"), map[string]string{"background-color": "rgb(0, 102, 204)", "color": "rgb(255, 255, 255)"})
		if r := testbrowser.Box(t, ctx, W("#body")); r.Width < 300 || r.Height < 80 {
			t.Errorf("the message box is %+v", r)
		}
		testbrowser.Screenshot(t, ctx, "helpdesk-hostile-consultation")
		testbrowser.Axe(t, ctx, "helpdesk: consultation under a hostile stylesheet")
		testbrowser.CheckErrors(t, ctx)
	})
}

// TestBrowserHelpdeskAppointment: while the operator follows a
// consultation, the consultant proposes two slots; they appear live, and
// the operator accepts one with a click: the consultation has its
// appointment and the e-mail with the calendar invitation leaves.
func TestBrowserHelpdeskAppointment(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newHelpdeskHub(t, db)
		h := x.hub
		ctx := testbrowser.Tab(t, browser)
		W := func(sel string) string { return in(helpdeskW, sel) }
		const (
			op    = "operatrice@comune.lodi.it"
			place = `Via Cavour 1, Lodi <img src=x onerror="window.__xss=1">`
		)
		h.invite(op, "Operatrice", incroci.RoleOperator)
		d, err := x.hd.Open(x.asEmail(op), helpdesk.OpenInput{DeskID: x.desk.ID, Topic: "ricongiungimento", Ambito: "lodi", Subject: "Ricongiungimento del coniuge",
			Question: "Quali redditi servono per il ricongiungimento del coniuge?", Beneficiary: helpdesk.Beneficiary{Label: "K.S."}})
		if err != nil {
			t.Fatal(err)
		}

		testbrowser.Navigate(t, ctx, h.page("w=helpdesk"))
		h.signIn(ctx, helpdeskW, op)
		testbrowser.WaitFor(t, ctx, W(fmt.Sprintf("#c-%d", d.ID)))
		testbrowser.Click(t, ctx, W(fmt.Sprintf("#c-%d", d.ID)))
		testbrowser.WaitFor(t, ctx, W("#c-title"))
		if !testbrowser.Eval[bool](t, ctx, `(`+testbrowser.Query(W("#appts"))+`)?.hidden ?? true`) {
			t.Error("a consultation without slots shows the appointments section")
		}
		auth := "Bearer " + h.stored(t, ctx)
		h.waitStreams("the consultation followed", func(e *streams) bool { return e.open[auth] == 1 })

		day := time.Now().AddDate(0, 0, 7).Truncate(time.Hour)
		slots, err := x.hd.ProposeAppointments(x.asEmail(x.consultant), d.ID, helpdesk.ProposeInput{Slots: []helpdesk.SlotInput{
			{Start: day, End: day.Add(time.Hour), Mode: helpdesk.AppointmentInPerson, Place: place},
			{Start: day.Add(2 * time.Hour), End: day.Add(3 * time.Hour), Mode: helpdesk.AppointmentVideo, VideoURL: "https://meet.example.it/lodi-42", Interpreter: true, InterpreterLanguage: "ar"},
		}})
		if err != nil {
			t.Fatal(err)
		}
		first, second := W(fmt.Sprintf("#slot-%d", slots[0].ID)), W(fmt.Sprintf("#slot-%d", slots[1].ID))
		testbrowser.WaitFor(t, ctx, second)
		testbrowser.WaitText(t, ctx, W("#c-status"), "in attesa dell’operatore")
		if got := testbrowser.Text(t, ctx, first); !strings.Contains(got, "In presenza: "+place) {
			t.Errorf("in-person slot: %q", got)
		}
		if got := testbrowser.Text(t, ctx, second); !strings.Contains(got, "In video: https://meet.example.it/lodi-42 · con interprete (arabo)") {
			t.Errorf("video slot: %q", got)
		}
		noMarkup(t, ctx, "appointment slots")
		testbrowser.Axe(t, ctx, "helpdesk: proposed appointment slots")

		accept := W(fmt.Sprintf("#accept-%d", slots[1].ID))
		testbrowser.Focus(t, ctx, accept)
		testbrowser.Keys(t, ctx, "\r")
		testbrowser.WaitText(t, ctx, second, "fissato")
		testbrowser.WaitText(t, ctx, W("#c-status"), "appuntamento")
		testbrowser.Wait(t, ctx, `!`+testbrowser.Query(first))
		if f := testbrowser.Focused(t, ctx); f != helpdeskW+" >>> h3#appts-t" {
			t.Errorf("after accepting the focus is on %s", f)
		}
		testbrowser.WaitText(t, ctx, W("#status"), "Appuntamento fissato")
		got, err := x.hd.Appointments(x.asEmail(op), d.ID)
		if err != nil || len(got) != 2 || got[0].Status != helpdesk.SlotDeclined || got[1].Status != helpdesk.SlotAccepted {
			t.Errorf("appointments after accepting: %+v %v", got, err)
		}
		h.waitMail(op, fmt.Sprintf("appuntamento per la consulenza n. %d", d.ID), 0)
		testbrowser.Axe(t, ctx, "helpdesk: appointment booked")

		// Called off: the first press asks, the second cancels.
		off := W(fmt.Sprintf("#calloff-%d", slots[1].ID))
		testbrowser.Click(t, ctx, off)
		testbrowser.WaitText(t, ctx, off, "Conferma la disdetta")
		testbrowser.WaitText(t, ctx, W("#status"), "Premi di nuovo")
		if got, err := x.hd.Appointments(x.asEmail(op), d.ID); err != nil || got[1].Status != helpdesk.SlotAccepted {
			t.Fatalf("after one press: %+v %v", got, err)
		}
		testbrowser.Click(t, ctx, off)
		testbrowser.WaitText(t, ctx, W("#status"), "Appuntamento disdetto.")
		testbrowser.Wait(t, ctx, `!`+testbrowser.Query(second))
		if got, err := x.hd.Appointments(x.asEmail(op), d.ID); err != nil || got[1].Status != helpdesk.SlotCancelled {
			t.Errorf("after calling it off: %+v %v", got, err)
		}
		h.waitMail(x.consultant, "annullat", 0)
		testbrowser.CheckErrors(t, ctx)
	})
}
