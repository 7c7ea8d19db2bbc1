package incroci_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci"
)

func TestPeopleAndRoles(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		coord := e.person("coord@comune.lodi.it", "lodi:coordinator")
		e.person("op1@comune.lodi.it", "lodi:operator")
		e.person("crema.op@example.org", "crema:operator")

		// Invite: a person with roles, and an e-mail with a code and link.
		r := e.as(coord, "POST", "/ambiti/lodi/invitations", map[string]any{"email": "Mediatrice@Example.org", "name": "Amina Diallo", "roles": []string{"mediator"}, "return_url": lodiOrigin + "/operatori"})
		expect(t, r, 201, "invite")
		id := int64(r.data()["id"].(float64))
		m := e.waitMail("mediatrice@example.org", 0)
		link := linkPattern.FindStringSubmatch(m.Text)
		if link == nil || !strings.Contains(m.Text, "Ambito Distrettuale di Lodi") {
			t.Fatalf("invitation mail:\n%s", m.Text)
		}
		v := e.req("POST", "/auth/email/verify", map[string]any{"token": link[1]})
		expect(t, v, 200, "accept invitation")
		if v.data()["person"].(map[string]any)["name"] != "Amina Diallo" {
			t.Fatalf("invited person %s", v.Raw)
		}

		// List, search, filter, paginate.
		r = e.as(coord, "GET", "/ambiti/lodi/people?per_page=2", nil)
		expect(t, r, 200, "list")
		if r.Body["page"].(map[string]any)["total"].(float64) != 3 || len(r.Body["data"].([]any)) != 2 {
			t.Fatalf("list %s", r.Raw)
		}
		r = e.as(coord, "GET", "/ambiti/lodi/people?per_page=2&page=2", nil)
		if len(r.Body["data"].([]any)) != 1 {
			t.Fatalf("page 2 %s", r.Raw)
		}
		r = e.as(coord, "GET", "/ambiti/lodi/people?q=diallo", nil)
		if r.Body["page"].(map[string]any)["total"].(float64) != 1 {
			t.Fatalf("search %s", r.Raw)
		}
		r = e.as(coord, "GET", "/ambiti/lodi/people?q=%25", nil)
		if r.Body["page"].(map[string]any)["total"].(float64) != 0 {
			t.Fatalf("a %% in the search is literal: %s", r.Raw)
		}
		r = e.as(coord, "GET", "/ambiti/lodi/people?role=operator", nil)
		if r.Body["page"].(map[string]any)["total"].(float64) != 1 {
			t.Fatalf("role filter %s", r.Raw)
		}
		if strings.Contains(string(e.as(coord, "GET", "/ambiti/lodi/people", nil).Raw), "crema.op") {
			t.Fatal("lodi's list shows a person of crema")
		}

		// Grant and revoke.
		path := fmt.Sprintf("/ambiti/lodi/people/%d/roles/", id)
		r = e.as(coord, "PUT", path+"trainer", nil)
		expect(t, r, 200, "grant")
		if fmt.Sprint(r.data()["roles"]) != "[mediator trainer]" {
			t.Fatalf("roles %v", r.data()["roles"])
		}
		expect(t, e.as(coord, "PUT", path+"trainer", nil), 200, "grant twice changes nothing")
		r = e.as(coord, "DELETE", path+"mediator", nil)
		expect(t, r, 200, "revoke")
		if fmt.Sprint(r.data()["roles"]) != "[trainer]" {
			t.Fatalf("roles %v", r.data()["roles"])
		}
		expect(t, e.as(coord, "PUT", path+"admin", nil), 422, "admin is not granted over HTTP")
		expect(t, e.as(coord, "PUT", path+"king", nil), 422, "unknown role")

		// Audit trail of the changes, paged.
		r = e.as(coord, "GET", "/ambiti/lodi/audit?per_page=2&page=2", nil)
		expect(t, r, 200, "audit page 2")
		if len(r.Body["data"].([]any)) != 2 || r.Body["page"].(map[string]any)["total"].(float64) < 6 {
			t.Fatalf("audit paging %s", r.Raw)
		}
		expect(t, e.as(coord, "GET", "/ambiti/nowhere/audit", nil), 404, "audit of an unknown ambito")
		r = e.as(coord, "GET", "/ambiti/lodi/people/events", nil, "Last-Event-ID", "not-a-number")
		expect(t, r, 400, "bad Last-Event-ID")
		if r.errCode() != "malformed" {
			t.Fatalf("code %q", r.errCode())
		}
		r = e.as(coord, "GET", "/ambiti/lodi/audit", nil)
		expect(t, r, 200, "audit")
		for _, action := range []string{"person.invite", "role.grant", "role.revoke"} {
			if !strings.Contains(string(r.Raw), action) {
				t.Fatalf("audit lacks %s: %s", action, r.Raw)
			}
		}
	})
}

