package incroci_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci"
)

// TestAuthenticate checks the principal that one token gives through the Go
// API: the person, their roles in order, admin apart, nothing for someone
// with no role; revoked and expired sessions refused; last_seen_at touched
// at most once a minute.
func TestAuthenticate(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		tok := e.person("multi@comune.lodi.it", "lodi:operator", "crema:coordinator", "lodi:coordinator", ":admin")
		pr, err := e.p.Authenticate(e.ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		want := []incroci.Grant{{Ambito: "crema", Role: incroci.RoleCoordinator}, {Ambito: "lodi", Role: incroci.RoleCoordinator}, {Ambito: "lodi", Role: incroci.RoleOperator}}
		if pr.Email != "multi@comune.lodi.it" || pr.PersonID == 0 || pr.SessionID == 0 || !pr.Admin || !slices.Equal(pr.Grants, want) {
			t.Fatalf("principal %+v, want grants %v and admin", pr, want)
		}

		bare := e.person("nobody@example.org")
		pr, err = e.p.Authenticate(e.ctx, bare)
		if err != nil {
			t.Fatal(err)
		}
		if pr.Email != "nobody@example.org" || pr.Admin || len(pr.Grants) != 0 {
			t.Fatalf("a person with no role: %+v", pr)
		}

		seen := func() time.Time {
			t.Helper()
			var s incroci.Session
			if err := e.db.Where("id = ?", pr.SessionID).Take(&s).Error; err != nil {
				t.Fatal(err)
			}
			return s.LastSeenAt.UTC()
		}
		start := seen()
		e.clock.Add(50 * time.Second)
		if _, err := e.p.Authenticate(e.ctx, bare); err != nil {
			t.Fatal(err)
		}
		if got := seen(); !got.Equal(start) {
			t.Fatalf("last_seen_at moved within a minute: %v → %v", start, got)
		}
		e.clock.Add(20 * time.Second)
		if _, err := e.p.Authenticate(e.ctx, bare); err != nil {
			t.Fatal(err)
		}
		if got, now := seen(), e.clock.Now().UTC(); !got.Equal(now.Truncate(time.Microsecond)) {
			t.Fatalf("last_seen_at %v after a minute, want %v", got, now)
		}

		if err := e.p.SignOut(incroci.WithPrincipal(e.ctx, pr)); err != nil {
			t.Fatal(err)
		}
		if _, err := e.p.Authenticate(e.ctx, bare); !errors.Is(err, incroci.ErrUnauthorized) {
			t.Fatalf("revoked session: %v", err)
		}
		e.clock.Add(13 * time.Hour)
		if _, err := e.p.Authenticate(e.ctx, tok); !errors.Is(err, incroci.ErrUnauthorized) {
			t.Fatalf("expired session: %v", err)
		}
		if _, err := e.p.Authenticate(e.ctx, "incs_unknown"); !errors.Is(err, incroci.ErrUnauthorized) {
			t.Fatalf("unknown token: %v", err)
		}
	})
}
