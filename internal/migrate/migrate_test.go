package migrate_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/incrocicomuni/incroci/internal/migrate"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

type v1Thing struct {
	ID   int64
	Name string
}

func (v1Thing) TableName() string { return "test_things" }

type v2Thing struct {
	ID    int64
	Name  string
	Color string `gorm:"not null;default:''"`
}

func (v2Thing) TableName() string { return "test_things" }

var step1 = migrate.Step{Version: 1, Name: "things", Up: func(tx *gorm.DB) error { return tx.Migrator().CreateTable(&v1Thing{}) }}
var step2 = migrate.Step{Version: 2, Name: "thing colours", Up: func(tx *gorm.DB) error { return tx.Migrator().AddColumn(&v2Thing{}, "Color") }}

func versions(t *testing.T, db *gorm.DB) []int {
	var v []int
	if err := db.Table(migrate.Table).Where("component = ?", "test").Order("version").Pluck("version", &v).Error; err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRun(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		for i := 0; i < 2; i++ {
			if err := migrate.Run(ctx, db, "test", []migrate.Step{step1}); err != nil {
				t.Fatalf("run %d: %v", i, err)
			}
		}
		if err := migrate.Run(ctx, db, "test", []migrate.Step{step1, step2}); err != nil {
			t.Fatal(err)
		}
		if v := versions(t, db); len(v) != 2 {
			t.Fatalf("versions %v", v)
		}
		if !db.Migrator().HasColumn(&v2Thing{}, "Color") {
			t.Fatal("step 2 not applied")
		}
		// An older build refuses a newer schema.
		if err := migrate.Run(ctx, db, "test", []migrate.Step{step1}); !errors.Is(err, migrate.ErrSchemaNewer) {
			t.Fatalf("older build: %v", err)
		}
		// Components are independent.
		if err := migrate.Run(ctx, db, "other", nil); err != nil {
			t.Fatal(err)
		}
	})
}

func TestFailedStepChangesNothing(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		bad := migrate.Step{Version: 1, Name: "half", Up: func(tx *gorm.DB) error {
			if err := tx.Migrator().CreateTable(&v1Thing{}); err != nil {
				return err
			}
			return errors.New("boom")
		}}
		if err := migrate.Run(ctx, db, "test", []migrate.Step{bad}); err == nil {
			t.Fatal("failing step reported success")
		}
		if db.Migrator().HasTable(&v1Thing{}) || len(versions(t, db)) != 0 {
			t.Fatal("a failed step left changes behind")
		}
		if err := migrate.Run(ctx, db, "test", []migrate.Step{step1}); err != nil {
			t.Fatalf("the fixed step must apply afterwards: %v", err)
		}
	})
}

func TestBadSteps(t *testing.T) {
	db := testdb.SQLite(t)
	for _, steps := range [][]migrate.Step{
		{{Version: 2, Name: "gap", Up: step1.Up}},
		{{Version: 1, Name: "", Up: step1.Up}},
		{{Version: 1, Name: "no up"}},
	} {
		if err := migrate.Run(context.Background(), db, "test", steps); err == nil {
			t.Fatalf("bad steps %+v accepted", steps)
		}
	}
}

// TestConcurrentStarts starts several instances at once on PostgreSQL:
// every one succeeds and each step runs exactly once.
func TestConcurrentStarts(t *testing.T) {
	dsn := testdb.PostgresURL(t)
	var runs atomic.Int32
	counting := migrate.Step{Version: 1, Name: "things", Up: func(tx *gorm.DB) error {
		runs.Add(1)
		return tx.Migrator().CreateTable(&v1Thing{})
	}}
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Discard})
			if err != nil {
				errs <- err
				return
			}
			defer func() { s, _ := db.DB(); s.Close() }()
			errs <- migrate.Run(context.Background(), db, "test", []migrate.Step{counting, step2})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := runs.Load(); n != 1 {
		t.Fatalf("step 1 ran %d times", n)
	}
}
