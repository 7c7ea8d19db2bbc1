package incroci_test

import (
	"github.com/incrocicomuni/incroci"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestEmailActivationByCode(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		addr := "maria.rossi@comune.lodi.it"
		r := e.req("POST", "/auth/email", map[string]any{"email": "Maria.Rossi@Comune.Lodi.it", "ambito": "lodi", "return_url": lodiOrigin + "/servizi?x=1"}, "Origin", lodiOrigin)
		expect(t, r, 202, "request code")
		if r.data()["status"] != "sent" {
			t.Fatalf("unexpected body %s", r.Raw)
		}
		m := e.waitMail(addr, 0)
		code := codePattern.FindStringSubmatch(m.Text)
		link := linkPattern.FindStringSubmatch(m.Text)
		if code == nil || link == nil || !strings.Contains(m.Text, lodiOrigin+"/servizi?") {
			t.Fatalf("mail lacks code or link back to the page:\n%s", m.Text)
		}
		r = e.req("POST", "/auth/email/verify", map[string]any{"email": addr, "code": code[1]})
		expect(t, r, 200, "verify")
		token := r.data()["token"].(string)
		person := r.data()["person"].(map[string]any)
		if person["email"] != addr {
			t.Fatalf("person %v", person)
		}
		roles := person["roles"].([]any)
		if len(roles) != 1 || roles[0].(map[string]any)["role"] != "operator" || roles[0].(map[string]any)["ambito"] != "lodi" {
			t.Fatalf("a new address on the institutional domain joins as operator of lodi, got %v", roles)
		}
		expect(t, e.as(token, "GET", "/me", nil), 200, "me")
		// The code is used up.
		r = e.req("POST", "/auth/email/verify", map[string]any{"email": addr, "code": code[1]})
		expect(t, r, 401, "reuse code")
		if r.errCode() != "invalid_code" {
			t.Fatalf("code %q", r.errCode())
		}
		// So is the link of the same activation.
		expect(t, e.req("POST", "/auth/email/verify", map[string]any{"token": link[1]}), 401, "link after code")
	})
}

func TestEmailActivationByLink(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		addr := "op@comune.crema.cr.it"
		expect(t, e.req("POST", "/auth/email", map[string]any{"email": addr}), 202, "request")
		m := e.waitMail(addr, 0)
		link := linkPattern.FindStringSubmatch(m.Text)
		if link == nil || !strings.Contains(m.Text, "https://hub.example.it/?incroci_activation=") {
			t.Fatalf("without return_url the link goes to the hub:\n%s", m.Text)
		}
		r := e.req("POST", "/auth/email/verify", map[string]any{"token": link[1]})
		expect(t, r, 200, "verify link")
		roles := r.data()["person"].(map[string]any)["roles"].([]any)
		if len(roles) != 1 || roles[0].(map[string]any)["ambito"] != "crema" {
			t.Fatalf("roles %v", roles)
		}
	})
}

func TestActivationDoesNotRevealAddresses(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		e.person("known@example.org", "lodi:operator")
		unknown := e.req("POST", "/auth/email", map[string]any{"email": "nobody@example.org"})
		known := e.req("POST", "/auth/email", map[string]any{"email": "known@example.org"})
		expect(t, unknown, 202, "unknown")
		expect(t, known, 202, "known")
		if string(unknown.Raw) != string(known.Raw) {
			t.Fatalf("answers differ: %s vs %s", unknown.Raw, known.Raw)
		}
		// The known address gets its mail (invitation first, then the code);
		// the unknown one, outside every institutional domain, gets none
		// (the outbox sends in order, so it would have come first).
		e.waitMail("known@example.org", 1)
		if n := e.mailsTo("nobody@example.org"); n != 0 {
			t.Fatalf("unknown address got %d mails", n)
		}
	})
}

