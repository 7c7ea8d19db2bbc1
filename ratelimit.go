package incroci

import (
	"context"
	"fmt"
	"time"

	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
)

// limit counts a request in bucket for key (stored as a keyed hash, so no
// address is kept) and refuses it with a *httpx.RateLimitError when key
// already made max requests in the window. Counting in the database makes the
// limit hold across hub instances.
func (p *Platform) limit(ctx context.Context, tx *gorm.DB, bucket, key string, max int) error {
	now := p.now()
	since := now.Add(-p.cfg.RateWindow)
	k := p.keys.digest("rate", bucket, key)
	var hits []time.Time
	if err := tx.WithContext(ctx).Model(&rateHit{}).
		Where("bucket = ? AND key = ? AND at > ?", bucket, k, since).
		Order("at").Limit(max).Pluck("at", &hits).Error; err != nil {
		return fmt.Errorf("rate limit %s: %w", bucket, err)
	}
	if len(hits) >= max {
		return &httpx.RateLimitError{RetryAfter: hits[0].Add(p.cfg.RateWindow).Sub(now)}
	}
	if err := tx.WithContext(ctx).Create(&rateHit{Bucket: bucket, Key: k, At: now}).Error; err != nil {
		return fmt.Errorf("rate limit %s: record: %w", bucket, err)
	}
	return nil
}

// Prune deletes what has expired: rate-limit hits, used and expired
// activations, expired sessions and used host tokens. The hub calls it
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
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			return fmt.Errorf("incroci: prune %s: %w", s.what, err)
		}
	}
	return nil
}
