// Package sqlitedb opens incroci's embedded SQLite database the one way both
// the platform and the tests use: WAL, a busy timeout, foreign keys on,
// immediate write transactions and a single connection.
package sqlitedb

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
)

// Open opens (creating it if needed) the SQLite file at path. The folder
// must exist.
func Open(path string, cfg *gorm.Config) (*gorm.DB, error) {
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("sqlite path %q must not contain '?'", path)
	}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	// A plain path, not a file: URI, so that '#' or '%' in folder names are
	// taken literally.
	db, err := gorm.Open(sqlite.Open(path+"?"+q.Encode()), cfg)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("sqlite pool: %w", err)
	}
	// One connection: SQLite has one writer at a time, and queueing in Go
	// keeps tail latency low where several connections would spin on
	// SQLITE_BUSY. Code must therefore never query outside a transaction it
	// holds open: that would wait for itself.
	sqlDB.SetMaxOpenConns(1)
	sqlDB.SetConnMaxLifetime(0)
	sqlDB.SetConnMaxIdleTime(0)
	return db, nil
}