func TestActivationRateLimits(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		body := map[string]any{"email": "a@comune.lodi.it"}
		for i := 0; i < 3; i++ {
			expect(t, e.req("POST", "/auth/email", body, "X-Forwarded-For", "192.0.2."+string(rune('1'+i))), 202, "request within the address limit")
		}
		r := e.req("POST", "/auth/email", body, "X-Forwarded-For", "192.0.2.9")
		expect(t, r, 429, "fourth request for one address")
		if r.errCode() != "rate_limited" || r.Header.Get("Retry-After") == "" {
			t.Fatalf("429 without code or Retry-After: %v %s", r.Header, r.Raw)
		}
		// Per client: ten addresses from one client, the eleventh refused.
		for i := 0; i < 10; i++ {
			expect(t, e.req("POST", "/auth/email", map[string]any{"email": "x" + string(rune('a'+i)) + "@example.org"}, "X-Forwarded-For", "198.51.100.7"), 202, "client within limit")
		}
		expect(t, e.req("POST", "/auth/email", map[string]any{"email": "z@example.org"}, "X-Forwarded-For", "198.51.100.7"), 429, "client over limit")
		// After the window, the address may ask again.
		e.clock.Add(16 * time.Minute)
		expect(t, e.req("POST", "/auth/email", body, "X-Forwarded-For", "192.0.2.10"), 202, "after the window")
	})
}

func TestWrongCodesBurnTheCode(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		addr := "b@comune.lodi.it"
		expect(t, e.req("POST", "/auth/email", map[string]any{"email": addr}), 202, "request")
		code := codePattern.FindStringSubmatch(e.waitMail(addr, 0).Text)[1]
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for i := 0; i < 5; i++ {
			r := e.req("POST", "/auth/email/verify", map[string]any{"email": addr, "code": wrong})
			expect(t, r, 401, "wrong code")
		}
		r := e.req("POST", "/auth/email/verify", map[string]any{"email": addr, "code": code})
		expect(t, r, 401, "right code after five wrong ones")
		if !strings.Contains(r.errMessage(), "Codice non valido") {
			t.Fatalf("message %q", r.errMessage())
		}
	})
}

func TestCodesExpire(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		addr := "c@comune.lodi.it"
		expect(t, e.req("POST", "/auth/email", map[string]any{"email": addr}), 202, "request")
		code := codePattern.FindStringSubmatch(e.waitMail(addr, 0).Text)[1]
		e.clock.Add(16 * time.Minute)
		expect(t, e.req("POST", "/auth/email/verify", map[string]any{"email": addr, "code": code}), 401, "expired code")
	})
}

func TestOnlyTheNewestCodeWorks(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		addr := "d@comune.lodi.it"
		expect(t, e.req("POST", "/auth/email", map[string]any{"email": addr}), 202, "first")
		first := codePattern.FindStringSubmatch(e.waitMail(addr, 0).Text)[1]
		expect(t, e.req("POST", "/auth/email", map[string]any{"email": addr}), 202, "second")
		second := codePattern.FindStringSubmatch(e.waitMail(addr, 1).Text)[1]
		if first != second {
			expect(t, e.req("POST", "/auth/email/verify", map[string]any{"email": addr, "code": first}), 401, "older code")
		}
		expect(t, e.req("POST", "/auth/email/verify", map[string]any{"email": addr, "code": second}), 200, "newest code")
	})
}

func TestSessionsSignOut(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		a := e.signIn("s@comune.lodi.it")
		b := e.signIn("s@comune.lodi.it")
		expect(t, e.as(a, "POST", "/auth/signout", nil), 204, "sign out a")
		expect(t, e.as(a, "GET", "/me", nil), 401, "a after sign out")
		expect(t, e.as(b, "GET", "/me", nil), 200, "b still signed in")
		c := e.signIn("s@comune.lodi.it")
		expect(t, e.as(c, "POST", "/auth/signout-all", nil), 204, "sign out everywhere")
		expect(t, e.as(b, "GET", "/me", nil), 401, "b after sign out everywhere")
		expect(t, e.as(c, "GET", "/me", nil), 401, "c after sign out everywhere")
		// Sessions expire.
		e.clock.Add(16 * time.Minute) // past the per-address limit of codes
		d := e.signIn("s@comune.lodi.it")
		e.clock.Add(12*time.Hour + time.Second)
		expect(t, e.as(d, "GET", "/me", nil), 401, "expired session")
		// Forged tokens.
		expect(t, e.as("incs_forged", "GET", "/me", nil), 401, "forged token")
		expect(t, e.req("GET", "/me", nil, "Authorization", "Basic Zm9vOmJhcg=="), 401, "not a bearer")
		expect(t, e.req("GET", "/me", nil), 401, "no token")
	})
}

