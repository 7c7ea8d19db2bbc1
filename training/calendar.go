package training

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/incrocicomuni/incroci/internal/ical"
)

// calendarPurpose keeps calendar links from passing for other signed
// links of the platform.
const calendarPurpose = "training.calendar"

// CalendarLink is the address of a person's calendar feed.
type CalendarLink struct {
	URL string `json:"url"`
}

// CalendarLink returns the address of the caller's calendar feed under
// base, the module's public address (such as
// https://hub.example.it/incroci/training): calendar programs subscribe to
// it without signing in, so it carries a signature of the person's id
// (Platform.Sign), and whoever has it reads the person's meetings; it
// does not expire.
func (t *Training) CalendarLink(ctx context.Context, base string) (*CalendarLink, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	id := strconv.FormatInt(pr.PersonID, 10)
	q := url.Values{"person": {id}, "sig": {t.p.Sign(calendarPurpose, id)}}
	return &CalendarLink{URL: base + "/me/calendar.ics?" + q.Encode()}, nil
}

// Calendar returns the calendar feed of person (iCalendar, METHOD:PUBLISH)
// when sig is the signature of CalendarLink: the meetings of the editions
// where the person holds a confirmed or pending seat. ErrCalendarLink
// otherwise.
func (t *Training) Calendar(ctx context.Context, person, sig string) ([]byte, error) {
	id, err := strconv.ParseInt(person, 10, 64)
	if err != nil || id <= 0 || !t.p.Verify(sig, calendarPurpose, person) {
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
