// Package testdb runs a test body against every database incroci supports: an
// embedded SQLite file always, and PostgreSQL in a fresh schema when
// INCROCI_TEST_POSTGRES holds a connection URL. With CI=true a missing
// PostgreSQL fails the test instead of skipping it.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci/internal/sqlitedb"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// EnvPostgres names the variable holding the PostgreSQL URL for tests.
const EnvPostgres = "INCROCI_TEST_POSTGRES"

// Run calls body once per database, each as a subtest named "sqlite" or
// "postgres", with a fresh empty database.
func Run(t *testing.T, body func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { body(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { body(t, Postgres(t)) })
}

// SQLite opens a fresh embedded database in the test's temporary folder, set
// up as incroci.OpenDB sets up its own.
func SQLite(t testing.TB) *gorm.DB {
	t.Helper()
	db, err := sqlitedb.Open(filepath.Join(t.TempDir(), "test.db"), &gorm.Config{Logger: logger.Discard, TranslateError: true})
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	sqlDB, _ := db.DB()
	t.Cleanup(func() { sqlDB.Close() })
	return db
}

// PostgresURL returns the URL of a fresh schema on the test PostgreSQL, created
// for this test and dropped after it. It skips the test (or fails it on CI)
// when INCROCI_TEST_POSTGRES is not set.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("testdb: %s is not set, and CI=true: PostgreSQL tests must run in CI", EnvPostgres)
		}
		t.Skipf("testdb: %s is not set: skipping the PostgreSQL run (set it to a postgres:// URL to run it)", EnvPostgres)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("testdb: open postgres: %v", err)
	}
	adminDB, _ := admin.DB()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := admin.WithContext(ctx).Exec("CREATE SCHEMA " + schema).Error; err != nil {
		adminDB.Close()
		t.Fatalf("testdb: create schema: %v", err)
	}
	t.Cleanup(func() {
		defer adminDB.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := admin.WithContext(ctx).Exec("DROP SCHEMA " + schema + " CASCADE").Error; err != nil {
			t.Logf("testdb: drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("testdb: bad %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres opens a fresh schema on the test PostgreSQL (see PostgresURL).
func Postgres(t testing.TB) *gorm.DB {
	t.Helper()
	dsn := PostgresURL(t)
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Discard, TranslateError: true})
	if err != nil {
		t.Fatalf("testdb: open postgres schema: %v", err)
	}
	sqlDB, _ := db.DB()
	t.Cleanup(func() { sqlDB.Close() })
	return db
}

// Name reports which database db is, "sqlite" or "postgres", for messages.
func Name(db *gorm.DB) string { return db.Dialector.Name() }

// Must fails the test on err, naming what was being done.
func Must(t testing.TB, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(fmt.Errorf("%s: %w", what, err))
	}
}
