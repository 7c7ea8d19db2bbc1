package events

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Memory is a [Bus] inside one process, for a hub that runs as a single
// instance. It keeps the last Options.Keep events of each topic for Since;
// a client that was away for longer misses the older ones. Ids start from
// the microseconds of the process's start, so they keep growing across
// restarts and a client resuming with an id from before a restart misses
// nothing published after it.
type Memory struct {
	keep int
	hub  *hub

	mu     sync.Mutex
	lastID int64
	recent map[string][]Event
	closed bool
}

var _ Bus = (*Memory)(nil)

// NewMemory returns an in-process bus.
func NewMemory(opts Options) *Memory {
	opts = opts.withDefaults()
	return &Memory{keep: opts.Keep, hub: newHub(opts.Buffer, opts.Logger), recent: map[string][]Event{}, lastID: time.Now().UnixMicro()}
}

// Publish implements [Bus].
func (m *Memory) Publish(ctx context.Context, topic, typ string, data any) (Event, error) {
	raw, err := encode(topic, typ, data)
	if err != nil {
		return Event{}, err
	}
	if err := ctx.Err(); err != nil {
		return Event{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return Event{}, ErrClosed
	}
	m.lastID++
	e := Event{ID: m.lastID, Topic: topic, Type: typ, Data: raw, Time: time.Now().UTC()}
	r := append(m.recent[topic], e)
	if len(r) > m.keep {
		r = r[len(r)-m.keep:] // append reallocates now and then, freeing the old head
	}
	m.recent[topic] = r
	// Delivering under m.mu keeps subscribers in id order, and makes every
	// event either visible to Since or delivered to a live subscriber.
	m.hub.deliver(e)
	return e, nil
}

// Subscribe implements [Bus].
func (m *Memory) Subscribe(ctx context.Context, topic string) (<-chan Event, error) {
	return m.hub.subscribe(ctx, topic, 0)
}

// Since implements [Bus].
func (m *Memory) Since(ctx context.Context, topic string, afterID int64, limit int) ([]Event, error) {
	if err := checkTopic(topic); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	r := m.recent[topic]
	i := sort.Search(len(r), func(i int) bool { return r[i].ID > afterID })
	r = r[i:]
	if n := clampLimit(limit); len(r) > n {
		r = r[:n]
	}
	return append([]Event(nil), r...), nil
}

// Close implements [Bus]: it closes every subscription and drops the kept events.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.closed {
		m.closed = true
		m.recent = nil
		m.hub.close()
	}
	return nil
}
