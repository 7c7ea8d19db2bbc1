package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci/internal/migrate"
	"github.com/incrocicomuni/incroci/internal/testdb"
)

// TestPostgresConcurrentTopics publishes on four topics from eight goroutines
// through two instances at once. Every subscriber of a topic, on either
// instance, gets every event of its topic once, in id order, ids 1, 2, 3…;
// so does a subscriber that keeps going away and resuming with Since.
func TestPostgresConcurrentTopics(t *testing.T) {
	const (
		nTopics     = 4
		nPublishers = 8
		perPub      = 200
		perTopic    = nPublishers * perPub / nTopics
	)
	ctx := context.Background()
	url := testdb.PostgresURL(t)
	opts := Options{Buffer: 2 * perTopic} // nobody is dropped for being slow
	b1 := newPostgres(t, openPostgres(t, url), opts)
	b2 := newPostgres(t, openPostgres(t, url), opts)
	buses := []*Postgres{b1, b2}
	topic := func(i int) string { return fmt.Sprintf("room:%d", i) }

	type payload struct{ P, I int }
	type got struct {
		who    string
		topic  string
		events []Event
		err    error
	}
	results := make(chan got, 16)

	// Steady subscribers: all topics on instance 1 (topic 0 twice), topics
	// 0 and 1 on instance 2.
	steady := func(who string, b *Postgres, tp string) {
		sub, err := b.Subscribe(ctx, tp)
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			r := got{who: who, topic: tp}
			timeout := time.After(60 * time.Second)
			for len(r.events) < perTopic {
				select {
				case e, ok := <-sub:
					if !ok {
						r.err = errors.New("subscription closed")
						results <- r
						return
					}
					r.events = append(r.events, e)
				case <-timeout:
					r.err = fmt.Errorf("timed out after %d events", len(r.events))
					results <- r
					return
				}
			}
			results <- r
		}()
	}
	nSubs := 0
	for i := range nTopics {
		steady("steady on 1", b1, topic(i))
		nSubs++
	}
	steady("second steady on 1", b1, topic(0))
	steady("steady on 2", b2, topic(0))
	steady("steady on 2", b2, topic(1))
	nSubs += 3

	// Resuming subscribers, as a widget that reconnects: subscribe, replay
	// with Since from the last id seen, read live skipping what the replay
	// gave, go away after a few events, come back. On instance 2 they are
	// alone on their topic, so the topic is dropped and followed afresh each
	// time; on instance 1 they share it with the steady ones.
	resuming := func(who string, b *Postgres, tp string, seed uint64) {
		go func() {
			r := got{who: who, topic: tp}
			rnd := rand.New(rand.NewPCG(seed, 7))
			var last int64
			deadline := time.Now().Add(60 * time.Second)
			for last < perTopic && r.err == nil {
				if time.Now().After(deadline) {
					r.err = fmt.Errorf("timed out at id %d", last)
					break
				}
				sctx, cancel := context.WithCancel(ctx)
				sub, err := b.Subscribe(sctx, tp)
				if err != nil {
					r.err = err
					cancel()
					break
				}
				for {
					page, err := b.Since(ctx, tp, last, 50)
					if err != nil {
						r.err = err
						break
					}
					for _, e := range page {
						r.events = append(r.events, e)
						last = e.ID
					}
					if len(page) < 50 {
						break
					}
				}
				for n := 1 + rnd.IntN(40); n > 0 && last < perTopic && r.err == nil; {
					select {
					case e, ok := <-sub:
						if !ok {
							r.err = errors.New("subscription closed")
							break
						}
						if e.ID <= last {
							continue
						}
						r.events = append(r.events, e)
						last = e.ID
						n--
					case <-time.After(time.Until(deadline)):
						r.err = fmt.Errorf("timed out live at id %d", last)
					}
				}
				cancel()
			}
			results <- r
		}()
	}
	resuming("resuming alone on 2", b2, topic(2), 1)
	resuming("resuming alone on 2", b2, topic(3), 2)
	resuming("resuming beside others on 1", b1, topic(0), 3)
	nSubs += 3

	// Publish.
	var mu sync.Mutex
	published := map[string]map[int64]payload{}
	for i := range nTopics {
		published[topic(i)] = map[int64]payload{}
	}
	var wg sync.WaitGroup
	errs := make(chan error, nPublishers)
	for p := range nPublishers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perPub {
				tp := topic((p + i) % nTopics)
				e, err := buses[(p+i/10)%2].Publish(ctx, tp, "m", payload{p, i})
				if err != nil {
					errs <- fmt.Errorf("publisher %d, event %d: %w", p, i, err)
					return
				}
				mu.Lock()
				if _, dup := published[tp][e.ID]; dup {
					errs <- fmt.Errorf("id %d given twice on %s", e.ID, tp)
				}
				published[tp][e.ID] = payload{p, i}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for tp, m := range published {
		if len(m) != perTopic {
			t.Errorf("%s: %d events published, want %d", tp, len(m), perTopic)
		}
	}

	for range nSubs {
		r := <-results
		if r.err != nil {
			t.Errorf("%s, %s: %v", r.who, r.topic, r.err)
		}
		for i, e := range r.events {
			if e.ID != int64(i+1) || e.Topic != r.topic {
				t.Errorf("%s, %s: event %d is %s id %d, want id %d", r.who, r.topic, i, e.Topic, e.ID, i+1)
				break
			}
			var d payload
			if err := json.Unmarshal(e.Data, &d); err != nil || d != published[r.topic][e.ID] {
				t.Errorf("%s, %s: id %d carries %s, published %+v", r.who, r.topic, e.ID, e.Data, published[r.topic][e.ID])
				break
			}
		}
	}
}

