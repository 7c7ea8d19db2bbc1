package training

import (
	"time"

	"gorm.io/gorm"
)

// Step 20: attendance registers and certificates (frozen structs).

type m20Attendance struct {
	ID         int64  `gorm:"primaryKey"`
	MeetingID  int64  `gorm:"not null;uniqueIndex:incroci_training_attendance_person,priority:1"`
	PersonID   int64  `gorm:"not null;uniqueIndex:incroci_training_attendance_person,priority:2;index:incroci_training_attendance_me"`
	EditionID  int64  `gorm:"not null;index:incroci_training_attendance_edition"`
	Status     string `gorm:"size:16;not null"`
	Minutes    int    `gorm:"not null"`
	CheckedIn  bool   `gorm:"not null;default:false"`
	RecordedBy *int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (m20Attendance) TableName() string { return "incroci_training_attendance" }

type m20Closure struct {
	MeetingID int64 `gorm:"primaryKey;autoIncrement:false"`
	EditionID int64 `gorm:"not null;index:incroci_training_closures_edition"`
	ClosedBy  *int64
	ClosedAt  time.Time `gorm:"not null"`
}

func (m20Closure) TableName() string { return "incroci_training_register_closures" }

type m20Certificate struct {
	ID           int64     `gorm:"primaryKey"`
	Code         string    `gorm:"size:64;not null;uniqueIndex:incroci_training_certificates_code"`
	EditionID    int64     `gorm:"not null;uniqueIndex:incroci_training_certificates_person,priority:1"`
	PersonID     int64     `gorm:"not null;uniqueIndex:incroci_training_certificates_person,priority:2;index:incroci_training_certificates_me"`
	CourseID     int64     `gorm:"not null"`
	Ambito       string    `gorm:"size:64;not null;default:''"`
	Name         string    `gorm:"size:200;not null"`
	Course       string    `gorm:"size:200;not null"`
	Minutes      int       `gorm:"not null"`
	TotalMinutes int       `gorm:"not null"`
	FirstDay     time.Time `gorm:"not null"`
	LastDay      time.Time `gorm:"not null"`
	IssuedAt     time.Time `gorm:"not null"`
	RevokedAt    *time.Time
	RevokedBy    *int64
	RevokeReason string `gorm:"size:500;not null;default:''"`
}

func (m20Certificate) TableName() string { return "incroci_training_certificates" }

func m20Up(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&m20Attendance{}, &m20Closure{}, &m20Certificate{})
}
