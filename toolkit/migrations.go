package toolkit

import (
	"encoding/hex"
	"strings"
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
	{Version: 4, Name: "directory of services (HSDS)", Up: m4Up},
	{Version: 5, Name: "legal sources, outdated flags, translations", Up: m5Up},
	{Version: 6, Name: "services of the directory in the search (ref_key)", Up: m6Up},
	{Version: 7, Name: "attachments of sheets", Up: m7Up},
	{Version: 8, Name: "a faster search (title tsvector, config index, trigrams of simple titles; FTS5 column of comuni)", Up: m8Up},
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
		} {
			if err := tx.Exec(q).Error; err != nil {
				return err
			}
		}
		// pg_trgm was made sure of by New; its schema qualifies its operator class.
		schema, err := trgmSchema(tx)
		if err != nil {
			return err
		}
		for _, q := range []string{
			"CREATE INDEX incroci_toolkit_search_title_trgm ON incroci_toolkit_search USING GIN (title " + quoteIdent(schema) + ".gin_trgm_ops)",
		} {
			if err := tx.Exec(q).Error; err != nil {
				return err
			}
		}
		return nil
	}
	return tx.Exec("CREATE VIRTUAL TABLE incroci_toolkit_search_fts USING fts5(stems, tokenize = 'unicode61 remove_diacritics 2')").Error
}

// Step 4: the directory of services (HSDS). Ids are UUIDs.

