// Package migrate runs the numbered schema steps that each incroci package
// owns, recording them in one version table so they run once, in order, and
// safely at every start, also when several instances start together.
//
// A step carries its own frozen copy of the structs it creates: a step, once
// released, never changes, and the live models are free to move on.
package migrate

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"gorm.io/gorm"
)

// Table is the version table shared by every component.
const Table = "incroci_schema_migrations"

// Step is one numbered change of a component's schema.
type Step struct {
	// Version numbers start at 1 and grow with each step; gaps are
	// allowed, so that work done in parallel can take ranges of its own
	// (the training's attendance 20–29, its surveys 50…).
	Version int
	// Name says what the step does, for people reading the version table.
	Name string
	// Up applies the step inside a transaction.
	Up func(tx *gorm.DB) error
}

// ErrSchemaNewer is returned when the database holds steps of a component that
// this build does not know: an older binary must not write to a newer schema.
var ErrSchemaNewer = errors.New("migrate: database schema is newer than this build")

type record struct {
	Component string    `gorm:"primaryKey;size:64"`
	Version   int       `gorm:"primaryKey;autoIncrement:false"`
	Name      string    `gorm:"size:200;not null"`
	AppliedAt time.Time `gorm:"not null"`
}

func (record) TableName() string { return Table }

// Run applies the steps of component that the database does not have yet.
// Each step runs in its own transaction together with its version record; on
// PostgreSQL a transaction-scoped advisory lock per component makes concurrent
// starts wait for one another instead of racing.
func Run(ctx context.Context, db *gorm.DB, component string, steps []Step) error {
	if err := check(steps); err != nil {
		return fmt.Errorf("migrate %s: %w", component, err)
	}
	db = db.WithContext(ctx)
	if err := db.Migrator().AutoMigrate(&record{}); err != nil {
		// Two instances may create the table at once; the loser sees it exists.
		if !db.Migrator().HasTable(&record{}) {
			return fmt.Errorf("migrate: create version table: %w", err)
		}
	}
	var latest int
	if err := db.Model(&record{}).Where("component = ?", component).
		Select("COALESCE(MAX(version), 0)").Scan(&latest).Error; err != nil {
		return fmt.Errorf("migrate %s: read version: %w", component, err)
	}
	if latest > len(steps) {
		return fmt.Errorf("%w: %s is at version %d, this build knows %d", ErrSchemaNewer, component, latest, len(steps))
	}
	for _, s := range steps[latest:] {
		if err := apply(db, component, s); err != nil {
			return err
		}
	}
	return nil
}

func apply(db *gorm.DB, component string, s Step) error {
	return db.Transaction(func(tx *gorm.DB) error {
		if tx.Dialector.Name() == "postgres" {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", lockKey(component)).Error; err != nil {
				return fmt.Errorf("migrate %s: lock: %w", component, err)
			}
		}
		var n int64
		if err := tx.Model(&record{}).Where("component = ? AND version = ?", component, s.Version).Count(&n).Error; err != nil {
			return fmt.Errorf("migrate %s: check step %d: %w", component, s.Version, err)
		}
		if n > 0 {
			return nil // applied by another instance while we waited
		}
		if err := s.Up(tx); err != nil {
			return fmt.Errorf("migrate %s: step %d (%s): %w", component, s.Version, s.Name, err)
		}
		rec := record{Component: component, Version: s.Version, Name: s.Name, AppliedAt: time.Now().UTC()}
		if err := tx.Create(&rec).Error; err != nil {
			return fmt.Errorf("migrate %s: record step %d: %w", component, s.Version, err)
		}
		return nil
	})
}

func check(steps []Step) error {
	prev := 0
	for i, s := range steps {
		if s.Version <= prev || (i == 0 && s.Version != 1) {
			return fmt.Errorf("step %d has version %d: versions start at 1 and grow", i+1, s.Version)
		}
		prev = s.Version
		if s.Up == nil || s.Name == "" {
			return fmt.Errorf("step %d needs a name and an Up function", s.Version)
		}
	}
	return nil
}

func lockKey(component string) int64 {
	h := fnv.New64a()
	h.Write([]byte("incroci-migrate:" + component))
	return int64(h.Sum64() >> 1)
}
