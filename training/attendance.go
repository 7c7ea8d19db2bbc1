package training

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Presence is how a person attended a meeting.
type Presence string

// The presences a register records.
const (
	PresencePresent Presence = "present" // the whole meeting
	PresenceAbsent  Presence = "absent"  // none of it
	PresencePartial Presence = "partial" // some minutes of it
)

// Attendance is a person's line in a meeting's register.
type Attendance struct {
	ID        int64    `gorm:"primaryKey" json:"id"`
	MeetingID int64    `json:"meeting_id"`
	PersonID  int64    `json:"person_id"`
	EditionID int64    `json:"edition_id"`
	Status    Presence `json:"status"`
	// Minutes attended: the meeting's length when present, 0 when absent.
	Minutes int `json:"minutes"`
	// CheckedIn: the person checked in with the meeting's QR code.
	CheckedIn  bool      `json:"checked_in"`
	RecordedBy *int64    `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// TableName places the table under the module's prefix.
func (Attendance) TableName() string { return "incroci_training_attendance" }

// closure records that a meeting's register was closed.
type closure struct {
	MeetingID int64 `gorm:"primaryKey;autoIncrement:false"`
	EditionID int64
	ClosedBy  *int64
	ClosedAt  time.Time
}

func (closure) TableName() string { return "incroci_training_register_closures" }

// checkinEarly is how long before a meeting's start check-in opens.
const checkinEarly = 15 * time.Minute

// checkinWindow is how long a check-in code lasts before the next one;
// a code is accepted in its window and the next.
const checkinWindow = 30 * time.Second

const checkinPurpose = "training.checkin"

// minutesOf is the length of m in minutes.
func minutesOf(m *Meeting) int { return int(m.End.Sub(m.Start) / time.Minute) }

// RegisterLine is one enrolled person in a meeting's register.
type RegisterLine struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	// Status is "" while the person is not marked.
	Status    Presence `json:"status"`
	Minutes   int      `json:"minutes"`
	CheckedIn bool     `json:"checked_in"`
}

// Register is a meeting's register: everyone holding a confirmed seat.
type Register struct {
	EditionID int64   `json:"edition_id"`
	Meeting   Meeting `json:"meeting"`
	// Minutes is the meeting's length.
	Minutes  int            `json:"minutes"`
	Closed   bool           `json:"closed"`
	ClosedAt *time.Time     `json:"closed_at"`
	Lines    []RegisterLine `json:"lines"`
}

// mayKeepRegister reports whether pr keeps the registers of e: its
// trainers and admins only.
func mayKeepRegister(pr *incroci.Principal, e *Edition) bool {
	return pr.Admin || isTrainer(pr, e)
}

// meetingFor reads edition id and its meeting mid as pr sees them:
// ErrEditionNotFound or ErrMeetingNotFound when not visible.
func (t *Training) meetingFor(ctx context.Context, tx *gorm.DB, pr *incroci.Principal, id, mid int64, lock bool) (*Edition, *Meeting, error) {
	var e *Edition
	if lock {
		var err error
		if e, err = lockEdition(ctx, tx, id); err != nil {
			return nil, nil, err
		}
	} else {
		e = &Edition{}
		if err := tx.WithContext(ctx).Where("id = ?", id).Take(e).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil, ErrEditionNotFound
		} else if err != nil {
			return nil, nil, fmt.Errorf("training: edition %d: %w", id, err)
		}
	}
	if !mayRead(pr, e.Ambito) && !isTrainer(pr, e) {
		return nil, nil, ErrEditionNotFound
	}
	var m Meeting
	if err := tx.WithContext(ctx).Where("id = ? AND edition_id = ?", mid, id).Take(&m).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, ErrMeetingNotFound
	} else if err != nil {
		return nil, nil, fmt.Errorf("training: meeting %d: %w", mid, err)
	}
	m.Start, m.End = m.Start.In(rome), m.End.In(rome)
	return e, &m, nil
}

// seated returns the people holding a confirmed seat in edition id.
func seated(ctx context.Context, tx *gorm.DB, id int64) ([]Enrolment, error) {
	var ens []Enrolment
	if err := tx.WithContext(ctx).Where("edition_id = ? AND status = ?", id, StatusConfirmed).Order("id").Find(&ens).Error; err != nil {
		return nil, fmt.Errorf("training: seats of edition %d: %w", id, err)
	}
	return ens, nil
}

// isClosed reports whether meeting mid's register is closed, and when.
func isClosed(ctx context.Context, tx *gorm.DB, mid int64) (*time.Time, error) {
	var c closure
	err := tx.WithContext(ctx).Where("meeting_id = ?", mid).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("training: register of meeting %d: %w", mid, err)
	}
	return &c.ClosedAt, nil
}

// register builds meeting m's register.
func (t *Training) register(ctx context.Context, tx *gorm.DB, e *Edition, m *Meeting) (*Register, error) {
	ens, err := seated(ctx, tx, e.ID)
	if err != nil {
		return nil, err
	}
	var marks []Attendance
	if err := tx.WithContext(ctx).Where("meeting_id = ?", m.ID).Find(&marks).Error; err != nil {
		return nil, fmt.Errorf("training: register of meeting %d: %w", m.ID, err)
	}
	byPerson := map[int64]Attendance{}
	for _, a := range marks {
		byPerson[a.PersonID] = a
	}
	ids := make([]int64, 0, len(ens))
	for _, en := range ens {
		ids = append(ids, en.PersonID)
	}
	var people []incroci.Person
	if len(ids) > 0 {
		if err := tx.WithContext(ctx).Where("id IN ?", ids).Find(&people).Error; err != nil {
			return nil, fmt.Errorf("training: people of edition %d: %w", e.ID, err)
		}
	}
	names := map[int64]incroci.Person{}
	for _, p := range people {
		names[p.ID] = p
	}
	r := &Register{EditionID: e.ID, Meeting: *m, Minutes: minutesOf(m), Lines: []RegisterLine{}}
	if r.ClosedAt, err = isClosed(ctx, tx, m.ID); err != nil {
		return nil, err
	}
	r.Closed = r.ClosedAt != nil
	for _, en := range ens {
		a := byPerson[en.PersonID]
		p := names[en.PersonID]
		r.Lines = append(r.Lines, RegisterLine{PersonID: en.PersonID, Name: p.Name, Email: p.Email, Status: a.Status, Minutes: a.Minutes, CheckedIn: a.CheckedIn})
	}
	slices.SortStableFunc(r.Lines, func(a, b RegisterLine) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return r, nil
}

// Register returns the register of meeting mid of edition id: the
// edition's trainers and admins only. The read is audited.
func (t *Training) Register(ctx context.Context, id, mid int64) (*Register, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	e, m, err := t.meetingFor(ctx, t.db, pr, id, mid, false)
	if err != nil {
		return nil, err
	}
	if !mayKeepRegister(pr, e) {
		return nil, incroci.ErrForbidden
	}
	r, err := t.register(ctx, t.db, e, m)
	if err != nil {
		return nil, err
	}
	err = t.p.Audit(ctx, nil, incroci.AuditEntry{Ambito: e.Ambito, Action: "training.register.read", ObjectType: "meeting", ObjectID: fmt.Sprint(mid)},
		map[string]any{"edition": id, "lines": len(r.Lines)})
	if err != nil {
		return nil, fmt.Errorf("training: audit register: %w", err)
	}
	return r, nil
}

// Mark is one person's presence at a meeting.
type Mark struct {
	PersonID int64    `json:"person_id" validate:"required,min=1"`
	Status   Presence `json:"status" validate:"required,oneof=present absent partial"`
	// Minutes attended, for partial only: more than 0 and less than the
	// meeting's length.
	Minutes int `json:"minutes" validate:"min=0,max=720"`
}

// MarkInput marks some people of a meeting's register.
type MarkInput struct {
	Marks []Mark `json:"marks" validate:"required,min=1,max=500,dive"`
}

// MarkRegister records the presences in of meeting mid of edition id: the
// edition's trainers and admins only, from 15 minutes before the meeting
// starts until its register is closed, for people holding a confirmed
// seat. It returns the register.
func (t *Training) MarkRegister(ctx context.Context, id, mid int64, in MarkInput) (*Register, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	var out *Register
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		e, m, err := t.meetingFor(ctx, tx, pr, id, mid, true)
		if err != nil {
			return err
		}
		if !mayKeepRegister(pr, e) {
			return incroci.ErrForbidden
		}
		if e.Cancelled {
			return ErrEditionCancelled
		}
		now := t.p.Now()
		if now.Before(m.Start.Add(-checkinEarly)) {
			return ErrRegisterNotOpen
		}
		if at, err := isClosed(ctx, tx, mid); err != nil {
			return err
		} else if at != nil {
			return ErrRegisterClosed
		}
		ens, err := seated(ctx, tx, id)
		if err != nil {
			return err
		}
		seat := map[int64]bool{}
		for _, en := range ens {
			seat[en.PersonID] = true
		}
		length := minutesOf(m)
		var issues []httpx.FieldIssue
		for i, mk := range in.Marks {
			f := fmt.Sprintf("marks[%d]", i)
			if !seat[mk.PersonID] {
				issues = append(issues, httpx.FieldIssue{Field: f + ".person_id", Rule: "enrolled", Key: "training.not_seated"})
			}
			if mk.Status == PresencePartial && (mk.Minutes <= 0 || mk.Minutes >= length) {
				issues = append(issues, httpx.FieldIssue{Field: f + ".minutes", Rule: "range", Key: "training.partial_minutes", Args: []any{length}})
			}
		}
		if issues != nil {
			return &httpx.ValidationError{Fields: issues}
		}
		for _, mk := range in.Marks {
			minutes := mk.Minutes
			switch mk.Status {
			case PresencePresent:
				minutes = length
			case PresenceAbsent:
				minutes = 0
			}
			if err := t.record(ctx, tx, pr, e.ID, mid, mk.PersonID, mk.Status, minutes, false); err != nil {
				return err
			}
		}
		if out, err = t.register(ctx, tx, e, m); err != nil {
			return err
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: e.Ambito, Action: "training.register.mark", ObjectType: "meeting", ObjectID: fmt.Sprint(mid)},
			map[string]any{"edition": id, "marks": in.Marks})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// record writes a person's line of a meeting's register.
func (t *Training) record(ctx context.Context, tx *gorm.DB, pr *incroci.Principal, id, mid, person int64, st Presence, minutes int, checkedIn bool) error {
	now := t.p.Now()
	var by *int64
	if pr.PersonID != 0 {
		by = &pr.PersonID
	}
	a := Attendance{MeetingID: mid, PersonID: person, EditionID: id, Status: st, Minutes: minutes, CheckedIn: checkedIn, RecordedBy: by, CreatedAt: now, UpdatedAt: now}
	err := tx.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "meeting_id"}, {Name: "person_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"status", "minutes", "recorded_by", "updated_at"}),
	}).Create(&a).Error
	if err != nil {
		return fmt.Errorf("training: register of meeting %d, person %d: %w", mid, person, err)
	}
	return nil
}

// CloseRegister closes the register of meeting mid of edition id, once
// the meeting has ended: whoever holding a seat is not marked is marked
// absent, and nothing changes any more. When every meeting's register is
// closed the edition's certificates are issued. The edition's trainers
// and admins only.
func (t *Training) CloseRegister(ctx context.Context, id, mid int64) (*Register, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var out *Register
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		e, m, err := t.meetingFor(ctx, tx, pr, id, mid, true)
		if err != nil {
			return err
		}
		if !mayKeepRegister(pr, e) {
			return incroci.ErrForbidden
		}
		if e.Cancelled {
			return ErrEditionCancelled
		}
		if t.p.Now().Before(m.End) {
			return ErrMeetingNotOver
		}
		if at, err := isClosed(ctx, tx, mid); err != nil {
			return err
		} else if at != nil {
			return ErrRegisterClosed
		}
		if err := t.closeRegister(ctx, tx, pr, e, m); err != nil {
			return err
		}
		if out, err = t.register(ctx, tx, e, m); err != nil {
			return err
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: e.Ambito, Action: "training.register.close", ObjectType: "meeting", ObjectID: fmt.Sprint(mid)},
			map[string]any{"edition": id})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// closeRegister marks absent whoever is not marked in meeting m, closes
// its register and, when it was the last open one, issues the edition's
// certificates; under the edition's lock.
func (t *Training) closeRegister(ctx context.Context, tx *gorm.DB, pr *incroci.Principal, e *Edition, m *Meeting) error {
	ens, err := seated(ctx, tx, e.ID)
	if err != nil {
		return err
	}
	var marked []int64
	if err := tx.WithContext(ctx).Model(&Attendance{}).Where("meeting_id = ?", m.ID).Pluck("person_id", &marked).Error; err != nil {
		return fmt.Errorf("training: register of meeting %d: %w", m.ID, err)
	}
	for _, en := range ens {
		if !slices.Contains(marked, en.PersonID) {
			if err := t.record(ctx, tx, pr, e.ID, m.ID, en.PersonID, PresenceAbsent, 0, false); err != nil {
				return err
			}
		}
	}
	var by *int64
	if pr.PersonID != 0 {
		by = &pr.PersonID
	}
	if err := tx.WithContext(ctx).Create(&closure{MeetingID: m.ID, EditionID: e.ID, ClosedBy: by, ClosedAt: t.p.Now()}).Error; err != nil {
		return fmt.Errorf("training: close register of meeting %d: %w", m.ID, err)
	}
	var open int64
	err = tx.WithContext(ctx).Model(&Meeting{}).Where("edition_id = ? AND id NOT IN (?)", e.ID,
		tx.Model(&closure{}).Select("meeting_id").Where("edition_id = ?", e.ID)).Count(&open).Error
	if err != nil {
		return fmt.Errorf("training: open registers of edition %d: %w", e.ID, err)
	}
	if open == 0 {
		_, err := t.issue(ctx, tx, e)
		return err
	}
	return nil
}

// CheckinCode is the code a meeting's participants check in with, shown
// by its trainer as a QR code; it changes every 30 seconds.
type CheckinCode struct {
	Code string `json:"code"`
	// URL is the page the QR code opens (Config.LinkPage with
	// ?incroci_checkin=<code>); "" without a LinkPage, when the QR code
	// holds the code alone.
	URL string `json:"url"`
	// ExpiresAt is when the code stops being accepted; a new one is shown
	// from RefreshAt.
	RefreshAt time.Time `json:"refresh_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// window is the check-in window of now.
func window(now time.Time) int64 { return now.Unix() / int64(checkinWindow/time.Second) }

// GetCheckinCode returns the current check-in code of meeting mid of
// edition id: its trainers and admins, from 15 minutes before the meeting
// starts to its end (ErrCheckinClosed otherwise).
func (t *Training) GetCheckinCode(ctx context.Context, id, mid int64) (*CheckinCode, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	e, m, err := t.meetingFor(ctx, t.db, pr, id, mid, false)
	if err != nil {
		return nil, err
	}
	if !mayKeepRegister(pr, e) {
		return nil, incroci.ErrForbidden
	}
	if e.Cancelled {
		return nil, ErrEditionCancelled
	}
	now := t.p.Now()
	if now.Before(m.Start.Add(-checkinEarly)) || !now.Before(m.End) {
		return nil, ErrCheckinClosed
	}
	w := window(now)
	ws := strconv.FormatInt(w, 10)
	ms := strconv.FormatInt(mid, 10)
	code := ms + "." + ws + "." + t.p.Sign(checkinPurpose, ms, ws)
	secs := int64(checkinWindow / time.Second)
	out := &CheckinCode{Code: code, RefreshAt: time.Unix((w+1)*secs, 0).UTC(), ExpiresAt: time.Unix((w+2)*secs, 0).UTC()}
	if t.cfg.LinkPage != "" {
		if u, err := url.Parse(t.cfg.LinkPage); err == nil {
			q := u.Query()
			q.Set("incroci_checkin", code)
			u.RawQuery = q.Encode()
			out.URL = u.String()
		}
	}
	return out, nil
}

// CheckinInput is a check-in code, as the QR code gives it.
type CheckinInput struct {
	Code string `json:"code" validate:"required,max=100"`
}

// Checkin records the caller present at the meeting whose check-in code
// in gives, while the code is current (its 30-second window or the next)
// and the meeting runs (from 15 minutes before its start to its end), when
// the caller holds a confirmed seat. Checking in again changes nothing; a
// line the trainer marked present or partial stays as it is.
func (t *Training) Checkin(ctx context.Context, in CheckinInput) (*Attendance, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	parts := strings.Split(strings.TrimSpace(in.Code), ".")
	if len(parts) != 3 || !t.p.Verify(parts[2], checkinPurpose, parts[0], parts[1]) {
		return nil, ErrCheckinCode
	}
	mid, err1 := strconv.ParseInt(parts[0], 10, 64)
	w, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return nil, ErrCheckinCode
	}
	now := t.p.Now()
	if cur := window(now); w != cur && w != cur-1 {
		return nil, ErrCheckinExpired
	}
	var out Attendance
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var m Meeting
		if err := tx.WithContext(ctx).Where("id = ?", mid).Take(&m).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrCheckinCode
		} else if err != nil {
			return fmt.Errorf("training: meeting %d: %w", mid, err)
		}
		e, err := lockEdition(ctx, tx, m.EditionID)
		if err != nil {
			return err
		}
		if e.Cancelled {
			return ErrEditionCancelled
		}
		if now.Before(m.Start.Add(-checkinEarly)) || !now.Before(m.End) {
			return ErrCheckinClosed
		}
		var n int64
		if err := tx.WithContext(ctx).Model(&Enrolment{}).Where("edition_id = ? AND person_id = ? AND status = ?", e.ID, pr.PersonID, StatusConfirmed).Count(&n).Error; err != nil {
			return fmt.Errorf("training: enrolment in %d: %w", e.ID, err)
		}
		if n == 0 {
			return ErrNotSeated
		}
		if at, err := isClosed(ctx, tx, mid); err != nil {
			return err
		} else if at != nil {
			return ErrRegisterClosed
		}
		err = tx.WithContext(ctx).Where("meeting_id = ? AND person_id = ?", mid, pr.PersonID).Take(&out).Error
		switch {
		case err == nil && out.Status != PresenceAbsent:
			return nil
		case err == nil:
			out.Status, out.Minutes, out.CheckedIn, out.UpdatedAt = PresencePresent, minutesOf(&m), true, now
			if err := tx.WithContext(ctx).Save(&out).Error; err != nil {
				return fmt.Errorf("training: check in %d: %w", mid, err)
			}
		case errors.Is(err, gorm.ErrRecordNotFound):
			out = Attendance{MeetingID: mid, PersonID: pr.PersonID, EditionID: e.ID, Status: PresencePresent, Minutes: minutesOf(&m), CheckedIn: true, CreatedAt: now, UpdatedAt: now}
			if err := tx.WithContext(ctx).Create(&out).Error; err != nil {
				return fmt.Errorf("training: check in %d: %w", mid, err)
			}
		default:
			return fmt.Errorf("training: check in %d: %w", mid, err)
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: e.Ambito, Action: "training.checkin", ObjectType: "meeting", ObjectID: fmt.Sprint(mid)}, nil)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// HoursLine is the hours a person attended of one course in one year
// (Italian time).
type HoursLine struct {
	Year     int     `json:"year"`
	CourseID int64   `json:"course_id"`
	Course   string  `json:"course"`
	Minutes  int     `json:"minutes"`
	Hours    float64 `json:"hours"`
}