func TestInvitationCodeWorksBesideASignInCode(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		coord := e.person("coord@comune.lodi.it", "lodi:coordinator")
		expect(t, e.as(coord, "POST", "/ambiti/lodi/invitations", map[string]any{"email": "new@example.org", "roles": []string{"mediator"}}), 201, "invite")
		invite := codeOf(t, e.waitMail("new@example.org", 0).Text)
		// The widget asks for a sign-in code first, then the invited person
		// types the code from the invitation.
		expect(t, e.req("POST", "/auth/email", map[string]any{"email": "new@example.org"}), 202, "request")
		e.waitMail("new@example.org", 1)
		r := e.req("POST", "/auth/email/verify", map[string]any{"email": "new@example.org", "code": invite})
		expect(t, r, 200, "invitation code")
	})
}

func TestReturnURLMustBeOnTheAmbitosSites(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		coord := e.person("coord@comune.lodi.it", "lodi:coordinator")
		r := e.as(coord, "POST", "/ambiti/lodi/invitations", map[string]any{"email": "new@example.org", "roles": []string{"operator"}, "return_url": cremaOrigin + "/x"})
		expect(t, r, 422, "lodi invitation leading to crema's site")
		r = e.req("POST", "/auth/email", map[string]any{"email": "a@comune.lodi.it", "ambito": "lodi", "return_url": cremaOrigin + "/x"})
		expect(t, r, 422, "lodi sign-in leading to crema's site")
		expect(t, e.req("POST", "/auth/email", map[string]any{"email": "a@comune.lodi.it", "return_url": cremaOrigin + "/x"}), 202, "no ambito: any allowed site")
	})
}

func codeOf(t *testing.T, text string) string {
	t.Helper()
	m := regexp.MustCompile(`codice:? (\d{6})`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no code in:\n%s", text)
	}
	return m[1]
}

func TestRateLimitHoldsUnderConcurrency(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		var wg sync.WaitGroup
		statuses := make([]int, 12)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = e.req("POST", "/auth/email", map[string]any{"email": "race@comune.lodi.it"}, "X-Forwarded-For", "192.0.2."+strconv.Itoa(100+i)).Status
			}()
		}
		wg.Wait()
		ok := 0
		for _, s := range statuses {
			if s == 202 {
				ok++
			} else if s != 429 {
				t.Fatalf("statuses %v", statuses)
			}
		}
		if ok != 3 {
			t.Fatalf("%d requests for one address went through at once, want 3: %v", ok, statuses)
		}
	})
}

func TestConcurrentGuessesAreCounted(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		addr := "guess@comune.lodi.it"
		expect(t, e.req("POST", "/auth/email", map[string]any{"email": addr}), 202, "request")
		code := codeOf(t, e.waitMail(addr, 0).Text)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e.req("POST", "/auth/email/verify", map[string]any{"email": addr, "code": wrong}, "X-Forwarded-For", "198.51.100."+strconv.Itoa(i))
			}()
		}
		wg.Wait()
		var attempts []int
		e.db.Table("incroci_activations").Where("email = ?", addr).Pluck("attempts", &attempts)
		if len(attempts) != 1 || attempts[0] != 5 {
			t.Fatalf("attempts %v: at most 5 guesses may be tried on a code", attempts)
		}
		expect(t, e.req("POST", "/auth/email/verify", map[string]any{"email": addr, "code": code}), 401, "right code after the guesses")
	})
}

func TestSignInAnswersTakeEvenTime(t *testing.T) {
	const pad = 120 * time.Millisecond
	bothDBs(t, func(t *testing.T, e *env) {
		e.person("known@example.org", "lodi:operator")
		for _, addr := range []string{"known@example.org", "unknown@example.org"} {
			start := time.Now()
			expect(t, e.req("POST", "/auth/email", map[string]any{"email": addr}), 202, addr)
			if took := time.Since(start); took < pad {
				t.Fatalf("request for %s answered in %s, before the padding of %s", addr, took, pad)
			}
			start = time.Now()
			expect(t, e.req("POST", "/auth/email/verify", map[string]any{"email": addr, "code": "999999"}), 401, addr)
			if took := time.Since(start); took < pad {
				t.Fatalf("verify for %s answered in %s, before the padding of %s", addr, took, pad)
			}
		}
	}, func(c *incroci.Config) { c.SignInAnswerTime = pad })
}
