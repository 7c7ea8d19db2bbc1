package widgets_test

// Browser tests of <incroci-directory>: the directory of services on an
// ambito's page, read from the toolkit's HSDS API mounted beside the
// platform (newDirectoryHub), on SQLite and PostgreSQL.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testbrowser"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/toolkit"
)

const directoryW = "incroci-directory"

// xssDir is the script payload put in names and addresses.
const xssDir = `<img src=x onerror="window.__xss=1">`

// dirHub is the test hub with the toolkit mounted at /incroci/toolkit and
// a directory of services: twelve entries of lodi in four comuni (one
// without coordinates), and one of crema that lodi's page never shows.
type dirHub struct {
	*hub
	tk *toolkit.Toolkit
	// fail makes the list of services at locations answer 500.
	fail atomic.Bool
	// sal are the ids of the services at locations, by name.
	sal map[string]string
	// alwaysOpen is the schedule of the Broletto's service.
	alwaysOpen toolkit.DirSchedule
}

func newDirectoryHub(t *testing.T, db *gorm.DB) *dirHub {
	t.Helper()
	x := &dirHub{hub: newHub(t, db), sal: map[string]string{}}
	r, ok := x.api.Config.Handler.(*gin.Engine)
	if !ok {
		t.Fatalf("the hub's handler is a %T", x.api.Config.Handler)
	}
	var err error
	if x.tk, err = toolkit.New(context.Background(), x.p, toolkit.Config{}); err != nil {
		t.Fatal(err)
	}
	// Nothing was served yet: the routes can still be added.
	r.Use(func(c *gin.Context) {
		if x.fail.Load() && strings.HasSuffix(c.Request.URL.Path, "/hsds/service_at_locations") {
			// As the platform's CORS would, so that the page reads the answer.
			c.Header("Access-Control-Allow-Origin", c.GetHeader("Origin"))
			c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": gin.H{"code": "internal", "message": "Errore interno di prova."}})
		}
	})
	x.tk.Mount(r.Group("/incroci/toolkit"))
	if _, err := x.p.CreateAmbito(x.sys, incroci.AmbitoInput{Slug: "crema", Name: "Ambito distrettuale di Crema", Comuni: []string{"Crema"}}); err != nil {
		t.Fatal(err)
	}
	const editor = "redattrice@comune.lodi.it"
	x.invite(editor, "Redattrice", incroci.RoleEditor)
	s, err := x.p.SignIn(context.Background(), incroci.Identity{Email: editor})
	if err != nil {
		t.Fatal(err)
	}
	pr, err := x.p.Authenticate(context.Background(), s.Token)
	if err != nil {
		t.Fatal(err)
	}
	ed := incroci.WithPrincipal(context.Background(), pr)

	f := func(v float64) *float64 { return &v }
	addr := func(street, city, cap string) *toolkit.AddressInput {
		return &toolkit.AddressInput{Address1: street, City: city, StateProvince: "LO", PostalCode: cap}
	}
	org := func(ctx context.Context, ambito, name string) string {
		o, err := x.tk.CreateOrganization(ctx, toolkit.OrganizationInput{Ambito: ambito, Name: name, Description: "Ente di prova"})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	loc := func(ctx context.Context, in toolkit.LocationInput) string {
		in.LocationType = "physical"
		l, err := x.tk.CreateLocation(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return l.ID
	}
	srv := func(ctx context.Context, in toolkit.ServiceInput) string {
		if in.Status == "" {
			in.Status = toolkit.ServiceActive
		}
		v, err := x.tk.CreateService(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return v.ID
	}
	link := func(ctx context.Context, key, service, location string) {
		l, err := x.tk.CreateServiceAtLocation(ctx, toolkit.ServiceAtLocationInput{ServiceID: service, LocationID: location})
		if err != nil {
			t.Fatal(err)
		}
		x.sal[key] = l.ID
	}

	// The Broletto: payloads in the organization's, the service's name and
	// the address; open every day all day (but the last minute); checked.
	comune := org(ed, "lodi", "Comune di Lodi "+xssDir)
	broletto := loc(ed, toolkit.LocationInput{OrganizationID: comune, Name: "Palazzo Broletto", Latitude: f(45.3143), Longitude: f(9.5037),
		Address: addr("Piazza Broletto 1 "+xssDir, "Lodi", "26900"), Accessibility: []toolkit.AccessibilityInput{{Description: "Ingresso senza gradini"}}})
	x.alwaysOpen = toolkit.DirSchedule{Freq: "WEEKLY", OpensAt: "00:00", ClosesAt: "23:59"}
	segretariato := srv(ed, toolkit.ServiceInput{OrganizationID: comune, Name: "Segretariato sociale " + xssDir, Kinds: []string{"social-services"}, Topics: []string{"prestazioni"},
		Phones:    []toolkit.PhoneInput{{Number: "+39 0371 000101", Type: "voice"}},
		Schedules: []toolkit.ScheduleInput{{Freq: "WEEKLY", OpensAt: "00:00", ClosesAt: "23:59"}},
		Languages: []toolkit.LanguageInput{{Code: "en"}}})
	link(ed, "broletto", segretariato, broletto)
	if _, err := x.tk.MarkDirChecked(ed, toolkit.DirServices, segretariato); err != nil {
		t.Fatal(err)
	}
	// The CPIA in Lodi and in Codogno (where Arabic is spoken): hours that
	// ended in 2020.
	cpia := org(ed, "lodi", "CPIA di Lodi")
	course := srv(ed, toolkit.ServiceInput{OrganizationID: cpia, Name: "Corsi di italiano", Kinds: []string{"school"}, Topics: []string{"scuola"},
		Schedules: []toolkit.ScheduleInput{{Freq: "WEEKLY", ByDay: "MO,TH", OpensAt: "18:00", ClosesAt: "20:00", ValidTo: "2020-06-30"}}})
	link(ed, "cpia-lodi", course, loc(ed, toolkit.LocationInput{OrganizationID: cpia, Name: "CPIA sede di Lodi", Latitude: f(45.3097), Longitude: f(9.4960),
		Address: addr("Via Fascetti 6", "Lodi", "26900")}))
	link(ed, "cpia-codogno", course, loc(ed, toolkit.LocationInput{OrganizationID: cpia, Name: "CPIA sede di Codogno", Latitude: f(45.1597), Longitude: f(9.7050),
		Address: addr("Via Roma 1", "Codogno", "26845"), Languages: []toolkit.LanguageInput{{Code: "ar"}}}))
	// Caritas in Casalpusterlengo, with no coordinates: Arabic and French.
	caritas := org(ed, "lodi", "Caritas")
	link(ed, "caritas", srv(ed, toolkit.ServiceInput{OrganizationID: caritas, Name: "Centro di ascolto", Kinds: []string{"caritas"}, Topics: []string{"permesso-soggiorno"},
		Languages: []toolkit.LanguageInput{{Code: "ar"}, {Code: "fr"}}}),
		loc(ed, toolkit.LocationInput{OrganizationID: caritas, Name: "Centro di ascolto", Address: addr("Via Cavour 3", "Casalpusterlengo", "26841")}))
	// Eight workshops in Sant'Angelo Lodigiano, a comune lodi's list lacks.
	coop := org(ed, "lodi", "Cooperativa Lavoro")
	lab := loc(ed, toolkit.LocationInput{OrganizationID: coop, Name: "Laboratori", Latitude: f(45.2370), Longitude: f(9.4050),
		Address: addr("Via Umberto I 5", "Sant'Angelo Lodigiano", "26866")})
	for i := 1; i <= 8; i++ {
		in := toolkit.ServiceInput{OrganizationID: coop, Name: fmt.Sprintf("Laboratorio %d", i), Topics: []string{"lavoro"}}
		if i == 8 {
			in.Status = toolkit.ServiceTemporarilyClosed
		}
		link(ed, fmt.Sprint("lab", i), srv(ed, in), lab)
	}
	// Crema's, as the system.
	cr := org(x.sys, "crema", "Comune di Crema")
	link(x.sys, "crema", srv(x.sys, toolkit.ServiceInput{OrganizationID: cr, Name: "Sportello di Crema"}),
		loc(x.sys, toolkit.LocationInput{OrganizationID: cr, Name: "Sportello", Latitude: f(45.3621), Longitude: f(9.6818),
			Address: &toolkit.AddressInput{Address1: "Piazza Duomo 25", City: "Crema", StateProvince: "CR", PostalCode: "26013"}}))
	return x
}

// termID is the HSDS id of a kind or topic.
func termID(t *testing.T, code string) string {
	t.Helper()
	for _, tm := range toolkit.HSDSTerms() {
		if tm.Code == code {
			return tm.ID
		}
	}
	t.Fatalf("no taxonomy term %s", code)
	return ""
}

var mesi = []string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}

// TestBrowserDirectory runs <incroci-directory> on lodi's page: the list
// (a page at a time) with each entry's details, the filters by comune, by
// topic and by language, alone and together, the empty state, an error and
// its retry; the map, loaded only when asked for, with one marker per
// located entry that points to its entry, usable by keyboard, and still
// there when the tiles cannot load; payloads as text; English; axe-core on
// every view.
func TestBrowserDirectory(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newDirectoryHub(t, db)
		ctx := testbrowser.Tab(t, browser)
		W := func(sel string) string { return in(directoryW, sel) }
		E := func(key string) string { return W("#e-" + x.sal[key]) }
		noMarkup := func(what string) {
			t.Helper()
			if got := testbrowser.Eval[string](t, ctx, `String(`+testbrowser.QueryAll(W(`img[src="x"], b`))+`.length) + ' ' + typeof window.__xss`); got != "0 undefined" {
				t.Errorf("%s: script payloads became HTML: elements and window.__xss = %s", what, got)
			}
		}
		entries := func() []string {
			t.Helper()
			return testbrowser.Eval[[]string](t, ctx, testbrowser.QueryAll(W("#entries > li"))+`.map((li) => li.id.slice(2))`)
		}
		want := func(what string, keys ...string) {
			t.Helper()
			var ids []string
			for _, k := range keys {
				ids = append(ids, x.sal[k])
			}
			if got := entries(); strings.Join(got, " ") != strings.Join(ids, " ") {
				t.Errorf("%s: entries %v, want %v (%v)", what, got, ids, keys)
			}
		}
		mapJS := func() int {
			t.Helper()
			return testbrowser.Eval[int](t, ctx, `performance.getEntriesByType('resource').filter((e) => e.name.includes('/directory-map.')).length + `+
				`[...document.scripts].filter((s) => s.src.includes('directory-map')).length`)
		}

		testbrowser.Navigate(t, ctx, x.page("w=directory"))
		testbrowser.WaitFor(t, ctx, W("#entries"))
		testbrowser.WaitText(t, ctx, W("#status"), "Servizi trovati: 12 · pagina 1 di 2")
		if got := testbrowser.Text(t, ctx, W("h2")); got != "Servizi sul territorio" {
			t.Errorf("title %q", got)
		}
		if f := testbrowser.Focused(t, ctx); f != "body" {
			t.Errorf("on load the widget took the page's focus: %s", f)
		}
		// By comune, location, service; crema's entry is not lodi's.
		want("page 1", "caritas", "cpia-codogno", "cpia-lodi", "broletto", "lab1", "lab2", "lab3", "lab4", "lab5", "lab6")

		// The Broletto's entry: everything, payloads as text.
		b := testbrowser.Text(t, ctx, E("broletto"))
		now := time.Now().In(rome)
		open := map[bool]string{true: "Aperto ora", false: "Chiuso ora"}[x.alwaysOpen.OpenAt(time.Now())]
		for _, s := range []string{"Segretariato sociale " + xssDir, "Ente: Comune di Lodi " + xssDir, "Indirizzo: Piazza Broletto 1 " + xssDir + ", 26900 Lodi (LO)",
			"Telefono: +39 0371 000101", "Orari (ora italiana):" + open, "tutti i giorni 00:00–23:59", "Lingue parlate: inglese",
			"Accessibilità: Ingresso senza gradini", fmt.Sprintf("Verificato il %d %s %d", now.Day(), mesi[now.Month()-1], now.Year())} {
			if !strings.Contains(b, s) {
				t.Errorf("the Broletto's entry lacks %q: %q", s, b)
			}
		}
		if got := testbrowser.Attr(t, ctx, E("broletto")+" a", "href"); got != "tel:+390371000101" {
			t.Errorf("phone link %q", got)
		}
		c := testbrowser.Text(t, ctx, E("cpia-codogno"))
		for _, s := range []string{"Corsi di italiano", "Ente: CPIA di Lodi", "Chiuso ora", "lun, gio 18:00–20:00 (dal … al 30 giugno 2020)", "Lingue parlate: arabo", "Non ancora verificato"} {
			if !strings.Contains(c, s) {
				t.Errorf("the CPIA of Codogno's entry lacks %q: %q", s, c)
			}
		}
		if c := testbrowser.Text(t, ctx, E("caritas")); !strings.Contains(c, "Lingue parlate: arabo, francese") || strings.Contains(c, "Orari") {
			t.Errorf("Caritas's entry: %q", c)
		}
		if n := testbrowser.Eval[int](t, ctx, testbrowser.QueryAll(W("#entries > li > div"))+`.filter((d) => [...d.childNodes].some((n) => n.nodeType != 1)).length`); n != 0 {
			t.Errorf("%d entries have stray text among their lines", n)
		}
		if testbrowser.Exists(t, ctx, W("[id^=st-]")) {
			t.Error("an active service is marked as not active")
		}
		noMarkup("list")
		if n := mapJS(); n != 0 {
			t.Errorf("the map's chunk was loaded before it was asked for: %d", n)
		}
		testbrowser.Axe(t, ctx, "directory: list")
		testbrowser.Screenshot(t, ctx, "directory-list")

		// Pages.
		testbrowser.Click(t, ctx, W("#next"))
		testbrowser.WaitText(t, ctx, W("#status"), "pagina 2 di 2")
		want("page 2", "lab7", "lab8")
		if got := testbrowser.Text(t, ctx, W("#st-"+x.sal["lab8"])); got != "Chiuso temporaneamente" {
			t.Errorf("a service closed for a while is shown as %q", got)
		}
		if a := testbrowser.Attr(t, ctx, W("#next"), "aria-disabled"); a != "true" {
			t.Errorf("next on the last page: aria-disabled=%q", a)
		}
		if f := testbrowser.Focused(t, ctx); f != directoryW+" >>> button#next" {
			t.Errorf("after turning the page the focus is on %s", f)
		}
		testbrowser.Click(t, ctx, W("#prev"))
		testbrowser.WaitText(t, ctx, W("#status"), "pagina 1 di 2")

		// The comuni: lodi's, and Sant'Angelo Lodigiano from the entries.
		if got := testbrowser.Eval[string](t, ctx, testbrowser.QueryAll(W("#comune option"))+`.map((o) => o.textContent).join('|')`); got != "Tutti i comuni|Casalpusterlengo|Codogno|Lodi|Sant'Angelo Lodigiano" {
			t.Errorf("comuni offered: %q", got)
		}
		setValue(t, ctx, W("#comune"), "Codogno")
		testbrowser.WaitText(t, ctx, W("#status"), "Servizi trovati: 1")
		want("Codogno", "cpia-codogno")
		if !testbrowser.Eval[bool](t, ctx, `(`+testbrowser.Query(W("nav"))+`).hidden`) {
			t.Error("one page, yet the pages are shown")
		}
		setValue(t, ctx, W("#comune"), "Lodi")
		testbrowser.WaitText(t, ctx, W("#status"), "Servizi trovati: 2")
		want("Lodi", "cpia-lodi", "broletto")
		setValue(t, ctx, W("#comune"), "")

		// Topic: schools; kind: Caritas.
		setValue(t, ctx, W("#topic"), termID(t, "scuola"))
		testbrowser.WaitText(t, ctx, W("#status"), "Servizi trovati: 2")
		want("schools", "cpia-codogno", "cpia-lodi")
		setValue(t, ctx, W("#topic"), termID(t, "caritas"))
		testbrowser.WaitText(t, ctx, W("#status"), "Servizi trovati: 1")
		want("Caritas", "caritas")
		setValue(t, ctx, W("#topic"), "")

		// Language: Arabic, spoken by Caritas's service and at the CPIA of Codogno.
		if got := testbrowser.Eval[string](t, ctx, `(`+testbrowser.Query(W(`#language option[value="ar"]`))+`).textContent`); got != "arabo" {
			t.Errorf("Arabic is offered as %q", got)
		}
		setValue(t, ctx, W("#language"), "ar")
		testbrowser.WaitText(t, ctx, W("#status"), "Servizi trovati: 2")
		want("Arabic", "caritas", "cpia-codogno")
		setValue(t, ctx, W("#comune"), "Codogno")
		testbrowser.WaitText(t, ctx, W("#status"), "Servizi trovati: 1")
		want("Arabic in Codogno", "cpia-codogno")

		// Nothing: French in Lodi.
		setValue(t, ctx, W("#language"), "fr")
		testbrowser.WaitFor(t, ctx, W("#empty"))
		if got := testbrowser.Text(t, ctx, W("#empty")); !strings.Contains(got, "Nessun servizio corrisponde ai filtri scelti") {
			t.Errorf("empty state %q", got)
		}
		testbrowser.WaitText(t, ctx, W("#status"), "Servizi trovati: 0")
		testbrowser.Axe(t, ctx, "directory: no entry")

		// An error, shown with a retry that works.
		x.fail.Store(true)
		setValue(t, ctx, W("#comune"), "")
		setValue(t, ctx, W("#language"), "en")
		testbrowser.WaitText(t, ctx, W("#error"), "Errore interno di prova.")
		if r := testbrowser.Attr(t, ctx, W("#error"), "role"); r != "alert" {
			t.Errorf("the error's role is %q", r)
		}
		testbrowser.Axe(t, ctx, "directory: error")
		x.fail.Store(false)
		testbrowser.Click(t, ctx, W("#retry"))
		testbrowser.WaitFor(t, ctx, W("#entries"))
		want("English", "broletto")
		setValue(t, ctx, W("#language"), "")
		testbrowser.WaitText(t, ctx, W("#status"), "Servizi trovati: 12")

		// The map: loaded when asked for, once; a marker per located entry
		// of the page (Caritas has no coordinates), inside the map; the
		// tiles fail (this site has none) and the markers stay.
		if n := mapJS(); n != 0 {
			t.Fatalf("the map's chunk was loaded before it was asked for: %d", n)
		}
		testbrowser.Click(t, ctx, W("#map-toggle"))
		testbrowser.WaitFor(t, ctx, W("#map .pin"))
		if a := testbrowser.Attr(t, ctx, W("#map-toggle"), "aria-expanded"); a != "true" {
			t.Errorf("map toggle aria-expanded=%q", a)
		}
		if n := mapJS(); n != 1 {
			t.Errorf("the map's chunk was loaded %d times", n)
		}
		pins := func() []string {
			t.Helper()
			return testbrowser.Eval[[]string](t, ctx, testbrowser.QueryAll(W("#map .pin"))+`.map((b) => b.id.slice(4))`)
		}
		var located []string
		for _, k := range []string{"cpia-codogno", "cpia-lodi", "broletto", "lab1", "lab2", "lab3", "lab4", "lab5", "lab6"} {
			located = append(located, x.sal[k])
		}
		if got := pins(); strings.Join(got, " ") != strings.Join(located, " ") {
			t.Errorf("markers %v, want %v", got, located)
		}
		testbrowser.WaitText(t, ctx, W("#map-note"), "Servizi senza coordinate, non sulla mappa: 1")
		if out := testbrowser.Eval[int](t, ctx, `((m) => { const r = m.getBoundingClientRect(); return [...m.querySelectorAll('.pin')].filter((p) => {
			const b = p.getBoundingClientRect(); return b.left < r.left || b.right > r.right || b.top < r.top || b.bottom > r.bottom; }).length; })(`+testbrowser.Query(W("#map"))+`)`); out != 0 {
			t.Errorf("%d markers outside the map fitted to them", out)
		}
		testbrowser.Wait(t, ctx, `!(`+testbrowser.Query(W("#map-notiles"))+`).hidden`)
		if got := testbrowser.Text(t, ctx, W("#map-box .cr")); got != "Mappa: Tessere di prova <b>" {
			t.Errorf("tiles' credit %q", got)
		}
		want("with the map", "caritas", "cpia-codogno", "cpia-lodi", "broletto", "lab1", "lab2", "lab3", "lab4", "lab5", "lab6")
		noMarkup("map")
		testbrowser.Axe(t, ctx, "directory: map without tiles")
		testbrowser.Screenshot(t, ctx, "directory-map-offline")

		// A marker points to its entry while it has the focus; Enter takes
		// the focus to the entry.
		pin := W("#pin-" + x.sal["broletto"])
		if l := testbrowser.Attr(t, ctx, pin, "aria-label"); l != "4. Segretariato sociale "+xssDir+", Piazza Broletto 1 "+xssDir+", 26900 Lodi (LO)" {
			t.Errorf("the Broletto's marker is labelled %q", l)
		}
		testbrowser.Focus(t, ctx, pin)
		testbrowser.Wait(t, ctx, `(`+testbrowser.Query(E("broletto"))+`).classList.contains('on')`)
		if n := testbrowser.Eval[int](t, ctx, testbrowser.QueryAll(W("#entries > li.on"))+`.length`); n != 1 {
			t.Errorf("%d entries pointed at", n)
		}
		testbrowser.Keys(t, ctx, kb.Enter)
		if f := testbrowser.Focused(t, ctx); f != directoryW+" >>> h3#h-"+x.sal["broletto"] {
			t.Errorf("after Enter on the marker the focus is on %s", f)
		}
		if testbrowser.Eval[bool](t, ctx, `(`+testbrowser.Query(E("broletto"))+`).classList.contains('on')`) {
			t.Error("the entry is still pointed at after the marker lost the focus")
		}
		// The keyboard moves the map and zooms.
		left := func() string { return testbrowser.Eval[string](t, ctx, `(`+testbrowser.Query(pin)+`).style.left`) }
		before := left()
		testbrowser.Focus(t, ctx, W("#map"))
		testbrowser.Keys(t, ctx, kb.ArrowRight)
		if after := left(); after == before {
			t.Errorf("ArrowRight did not move the map: marker at %s", after)
		}
		testbrowser.Keys(t, ctx, "+")
		testbrowser.Click(t, ctx, W("#zoom-out"))

		// Filtering with the map open: its markers follow the list.
		setValue(t, ctx, W("#comune"), "Codogno")
		testbrowser.WaitText(t, ctx, W("#status"), "Servizi trovati: 1")
		testbrowser.Wait(t, ctx, testbrowser.QueryAll(W("#map .pin"))+`.length == 1`)
		if got := pins(); len(got) != 1 || got[0] != x.sal["cpia-codogno"] {
			t.Errorf("markers in Codogno: %v", got)
		}
		testbrowser.Click(t, ctx, W("#map-toggle"))
		if !testbrowser.Eval[bool](t, ctx, `(`+testbrowser.Query(W("#map-box"))+`).hidden`) {
			t.Error("the map stays after hiding it")
		}

		// English.
		testbrowser.Eval[bool](t, ctx, `document.querySelector('incroci-directory').setAttribute('lang', 'en'), true`)
		testbrowser.WaitText(t, ctx, W("h2"), "Services in the area")
		setValue(t, ctx, W("#comune"), "")
		testbrowser.WaitText(t, ctx, W("#status"), "Services found: 12 · page 1 of 2")
		if got := testbrowser.Text(t, ctx, W(`label[for="comune"]`)); got != "Municipality" {
			t.Errorf("comune's label in English: %q", got)
		}
		if c := testbrowser.Text(t, ctx, E("caritas")); !strings.Contains(c, "Languages spoken: Arabic, French") || !strings.Contains(c, "Not checked yet") {
			t.Errorf("Caritas's entry in English: %q", c)
		}
		b = testbrowser.Text(t, ctx, E("broletto"))
		if !strings.Contains(b, "Opening hours (Italian time):") || !strings.Contains(b, fmt.Sprintf("Checked on %s %d, %d", now.Month(), now.Day(), now.Year())) ||
			!strings.Contains(b, "Organization: Comune di Lodi "+xssDir) {
			t.Errorf("the Broletto's entry in English: %q", b)
		}
		if got := testbrowser.Text(t, ctx, W("#map-toggle")); got != "Show the map" {
			t.Errorf("map toggle in English: %q", got)
		}
		testbrowser.Click(t, ctx, W("#map-toggle"))
		testbrowser.WaitFor(t, ctx, W("#map .pin"))
		if got := testbrowser.Attr(t, ctx, W("#map"), "aria-label"); got != "Map of the services" {
			t.Errorf("the map's label in English: %q", got)
		}
		if n := mapJS(); n != 1 {
			t.Errorf("the map's chunk was loaded %d times", n)
		}
		noMarkup("English")
		testbrowser.Axe(t, ctx, "directory: English, with the map")
		testbrowser.CheckErrors(t, ctx)
	})
}

