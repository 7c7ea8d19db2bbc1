package incroci_test

import (
	"sync"
	"testing"

	"github.com/incrocicomuni/incroci"
)

func TestIdempotentRetries(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		addr := "i@comune.lodi.it"
		expect(t, e.req("POST", "/auth/email", map[string]any{"email": addr}), 202, "request")
		code := codeOf(t, e.waitMail(addr, 0).Text)
		body := map[string]any{"email": addr, "code": code}
		first := e.req("POST", "/auth/email/verify", body, "Idempotency-Key", "k-verify-1")
		expect(t, first, 200, "verify")
		// The answer was lost on the way; the widget retries with the same key.
		again := e.req("POST", "/auth/email/verify", body, "Idempotency-Key", "k-verify-1")
		expect(t, again, 200, "retried verify")
		if again.data()["token"] != first.data()["token"] || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("a retry must replay the first answer: %s / %s", first.Raw, again.Raw)
		}
		var sessions int64
		e.db.Model(&incroci.Session{}).Count(&sessions)
		if sessions != 1 {
			t.Fatalf("%d sessions for one sign-in", sessions)
		}
		// Without the key the used code is refused, as it should be.
		expect(t, e.req("POST", "/auth/email/verify", body), 401, "verify again without key")
		// The same key for another request is refused.
		r := e.req("POST", "/auth/email/verify", map[string]any{"email": addr, "code": "123456"}, "Idempotency-Key", "k-verify-1")
		expect(t, r, 422, "key reused with another body")
		if f := r.fields(); len(f) != 1 || f[0]["field"] != "Idempotency-Key" || f[0]["rule"] != "reused" {
			t.Fatalf("fields %v", f)
		}
		expect(t, e.req("POST", "/auth/email", map[string]any{"email": addr}, "Idempotency-Key", "bad key with spaces"), 422, "bad key")

		// An invitation retried concurrently is made, and mailed, once.
		coord := e.person("coord@comune.lodi.it", "lodi:coordinator")
		e.waitMail("coord@comune.lodi.it", 0) // the coordinator's own invitation
		before := len(e.smtp.Messages())
		invite := map[string]any{"email": "new@example.org", "roles": []string{"operator"}}
		var wg sync.WaitGroup
		statuses := make([]int, 4)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = e.as(coord, "POST", "/ambiti/lodi/invitations", invite, "Idempotency-Key", "k-invite").Status
			}()
		}
		wg.Wait()
		created := 0
		for _, s := range statuses {
			switch s {
			case 201:
				created++
			case 409: // the first was still running
			default:
				t.Fatalf("statuses %v", statuses)
			}
		}
		if created == 0 {
			t.Fatalf("statuses %v", statuses)
		}
		expect(t, e.as(coord, "POST", "/ambiti/lodi/invitations", invite, "Idempotency-Key", "k-invite"), 201, "late retry")
		expect(t, e.req("POST", "/auth/email", map[string]any{"email": "sync@comune.lodi.it"}), 202, "sync")
		e.waitMail("sync@comune.lodi.it", 0)
		if n := len(e.smtp.Messages()) - before; n != 2 { // one invitation, one sync
			t.Fatalf("%d mails: an idempotent invitation was sent more than once", n-1)
		}
	})
}
