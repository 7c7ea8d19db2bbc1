package sse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/incrocicomuni/incroci/events"
)

// Options tune [Serve]. The zero value is ready to use.
type Options struct {
	// Heartbeat is how often a comment line is sent on a quiet stream, so that
	// proxies keep it open and a dead client is noticed. Default 15 seconds.
	Heartbeat time.Duration
	// Retry is the reconnection delay suggested to the browser. Default 3
	// seconds; negative sends none.
	Retry time.Duration
	// PageSize is how many events are read at a time while replaying. Default
	// 500, at most events.MaxSince.
	PageSize int
	// WriteTimeout bounds each write to the client, replacing the server's
	// WriteTimeout (which would cut every stream). Default 30 seconds;
	// negative sets none.
	WriteTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.Heartbeat <= 0 {
		o.Heartbeat = 15 * time.Second
	}
	if o.Retry == 0 {
		o.Retry = 3 * time.Second
	}
	if o.PageSize <= 0 || o.PageSize > events.MaxSince {
		o.PageSize = 500
	}
	if o.WriteTimeout == 0 {
		o.WriteTimeout = 30 * time.Second
	}
	return o
}

var (
	// ErrSubscriptionClosed is returned by Serve when the bus ended the
	// subscription (the client was too slow, or the bus closed); the browser
	// reconnects and catches up by itself.
	ErrSubscriptionClosed = errors.New("sse: subscription closed by the bus")
	// ErrBadLastEventID is returned by Serve, after answering 400, when the
	// client's Last-Event-ID is not an event id.
	ErrBadLastEventID = errors.New("sse: Last-Event-ID is not an event id")
)

// LastEventID reads where the client stopped: the Last-Event-ID header or,
// since EventSource cannot set headers on its first request, the
// last_event_id query parameter. ok is false when the client sent neither.
func LastEventID(r *http.Request) (id int64, ok bool, err error) {
	s := r.Header.Get("Last-Event-ID")
	if s == "" {
		s = r.URL.Query().Get("last_event_id")
	}
	if s == "" {
		return 0, false, nil
	}
	id, err = strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id < 0 {
		return 0, false, fmt.Errorf("%w: %q", ErrBadLastEventID, s)
	}
	return id, true, nil
}

// Serve streams topic to the client until the client goes away (it then
// returns nil), ctx ends (nil), the bus closes the subscription
// ([ErrSubscriptionClosed]) or a write fails.
//
// A client that sends a Last-Event-ID (or last_event_id) first gets every
// event after that id, then live events; one that sends none gets live events
// only, and may send last_event_id=0 to get the whole kept history. Each event
// is written with its id, its type as the event name and its JSON data, and
// flushed at once.
//
// Serve answers errors that happen before the stream starts itself (400 for a
// bad Last-Event-ID, 503 when the bus refuses the subscription) and returns
// them; later errors only end the stream.
func Serve(ctx context.Context, w http.ResponseWriter, r *http.Request, bus events.Bus, topic string, opts Options) error {
	opts = opts.withDefaults()
	last, replay, err := LastEventID(r)
	if err != nil {
		http.Error(w, "invalid Last-Event-ID", http.StatusBadRequest)
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(r.Context(), cancel)
	defer stop()

	// Subscribe before replaying: an event published in between is then both
	// replayed and received live, and skipped the second time, never lost.
	sub, err := bus.Subscribe(ctx, topic)
	if err != nil {
		http.Error(w, "event stream unavailable", http.StatusServiceUnavailable)
		return fmt.Errorf("sse: subscribe to %s: %w", topic, err)
	}

	s := &stream{w: w, rc: http.NewResponseController(w), timeout: opts.WriteTimeout}
	defer s.rc.SetWriteDeadline(time.Time{}) // leave the connection as we found it
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	h.Del("Content-Length")
	w.WriteHeader(http.StatusOK)
	hello := ": incroci " + topic + "\n\n"
	if opts.Retry > 0 {
		hello = "retry: " + strconv.FormatInt(opts.Retry.Milliseconds(), 10) + "\n\n"
	}
	if err := s.send(hello); err != nil {
		return s.ended(ctx, err)
	}

	if replay {
		for {
			page, err := bus.Since(ctx, topic, last, opts.PageSize)
			if err != nil {
				return s.ended(ctx, fmt.Errorf("sse: replay %s after %d: %w", topic, last, err))
			}
			for _, e := range page {
				if err := s.send(format(e)); err != nil {
					return s.ended(ctx, err)
				}
				last = e.ID
			}
			if len(page) < opts.PageSize {
				break
			}
		}
	}

	beat := time.NewTicker(opts.Heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-sub:
			if !ok {
				if ctx.Err() != nil {
					return nil
				}
				return ErrSubscriptionClosed
			}
			if e.ID <= last {
				continue // already sent by the replay
			}
			if err := s.send(format(e)); err != nil {
				return s.ended(ctx, err)
			}
			last = e.ID
			beat.Reset(opts.Heartbeat)
		case <-beat.C:
			if err := s.send(": ping\n\n"); err != nil {
				return s.ended(ctx, err)
			}
		}
	}
}

// stream writes to the client, each write bounded and flushed.
type stream struct {
	w       io.Writer
	rc      *http.ResponseController
	timeout time.Duration
}

func (s *stream) send(text string) error {
	if s.timeout > 0 {
		if err := s.rc.SetWriteDeadline(time.Now().Add(s.timeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return fmt.Errorf("sse: set write deadline: %w", err)
		}
	}
	if _, err := io.WriteString(s.w, text); err != nil {
		return fmt.Errorf("sse: write: %w", err)
	}
	if err := s.rc.Flush(); err != nil {
		return fmt.Errorf("sse: flush: %w", err)
	}
	return nil
}

// ended turns an error caused by the client leaving into nil.
func (s *stream) ended(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// format renders e as one SSE message. Data may span lines: each line gets
// its own data field, as the format requires.
func format(e events.Event) string {
	var b strings.Builder
	b.WriteString("id: ")
	b.WriteString(strconv.FormatInt(e.ID, 10))
	b.WriteString("\n")
	if e.Type != "" {
		b.WriteString("event: ")
		b.WriteString(oneLine(e.Type))
		b.WriteString("\n")
	}
	data := string(e.Data)
	if data == "" {
		data = "null"
	}
	data = strings.ReplaceAll(data, "\r\n", "\n")
	data = strings.ReplaceAll(data, "\r", "\n")
	for line := range strings.SplitSeq(data, "\n") {
		b.WriteString("data: ")
		b.WriteString(line)
		b.WriteString("\n")
	}
	b.WriteString("\n")
	return b.String()
}

func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, s)
}
