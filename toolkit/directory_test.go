package toolkit_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/toolkit"
)

// hsdsDir holds the compiled HSDS 3.0 schemas (a minified copy of the
// standard's schema/compiled, with its licence): the tests need them, so
// they are kept with the repository.
var hsdsDir = filepath.Join("testdata", "hsds-3.0")

var (
	hsdsOnce    sync.Once
	hsdsSchemas map[string]*jsonschema.Schema
	hsdsErr     error
)

// hsdsSchema returns the compiled HSDS schema name ("service_list").
func hsdsSchema(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	hsdsOnce.Do(func() {
		hsdsSchemas = map[string]*jsonschema.Schema{}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		c.AssertFormat()
		for _, n := range []string{"service", "service_list", "organization", "organization_list", "service_at_location", "service_at_location_list"} {
			f, err := os.Open(filepath.Join(hsdsDir, n+".json"))
			if err != nil {
				hsdsErr = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(f)
			f.Close()
			if err != nil {
				hsdsErr = err
				return
			}
			if err := c.AddResource(n+".json", doc); err != nil {
				hsdsErr = err
				return
			}
			if hsdsSchemas[n], err = c.Compile(n + ".json"); err != nil {
				hsdsErr = err
				return
			}
		}
	})
	if hsdsErr != nil {
		t.Fatalf("the HSDS 3.0 schemas at %s: %v", hsdsDir, hsdsErr)
	}
	return hsdsSchemas[name]
}

// hsdsValid validates raw JSON against a compiled HSDS schema.
func hsdsValid(t *testing.T, name string, raw []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := hsdsSchema(t, name).Validate(v); err != nil {
		t.Errorf("not a valid HSDS %s: %v\n%.800s", name, err, raw)
	}
}

func f(v float64) *float64 { return &v }

// lodiDirectory writes, through the routes, the municipal social services
// of Lodi (one location in Lodi) and a CPIA (one location in Lodi, one in
// Codogno), and returns their ids.
func lodiDirectory(t *testing.T, e *env) map[string]string {
	ids := map[string]string{}
	org := expect(t, e.req("editor", "POST", "/directory/organizations", map[string]any{"ambito": "lodi", "name": "Comune di Lodi",
		"description": "Servizi sociali del Comune di Lodi", "website": "https://www.comune.lodi.it",
		"phones": []map[string]any{{"number": "+39 0371 000001", "type": "voice"}}}), 201, "create organization").data()
	ids["comune"] = org["id"].(string)
	if org["ambito"] != "lodi" || len(org["phones"].([]any)) != 1 || org["last_checked"] != "" {
		t.Fatalf("organization: %v", org)
	}
	loc := expect(t, e.req("editor", "POST", "/directory/locations", map[string]any{"organization_id": ids["comune"], "location_type": "physical",
		"name": "Sportello sociale, Piazza Broletto", "latitude": 45.3143, "longitude": 9.5037,
		"address":       map[string]any{"address_1": "Piazza Broletto 1", "city": "Lodi", "state_province": "LO", "postal_code": "26900"},
		"languages":     []map[string]any{{"code": "it", "name": "italiano"}, {"code": "ar", "name": "arabo", "note": "il martedì, con la mediatrice"}},
		"accessibility": []map[string]any{{"description": "Accesso senza gradini dal cortile"}}}), 201, "create location").data()
	ids["broletto"] = loc["id"].(string)
	srv := expect(t, e.req("editor", "POST", "/directory/services", map[string]any{"organization_id": ids["comune"], "name": "Segretariato sociale " + xss,
		"status": "active", "description": "Ascolto, orientamento e presa in carico.", "kinds": []string{"social-services"}, "topics": []string{"prestazioni"},
		"schedules": []map[string]any{{"freq": "WEEKLY", "byday": "MO,WE,FR", "opens_at": "09:00", "closes_at": "12:30"}},
		"languages": []map[string]any{{"code": "en"}}}), 201, "create service").data()
	ids["segretariato"] = srv["id"].(string)
	if fmt.Sprint(srv["kinds"], srv["topics"]) != "[social-services] [prestazioni]" {
		t.Errorf("service terms: %v %v", srv["kinds"], srv["topics"])
	}
	sal := expect(t, e.req("editor", "POST", "/directory/service_at_locations", map[string]any{"service_id": ids["segretariato"], "location_id": ids["broletto"]}), 201, "link").data()
	ids["segretariato@broletto"] = sal["id"].(string)

	cpia := expect(t, e.req("editor", "POST", "/directory/organizations", map[string]any{"ambito": "lodi", "name": "CPIA di Lodi",
		"description": "Centro provinciale per l'istruzione degli adulti"}), 201, "create CPIA").data()
	ids["cpia"] = cpia["id"].(string)
	for _, l := range []struct {
		key, name, city, cap string
		lat, lon             float64
	}{
		{"cpia-lodi", "Sede di Lodi", "Lodi", "26900", 45.3097, 9.4960},
		{"cpia-codogno", "Sede di Codogno", "Codogno", "26845", 45.1597, 9.7050},
	} {
		loc := expect(t, e.req("editor", "POST", "/directory/locations", map[string]any{"organization_id": ids["cpia"], "location_type": "physical", "name": l.name,
			"latitude": l.lat, "longitude": l.lon, "address": map[string]any{"address_1": "Via Roma 1", "city": l.city, "state_province": "LO", "postal_code": l.cap}}), 201, "CPIA location").data()
		ids[l.key] = loc["id"].(string)
	}
	course := expect(t, e.req("editor", "POST", "/directory/services", map[string]any{"organization_id": ids["cpia"], "name": "Corsi di italiano per stranieri",
		"status": "active", "kinds": []string{"school"}, "topics": []string{"scuola"}}), 201, "CPIA service").data()
	ids["italiano"] = course["id"].(string)
	for _, k := range []string{"cpia-lodi", "cpia-codogno"} {
		expect(t, e.req("editor", "POST", "/directory/service_at_locations", map[string]any{"service_id": ids["italiano"], "location_id": ids[k],
			"schedules": []map[string]any{{"byday": "TU,TH", "opens_at": "18:00", "closes_at": "20:00"}}}), 201, "CPIA link")
	}
	return ids
}

// TestDirectory: editors write the directory, others cannot; bad input is
// refused with the fields named and changes nothing; anyone reads it in
// HSDS shapes, valid against the compiled HSDS schemas, filtered by comune
// and by distance; an entry is checked; links and entries deleted.
func TestDirectory(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		if e.req("", "GET", "/topics", nil).Status != 200 {
			t.Fatal("topics")
		}
		ids := lodiDirectory(t, e)

		// Who may write.
		in := map[string]any{"ambito": "lodi", "name": "Caritas", "description": "Centro di ascolto"}
		expect(t, e.req("", "POST", "/directory/organizations", in), 401, "anonymous")
		expect(t, e.req("operator", "POST", "/directory/organizations", in), 422, "an operator")
		expect(t, e.req("cremaEditor", "PUT", "/directory/organizations/"+ids["cpia"], map[string]any{"ambito": "lodi", "name": "x CPIA", "description": "y"}), 422, "crema's editor on lodi's")
		expect(t, e.req("cremaEditor", "DELETE", "/directory/services/"+ids["italiano"], nil), 403, "crema's editor deletes lodi's service")
		expect(t, e.req("operator", "POST", "/directory/services/"+ids["italiano"]+"/check", nil), 403, "an operator checks")

		// Bad input: every field named, nothing changed.
		bad := expect(t, e.req("editor", "PUT", "/directory/locations/"+ids["broletto"], map[string]any{"organization_id": ids["comune"], "location_type": "physical",
			"name": "Broletto", "latitude": 145.0, "address": map[string]any{"address_1": "", "city": "Lodi", "state_province": "Lodi", "postal_code": "269"},
			"schedules": []map[string]any{{"byday": "LUN", "opens_at": "14:00", "closes_at": "09:00"}}}), 422, "a bad location")
		var fields []string
		for _, fe := range bad.Body["error"].(map[string]any)["fields"].([]any) {
			fields = append(fields, fe.(map[string]any)["field"].(string))
		}
		got := strings.Join(fields, " ")
		for _, want := range []string{"latitude", "address.address_1", "address.state_province", "address.postal_code", "schedules[0].byday", "schedules[0].closes_at", "longitude"} {
			if !strings.Contains(got, want) {
				t.Errorf("the 422 does not name %s: %s", want, got)
			}
		}
		expect(t, e.req("editor", "POST", "/directory/services", map[string]any{"organization_id": ids["cpia"], "name": "x", "status": "open", "kinds": []string{"bar"}}), 422, "a bad service")
		expect(t, e.req("editor", "POST", "/directory/services", map[string]any{"organization_id": ids["cpia"], "name": "Corso", "status": "active", "colour": "red"}), 422, "an unknown field")
		expect(t, e.req("editor", "POST", "/directory/service_at_locations", map[string]any{"service_id": ids["italiano"], "location_id": ids["cpia-lodi"]}), 409, "the same link twice")
		expect(t, e.req("editor", "DELETE", "/directory/organizations/"+ids["cpia"], nil), 409, "an organization with services")
		expect(t, e.req("editor", "PUT", "/directory/services/not-a-uuid", map[string]any{"organization_id": ids["cpia"], "name": "Corso", "status": "active"}), 404, "no such service")
		loc := expect(t, e.req("", "GET", "/hsds/service_at_locations/"+ids["segretariato@broletto"], nil), 200, "read a link").Body["location"].(map[string]any)
		if loc["latitude"] != 45.3143 || loc["addresses"].([]any)[0].(map[string]any)["postal_code"] != "26900" {
			t.Errorf("the refused update changed the location: %v", loc)
		}

		// Updates and checks.
		good := expect(t, e.req("editor", "PUT", "/directory/locations/"+ids["broletto"], map[string]any{"organization_id": ids["comune"], "location_type": "physical",
			"name": "Sportello sociale, Piazza Broletto", "latitude": 45.3143, "longitude": 9.5037, "transportation": "A 10 minuti dalla stazione",
			"address":   map[string]any{"address_1": "Piazza Broletto 1", "city": "Lodi", "state_province": "LO", "postal_code": "26900"},
			"schedules": []map[string]any{{"byday": "TU", "opens_at": "14:00", "closes_at": "16:00:00"}}}), 200, "update location").data()
		if good["transportation"] == "" || good["schedules"].([]any)[0].(map[string]any)["closes_at"] != "16:00" || len(good["languages"].([]any)) != 0 {
			t.Errorf("updated location: %v", good)
		}
		upd := expect(t, e.req("editor", "PUT", "/directory/organizations/"+ids["cpia"], map[string]any{"ambito": "lodi", "name": "CPIA di Lodi",
			"description": "Centro provinciale per l'istruzione degli adulti", "email": "cpia@example.it"}), 200, "update organization").data()
		if upd["email"] != "cpia@example.it" {
			t.Errorf("update: %v", upd)
		}
		expect(t, e.req("editor", "PUT", "/directory/organizations/"+ids["cpia"], map[string]any{"ambito": "crema", "name": "CPIA", "description": "x"}), 422, "move to another ambito")
		chk := expect(t, e.req("editor", "POST", "/directory/services/"+ids["italiano"]+"/check", nil), 200, "check").data()
		if chk["last_checked"] != "2026-11-09" || chk["checked_by_name"] != "editor" {
			t.Errorf("checked: %v %v", chk["last_checked"], chk["checked_by_name"])
		}
		if s, err := e.tk.Service(e.ctx, ids["italiano"]); err != nil || s.CheckedByName != "" || s.CheckedBy == nil {
			t.Errorf("anonymous read of the checker: %+v %v", s, err)
		}
		expect(t, e.req("editor", "POST", "/directory/organizations/"+ids["cpia"]+"/check", nil), 200, "check organization")
		expect(t, e.req("editor", "POST", "/directory/locations/"+ids["broletto"]+"/check", nil), 200, "check location")
		link := expect(t, e.req("editor", "PUT", "/directory/service_at_locations/"+ids["segretariato@broletto"], map[string]any{"service_id": ids["segretariato"],
			"location_id": ids["broletto"], "description": "Su appuntamento", "phones": []map[string]any{{"number": "+39 0371 000002"}}}), 200, "update link").data()
		if link["description"] != "Su appuntamento" || len(link["phones"].([]any)) != 1 {
			t.Errorf("link: %v", link)
		}
		expect(t, e.req("editor", "PUT", "/directory/services/"+ids["segretariato"], map[string]any{"organization_id": ids["comune"], "name": "Segretariato sociale " + xss,
			"status": "active", "kinds": []string{"social-services", "info-desk"}}), 200, "update service")

		// The HSDS API.
		meta := expect(t, e.req("", "GET", "/hsds/", nil), 200, "meta")
		if meta.Body["version"] != "3.0" || !strings.HasSuffix(meta.Body["openapi_url"].(string), "/incroci/toolkit/openapi.json") {
			t.Errorf("meta: %s", meta.Raw)
		}
		list := expect(t, e.req("", "GET", "/hsds/services?per_page=1", nil), 200, "services")
		if list.Body["total_items"] != 2.0 || list.Body["total_pages"] != 2.0 || list.Body["first_page"] != true || list.Body["last_page"] != false || list.Body["size"] != 1.0 {
			t.Errorf("page: %s", list.Raw)
		}
		for _, it := range list.Body["contents"].([]any) {
			raw, _ := json.Marshal(it)
			hsdsValid(t, "service_list", raw)
		}
		term := ""
		for _, tm := range expect(t, e.req("", "GET", "/hsds/taxonomy_terms?search=scuol", nil), 200, "terms").Body["contents"].([]any) {
			term = tm.(map[string]any)["id"].(string)
		}
		if l := expect(t, e.req("", "GET", "/hsds/services?taxonomy_term_id="+term, nil), 200, "services by term").Body["contents"].([]any); len(l) != 1 || l[0].(map[string]any)["id"] != ids["italiano"] {
			t.Errorf("by term: %v", l)
		}
		expect(t, e.req("", "GET", "/hsds/services?taxonomy_term_id=x", nil), 422, "a bad term id")
		full := expect(t, e.req("", "GET", "/hsds/services/"+ids["segretariato"], nil), 200, "a full service")
		hsdsValid(t, "service", full.Raw)
		if sals := full.Body["service_at_locations"].([]any); len(sals) != 1 || sals[0].(map[string]any)["location"].(map[string]any)["name"] != "Sportello sociale, Piazza Broletto" {
			t.Errorf("full service's locations: %v", sals)
		}
		if !strings.Contains(string(full.Raw), `\u003cscript\u003e`) && !strings.Contains(string(full.Raw), `<script>`) {
			t.Errorf("the name was changed: %s", full.Raw)
		}
		if a := full.Body["attributes"].([]any); len(a) != 2 {
			t.Errorf("attributes: %v", a)
		}
		expect(t, e.req("", "GET", "/hsds/services/"+ids["broletto"], nil), 404, "a location's id as a service")
		orgs := expect(t, e.req("", "GET", "/hsds/organizations?search=cpia", nil), 200, "organizations")
		for _, it := range orgs.Body["contents"].([]any) {
			raw, _ := json.Marshal(it)
			hsdsValid(t, "organization_list", raw)
		}
		o := expect(t, e.req("", "GET", "/hsds/organizations/"+ids["cpia"], nil), 200, "a full organization")
		hsdsValid(t, "organization", o.Raw)
		if len(o.Body["locations"].([]any)) != 2 || len(o.Body["services"].([]any)) != 1 {
			t.Errorf("organization: %s", o.Raw)
		}
		expect(t, e.req("", "GET", "/hsds/organizations/"+ids["italiano"], nil), 404, "no such organization")
		byComune := expect(t, e.req("", "GET", "/hsds/service_at_locations?comune=CODOGNO", nil), 200, "by comune").Body["contents"].([]any)
		if len(byComune) != 1 || byComune[0].(map[string]any)["location_id"] != ids["cpia-codogno"] {
			t.Errorf("by comune: %v", byComune)
		}
		for _, it := range byComune {
			raw, _ := json.Marshal(it)
			hsdsValid(t, "service_at_location_list", raw)
		}
		// From Lodi's station: the CPIA (0.5 km), the Broletto (0.9 km);
		// Codogno (~20 km) is outside 5 km, inside 30 km, and last.
		near := expect(t, e.req("", "GET", "/hsds/service_at_locations?lat=45.3080&lon=9.5010&radius_km=5", nil), 200, "near").Body["contents"].([]any)
		var order []string
		for _, it := range near {
			order = append(order, it.(map[string]any)["location_id"].(string))
		}
		if fmt.Sprint(order) != fmt.Sprint([]string{ids["cpia-lodi"], ids["broletto"]}) {
			t.Errorf("near: %v", order)
		}
		if far := expect(t, e.req("", "GET", "/hsds/service_at_locations?lat=45.3080&lon=9.5010&radius_km=30", nil), 200, "far").Body; far["total_items"] != 3.0 ||
			far["contents"].([]any)[2].(map[string]any)["location_id"] != ids["cpia-codogno"] {
			t.Errorf("far: %v", far)
		}
		expect(t, e.req("", "GET", "/hsds/service_at_locations?lat=45.3&lon=9.5", nil), 422, "a point without a radius")
		expect(t, e.req("", "GET", "/hsds/service_at_locations?lat=north&lon=9.5&radius_km=1", nil), 422, "a latitude that is not a number")
		all := expect(t, e.req("", "GET", "/hsds/service_at_locations", nil), 200, "all links")
		if all.Body["total_items"] != 3.0 {
			t.Errorf("all links: %s", all.Raw)
		}
		expect(t, e.req("", "GET", "/hsds/service_at_locations/"+ids["cpia"], nil), 404, "no such link")
		tax := expect(t, e.req("", "GET", "/hsds/taxonomies", nil), 200, "taxonomies").Body
		if tax["total_items"] != 2.0 {
			t.Errorf("taxonomies: %v", tax)
		}
		tid := tax["contents"].([]any)[1].(map[string]any)["id"].(string)
		if n := expect(t, e.req("", "GET", "/hsds/taxonomy_terms?per_page=100&taxonomy_id="+tid, nil), 200, "topics").Body["total_items"]; n != 16.0 {
			t.Errorf("topics: %v", n)
		}
		expect(t, e.req("", "GET", "/hsds/taxonomy_terms?page=0", nil), 422, "page 0")

		// Deletions.
		expect(t, e.req("editor", "DELETE", "/directory/service_at_locations/"+ids["segretariato@broletto"], nil), 204, "delete link")
		expect(t, e.req("editor", "DELETE", "/directory/locations/"+ids["cpia-codogno"], nil), 204, "delete location")
		expect(t, e.req("editor", "DELETE", "/directory/services/"+ids["italiano"], nil), 204, "delete service")
		expect(t, e.req("editor", "DELETE", "/directory/services/"+ids["italiano"], nil), 404, "delete it again")
		expect(t, e.req("editor", "DELETE", "/directory/locations/"+ids["cpia-lodi"], nil), 204, "delete location")
		expect(t, e.req("editor", "DELETE", "/directory/organizations/"+ids["cpia"], nil), 204, "delete organization")
		if l := expect(t, e.req("", "GET", "/hsds/service_at_locations", nil), 200, "links left").Body; l["total_items"] != 0.0 || l["empty"] != true {
			t.Errorf("links left: %v", l)
		}
	})
}

