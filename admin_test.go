package incroci_test

import (
	"strings"
	"testing"
)

func TestAdminManagesAmbiti(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		admin := e.person("admin@example.org", ":admin")
		r := e.as(admin, "POST", "/ambiti", map[string]any{
			"slug": "treviglio", "name": "Ambito di Treviglio", "lead_body": "A.S.C. Risorsa Sociale Gera d'Adda",
			"comuni": []string{"Treviglio", "Treviglio"}, "origins": []string{"https://www.treviglio.example.it"}, "email_domains": []string{"comune.treviglio.bg.it"},
		})
		expect(t, r, 201, "create")
		if len(r.data()["comuni"].([]any)) != 1 {
			t.Fatalf("duplicates not removed: %s", r.Raw)
		}
		expect(t, e.as(admin, "POST", "/ambiti", map[string]any{"slug": "treviglio", "name": "Again"}), 409, "duplicate slug")
		r = e.as(admin, "POST", "/ambiti", map[string]any{"slug": "Bad Slug", "name": "X", "origins": []string{"https://ok.example.it/path"}, "email_domains": []string{"not a domain"}})
		expect(t, r, 422, "invalid ambito")
		got := map[string]string{}
		for _, f := range r.fields() {
			got[f["field"].(string)] = f["rule"].(string)
		}
		if got["slug"] != "slug" || got["origins[0]"] != "origin" || got["email_domains[0]"] != "domain" {
			t.Fatalf("fields %v", r.fields())
		}
		r = e.as(admin, "PATCH", "/ambiti/treviglio", map[string]any{"comuni": []string{"Treviglio", "Caravaggio"}})
		expect(t, r, 200, "patch")
		if r.data()["name"] != "Ambito di Treviglio" || len(r.data()["comuni"].([]any)) != 2 {
			t.Fatalf("patch %s", r.Raw)
		}
		expect(t, e.as(admin, "PATCH", "/ambiti/nowhere", map[string]any{"name": "X y"}), 404, "patch unknown")

		// The public view hides origins and domains; admins see them.
		pub := e.req("GET", "/ambiti/treviglio", nil)
		expect(t, pub, 200, "public get")
		if strings.Contains(string(pub.Raw), "origins") || strings.Contains(string(pub.Raw), "email_domains") {
			t.Fatalf("public view shows configuration: %s", pub.Raw)
		}
		if !strings.Contains(string(e.as(admin, "GET", "/ambiti/treviglio", nil).Raw), "comune.treviglio.bg.it") {
			t.Fatal("admin view lacks domains")
		}
		list := e.req("GET", "/ambiti", nil)
		if list.Body["page"].(map[string]any)["total"].(float64) != 3 || strings.Contains(string(list.Raw), "origins") {
			t.Fatalf("list %s", list.Raw)
		}
		expect(t, e.req("GET", "/ambiti/nowhere", nil), 404, "get unknown")
	})
}
