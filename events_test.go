package incroci_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/sse"
	"github.com/incrocicomuni/incroci/internal/testdb"
)

// TestEventsAcrossInstances runs two hub instances on one PostgreSQL: an
// event published through the first reaches a subscriber of the second,
// directly on the bus and as Server-Sent Events over HTTP, with replay.
func TestEventsAcrossInstances(t *testing.T) {
	gin.SetMode(gin.TestMode)
	dsn := testdb.PostgresURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var hubs [2]*httptest.Server
	var ps [2]*incroci.Platform
	for i := range ps {
		db, err := incroci.OpenDB(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		p, err := incroci.New(ctx, incroci.Config{DB: db, Secret: bytes.Repeat([]byte("k"), 32), Logger: quietLogger()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			p.Close(context.Background())
			if s, err := db.DB(); err == nil {
				s.Close()
			}
		})
		r := gin.New()
		p.Mount(r.Group("/incroci"))
		hubs[i] = httptest.NewServer(r)
		t.Cleanup(hubs[i].Close)
		ps[i] = p
	}

	// On the bus.
	sub, err := ps[1].Events().Subscribe(ctx, "test:topic")
	if err != nil {
		t.Fatal(err)
	}
	sent, err := ps[0].Events().Publish(ctx, "test:topic", "test.ping", map[string]int{"n": 1})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-sub:
		if got.ID != sent.ID || got.Type != "test.ping" {
			t.Fatalf("got %+v, sent %+v", got, sent)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second instance did not receive the event")
	}

	// Over HTTP: a coordinator's stream on instance 2 sees a role granted
	// through instance 1.
	sys := incroci.AsSystem(ctx)
	if _, err := ps[0].CreateAmbito(sys, incroci.AmbitoInput{Slug: "lodi", Name: "Ambito di Lodi"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ps[0].Invite(sys, "lodi", incroci.InviteInput{Email: "coord@example.org", Roles: []incroci.Role{incroci.RoleCoordinator}}); err != nil {
		t.Fatal(err)
	}
	op, err := ps[0].Invite(sys, "lodi", incroci.InviteInput{Email: "op@example.org", Roles: []incroci.Role{incroci.RoleOperator}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := ps[0].SignIn(ctx, incroci.Identity{Email: "coord@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	open := func(lastID string) (*http.Response, *sse.Reader) {
		req, _ := http.NewRequestWithContext(ctx, "GET", hubs[1].URL+"/incroci/ambiti/lodi/people/events", nil)
		req.Header.Set("Authorization", "Bearer "+s.Token)
		if lastID != "" {
			req.Header.Set("Last-Event-ID", lastID)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		return res, sse.NewReader(res.Body)
	}
	next := func(rd *sse.Reader) sse.Frame {
		for {
			f, err := rd.Next()
			if err != nil {
				t.Fatal(err)
			}
			if f.ID != "" {
				return f
			}
		}
	}
	res, rd := open("")
	coordCtx := incroci.WithPrincipal(ctx, mustAuth(t, ps[0], s.Token))
	if _, err := ps[0].GrantRole(coordCtx, "lodi", op.ID, incroci.RoleEditor); err != nil {
		t.Fatal(err)
	}
	f := next(rd)
	var data struct{ ID int64 }
	if err := json.Unmarshal([]byte(f.Data), &data); err != nil || f.Event != "person.changed" || data.ID != op.ID {
		t.Fatalf("frame %+v", f)
	}
	res.Body.Close()
	// A reconnecting client misses nothing: two changes while away.
	if _, err := ps[0].GrantRole(coordCtx, "lodi", op.ID, incroci.RoleTrainer); err != nil {
		t.Fatal(err)
	}
	if _, err := ps[0].RevokeRole(coordCtx, "lodi", op.ID, incroci.RoleTrainer); err != nil {
		t.Fatal(err)
	}
	res, rd = open(f.ID)
	defer res.Body.Close()
	a, b := next(rd), next(rd)
	first, _ := strconv.ParseInt(f.ID, 10, 64)
	ia, _ := strconv.ParseInt(a.ID, 10, 64)
	ib, _ := strconv.ParseInt(b.ID, 10, 64)
	if ia <= first || ib <= ia {
		t.Fatalf("replay %+v %+v after %s", a, b, f.ID)
	}
}

func mustAuth(t *testing.T, p *incroci.Platform, token string) *incroci.Principal {
	t.Helper()
	pr, err := p.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return pr
}
