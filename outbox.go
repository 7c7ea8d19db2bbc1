package incroci

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/incrocicomuni/incroci/mail"
	"gorm.io/gorm"
)

// outboxRow is an e-mail waiting to be handed to the mailer. It is written
// in the same transaction as the change it announces, so an acknowledged
// request never loses its e-mail, not even to a crash; the message is sealed,
// since it may carry a sign-in code, and the row is deleted once sent.
type outboxRow struct {
	ID           int64      `gorm:"primaryKey"`
	Sealed       string     `gorm:"type:text;not null"`
	Attempts     int        `gorm:"not null;default:0"`
	NextAt       time.Time  `gorm:"not null;index"`
	ClaimedUntil *time.Time ``
	FailedAt     *time.Time ``
	LastError    string     `gorm:"type:text;not null;default:''"`
	CreatedAt    time.Time  ``
}

func (outboxRow) TableName() string { return "incroci_mail_outbox" }

// The outbox's schedule. A message that the mailer refuses is retried after
// 15 s, 1 min, 4 min, 16 min, then every hour (see backoff), for as long as
// it is younger than outboxGiveUp: three days, so that a relay down over a
// weekend still delivers activation links and calendar invitations on
// Monday. Then, or at once for a message the mailer calls invalid, it is
// marked failed and logged; Prune deletes failed messages outboxKeepFailed
// after they failed, since their sealed text is personal data.
const (
	outboxGiveUp     = 72 * time.Hour
	outboxKeepFailed = 7 * 24 * time.Hour
	outboxClaim      = 2 * time.Minute
	outboxPoll       = 2 * time.Second
)

// outbox delivers queued e-mails in order, retrying with backoff for up to
// outboxGiveUp; several hub instances share one table safely.
type outbox struct {
	p    *Platform
	log  *slog.Logger
	wake chan struct{}
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func newOutbox(p *Platform) *outbox {
	o := &outbox{p: p, log: p.log, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go o.run()
	return o
}

// QueueMail stores m in tx to be sent once tx commits (or at once, when tx
// is nil), and the sender retries it with backoff until the mailer takes it
// or three days have passed (see outboxGiveUp).
// Modules use it for every e-mail that announces a change, then call
// WakeMail after the commit.
func (p *Platform) QueueMail(ctx context.Context, tx *gorm.DB, m mail.Message) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("incroci: queue mail: %w", err)
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("incroci: queue mail: %w", err)
	}
	if tx == nil {
		tx = p.db
	}
	now := p.now()
	row := outboxRow{Sealed: p.keys.sealString(raw, "outbox"), NextAt: now, CreatedAt: now}
	if err := tx.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("incroci: queue mail: %w", err)
	}
	if tx == p.db {
		p.outbox.poke()
	}
	return nil
}

// WakeMail tells the sender to look for queued e-mails now, rather than at
// its next poll: call it after committing a transaction that queued mail.
func (p *Platform) WakeMail() { p.outbox.poke() }

// poke wakes the worker without blocking.
func (o *outbox) poke() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

func (o *outbox) run() {
	defer close(o.done)
	t := time.NewTicker(outboxPoll)
	defer t.Stop()
	for {
		for o.deliverOne() {
			select {
			case <-o.stop:
				return
			default:
			}
		}
		select {
		case <-o.stop:
			return
		case <-o.wake:
		case <-t.C:
		}
	}
}

// deliverOne claims the oldest due message, sends it and records the
// outcome. It reports whether there may be more to do.
func (o *outbox) deliverOne() bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p := o.p
	now := p.now()
	row, err := o.claim(ctx, now)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return false
	}
	if err != nil {
		o.log.Error("mail outbox: claim", "err", err)
		return false
	}
	var m mail.Message
	raw, err := p.keys.open(row.Sealed, "outbox")
	if err == nil {
		err = json.Unmarshal(raw, &m)
	}
	if err == nil {
		err = p.mailer.Send(ctx, m)
	}
	// Single statements: no transaction around them.
	db := p.db.WithContext(ctx).Session(&gorm.Session{SkipDefaultTransaction: true})
	if err == nil {
		if derr := db.Delete(&outboxRow{}, row.ID).Error; derr != nil {
			o.log.Error("mail outbox: delete sent message", "id", row.ID, "err", derr)
		}
		return true
	}
	attempts := row.Attempts + 1
	updates := map[string]any{"attempts": attempts, "claimed_until": nil, "last_error": err.Error(),
		"next_at": p.now().Add(backoff(attempts))}
	if !p.now().Before(row.CreatedAt.Add(outboxGiveUp)) || errors.Is(err, mail.ErrInvalidMessage) {
		updates["failed_at"] = p.now()
		o.log.Error("mail outbox: giving up", "id", row.ID, "attempts", attempts, "err", err)
	} else {
		o.log.Warn("mail outbox: send failed, will retry", "id", row.ID, "attempts", attempts, "err", err)
	}
	if uerr := db.Model(&outboxRow{}).Where("id = ?", row.ID).Updates(updates).Error; uerr != nil {
		o.log.Error("mail outbox: record failure", "id", row.ID, "err", uerr)
	}
	return true
}

// claimSQL claims the oldest due message for outboxClaim and returns it, in
// one statement; %s is the locking clause, which skips rows that another
// instance is claiming on PostgreSQL (SQLite has one writer).
const claimSQL = `UPDATE incroci_mail_outbox SET claimed_until = ? WHERE id = (
	SELECT id FROM incroci_mail_outbox
	WHERE failed_at IS NULL AND next_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
	ORDER BY id LIMIT 1 %s)
RETURNING id, sealed, attempts, next_at, claimed_until, failed_at, last_error, created_at`

// claim takes the oldest message due at now, or gorm.ErrRecordNotFound.
func (o *outbox) claim(ctx context.Context, now time.Time) (outboxRow, error) {
	db := o.p.db.WithContext(ctx)
	lock := ""
	if db.Dialector.Name() == "postgres" {
		lock = "FOR UPDATE SKIP LOCKED"
	}
	var rows []outboxRow
	if err := db.Raw(fmt.Sprintf(claimSQL, lock), now.Add(outboxClaim), now, now).Scan(&rows).Error; err != nil {
		return outboxRow{}, fmt.Errorf("incroci: claim queued mail: %w", err)
	}
	if len(rows) == 0 {
		return outboxRow{}, gorm.ErrRecordNotFound
	}
	return rows[0], nil
}

// backoff is 15 s, 1 min, 4 min… capped at one hour.
func backoff(attempts int) time.Duration {
	d := 15 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 4
	}
	return min(d, time.Hour)
}

func (o *outbox) close(ctx context.Context) error {
	o.once.Do(func() { close(o.stop) })
	select {
	case <-o.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
