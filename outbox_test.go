package incroci_test

import (
	"context"
	"errors"
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
