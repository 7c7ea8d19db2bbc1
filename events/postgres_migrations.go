package events

import (
	"time"

	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci/internal/migrate"
)

// Table is the table where a [Postgres] bus stores events.
const Table = "incroci_events"

// TopicsTable holds, for each topic a [Postgres] bus has published on, the
// last sequence number given out, so that numbers never restart, even after
// the topic's events are pruned.
const TopicsTable = "incroci_event_topics"

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

// eventTopicV2 is the topics table as step 2 creates it. Frozen.
type eventTopicV2 struct {
	Topic string `gorm:"primaryKey;type:text"`
	Seq   int64  `gorm:"not null"`
}

func (eventTopicV2) TableName() string { return "incroci_event_topics" }

// migrations are the schema steps of component "events".
var migrations = []migrate.Step{
	{Version: 1, Name: "create incroci_events", Up: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&eventV1{})
	}},
	// Step 2 numbers events per topic (seq) instead of globally (id), so that
	// publishers of different topics no longer wait for one another.
	//
	// Existing events keep their id as seq: ids grew with each event, so they
	// grow within each topic, and a client resuming with an id it got before
	// the upgrade still gets exactly what followed it. Each topic's counter
	// continues from its last id. The row of the empty topic, which no event
	// can have, holds the last id ever given out: a topic that is new to the
	// table (or whose events were all pruned before the upgrade) starts after
	// it, above any id a client may hold.
	{Version: 2, Name: "order incroci_events per topic", Up: func(tx *gorm.DB) error {
		if err := tx.Migrator().CreateTable(&eventTopicV2{}); err != nil {
			return err
		}
		for _, q := range []string{
			`ALTER TABLE incroci_events ADD COLUMN seq bigint`,
			`UPDATE incroci_events SET seq = id`,
			`ALTER TABLE incroci_events ALTER COLUMN seq SET NOT NULL`,
			`CREATE UNIQUE INDEX incroci_events_topic_seq ON incroci_events (topic, seq)`,
			`DROP INDEX incroci_events_topic_id`,
			`INSERT INTO incroci_event_topics (topic, seq) SELECT topic, MAX(seq) FROM incroci_events GROUP BY topic`,
			`INSERT INTO incroci_event_topics (topic, seq) SELECT '', GREATEST(
				(SELECT COALESCE(MAX(id), 0) FROM incroci_events),
				(SELECT COALESCE(MAX(last_value), 0) FROM pg_sequences
					WHERE schemaname = current_schema() AND sequencename = 'incroci_events_id_seq'))`,
		} {
			if err := tx.Exec(q).Error; err != nil {
				return err
			}
		}
		return nil
	}},
}
