package training

import (
	"time"

	"gorm.io/gorm"
)

// Step 21: the meeting reminders sent (frozen struct).

type m21Reminder struct {
	MeetingID int64     `gorm:"primaryKey;autoIncrement:false"`
	PersonID  int64     `gorm:"primaryKey;autoIncrement:false"`
	SentAt    time.Time `gorm:"not null"`
}

func (m21Reminder) TableName() string { return "incroci_training_reminders" }

func m21Up(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&m21Reminder{})
}
