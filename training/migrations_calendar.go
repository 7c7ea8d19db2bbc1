package training

import (
	"time"

	"gorm.io/gorm"
)

// Step 23: the generation of each person's calendar link (frozen struct).

type m23CalendarKey struct {
	PersonID   int64 `gorm:"primaryKey;autoIncrement:false"`
	Generation int   `gorm:"not null"`
	ResetAt    time.Time
}

func (m23CalendarKey) TableName() string { return "incroci_training_calendar_keys" }

func m23Up(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&m23CalendarKey{})
}
