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

// recipient is a person to e-mail about a consultation: their address,
// and whether they follow it live.
type recipient struct {
	Email  string
	Name   string
	Online bool
}

// recipientSQL reads a person's address and whether they have a live
// presence on a consultation, in one round trip.
const recipientSQL = `SELECT p.email, p.name, EXISTS (SELECT 1 FROM incroci_helpdesk_presence pr
	WHERE pr.person_id = p.id AND pr.consultation_id = ? AND pr.until > ?) AS online
FROM incroci_people p WHERE p.id = ?`

// reach returns personID's address and whether they follow consultation id
// live.
func (h *Helpdesk) reach(ctx context.Context, tx *gorm.DB, personID, id int64) (recipient, error) {
	var rs []recipient
	if err := tx.WithContext(ctx).Raw(recipientSQL, id, h.p.Now(), personID).Scan(&rs).Error; err != nil {
		return recipient{}, fmt.Errorf("helpdesk: presence of %d: %w", personID, err)
	}
	if len(rs) == 0 {
		return recipient{}, fmt.Errorf("helpdesk: notify %d: %w", personID, gorm.ErrRecordNotFound)
	}
	return rs[0], nil
}
