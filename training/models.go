package training

import (
	"time"

	"github.com/incrocicomuni/incroci"
)

// Material is something a course gives its participants: a link, or a
// sheet of the toolkit (by its id, when the toolkit is mounted).
type Material struct {
	Title string `json:"title" validate:"required,min=2,max=200,nocontrol"`
	// URL is an http or https address; set URL or SheetID.
	URL string `json:"url,omitempty" validate:"max=500"`
	// SheetID is the id of a toolkit sheet.
	SheetID int64 `json:"sheet_id,omitempty" validate:"omitempty,min=1"`
}

// Course is what is taught: goals, audience, topics and hours. It is
// given in one or more editions.
type Course struct {
	ID int64 `gorm:"primaryKey" json:"id"`
	// Ambito owns the course; "" for the network's.
	Ambito string `json:"ambito"`
	Title  string `json:"title"`
	Goals  string `json:"goals"`
	// Audience are the roles the course is for; empty for anyone with a
	// role in its ambito (in any ambito for the network's).
	Audience []incroci.Role `gorm:"serializer:json" json:"audience"`
	// Topics are codes of Topics.
	Topics []string `gorm:"serializer:json" json:"topics"`
	// Hours are the course's hours of training.
	Hours float64 `json:"hours"`
	// TrainerIDs are the people who teach it (trainers of its ambito, of
	// any ambito for the network's).
	TrainerIDs []int64    `gorm:"serializer:json" json:"trainer_ids"`
	Materials  []Material `gorm:"serializer:json" json:"materials"`
	CreatedBy  int64      `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// TableName places the table under the module's prefix.
func (Course) TableName() string { return "incroci_training_courses" }

// Edition is one run of a course: its meetings, seats and enrolment rules.
type Edition struct {
	ID       int64  `gorm:"primaryKey" json:"id"`
	CourseID int64  `json:"course_id"`
	Ambito   string `json:"ambito"` // the course's
	Title    string `json:"title"`
	// Capacity is the number of seats; Quotas reserve some of them.
	Capacity int `json:"capacity"`
	// People enrol from EnrolFrom to EnrolUntil.
	EnrolFrom  time.Time `json:"enrol_from"`
	EnrolUntil time.Time `json:"enrol_until"`
	// CancelUntil is the last moment a participant may give up a seat.
	CancelUntil time.Time `json:"cancel_until"`
	// Approval: a seat is confirmed only when a coordinator of the
	// participant's ambito approves it.
	Approval bool `json:"approval"`
	// Threshold is the share of hours, in percent, to attend for a
	// certificate.
	Threshold  int       `json:"threshold"`
	TrainerIDs []int64   `gorm:"serializer:json" json:"trainer_ids"`
	Cancelled  bool      `json:"cancelled"`
	CreatedBy  int64     `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`

	Meetings []Meeting `gorm:"-" json:"meetings"`
	Quotas   []Quota   `gorm:"-" json:"quotas"`
	Seats    Seats     `gorm:"-" json:"seats"`
}

// TableName places the table under the module's prefix.
func (Edition) TableName() string { return "incroci_training_editions" }

// Meeting is one session of an edition, in person (Place) or by video
// (VideoURL). Times are given in Italian time.
type Meeting struct {
	ID        int64     `gorm:"primaryKey" json:"id"`
	EditionID int64     `json:"-"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Place     string    `json:"place"`
	VideoURL  string    `json:"video_url"`
}

// TableName places the table under the module's prefix.
func (Meeting) TableName() string { return "incroci_training_meetings" }

// Quota reserves Seats of an edition for the people who match it: those
// with Role (any role when "") enrolling from Ambito (any when "").
type Quota struct {
	ID        int64        `gorm:"primaryKey" json:"id"`
	EditionID int64        `json:"-"`
	Role      incroci.Role `json:"role"`
	Ambito    string       `json:"ambito"`
	Seats     int          `json:"seats"`
}

// TableName places the table under the module's prefix.
func (Quota) TableName() string { return "incroci_training_quotas" }

// matches reports whether a person enrolling from ambito with roles fits q.
func (q *Quota) matches(ambito string, roles []incroci.Role) bool {
	if q.Ambito != "" && q.Ambito != ambito {
		return false
	}
	if q.Role == "" {
		return true
	}
	for _, r := range roles {
		if r == q.Role {
			return true
		}
	}
	return false
}

// Status is where an enrolment stands.
type Status string

// The statuses of an enrolment. Pending, confirmed and offered hold a
// seat; waiting is in the queue; the others are over.
const (
	StatusPending   Status = "pending"   // holds a seat, awaits the coordinator's approval
	StatusConfirmed Status = "confirmed" // holds a seat
	StatusWaiting   Status = "waiting"   // on the waiting list
	StatusOffered   Status = "offered"   // a freed seat is held for the person until OfferedUntil
	StatusCancelled Status = "cancelled" // given up by the person
	StatusRejected  Status = "rejected"  // refused by the coordinator
	StatusLapsed    Status = "lapsed"    // an offered seat was declined or not taken in time
)

// holding are the statuses that hold a seat.
var holding = []Status{StatusPending, StatusConfirmed, StatusOffered}

// Enrolment is a person's place in an edition: a seat, or a place on its
// waiting list.
type Enrolment struct {
	ID        int64 `gorm:"primaryKey" json:"id"`
	EditionID int64 `json:"edition_id"`
	PersonID  int64 `json:"person_id"`
	// Ambito is the ambito the person enrols from, Roles those they hold
	// there: quotas and approval go by them.
	Ambito string         `json:"ambito"`
	Roles  []incroci.Role `gorm:"serializer:json" json:"roles"`
	Status Status         `json:"status"`
	// QuotaID is the quota whose seat the enrolment holds; nil for a free
	// seat, or none.
	QuotaID *int64 `json:"quota_id"`
	// Queued orders the waiting list.
	Queued time.Time `json:"queued"`
	// OfferedUntil is when an offered seat passes on.
	OfferedUntil *time.Time `json:"offered_until"`
	DecidedBy    *int64     `json:"-"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`

	// Position is the place on the waiting list, from 1 (0 when not
	// waiting); filled when read.
	Position int `gorm:"-" json:"position"`
	// Name and Email are the person's, in the lists of the edition's
	// managers and trainers.
	Name  string `gorm:"-" json:"name,omitempty"`
	Email string `gorm:"-" json:"email,omitempty"`
}

// TableName places the table under the module's prefix.
func (Enrolment) TableName() string { return "incroci_training_enrolments" }
