package sse_test

import (
	"context"
	"strconv"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/incrocicomuni/incroci/events"
	"github.com/incrocicomuni/incroci/internal/sse"
	"github.com/incrocicomuni/incroci/internal/testdb"
)

// TestPostgresAcrossInstances streams from one hub instance the events another
// publishes, replay and live.
func TestPostgresAcrossInstances(t *testing.T) {
	url := testdb.PostgresURL(t)
	bus := func() *events.Postgres {
		db, err := gorm.Open(postgres.Open(url), &gorm.Config{Logger: logger.Discard})
		if err != nil {
			t.Fatal(err)
		}
		sqlDB, _ := db.DB()
		t.Cleanup(func() { sqlDB.Close() })
		b, err := events.NewPostgres(context.Background(), db, events.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	}
	b1, b2 := bus(), bus()
	old := publish(t, b1, "consultation:3", 3)
	h := serve(t, b2, sse.Options{})
	c := connect(t, h.url+"?topic=consultation:3", strconv.FormatInt(old[0], 10))
	c.expectIDs(t, old[1:]...)
	live := publish(t, b1, "consultation:3", 2)
	c.expectIDs(t, live...)
}
