package training

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the structs step 1 of "training-surveys" creates.

type s1Survey struct {
	ID             int64    `gorm:"primaryKey"`
	Ambito         string   `gorm:"size:64;not null;default:'';index:incroci_training_surveys_ambito"`
	Kind           string   `gorm:"size:16;not null"`
	EditionID      *int64   `gorm:"index:incroci_training_surveys_edition"`
	Title          string   `gorm:"size:200;not null"`
	Intro          string   `gorm:"type:text;not null"`
	AudienceAmbiti []string `gorm:"serializer:json;not null"`
	AudienceRoles  []string `gorm:"serializer:json;not null"`
	OpensAt        time.Time
	ClosesAt       time.Time
	Anonymous      bool   `gorm:"not null"`
	State          string `gorm:"size:16;not null;index:incroci_training_surveys_state"`
	OwnerID        int64  `gorm:"not null"`
	PublishedAt    *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (s1Survey) TableName() string { return "incroci_training_surveys" }

type s1Question struct {
	ID        int64    `gorm:"primaryKey"`
	SurveyID  int64    `gorm:"not null;uniqueIndex:incroci_training_survey_questions_pos,priority:1"`
	Position  int      `gorm:"not null;uniqueIndex:incroci_training_survey_questions_pos,priority:2"`
	Kind      string   `gorm:"size:16;not null"`
	Text      string   `gorm:"size:500;not null"`
	Required  bool     `gorm:"not null"`
	Options   []string `gorm:"serializer:json;not null"`
	Labels    []string `gorm:"serializer:json;not null"`
	Topics    []string `gorm:"serializer:json;not null"`
	MaxLength int      `gorm:"not null;default:0"`
}

func (s1Question) TableName() string { return "incroci_training_survey_questions" }

// s1Respondent says who has answered: nothing else, no time.
type s1Respondent struct {
	SurveyID int64 `gorm:"primaryKey;autoIncrement:false"`
	PersonID int64 `gorm:"primaryKey;autoIncrement:false;index:incroci_training_survey_respondents_person"`
}

func (s1Respondent) TableName() string { return "incroci_training_survey_respondents" }

// s1Response is one person's answers: a random id, no time, the person
// only for surveys that are not anonymous.
type s1Response struct {
	ID       string `gorm:"primaryKey;size:36"`
	SurveyID int64  `gorm:"not null;index:incroci_training_survey_responses_survey"`
	PersonID *int64
	Ambito   string `gorm:"size:64;not null"`
	Role     string `gorm:"size:16;not null"`
	Answers  string `gorm:"type:text;not null"`
}

func (s1Response) TableName() string { return "incroci_training_survey_responses" }

type s1Need struct {
	ID         int64  `gorm:"primaryKey"`
	SurveyID   int64  `gorm:"not null;uniqueIndex:incroci_training_needs_key,priority:1"`
	QuestionID int64  `gorm:"not null;uniqueIndex:incroci_training_needs_key,priority:2"`
	Option     string `gorm:"size:64;not null;default:'';uniqueIndex:incroci_training_needs_key,priority:3"`
	Ambito     string `gorm:"size:64;not null;default:'';index:incroci_training_needs_ambito"`
	Label      string `gorm:"size:200;not null"`
	CreatedBy  int64  `gorm:"not null"`
	CreatedAt  time.Time
}

func (s1Need) TableName() string { return "incroci_training_needs" }

type s1CourseNeed struct {
	CourseID int64 `gorm:"primaryKey;autoIncrement:false"`
	NeedID   int64 `gorm:"primaryKey;autoIncrement:false;index:incroci_training_course_needs_need"`
}

func (s1CourseNeed) TableName() string { return "incroci_training_course_needs" }

// s1Up creates the tables. On SQLite the responses are a WITHOUT ROWID
// table, stored in the order of their random ids rather than in the order
// they were written (see the anonymity notes in surveys.go).
func s1Up(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&s1Survey{}, &s1Question{}, &s1Respondent{}, &s1Need{}, &s1CourseNeed{}); err != nil {
		return err
	}
	if tx.Dialector.Name() == "sqlite" {
		if err := tx.Exec(`CREATE TABLE incroci_training_survey_responses (
	id TEXT NOT NULL PRIMARY KEY,
	survey_id INTEGER NOT NULL,
	person_id INTEGER,
	ambito TEXT NOT NULL,
	role TEXT NOT NULL,
	answers TEXT NOT NULL
) WITHOUT ROWID`).Error; err != nil {
			return err
		}
		return tx.Exec(`CREATE INDEX incroci_training_survey_responses_survey ON incroci_training_survey_responses (survey_id)`).Error
	}
	return tx.Migrator().CreateTable(&s1Response{})
}

// s2Question is the question as step 2 of "training-surveys" leaves it:
// an evaluation's question may name the need it measures.
type s2Question struct {
	NeedID *int64
}

func (s2Question) TableName() string { return "incroci_training_survey_questions" }

// s2Up adds the questions' need_id (null: no need).
func s2Up(tx *gorm.DB) error {
	if tx.Migrator().HasColumn(&s2Question{}, "NeedID") {
		return nil
	}
	return tx.Migrator().AddColumn(&s2Question{}, "NeedID")
}

// s3Survey is the survey as step 3 of "training-surveys" leaves it: when
// its opening was announced by e-mail (null: not yet).
type s3Survey struct {
	AnnouncedAt *time.Time
}

func (s3Survey) TableName() string { return "incroci_training_surveys" }

// s3Up adds the surveys' announced_at, and marks the surveys already
// published as announced when they were published: upgrading does not
// e-mail the audiences of surveys that have long been open.
func s3Up(tx *gorm.DB) error {
	if !tx.Migrator().HasColumn(&s3Survey{}, "AnnouncedAt") {
		if err := tx.Migrator().AddColumn(&s3Survey{}, "AnnouncedAt"); err != nil {
			return err
		}
	}
	return tx.Exec(`UPDATE incroci_training_surveys SET announced_at = published_at WHERE published_at IS NOT NULL AND announced_at IS NULL`).Error
}

// s4Survey is the survey as step 4 of "training-surveys" leaves it:
// whether its opening is announced by e-mail.
type s4Survey struct {
	Announce bool `gorm:"not null;default:true"`
}

func (s4Survey) TableName() string { return "incroci_training_surveys" }

// s4Up adds the surveys' announce, true for those there are.
func s4Up(tx *gorm.DB) error {
	if tx.Migrator().HasColumn(&s4Survey{}, "Announce") {
		return nil
	}
	return tx.Migrator().AddColumn(&s4Survey{}, "Announce")
}
