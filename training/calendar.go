package training

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/ical"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// calendarPurpose keeps calendar links from passing for other signed
// links of the platform.
const calendarPurpose = "training.calendar"

// CalendarLink is the address of a person's calendar feed.
type CalendarLink struct {
	URL string `json:"url"`
}

// calendarKey is the generation of a person's calendar link: replacing
// the link (ResetCalendarLink) moves it on, and the links signed for an
// earlier one stop working. No row is generation 0.
type calendarKey struct {
	PersonID   int64 `gorm:"primaryKey;autoIncrement:false"`
	Generation int
	ResetAt    time.Time
}

func (calendarKey) TableName() string { return "incroci_training_calendar_keys" }

// calendarMessage is what a calendar link of person at generation gen
// signs: the person's id alone for generation 0, so that the links given
// before links could be replaced keep working until replaced.
func calendarMessage(person string, gen int) string {
	if gen == 0 {
		return person
	}
	return person + "/" + strconv.Itoa(gen)
}

// calendarGeneration reads the generation of person's calendar link.
func calendarGeneration(ctx context.Context, db *gorm.DB, person int64) (int, error) {
	var ks []calendarKey
	if err := db.WithContext(ctx).Where("person_id = ?", person).Limit(1).Find(&ks).Error; err != nil {
		return 0, fmt.Errorf("training: calendar key of %d: %w", person, err)
	}
	if len(ks) == 0 {
		return 0, nil
	}
	return ks[0].Generation, nil
}

// CalendarLink returns the address of the caller's calendar feed under
// base, the module's public address (such as
// https://hub.example.it/incroci/training): calendar programs subscribe to
// it without signing in, so it carries a signature of the person's id and
// the link's generation (Platform.Sign), and whoever has it reads the
// person's meetings; it does not expire, and ResetCalendarLink replaces
// it.
func (t *Training) CalendarLink(ctx context.Context, base string) (*CalendarLink, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	gen, err := calendarGeneration(ctx, t.db, pr.PersonID)
	if err != nil {
		return nil, err
	}
	return t.calendarLink(base, pr.PersonID, gen), nil
}

func (t *Training) calendarLink(base string, person int64, gen int) *CalendarLink {
	id := strconv.FormatInt(person, 10)
	q := url.Values{"person": {id}, "sig": {t.p.Sign(calendarPurpose, calendarMessage(id, gen))}}
	return &CalendarLink{URL: base + "/me/calendar.ics?" + q.Encode()}
}

// ResetCalendarLink replaces the caller's calendar link, for a link that
// was shared or leaked: the earlier links stop working at once, and the
// new one is returned. Audited.
func (t *Training) ResetCalendarLink(ctx context.Context, base string) (*CalendarLink, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if pr.PersonID == 0 {
		return nil, incroci.ErrForbidden
	}
	gen := 0
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := t.p.Now()
		err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "person_id"}},
			DoUpdates: clause.Assignments(map[string]any{"generation": gorm.Expr("incroci_training_calendar_keys.generation + 1"), "reset_at": now}),
		}).Create(&calendarKey{PersonID: pr.PersonID, Generation: 1, ResetAt: now}).Error
		if err != nil {
			return fmt.Errorf("training: reset calendar link: %w", err)
		}
		if gen, err = calendarGeneration(ctx, tx, pr.PersonID); err != nil {
			return err
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Action: "training.calendar.reset", ObjectType: "person", ObjectID: fmt.Sprint(pr.PersonID)}, nil)
	})
	if err != nil {
		return nil, err
	}
	return t.calendarLink(base, pr.PersonID, gen), nil
}

// Calendar returns the calendar feed of person (iCalendar, METHOD:PUBLISH)
// when sig is the signature of CalendarLink: the meetings of the editions
// where the person holds a confirmed or pending seat. ErrCalendarLink
// otherwise.
func (t *Training) Calendar(ctx context.Context, person, sig string) ([]byte, error) {
	id, err := strconv.ParseInt(person, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != person {
		return nil, ErrCalendarLink
	}
	gen, err := calendarGeneration(ctx, t.db, id)
	if err != nil {
		return nil, err
	}
	if !t.p.Verify(sig, calendarPurpose, calendarMessage(person, gen)) {
		return nil, ErrCalendarLink
	}
	var ens []Enrolment
	if err := t.db.WithContext(ctx).Where("person_id = ? AND status IN ?", id, []Status{StatusConfirmed, StatusPending}).Order("id").Find(&ens).Error; err != nil {
		return nil, fmt.Errorf("training: calendar of %d: %w", id, err)
	}
	cal := ical.Calendar{ProdID: prodID, Name: "incroci: formazione / training", Events: []ical.Event{}}
	for _, en := range ens {
		var e Edition
		if err := t.db.WithContext(ctx).Where("id = ?", en.EditionID).Take(&e).Error; err != nil {
			return nil, fmt.Errorf("training: edition %d: %w", en.EditionID, err)
		}
		if err := t.fillEdition(ctx, t.db, &e); err != nil {
			return nil, err
		}
		var c Course
		if err := t.db.WithContext(ctx).Where("id = ?", e.CourseID).Take(&c).Error; err != nil {
			return nil, fmt.Errorf("training: course %d: %w", e.CourseID, err)
		}
		cal.Events = append(cal.Events, events(&e, &c, e.Cancelled)...)
	}
	data, err := ical.Publish(cal)
	if err != nil {
		return nil, fmt.Errorf("training: calendar of %d: %w", id, err)
	}
	return data, nil
}