// Hours are a person's hours of training.
type Hours struct {
	Minutes int         `json:"minutes"`
	Hours   float64     `json:"hours"`
	Lines   []HoursLine `json:"lines"`
}

// hoursOf rounds minutes to hours with two decimals.
func hoursOf(minutes int) float64 { return float64(minutes*100/60) / 100 }

// attended is one register line with its meeting and course.
type attended struct {
	PersonID  int64
	EditionID int64
	CourseID  int64
	Minutes   int
	Start     time.Time
}

// MyHours returns the caller's hours of training per course and year,
// year 0 for all years, from the registers of the meetings they attended.
func (t *Training) MyHours(ctx context.Context, year int) (*Hours, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var rows []attended
	err = t.db.WithContext(ctx).Table("incroci_training_attendance AS a").
		Select("a.person_id, a.edition_id, e.course_id, a.minutes, m.start").
		Joins("JOIN incroci_training_meetings m ON m.id = a.meeting_id").
		Joins("JOIN incroci_training_editions e ON e.id = a.edition_id").
		Where("a.person_id = ? AND a.minutes > 0", pr.PersonID).Order("m.start").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("training: hours of %d: %w", pr.PersonID, err)
	}
	out := &Hours{Lines: []HoursLine{}}
	idx := map[[2]int64]int{}
	for _, r := range rows {
		y := r.Start.In(rome).Year()
		if year != 0 && y != year {
			continue
		}
		k := [2]int64{int64(y), r.CourseID}
		i, ok := idx[k]
		if !ok {
			var c Course
			if err := t.db.WithContext(ctx).Select("id", "title").Where("id = ?", r.CourseID).Take(&c).Error; err != nil {
				return nil, fmt.Errorf("training: course %d: %w", r.CourseID, err)
			}
			i = len(out.Lines)
			idx[k] = i
			out.Lines = append(out.Lines, HoursLine{Year: y, CourseID: r.CourseID, Course: c.Title})
		}
		out.Lines[i].Minutes += r.Minutes
		out.Minutes += r.Minutes
	}
	for i := range out.Lines {
		out.Lines[i].Hours = hoursOf(out.Lines[i].Minutes)
	}
	out.Hours = hoursOf(out.Minutes)
	return out, nil
}

