package events

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci/internal/migrate"
)

// Timings of the listening connection.
const (
	// idleCheck is how long the listener waits for a notification before it
	// checks the table and, with that, the connection.
	idleCheck = 30 * time.Second
	// fetchPage is how many rows the listener reads at a time.
	fetchPage  = 500
	minBackoff = 100 * time.Millisecond
	maxBackoff = 30 * time.Second
	pruneEvery = time.Hour
)

// Postgres is a [Bus] for hubs running as several instances on one PostgreSQL
// database. Events are rows of the table incroci_events; publishing one also
// sends a NOTIFY, carrying only its id and topic, on a channel named after the
// current schema, so instances (and tests) in other schemas do not hear it.
//
// Each bus holds one connection of the gorm pool for LISTEN, for as long as it
// runs: give the pool at least two connections. That connection reads every
// new event once per instance and hands it to the local subscribers of its
// topic; when the connection drops, the bus reconnects with backoff and reads
// what was published meanwhile, so subscribers miss nothing.
//
// Publishers take a transaction-scoped advisory lock before inserting, so
// events become visible in id order: a reader that has seen id n has seen
// every event below n that will ever exist. This serialises publishing, which
// suits live updates (tens per second), not bulk loads.
type Postgres struct {
	db      *gorm.DB
	sqlDB   *sql.DB
	channel string
	lockKey int64
	opts    Options
	hub     *hub
	log     *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once

	lastID  int64 // the listener's cursor; only its goroutine touches it
	started bool

	listenPID atomic.Uint32 // backend of the listening connection, for tests
	sessions  atomic.Int64  // LISTENs that succeeded, for tests
}

var _ Bus = (*Postgres)(nil)

// NewPostgres migrates the events table (component "events"), starts the
// listening connection and returns once it listens, so that every event
// published after NewPostgres returns reaches the subscribers. ctx bounds the
// start only; the bus runs until Close.
func NewPostgres(ctx context.Context, db *gorm.DB, opts Options) (*Postgres, error) {
	if db == nil {
		return nil, errors.New("events: NewPostgres needs a database")
	}
	if name := db.Dialector.Name(); name != "postgres" {
		return nil, fmt.Errorf("events: NewPostgres needs PostgreSQL, not %s: use NewMemory for a single instance", name)
	}
	if err := migrate.Run(ctx, db, "events", migrations); err != nil {
		return nil, fmt.Errorf("events: migrate: %w", err)
	}
	var schema string
	if err := db.WithContext(ctx).Raw("SELECT current_schema()").Scan(&schema).Error; err != nil {
		return nil, fmt.Errorf("events: read current schema: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("events: connection pool: %w", err)
	}
	opts = opts.withDefaults()
	p := &Postgres{
		db:      db,
		sqlDB:   sqlDB,
		channel: ChannelName(schema),
		lockKey: lockKey(schema),
		opts:    opts,
		hub:     newHub(opts.Buffer, opts.Logger),
		log:     opts.Logger,
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	ready := make(chan error, 1)
	p.wg.Add(1)
	go p.listen(ready)
	select {
	case err := <-ready:
		if err != nil {
			p.Close()
			return nil, err
		}
	case <-ctx.Done():
		p.Close()
		return nil, fmt.Errorf("events: start listening: %w", ctx.Err())
	}
	if opts.Retention > 0 {
		p.wg.Add(1)
		go p.pruneLoop()
	}
	return p, nil
}

// ChannelName returns the NOTIFY channel of the buses working in schema:
// "incroci_events_" and 8 hex digits of the schema name's FNV-1a hash.
func ChannelName(schema string) string {
	h := fnv.New32a()
	h.Write([]byte(schema))
	return fmt.Sprintf("incroci_events_%08x", h.Sum32())
}

func lockKey(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("incroci-events:" + schema))
	return int64(h.Sum64() >> 1)
}

// Publish implements [Bus]: it stores the event and notifies every instance,
// in a transaction of its own.
func (p *Postgres) Publish(ctx context.Context, topic, typ string, data any) (Event, error) {
	return p.PublishTx(ctx, p.db, topic, typ, data)
}

// PublishTx publishes inside the caller's transaction tx: the event is stored
// and announced only if tx commits, so a rolled-back change never reaches a
// widget. The advisory lock that keeps ids in order is held until tx ends:
// publish as the last step of a transaction. A tx that is not a transaction
// gets one of its own.
func (p *Postgres) PublishTx(ctx context.Context, tx *gorm.DB, topic, typ string, data any) (Event, error) {
	if p.ctx.Err() != nil {
		return Event{}, ErrClosed
	}
	raw, err := encode(topic, typ, data)
	if err != nil {
		return Event{}, err
	}
	e := Event{Topic: topic, Type: typ, Data: raw, Time: time.Now().UTC().Truncate(time.Microsecond)}
	insert := func(tx *gorm.DB) error {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", p.lockKey).Error; err != nil {
			return fmt.Errorf("events: publish %s on %s: lock: %w", typ, topic, err)
		}
		if err := tx.Raw("INSERT INTO "+Table+" (topic, type, data, created_at) VALUES (?, ?, ?::jsonb, ?) RETURNING id",
			topic, typ, string(raw), e.Time).Scan(&e.ID).Error; err != nil {
			return fmt.Errorf("events: publish %s on %s: insert: %w", typ, topic, err)
		}
		if err := tx.Exec("SELECT pg_notify(?, ?)", p.channel, strconv.FormatInt(e.ID, 10)+" "+topic).Error; err != nil {
			return fmt.Errorf("events: publish %s on %s: notify: %w", typ, topic, err)
		}
		return nil
	}
	tx = tx.WithContext(ctx)
	if _, inTx := tx.Statement.ConnPool.(gorm.TxCommitter); inTx {
		err = insert(tx)
	} else {
		err = tx.Transaction(insert)
	}
	if err != nil {
		return Event{}, err
	}
	return e, nil
}

