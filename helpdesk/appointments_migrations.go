package helpdesk

import (
	"time"

	"gorm.io/gorm"
)

// Step 2: appointment slots. Frozen: never change these structs.

type m2AppointmentSlot struct {
	ID                  int64     `gorm:"primaryKey"`
	ConsultationID      int64     `gorm:"not null;index:incroci_helpdesk_appointments_consultation"`
	ProposedBy          int64     `gorm:"not null"`
	Start               time.Time `gorm:"column:starts_at;not null;index:incroci_helpdesk_appointments_start"`
	End                 time.Time `gorm:"column:ends_at;not null"`
	Mode                string    `gorm:"size:16;not null"`
	Place               string    `gorm:"size:300;not null;default:''"`
	VideoURL            string    `gorm:"size:2000;not null;default:''"`
	Interpreter         bool      `gorm:"not null;default:false"`
	InterpreterLanguage string    `gorm:"size:12;not null;default:''"`
	Status              string    `gorm:"size:16;not null;index:incroci_helpdesk_appointments_status"`
	Sequence            int       `gorm:"not null;default:0"`
	AcceptedBy          *int64
	AcceptedAt          *time.Time
	CancelledBy         *int64
	CancelledAt         *time.Time
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

func (m2AppointmentSlot) TableName() string { return "incroci_helpdesk_appointments" }

func m2Up(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&m2AppointmentSlot{})
}