// PersonHours is what a person attended of an edition.
type PersonHours struct {
	PersonID int64   `json:"person_id"`
	Name     string  `json:"name"`
	Minutes  int     `json:"minutes"`
	Hours    float64 `json:"hours"`
	// Percent of the edition's hours attended (rounded down).
	Percent int `json:"percent"`
	// Meets: the person reached the edition's threshold.
	Meets bool `json:"meets"`
}

// EditionHours is the attendance of an edition, person by person.
type EditionHours struct {
	EditionID int64 `json:"edition_id"`
	// Minutes and Hours are the edition's, all meetings together.
	Minutes   int           `json:"minutes"`
	Hours     float64       `json:"hours"`
	Threshold int           `json:"threshold"`
	People    []PersonHours `json:"people"`
}

// threshold is e's threshold in percent.
func (t *Training) threshold(e *Edition) int {
	if e.Threshold > 0 {
		return e.Threshold
	}
	return t.cfg.Threshold
}

// meets reports whether minutes of total reach threshold percent.
func meets(minutes, total, threshold int) bool {
	return total > 0 && minutes*100 >= total*threshold
}

// editionHours computes the attendance of e's confirmed seats.
func (t *Training) editionHours(ctx context.Context, tx *gorm.DB, e *Edition) (*EditionHours, []Meeting, error) {
	var ms []Meeting
	if err := tx.WithContext(ctx).Where("edition_id = ?", e.ID).Order("start, id").Find(&ms).Error; err != nil {
		return nil, nil, fmt.Errorf("training: meetings of edition %d: %w", e.ID, err)
	}
	out := &EditionHours{EditionID: e.ID, Threshold: t.threshold(e), People: []PersonHours{}}
	for i := range ms {
		out.Minutes += minutesOf(&ms[i])
	}
	out.Hours = hoursOf(out.Minutes)
	ens, err := seated(ctx, tx, e.ID)
	if err != nil {
		return nil, nil, err
	}
	type sum struct {
		PersonID int64
		Minutes  int
	}
	var sums []sum
	if err := tx.WithContext(ctx).Model(&Attendance{}).Select("person_id, SUM(minutes) AS minutes").Where("edition_id = ?", e.ID).Group("person_id").Scan(&sums).Error; err != nil {
		return nil, nil, fmt.Errorf("training: attendance of edition %d: %w", e.ID, err)
	}
	by := map[int64]int{}
	for _, s := range sums {
		by[s.PersonID] = s.Minutes
	}
	ids := []int64{}
	for _, en := range ens {
		ids = append(ids, en.PersonID)
	}
	names := map[int64]string{}
	if len(ids) > 0 {
		var people []incroci.Person
		if err := tx.WithContext(ctx).Select("id", "name").Where("id IN ?", ids).Find(&people).Error; err != nil {
			return nil, nil, fmt.Errorf("training: people of edition %d: %w", e.ID, err)
		}
		for _, p := range people {
			names[p.ID] = p.Name
		}
	}
	for _, en := range ens {
		m := by[en.PersonID]
		ph := PersonHours{PersonID: en.PersonID, Name: names[en.PersonID], Minutes: m, Hours: hoursOf(m), Meets: meets(m, out.Minutes, out.Threshold)}
		if out.Minutes > 0 {
			ph.Percent = m * 100 / out.Minutes
		}
		out.People = append(out.People, ph)
	}
	slices.SortStableFunc(out.People, func(a, b PersonHours) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out, ms, nil
}

// GetEditionHours returns the attendance of edition id person by person:
// its trainers, the course's managers and admins. The read is audited.
func (t *Training) GetEditionHours(ctx context.Context, id int64) (*EditionHours, error) {
	pr, ep, err := t.readableEdition(ctx, id)
	if err != nil {
		return nil, err
	}
	e := *ep
	if !isTrainer(pr, &e) && !mayManage(pr, e.Ambito) {
		return nil, incroci.ErrForbidden
	}
	out, _, err := t.editionHours(ctx, t.db, &e)
	if err != nil {
		return nil, err
	}
	if err := t.p.Audit(ctx, nil, incroci.AuditEntry{Ambito: e.Ambito, Action: "training.hours.read", ObjectType: "edition", ObjectID: fmt.Sprint(id)},
		map[string]any{"people": len(out.People)}); err != nil {
		return nil, fmt.Errorf("training: audit hours: %w", err)
	}
	return out, nil
}

// keepRegister refuses, as a validation error on field, to remove or
// move meeting mid once its register holds marks or is closed: the hours
// attended rest on it.
func keepRegister(ctx context.Context, tx *gorm.DB, mid int64, field string) error {
	var n, c int64
	if err := tx.WithContext(ctx).Model(&Attendance{}).Where("meeting_id = ?", mid).Count(&n).Error; err != nil {
		return fmt.Errorf("training: register of meeting %d: %w", mid, err)
	}
	if err := tx.WithContext(ctx).Model(&closure{}).Where("meeting_id = ?", mid).Count(&c).Error; err != nil {
		return fmt.Errorf("training: register of meeting %d: %w", mid, err)
	}
	if n+c > 0 {
		return httpx.Invalid(field, "register", "training.meeting_registered")
	}
	return nil
}