// TestBrowserDirectoryTiles: under a strict CSP (Trusted Types, scripts
// and calls to the hub only, images from the site), the map's chunk loads
// and, with tiles to load, the map draws them and says nothing of missing
// ones.
func TestBrowserDirectoryTiles(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newDirectoryHub(t, db)
		ctx := testbrowser.Tab(t, browser)
		W := func(sel string) string { return in(directoryW, sel) }
		testbrowser.Navigate(t, ctx, x.page("w=directory&tiles=ok&csp=strict"))
		testbrowser.WaitFor(t, ctx, W("#entries"))
		testbrowser.Click(t, ctx, W("#map-toggle"))
		testbrowser.WaitFor(t, ctx, W("#map .pin"))
		testbrowser.Wait(t, ctx, testbrowser.QueryAll(W("#map img"))+`.some((i) => i.complete && i.naturalWidth == 256)`)
		if !testbrowser.Eval[bool](t, ctx, `(`+testbrowser.Query(W("#map-notiles"))+`).hidden`) {
			t.Error("tiles loaded, yet the map says they are missing")
		}
		testbrowser.Axe(t, ctx, "directory: map with tiles")
		testbrowser.Screenshot(t, ctx, "directory-map")
		testbrowser.CheckErrors(t, ctx)
	})
}
