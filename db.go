package incroci

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/incrocicomuni/incroci/internal/sqlitedb"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// PostgresPoolSize is how many connections OpenDB's PostgreSQL pool opens
// and keeps at most (one of them listens for events).
const PostgresPoolSize = 25

// DefaultSQLitePath is the file OpenDB uses when it is given an empty dsn.
const DefaultSQLitePath = "data/incroci.db"

// OpenDB opens the database named by dsn and checks that it answers.
//
// An empty dsn, or one of the form "sqlite:PATH", opens an embedded SQLite file
// (pure Go, no server needed) in WAL mode, with a busy timeout, foreign keys on
// and a single connection, so that writers never contend; the folder holding
// the file is created if needed. A dsn starting with "postgres://" or
// "postgresql://" opens PostgreSQL through pgx.
func OpenDB(ctx context.Context, dsn string) (*gorm.DB, error) {
	cfg := &gorm.Config{Logger: logger.Discard, TranslateError: true}
	switch {
	case dsn == "" || strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			path = DefaultSQLitePath
		}
		return openSQLite(ctx, path, cfg)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err := gorm.Open(postgres.Open(dsn), cfg)
		if err != nil {
			return nil, fmt.Errorf("incroci: open postgres: %w", err)
		}
		sqlDB, err := db.DB()
		if err != nil {
			return nil, fmt.Errorf("incroci: postgres pool: %w", err)
		}
		// A bounded pool that keeps its connections: opening one per burst
		// costs PostgreSQL more than the queries, and an unbounded pool runs
		// into max_connections under load. Partners may retune it through
		// db.DB().
		sqlDB.SetMaxOpenConns(PostgresPoolSize)
		sqlDB.SetMaxIdleConns(PostgresPoolSize)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		if err := ping(ctx, db); err != nil {
			return nil, err
		}
		return db, nil
	default:
		return nil, fmt.Errorf("incroci: unsupported database url %q: use sqlite:PATH or postgres://", redactDSN(dsn))
	}
}

func openSQLite(ctx context.Context, path string, cfg *gorm.Config) (*gorm.DB, error) {
	if path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("incroci: create database folder: %w", err)
		}
	}
	db, err := sqlitedb.Open(path, cfg)
	if err != nil {
		return nil, fmt.Errorf("incroci: %w", err)
	}
	if err := ping(ctx, db); err != nil {
		return nil, err
	}
	return db, nil
}

func ping(ctx context.Context, db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return fmt.Errorf("incroci: database pool: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("incroci: database does not answer: %w", err)
	}
	return nil
}

// redactDSN hides a password in a connection string before it is shown.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	return u.Redacted()
}
