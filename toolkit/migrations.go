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
	// Step 2 on this branch; another branch adds the directory of services
	// as step 2, and this step is renumbered 3 when both are merged.
	{Version: 2, Name: "legal sources, outdated flags, translations", Up: m2Up},
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

type m2Source struct {
	ID        int64  `gorm:"primaryKey"`
	Ambito    string `gorm:"size:64;not null;default:'';index:incroci_toolkit_sources_ambito"`
	Kind      string `gorm:"size:16;not null"`
	Title     string `gorm:"size:300;not null"`
	Reference string `gorm:"size:300;not null;default:''"`
	URL       string `gorm:"size:500;not null;default:''"`
	Version   string `gorm:"size:100;not null;default:''"`
	Text      string `gorm:"type:text;not null;default:''"`
	ValidFrom string `gorm:"size:10;not null;default:''"`
	ValidTo   string `gorm:"size:10;not null;default:'';index:incroci_toolkit_sources_valid_to"`
	ExpiredAt *time.Time
	CreatedBy int64 `gorm:"not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (m2Source) TableName() string { return "incroci_toolkit_sources" }

type m2SheetSource struct {
	SheetID   int64 `gorm:"primaryKey;autoIncrement:false"`
	SourceID  int64 `gorm:"primaryKey;autoIncrement:false;index:incroci_toolkit_sheet_sources_source"`
	CreatedAt time.Time
}

func (m2SheetSource) TableName() string { return "incroci_toolkit_sheet_sources" }

type m2SourceChange struct {
	ID        int64    `gorm:"primaryKey"`
	SourceID  int64    `gorm:"not null;index:incroci_toolkit_source_changes_source"`
	Kind      string   `gorm:"size:16;not null"`
	Fields    []string `gorm:"serializer:json;not null"`
	Note      string   `gorm:"size:500;not null;default:''"`
	ActorID   *int64
	Sheets    int `gorm:"not null;default:0"`
	CreatedAt time.Time
}

func (m2SourceChange) TableName() string { return "incroci_toolkit_source_changes" }

type m2Translation struct {
	ID               int64             `gorm:"primaryKey"`
	SheetID          int64             `gorm:"not null;uniqueIndex:incroci_toolkit_translations_lang,priority:1"`
	Lang             string            `gorm:"size:8;not null;uniqueIndex:incroci_toolkit_translations_lang,priority:2"`
	Title            string            `gorm:"size:200;not null"`
	Sections         map[string]string `gorm:"serializer:json;not null"`
	Status           string            `gorm:"size:16;not null"`
	BaseRevisionID   int64             `gorm:"not null"`
	TranslatorID     int64             `gorm:"not null"`
	CheckerID        *int64
	CheckedAt        *time.Time
	OutdatedReason   string `gorm:"size:32;not null;default:''"`
	OutdatedSourceID *int64
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (m2Translation) TableName() string { return "incroci_toolkit_translations" }

// m2Sheet holds the columns step 2 adds to the sheets.
type m2Sheet struct {
	Outdated         bool   `gorm:"not null;default:false"`
	OutdatedReason   string `gorm:"size:32;not null;default:''"`
	OutdatedSourceID *int64
	OutdatedNote     string `gorm:"size:500;not null;default:''"`
	OutdatedAt       *time.Time
	CheckedAt        *time.Time
	CheckedBy        *int64
}

func (m2Sheet) TableName() string { return "incroci_toolkit_sheets" }

// m2Revision holds the column step 2 adds to the revisions.
type m2Revision struct {
	SourceIDs []int64 `gorm:"serializer:json"`
}

func (m2Revision) TableName() string { return "incroci_toolkit_revisions" }

func m2Up(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&m2Source{}, &m2SheetSource{}, &m2SourceChange{}, &m2Translation{}); err != nil {
		return err
	}
	for _, col := range []string{"Outdated", "OutdatedReason", "OutdatedSourceID", "OutdatedNote", "OutdatedAt", "CheckedAt", "CheckedBy"} {
		if err := tx.Migrator().AddColumn(&m2Sheet{}, col); err != nil {
			return err
		}
	}
	return tx.Migrator().AddColumn(&m2Revision{}, "SourceIDs")
}
