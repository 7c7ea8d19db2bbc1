package training

import (
	"context"
	"fmt"
	"time"

	"github.com/incrocicomuni/incroci"
	"gorm.io/gorm"
)

// MyData is what the training module holds about one person, as they may
// ask for it (GDPR art. 15 and 20), beside the platform's Platform.ExportMe.
type MyData struct {
	ExportedAt time.Time `json:"exported_at"`
	// Enrolments are all of them, also cancelled, lapsed or rejected,
	// newest first.
	Enrolments []MyEnrolment `json:"enrolments"`
	// Attendance is the person's lines in meetings' registers.
	Attendance   []Attendance  `json:"attendance"`
	Certificates []Certificate `json:"certificates"`
	// Surveys are those the person answered: an anonymous survey's answers
	// are not linked to the person and are not here.
	Surveys []MySurvey `json:"surveys"`
	// Reminders are the meeting reminders e-mailed to the person.
	Reminders []MyReminder `json:"reminders"`
	// Files are the courses' files the person uploaded.
	Files []CourseFile `json:"files"`
}

// MySurvey is a survey the person answered.
type MySurvey struct {
	SurveyID  int64  `json:"survey_id"`
	Title     string `json:"title"`
	Kind      string `json:"kind"`
	Anonymous bool   `json:"anonymous"`
	// Answers are the person's answers, for a survey that is not
	// anonymous; nil for an anonymous one.
	Answers []Answer `json:"answers"`
}

// MyReminder is a meeting reminder e-mailed to the person.
type MyReminder struct {
	MeetingID int64     `json:"meeting_id"`
	SentAt    time.Time `json:"sent_at"`
}

// maxExport bounds each list of an export.
const maxExport = 10000

// ExportMine returns what the module holds about the caller, and records
// the export in the audit log.
func (t *Training) ExportMine(ctx context.Context) (*MyData, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if pr.PersonID == 0 {
		return nil, incroci.ErrUnauthorized
	}
	me := pr.PersonID
	out := &MyData{ExportedAt: t.p.Now(), Attendance: []Attendance{}, Surveys: []MySurvey{}, Reminders: []MyReminder{}, Files: []CourseFile{}}
	if out.Enrolments, _, err = t.MyEnrolments(ctx, true, 1, maxExport); err != nil {
		return nil, err
	}
	if out.Certificates, err = t.MyCertificates(ctx); err != nil {
		return nil, err
	}
	db := t.db.WithContext(ctx)
	if err := db.Where("person_id = ?", me).Order("id").Limit(maxExport).Find(&out.Attendance).Error; err != nil {
		return nil, fmt.Errorf("training: export attendance: %w", err)
	}
	var rs []reminder
	if err := db.Where("person_id = ?", me).Order("sent_at, meeting_id").Limit(maxExport).Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("training: export reminders: %w", err)
	}
	for _, r := range rs {
		out.Reminders = append(out.Reminders, MyReminder{MeetingID: r.MeetingID, SentAt: r.SentAt})
	}
	if err := db.Where("uploaded_by = ?", me).Order("id").Limit(maxExport).Find(&out.Files).Error; err != nil {
		return nil, fmt.Errorf("training: export files: %w", err)
	}
	var ss []Survey
	if err := db.Where("id IN (?)", db.Model(&respondent{}).Select("survey_id").Where("person_id = ?", me)).Order("id").Limit(maxExport).Find(&ss).Error; err != nil {
		return nil, fmt.Errorf("training: export surveys: %w", err)
	}
	for _, s := range ss {
		m := MySurvey{SurveyID: s.ID, Title: s.Title, Kind: s.Kind, Anonymous: s.Anonymous}
		if !s.Anonymous {
			var r []response
			if err := db.Where("survey_id = ? AND person_id = ?", s.ID, me).Limit(1).Find(&r).Error; err != nil {
				return nil, fmt.Errorf("training: export answers to %d: %w", s.ID, err)
			}
			if len(r) > 0 {
				m.Answers = r[0].Answers
			}
		}
		out.Surveys = append(out.Surveys, m)
	}
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Action: "training.export", ObjectType: "person", ObjectID: fmt.Sprint(me)}, nil)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