// Subscribe implements [Bus].
func (p *Postgres) Subscribe(ctx context.Context, topic string) (<-chan Event, error) {
	return p.hub.subscribe(ctx, topic)
}

// eventRow is how Since reads the table.
type eventRow struct {
	ID        int64
	Topic     string
	Type      string
	Data      string
	CreatedAt time.Time
}

func (r eventRow) event() Event {
	return Event{ID: r.ID, Topic: r.Topic, Type: r.Type, Data: json.RawMessage(r.Data), Time: r.CreatedAt.UTC()}
}

// Since implements [Bus], reading the table.
func (p *Postgres) Since(ctx context.Context, topic string, afterID int64, limit int) ([]Event, error) {
	if err := checkTopic(topic); err != nil {
		return nil, err
	}
	if p.ctx.Err() != nil {
		return nil, ErrClosed
	}
	var rows []eventRow
	if err := p.db.WithContext(ctx).Raw("SELECT id, topic, type, data::text AS data, created_at FROM "+Table+
		" WHERE topic = ? AND id > ? ORDER BY id LIMIT ?", topic, afterID, clampLimit(limit)).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("events: since %d on %s: %w", afterID, topic, err)
	}
	out := make([]Event, len(rows))
	for i, r := range rows {
		out[i] = r.event()
	}
	return out, nil
}

// Prune deletes the events published before before, and reports how many.
// The bus calls it every hour with Options.Retention.
func (p *Postgres) Prune(ctx context.Context, before time.Time) (int64, error) {
	res := p.db.WithContext(ctx).Exec("DELETE FROM "+Table+" WHERE created_at < ?", before.UTC())
	if res.Error != nil {
		return 0, fmt.Errorf("events: prune before %s: %w", before.Format(time.RFC3339), res.Error)
	}
	return res.RowsAffected, nil
}

// Close stops listening, closes every subscription and gives the listening
// connection up. It does not close the database.
func (p *Postgres) Close() error {
	p.once.Do(func() {
		p.cancel()
		p.wg.Wait()
		p.hub.close()
	})
	return nil
}