// TestDirectoryImportExport: the export imported into a fresh database
// exports the same; a malformed document is refused with the line, column
// and field of each problem, and nothing of it is imported.
func TestDirectoryImportExport(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		lodiDirectory(t, e)
		expect(t, e.req("editor", "POST", "/directory/services/"+lodiDirectory(t, e)["italiano"]+"/check", nil), 200, "check")
		exp := expect(t, e.req("", "GET", "/hsds/export?ambito=lodi", nil), 200, "export")
		var doc []map[string]any
		if err := json.Unmarshal(exp.Raw, &doc); err != nil || len(doc) != 4 {
			t.Fatalf("export: %v %d", err, len(doc))
		}
		for _, o := range doc {
			raw, _ := json.Marshal(o)
			hsdsValid(t, "organization", raw)
		}
		if n := len(expect(t, e.req("", "GET", "/hsds/export?ambito=crema", nil), 200, "crema's export").Raw); n != 2 {
			t.Errorf("crema's export: %d bytes", n)
		}

		var db2 = testdb.SQLite(t)
		if testdb.Name(e.db) == "postgres" {
			db2 = testdb.Postgres(t)
		}
		fresh := newEnv(t, db2)
		pretty, _ := json.MarshalIndent(doc, "", "  ")
		expect(t, fresh.req("cremaEditor", "POST", "/hsds/import?ambito=lodi", string(pretty)), 422, "crema's editor imports into lodi")
		res := expect(t, fresh.req("editor", "POST", "/hsds/import?ambito=lodi", string(pretty)), 200, "import").data()
		if res["services"] != 4.0 || res["service_at_locations"] != 6.0 || res["locations"] != 6.0 {
			t.Errorf("imported: %v", res)
		}
		again := expect(t, fresh.req("", "GET", "/hsds/export?ambito=lodi", nil), 200, "export again")
		if !bytes.Equal(again.Raw, exp.Raw) {
			t.Errorf("the export of the import differs:\n%s\n%s", exp.Raw, again.Raw)
		}
		expect(t, fresh.req("editor", "POST", "/hsds/import?ambito=lodi", string(pretty)), 200, "import again (replaces)")
		expect(t, fresh.req("cremaEditor", "POST", "/hsds/import?ambito=crema", string(pretty)), 422, "lodi's entries into crema")

		// A malformed document: nothing imported, every problem located.
		bad := strings.Replace(string(pretty), `"status": "active"`, `"status": "aperto"`, 1)
		bad = strings.Replace(bad, `"latitude": 45.3143`, `"latitude": "north"`, 1)
		bad = strings.Replace(bad, `"opens_at": "09:00"`, `"opens_at": "9 am"`, 1)
		empty := newEnv(t, testdb.SQLite(t))
		r := expect(t, empty.req("editor", "POST", "/hsds/import?ambito=lodi", bad), 422, "types")
		probs := r.Body["error"].(map[string]any)["fields"].([]any)
		if len(probs) != 1 || !strings.HasSuffix(probs[0].(map[string]any)["field"].(string), "/latitude") {
			t.Fatalf("type problems: %s", r.Raw)
		}
		lines := strings.Split(bad, "\n")
		line := int(probs[0].(map[string]any)["line"].(float64))
		if !strings.Contains(lines[line-1], `"latitude": "north"`) {
			t.Errorf("line %d is %q", line, lines[line-1])
		}
		bad = strings.Replace(bad, `"latitude": "north"`, `"latitude": 45.3143`, 1)
		r = expect(t, empty.req("editor", "POST", "/hsds/import?ambito=lodi", bad), 422, "rules")
		probs = r.Body["error"].(map[string]any)["fields"].([]any)
		seen := map[string]bool{}
		for _, p := range probs {
			p := p.(map[string]any)
			field, line := p["field"].(string), int(p["line"].(float64))
			key := field[strings.LastIndexByte(field, '/')+1:]
			seen[key] = true
			if !strings.Contains(lines[line-1], `"`+key+`"`) {
				t.Errorf("%s: line %d is %q", field, line, lines[line-1])
			}
		}
		if !seen["status"] || !seen["opens_at"] || len(probs) != 2 {
			t.Errorf("rule problems: %s", r.Raw)
		}
		r = expect(t, empty.req("editor", "POST", "/hsds/import?ambito=lodi", "[\n  {\"id\": 1,\n"), 422, "syntax")
		if p := r.Body["error"].(map[string]any)["fields"].([]any)[0].(map[string]any); p["rule"] != "syntax" || p["line"] != 3.0 {
			t.Errorf("syntax: %v", p)
		}
		if n := expect(t, empty.req("", "GET", "/hsds/services", nil), 200, "nothing imported").Body["total_items"]; n != 0.0 {
			t.Errorf("a refused import wrote %v services", n)
		}
		expect(t, empty.req("editor", "POST", "/hsds/import?ambito=lodi", bad, "Content-Type", "text/csv"), 415, "not JSON")
	})
}

