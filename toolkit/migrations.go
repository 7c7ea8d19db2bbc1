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
	{Version: 2, Name: "directory of services (HSDS)", Up: m2Up},
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

// Step 2: the directory of services (HSDS). Ids are UUIDs.

type m2Organization struct {
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

func (m2Organization) TableName() string { return "incroci_toolkit_dir_organizations" }

type m2Service struct {
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

func (m2Service) TableName() string { return "incroci_toolkit_dir_services" }

type m2Address struct {
	ID            string `gorm:"size:36"`
	Address1      string `gorm:"size:200"`
	Address2      string `gorm:"size:200"`
	City          string `gorm:"size:100"`
	StateProvince string `gorm:"size:8"`
	PostalCode    string `gorm:"size:10"`
	Country       string `gorm:"size:2"`
}

type m2Location struct {
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
	Address        m2Address `gorm:"embedded;embeddedPrefix:address_"`
	Comune         string    `gorm:"size:100;not null;default:'';index:incroci_toolkit_dir_locations_comune"`
	LastChecked    string    `gorm:"size:10;not null;default:''"`
	CheckedBy      *int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (m2Location) TableName() string { return "incroci_toolkit_dir_locations" }

type m2ServiceAtLocation struct {
	ID          string `gorm:"primaryKey;size:36"`
	ServiceID   string `gorm:"size:36;not null;uniqueIndex:incroci_toolkit_dir_sal_pair,priority:1"`
	LocationID  string `gorm:"size:36;not null;uniqueIndex:incroci_toolkit_dir_sal_pair,priority:2;index:incroci_toolkit_dir_sal_location"`
	Ambito      string `gorm:"size:64;not null;index:incroci_toolkit_dir_sal_ambito"`
	Description string `gorm:"type:text;not null;default:''"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (m2ServiceAtLocation) TableName() string { return "incroci_toolkit_dir_service_at_locations" }

type m2Phone struct {
	ID          string `gorm:"primaryKey;size:36"`
	OwnerType   string `gorm:"size:24;not null;index:incroci_toolkit_dir_phones_owner,priority:1"`
	OwnerID     string `gorm:"size:36;not null;index:incroci_toolkit_dir_phones_owner,priority:2"`
	Position    int    `gorm:"not null"`
	Number      string `gorm:"size:40;not null"`
	Extension   *int
	Type        string `gorm:"size:16;not null;default:''"`
	Description string `gorm:"size:500;not null;default:''"`
}

func (m2Phone) TableName() string { return "incroci_toolkit_dir_phones" }

type m2Schedule struct {
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

func (m2Schedule) TableName() string { return "incroci_toolkit_dir_schedules" }

type m2Language struct {
	ID        string `gorm:"primaryKey;size:36"`
	OwnerType string `gorm:"size:24;not null;index:incroci_toolkit_dir_languages_owner,priority:1"`
	OwnerID   string `gorm:"size:36;not null;index:incroci_toolkit_dir_languages_owner,priority:2"`
	Position  int    `gorm:"not null"`
	Code      string `gorm:"size:16;not null"`
	Name      string `gorm:"size:100;not null;default:''"`
	Note      string `gorm:"size:500;not null;default:''"`
}

func (m2Language) TableName() string { return "incroci_toolkit_dir_languages" }

type m2Accessibility struct {
	ID          string `gorm:"primaryKey;size:36"`
	OwnerType   string `gorm:"size:24;not null;index:incroci_toolkit_dir_accessibility_owner,priority:1"`
	OwnerID     string `gorm:"size:36;not null;index:incroci_toolkit_dir_accessibility_owner,priority:2"`
	Position    int    `gorm:"not null"`
	Description string `gorm:"size:500;not null;default:''"`
	Details     string `gorm:"size:500;not null;default:''"`
	URL         string `gorm:"size:500;not null;default:''"`
}

func (m2Accessibility) TableName() string { return "incroci_toolkit_dir_accessibility" }

type m2ServiceTerm struct {
	ID        string `gorm:"primaryKey;size:36"`
	ServiceID string `gorm:"size:36;not null;index:incroci_toolkit_dir_service_terms_service"`
	Taxonomy  string `gorm:"size:32;not null;index:incroci_toolkit_dir_service_terms_term,priority:1"`
	Code      string `gorm:"size:64;not null;index:incroci_toolkit_dir_service_terms_term,priority:2"`
	Position  int    `gorm:"not null"`
}

func (m2ServiceTerm) TableName() string { return "incroci_toolkit_dir_service_terms" }

func m2Up(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&m2Organization{}, &m2Service{}, &m2Location{}, &m2ServiceAtLocation{},
		&m2Phone{}, &m2Schedule{}, &m2Language{}, &m2Accessibility{}, &m2ServiceTerm{})
}
