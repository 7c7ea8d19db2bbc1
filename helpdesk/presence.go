package helpdesk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// presence records that a person follows a consultation live (an open event
// stream) on some hub instance, so replies are e-mailed only to those who
// are not. Rows expire by themselves if an instance dies.
type presence struct {
	ID             int64     `gorm:"primaryKey"`
	PersonID       int64     `gorm:"not null;index"`
	ConsultationID int64     `gorm:"not null;index"`
	Token          string    `gorm:"size:32;not null;uniqueIndex"`
	Until          time.Time `gorm:"not null;index"`
}

func (presence) TableName() string { return "incroci_helpdesk_presence" }

// arrive records that personID follows consultation id until the returned
// function is called (or until the stream's longest life has passed).
func (h *Helpdesk) arrive(ctx context.Context, personID, id int64, lifetime time.Duration) (func(), error) {
	var b [16]byte
	rand.Read(b[:])
	row := presence{PersonID: personID, ConsultationID: id, Token: hex.EncodeToString(b[:]), Until: h.p.Now().Add(lifetime + time.Minute)}
	if err := h.db.WithContext(ctx).Create(&row).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: presence: %w", err)
	}
	return func() {
		// Retried: a presence left behind would keep e-mails from an
		// absent person until it expires.
		for attempt, wait := 1, 50*time.Millisecond; ; attempt, wait = attempt+1, wait*4 {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err := h.db.WithContext(ctx).Where("token = ?", row.Token).Delete(&presence{}).Error
			cancel()
			if err == nil {
				return
			}
			if attempt == 4 {
				h.log.Warn("helpdesk: presence not cleared", "err", err)
				return
			}
			time.Sleep(wait)
		}
	}, nil
}

// online reports whether personID follows consultation id live.
func (h *Helpdesk) online(ctx context.Context, tx *gorm.DB, personID, id int64) (bool, error) {
	var n int64
	if err := tx.WithContext(ctx).Model(&presence{}).Where("person_id = ? AND consultation_id = ? AND until > ?", personID, id, h.p.Now()).
		Count(&n).Error; err != nil {
		return false, fmt.Errorf("helpdesk: presence: %w", err)
	}
	return n > 0, nil
}
