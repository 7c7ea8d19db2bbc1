package toolkit

import (
	"time"

	"github.com/incrocicomuni/incroci/internal/migrate"
	"gorm.io/gorm"
)

// migrations are the module's schema steps; each has frozen copies of the
// structs it creates and never changes once released.
var migrations = []migrate.Step{
	{Version: 1, Name: "sheets, revisions, comments", Up: m1Up},
	{Version: 2, Name: "glossary, feedback", Up: m2Up},
	{Version: 3, Name: "search index (tsvector and trigrams on PostgreSQL, FTS5 on SQLite)", Up: m3Up},
}

type m1Sheet struct {
	ID          int64    `gorm:"primaryKey"`
	Ambito      string   `gorm:"size:64;not null;default:'';index:incroci_toolkit_sheets_ambito"`
	Audience    string   `gorm:"size:16;not null"`
	Topics      []string `gorm:"serializer:json;not null"`
	Title       string   `gorm:"size:200;not null"`
	State       string   `gorm:"size:16;not null;index:incroci_toolkit_sheets_state"`
	OwnerID     int64    `gorm:"not null;index:incroci_toolkit_sheets_owner"`
	ReviewBy    string   `gorm:"size:10;not null;default:''"`
	PublishedID *int64
	LatestID    int64 `gorm:"not null"`
	PublishedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (m1Sheet) TableName() string { return "incroci_toolkit_sheets" }

type m1Revision struct {
	ID         int64             `gorm:"primaryKey"`
	SheetID    int64             `gorm:"not null;uniqueIndex:incroci_toolkit_revisions_number,priority:1"`
	Number     int               `gorm:"not null;uniqueIndex:incroci_toolkit_revisions_number,priority:2"`
	Title      string            `gorm:"size:200;not null"`
	Sections   map[string]string `gorm:"serializer:json;not null"`
	AuthorID   int64             `gorm:"not null;index:incroci_toolkit_revisions_author"`
	Note       string            `gorm:"size:500;not null;default:''"`
	Status     string            `gorm:"size:16;not null;index:incroci_toolkit_revisions_status"`
	BaseID     *int64
	ReviewerID *int64
	ReviewNote string `gorm:"size:500;not null;default:''"`
	ReviewedAt *time.Time
	CreatedAt  time.Time
}

func (m1Revision) TableName() string { return "incroci_toolkit_revisions" }

type m1Comment struct {
	ID         int64 `gorm:"primaryKey"`
	SheetID    int64 `gorm:"not null;index:incroci_toolkit_comments_sheet"`
	RevisionID *int64
	AuthorID   int64  `gorm:"not null"`
	Body       string `gorm:"type:text;not null"`
	CreatedAt  time.Time
}

func (m1Comment) TableName() string { return "incroci_toolkit_comments" }

func m1Up(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&m1Sheet{}, &m1Revision{}, &m1Comment{})
}

type m2Term struct {
	ID          int64             `gorm:"primaryKey"`
	Ambito      string            `gorm:"size:64;not null;default:'';index:incroci_toolkit_terms_ambito"`
	Term        string            `gorm:"size:120;not null"`
	Variants    []string          `gorm:"serializer:json;not null"`
	Definitions map[string]string `gorm:"serializer:json;not null"`
	UpdatedBy   int64             `gorm:"not null"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (m2Term) TableName() string { return "incroci_toolkit_terms" }

type m2Feedback struct {
	ID         int64  `gorm:"primaryKey"`
	SheetID    int64  `gorm:"not null;index:incroci_toolkit_feedback_sheet"`
	RevisionID int64  `gorm:"not null"`
	Score      int    `gorm:"not null"`
	Missing    string `gorm:"size:16;not null;default:''"`
	Comment    string `gorm:"size:500;not null;default:''"`
	Day        string `gorm:"size:10;not null"`
}

func (m2Feedback) TableName() string { return "incroci_toolkit_feedback" }

func m2Up(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&m2Term{}, &m2Feedback{})
}

type m3SearchDoc struct {
	ID       int64  `gorm:"primaryKey"`
	Kind     string `gorm:"size:16;not null;uniqueIndex:incroci_toolkit_search_ref,priority:1"`
	RefID    int64  `gorm:"not null;uniqueIndex:incroci_toolkit_search_ref,priority:2"`
	Lang     string `gorm:"size:8;not null;uniqueIndex:incroci_toolkit_search_ref,priority:3"`
	Ambito   string `gorm:"size:64;not null;default:''"`
	Audience string `gorm:"size:16;not null;default:''"`
	Topics   string `gorm:"size:1000;not null;default:''"`
	Comune   string `gorm:"size:120;not null;default:''"`
	Public   bool   `gorm:"not null"`
	Title    string `gorm:"size:300;not null"`
	Body     string `gorm:"type:text;not null"`
	Config   string `gorm:"size:32;not null"`
	Stems    string `gorm:"type:text;not null"`
}

func (m3SearchDoc) TableName() string { return "incroci_toolkit_search" }

func m3Up(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&m3SearchDoc{}); err != nil {
		return err
	}
	if tx.Dialector.Name() == "postgres" {
		for _, q := range []string{
			"ALTER TABLE incroci_toolkit_search ADD COLUMN tsv tsvector",
			"CREATE INDEX incroci_toolkit_search_tsv ON incroci_toolkit_search USING GIN (tsv)",
			// pg_trgm is a trusted extension: a database owner may create it.
			"CREATE EXTENSION IF NOT EXISTS pg_trgm",
			"CREATE INDEX incroci_toolkit_search_title_trgm ON incroci_toolkit_search USING GIN (title gin_trgm_ops)",
		} {
			if err := tx.Exec(q).Error; err != nil {
				return err
			}
		}
		return nil
	}
	return tx.Exec("CREATE VIRTUAL TABLE incroci_toolkit_search_fts USING fts5(stems, tokenize = 'unicode61 remove_diacritics 2')").Error
}
