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
	"slices"
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
// Ids are numbered per topic: the row of the topic in incroci_event_topics
// gives the next one. A publisher holds that row locked until its transaction
// ends, so the events of a topic become visible in id order: a reader that
// has seen id n of a topic has seen every id below n of that topic that will
// ever exist. Publishers of different topics do not wait for one another.
//
// Each bus holds one connection of the gorm pool for LISTEN, for as long as it
// runs: give the pool at least two connections. For each topic that has local
// subscribers, that connection reads each new event once per instance, in id
// order, and hands it to them; notifications about other topics cost nothing
// but their parsing. When the connection drops, the bus reconnects with
// backoff and reads what was published meanwhile, so subscribers miss nothing.
type Postgres struct {
	db       *gorm.DB
	sqlDB    *sql.DB
	channel  string
	firstSeq int64 // the id of a topic's first event
	opts     Options
	hub      *hub
	log      *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once

	listenPID atomic.Uint32 // backend of the listening connection, for tests
	sessions  atomic.Int64  // LISTENs that succeeded, for tests
}

var _ Bus = (*Postgres)(nil)

// NewPostgres migrates the events tables (component "events"), starts the
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
	var base int64 // see migration step 2
	if err := db.WithContext(ctx).Raw("SELECT COALESCE(MAX(seq), 0) FROM " + TopicsTable + " WHERE topic = ''").Scan(&base).Error; err != nil {
		return nil, fmt.Errorf("events: read first id: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("events: connection pool: %w", err)
	}
	opts = opts.withDefaults()
	p := &Postgres{
		db:       db,
		sqlDB:    sqlDB,
		channel:  ChannelName(schema),
		firstSeq: base + 1,
		opts:     opts,
		hub:      newHub(opts.Buffer, opts.Logger),
		log:      opts.Logger,
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

// Publish implements [Bus]: it stores the event and notifies every instance,
// in a transaction of its own.
func (p *Postgres) Publish(ctx context.Context, topic, typ string, data any) (Event, error) {
	return p.PublishTx(ctx, p.db, topic, typ, data)
}

// publishSQL takes the next id of each topic, locking the topics' rows in the
// order given until the transaction ends, stores the events and queues their
// notifications (sent on commit), in one round trip. A rollback gives the ids
// back. %s is one "(?::text, n)" per topic.
const publishSQL = `WITH v (topic, ord) AS (VALUES %s), t AS (
	INSERT INTO ` + TopicsTable + ` AS t (topic, seq) SELECT topic, ?::bigint FROM v ORDER BY ord
	ON CONFLICT (topic) DO UPDATE SET seq = t.seq + 1 RETURNING topic, seq
), e AS (
	INSERT INTO ` + Table + ` (topic, seq, type, data, created_at)
	SELECT topic, seq, ?, ?::jsonb, ? FROM t RETURNING topic, seq
)
SELECT e.topic, e.seq FROM e, pg_notify(?, e.seq::text || ' ' || e.topic)`

// publishSQLOne is publishSQL for one topic, the most frequent case.
var publishSQLOne = fmt.Sprintf(publishSQL, "(?::text, 1)")

// PublishTx publishes inside the caller's transaction tx: the event is stored
// and announced only if tx commits, so a rolled-back change never reaches a
// widget. Other publishers of the same topic wait until tx ends (that keeps
// the topic's ids in order): publish as the last step of a transaction. A
// transaction that publishes on several topics should take them in a fixed
// order, as every other such transaction does (PublishEachTx does it), or
// PostgreSQL may end one of two transactions waiting for each other with a
// deadlock error. A tx that is not a transaction gets one of its own.
func (p *Postgres) PublishTx(ctx context.Context, tx *gorm.DB, topic, typ string, data any) (Event, error) {
	es, err := p.PublishEachTx(ctx, tx, []string{topic}, typ, data)
	if err != nil {
		return Event{}, err
	}
	return es[0], nil
}

// PublishEachTx publishes the same event on each of topics, as PublishTx
// does, in one statement. It takes the topics in their sorted order, so that
// transactions publishing on overlapping topics never wait for each other in
// a cycle; the events come back in the order of topics. A topic given twice
// is published once.
func (p *Postgres) PublishEachTx(ctx context.Context, tx *gorm.DB, topics []string, typ string, data any) ([]Event, error) {
	if p.ctx.Err() != nil {
		return nil, ErrClosed
	}
	if len(topics) == 0 {
		return nil, nil
	}
	for _, topic := range topics[1:] {
		if err := checkTopic(topic); err != nil {
			return nil, err
		}
	}
	raw, err := encode(topics[0], typ, data)
	if err != nil {
		return nil, err
	}
	sorted := slices.Compact(slices.Sorted(slices.Values(topics)))
	at := time.Now().UTC().Truncate(time.Microsecond)
	query := publishSQLOne
	args := make([]any, 0, len(sorted)+6)
	if len(sorted) > 1 {
		values := make([]string, len(sorted))
		for i := range sorted {
			values[i] = fmt.Sprintf("(?::text, %d)", i+1)
		}
		query = fmt.Sprintf(publishSQL, strings.Join(values, ", "))
	}
	for _, topic := range sorted {
		args = append(args, topic)
	}
	args = append(args, p.firstSeq, typ, string(raw), at, p.channel)
	ids := make(map[string]int64, len(sorted))
	insert := func(tx *gorm.DB) error {
		rows, err := tx.Raw(query, args...).Rows()
		if err != nil {
			return fmt.Errorf("events: publish %s on %s: %w", typ, strings.Join(sorted, ", "), err)
		}
		defer rows.Close()
		for rows.Next() {
			var topic string
			var id int64
			if err := rows.Scan(&topic, &id); err != nil {
				return fmt.Errorf("events: publish %s: %w", typ, err)
			}
			ids[topic] = id
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("events: publish %s on %s: %w", typ, strings.Join(sorted, ", "), err)
		}
		if len(ids) != len(sorted) {
			return fmt.Errorf("events: publish %s: %d of %d topics stored", typ, len(ids), len(sorted))
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
		return nil, err
	}
	out := make([]Event, len(topics))
	for i, topic := range topics {
		out[i] = Event{ID: ids[topic], Topic: topic, Type: typ, Data: raw, Time: at}
	}
	return out, nil
}

// Subscribe implements [Bus]. The first local subscriber of a topic reads
// where the topic stands, its last committed id; the listener delivers what
// follows.
func (p *Postgres) Subscribe(ctx context.Context, topic string) (<-chan Event, error) {
	if err := checkTopic(topic); err != nil {
		return nil, err
	}
	if p.ctx.Err() != nil {
		return nil, ErrClosed
	}
	ch, err := p.hub.subscribe(ctx, topic, -1)
	if !errors.Is(err, errNotFollowed) {
		return ch, err
	}
	var last int64
	if err := p.db.WithContext(ctx).Raw("SELECT COALESCE(MAX(seq), 0) FROM "+TopicsTable+" WHERE topic = ?", topic).
		Scan(&last).Error; err != nil {
		return nil, fmt.Errorf("events: subscribe to %s: %w", topic, err)
	}
	return p.hub.subscribe(ctx, topic, last)
}

// eventRow is how Since and the listener read the table.
type eventRow struct {
	Seq       int64
	Topic     string
	Type      string
	Data      string
	CreatedAt time.Time
}

func (r eventRow) event() Event {
	return Event{ID: r.Seq, Topic: r.Topic, Type: r.Type, Data: json.RawMessage(r.Data), Time: r.CreatedAt.UTC()}
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
	if err := p.db.WithContext(ctx).Raw("SELECT seq, topic, type, data::text AS data, created_at FROM "+Table+
		" WHERE topic = ? AND seq > ? ORDER BY seq LIMIT ?", topic, afterID, clampLimit(limit)).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("events: since %d on %s: %w", afterID, topic, err)
	}
	out := make([]Event, len(rows))
	for i, r := range rows {
		out[i] = r.event()
	}
	return out, nil
}

// Prune deletes the events published before before, and reports how many.
// The bus calls it every hour with Options.Retention. The topics keep their
// counters, so ids are never given out twice.
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
	// Replay what was published while away (nothing on the first LISTEN: a
	// topic is followed from where it stands when its first subscriber comes).
	if err := p.catchUp(c); err != nil {
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
			if err := p.catchUp(c); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("events: wait for notification: %w", err)
		default:
			idText, topic, _ := strings.Cut(n.Payload, " ")
			id, err := strconv.ParseInt(idText, 10, 64)
			if err != nil || topic == "" {
				p.log.Warn("events: ignoring malformed notification", "channel", n.Channel, "payload", n.Payload)
				continue
			}
			if cursor, ok := p.hub.cursor(topic); !ok || id <= cursor {
				continue // nobody here follows topic, or already read with an earlier batch
			}
			if err := p.advance(c, topic); err != nil {
				return err
			}
		}
	}
}

