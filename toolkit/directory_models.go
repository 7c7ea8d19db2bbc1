package toolkit

import "time"

// The directory of services keeps, for each entry, the ambito whose editors
// keep it, when it was last checked and by whom. Ids are UUIDs (the HSDS
// API's ids), made with github.com/google/uuid.

// Owner kinds of a directory entry's phones, schedules and languages.
const (
	ownerOrganization      = "organization"
	ownerService           = "service"
	ownerLocation          = "location"
	ownerServiceAtLocation = "service_at_location"
)

// Checked says when an entry of the directory was last checked and by whom.
type Checked struct {
	// LastChecked is the day someone last checked the entry (YYYY-MM-DD), ""
	// when never.
	LastChecked string `gorm:"size:10;not null;default:''" json:"last_checked"`
	// CheckedBy is the person who checked it, nil when unknown (imported).
	CheckedBy *int64 `json:"checked_by"`
	// CheckedByName is their name, shown to the editors of the entry's
	// ambito only.
	CheckedByName string `gorm:"-" json:"checked_by_name,omitempty"`
}

// DirOrganization is a body that provides services: a comune's social
// services, a school, an association, a public office.
type DirOrganization struct {
	ID            string `gorm:"primaryKey;size:36" json:"id"`
	Ambito        string `gorm:"size:64;not null;index" json:"ambito"`
	Name          string `gorm:"size:200;not null" json:"name"`
	AlternateName string `gorm:"size:200;not null;default:''" json:"alternate_name"`
	Description   string `gorm:"type:text;not null" json:"description"`
	Email         string `gorm:"size:254;not null;default:''" json:"email"`
	Website       string `gorm:"size:500;not null;default:''" json:"website"`
	Checked
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	Phones    []DirPhone `gorm:"-" json:"phones"`
}

// TableName places the table under the module's prefix.
func (DirOrganization) TableName() string { return "incroci_toolkit_dir_organizations" }

// ServiceStatus is whether a service is offered now (HSDS's status).
type ServiceStatus string

// The statuses of a service.
const (
	ServiceActive            ServiceStatus = "active"
	ServiceInactive          ServiceStatus = "inactive"
	ServiceDefunct           ServiceStatus = "defunct"
	ServiceTemporarilyClosed ServiceStatus = "temporarily closed"
)

// DirService is a service an organization offers. Its ambito is its
// organization's.
type DirService struct {
	ID                     string        `gorm:"primaryKey;size:36" json:"id"`
	OrganizationID         string        `gorm:"size:36;not null;index" json:"organization_id"`
	Ambito                 string        `gorm:"size:64;not null;index" json:"ambito"`
	Name                   string        `gorm:"size:200;not null" json:"name"`
	AlternateName          string        `gorm:"size:200;not null;default:''" json:"alternate_name"`
	Description            string        `gorm:"type:text;not null;default:''" json:"description"`
	URL                    string        `gorm:"size:500;not null;default:''" json:"url"`
	Email                  string        `gorm:"size:254;not null;default:''" json:"email"`
	Status                 ServiceStatus `gorm:"size:24;not null" json:"status"`
	InterpretationServices string        `gorm:"type:text;not null;default:''" json:"interpretation_services"`
	ApplicationProcess     string        `gorm:"type:text;not null;default:''" json:"application_process"`
	FeesDescription        string        `gorm:"type:text;not null;default:''" json:"fees_description"`
	EligibilityDescription string        `gorm:"type:text;not null;default:''" json:"eligibility_description"`
	Checked
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Kinds are codes of network-services.csv; Topics of topics.csv.
	Kinds     []string      `gorm:"-" json:"kinds"`
	Topics    []string      `gorm:"-" json:"topics"`
	Phones    []DirPhone    `gorm:"-" json:"phones"`
	Schedules []DirSchedule `gorm:"-" json:"schedules"`
	Languages []DirLanguage `gorm:"-" json:"languages"`
}

