package events

import (
	"context"
	"log/slog"
	"sync"
)

// hub fans events out to the local subscribers of their topic. Both buses
// use one; the caller delivers events in id order.
type hub struct {
	buffer int
	log    *slog.Logger

	mu     sync.Mutex
	topics map[string]map[*subscription]struct{}
	closed bool
}

type subscription struct {
	topic string
	ch    chan Event
	stop  func() bool
}

func newHub(buffer int, log *slog.Logger) *hub {
	return &hub{buffer: buffer, log: log, topics: map[string]map[*subscription]struct{}{}}
}

func (h *hub) subscribe(ctx context.Context, topic string) (<-chan Event, error) {
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
	s := &subscription{topic: topic, ch: make(chan Event, h.buffer)}
	subs := h.topics[topic]
	if subs == nil {
		subs = map[*subscription]struct{}{}
		h.topics[topic] = subs
	}
	subs[s] = struct{}{}
	s.stop = context.AfterFunc(ctx, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.remove(s)
	})
	return s.ch, nil
}

// remove drops s and closes its channel, once. h.mu must be held.
func (h *hub) remove(s *subscription) {
	subs := h.topics[s.topic]
	if _, ok := subs[s]; !ok {
		return
	}
	delete(subs, s)
	if len(subs) == 0 {
		delete(h.topics, s.topic)
	}
	close(s.ch)
}

// deliver hands e to every subscriber of its topic without waiting; a
// subscriber whose buffer is full loses its subscription.
func (h *hub) deliver(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.topics[e.Topic] {
		select {
		case s.ch <- e:
		default:
			s.stop()
			h.remove(s)
			h.log.Warn("events: subscriber too slow, subscription dropped", "topic", e.Topic, "event", e.ID, "buffer", h.buffer)
		}
	}
}

// wants reports whether anyone listens to topic.
func (h *hub) wants(topic string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.topics[topic]) > 0
}

// idle reports whether there are no subscribers at all.
func (h *hub) idle() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.topics) == 0
}

// close closes every subscription and refuses new ones.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for _, subs := range h.topics {
		for s := range subs {
			s.stop()
			h.remove(s)
		}
	}
}
