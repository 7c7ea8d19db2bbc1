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
	for i := range 10 {
		if _, err := b.Publish(ctx, "t", "x", i); err != nil {
			t.Fatal(err)
		}
	}
	got, err := b.Since(ctx, "t", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].ID != 8 || got[2].ID != 10 {
		t.Errorf("Since = %s, want [8 9 10]", ids(got))
	}
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}
