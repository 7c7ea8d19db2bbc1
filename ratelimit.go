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