// TableName places the table under the module's prefix.
func (DirService) TableName() string { return "incroci_toolkit_dir_services" }

// DirLocation is a place where services are given, with one address (the
// comune is its city) and coordinates. Its ambito is its organization's.
type DirLocation struct {
	ID             string   `gorm:"primaryKey;size:36" json:"id"`
	OrganizationID string   `gorm:"size:36;not null;index" json:"organization_id"`
	Ambito         string   `gorm:"size:64;not null;index" json:"ambito"`
	LocationType   string   `gorm:"size:16;not null" json:"location_type"`
	Name           string   `gorm:"size:200;not null;default:''" json:"name"`
	AlternateName  string   `gorm:"size:200;not null;default:''" json:"alternate_name"`
	Description    string   `gorm:"type:text;not null;default:''" json:"description"`
	Transportation string   `gorm:"type:text;not null;default:''" json:"transportation"`
	Latitude       *float64 `gorm:"index:incroci_toolkit_dir_locations_lat_lon,priority:1" json:"latitude"`
	Longitude      *float64 `gorm:"index:incroci_toolkit_dir_locations_lat_lon,priority:2" json:"longitude"`
	// Address is the location's address; its ID is "" for a location with
	// none (a virtual one).
	Address DirAddress `gorm:"embedded;embeddedPrefix:address_" json:"address"`
	// Comune is the address's city, lowercased, for filtering.
	Comune string `gorm:"size:100;not null;default:'';index" json:"-"`
	Checked
	CreatedAt     time.Time          `json:"created_at"`
	UpdatedAt     time.Time          `json:"updated_at"`
	Languages     []DirLanguage      `gorm:"-" json:"languages"`
	Accessibility []DirAccessibility `gorm:"-" json:"accessibility"`
	Phones        []DirPhone         `gorm:"-" json:"phones"`
	Schedules     []DirSchedule      `gorm:"-" json:"schedules"`
}

// TableName places the table under the module's prefix.
func (DirLocation) TableName() string { return "incroci_toolkit_dir_locations" }

// DirAddress is the address of a location (HSDS address, one per location).
type DirAddress struct {
	ID       string `gorm:"size:36" json:"id"`
	Address1 string `gorm:"size:200" json:"address_1"`
	Address2 string `gorm:"size:200" json:"address_2"`
	// City is the comune.
	City string `gorm:"size:100" json:"city"`
	// StateProvince is the province's code (LO, MI…).
	StateProvince string `gorm:"size:8" json:"state_province"`
	PostalCode    string `gorm:"size:10" json:"postal_code"`
	Country       string `gorm:"size:2" json:"country"`
}

