package incroci_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/mail"
	"gorm.io/gorm"
)

// downMailer stands for an SMTP server that is down: every send fails until
// it is switched up, then it hands messages to the real mailer.
type downMailer struct {
	up    atomic.Bool
	tries atomic.Int32
	next  mail.Mailer
}

func (d *downMailer) Send(ctx context.Context, m mail.Message) error {
	d.tries.Add(1)
	if !d.up.Load() {
		return errors.New("dial tcp: connection refused")
	}
	return d.next.Send(ctx, m)
}

func TestMailIsRetriedAndSurvivesRestarts(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		real, err := mail.NewSMTP(mail.SMTPConfig{Host: e.smtp.Host(), Port: e.smtp.Port(), From: "incroci <noreply@incroci.example.it>", TLS: mail.TLSNone})
		if err != nil {
			t.Fatal(err)
		}
		down := &downMailer{next: real}
		// A second hub instance on the same database whose mail server is down.
		p2, err := incroci.New(e.ctx, incroci.Config{DB: e.db, Secret: []byte("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"), Mailer: down, Now: e.clock.Now, Logger: quietLogger()})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.p.Close(e.ctx); err != nil { // only p2 sends from now on
			t.Fatal(err)
		}
		if err := p2.RequestActivation(e.ctx, incroci.ActivationRequest{Email: "r@comune.lodi.it"}, "203.0.113.1"); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for down.tries.Load() == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if down.tries.Load() == 0 {
			t.Fatal("the outbox never tried to send")
		}
		// The instance stops before the mail server comes back…
		if err := p2.Close(e.ctx); err != nil {
			t.Fatal(err)
		}
		// …and a fresh one, with the server up, delivers the queued mail once
		// its retry time has come.
		down.up.Store(true)
		e.clock.Add(time.Minute)
		p3, err := incroci.New(e.ctx, incroci.Config{DB: e.db, Secret: []byte("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"), Mailer: down, Now: e.clock.Now, Logger: quietLogger()})
		if err != nil {
			t.Fatal(err)
		}
		defer p3.Close(e.ctx)
		m := e.waitMail("r@comune.lodi.it", 0)
		if codePattern.FindStringSubmatch(m.Text) == nil {
			t.Fatalf("mail without code: %s", m.Text)
		}
		var left int64
		waitUntil(t, func() bool {
			e.db.Table("incroci_mail_outbox").Count(&left)
			return left == 0
		})
	})
}

func TestQueuedMailRollsBackWithItsTransaction(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		err := e.db.Transaction(func(tx *gorm.DB) error {
			if err := e.p.QueueMail(e.ctx, tx, mail.Message{To: []mail.Address{{Email: "ghost@example.org"}}, Subject: "never", Text: "never"}); err != nil {
				t.Fatal(err)
			}
			return errors.New("rolled back")
		})
		if err == nil {
			t.Fatal("transaction did not fail")
		}
		if err := e.p.QueueMail(e.ctx, nil, mail.Message{To: []mail.Address{{Email: "sync@example.org"}}, Subject: "sync", Text: "sync"}); err != nil {
			t.Fatal(err)
		}
		e.waitMail("sync@example.org", 0)
		if e.mailsTo("ghost@example.org") != 0 {
			t.Fatal("mail of a rolled-back transaction was sent")
		}
		if err := e.p.QueueMail(e.ctx, nil, mail.Message{Subject: "no recipient", Text: "x"}); !errors.Is(err, mail.ErrInvalidMessage) {
			t.Fatalf("invalid message queued: %v", err)
		}
	})
}

// countingMailer counts the messages it is given by subject.
type countingMailer struct {
	mu   sync.Mutex
	sent map[string]int
}

func (c *countingMailer) Send(ctx context.Context, m mail.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent[m.Subject]++
	return nil
}

func (c *countingMailer) count(subject string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sent[subject]
}

func (c *countingMailer) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.sent {
		n += v
	}
	return n
}