type m4Organization struct {
	ID            string `gorm:"primaryKey;size:36"`
	Ambito        string `gorm:"size:64;not null;index:incroci_toolkit_dir_organizations_ambito"`
	Name          string `gorm:"size:200;not null"`
	AlternateName string `gorm:"size:200;not null;default:''"`
	Description   string `gorm:"type:text;not null"`
	Email         string `gorm:"size:254;not null;default:''"`
	Website       string `gorm:"size:500;not null;default:''"`
	LastChecked   string `gorm:"size:10;not null;default:''"`
	CheckedBy     *int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (m4Organization) TableName() string { return "incroci_toolkit_dir_organizations" }

type m4Service struct {
	ID                     string `gorm:"primaryKey;size:36"`
	OrganizationID         string `gorm:"size:36;not null;index:incroci_toolkit_dir_services_organization"`
	Ambito                 string `gorm:"size:64;not null;index:incroci_toolkit_dir_services_ambito"`
	Name                   string `gorm:"size:200;not null"`
	AlternateName          string `gorm:"size:200;not null;default:''"`
	Description            string `gorm:"type:text;not null;default:''"`
	URL                    string `gorm:"size:500;not null;default:''"`
	Email                  string `gorm:"size:254;not null;default:''"`
	Status                 string `gorm:"size:24;not null"`
	InterpretationServices string `gorm:"type:text;not null;default:''"`
	ApplicationProcess     string `gorm:"type:text;not null;default:''"`
	FeesDescription        string `gorm:"type:text;not null;default:''"`
	EligibilityDescription string `gorm:"type:text;not null;default:''"`
	LastChecked            string `gorm:"size:10;not null;default:''"`
	CheckedBy              *int64
	CreatedAt              time.Time
	UpdatedAt              time.Time
}

func (m4Service) TableName() string { return "incroci_toolkit_dir_services" }

type m4Address struct {
	ID            string `gorm:"size:36"`
	Address1      string `gorm:"size:200"`
	Address2      string `gorm:"size:200"`
	City          string `gorm:"size:100"`
	StateProvince string `gorm:"size:8"`
	PostalCode    string `gorm:"size:10"`
	Country       string `gorm:"size:2"`
}

type m4Location struct {
	ID             string    `gorm:"primaryKey;size:36"`
	OrganizationID string    `gorm:"size:36;not null;index:incroci_toolkit_dir_locations_organization"`
	Ambito         string    `gorm:"size:64;not null;index:incroci_toolkit_dir_locations_ambito"`
	LocationType   string    `gorm:"size:16;not null"`
	Name           string    `gorm:"size:200;not null;default:''"`
	AlternateName  string    `gorm:"size:200;not null;default:''"`
	Description    string    `gorm:"type:text;not null;default:''"`
	Transportation string    `gorm:"type:text;not null;default:''"`
	Latitude       *float64  `gorm:"index:incroci_toolkit_dir_locations_lat_lon,priority:1"`
	Longitude      *float64  `gorm:"index:incroci_toolkit_dir_locations_lat_lon,priority:2"`
	Address        m4Address `gorm:"embedded;embeddedPrefix:address_"`
	Comune         string    `gorm:"size:100;not null;default:'';index:incroci_toolkit_dir_locations_comune"`
	LastChecked    string    `gorm:"size:10;not null;default:''"`
	CheckedBy      *int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (m4Location) TableName() string { return "incroci_toolkit_dir_locations" }

type m4ServiceAtLocation struct {
	ID          string `gorm:"primaryKey;size:36"`
	ServiceID   string `gorm:"size:36;not null;uniqueIndex:incroci_toolkit_dir_sal_pair,priority:1"`
	LocationID  string `gorm:"size:36;not null;uniqueIndex:incroci_toolkit_dir_sal_pair,priority:2;index:incroci_toolkit_dir_sal_location"`
	Ambito      string `gorm:"size:64;not null;index:incroci_toolkit_dir_sal_ambito"`
	Description string `gorm:"type:text;not null;default:''"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (m4ServiceAtLocation) TableName() string { return "incroci_toolkit_dir_service_at_locations" }

type m4Phone struct {
	ID          string `gorm:"primaryKey;size:36"`
	OwnerType   string `gorm:"size:24;not null;index:incroci_toolkit_dir_phones_owner,priority:1"`
	OwnerID     string `gorm:"size:36;not null;index:incroci_toolkit_dir_phones_owner,priority:2"`
	Position    int    `gorm:"not null"`
	Number      string `gorm:"size:40;not null"`
	Extension   *int
	Type        string `gorm:"size:16;not null;default:''"`
	Description string `gorm:"size:500;not null;default:''"`
}

func (m4Phone) TableName() string { return "incroci_toolkit_dir_phones" }

type m4Schedule struct {
	ID            string `gorm:"primaryKey;size:36"`
	OwnerType     string `gorm:"size:24;not null;index:incroci_toolkit_dir_schedules_owner,priority:1"`
	OwnerID       string `gorm:"size:36;not null;index:incroci_toolkit_dir_schedules_owner,priority:2"`
	Position      int    `gorm:"not null"`
	Freq          string `gorm:"size:8;not null;default:''"`
	Interval      *int
	ByDay         string `gorm:"size:40;not null;default:''"`
	ValidFrom     string `gorm:"size:10;not null;default:''"`
	ValidTo       string `gorm:"size:10;not null;default:''"`
	OpensAt       string `gorm:"size:8;not null;default:''"`
	ClosesAt      string `gorm:"size:8;not null;default:''"`
	Description   string `gorm:"size:500;not null;default:''"`
	Notes         string `gorm:"size:500;not null;default:''"`
	AttendingType string `gorm:"size:200;not null;default:''"`
}

func (m4Schedule) TableName() string { return "incroci_toolkit_dir_schedules" }

type m4Language struct {
	ID        string `gorm:"primaryKey;size:36"`
	OwnerType string `gorm:"size:24;not null;index:incroci_toolkit_dir_languages_owner,priority:1"`
	OwnerID   string `gorm:"size:36;not null;index:incroci_toolkit_dir_languages_owner,priority:2"`
	Position  int    `gorm:"not null"`
	Code      string `gorm:"size:16;not null"`
	Name      string `gorm:"size:100;not null;default:''"`
	Note      string `gorm:"size:500;not null;default:''"`
}

func (m4Language) TableName() string { return "incroci_toolkit_dir_languages" }

type m4Accessibility struct {
	ID          string `gorm:"primaryKey;size:36"`
	OwnerType   string `gorm:"size:24;not null;index:incroci_toolkit_dir_accessibility_owner,priority:1"`
	OwnerID     string `gorm:"size:36;not null;index:incroci_toolkit_dir_accessibility_owner,priority:2"`
	Position    int    `gorm:"not null"`
	Description string `gorm:"size:500;not null;default:''"`
	Details     string `gorm:"size:500;not null;default:''"`
	URL         string `gorm:"size:500;not null;default:''"`
}

func (m4Accessibility) TableName() string { return "incroci_toolkit_dir_accessibility" }

type m4ServiceTerm struct {
	ID        string `gorm:"primaryKey;size:36"`
	ServiceID string `gorm:"size:36;not null;index:incroci_toolkit_dir_service_terms_service"`
	Taxonomy  string `gorm:"size:32;not null;index:incroci_toolkit_dir_service_terms_term,priority:1"`
	Code      string `gorm:"size:64;not null;index:incroci_toolkit_dir_service_terms_term,priority:2"`
	Position  int    `gorm:"not null"`
}

func (m4ServiceTerm) TableName() string { return "incroci_toolkit_dir_service_terms" }

func m4Up(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&m4Organization{}, &m4Service{}, &m4Location{}, &m4ServiceAtLocation{},
		&m4Phone{}, &m4Schedule{}, &m4Language{}, &m4Accessibility{}, &m4ServiceTerm{})
}

type m5Source struct {
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

func (m5Source) TableName() string { return "incroci_toolkit_sources" }

type m5SheetSource struct {
	SheetID   int64 `gorm:"primaryKey;autoIncrement:false"`
	SourceID  int64 `gorm:"primaryKey;autoIncrement:false;index:incroci_toolkit_sheet_sources_source"`
	CreatedAt time.Time
}

func (m5SheetSource) TableName() string { return "incroci_toolkit_sheet_sources" }

type m5SourceChange struct {
	ID        int64    `gorm:"primaryKey"`
	SourceID  int64    `gorm:"not null;index:incroci_toolkit_source_changes_source"`
	Kind      string   `gorm:"size:16;not null"`
	Fields    []string `gorm:"serializer:json;not null"`
	Note      string   `gorm:"size:500;not null;default:''"`
	ActorID   *int64
	Sheets    int `gorm:"not null;default:0"`
	CreatedAt time.Time
}

func (m5SourceChange) TableName() string { return "incroci_toolkit_source_changes" }

type m5Translation struct {
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

func (m5Translation) TableName() string { return "incroci_toolkit_translations" }

// m5Sheet holds the columns Step 5 adds to the sheets.
type m5Sheet struct {
	Outdated         bool   `gorm:"not null;default:false"`
	OutdatedReason   string `gorm:"size:32;not null;default:''"`
	OutdatedSourceID *int64
	OutdatedNote     string `gorm:"size:500;not null;default:''"`
	OutdatedAt       *time.Time
	CheckedAt        *time.Time
	CheckedBy        *int64
}

func (m5Sheet) TableName() string { return "incroci_toolkit_sheets" }

// m5Revision holds the column Step 5 adds to the revisions.
type m5Revision struct {
	SourceIDs []int64 `gorm:"serializer:json"`
}

func (m5Revision) TableName() string { return "incroci_toolkit_revisions" }

func m5Up(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&m5Source{}, &m5SheetSource{}, &m5SourceChange{}, &m5Translation{}); err != nil {
		return err
	}
	for _, col := range []string{"Outdated", "OutdatedReason", "OutdatedSourceID", "OutdatedNote", "OutdatedAt", "CheckedAt", "CheckedBy"} {
		if err := tx.Migrator().AddColumn(&m5Sheet{}, col); err != nil {
			return err
		}
	}
	return tx.Migrator().AddColumn(&m5Revision{}, "SourceIDs")
}

// m6Up lets the search index hold what has a string id (the directory's
// services, by UUID): a ref_key column in the unique key.
func m6Up(tx *gorm.DB) error {
	for _, q := range []string{
		"ALTER TABLE incroci_toolkit_search ADD COLUMN ref_key varchar(64) NOT NULL DEFAULT ''",
		"DROP INDEX incroci_toolkit_search_ref",
		"CREATE UNIQUE INDEX incroci_toolkit_search_ref ON incroci_toolkit_search (kind, ref_id, ref_key, lang)",
	} {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}

type m7Attachment struct {
	ID          int64  `gorm:"primaryKey"`
	SheetID     int64  `gorm:"not null;index:incroci_toolkit_attachments_sheet"`
	RevisionID  *int64 `gorm:"index:incroci_toolkit_attachments_revision"`
	Status      string `gorm:"size:16;not null"`
	Title       string `gorm:"size:200;not null"`
	Lang        string `gorm:"size:8;not null;default:''"`
	Name        string `gorm:"size:200;not null"`
	ContentType string `gorm:"size:100;not null"`
	Size        int64  `gorm:"not null"`
	SHA256      string `gorm:"size:64;not null"`
	StorageKey  string `gorm:"size:100;not null"`
	UploadedBy  int64  `gorm:"not null"`
	CreatedAt   time.Time
	RemovedAt   *time.Time
	RemovedBy   *int64
}

func (m7Attachment) TableName() string { return "incroci_toolkit_attachments" }

// m7Revision holds the column Step 7 adds to the revisions.
type m7Revision struct {
	AttachmentIDs []int64 `gorm:"serializer:json"`
}

func (m7Revision) TableName() string { return "incroci_toolkit_revisions" }

// m7Up adds the files of sheets, and to each revision the list of files
// the sheet showed while it was published.
func m7Up(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&m7Attachment{}); err != nil {
		return err
	}
	return tx.Migrator().AddColumn(&m7Revision{}, "AttachmentIDs")
}

// m8Up makes the search fast on a large index (BENCHMARKS.md, toolkit).
//
// PostgreSQL: tsv_head, the title's tsvector, is small enough to rank
// every match on; the long tsv is read only for the best ones. The
// configurations the index holds are found through an index on config
// instead of a scan of the table; the trigram index covers only the titles
// of the simple configuration, the only ones the trigram test is for; the
// stems (used by SQLite only) are emptied, to keep rows short.
//
// SQLite: the FTS5 table gets a column of the documents' comuni, one token
// each (its name in hex: exact, whatever its spaces and apostrophes), so
// that FTS5 itself keeps the services of a comune instead of every match
// being read to test it.
func m8Up(tx *gorm.DB) error {
	if tx.Dialector.Name() == "postgres" {
		schema, err := trgmSchema(tx)
		if err != nil {
			return err
		}
		for _, q := range []string{
			"ALTER TABLE incroci_toolkit_search ADD COLUMN tsv_head tsvector NOT NULL DEFAULT ''::tsvector",
			"UPDATE incroci_toolkit_search SET tsv_head = setweight(to_tsvector(config::regconfig, title), 'A'), stems = ''",
			"CREATE INDEX incroci_toolkit_search_config ON incroci_toolkit_search (config)",
			"DROP INDEX incroci_toolkit_search_title_trgm",
			"CREATE INDEX incroci_toolkit_search_title_trgm ON incroci_toolkit_search USING GIN (title " + quoteIdent(schema) + ".gin_trgm_ops) WHERE config = 'simple'",
		} {
			if err := tx.Exec(q).Error; err != nil {
				return err
			}
		}
		return nil
	}
	for _, q := range []string{
		"DROP TABLE incroci_toolkit_search_fts",
		"CREATE VIRTUAL TABLE incroci_toolkit_search_fts USING fts5(stems, comuni, tokenize = 'unicode61 remove_diacritics 2')",
		"INSERT INTO incroci_toolkit_search_fts(rowid, stems, comuni) SELECT id, stems, '' FROM incroci_toolkit_search",
	} {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	type row struct {
		ID     int64
		Comune string
	}
	var rows []row
	if err := tx.Raw("SELECT id, comune FROM incroci_toolkit_search WHERE comune <> ''").Scan(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		if err := tx.Exec("UPDATE incroci_toolkit_search_fts SET comuni = ? WHERE rowid = ?", m8ComuneTokens(r.Comune), r.ID).Error; err != nil {
			return err
		}
	}
	return nil
}

// m8ComuneTokens turns a document's comuni, kept as |lodi|codogno|, into
// FTS5 tokens: each name in hex.
func m8ComuneTokens(comuni string) string {
	var out []string
	for _, c := range strings.Split(comuni, "|") {
		if c != "" {
			out = append(out, hex.EncodeToString([]byte(c)))
		}
	}
	return strings.Join(out, " ")
}
