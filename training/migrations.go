package training

import (
	"time"

	"github.com/incrocicomuni/incroci/internal/migrate"
	"gorm.io/gorm"
)

// migrations are the module's schema steps; each has frozen copies of the
// structs it creates and never changes once released. A new step is one
// line here and its own function (mNUp) with its frozen structs, in a file
// of its own when long (migrations_surveys.go…).
var migrations = []migrate.Step{
	{Version: 1, Name: "courses, editions, meetings, quotas, enrolments", Up: m1Up},
	{Version: 20, Name: "attendance registers and certificates", Up: m20Up},
	{Version: 21, Name: "meeting reminders sent", Up: m21Up},
	{Version: 22, Name: "files of courses", Up: m22Up},
	{Version: 23, Name: "calendar links can be replaced", Up: m23Up},
}

type m1Course struct {
	ID         int64        `gorm:"primaryKey"`
	Ambito     string       `gorm:"size:64;not null;default:'';index:incroci_training_courses_ambito"`
	Title      string       `gorm:"size:200;not null"`
	Goals      string       `gorm:"type:text;not null"`
	Audience   []string     `gorm:"serializer:json;not null"`
	Topics     []string     `gorm:"serializer:json;not null"`
	Hours      float64      `gorm:"not null"`
	TrainerIDs []int64      `gorm:"serializer:json;not null"`
	Materials  []m1Material `gorm:"serializer:json;not null"`
	CreatedBy  int64        `gorm:"not null"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

type m1Material struct {
	Title   string `json:"title"`
	URL     string `json:"url,omitempty"`
	SheetID int64  `json:"sheet_id,omitempty"`
}

func (m1Course) TableName() string { return "incroci_training_courses" }

type m1Edition struct {
	ID          int64     `gorm:"primaryKey"`
	CourseID    int64     `gorm:"not null;index:incroci_training_editions_course"`
	Ambito      string    `gorm:"size:64;not null;default:'';index:incroci_training_editions_ambito"`
	Title       string    `gorm:"size:200;not null;default:''"`
	Capacity    int       `gorm:"not null"`
	EnrolFrom   time.Time `gorm:"not null"`
	EnrolUntil  time.Time `gorm:"not null"`
	CancelUntil time.Time `gorm:"not null"`
	Approval    bool      `gorm:"not null;default:false"`
	Threshold   int       `gorm:"not null"`
	TrainerIDs  []int64   `gorm:"serializer:json;not null"`
	Cancelled   bool      `gorm:"not null;default:false"`
	CreatedBy   int64     `gorm:"not null"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (m1Edition) TableName() string { return "incroci_training_editions" }

type m1Meeting struct {
	ID        int64     `gorm:"primaryKey"`
	EditionID int64     `gorm:"not null;index:incroci_training_meetings_edition"`
	Start     time.Time `gorm:"not null;index:incroci_training_meetings_start"`
	End       time.Time `gorm:"not null"`
	Place     string    `gorm:"size:300;not null;default:''"`
	VideoURL  string    `gorm:"size:500;not null;default:''"`
}

func (m1Meeting) TableName() string { return "incroci_training_meetings" }

type m1Quota struct {
	ID        int64  `gorm:"primaryKey"`
	EditionID int64  `gorm:"not null;index:incroci_training_quotas_edition"`
	Role      string `gorm:"size:16;not null;default:''"`
	Ambito    string `gorm:"size:64;not null;default:''"`
	Seats     int    `gorm:"not null"`
}

func (m1Quota) TableName() string { return "incroci_training_quotas" }

type m1Enrolment struct {
	ID           int64    `gorm:"primaryKey"`
	EditionID    int64    `gorm:"not null;uniqueIndex:incroci_training_enrolments_person,priority:1;index:incroci_training_enrolments_queue,priority:1"`
	PersonID     int64    `gorm:"not null;uniqueIndex:incroci_training_enrolments_person,priority:2;index:incroci_training_enrolments_me"`
	Ambito       string   `gorm:"size:64;not null"`
	Roles        []string `gorm:"serializer:json;not null"`
	Status       string   `gorm:"size:16;not null;index:incroci_training_enrolments_queue,priority:2"`
	QuotaID      *int64
	Queued       time.Time  `gorm:"not null;index:incroci_training_enrolments_queue,priority:3"`
	OfferedUntil *time.Time `gorm:"index:incroci_training_enrolments_offers"`
	DecidedBy    *int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (m1Enrolment) TableName() string { return "incroci_training_enrolments" }

func m1Up(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&m1Course{}, &m1Edition{}, &m1Meeting{}, &m1Quota{}, &m1Enrolment{})
}

// surveyMigrations are the schema steps of the surveys and needs
// (surveys_migrations.go), kept as a component of their own
// ("training-surveys") so that they number from 1 apart from the courses'
// steps: migrate.Run wants versions 1, 2, 3… in each component.
var surveyMigrations = []migrate.Step{
	{Version: 1, Name: "surveys, questions, respondents, responses, needs, course needs", Up: s1Up},
	{Version: 2, Name: "evaluation questions name the need they measure", Up: s2Up},
	{Version: 3, Name: "surveys record when their opening was announced", Up: s3Up},
	{Version: 4, Name: "a survey may open without an announcement", Up: s4Up},
}
