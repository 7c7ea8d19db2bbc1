package events

import (
	"context"
	"log/slog"
	"testing"
)

func TestMemory(t *testing.T) {
	testBus(t, func(t *testing.T, opts Options) (Bus, *hub) {
		if opts.Logger == nil {
			opts.Logger = testLogger(t)
		}
		b := NewMemory(opts)
		t.Cleanup(func() { b.Close() })
		return b, b.hub
	})
}

func TestMemoryKeepsLastN(t *testing.T) {
	ctx := context.Background()
	b := NewMemory(Options{Keep: 3})
	defer b.Close()
	var first int64
	for i := range 10 {
		e, err := b.Publish(ctx, "t", "x", i)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = e.ID
		}
	}
	got, err := b.Since(ctx, "t", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].ID != first+7 || got[2].ID != first+9 {
		t.Errorf("Since = %s, want the last three of %d…%d", ids(got), first, first+9)
	}
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}

// TestMemoryIdsGrowAcrossRestarts: a client resuming with an id from before
// a restart still gets what is published after it.
func TestMemoryIdsGrowAcrossRestarts(t *testing.T) {
	before := NewMemory(Options{})
	old, err := before.Publish(context.Background(), "t", "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	before.Close()
	after := NewMemory(Options{})
	defer after.Close()
	e, err := after.Publish(context.Background(), "t", "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.ID <= old.ID {
		t.Fatalf("id %d after a restart is not above %d", e.ID, old.ID)
	}
	got, err := after.Since(context.Background(), "t", old.ID, 10)
	if err != nil || len(got) != 1 {
		t.Fatalf("since %d: %v %v", old.ID, got, err)
	}
}
