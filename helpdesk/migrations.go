package helpdesk

import (
	"time"

	"github.com/incrocicomuni/incroci/internal/migrate"
	"gorm.io/gorm"
)

// migrations are the module's schema steps; each has frozen copies of the
// structs it creates and never changes once released.
var migrations = []migrate.Step{
	{Version: 1, Name: "desks, topics, consultants, consultations, history, messages, attachments, read marks, presence", Up: m1Up},
	{Version: 2, Name: "appointment slots", Up: m2Up},
	{Version: 3, Name: "mediation packages, ledger, mediator profiles, mediation requests", Up: m3Up},
	{Version: 4, Name: "deadline reminders", Up: m4Up},
}

type m1Desk struct {
	ID                 int64    `gorm:"primaryKey"`
	Slug               string   `gorm:"size:64;not null;uniqueIndex:incroci_helpdesk_desks_slug"`
	Name               string   `gorm:"size:200;not null"`
	Description        string   `gorm:"type:text;not null;default:''"`
	Ambito             string   `gorm:"size:64;not null"`
	FirstResponseHours int      `gorm:"not null"`
	ServesAll          bool     `gorm:"not null"`
	Ambiti             []string `gorm:"serializer:json;not null"`
	Active             bool     `gorm:"not null"`
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func (m1Desk) TableName() string { return "incroci_helpdesk_desks" }

type m1Topic struct {
	ID       int64    `gorm:"primaryKey"`
	DeskID   int64    `gorm:"not null;uniqueIndex:incroci_helpdesk_topics_code,priority:1"`
	Code     string   `gorm:"size:64;not null;uniqueIndex:incroci_helpdesk_topics_code,priority:2"`
	LabelIT  string   `gorm:"size:200;not null"`
	LabelEN  string   `gorm:"size:200;not null"`
	Intake   []string `gorm:"serializer:json;not null"`
	Position int      `gorm:"not null;default:0"`
	Active   bool     `gorm:"not null"`
}

func (m1Topic) TableName() string { return "incroci_helpdesk_topics" }

type m1DeskConsultant struct {
	ID        int64    `gorm:"primaryKey"`
	DeskID    int64    `gorm:"not null;uniqueIndex:incroci_helpdesk_desk_consultants_unique,priority:1"`
	PersonID  int64    `gorm:"not null;uniqueIndex:incroci_helpdesk_desk_consultants_unique,priority:2;index:incroci_helpdesk_desk_consultants_person"`
	Topics    []string `gorm:"serializer:json;not null"`
	MaxOpen   int      `gorm:"not null;default:0"`
	Manager   bool     `gorm:"not null;default:false"`
	Active    bool     `gorm:"not null"`
	CreatedAt time.Time
}

func (m1DeskConsultant) TableName() string { return "incroci_helpdesk_desk_consultants" }

type m1Consultation struct {
	ID                     int64      `gorm:"primaryKey"`
	DeskID                 int64      `gorm:"not null;index:incroci_helpdesk_consultations_desk"`
	TopicID                int64      `gorm:"not null;index:incroci_helpdesk_consultations_topic"`
	Ambito                 string     `gorm:"size:64;not null;index:incroci_helpdesk_consultations_ambito"`
	Service                string     `gorm:"size:200;not null;default:''"`
	OperatorID             int64      `gorm:"not null;index:incroci_helpdesk_consultations_operator"`
	AssigneeID             *int64     `gorm:"index:incroci_helpdesk_consultations_assignee"`
	Subject                string     `gorm:"size:300;not null"`
	Question               string     `gorm:"type:text;not null"`
	Urgency                string     `gorm:"size:16;not null"`
	Status                 string     `gorm:"size:32;not null;index:incroci_helpdesk_consultations_status"`
	BeneficiaryLabel       string     `gorm:"size:40;not null;default:''"`
	BeneficiaryAgeBand     string     `gorm:"size:16;not null;default:''"`
	BeneficiaryNationality string     `gorm:"size:2;not null;default:''"`
	BeneficiaryLanguage    string     `gorm:"size:12;not null;default:''"`
	Intake                 m1Intake   `gorm:"serializer:json;not null"`
	Deadline               *time.Time `gorm:"index:incroci_helpdesk_consultations_deadline"`
	FirstResponseDue       time.Time  `gorm:"not null;index:incroci_helpdesk_consultations_due"`
	FirstResponseAt        *time.Time
	ResolvedAt             *time.Time
	ClosedAt               *time.Time `gorm:"index:incroci_helpdesk_consultations_closed"`
	AnonymisedAt           *time.Time
	LastMessageAt          time.Time `gorm:"not null"`
	CreatedAt              time.Time `gorm:"index:incroci_helpdesk_consultations_created"`
	UpdatedAt              time.Time
}

type m1Intake struct {
	PermitType     string `json:"permit_type,omitempty"`
	PermitExpiry   string `json:"permit_expiry,omitempty"`
	AppealDeadline string `json:"appeal_deadline,omitempty"`
}

func (m1Consultation) TableName() string { return "incroci_helpdesk_consultations" }

type m1StatusChange struct {
	ID             int64  `gorm:"primaryKey"`
	ConsultationID int64  `gorm:"not null;index:incroci_helpdesk_status_changes_consultation"`
	From           string `gorm:"size:32;not null;default:''"`
	To             string `gorm:"size:32;not null"`
	ActorID        *int64
	At             time.Time `gorm:"not null"`
}

func (m1StatusChange) TableName() string { return "incroci_helpdesk_status_changes" }

type m1Message struct {
	ID             int64     `gorm:"primaryKey"`
	ConsultationID int64     `gorm:"not null;uniqueIndex:incroci_helpdesk_messages_client,priority:1;index:incroci_helpdesk_messages_consultation"`
	ClientID       string    `gorm:"size:64;not null;uniqueIndex:incroci_helpdesk_messages_client,priority:2"`
	AuthorID       int64     `gorm:"not null"`
	Kind           string    `gorm:"size:16;not null"`
	Body           string    `gorm:"type:text;not null"`
	CreatedAt      time.Time `gorm:"not null"`
}

func (m1Message) TableName() string { return "incroci_helpdesk_messages" }

type m1Attachment struct {
	ID             int64  `gorm:"primaryKey"`
	ConsultationID int64  `gorm:"not null;index:incroci_helpdesk_attachments_consultation"`
	MessageID      *int64 `gorm:"index:incroci_helpdesk_attachments_message"`
	Name           string `gorm:"size:255;not null"`
	ContentType    string `gorm:"size:100;not null"`
	Size           int64  `gorm:"not null"`
	SHA256         string `gorm:"size:64;not null"`
	StorageKey     string `gorm:"size:100;not null"`
	UploadedBy     int64  `gorm:"not null"`
	Internal       bool   `gorm:"not null;default:false"`
	CreatedAt      time.Time
}

func (m1Attachment) TableName() string { return "incroci_helpdesk_attachments" }

type m1ReadMark struct {
	ConsultationID int64     `gorm:"primaryKey;autoIncrement:false"`
	PersonID       int64     `gorm:"primaryKey;autoIncrement:false"`
	LastMessageID  int64     `gorm:"not null"`
	At             time.Time `gorm:"not null"`
}

func (m1ReadMark) TableName() string { return "incroci_helpdesk_reads" }

type m1Presence struct {
	ID             int64     `gorm:"primaryKey"`
	PersonID       int64     `gorm:"not null;index:incroci_helpdesk_presence_person"`
	ConsultationID int64     `gorm:"not null;index:incroci_helpdesk_presence_consultation"`
	Token          string    `gorm:"size:32;not null;uniqueIndex:incroci_helpdesk_presence_token"`
	Until          time.Time `gorm:"not null;index:incroci_helpdesk_presence_until"`
}

func (m1Presence) TableName() string { return "incroci_helpdesk_presence" }

func m1Up(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&m1Desk{}, &m1Topic{}, &m1DeskConsultant{}, &m1Consultation{},
		&m1StatusChange{}, &m1Message{}, &m1Attachment{}, &m1ReadMark{}, &m1Presence{})
}
