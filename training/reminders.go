package training

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/ical"
	"github.com/incrocicomuni/incroci/mail"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// reminder records that a person was reminded of a meeting: the key that
// makes each reminder go once.
type reminder struct {
	MeetingID int64 `gorm:"primaryKey;autoIncrement:false"`
	PersonID  int64 `gorm:"primaryKey;autoIncrement:false"`
	SentAt    time.Time
}

func (reminder) TableName() string { return "incroci_training_reminders" }

// RemindMeetings e-mails a reminder of each meeting that starts within
// Config.RemindBefore to the people holding a confirmed seat in its
// edition, with the meeting attached as iCalendar (the same event as the
// confirmation's, so calendars update it rather than add it again) and,
// while cancelling is still possible, how to give the seat up. Each
// person is reminded of each meeting once: the reminder is recorded in
// the transaction that queues its e-mail, so two hubs running it at once
// send one. Meetings of cancelled editions, and meetings already started,
// are not reminded. The hub runs it periodically; it returns the number
// of e-mails queued.
func (t *Training) RemindMeetings(ctx context.Context) (int, error) {
	if t.cfg.RemindBefore < 0 {
		return 0, nil
	}
	now := t.p.Now()
	var ms []Meeting
	err := t.db.WithContext(ctx).Where("start > ? AND start <= ? AND edition_id IN (?) AND id IN (?)",
		now, now.Add(t.cfg.RemindBefore),
		t.db.Model(&Edition{}).Select("id").Where("cancelled = ?", false),
		// Only meetings with someone left to remind: a run that finds
		// nothing to do reads no more than this.
		t.db.Table("incroci_training_meetings AS m").Select("m.id").
			Joins("JOIN incroci_training_enrolments AS en ON en.edition_id = m.edition_id AND en.status = ?", StatusConfirmed).
			Where("NOT EXISTS (?)", t.db.Table("incroci_training_reminders AS r").Select("1").
				Where("r.meeting_id = m.id AND r.person_id = en.person_id"))).
		Order("start, id").Limit(200).Find(&ms).Error
	if err != nil {
		return 0, fmt.Errorf("training: meetings to remind: %w", err)
	}
	n := 0
	for i := range ms {
		k, err := t.remindMeeting(ctx, &ms[i], now)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// remindMeeting reminds the confirmed participants of m who have not been
// reminded of it yet, in one transaction.
func (t *Training) remindMeeting(ctx context.Context, m *Meeting, now time.Time) (int, error) {
	n := 0
	err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		n = 0
		var e Edition
		if err := tx.Where("id = ?", m.EditionID).Take(&e).Error; err != nil {
			return fmt.Errorf("edition %d: %w", m.EditionID, err)
		}
		var c Course
		if err := tx.Where("id = ?", e.CourseID).Take(&c).Error; err != nil {
			return fmt.Errorf("course %d: %w", e.CourseID, err)
		}
		if err := tx.Where("edition_id = ?", e.ID).Order("start, id").Find(&e.Meetings).Error; err != nil {
			return fmt.Errorf("meetings of edition %d: %w", e.ID, err)
		}
		var people []incroci.Person
		err := tx.Where("id IN (?)", tx.Model(&Enrolment{}).Select("person_id").
			Where("edition_id = ? AND status = ? AND person_id NOT IN (?)", e.ID, StatusConfirmed,
				tx.Model(&reminder{}).Select("person_id").Where("meeting_id = ?", m.ID))).
			Order("id").Find(&people).Error
		if err != nil {
			return fmt.Errorf("people to remind: %w", err)
		}
		for _, p := range people {
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&reminder{MeetingID: m.ID, PersonID: p.ID, SentAt: now})
			if res.Error != nil {
				return fmt.Errorf("record reminder: %w", res.Error)
			}
			if res.RowsAffected == 0 {
				continue // another run reminded them meanwhile
			}
			msg, err := t.reminderMail(&e, &c, m, p, now)
			if err != nil {
				return err
			}
			if err := t.p.QueueMail(ctx, tx, msg); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("training: remind meeting %d: %w", m.ID, err)
	}
	return n, nil
}

// reminderMail writes the reminder of meeting m of edition e (its
// Meetings loaded) to p.
func (t *Training) reminderMail(e *Edition, c *Course, m *Meeting, p incroci.Person, now time.Time) (mail.Message, error) {
	i := slices.IndexFunc(e.Meetings, func(x Meeting) bool { return x.ID == m.ID })
	evs := events(e, c, false)
	if i < 0 {
		return mail.Message{}, fmt.Errorf("meeting %d is not in edition %d", m.ID, e.ID)
	}
	one := *e
	one.Meetings = e.Meetings[i : i+1]
	whenIT, whenEN := when(&one)
	part, partEN := "", ""
	if len(e.Meetings) > 1 {
		part = fmt.Sprintf(" (incontro %d di %d)", i+1, len(e.Meetings))
		partEN = fmt.Sprintf(" (meeting %d of %d)", i+1, len(e.Meetings))
	}
	cancelIT, cancelEN := "", ""
	if now.Before(e.CancelUntil) {
		u := e.CancelUntil.In(rome)
		cancelIT = "Se non puoi partecipare, annulla l'iscrizione entro il " + u.Format("02/01/2006 15:04") +
			": il posto passerà a chi è in lista d'attesa.\n"
		cancelEN = "If you cannot attend, cancel your enrolment by " + u.Format("2006-01-02 15:04") +
			": the seat will go to the next person on the waiting list.\n"
	}
	link := ""
	if t.cfg.LinkPage != "" {
		link = t.cfg.LinkPage + "?incroci_edition=" + url.QueryEscape(fmt.Sprint(e.ID)) + "\n"
	}
	start := m.Start.In(rome)
	text := fmt.Sprintf("Promemoria: il corso «%s» si incontra%s (ora italiana):\n%s", c.Title, part, whenIT) + cancelIT + link +
		"\n" + fmt.Sprintf("Reminder: the course “%s” meets%s (Italian time):\n%s", c.Title, partEN, whenEN) + cancelEN + link
	data, err := ical.Publish(ical.Calendar{ProdID: prodID, Name: c.Title, Events: evs[i : i+1]})
	if err != nil {
		return mail.Message{}, fmt.Errorf("calendar of meeting %d: %w", m.ID, err)
	}
	return mail.Message{
		To:          []mail.Address{{Email: p.Email, Name: p.Name}},
		Subject:     "incroci: promemoria / reminder: " + c.Title + ", " + start.Format("02/01 15:04"),
		Text:        text,
		Headers:     map[string]string{"Auto-Submitted": "auto-generated"},
		Attachments: []mail.Attachment{{Filename: "incontro.ics", ContentType: ical.ContentType(ical.MethodPublish), Data: data}},
	}, nil
}

// AnnounceSurveys e-mails the audience of each published survey when it
// opens, once: a needs survey to the people holding one of its roles in
// one of its ambiti, an evaluation to those who held a confirmed seat in
// its edition; never to whoever has already answered, nor for a survey
// whose Announce is false. The survey is
// marked announced in the transaction that queues the e-mails, so two
// hubs running it at once announce it once. Surveys that closed before
// any run are not announced. The hub runs it periodically; it returns
// the number of e-mails queued.
func (t *Training) AnnounceSurveys(ctx context.Context) (int, error) {
	now := t.p.Now()
	var ss []Survey
	err := t.db.WithContext(ctx).Where("state = ? AND announce = ? AND announced_at IS NULL AND opens_at <= ? AND closes_at > ?", SurveyPublished, true, now, now).
		Order("opens_at, id").Limit(50).Find(&ss).Error
	if err != nil {
		return 0, fmt.Errorf("training: surveys to announce: %w", err)
	}
	n := 0
	for i := range ss {
		k, err := t.announce(ctx, &ss[i], now)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// announce e-mails s's audience that it is open, in one transaction.
func (t *Training) announce(ctx context.Context, s *Survey, now time.Time) (int, error) {
	n := 0
	err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		n = 0
		res := tx.Model(&Survey{}).Where("id = ? AND announced_at IS NULL", s.ID).Update("announced_at", now)
		if res.Error != nil {
			return fmt.Errorf("mark announced: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil // another run announced it
		}
		var audience *gorm.DB
		course := ""
		if s.Kind == KindEvaluation && s.EditionID != nil {
			audience = tx.Model(&Enrolment{}).Select("person_id").Where("edition_id = ? AND status = ?", *s.EditionID, StatusConfirmed)
			var c Course
			err := tx.Where("id = (?)", tx.Model(&Edition{}).Select("course_id").Where("id = ?", *s.EditionID)).Take(&c).Error
			if err != nil {
				return fmt.Errorf("course of edition %d: %w", *s.EditionID, err)
			}
			course = c.Title
		} else {
			if len(s.AudienceAmbiti) == 0 || len(s.AudienceRoles) == 0 {
				return nil
			}
			audience = tx.Model(&incroci.RoleGrant{}).Select("person_id").Where("ambito IN ? AND role IN ?", s.AudienceAmbiti, s.AudienceRoles)
		}
		var people []incroci.Person
		err := tx.Where("id IN (?) AND id NOT IN (?)", audience,
			tx.Model(&respondent{}).Select("person_id").Where("survey_id = ?", s.ID)).Order("id").Find(&people).Error
		if err != nil {
			return fmt.Errorf("audience: %w", err)
		}
		for _, p := range people {
			if err := t.p.QueueMail(ctx, tx, t.announcement(s, course, p)); err != nil {
				return err
			}
			n++
		}
		return t.p.Audit(incroci.AsSystem(ctx), tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "training.survey.announce",
			ObjectType: "survey", ObjectID: fmt.Sprint(s.ID)}, map[string]any{"emails": n})
	})
	if err != nil {
		return 0, fmt.Errorf("training: announce survey %d: %w", s.ID, err)
	}
	return n, nil
}

// announcement writes the e-mail telling p that s is open; course is the
// title of the course an evaluation is about.
func (t *Training) announcement(s *Survey, course string, p incroci.Person) mail.Message {
	closes := s.ClosesAt.In(rome)
	var subject, it, en string
	if s.Kind == KindEvaluation {
		subject = "incroci: valuta il corso / evaluate the course: " + course
		it = fmt.Sprintf("Il corso «%s» è terminato: com'è andato? Il questionario di valutazione «%s» è aperto fino al %s (ora italiana).\n",
			course, s.Title, closes.Format("02/01/2006 15:04"))
		en = fmt.Sprintf("The course “%s” is over: how did it go? The evaluation questionnaire “%s” is open until %s (Italian time).\n",
			course, s.Title, closes.Format("2006-01-02 15:04"))
	} else {
		subject = "incroci: questionario sui bisogni formativi / training needs survey: " + s.Title
		it = fmt.Sprintf("È aperto il questionario «%s»: le risposte decidono quali corsi proporre. Puoi rispondere fino al %s (ora italiana).\n",
			s.Title, closes.Format("02/01/2006 15:04"))
		en = fmt.Sprintf("The survey “%s” is open: the answers decide which courses to offer. You can answer until %s (Italian time).\n",
			s.Title, closes.Format("2006-01-02 15:04"))
	}
	if s.Anonymous {
		it += "Le risposte sono anonime: non sono collegate al tuo nome.\n"
		en += "Answers are anonymous: they are not linked to your name.\n"
	} else {
		it += "Questo questionario non è anonimo: chi lo gestisce può sapere chi ha dato ciascuna risposta.\n"
		en += "This survey is not anonymous: those who run it can tell who gave each answer.\n"
	}
	link := ""
	if page := t.cfg.SurveyPage; page != "" {
		link = page + "?incroci_survey=" + url.QueryEscape(fmt.Sprint(s.ID)) + "\n"
	}
	return mail.Message{
		To:      []mail.Address{{Email: p.Email, Name: p.Name}},
		Subject: subject,
		Text:    it + link + "\n" + en + link,
		Headers: map[string]string{"Auto-Submitted": "auto-generated"},
	}
}