// TestPeopleIsolation sends every people route as every other role and
// ambito, and expects 401, 403 or 404 and nothing changed.
func TestPeopleIsolation(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		e.person("coord@comune.lodi.it", "lodi:coordinator")
		target := e.person("target@comune.lodi.it", "lodi:operator")
		_ = target
		var targetID int64
		people, _, err := e.p.ListPeople(incroci.AsSystem(e.ctx), "lodi", incroci.PeopleQuery{Q: "target"})
		if err != nil || len(people) != 1 {
			t.Fatal(err, people)
		}
		targetID = people[0].ID
		cremaCoord := e.person("coord@comune.crema.cr.it", "crema:coordinator")
		tokens := map[string]string{"anonymous": ""}
		for _, role := range incroci.AmbitoRoles {
			if role != incroci.RoleCoordinator {
				tokens[string(role)+" of lodi"] = e.person(string(role)+"@comune.lodi.it", "lodi:"+string(role))
			}
		}
		tokens["coordinator of crema"] = cremaCoord
		routes := []struct{ method, path string }{
			{"GET", "/ambiti/lodi/people"},
			{"GET", "/ambiti/lodi/people/events"},
			{"POST", "/ambiti/lodi/invitations"},
			{"PUT", fmt.Sprintf("/ambiti/lodi/people/%d/roles/editor", targetID)},
			{"DELETE", fmt.Sprintf("/ambiti/lodi/people/%d/roles/operator", targetID)},
			{"GET", "/ambiti/lodi/audit"},
			{"POST", "/ambiti"},
			{"PATCH", "/ambiti/lodi"},
			{"GET", "/ambiti/lodi/secrets"},
			{"POST", "/ambiti/lodi/secrets"},
			{"DELETE", "/ambiti/lodi/secrets/abc"},
		}
		bodies := map[string]any{
			"/ambiti/lodi/invitations": map[string]any{"email": "new@example.org", "roles": []string{"operator"}},
			"/ambiti":                  map[string]any{"slug": "x", "name": "Ambito X"},
			"/ambiti/lodi":             map[string]any{"name": "Hijacked"},
		}
		mails := len(tokens) + 1 // one invitation each (the anonymous caller has none, lodi's coordinator and target have)
		e.waitCount(mails)
		for who, tok := range tokens {
			for _, rt := range routes {
				var r resp
				if tok == "" {
					r = e.req(rt.method, rt.path, bodies[rt.path])
				} else {
					r = e.as(tok, rt.method, rt.path, bodies[rt.path])
				}
				if r.Status != 401 && r.Status != 403 && r.Status != 404 {
					t.Fatalf("%s %s as %s: status %d %s", rt.method, rt.path, who, r.Status, r.Raw)
				}
			}
		}
		// Also a coordinator of crema naming a lodi person in crema's routes.
		expect(t, e.as(cremaCoord, "PUT", fmt.Sprintf("/ambiti/crema/people/%d/roles/operator", targetID), nil), 404, "pull a lodi person into crema")
		// The outbox sends in order: once a last mail arrives, any mail a
		// refused request had queued would have arrived before it.
		expect(t, e.req("POST", "/auth/email", map[string]any{"email": "sync@comune.lodi.it"}), 202, "sync mail")
		e.waitMail("sync@comune.lodi.it", 0)
		if len(e.smtp.Messages()) != mails+1 {
			t.Fatal("refused requests sent mail")
		}
		people, _, _ = e.p.ListPeople(incroci.AsSystem(e.ctx), "lodi", incroci.PeopleQuery{Q: "target"})
		if fmt.Sprint(people[0].Roles) != "[operator]" {
			t.Fatalf("target's roles changed: %v", people[0].Roles)
		}
		a, _ := e.p.GetAmbito(e.ctx, "lodi")
		if a.Name != "Ambito Distrettuale di Lodi" {
			t.Fatal("ambito changed")
		}
	})
}