// DirServiceAtLocation links a service to a location where it is given,
// with the phones and opening hours that hold there.
type DirServiceAtLocation struct {
	ID          string        `gorm:"primaryKey;size:36" json:"id"`
	ServiceID   string        `gorm:"size:36;not null;uniqueIndex:incroci_toolkit_dir_sal_pair,priority:1" json:"service_id"`
	LocationID  string        `gorm:"size:36;not null;uniqueIndex:incroci_toolkit_dir_sal_pair,priority:2;index" json:"location_id"`
	Ambito      string        `gorm:"size:64;not null;index" json:"ambito"`
	Description string        `gorm:"type:text;not null;default:''" json:"description"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	Phones      []DirPhone    `gorm:"-" json:"phones"`
	Schedules   []DirSchedule `gorm:"-" json:"schedules"`
}

// TableName places the table under the module's prefix.
func (DirServiceAtLocation) TableName() string { return "incroci_toolkit_dir_service_at_locations" }

// DirOwned says which entry a phone, a schedule, a language or an
// accessibility note belongs to, and its place among its siblings.
type DirOwned struct {
	OwnerType string `gorm:"size:24;not null" json:"-"`
	OwnerID   string `gorm:"size:36;not null" json:"-"`
	Position  int    `gorm:"not null" json:"-"`
}

func (o DirOwned) owner() string { return o.OwnerID }

// DirPhone is a phone number of an organization, a service, a location or a
// service at a location.
type DirPhone struct {
	ID string `gorm:"primaryKey;size:36" json:"id"`
	DirOwned
	Number    string `gorm:"size:40;not null" json:"number"`
	Extension *int   `json:"extension"`
	// Type is HSDS's: text, voice, fax, cell, video, pager, textphone.
	Type        string `gorm:"size:16;not null;default:''" json:"type"`
	Description string `gorm:"size:500;not null;default:''" json:"description"`
}

// TableName places the table under the module's prefix.
func (DirPhone) TableName() string { return "incroci_toolkit_dir_phones" }

// DirSchedule is a rule of opening hours: on the days of ByDay (every day
// when empty), from OpensAt to ClosesAt, between ValidFrom and ValidTo when
// set. Times are wall-clock times in Italy (Europe/Rome), whatever the
// season: see OpenAt.
type DirSchedule struct {
	ID string `gorm:"primaryKey;size:36" json:"id"`
	DirOwned
	// Freq is WEEKLY (the only rule OpenAt evaluates) or MONTHLY.
	Freq     string `gorm:"size:8;not null;default:''" json:"freq"`
	Interval *int   `json:"interval"`
	// ByDay lists days as MO,TU,WE,TH,FR,SA,SU.
	ByDay         string `gorm:"size:40;not null;default:''" json:"byday"`
	ValidFrom     string `gorm:"size:10;not null;default:''" json:"valid_from"`
	ValidTo       string `gorm:"size:10;not null;default:''" json:"valid_to"`
	OpensAt       string `gorm:"size:8;not null;default:''" json:"opens_at"`
	ClosesAt      string `gorm:"size:8;not null;default:''" json:"closes_at"`
	Description   string `gorm:"size:500;not null;default:''" json:"description"`
	Notes         string `gorm:"size:500;not null;default:''" json:"notes"`
	AttendingType string `gorm:"size:200;not null;default:''" json:"attending_type"`
}

// TableName places the table under the module's prefix.
func (DirSchedule) TableName() string { return "incroci_toolkit_dir_schedules" }

// DirLanguage is a language spoken at a service or a location.
type DirLanguage struct {
	ID string `gorm:"primaryKey;size:36" json:"id"`
	DirOwned
	// Code is an ISO 639 code (ar, zh, uk…).
	Code string `gorm:"size:16;not null" json:"code"`
	Name string `gorm:"size:100;not null;default:''" json:"name"`
	Note string `gorm:"size:500;not null;default:''" json:"note"`
}

// TableName places the table under the module's prefix.
func (DirLanguage) TableName() string { return "incroci_toolkit_dir_languages" }

// DirAccessibility is what a location offers people with disabilities.
type DirAccessibility struct {
	ID string `gorm:"primaryKey;size:36" json:"id"`
	DirOwned
	Description string `gorm:"size:500;not null;default:''" json:"description"`
	Details     string `gorm:"size:500;not null;default:''" json:"details"`
	URL         string `gorm:"size:500;not null;default:''" json:"url"`
}

// TableName places the table under the module's prefix.
func (DirAccessibility) TableName() string { return "incroci_toolkit_dir_accessibility" }

// dirServiceTerm attaches a taxonomy term to a service; its id is the HSDS
// attribute's.
type dirServiceTerm struct {
	ID        string `gorm:"primaryKey;size:36"`
	ServiceID string `gorm:"size:36;not null;index"`
	Taxonomy  string `gorm:"size:32;not null"`
	Code      string `gorm:"size:64;not null"`
	Position  int    `gorm:"not null"`
}

func (dirServiceTerm) TableName() string { return "incroci_toolkit_dir_service_terms" }
