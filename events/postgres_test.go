package events

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/incrocicomuni/incroci/internal/testdb"
)

// openPostgres opens one more *gorm.DB on the schema at url, as a second hub
// instance would.
func openPostgres(t *testing.T, url string) *gorm.DB {
	t.Helper()
	db, err := gorm.Open(postgres.Open(url), &gorm.Config{Logger: logger.Discard, TranslateError: true})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	t.Cleanup(func() { sqlDB.Close() })
	return db
}

func newPostgres(t *testing.T, db *gorm.DB, opts Options) *Postgres {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	b, err := NewPostgres(context.Background(), db, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func TestPostgres(t *testing.T) {
	testBus(t, func(t *testing.T, opts Options) (Bus, *hub) {
		b := newPostgres(t, testdb.Postgres(t), opts)
		return b, b.hub
	})
}

func TestPostgresAcrossInstances(t *testing.T) {
	ctx := context.Background()
	url := testdb.PostgresURL(t)
	db1, db2 := openPostgres(t, url), openPostgres(t, url)
	b1, b2 := newPostgres(t, db1, Options{}), newPostgres(t, db2, Options{})
	if b1.channel != b2.channel {
		t.Fatalf("instances on one schema listen on %s and %s", b1.channel, b2.channel)
	}

	sub, err := b2.Subscribe(ctx, "consultation:7")
	if err != nil {
		t.Fatal(err)
	}
	sent, err := b1.Publish(ctx, "consultation:7", "message.created", map[string]string{"text": "buongiorno"})
	if err != nil {
		t.Fatal(err)
	}
	got := recv(t, sub)
	if got.ID != sent.ID || got.Type != "message.created" || !got.Time.Equal(sent.Time) {
		t.Fatalf("got %+v, want %+v", got, sent)
	}
	if string(got.Data) != `{"text": "buongiorno"}` && string(got.Data) != `{"text":"buongiorno"}` {
		t.Errorf("data = %s", got.Data)
	}
	// And back: the topic's ids are shared, so the second instance continues
	// the sequence, with no gap.
	back, err := b2.Publish(ctx, "consultation:7", "message.read", nil)
	if err != nil {
		t.Fatal(err)
	}
	if sent.ID != 1 || back.ID != sent.ID+1 {
		t.Errorf("id %d from instance 2 after %d from instance 1, want 1 then 2", back.ID, sent.ID)
	}
	if e := recv(t, sub); e.ID != back.ID {
		t.Errorf("got %d, want %d", e.ID, back.ID)
	}
}

func TestPostgresPublishTx(t *testing.T) {
	ctx := context.Background()
	url := testdb.PostgresURL(t)
	db1, db2 := openPostgres(t, url), openPostgres(t, url)
	b1, b2 := newPostgres(t, db1, Options{}), newPostgres(t, db2, Options{})
	sub, err := b2.Subscribe(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}

	errRollback := errors.New("rollback")
	err = db1.Transaction(func(tx *gorm.DB) error {
		if _, err := b1.PublishTx(ctx, tx, "c", "rolled.back", 1); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	var committed Event
	err = db1.Transaction(func(tx *gorm.DB) error {
		committed, err = b1.PublishTx(ctx, tx, "c", "committed", 2)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The rolled-back event would arrive first; the committed one must.
	if e := recv(t, sub); e.ID != committed.ID || e.Type != "committed" {
		t.Fatalf("first event delivered is %+v, want the committed one", e)
	}
	if all, _ := b2.Since(ctx, "c", 0, 0); len(all) != 1 {
		t.Errorf("table holds %s, want only the committed event", ids(all))
	}
}

func TestPostgresResumeWithSince(t *testing.T) {
	ctx := context.Background()
	url := testdb.PostgresURL(t)
	b1, b2 := newPostgres(t, openPostgres(t, url), Options{}), newPostgres(t, openPostgres(t, url), Options{})

	sctx, cancel := context.WithCancel(ctx)
	sub, err := b2.Subscribe(sctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	first, _ := b1.Publish(ctx, "c", "m", 1)
	last := recv(t, sub).ID
	if last != first.ID {
		t.Fatalf("got %d, want %d", last, first.ID)
	}
	cancel() // the widget goes away
	waitClosed(t, sub)
	var missed []int64
	for i := range 3 {
		e, err := b1.Publish(ctx, "c", "m", i+2)
		if err != nil {
			t.Fatal(err)
		}
		missed = append(missed, e.ID)
	}
	// It comes back: subscribe first, then replay.
	sub, err = b2.Subscribe(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	replay, err := b2.Since(ctx, "c", last, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(replay) != 3 || replay[0].ID != missed[0] || replay[2].ID != missed[2] {
		t.Fatalf("replay = %s, want %v", ids(replay), missed)
	}
	live, _ := b1.Publish(ctx, "c", "m", 5)
	// Events the replay already gave may also come live (the listener may
	// still be catching up): a client skips ids it has seen.
	e := recv(t, sub)
	for e.ID <= replay[2].ID {
		e = recv(t, sub)
	}
	if e.ID != live.ID {
		t.Errorf("live event %d, want %d", e.ID, live.ID)
	}
}

func TestPostgresReconnects(t *testing.T) {
	ctx := context.Background()
	url := testdb.PostgresURL(t)
	db1 := openPostgres(t, url)
	b1, b2 := newPostgres(t, db1, Options{}), newPostgres(t, openPostgres(t, url), Options{})
	sub, err := b2.Subscribe(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	before, _ := b1.Publish(ctx, "c", "m", 1)
	if e := recv(t, sub); e.ID != before.ID {
		t.Fatalf("got %d, want %d", e.ID, before.ID)
	}

	pid := b2.listenPID.Load()
	var killed bool
	if err := db1.Raw("SELECT pg_terminate_backend(?)", pid).Scan(&killed).Error; err != nil || !killed {
		t.Fatalf("terminate listener backend %d: %v, %v", pid, killed, err)
	}
	// Published while instance 2 is (or is about to be) away: it must still
	// arrive, either notified after the reconnection or replayed from the table.
	var sent []int64
	for i := range 3 {
		e, err := b1.Publish(ctx, "c", "m", i)
		if err != nil {
			t.Fatal(err)
		}
		sent = append(sent, e.ID)
	}
	for _, want := range sent {
		if e := recv(t, sub); e.ID != want {
			t.Fatalf("after reconnecting got %d, want %d", e.ID, want)
		}
	}
	waitUntil(t, "a second LISTEN", func() bool { return b2.sessions.Load() >= 2 })
	if b2.listenPID.Load() == pid {
		t.Error("listening on the terminated backend")
	}
	after, _ := b1.Publish(ctx, "c", "m", 9)
	if e := recv(t, sub); e.ID != after.ID {
		t.Errorf("got %d, want %d", e.ID, after.ID)
	}
}

func TestPostgresPrune(t *testing.T) {
	ctx := context.Background()
	b := newPostgres(t, testdb.Postgres(t), Options{Retention: -1})
	for i := range 3 {
		if _, err := b.Publish(ctx, "c", "m", i); err != nil {
			t.Fatal(err)
		}
	}
	all, _ := b.Since(ctx, "c", 0, 0)
	n, err := b.Prune(ctx, all[1].Time.Add(time.Microsecond))
	if err != nil || n != 2 {
		t.Fatalf("Prune = %d, %v; want 2", n, err)
	}
	left, _ := b.Since(ctx, "c", 0, 0)
	if len(left) != 1 || left[0].ID != all[2].ID {
		t.Errorf("left %s", ids(left))
	}
}

func TestNewPostgresRefusesSQLite(t *testing.T) {
	if _, err := NewPostgres(context.Background(), testdb.SQLite(t), Options{}); err == nil {
		t.Fatal("NewPostgres accepted SQLite")
	}
}

func TestChannelName(t *testing.T) {
	a, b := ChannelName("public"), ChannelName("t_0123456789ab")
	if a == b || len(a) != len("incroci_events_")+8 {
		t.Errorf("ChannelName: %q, %q", a, b)
	}
}

func TestPostgresTable(t *testing.T) {
	db := testdb.Postgres(t)
	newPostgres(t, db, Options{})
	newPostgres(t, db, Options{}) // a second start finds the table migrated
	var cols []struct {
		ColumnName    string
		DataType      string
		ColumnDefault *string
		IsNullable    string
	}
	if err := db.Raw(`SELECT column_name, data_type, column_default, is_nullable FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`, Table).Scan(&cols).Error; err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"id": "bigint", "topic": "character varying", "type": "character varying", "data": "jsonb", "created_at": "timestamp with time zone", "seq": "bigint"}
	if len(cols) != len(want) {
		t.Fatalf("columns %+v", cols)
	}
	for _, c := range cols {
		if want[c.ColumnName] != c.DataType || c.IsNullable != "NO" {
			t.Errorf("column %s: %s nullable %s", c.ColumnName, c.DataType, c.IsNullable)
		}
		if c.ColumnName == "id" && (c.ColumnDefault == nil || !strings.HasPrefix(*c.ColumnDefault, "nextval(")) {
			t.Errorf("id has no sequence default")
		}
	}
	var indexes []string
	if err := db.Raw(`SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ? ORDER BY indexname`, Table).
		Scan(&indexes).Error; err != nil {
		t.Fatal(err)
	}
	if len(indexes) != 3 || !strings.Contains(indexes[0], "(created_at)") || !strings.Contains(indexes[1], "(id)") ||
		!strings.Contains(indexes[2], "UNIQUE INDEX incroci_events_topic_seq") || !strings.Contains(indexes[2], "(topic, seq)") {
		t.Errorf("indexes of %s: %q", Table, indexes)
	}
	var topics []struct {
		Topic string
		Seq   int64
	}
	if err := db.Raw("SELECT topic, seq FROM " + TopicsTable).Scan(&topics).Error; err != nil {
		t.Fatal(err)
	}
	if len(topics) != 1 || topics[0].Topic != "" || topics[0].Seq != 0 {
		t.Errorf("a fresh %s holds %+v, want only the empty topic at 0", TopicsTable, topics)
	}
}

func TestPostgresCloseDropsListeningConnection(t *testing.T) {
	db := testdb.Postgres(t)
	b := newPostgres(t, db, Options{})
	pid := b.listenPID.Load()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	// The connection that ran LISTEN is closed, not returned to the pool.
	waitUntil(t, "the listening backend to end", func() bool {
		var n int64
		db.Raw("SELECT count(*) FROM pg_stat_activity WHERE pid = ?", pid).Scan(&n)
		return n == 0
	})
}
