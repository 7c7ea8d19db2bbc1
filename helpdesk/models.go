package helpdesk

import "time"

// Desk is a help desk of the network: the legal desk, an ethnoclinical
// team… It has topics, consultants and a first-response target.
type Desk struct {
	ID          int64  `gorm:"primaryKey" json:"id"`
	Slug        string `gorm:"size:64;not null;uniqueIndex" json:"slug"`
	Name        string `gorm:"size:200;not null" json:"name"`
	Description string `gorm:"type:text;not null;default:''" json:"description"`
	// Ambito runs the desk: its coordinators manage it.
	Ambito string `gorm:"size:64;not null" json:"ambito"`
	// FirstResponseHours is the target for a first answer, in working hours
	// of the Italian calendar.
	FirstResponseHours int `gorm:"not null" json:"first_response_hours"`
	// ServesAll is true when every ambito of the network may use the desk;
	// otherwise Ambiti lists those it serves.
	ServesAll bool      `gorm:"not null" json:"serves_all"`
	Ambiti    []string  `gorm:"serializer:json;not null" json:"ambiti"`
	Active    bool      `gorm:"not null" json:"active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName places the table under the module's prefix.
func (Desk) TableName() string { return "incroci_helpdesk_desks" }

// Serves reports whether operators of ambito may use the desk.
func (d *Desk) Serves(ambito string) bool {
	if !d.Active {
		return false
	}
	if d.ServesAll {
		return true
	}
	for _, a := range d.Ambiti {
		if a == ambito {
			return true
		}
	}
	return false
}

// Topic is what a consultation is about (see ../shared/domain/topics.csv).
type Topic struct {
	ID      int64  `gorm:"primaryKey" json:"id"`
	DeskID  int64  `gorm:"not null;uniqueIndex:incroci_helpdesk_topics_code,priority:1" json:"desk_id"`
	Code    string `gorm:"size:64;not null;uniqueIndex:incroci_helpdesk_topics_code,priority:2" json:"code"`
	LabelIT string `gorm:"size:200;not null" json:"label_it"`
	LabelEN string `gorm:"size:200;not null" json:"label_en"`
	// Intake names the structured fields asked for this topic.
	Intake   []string `gorm:"serializer:json;not null" json:"intake"`
	Position int      `gorm:"not null;default:0" json:"position"`
	Active   bool     `gorm:"not null" json:"active"`
}

// TableName places the table under the module's prefix.
func (Topic) TableName() string { return "incroci_helpdesk_topics" }

// DeskConsultant is a person who answers a desk's consultations, on some
// topics (all when Topics is empty), up to MaxOpen at a time (0: no limit).
type DeskConsultant struct {
	ID        int64     `gorm:"primaryKey" json:"id"`
	DeskID    int64     `gorm:"not null;uniqueIndex:incroci_helpdesk_desk_consultants_unique,priority:1" json:"desk_id"`
	PersonID  int64     `gorm:"not null;uniqueIndex:incroci_helpdesk_desk_consultants_unique,priority:2;index" json:"person_id"`
	Topics    []string  `gorm:"serializer:json;not null" json:"topics"`
	MaxOpen   int       `gorm:"not null;default:0" json:"max_open"`
	Manager   bool      `gorm:"not null;default:false" json:"manager"`
	Active    bool      `gorm:"not null" json:"active"`
	CreatedAt time.Time `json:"created_at"`
	// Name is the consultant's name, when the list gives it.
	Name string `gorm:"-" json:"name,omitempty"`
}

// TableName places the table under the module's prefix.
func (DeskConsultant) TableName() string { return "incroci_helpdesk_desk_consultants" }

// Status is where a consultation stands.
type Status string

// The statuses of a consultation.
const (
	StatusNew               Status = "new"
	StatusOpen              Status = "open"
	StatusWaitingOperator   Status = "waiting_operator"
	StatusWaitingConsultant Status = "waiting_consultant"
	StatusAppointment       Status = "appointment"
	StatusResolved          Status = "resolved"
	StatusClosed            Status = "closed"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusNew, StatusOpen, StatusWaitingOperator, StatusWaitingConsultant, StatusAppointment, StatusResolved, StatusClosed}

// Urgency says how soon an answer is needed.
type Urgency string

// The urgencies.
const (
	UrgencyLow    Urgency = "low"
	UrgencyNormal Urgency = "normal"
	UrgencyHigh   Urgency = "high"
	UrgencyUrgent Urgency = "urgent"
)

// Beneficiary is the person a consultation is about, pseudonymous: never a
// name, only a label the operator can recognise.
type Beneficiary struct {
	// Label is initials or a code of the operator's service, e.g. "M.R." or "TM-2025-014".
	Label string `json:"label"`
	// AgeBand is one of AgeBands.
	AgeBand string `json:"age_band"`
	// Nationality is an ISO 3166-1 alpha-2 code, or "XX" when stateless or unknown.
	Nationality string `json:"nationality"`
	// Language is an ISO 639-1 code of the language the beneficiary speaks.
	Language string `json:"language"`
}

// AgeBands are the age bands a beneficiary is placed in.
var AgeBands = []string{"0-5", "6-13", "14-17", "18-25", "26-40", "41-64", "65+", "unknown"}

// Intake is the structured part of a consultation, asked per topic.
type Intake struct {
	// PermitType is the kind of residence permit, e.g. "lavoro subordinato".
	PermitType string `json:"permit_type,omitempty"`
	// PermitExpiry is when the permit expires (YYYY-MM-DD).
	PermitExpiry string `json:"permit_expiry,omitempty"`
	// AppealDeadline is the last day to appeal a decision (YYYY-MM-DD).
	AppealDeadline string `json:"appeal_deadline,omitempty"`
}

// Consultation is a question an operator puts to a desk, and the dialogue
// that follows.
type Consultation struct {
	ID         int64   `gorm:"primaryKey" json:"id"`
	DeskID     int64   `gorm:"not null;index" json:"desk_id"`
	TopicID    int64   `gorm:"not null;index" json:"topic_id"`
	Ambito     string  `gorm:"size:64;not null;index" json:"ambito"`
	Service    string  `gorm:"size:200;not null;default:''" json:"service"`
	OperatorID int64   `gorm:"not null;index" json:"operator_id"`
	AssigneeID *int64  `gorm:"index" json:"assignee_id"`
	Subject    string  `gorm:"size:300;not null" json:"subject"`
	Question   string  `gorm:"type:text;not null" json:"question"`
	Urgency    Urgency `gorm:"size:16;not null" json:"urgency"`
	Status     Status  `gorm:"size:32;not null;index" json:"status"`

	BeneficiaryLabel       string `gorm:"size:40;not null;default:''" json:"-"`
	BeneficiaryAgeBand     string `gorm:"size:16;not null;default:''" json:"-"`
	BeneficiaryNationality string `gorm:"size:2;not null;default:''" json:"-"`
	BeneficiaryLanguage    string `gorm:"size:12;not null;default:''" json:"-"`
	Intake                 Intake `gorm:"serializer:json;not null" json:"intake"`
	// Deadline is the nearest date of the intake (permit expiry, appeal
	// deadline), for reminders.
	Deadline *time.Time `gorm:"index" json:"deadline"`
	// DeadlineReminder is the last reminder stage sent about Deadline.
	DeadlineReminder int `gorm:"not null;default:0" json:"-"`

	FirstResponseDue time.Time  `gorm:"not null;index" json:"first_response_due"`
	FirstResponseAt  *time.Time `json:"first_response_at"`
	ResolvedAt       *time.Time `json:"resolved_at"`
	ClosedAt         *time.Time `gorm:"index" json:"closed_at"`
	AnonymisedAt     *time.Time `json:"anonymised_at"`
	LastMessageAt    time.Time  `gorm:"not null" json:"last_message_at"`
	CreatedAt        time.Time  `gorm:"index" json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// TableName places the table under the module's prefix.
func (Consultation) TableName() string { return "incroci_helpdesk_consultations" }

// StatusChange records who moved a consultation from one status to another.
type StatusChange struct {
	ID             int64     `gorm:"primaryKey" json:"id"`
	ConsultationID int64     `gorm:"not null;index" json:"consultation_id"`
	From           Status    `gorm:"size:32;not null;default:''" json:"from"`
	To             Status    `gorm:"size:32;not null" json:"to"`
	ActorID        *int64    `json:"actor_id"`
	At             time.Time `gorm:"not null" json:"at"`
	// ActorName is the name of who made the change, when known.
	ActorName string `gorm:"-" json:"actor_name,omitempty"`
}

// TableName places the table under the module's prefix.
func (StatusChange) TableName() string { return "incroci_helpdesk_status_changes" }

// MessageKind tells a message from an internal note and a system line.
type MessageKind string

// The kinds of message.
const (
	KindMessage MessageKind = "message"
	// KindNote is a consultants' internal note: operators never see it.
	KindNote MessageKind = "note"
)

// Message is one entry of a consultation's dialogue. ClientID is chosen by
// the writer's widget, so that a retry never makes a duplicate.
type Message struct {
	ID             int64       `gorm:"primaryKey" json:"id"`
	ConsultationID int64       `gorm:"not null;uniqueIndex:incroci_helpdesk_messages_client,priority:1;index" json:"consultation_id"`
	ClientID       string      `gorm:"size:64;not null;uniqueIndex:incroci_helpdesk_messages_client,priority:2" json:"client_id"`
	AuthorID       int64       `gorm:"not null" json:"author_id"`
	Kind           MessageKind `gorm:"size:16;not null" json:"kind"`
	Body           string      `gorm:"type:text;not null" json:"body"`
	CreatedAt      time.Time   `gorm:"not null" json:"created_at"`
	// AuthorName is the author's name, in the consultation and its
	// message lists (not in the answer to a post: that is the caller).
	AuthorName string `gorm:"-" json:"author_name,omitempty"`
}

// TableName places the table under the module's prefix.
func (Message) TableName() string { return "incroci_helpdesk_messages" }

// Attachment is a file added to a consultation, kept in the module's
// AttachmentStore under StorageKey.
type Attachment struct {
	ID             int64     `gorm:"primaryKey" json:"id"`
	ConsultationID int64     `gorm:"not null;index" json:"consultation_id"`
	MessageID      *int64    `gorm:"index" json:"message_id"`
	Name           string    `gorm:"size:255;not null" json:"name"`
	ContentType    string    `gorm:"size:100;not null" json:"content_type"`
	Size           int64     `gorm:"not null" json:"size"`
	SHA256         string    `gorm:"size:64;not null" json:"sha256"`
	StorageKey     string    `gorm:"size:100;not null" json:"-"`
	UploadedBy     int64     `gorm:"not null" json:"uploaded_by"`
	Internal       bool      `gorm:"not null;default:false" json:"internal"`
	CreatedAt      time.Time `json:"created_at"`
}

// TableName places the table under the module's prefix.
func (Attachment) TableName() string { return "incroci_helpdesk_attachments" }

// ReadMark is how far a person has read a consultation's dialogue.
type ReadMark struct {
	ConsultationID int64     `gorm:"primaryKey;autoIncrement:false" json:"consultation_id"`
	PersonID       int64     `gorm:"primaryKey;autoIncrement:false" json:"person_id"`
	LastMessageID  int64     `gorm:"not null" json:"last_message_id"`
	At             time.Time `gorm:"not null" json:"at"`
}

// TableName places the table under the module's prefix.
func (ReadMark) TableName() string { return "incroci_helpdesk_reads" }