func (p *Postgres) pruneLoop() {
	defer p.wg.Done()
	t := time.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		ctx, cancel := context.WithTimeout(p.ctx, time.Minute)
		n, err := p.Prune(ctx, time.Now().Add(-p.opts.Retention))
		cancel()
		switch {
		case p.ctx.Err() != nil:
			return
		case err != nil:
			p.log.Warn("events: prune failed", "err", err)
		case n > 0:
			p.log.Debug("events: pruned old events", "count", n)
		}
		select {
		case <-p.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// listen keeps a listening connection until Close, reconnecting with
// backoff. The first outcome (listening, or the first error) goes to ready.
func (p *Postgres) listen(ready chan<- error) {
	defer p.wg.Done()
	backoff := minBackoff
	for {
		err := p.session(func() {
			backoff = minBackoff
			if ready != nil {
				ready <- nil
				ready = nil
			}
		})
		if p.ctx.Err() != nil {
			return
		}
		if ready != nil {
			ready <- fmt.Errorf("events: listen: %w", err)
			return
		}
		p.log.Warn("events: listening connection lost, reconnecting", "err", err, "in", backoff)
		select {
		case <-p.ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, maxBackoff)
	}
}

// session takes a connection from the pool, listens on it until it fails or
// the bus closes, and then discards it, so that a connection with a LISTEN
// never goes back to the pool.
func (p *Postgres) session(onListen func()) error {
	conn, err := p.sqlDB.Conn(p.ctx)
	if err != nil {
		return fmt.Errorf("events: get connection: %w", err)
	}
	defer conn.Close()
	var loopErr error
	conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			loopErr = fmt.Errorf("events: driver connection is %T, want pgx's stdlib.Conn", dc)
		} else {
			loopErr = p.loop(sc.Conn(), onListen)
		}
		return driver.ErrBadConn
	})
	return loopErr
}

// loop runs LISTEN, catches up, and then follows notifications.
func (p *Postgres) loop(c *pgx.Conn, onListen func()) error {
	if _, err := c.Exec(p.ctx, "LISTEN "+pgx.Identifier{p.channel}.Sanitize()); err != nil {
		return fmt.Errorf("events: listen on %s: %w", p.channel, err)
	}
	p.listenPID.Store(c.PgConn().PID())
	if !p.started {
		// Events committed before LISTEN are for Since; later ones are notified.
		if err := c.QueryRow(p.ctx, "SELECT COALESCE(MAX(id), 0) FROM "+Table).Scan(&p.lastID); err != nil {
			return fmt.Errorf("events: read last id: %w", err)
		}
		p.started = true
	} else if err := p.advance(c, 0); err != nil { // replay what happened while away
		return err
	}
	p.sessions.Add(1)
	onListen()
	for {
		wctx, cancel := context.WithTimeout(p.ctx, idleCheck)
		n, err := c.WaitForNotification(wctx)
		cancel()
		switch {
		case p.ctx.Err() != nil:
			return p.ctx.Err()
		case err != nil && errors.Is(err, context.DeadlineExceeded):
			// Quiet for a while: look at the table, which also proves the
			// connection alive and recovers a notification lost in transit.
			if err := p.advance(c, 0); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("events: wait for notification: %w", err)
		default:
			idText, _, _ := strings.Cut(n.Payload, " ")
			id, err := strconv.ParseInt(idText, 10, 64)
			if err != nil {
				p.log.Warn("events: ignoring malformed notification", "channel", n.Channel, "payload", n.Payload)
				continue
			}
			if err := p.advance(c, id); err != nil {
				return err
			}
		}
	}
}

// advance moves the cursor past the notified id (0 for "whatever is there"),
// reading the new events once and delivering them to local subscribers. With
// no subscribers at all it reads nothing: anyone subscribing later catches up
// with Since.
func (p *Postgres) advance(c *pgx.Conn, notified int64) error {
	if notified > 0 && notified <= p.lastID {
		return nil // already read with an earlier batch
	}
	if p.hub.idle() {
		if notified > 0 {
			p.lastID = notified
			return nil
		}
		var maxID int64
		if err := c.QueryRow(p.ctx, "SELECT COALESCE(MAX(id), 0) FROM "+Table).Scan(&maxID); err != nil {
			return fmt.Errorf("events: read last id: %w", err)
		}
		p.lastID = max(p.lastID, maxID)
		return nil
	}
	for {
		rows, err := c.Query(p.ctx, "SELECT id, topic, type, data::text, created_at FROM "+Table+
			" WHERE id > $1 ORDER BY id LIMIT $2", p.lastID, fetchPage)
		if err != nil {
			return fmt.Errorf("events: read events after %d: %w", p.lastID, err)
		}
		n := 0
		for rows.Next() {
			var r eventRow
			if err := rows.Scan(&r.ID, &r.Topic, &r.Type, &r.Data, &r.CreatedAt); err != nil {
				rows.Close()
				return fmt.Errorf("events: read events after %d: %w", p.lastID, err)
			}
			p.hub.deliver(r.event())
			p.lastID = r.ID
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("events: read events after %d: %w", p.lastID, err)
		}
		if n < fetchPage {
			return nil
		}
	}
}
