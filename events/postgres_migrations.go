package events

import (
	"time"

	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci/internal/migrate"
)

// Table is the table where a [Postgres] bus stores events.
const Table = "incroci_events"

// eventV1 is the events table as step 1 creates it. Frozen: never edit it;
// add a step instead.
type eventV1 struct {
	ID        int64     `gorm:"primaryKey;autoIncrement;index:incroci_events_topic_id,priority:2"`
	Topic     string    `gorm:"size:200;not null;index:incroci_events_topic_id,priority:1"`
	Type      string    `gorm:"size:100;not null"`
	Data      string    `gorm:"type:jsonb;not null"`
	CreatedAt time.Time `gorm:"not null;index:incroci_events_created_at"`
}

func (eventV1) TableName() string { return "incroci_events" }

// migrations are the schema steps of component "events".
var migrations = []migrate.Step{
	{Version: 1, Name: "create incroci_events", Up: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&eventV1{})
	}},
}
