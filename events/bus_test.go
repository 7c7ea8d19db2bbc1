package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"
)

const wait = 10 * time.Second

// recv returns the next event on ch, failing the test when none comes in time
// or the channel closes.
func recv(t *testing.T, ch <-chan Event) Event {
	t.Helper()
	select {
	case e, ok := <-ch:
		if !ok {
			t.Fatal("subscription closed")
		}
		return e
	case <-time.After(wait):
		t.Fatal("no event within", wait)
	}
	return Event{}
}

// waitClosed drains ch until it closes, failing the test if it stays open.
func waitClosed(t *testing.T, ch <-chan Event) []Event {
	t.Helper()
	var got []Event
	timeout := time.After(wait)
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				return got
			}
			got = append(got, e)
		case <-timeout:
			t.Fatal("subscription still open after", wait)
		}
	}
}

// waitUntil polls cond until it holds, failing the test after wait.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// testBus checks the behaviour every Bus shares. newBus makes a bus with the
// given options; h returns its hub, to see when the listener has caught up.
func testBus(t *testing.T, newBus func(t *testing.T, opts Options) (Bus, *hub)) {
	ctx := context.Background()

	t.Run("publish subscribe since", func(t *testing.T) {
		b, _ := newBus(t, Options{})
		sub, err := b.Subscribe(ctx, "consultation:1")
		if err != nil {
			t.Fatal(err)
		}
		other, err := b.Subscribe(ctx, "consultation:2")
		if err != nil {
			t.Fatal(err)
		}
		var published []Event
		for i := range 5 {
			e, err := b.Publish(ctx, "consultation:1", "message.created", map[string]any{"n": i, "text": "città\nnuova riga"})
			if err != nil {
				t.Fatal(err)
			}
			if len(published) > 0 && e.ID <= published[len(published)-1].ID {
				t.Fatalf("ids not increasing: %d after %d", e.ID, published[len(published)-1].ID)
			}
			published = append(published, e)
		}
		if _, err := b.Publish(ctx, "consultation:2", "message.created", nil); err != nil {
			t.Fatal(err)
		}
		for i, want := range published {
			got := recv(t, sub)
			if got.ID != want.ID || got.Topic != want.Topic || got.Type != want.Type || !got.Time.Equal(want.Time) {
				t.Fatalf("event %d: got %+v, want %+v", i, got, want)
			}
			var data struct {
				N    int
				Text string
			}
			if err := json.Unmarshal(got.Data, &data); err != nil || data.N != i || data.Text != "città\nnuova riga" {
				t.Fatalf("event %d data %s (%v)", i, got.Data, err)
			}
		}
		if e := recv(t, other); e.Topic != "consultation:2" || string(e.Data) != "null" {
			t.Errorf("other topic got %+v", e)
		}

		all, err := b.Since(ctx, "consultation:1", 0, 0)
		if err != nil || len(all) != 5 {
			t.Fatalf("Since(0) = %d events, %v", len(all), err)
		}
		page, err := b.Since(ctx, "consultation:1", published[1].ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != 2 || page[0].ID != published[2].ID || page[1].ID != published[3].ID {
			t.Errorf("Since(after 2nd, limit 2) = %v", ids(page))
		}
		if rest, _ := b.Since(ctx, "consultation:1", published[4].ID, 10); len(rest) != 0 {
			t.Errorf("Since(last) = %v, want none", ids(rest))
		}
	})

	t.Run("context ends subscription", func(t *testing.T) {
		b, h := newBus(t, Options{})
		sctx, cancel := context.WithCancel(ctx)
		sub, err := b.Subscribe(sctx, "t")
		if err != nil {
			t.Fatal(err)
		}
		cancel()
		waitClosed(t, sub)
		if h.wants("t") {
			t.Error("hub still holds the cancelled subscription")
		}
	})

	t.Run("slow subscriber is dropped", func(t *testing.T) {
		b, h := newBus(t, Options{Buffer: 2})
		slow, err := b.Subscribe(ctx, "busy")
		if err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			if _, err := b.Publish(ctx, "busy", "tick", i); err != nil {
				t.Fatal(err)
			}
		}
		waitUntil(t, "the slow subscription to be dropped", func() bool { return !h.wants("busy") })
		got := waitClosed(t, slow)
		if len(got) != 2 {
			t.Errorf("slow subscriber got %d events before the drop, want its buffer (2)", len(got))
		}
		// Publishing went on, and a new subscriber catches up with Since.
		missed, err := b.Since(ctx, "busy", got[len(got)-1].ID, 0)
		if err != nil || len(missed) != 3 {
			t.Errorf("Since after the drop = %v, %v; want 3 events", ids(missed), err)
		}
	})

	t.Run("invalid", func(t *testing.T) {
		b, _ := newBus(t, Options{})
		for _, c := range []struct{ topic, typ string }{{"", "x"}, {"t", ""}, {"t\nx", "x"}, {"t", "a\rb"}} {
			if _, err := b.Publish(ctx, c.topic, c.typ, 1); !errors.Is(err, ErrInvalid) {
				t.Errorf("Publish(%q, %q) = %v, want ErrInvalid", c.topic, c.typ, err)
			}
		}
		if _, err := b.Publish(ctx, "t", "x", func() {}); !errors.Is(err, ErrInvalid) {
			t.Errorf("Publish(func) = %v, want ErrInvalid", err)
		}
		if _, err := b.Publish(ctx, "t", "x", json.RawMessage(`{"a":`)); !errors.Is(err, ErrInvalid) {
			t.Errorf("Publish(bad raw JSON) = %v, want ErrInvalid", err)
		}
		if _, err := b.Subscribe(ctx, ""); !errors.Is(err, ErrInvalid) {
			t.Errorf("Subscribe(\"\") = %v, want ErrInvalid", err)
		}
	})

	t.Run("close", func(t *testing.T) {
		b, _ := newBus(t, Options{})
		sub, err := b.Subscribe(ctx, "t")
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		waitClosed(t, sub)
		if _, err := b.Publish(ctx, "t", "x", 1); !errors.Is(err, ErrClosed) {
			t.Errorf("Publish after Close = %v", err)
		}
		if _, err := b.Subscribe(ctx, "t"); !errors.Is(err, ErrClosed) {
			t.Errorf("Subscribe after Close = %v", err)
		}
		if err := b.Close(); err != nil {
			t.Errorf("second Close = %v", err)
		}
	})
}

func ids(es []Event) string {
	s := "["
	for i, e := range es {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprint(e.ID)
	}
	return s + "]"
}
