package training

import (
	"time"

	"gorm.io/gorm"
)

// Step 22: the files of courses (frozen struct).

type m22File struct {
	ID          int64     `gorm:"primaryKey"`
	CourseID    int64     `gorm:"not null;index:incroci_training_files_course"`
	Title       string    `gorm:"size:200;not null"`
	Name        string    `gorm:"size:255;not null"`
	ContentType string    `gorm:"size:100;not null"`
	Size        int64     `gorm:"not null"`
	SHA256      string    `gorm:"size:64;not null"`
	StorageKey  string    `gorm:"size:64;not null;uniqueIndex:incroci_training_files_key"`
	UploadedBy  int64     `gorm:"not null"`
	CreatedAt   time.Time `gorm:"not null"`
}

func (m22File) TableName() string { return "incroci_training_files" }

func m22Up(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&m22File{})
}