// catchUp advances every followed topic that has events past its cursor.
func (p *Postgres) catchUp(c *pgx.Conn) error {
	cursors := p.hub.cursors()
	if len(cursors) == 0 {
		return nil
	}
	topics := make([]string, 0, len(cursors))
	for t := range cursors {
		topics = append(topics, t)
	}
	rows, err := c.Query(p.ctx, "SELECT topic, seq FROM "+TopicsTable+" WHERE topic = ANY($1)", topics)
	if err != nil {
		return fmt.Errorf("events: read topics: %w", err)
	}
	var behind []string
	for rows.Next() {
		var t string
		var seq int64
		if err := rows.Scan(&t, &seq); err != nil {
			rows.Close()
			return fmt.Errorf("events: read topics: %w", err)
		}
		if seq > cursors[t] {
			behind = append(behind, t)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("events: read topics: %w", err)
	}
	for _, t := range behind {
		if err := p.advance(c, t); err != nil {
			return err
		}
	}
	return nil
}

// advance reads the events of topic after its cursor, in id order, and
// delivers them to the local subscribers, until it has read all there are.
// It stops when nobody follows topic any more.
func (p *Postgres) advance(c *pgx.Conn, topic string) error {
	for {
		after, ok := p.hub.cursor(topic)
		if !ok {
			return nil
		}
		page, err := p.read(c, topic, after)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		if !p.hub.deliverAfter(topic, after, page) {
			continue // the topic was dropped and perhaps followed afresh: look again
		}
		if len(page) < fetchPage {
			return nil
		}
	}
}

// read returns up to fetchPage events of topic after id after.
func (p *Postgres) read(c *pgx.Conn, topic string, after int64) ([]Event, error) {
	rows, err := c.Query(p.ctx, "SELECT seq, type, data::text, created_at FROM "+Table+
		" WHERE topic = $1 AND seq > $2 ORDER BY seq LIMIT $3", topic, after, fetchPage)
	if err != nil {
		return nil, fmt.Errorf("events: read %s after %d: %w", topic, after, err)
	}
	defer rows.Close()
	var page []Event
	for rows.Next() {
		r := eventRow{Topic: topic}
		if err := rows.Scan(&r.Seq, &r.Type, &r.Data, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("events: read %s after %d: %w", topic, after, err)
		}
		page = append(page, r.event())
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events: read %s after %d: %w", topic, after, err)
	}
	return page, nil
}
