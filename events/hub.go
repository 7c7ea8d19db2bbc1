package events

import (
	"context"
	"errors"
	"log/slog"
	"sync"
)

// hub fans events out to the local subscribers of their topic. Both buses
// use one; the caller delivers the events of a topic in id order.
//
// Each followed topic (one with at least one subscriber) has a cursor: the id
// of the last event delivered on it, or, before the first, where the topic
// stood when its first subscriber came. An event at or below the cursor is
// never delivered again, so a subscriber receives each event once, in order.
// The topic and its cursor go away with its last subscriber.
type hub struct {
	buffer int
	log    *slog.Logger

	mu     sync.Mutex
	topics map[string]*followed
	closed bool
}

type followed struct {
	subs   map[*subscription]struct{}
	cursor int64
}

type subscription struct {
	topic string
	ch    chan Event
	stop  func() bool
}

// errNotFollowed is returned by subscribe with a negative cursor when nobody
// follows the topic yet.
var errNotFollowed = errors.New("events: topic not followed")

func newHub(buffer int, log *slog.Logger) *hub {
	return &hub{buffer: buffer, log: log, topics: map[string]*followed{}}
}

// subscribe adds a subscriber to topic until ctx ends. If nobody follows the
// topic yet, it starts following it at cursor, or, with a negative cursor,
// returns errNotFollowed and subscribes nobody. Either way the subscriber
// receives the events delivered from now on, those after the topic's cursor.
func (h *hub) subscribe(ctx context.Context, topic string, cursor int64) (<-chan Event, error) {
	if err := checkTopic(topic); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrClosed
	}
	f := h.topics[topic]
	if f == nil {
		if cursor < 0 {
			return nil, errNotFollowed
		}
		f = &followed{subs: map[*subscription]struct{}{}, cursor: cursor}
		h.topics[topic] = f
	}
	s := &subscription{topic: topic, ch: make(chan Event, h.buffer)}
	f.subs[s] = struct{}{}
	s.stop = context.AfterFunc(ctx, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.remove(s)
	})
	return s.ch, nil
}

// remove drops s and closes its channel, once; the topic stops being
// followed with its last subscriber. h.mu must be held.
func (h *hub) remove(s *subscription) {
	f := h.topics[s.topic]
	if f == nil {
		return
	}
	if _, ok := f.subs[s]; !ok {
		return
	}
	delete(f.subs, s)
	if len(f.subs) == 0 {
		delete(h.topics, s.topic)
	}
	close(s.ch)
}

// deliver hands e to every subscriber of its topic without waiting, unless
// the topic's cursor is already at or past e.
func (h *hub) deliver(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if f := h.topics[e.Topic]; f != nil && e.ID > f.cursor {
		h.fanOut(f, e)
	}
}

// deliverAfter hands es, the events of topic that follow id after, to the
// topic's subscribers. It delivers nothing and reports false when the topic's
// cursor is no longer after: the topic lost its subscribers meanwhile (and
// perhaps gained new ones, with a cursor of their own).
func (h *hub) deliverAfter(topic string, after int64, es []Event) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.topics[topic]
	if f == nil || f.cursor != after {
		return false
	}
	for _, e := range es {
		if e.ID > f.cursor {
			h.fanOut(f, e)
			if h.topics[topic] != f {
				return true // every subscriber was too slow
			}
		}
	}
	return true
}

// fanOut sends e to the subscribers of f and moves its cursor to e; a
// subscriber whose buffer is full loses its subscription. h.mu must be held.
func (h *hub) fanOut(f *followed, e Event) {
	f.cursor = e.ID
	for s := range f.subs {
		select {
		case s.ch <- e:
		default:
			s.stop()
			h.remove(s)
			h.log.Warn("events: subscriber too slow, subscription dropped", "topic", e.Topic, "event", e.ID, "buffer", h.buffer)
		}
	}
}

// cursor returns the cursor of topic, if anyone follows it.
func (h *hub) cursor(topic string) (int64, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if f := h.topics[topic]; f != nil {
		return f.cursor, true
	}
	return 0, false
}

// cursors returns the cursor of every followed topic.
func (h *hub) cursors() map[string]int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := make(map[string]int64, len(h.topics))
	for t, f := range h.topics {
		m[t] = f.cursor
	}
	return m
}

// wants reports whether anyone listens to topic.
func (h *hub) wants(topic string) bool {
	_, ok := h.cursor(topic)
	return ok
}

// close closes every subscription and refuses new ones.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for _, f := range h.topics {
		for s := range f.subs {
			s.stop()
			h.remove(s)
		}
	}
}
