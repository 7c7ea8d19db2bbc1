package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Event is one live update.
type Event struct {
	// ID is increasing within a topic: compare the ids of one topic only.
	// With [Memory] it grows with each event published on the bus; with
	// [Postgres] it numbers the events of the topic 1, 2, 3… (or goes on
	// from the global ids of a table created before per-topic numbering),
	// the same for every instance on the database schema.
	ID int64 `json:"id"`
	// Topic is what the event is about, e.g. "consultation:42".
	Topic string `json:"topic"`
	// Type says what happened, e.g. "message.created". It becomes the SSE
	// event name.
	Type string `json:"type"`
	// Data is the event's payload as JSON.
	Data json.RawMessage `json:"data"`
	// Time is when the event was published, in UTC.
	Time time.Time `json:"time"`
}

// Bus publishes events and delivers them to subscribers of their topic.
// Implementations are safe for concurrent use.
type Bus interface {
	// Publish encodes data as JSON and publishes it on topic as an event of
	// type typ, returning the event with its id.
	Publish(ctx context.Context, topic, typ string, data any) (Event, error)
	// Subscribe returns a channel of the events published on topic from now
	// on, in id order. The channel is closed when ctx ends, when the bus
	// closes, or when the subscriber falls more than the buffer behind; the
	// subscriber then subscribes again and catches up with Since.
	Subscribe(ctx context.Context, topic string) (<-chan Event, error)
	// Since returns up to limit events of topic with an id greater than
	// afterID, oldest first. A limit of 0 or less, or above MaxSince, means
	// MaxSince.
	Since(ctx context.Context, topic string, afterID int64, limit int) ([]Event, error)
	// Close stops the bus and closes every subscription.
	Close() error
}

// MaxSince is the most events one call of Since returns.
const MaxSince = 1000

// Limits on names, so topics fit the table and notifications.
const (
	// MaxTopicLen is the longest topic, in bytes.
	MaxTopicLen = 200
	// MaxTypeLen is the longest event type, in bytes.
	MaxTypeLen = 100
)

var (
	// ErrClosed is returned by a bus after Close.
	ErrClosed = errors.New("events: bus closed")
	// ErrInvalid is wrapped by the errors about a bad topic, type or payload.
	ErrInvalid = errors.New("events: invalid event")
)

// Options configure a bus. The zero value is ready to use.
type Options struct {
	// Buffer is how many events may wait for a slow subscriber before its
	// subscription is dropped (it reconnects and catches up with Since).
	// Default 32: each subscription allocates its buffer up front.
	Buffer int
	// Keep is how many recent events per topic a [Memory] bus keeps for Since.
	// Default 1000.
	Keep int
	// Retention is how long a [Postgres] bus keeps events before pruning them,
	// which it does every hour. Default 7 days; negative turns pruning off.
	Retention time.Duration
	// Logger receives reconnections and dropped subscriptions. Default
	// slog.Default().
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Buffer <= 0 {
		o.Buffer = 32
	}
	if o.Keep <= 0 {
		o.Keep = 1000
	}
	if o.Retention == 0 {
		o.Retention = 7 * 24 * time.Hour
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// encode checks topic and type and encodes data.
func encode(topic, typ string, data any) (json.RawMessage, error) {
	if err := checkTopic(topic); err != nil {
		return nil, err
	}
	if typ == "" || len(typ) > MaxTypeLen || !printable(typ) {
		return nil, fmt.Errorf("%w: type %q must be 1 to %d printable characters", ErrInvalid, typ, MaxTypeLen)
	}
	var raw []byte
	var err error
	switch d := data.(type) {
	case json.RawMessage:
		raw = d
		if !json.Valid(raw) {
			err = errors.New("json.RawMessage is not valid JSON")
		}
	default:
		raw, err = json.Marshal(data)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: encode data of %s: %v", ErrInvalid, typ, err)
	}
	return json.RawMessage(raw), nil
}

func checkTopic(topic string) error {
	if topic == "" || len(topic) > MaxTopicLen || !printable(topic) {
		return fmt.Errorf("%w: topic %q must be 1 to %d printable characters", ErrInvalid, topic, MaxTopicLen)
	}
	return nil
}

// printable refuses control characters, which would break SSE framing.
func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

func clampLimit(limit int) int {
	if limit <= 0 || limit > MaxSince {
		return MaxSince
	}
	return limit
}