// TestQueuedMailIsSentOnceByTwoInstances queues mail while two hub instances
// share the outbox: each message is sent once, by one of them.
func TestQueuedMailIsSentOnceByTwoInstances(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		if err := e.p.Close(e.ctx); err != nil { // only the two below send
			t.Fatal(err)
		}
		a, b := &countingMailer{sent: map[string]int{}}, &countingMailer{sent: map[string]int{}}
		var hubs []*incroci.Platform
		for _, m := range []mail.Mailer{a, b} {
			p, err := incroci.New(e.ctx, incroci.Config{DB: e.db, Secret: []byte("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"), Mailer: m, Now: e.clock.Now, Logger: quietLogger()})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close(e.ctx)
			hubs = append(hubs, p)
		}
		const n = 40
		for i := range n {
			if err := hubs[i%2].QueueMail(e.ctx, nil, mail.Message{To: []mail.Address{{Email: "x@example.org"}}, Subject: fmt.Sprint("m", i), Text: "x"}); err != nil {
				t.Fatal(err)
			}
		}
		waitUntil(t, func() bool { return a.total()+b.total() >= n })
		var left int64
		waitUntil(t, func() bool {
			e.db.Table("incroci_mail_outbox").Count(&left)
			return left == 0
		})
		for i := range n {
			subject := fmt.Sprint("m", i)
			if got := a.count(subject) + b.count(subject); got != 1 {
				t.Fatalf("%s sent %d times", subject, got)
			}
		}
	})
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestMailOutlivesAWeekendOutage keeps the relay down for 60 hours: the
// outbox retries hourly and delivers when it is back. A message still
// refused after three days is marked failed, and Prune deletes it a week
// later (its sealed text is personal data).
func TestMailOutlivesAWeekendOutage(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		real, err := mail.NewSMTP(mail.SMTPConfig{Host: e.smtp.Host(), Port: e.smtp.Port(), From: "incroci <noreply@incroci.example.it>", TLS: mail.TLSNone})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.p.Close(e.ctx); err != nil { // only p2 sends from now on
			t.Fatal(err)
		}
		down := &downMailer{next: real}
		p2, err := incroci.New(e.ctx, incroci.Config{DB: e.db, Secret: []byte("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"), Mailer: down, Now: e.clock.Now, Logger: quietLogger()})
		if err != nil {
			t.Fatal(err)
		}
		defer p2.Close(e.ctx)
		state := func() (attempts int, failed bool) {
			var row struct {
				Attempts int
				FailedAt *time.Time
			}
			e.db.Table("incroci_mail_outbox").Select("attempts, failed_at").Order("id").Limit(1).Scan(&row)
			return row.Attempts, row.FailedAt != nil
		}
		// advance moves the clock by d and waits for the next attempt.
		advance := func(d time.Duration) {
			t.Helper()
			before, _ := state()
			e.clock.Add(d)
			p2.WakeMail()
			waitUntil(t, func() bool { n, f := state(); return f || n > before })
		}

		if err := p2.QueueMail(e.ctx, nil, mail.Message{To: []mail.Address{{Email: "weekend@example.org"}}, Subject: "invito", Text: "x"}); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, func() bool { n, _ := state(); return n == 1 })
		for range 60 { // from Friday night to Monday morning
			advance(time.Hour)
		}
		if n, failed := state(); failed || n < 60 {
			t.Fatalf("after 60 hours: %d attempts, failed %v", n, failed)
		}
		down.up.Store(true)
		e.clock.Add(time.Hour)
		p2.WakeMail()
		e.waitMail("weekend@example.org", 0)
		var left int64
		waitUntil(t, func() bool {
			e.db.Table("incroci_mail_outbox").Count(&left)
			return left == 0
		})

		// Three days down: given up, kept a week for the hub's operator to
		// see, then deleted.
		down.up.Store(false)
		if err := p2.QueueMail(e.ctx, nil, mail.Message{To: []mail.Address{{Email: "lost@example.org"}}, Subject: "perso", Text: "x"}); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, func() bool { n, _ := state(); return n == 1 })
		for i := 0; i < 80; i++ {
			if _, failed := state(); failed {
				break
			}
			advance(time.Hour)
		}
		if n, failed := state(); !failed || n < 70 {
			t.Fatalf("after three days: %d attempts, failed %v", n, failed)
		}
		if err := p2.Prune(e.ctx); err != nil {
			t.Fatal(err)
		}
		e.db.Table("incroci_mail_outbox").Count(&left)
		if left != 1 {
			t.Fatalf("%d rows right after failing, want 1", left)
		}
		e.clock.Add(8 * 24 * time.Hour)
		if err := p2.Prune(e.ctx); err != nil {
			t.Fatal(err)
		}
		e.db.Table("incroci_mail_outbox").Count(&left)
		if left != 0 {
			t.Fatalf("%d failed rows left after a week", left)
		}
	})
}
