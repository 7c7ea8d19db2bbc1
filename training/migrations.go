package training

import (
	"github.com/incrocicomuni/incroci/internal/migrate"
	"gorm.io/gorm"
)

// migrations are the module's schema steps; each has frozen copies of the
// structs it creates and never changes once released. A new step is one
// line here and its own function (mNUp) below, in a file of its own if
// long.
var migrations = []migrate.Step{
	{Version: 1, Name: "courses, editions, meetings, quotas, enrolments", Up: m1Up},
}

func m1Up(tx *gorm.DB) error {
	return nil
}

// surveyMigrations are the schema steps of the surveys and needs
// (surveys_migrations.go), kept as a component of their own
// ("training-surveys") so that they number from 1 apart from the courses'
// steps: migrate.Run wants versions 1, 2, 3… in each component.
var surveyMigrations = []migrate.Step{
	{Version: 1, Name: "surveys, questions, respondents, responses, needs, course needs", Up: s1Up},
}
