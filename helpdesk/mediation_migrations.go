package helpdesk

import (
	"time"

	"gorm.io/gorm"
)

// Step 3: mediation packages, their ledger, mediator profiles and
// requests. Frozen: never change these structs.

type m3MediationPackage struct {
	ID        int64  `gorm:"primaryKey"`
	Ambito    string `gorm:"size:64;not null;index:incroci_helpdesk_mediation_packages_ambito"`
	Body      string `gorm:"size:200;not null;default:''"`
	Name      string `gorm:"size:200;not null"`
	ValidFrom string `gorm:"size:10;not null"`
	ValidTo   string `gorm:"size:10;not null"`
	CreatedBy *int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (m3MediationPackage) TableName() string { return "incroci_helpdesk_mediation_packages" }

type m3LedgerEntry struct {
	ID        int64     `gorm:"primaryKey"`
	PackageID int64     `gorm:"not null;index:incroci_helpdesk_mediation_ledger_package"`
	Minutes   int       `gorm:"not null"`
	Reason    string    `gorm:"size:32;not null"`
	BookingID *int64    `gorm:"index:incroci_helpdesk_mediation_ledger_booking"`
	ActorID   *int64    ``
	At        time.Time `gorm:"not null"`
	Note      string    `gorm:"size:500;not null;default:''"`
}

func (m3LedgerEntry) TableName() string { return "incroci_helpdesk_mediation_ledger" }

type m3WeeklyInterval struct {
	Weekday int    `json:"weekday"`
	Start   string `json:"start"`
	End     string `json:"end"`
}

type m3ScheduledPresence struct {
	Weekday int    `json:"weekday"`
	Start   string `json:"start"`
	End     string `json:"end"`
	Ambito  string `json:"ambito"`
	Place   string `json:"place"`
}

type m3MediatorProfile struct {
	PersonID     int64                 `gorm:"primaryKey;autoIncrement:false"`
	Languages    []string              `gorm:"serializer:json;not null"`
	Modes        []string              `gorm:"serializer:json;not null"`
	Ambiti       []string              `gorm:"serializer:json;not null"`
	Availability []m3WeeklyInterval    `gorm:"serializer:json;not null"`
	Presences    []m3ScheduledPresence `gorm:"serializer:json;not null"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (m3MediatorProfile) TableName() string { return "incroci_helpdesk_mediator_profiles" }

type m3MediationRequest struct {
	ID             int64     `gorm:"primaryKey"`
	Ambito         string    `gorm:"size:64;not null;index:incroci_helpdesk_mediation_requests_ambito"`
	OperatorID     int64     `gorm:"not null;index:incroci_helpdesk_mediation_requests_operator"`
	PackageID      int64     `gorm:"not null;index:incroci_helpdesk_mediation_requests_package"`
	ConsultationID *int64    `gorm:"index:incroci_helpdesk_mediation_requests_consultation"`
	Language       string    `gorm:"size:12;not null;index:incroci_helpdesk_mediation_requests_language"`
	Service        string    `gorm:"size:200;not null"`
	Mode           string    `gorm:"size:16;not null"`
	Start          time.Time `gorm:"column:starts_at;not null;index:incroci_helpdesk_mediation_requests_start"`
	End            time.Time `gorm:"column:ends_at;not null"`
	Minutes        int       `gorm:"not null"`
	Place          string    `gorm:"size:300;not null;default:''"`
	VideoURL       string    `gorm:"size:2000;not null;default:''"`
	Note           string    `gorm:"size:2000;not null;default:''"`
	Status         string    `gorm:"size:16;not null;index:incroci_helpdesk_mediation_requests_status"`
	MediatorID     *int64    `gorm:"index:incroci_helpdesk_mediation_requests_mediator"`
	ConfirmedBy    *int64
	ConfirmedAt    *time.Time
	CancelledBy    *int64
	CancelledAt    *time.Time
	Charged        bool `gorm:"not null;default:false"`
	DoneAt         *time.Time
	Sequence       int `gorm:"not null;default:0"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (m3MediationRequest) TableName() string { return "incroci_helpdesk_mediation_requests" }

func m3Up(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&m3MediationPackage{}, &m3LedgerEntry{}, &m3MediatorProfile{}, &m3MediationRequest{})
}
