package sse_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci/events"
	"github.com/incrocicomuni/incroci/internal/sse"
)

const wait = 10 * time.Second

// harness serves bus on /stream?topic=… and reports each Serve's result.
type harness struct {
	url  string
	done chan error
}

func serve(t *testing.T, bus events.Bus, opts sse.Options) *harness {
	t.Helper()
	h := &harness{done: make(chan error, 10)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.done <- sse.Serve(r.Context(), w, r, bus, r.URL.Query().Get("topic"), opts)
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL + "/stream"
	return h
}

// client is one open stream, its frames read in the background.
type client struct {
	resp   *http.Response
	frames chan sse.Frame
	cancel context.CancelFunc
}

func connect(t *testing.T, url, lastEventID string) *client {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	c := &client{resp: resp, frames: make(chan sse.Frame, 100), cancel: cancel}
	go func() {
		defer close(c.frames)
		rd := sse.NewReader(resp.Body)
		for {
			f, err := rd.Next()
			if err != nil {
				return
			}
			c.frames <- f
		}
	}()
	return c
}

// next returns the next frame that is not a heartbeat or the opening retry.
func (c *client) next(t *testing.T) sse.Frame {
	t.Helper()
	for {
		select {
		case f, ok := <-c.frames:
			if !ok {
				t.Fatal("stream ended")
			}
			if f.ID == "" && f.Data == "" {
				continue
			}
			return f
		case <-time.After(wait):
			t.Fatal("no frame within", wait)
		}
	}
}

// expectIDs reads frames and checks their ids, in order.
func (c *client) expectIDs(t *testing.T, ids ...int64) {
	t.Helper()
	for _, id := range ids {
		if f := c.next(t); f.ID != strconv.FormatInt(id, 10) {
			t.Fatalf("got event %s (%s), want %d", f.ID, f.Data, id)
		}
	}
}

func publish(t *testing.T, bus events.Bus, topic string, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := range n {
		e, err := bus.Publish(context.Background(), topic, "message.created", map[string]int{"n": i})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	return ids
}

func TestHeadersAndLive(t *testing.T) {
	bus := events.NewMemory(events.Options{})
	defer bus.Close()
	h := serve(t, bus, sse.Options{})
	c := connect(t, h.url+"?topic=c1", "")
	for k, want := range map[string]string{
		"Content-Type":      "text/event-stream; charset=utf-8",
		"Cache-Control":     "no-cache",
		"X-Accel-Buffering": "no",
	} {
		if got := c.resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if f := <-c.frames; f.Retry != 3*time.Second {
		t.Errorf("first frame %+v, want retry 3s", f)
	}
	// Connected without Last-Event-ID: old events are not replayed. The
	// retry frame arrived, so the subscription exists.
	ids := publish(t, bus, "c1", 2)
	publish(t, bus, "other", 1)
	f := c.next(t)
	if f.ID != strconv.FormatInt(ids[0], 10) || f.Event != "message.created" || f.Data != `{"n":0}` {
		t.Errorf("frame %+v", f)
	}
	c.expectIDs(t, ids[1])
}

func TestReplayAfterLastEventID(t *testing.T) {
	bus := events.NewMemory(events.Options{})
	defer bus.Close()
	ids := publish(t, bus, "c1", 7)
	h := serve(t, bus, sse.Options{PageSize: 2})

	c := connect(t, h.url+"?topic=c1", strconv.FormatInt(ids[1], 10))
	c.expectIDs(t, ids[2:]...)
	more := publish(t, bus, "c1", 2)
	c.expectIDs(t, more...)

	// The query parameter does the same for a first EventSource request.
	q := connect(t, h.url+"?topic=c1&last_event_id="+strconv.FormatInt(ids[5], 10), "")
	q.expectIDs(t, ids[6], more[0], more[1])

	// last_event_id=0 replays the whole history.
	all := connect(t, h.url+"?topic=c1&last_event_id=0", "")
	all.expectIDs(t, append(ids, more...)...)
}

// overlapBus publishes an event between Subscribe and Since, so that it is
// both replayed and delivered live.
type overlapBus struct {
	events.Bus
	once bool
}

func (b *overlapBus) Since(ctx context.Context, topic string, after int64, limit int) ([]events.Event, error) {
	if !b.once {
		b.once = true
		if _, err := b.Bus.Publish(ctx, topic, "in.between", 1); err != nil {
			return nil, err
		}
	}
	return b.Bus.Since(ctx, topic, after, limit)
}

func TestNoDuplicates(t *testing.T) {
	mem := events.NewMemory(events.Options{})
	defer mem.Close()
	ids := publish(t, mem, "c1", 2)
	h := serve(t, &overlapBus{Bus: mem}, sse.Options{})
	c := connect(t, h.url+"?topic=c1", strconv.FormatInt(ids[0], 10))
	c.expectIDs(t, ids[1], ids[1]+1) // the in-between event, once
	after := publish(t, mem, "c1", 1)
	c.expectIDs(t, after[0]) // not the in-between event again
}

func TestMultiLineData(t *testing.T) {
	bus := events.NewMemory(events.Options{})
	defer bus.Close()
	raw := json.RawMessage("{\n  \"text\": \"riga uno\\nriga due\"\n}")
	if _, err := bus.Publish(context.Background(), "c1", "message.created", raw); err != nil {
		t.Fatal(err)
	}
	h := serve(t, bus, sse.Options{})
	c := connect(t, h.url+"?topic=c1", "0")
	if f := c.next(t); f.Data != string(raw) {
		t.Errorf("data %q, want %q", f.Data, raw)
	}
}

func TestHeartbeat(t *testing.T) {
	bus := events.NewMemory(events.Options{})
	defer bus.Close()
	h := serve(t, bus, sse.Options{Heartbeat: 20 * time.Millisecond})
	c := connect(t, h.url+"?topic=c1", "")
	timeout := time.After(wait)
	for {
		select {
		case f := <-c.frames:
			if len(f.Comments) == 1 && f.Comments[0] == "ping" {
				return
			}
		case <-timeout:
			t.Fatal("no heartbeat")
		}
	}
}

func TestClientDisconnectEndsServe(t *testing.T) {
	bus := events.NewMemory(events.Options{})
	defer bus.Close()
	h := serve(t, bus, sse.Options{})
	c := connect(t, h.url+"?topic=c1", "")
	<-c.frames // the stream is open
	c.cancel()
	select {
	case err := <-h.done:
		if err != nil {
			t.Errorf("Serve returned %v after the client left, want nil", err)
		}
	case <-time.After(wait):
		t.Fatal("Serve still running after the client left")
	}
}

func TestBusCloseEndsStream(t *testing.T) {
	bus := events.NewMemory(events.Options{})
	h := serve(t, bus, sse.Options{})
	c := connect(t, h.url+"?topic=c1", "")
	<-c.frames
	bus.Close()
	select {
	case err := <-h.done:
		if !errors.Is(err, sse.ErrSubscriptionClosed) {
			t.Errorf("Serve = %v, want ErrSubscriptionClosed", err)
		}
	case <-time.After(wait):
		t.Fatal("Serve still running after the bus closed")
	}
	for range c.frames { // the response ends
	}
}

func TestBadLastEventID(t *testing.T) {
	bus := events.NewMemory(events.Options{})
	defer bus.Close()
	h := serve(t, bus, sse.Options{})
	req, _ := http.NewRequest(http.MethodGet, h.url+"?topic=c1", nil)
	req.Header.Set("Last-Event-ID", "abc")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status %d, want 400", resp.StatusCode)
	}
	if err := <-h.done; !errors.Is(err, sse.ErrBadLastEventID) {
		t.Errorf("Serve = %v", err)
	}
}

func TestReader(t *testing.T) {
	const stream = ": hello\r\n\r\nretry: 1500\n\nid: 7\nevent: x\ndata: a\ndata:b\ndata\nignored: 1\n\n\n\nid: 8\ndata: unfinished"
	rd := sse.NewReader(strings.NewReader(stream))
	want := []sse.Frame{
		{Comments: []string{"hello"}},
		{Retry: 1500 * time.Millisecond},
		{ID: "7", Event: "x", Data: "a\nb\n"},
	}
	for i, w := range want {
		f, err := rd.Next()
		if err != nil {
			t.Fatal(err)
		}
		if f.ID != w.ID || f.Event != w.Event || f.Data != w.Data || f.Retry != w.Retry || len(f.Comments) != len(w.Comments) {
			t.Errorf("frame %d = %+v, want %+v", i, f, w)
		}
	}
	if _, err := rd.Next(); err != io.EOF {
		t.Errorf("unfinished frame: %v, want io.EOF", err)
	}
}
