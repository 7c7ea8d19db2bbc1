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
	if tx.Dialector.Name() == "postgres" {
		// Count and record as one step, so concurrent requests cannot all
		// slip under the limit; SQLite's single writer already does this.
		return tx.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", k).Error; err != nil {
				return fmt.Errorf("rate limit %s: lock: %w", bucket, err)
			}
			return p.count(ctx, tx, bucket, k, since, now, max)
		})
	}
	return p.count(ctx, tx, bucket, k, since, now, max)
}

func (p *Platform) count(ctx context.Context, tx *gorm.DB, bucket, k string, since, now time.Time, max int) error {
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