// TestPostgresRollbackGivesIDBack: a publisher waiting for the topic behind a
// transaction that rolls back gets the id the rolled-back event had, so the
// topic's ids stay gapless.
func TestPostgresRollbackGivesIDBack(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	b := newPostgres(t, db, Options{})
	sub, err := b.Subscribe(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	first, err := b.Publish(ctx, "c", "first", 1)
	if err != nil {
		t.Fatal(err)
	}

	tx := db.Begin()
	if tx.Error != nil {
		t.Fatal(tx.Error)
	}
	var holder int64
	if err := tx.Raw("SELECT pg_backend_pid()").Scan(&holder).Error; err != nil {
		t.Fatal(err)
	}
	rolled, err := b.PublishTx(ctx, tx, "c", "rolled.back", 2)
	if err != nil {
		t.Fatal(err)
	}
	if rolled.ID != first.ID+1 {
		t.Fatalf("id %d in the transaction after %d", rolled.ID, first.ID)
	}
	// Another publisher of the topic waits for the transaction to end.
	type result struct {
		e   Event
		err error
	}
	waiting := make(chan result, 1)
	go func() {
		e, err := b.Publish(ctx, "c", "waited", 3)
		waiting <- result{e, err}
	}()
	waitUntil(t, "the second publisher to wait for the topic", func() bool {
		var n int64
		db.Raw("SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))", holder).Scan(&n)
		return n > 0
	})
	// Publishing on another topic does not wait.
	if _, err := b.Publish(ctx, "other", "free", 4); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback().Error; err != nil {
		t.Fatal(err)
	}
	r := <-waiting
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.e.ID != first.ID+1 {
		t.Errorf("after a rollback the next event has id %d, want %d", r.e.ID, first.ID+1)
	}
	next, err := b.Publish(ctx, "c", "next", 5)
	if err != nil {
		t.Fatal(err)
	}
	if next.ID != first.ID+2 {
		t.Errorf("then id %d, want %d", next.ID, first.ID+2)
	}
	for _, want := range []Event{first, r.e, next} {
		if e := recv(t, sub); e.ID != want.ID || e.Type != want.Type {
			t.Fatalf("delivered %d %s, want %d %s", e.ID, e.Type, want.ID, want.Type)
		}
	}
	if all, _ := b.Since(ctx, "c", 0, 0); ids(all) != "[1 2 3]" {
		t.Errorf("Since(0) = %s", ids(all))
	}
}

// TestPostgresFollowsAfresh: a topic nobody follows any more is forgotten;
// its next subscriber starts from where the topic stands then, and does not
// receive what was published in between.
func TestPostgresFollowsAfresh(t *testing.T) {
	ctx := context.Background()
	url := testdb.PostgresURL(t)
	b1, b2 := newPostgres(t, openPostgres(t, url), Options{}), newPostgres(t, openPostgres(t, url), Options{})
	sctx, cancel := context.WithCancel(ctx)
	sub, err := b2.Subscribe(sctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := b1.Publish(ctx, "c", "m", 1); recv(t, sub).ID != e.ID {
		t.Fatal("first event not delivered")
	}
	cancel()
	waitClosed(t, sub)
	if _, ok := b2.hub.cursor("c"); ok {
		t.Error("the topic is still followed with no subscriber")
	}
	for i := range 3 {
		if _, err := b1.Publish(ctx, "c", "away", i); err != nil {
			t.Fatal(err)
		}
	}
	sub, err = b2.Subscribe(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	if cursor, _ := b2.hub.cursor("c"); cursor != 4 {
		t.Errorf("followed again from %d, want 4", cursor)
	}
	live, _ := b1.Publish(ctx, "c", "live", 5)
	if e := recv(t, sub); e.ID != live.ID || live.ID != 5 {
		t.Errorf("got %d, want the live event %d (5)", e.ID, live.ID)
	}
}

// TestPostgresMigratesStepOne upgrades a table of step 1, with global ids:
// old events keep their ids, so clients resume from the ids they hold, and
// new ones continue above them.
func TestPostgresMigratesStepOne(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	if err := migrate.Run(ctx, db, "events", migrations[:1]); err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC()
	for _, tp := range []string{"a", "b", "a", "b", "b", "gone"} { // ids 1…6
		if err := db.Exec("INSERT INTO "+Table+" (topic, type, data, created_at) VALUES (?, 'm', '{}', ?)", tp, at).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Exec("DELETE FROM " + Table + " WHERE topic = 'gone'").Error; err != nil { // pruned
		t.Fatal(err)
	}

	b := newPostgres(t, db, Options{})
	check := func(tp string, after int64, want string) {
		t.Helper()
		if got, err := b.Since(ctx, tp, after, 0); err != nil || ids(got) != want {
			t.Errorf("Since(%s, %d) = %s, %v; want %s", tp, after, ids(got), err, want)
		}
	}
	check("a", 0, "[1 3]")
	check("a", 1, "[3]")
	check("b", 2, "[4 5]")
	publish := func(tp string, want int64) {
		t.Helper()
		if e, err := b.Publish(ctx, tp, "new", nil); err != nil || e.ID != want {
			t.Errorf("Publish(%s) = id %d, %v; want %d", tp, e.ID, err, want)
		}
	}
	publish("a", 4)
	publish("b", 6)
	publish("gone", 7) // above the ids its pruned events had
	publish("fresh", 7)
	publish("fresh", 8)
	check("a", 3, "[4]")
	check("gone", 6, "[7]")
}

// TestPostgresPublishTxTwoTopics publishes on two topics in one transaction,
// as the help desk does for a message, from several goroutines at once.
func TestPostgresPublishTxTwoTopics(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	b := newPostgres(t, db, Options{Buffer: 100})
	staff, _ := b.Subscribe(ctx, "staff")
	public, _ := b.Subscribe(ctx, "public")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				err := db.Transaction(func(tx *gorm.DB) error {
					for _, tp := range []string{"staff", "public"} {
						if _, err := b.PublishTx(ctx, tx, tp, "message.created", g*100+i); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, sub := range []<-chan Event{staff, public} {
		for want := int64(1); want <= 40; want++ {
			if e := recv(t, sub); e.ID != want {
				t.Fatalf("%s: got %d, want %d", e.Topic, e.ID, want)
			}
		}
	}
}

// TestPostgresPublishEachTx publishes on two topics in one statement, from
// goroutines that name them in opposite orders (the bus locks them in one
// order, so none deadlocks), and checks the events returned and delivered.
func TestPostgresPublishEachTx(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	b := newPostgres(t, db, Options{Buffer: 100})
	staff, _ := b.Subscribe(ctx, "c:1:staff")
	public, _ := b.Subscribe(ctx, "c:1")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			topics := []string{"c:1:staff", "c:1"}
			if g%2 == 1 {
				topics = []string{"c:1", "c:1:staff"}
			}
			for i := range 10 {
				err := db.Transaction(func(tx *gorm.DB) error {
					es, err := b.PublishEachTx(ctx, tx, topics, "message.created", g*100+i)
					if err != nil {
						return err
					}
					for k, e := range es {
						if e.Topic != topics[k] || e.ID < 1 || e.ID > 40 || string(e.Data) != fmt.Sprint(g*100+i) {
							return fmt.Errorf("event %d for %s: %+v", k, topics[k], e)
						}
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, sub := range []<-chan Event{staff, public} {
		for want := int64(1); want <= 40; want++ {
			if e := recv(t, sub); e.ID != want {
				t.Fatalf("%s: got %d, want %d", e.Topic, e.ID, want)
			}
		}
	}
	// A topic named twice is published once; none is nothing.
	es, err := b.PublishEachTx(ctx, db, []string{"c:2", "c:2"}, "x", 1)
	if err != nil || len(es) != 2 || es[0].ID != 1 || es[1].ID != 1 {
		t.Fatalf("twice the same topic: %+v, %v", es, err)
	}
	if es, err := b.PublishEachTx(ctx, db, nil, "x", 1); err != nil || len(es) != 0 {
		t.Fatalf("no topic: %+v, %v", es, err)
	}
	if _, err := b.PublishEachTx(ctx, db, []string{"c:3", ""}, "x", 1); !errors.Is(err, ErrInvalid) {
		t.Fatalf("an empty topic: %v", err)
	}
}
