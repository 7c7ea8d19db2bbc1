package toolkit

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// ensureTrgm makes sure PostgreSQL's pg_trgm extension (trigram
// similarity, for languages with no stemmer) is installed, creating it in
// the schema public when it is not, and returns the schema it lives in.
// pg_trgm is a trusted extension: a database owner may create it. Hubs
// starting together may race to create it: the loser finds it made.
func ensureTrgm(ctx context.Context, db *gorm.DB) (string, error) {
	if s, err := trgmSchema(db.WithContext(ctx)); err == nil && s != "" {
		return s, nil
	}
	createErr := db.WithContext(ctx).Exec("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public").Error
	s, err := trgmSchema(db.WithContext(ctx))
	if err == nil && s != "" {
		return s, nil
	}
	return "", fmt.Errorf("toolkit: the search needs PostgreSQL's pg_trgm extension; create it as the database's owner (CREATE EXTENSION pg_trgm SCHEMA public): %v", createErr)
}

// trgmSchema returns the schema of pg_trgm, "" when it is not installed.
func trgmSchema(db *gorm.DB) (string, error) {
	var s string
	err := db.Raw("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'").Scan(&s).Error
	if err != nil {
		return "", fmt.Errorf("toolkit: look for pg_trgm: %w", err)
	}
	return s, nil
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