func TestProfile(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		tok := e.person("op@comune.lodi.it", "lodi:operator")
		r := e.as(tok, "PATCH", "/me", map[string]any{"name": " Giulia Bianchi ", "languages": []string{"it", "AR", "fr", "ar"}, "service": "Tutela minori"})
		expect(t, r, 200, "update profile")
		if r.data()["name"] != "Giulia Bianchi" || fmt.Sprint(r.data()["languages"]) != "[it ar fr]" || r.data()["service"] != "Tutela minori" {
			t.Fatalf("profile %s", r.Raw)
		}
		r = e.as(tok, "PATCH", "/me", map[string]any{"service": "Segretariato sociale"})
		if r.data()["name"] != "Giulia Bianchi" || r.data()["service"] != "Segretariato sociale" {
			t.Fatalf("partial update %s", r.Raw)
		}
		// Script in a name is stored as text, returned as JSON-escaped text.
		r = e.as(tok, "PATCH", "/me", map[string]any{"name": `<img src=x onerror=alert(1)>`})
		if r.data()["name"] != `<img src=x onerror=alert(1)>` || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("name %s", r.Raw)
		}
	})
}

func TestExportMe(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		tok := e.signIn("op@comune.lodi.it")
		expect(t, e.as(tok, "PATCH", "/me", map[string]any{"name": "Giulia Bianchi"}), 200, "profile")
		r := e.as(tok, "GET", "/me/export", nil)
		expect(t, r, 200, "export")
		d := r.data()
		if m, ok := d["modules"].(map[string]any); !ok || len(m) != 0 {
			t.Errorf("modules without modules mounted: %v", d["modules"])
		}
		if d["person"].(map[string]any)["name"] != "Giulia Bianchi" || len(d["sessions"].([]any)) != 1 {
			t.Fatalf("export %s", r.Raw)
		}
		if strings.Contains(string(r.Raw), tok) || strings.Contains(string(r.Raw), "token_hash") {
			t.Fatal("an export must never hold session tokens")
		}
		actions := fmt.Sprint(d["activity"])
		for _, a := range []string{"person.profile", "session.start"} {
			if !strings.Contains(actions, a) {
				t.Fatalf("activity lacks %s: %s", a, actions)
			}
		}
		if !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("headers %v", r.Header)
		}
		expect(t, e.req("GET", "/me/export", nil), 401, "anonymous export")
	})
}

func TestPruneKeepsWhatIsLive(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		old := e.signIn("old@comune.lodi.it")
		e.clock.Add(37 * time.Hour) // the first session expired over a day ago
		live := e.signIn("new@comune.lodi.it")
		if err := e.p.Prune(e.ctx); err != nil {
			t.Fatal(err)
		}
		var n int64
		e.db.Model(&incroci.Session{}).Count(&n)
		if n != 1 {
			t.Fatalf("%d sessions left, want the live one only", n)
		}
		expect(t, e.as(live, "GET", "/me", nil), 200, "live session after prune")
		expect(t, e.as(old, "GET", "/me", nil), 401, "pruned session")
		// Audit entries are kept unless a retention is set.
		var audit int64
		e.db.Model(&incroci.AuditEntry{}).Count(&audit)
		if audit == 0 {
			t.Fatal("audit entries pruned without a retention")
		}
	})
	bothDBs(t, func(t *testing.T, e *env) {
		e.signIn("a@comune.lodi.it")
		e.clock.Add(400 * 24 * time.Hour)
		if err := e.p.Prune(e.ctx); err != nil {
			t.Fatal(err)
		}
		var audit int64
		e.db.Model(&incroci.AuditEntry{}).Count(&audit)
		if audit != 0 {
			t.Fatalf("%d audit entries older than the retention survived", audit)
		}
	}, func(c *incroci.Config) { c.AuditRetention = 365 * 24 * time.Hour })
}