// TestOpenAt: opening hours are Italian wall-clock times across summer
// time (Italy moved its clocks on 29 March 2026).
func TestOpenAt(t *testing.T) {
	s := toolkit.DirSchedule{Freq: "WEEKLY", ByDay: "MO,FR", OpensAt: "09:00", ClosesAt: "12:30"}
	for _, c := range []struct {
		at   string
		open bool
	}{
		{"2026-03-27T08:30:00Z", true},  // Friday 9:30 CET
		{"2026-03-27T07:30:00Z", false}, // Friday 8:30 CET
		{"2026-03-30T07:30:00Z", true},  // Monday 9:30 CEST
		{"2026-03-30T10:30:00Z", false}, // Monday 12:30 CEST
		{"2026-03-31T08:30:00Z", false}, // Tuesday
	} {
		at, _ := time.Parse(time.RFC3339, c.at)
		if s.OpenAt(at) != c.open {
			t.Errorf("OpenAt(%s) = %v", c.at, !c.open)
		}
	}
}

// TestDirectoryComuni: once an ambito lists its comuni, a location's comune
// must be one of them (case aside), in the editors' writes and in an import,
// where the line of the city is named and nothing is imported; fields of
// HSDS the directory does not keep are named in the import's answer.
func TestDirectoryComuni(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		ids := lodiDirectory(t, e) // written while lodi lists no comuni: any city
		exp := expect(t, e.req("", "GET", "/hsds/export?ambito=lodi", nil), 200, "export")
		comuni := []string{"Lodi", "Codogno", "Sant'Angelo Lodigiano"}
		if _, err := e.p.UpdateAmbito(incroci.AsSystem(e.ctx), "lodi", incroci.AmbitoPatch{Comuni: &comuni}); err != nil {
			t.Fatal(err)
		}
		loc := func(city string) map[string]any {
			return map[string]any{"organization_id": ids["cpia"], "location_type": "physical", "name": "Sede",
				"address": map[string]any{"address_1": "Via Roma 1", "city": city, "state_province": "LO", "postal_code": "26900"}}
		}
		r := expect(t, e.req("editor", "POST", "/directory/locations", loc("Milano")), 422, "a comune of another ambito")
		f := r.Body["error"].(map[string]any)["fields"].([]any)
		if len(f) != 1 || f[0].(map[string]any)["field"] != "address.city" || !strings.Contains(string(r.Raw), "Codogno") {
			t.Errorf("comune refused with: %s", r.Raw)
		}
		r = expect(t, e.req("editor", "PUT", "/directory/locations/"+ids["cpia-lodi"], loc("Crema")), 422, "moved out of the ambito")
		if !strings.Contains(string(r.Raw), "non è un comune dell'ambito") {
			t.Errorf("Italian message: %s", r.Raw)
		}
		r = expect(t, e.req("editor", "PUT", "/directory/locations/"+ids["cpia-lodi"], loc("Crema"), "Accept-Language", "en"), 422, "in English")
		if !strings.Contains(string(r.Raw), "is not a comune of the ambito") {
			t.Errorf("English message: %s", r.Raw)
		}
		expect(t, e.req("editor", "POST", "/directory/locations", loc(" sant'angelo lodigiano")), 201, "case and spaces aside")

		// The import: the city's line, nothing imported.
		var doc []map[string]any
		if err := json.Unmarshal(exp.Raw, &doc); err != nil {
			t.Fatal(err)
		}
		doc[0]["funding"] = []any{map[string]any{"id": "x", "source": "FAMI"}}
		pretty, _ := json.MarshalIndent(doc, "", "  ")
		fresh := newEnv(t, testdb.SQLite(t))
		if _, err := fresh.p.UpdateAmbito(incroci.AsSystem(fresh.ctx), "lodi", incroci.AmbitoPatch{Comuni: &comuni}); err != nil {
			t.Fatal(err)
		}
		res := expect(t, fresh.req("editor", "POST", "/hsds/import?ambito=lodi", string(pretty)), 200, "import within the comuni").data()
		if ig, _ := res["ignored"].([]any); len(ig) != 1 || ig[0] != "/*/funding" {
			t.Errorf("ignored fields: %v", res["ignored"])
		}
		bad := strings.Replace(string(pretty), `"city": "Codogno"`, `"city": "Cremona"`, 1)
		empty := newEnv(t, testdb.SQLite(t))
		if _, err := empty.p.UpdateAmbito(incroci.AsSystem(empty.ctx), "lodi", incroci.AmbitoPatch{Comuni: &comuni}); err != nil {
			t.Fatal(err)
		}
		r = expect(t, empty.req("editor", "POST", "/hsds/import?ambito=lodi", bad), 422, "a comune outside the ambito")
		probs := r.Body["error"].(map[string]any)["fields"].([]any)
		lines := strings.Split(bad, "\n")
		if len(probs) != 1 || !strings.HasSuffix(probs[0].(map[string]any)["field"].(string), "/addresses/0/city") ||
			!strings.Contains(lines[int(probs[0].(map[string]any)["line"].(float64))-1], "Cremona") {
			t.Errorf("import problems: %s", r.Raw)
		}
		if n := expect(t, empty.req("", "GET", "/hsds/services", nil), 200, "nothing imported").Body["total_items"]; n != 0.0 {
			t.Errorf("a refused import wrote %v services", n)
		}
	})
}

