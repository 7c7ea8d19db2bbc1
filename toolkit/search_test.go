package toolkit_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/incrocicomuni/incroci/toolkit"
)

// TestSearch: one search across published sheets and the glossary, on
// each database: Italian plurals and accents match, the best match comes
// first with its words marked in the snippet, drafts and other ambiti's
// sheets are not found, anonymous callers find only what is public.
func TestSearch(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		publish := func(ambito, audience, title, what string) int64 {
			t.Helper()
			in := sheetInput(true)
			in["ambito"], in["audience"], in["title"] = ambito, audience, title
			in["sections"] = map[string]string{"what": what}
			r := expect(t, e.req("operator", "POST", "/sheets", in), 201, "propose "+title)
			expect(t, e.req("editor", "POST", fmt.Sprintf("/sheets/%d/publish", id(r)), map[string]any{"revision_id": revID(r)}), 200, "publish "+title)
			return id(r)
		}
		reun := publish("", "operators", "Ricongiungimento familiare", "Il **ricongiungimento familiare** riguarda coniuge, figli minori e genitori a carico.")
		city := publish("", "citizens", "Residenza in città", "Come iscriversi all'anagrafe della città in cui si vive.")
		own := publish("lodi", "operators", "Ricongiungimento: prassi di Lodi", "A Lodi la domanda di ricongiungimento si prepara con lo sportello.")
		draft := sheetInput(false)
		draft["title"] = "Ricongiungimento in bozza"
		expect(t, e.req("operator", "POST", "/sheets", draft), 201, "a draft")
		expect(t, e.req("editor", "POST", "/glossary", map[string]any{"term": "ricongiungimento", "definitions": map[string]string{
			"it": "Il diritto di riunire la famiglia in Italia.", "en": "The right to bring one's family to Italy."}}), 201, "an entry")

		find := func(who, q string) []map[string]any {
			t.Helper()
			var out []map[string]any
			for _, x := range expect(t, e.req(who, "GET", "/search?"+q, nil), 200, "search "+q).list() {
				out = append(out, x.(map[string]any))
			}
			return out
		}
		got := find("operator", "q=ricongiungimenti")
		if len(got) != 3 { // the two sheets and the entry in Italian
			t.Fatalf("ricongiungimenti finds %d: %v", len(got), got)
		}
		if got[0]["kind"] != "sheet" || int64(got[0]["ref_id"].(float64)) != reun {
			t.Errorf("the best match is %v, want the network's sheet", got[0])
		}
		if s := got[0]["snippet"].(string); !strings.Contains(s, "<mark>ricongiungimento</mark>") {
			t.Errorf("snippet %q", s)
		}
		if r := find("operator", "q=citta"); len(r) != 1 || int64(r[0]["ref_id"].(float64)) != city {
			t.Errorf("citta finds %v", r)
		}
		if r := find("cremaOperator", "q=ricongiungimento&kind=sheet"); len(r) != 1 {
			t.Errorf("crema finds %v (not lodi's own, not the draft)", r)
		}
		if r := find("operator", "q=ricongiungimento&ambito=lodi"); len(r) != 1 || int64(r[0]["ref_id"].(float64)) != own {
			t.Errorf("lodi's own: %v", r)
		}
		if r := find("", "q=ricongiungimento"); len(r) != 2 || r[0]["kind"] != "term" {
			t.Errorf("anonymously: %v (the public entry in two languages only)", r)
		}
		if r := find("", "q=anagrafe"); len(r) != 1 {
			t.Errorf("anonymously, the handout: %v", r)
		}
		if r := find("operator", "q=family&lang=en"); len(r) != 1 || r[0]["lang"] != "en" {
			t.Errorf("in English: %v", r)
		}
		past := expect(t, e.req("operator", "GET", "/search?q=ricongiungimenti&page=5", nil), 200, "past the last page")
		if len(past.list()) != 0 || past.Body["page"].(map[string]any)["total"] != 3.0 {
			t.Errorf("past the last page: %s", past.Raw)
		}
		expect(t, e.req("operator", "GET", "/search?q=", nil), 422, "an empty search")
		expect(t, e.req("operator", "GET", "/search?q=x&kind=luoghi", nil), 422, "an unknown kind")

		// Archived, it is not found any more.
		expect(t, e.req("editor", "POST", fmt.Sprintf("/sheets/%d/archive", reun), nil), 200, "archive")
		if r := find("operator", "q=coniuge"); len(r) != 0 {
			t.Errorf("an archived sheet is found: %v", r)
		}
	})
}

// TestSearchServices: the directory's services are in the search, by
// name, description, organization and comune, for anyone; a change of
// their location moves them between comuni; a deleted one is gone.
func TestSearchServices(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		ed := e.as("editor")
		o, err := e.tk.CreateOrganization(ed, toolkit.OrganizationInput{Ambito: "lodi", Name: "Caritas Lodigiana", Description: "La Caritas della Diocesi."})
		if err != nil {
			t.Fatal(err)
		}
		addr := func(city string) *toolkit.AddressInput {
			return &toolkit.AddressInput{Address1: "Via Cavour 31", City: city, StateProvince: "LO", PostalCode: "26900"}
		}
		l, err := e.tk.CreateLocation(ed, toolkit.LocationInput{OrganizationID: o.ID, LocationType: "physical", Name: "Centro di ascolto", Address: addr("Lodi")})
		if err != nil {
			t.Fatal(err)
		}
		s, err := e.tk.CreateService(ed, toolkit.ServiceInput{OrganizationID: o.ID, Name: "Sportello stranieri", Status: toolkit.ServiceActive,
			Description: "Orientamento per i permessi di soggiorno e il lavoro."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.tk.CreateServiceAtLocation(ed, toolkit.ServiceAtLocationInput{ServiceID: s.ID, LocationID: l.ID}); err != nil {
			t.Fatal(err)
		}
		find := func(q string) []any {
			t.Helper()
			return expect(t, e.req("", "GET", "/search?kind=service&"+q, nil), 200, "search "+q).list()
		}
		got := find("q=permesso&comune=Lodi")
		if len(got) != 1 || got[0].(map[string]any)["ref_key"] != s.ID || got[0].(map[string]any)["title"] != "Sportello stranieri" {
			t.Fatalf("the service, anonymously, in Lodi: %v", got)
		}
		if r := find("q=caritas"); len(r) != 1 {
			t.Errorf("by its organization's name: %v", r)
		}
		// The location moves to Codogno: the service follows.
		if _, err := e.tk.UpdateLocation(ed, l.ID, toolkit.LocationInput{OrganizationID: o.ID, LocationType: "physical", Name: "Centro di ascolto", Address: addr("Codogno")}); err != nil {
			t.Fatal(err)
		}
		if r := find("q=permesso&comune=lodi"); len(r) != 0 {
			t.Errorf("still in Lodi: %v", r)
		}
		if r := find("q=permesso&comune=codogno"); len(r) != 1 {
			t.Errorf("not in Codogno: %v", r)
		}
		if err := e.tk.DeleteService(ed, s.ID); err != nil {
			t.Fatal(err)
		}
		if r := find("q=permesso"); len(r) != 0 {
			t.Errorf("a deleted service is found: %v", r)
		}
	})
}
