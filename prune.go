package incroci

import (
	"context"
	"fmt"
	"time"
)

// Prune deletes what has expired: rate-limit hits, used and expired
// activations, expired sessions, used host tokens, e-mails that the outbox
// gave up on more than a week ago (outboxKeepFailed) and, when
// Config.AuditRetention is set, older audit entries. The hub calls it
// periodically; it is safe to call from several instances.
func (p *Platform) Prune(ctx context.Context) error {
	now := p.now()
	db := p.db.WithContext(ctx)
	steps := []struct {
		what string
		run  func() error
	}{
		{"rate hits", func() error { return db.Where("at < ?", now.Add(-p.cfg.RateWindow)).Delete(&rateHit{}).Error }},
		{"activations", func() error { return db.Where("expires_at < ?", now.Add(-time.Hour)).Delete(&activation{}).Error }},
		{"sessions", func() error { return db.Where("expires_at < ?", now.Add(-24*time.Hour)).Delete(&Session{}).Error }},
		{"host tokens", func() error { return db.Where("expires_at < ?", now).Delete(&usedAssertion{}).Error }},
		{"idempotency keys", func() error {
			return db.Where("created_at < ?", now.Add(-idempotencyTTL)).Delete(&idempotentRequest{}).Error
		}},
		{"failed mail", func() error {
			return db.Where("failed_at IS NOT NULL AND failed_at < ?", now.Add(-outboxKeepFailed)).Delete(&outboxRow{}).Error
		}},
		{"audit entries", func() error {
			if p.cfg.AuditRetention <= 0 {
				return nil
			}
			return db.Where("at < ?", now.Add(-p.cfg.AuditRetention)).Delete(&AuditEntry{}).Error
		}},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			return fmt.Errorf("incroci: prune %s: %w", s.what, err)
		}
	}
	return nil
}