// TestDirectoryFilters: the HSDS lists kept to a language spoken (by the
// service, or at the location for services at locations), to one ambito's
// entries, and to a taxonomy term with a comune; a bad language code is
// refused with the field named.
func TestDirectoryFilters(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		ids := lodiDirectory(t, e)
		org := expect(t, e.req("cremaEditor", "POST", "/directory/organizations", map[string]any{"ambito": "crema", "name": "Comune di Crema",
			"description": "Servizi sociali"}), 201, "crema's organization").data()
		loc := expect(t, e.req("cremaEditor", "POST", "/directory/locations", map[string]any{"organization_id": org["id"], "location_type": "physical",
			"name": "Sportello", "address": map[string]any{"address_1": "Piazza Duomo 25", "city": "Crema", "state_province": "CR", "postal_code": "26013"}}), 201, "crema's location").data()
		srv := expect(t, e.req("cremaEditor", "POST", "/directory/services", map[string]any{"organization_id": org["id"], "name": "Sportello stranieri",
			"status": "active", "topics": []string{"scuola"}, "languages": []map[string]any{{"code": "ar"}, {"code": "fr"}}}), 201, "crema's service").data()
		sal := expect(t, e.req("cremaEditor", "POST", "/directory/service_at_locations", map[string]any{"service_id": srv["id"], "location_id": loc["id"]}), 201, "crema's link").data()

		links := func(query string) []string {
			t.Helper()
			r := expect(t, e.req("", "GET", "/hsds/service_at_locations?"+query, nil), 200, query)
			var out []string
			for _, it := range r.Body["contents"].([]any) {
				raw, _ := json.Marshal(it)
				hsdsValid(t, "service_at_location_list", raw)
				out = append(out, it.(map[string]any)["id"].(string))
			}
			if r.Body["total_items"] != float64(len(out)) {
				t.Errorf("%s: total_items %v for %d links", query, r.Body["total_items"], len(out))
			}
			slices.Sort(out)
			return out
		}
		services := func(query string) []string {
			t.Helper()
			var out []string
			for _, it := range expect(t, e.req("", "GET", "/hsds/services?"+query, nil), 200, query).Body["contents"].([]any) {
				out = append(out, it.(map[string]any)["id"].(string))
			}
			slices.Sort(out)
			return out
		}
		sorted := func(v ...string) []string { return slices.Sorted(slices.Values(v)) }
		term := func(code string) string {
			for _, tm := range toolkit.HSDSTerms() {
				if tm.Code == code {
					return tm.ID
				}
			}
			t.Fatalf("no term %s", code)
			return ""
		}

		// Arabic: spoken at the Broletto (its location) and by Crema's service.
		if got, want := links("language=AR"), sorted(ids["segretariato@broletto"], sal["id"].(string)); !slices.Equal(got, want) {
			t.Errorf("links in Arabic: %v, want %v", got, want)
		}
		if got, want := services("language=ar"), []string{srv["id"].(string)}; !slices.Equal(got, want) {
			t.Errorf("services in Arabic: %v, want %v", got, want)
		}
		if got, want := links("language=en"), []string{ids["segretariato@broletto"]}; !slices.Equal(got, want) {
			t.Errorf("links in English: %v, want %v", got, want)
		}
		if got := links("language=ti"); len(got) != 0 {
			t.Errorf("links in Tigrinya: %v", got)
		}
		// One ambito's entries.
		if got := links("ambito=crema"); !slices.Equal(got, []string{sal["id"].(string)}) {
			t.Errorf("crema's links: %v", got)
		}
		if got := links("ambito=lodi"); len(got) != 3 || slices.Contains(got, sal["id"].(string)) {
			t.Errorf("lodi's links: %v", got)
		}
		if got := services("ambito=lodi&language=ar"); len(got) != 0 {
			t.Errorf("lodi's services in Arabic: %v", got)
		}
		orgs := expect(t, e.req("", "GET", "/hsds/organizations?ambito=crema", nil), 200, "crema's organizations").Body
		if orgs["total_items"] != 1.0 {
			t.Errorf("crema's organizations: %v", orgs)
		}
		// A topic, with and without a comune; with a language.
		scuola := term("scuola")
		if got := links("taxonomy_term_id=" + scuola); len(got) != 3 {
			t.Errorf("links on schools: %v", got)
		}
		if got := links("taxonomy_term_id=" + scuola + "&comune=codogno&ambito=lodi"); len(got) != 1 {
			t.Errorf("links on schools in Codogno: %v", got)
		}
		if got := links("taxonomy_term_id=" + scuola + "&language=fr"); !slices.Equal(got, []string{sal["id"].(string)}) {
			t.Errorf("links on schools in French: %v", got)
		}
		// A bad code: 422 naming the field, in Italian and English.
		for _, lang := range []string{"it", "en"} {
			r := expect(t, e.req("", "GET", "/hsds/service_at_locations?language=arabic", nil, "Accept-Language", lang), 422, "a bad language")
			fe := r.Body["error"].(map[string]any)["fields"].([]any)[0].(map[string]any)
			want := map[string]string{"it": "codice di lingua", "en": "language code"}[lang]
			if fe["field"] != "language" || !strings.Contains(fe["message"].(string), want) {
				t.Errorf("a bad language, %s: %v", lang, fe)
			}
		}
	})
}
