package training

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Rome must load on machines without zoneinfo.

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// rome is Italian time, in which meetings are given and shown.
var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic("training: Europe/Rome: " + err.Error())
	}
	return loc
}()

// MeetingInput is one meeting of an edition. Start and End are RFC 3339
// times in Italian time (offset +01:00 or +02:00 as the date has it).
type MeetingInput struct {
	// ID keeps an existing meeting when an edition is changed; 0 adds one.
	ID       int64     `json:"id" validate:"omitempty,min=1"`
	Start    time.Time `json:"start" validate:"required"`
	End      time.Time `json:"end" validate:"required"`
	Place    string    `json:"place" validate:"max=300,nocontrol"`
	VideoURL string    `json:"video_url" validate:"max=500"`
}

// QuotaInput reserves seats for the people with a role, from an ambito, or
// both.
type QuotaInput struct {
	Role   incroci.Role `json:"role" validate:"omitempty,oneof=operator consultant mediator trainer editor coordinator"`
	Ambito string       `json:"ambito" validate:"omitempty,slug"`
	Seats  int          `json:"seats" validate:"min=1,max=10000"`
}

// EditionInput writes an edition of a course.
type EditionInput struct {
	Title    string `json:"title" validate:"max=200,nocontrol"`
	Capacity int    `json:"capacity" validate:"min=1,max=10000"`
	// People enrol from EnrolFrom to EnrolUntil.
	EnrolFrom  time.Time `json:"enrol_from" validate:"required"`
	EnrolUntil time.Time `json:"enrol_until" validate:"required"`
	// CancelUntil is the last moment to give up a seat; default: the start
	// of the first meeting.
	CancelUntil time.Time `json:"cancel_until"`
	Approval    bool      `json:"approval"`
	// Threshold is the share of hours to attend for a certificate, in
	// percent; default Config.Threshold.
	Threshold int `json:"threshold" validate:"omitempty,min=1,max=100"`
	// TrainerIDs default to the course's.
	TrainerIDs []int64        `json:"trainer_ids" validate:"max=20,dive,min=1"`
	Meetings   []MeetingInput `json:"meetings" validate:"required,min=1,dive"`
	Quotas     []QuotaInput   `json:"quotas" validate:"max=20,dive"`
}

// italianTime reports whether t is written with the offset Italy has at
// that moment.
func italianTime(t time.Time) bool {
	_, off := t.Zone()
	_, want := t.In(rome).Zone()
	return off == want
}

// checkEdition checks what the validator cannot.
func (t *Training) checkEdition(ctx context.Context, tx *gorm.DB, c *Course, in *EditionInput) error {
	var issues []httpx.FieldIssue
	add := func(field, rule, key string, args ...any) {
		issues = append(issues, httpx.FieldIssue{Field: field, Rule: rule, Key: key, Args: args})
	}
	if len(in.Meetings) > t.cfg.MaxMeetings {
		add("meetings", "max", "training.too_many_meetings", t.cfg.MaxMeetings)
	}
	for i, m := range in.Meetings {
		f := fmt.Sprintf("meetings[%d]", i)
		if !italianTime(m.Start) {
			add(f+".start", "timezone", "training.timezone")
		}
		if !italianTime(m.End) {
			add(f+".end", "timezone", "training.timezone")
		}
		if !m.End.After(m.Start) || m.End.Sub(m.Start) > 12*time.Hour {
			add(f+".end", "after", "training.meeting_end")
		}
		if strings.TrimSpace(m.Place) == "" && m.VideoURL == "" {
			add(f+".place", "required", "training.place")
		}
		if m.VideoURL != "" && !httpURL(m.VideoURL) {
			add(f+".video_url", "url", "training.url")
		}
	}
	if !in.EnrolUntil.After(in.EnrolFrom) {
		add("enrol_until", "after", "training.enrol_until")
	}
	seats := 0
	for i, q := range in.Quotas {
		seats += q.Seats
		f := fmt.Sprintf("quotas[%d]", i)
		if q.Role == "" && q.Ambito == "" {
			add(f+".role", "required", "training.quota_empty")
		}
		if q.Ambito != "" && c.Ambito != "" && q.Ambito != c.Ambito {
			add(f+".ambito", "ambito", "training.quota_ambito")
		} else if q.Ambito != "" {
			var n int64
			if err := tx.WithContext(ctx).Model(&incroci.Ambito{}).Where("slug = ?", q.Ambito).Count(&n).Error; err != nil {
				return fmt.Errorf("training: ambito %q: %w", q.Ambito, err)
			}
			if n == 0 {
				add(f+".ambito", "exists", "training.ambito_unknown")
			}
		}
	}
	if seats > in.Capacity {
		add("quotas", "quota", "training.quotas_capacity", in.Capacity)
	}
	bad, err := t.notTrainers(ctx, tx, c.Ambito, in.TrainerIDs)
	if err != nil {
		return err
	}
	for _, i := range bad {
		add(fmt.Sprintf("trainer_ids[%d]", i), "role", "training.trainer_role")
	}
	if issues != nil {
		return &httpx.ValidationError{Fields: issues}
	}
	return nil
}

// lockEdition reads edition id for a change: on PostgreSQL it takes the
// row's lock (SELECT … FOR UPDATE), so that changes of its seats run one
// at a time; SQLite runs one writer at a time anyway.
func lockEdition(ctx context.Context, tx *gorm.DB, id int64) (*Edition, error) {
	var e Edition
	q := tx.WithContext(ctx)
	if tx.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Where("id = ?", id).Take(&e).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrEditionNotFound
	} else if err != nil {
		return nil, fmt.Errorf("training: edition %d: %w", id, err)
	}
	return &e, nil
}

// SaveEdition creates an edition of course courseID (id 0) or changes
// edition id (courseID is then ignored): the course's managers. A change
// keeps everyone who holds a seat: capacity and quotas cannot shrink below
// them (ErrSeatsHeld); seats it frees are offered to the waiting list.
func (t *Training) SaveEdition(ctx context.Context, courseID, id int64, in EditionInput) (*Edition, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	var out *Edition
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := t.p.Now()
		var e *Edition
		if id != 0 {
			var err error
			if e, err = lockEdition(ctx, tx, id); err != nil {
				return err
			}
			courseID = e.CourseID
		}
		var c Course
		if err := tx.Where("id = ?", courseID).Take(&c).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrCourseNotFound
		} else if err != nil {
			return fmt.Errorf("training: course %d: %w", courseID, err)
		}
		if !mayRead(pr, c.Ambito) {
			if id != 0 {
				return ErrEditionNotFound
			}
			return ErrCourseNotFound
		}
		if !mayManage(pr, c.Ambito) {
			return incroci.ErrForbidden
		}
		if e != nil && e.Cancelled {
			return ErrEditionCancelled
		}
		if err := t.checkEdition(ctx, tx, &c, &in); err != nil {
			return err
		}
		if e == nil {
			e = &Edition{CourseID: c.ID, Ambito: c.Ambito, CreatedBy: pr.PersonID, CreatedAt: now}
		}
		e.Title, e.Capacity, e.Approval = strings.TrimSpace(in.Title), in.Capacity, in.Approval
		e.EnrolFrom, e.EnrolUntil = in.EnrolFrom.UTC(), in.EnrolUntil.UTC()
		e.Threshold = in.Threshold
		if e.Threshold == 0 {
			e.Threshold = t.cfg.Threshold
		}
		e.TrainerIDs = in.TrainerIDs
		if e.TrainerIDs == nil {
			e.TrainerIDs = nonNil(c.TrainerIDs)
		}
		first := in.Meetings[0].Start
		for _, m := range in.Meetings {
			if m.Start.Before(first) {
				first = m.Start
			}
		}
		e.CancelUntil = in.CancelUntil.UTC()
		if in.CancelUntil.IsZero() {
			e.CancelUntil = first.UTC()
		}
		e.UpdatedAt = now
		creating := e.ID == 0
		if err := tx.Save(e).Error; err != nil {
			return fmt.Errorf("training: save edition: %w", err)
		}
		if err := t.saveMeetings(ctx, tx, e.ID, in.Meetings, creating); err != nil {
			return err
		}
		quotas := make([]Quota, len(in.Quotas))
		for i, q := range in.Quotas {
			quotas[i] = Quota{EditionID: e.ID, Role: q.Role, Ambito: q.Ambito, Seats: q.Seats}
		}
		if !creating {
			if err := t.reassign(ctx, tx, e, quotas); err != nil {
				return err
			}
		} else if len(quotas) > 0 {
			if err := tx.Create(&quotas).Error; err != nil {
				return fmt.Errorf("training: quotas: %w", err)
			}
		}
		if err := t.fillEdition(ctx, tx, e); err != nil {
			return err
		}
		out = e
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "training.edition.save", ObjectType: "edition", ObjectID: fmt.Sprint(e.ID)}, nil)
	})
	if err != nil {
		return nil, err
	}
	t.p.WakeMail()
	return out, nil
}

// saveMeetings writes the meetings of edition: those with an id are kept
// and changed, new ones added, the others removed.
func (t *Training) saveMeetings(ctx context.Context, tx *gorm.DB, edition int64, in []MeetingInput, creating bool) error {
	var old []Meeting
	if !creating {
		if err := tx.WithContext(ctx).Where("edition_id = ?", edition).Find(&old).Error; err != nil {
			return fmt.Errorf("training: meetings: %w", err)
		}
	}
	kept := map[int64]bool{}
	for i, m := range in {
		row := Meeting{ID: m.ID, EditionID: edition, Start: m.Start.UTC(), End: m.End.UTC(), Place: strings.TrimSpace(m.Place), VideoURL: m.VideoURL}
		if m.ID != 0 {
			found := false
			for _, o := range old {
				if o.ID == m.ID {
					found = true
					if !o.Start.Equal(m.Start) || !o.End.Equal(m.End) {
						if err := keepRegister(ctx, tx, o.ID, fmt.Sprintf("meetings[%d].start", i)); err != nil {
							return err
						}
					}
				}
			}
			if !found {
				return httpx.Invalid(fmt.Sprintf("meetings[%d].id", i), "exists", "training.meeting_unknown")
			}
			kept[m.ID] = true
		}
		if err := tx.WithContext(ctx).Save(&row).Error; err != nil {
			return fmt.Errorf("training: meeting: %w", err)
		}
	}
	for _, o := range old {
		if !kept[o.ID] {
			if err := keepRegister(ctx, tx, o.ID, "meetings"); err != nil {
				return err
			}
			if err := tx.WithContext(ctx).Delete(&Meeting{}, o.ID).Error; err != nil {
				return fmt.Errorf("training: delete meeting %d: %w", o.ID, err)
			}
		}
	}
	return nil
}

// Seats sums up an edition's seats.
type Seats struct {
	// Held are the seats held (pending, confirmed or offered).
	Held int `json:"held"`
	// Free are the seats anyone may still take (not reserved, not held).
	Free int `json:"free"`
	// Waiting is the length of the waiting list.
	Waiting int `json:"waiting"`
	// Quotas are the held seats of each quota, by quota id.
	Quotas map[string]int `json:"quotas"`
}

// fillEdition reads e's meetings, quotas and seats.
func (t *Training) fillEdition(ctx context.Context, db *gorm.DB, e *Edition) error {
	e.Meetings, e.Quotas = []Meeting{}, []Quota{}
	if err := db.WithContext(ctx).Where("edition_id = ?", e.ID).Order("start, id").Find(&e.Meetings).Error; err != nil {
		return fmt.Errorf("training: meetings of edition %d: %w", e.ID, err)
	}
	for i := range e.Meetings {
		e.Meetings[i].Start, e.Meetings[i].End = e.Meetings[i].Start.In(rome), e.Meetings[i].End.In(rome)
	}
	if err := db.WithContext(ctx).Where("edition_id = ?", e.ID).Order("id").Find(&e.Quotas).Error; err != nil {
		return fmt.Errorf("training: quotas of edition %d: %w", e.ID, err)
	}
	e.EnrolFrom, e.EnrolUntil, e.CancelUntil = e.EnrolFrom.In(rome), e.EnrolUntil.In(rome), e.CancelUntil.In(rome)
	held, waiting, err := t.count(ctx, db, e.ID)
	if err != nil {
		return err
	}
	s := Seats{Waiting: waiting, Quotas: map[string]int{}}
	reserved := 0
	for _, q := range e.Quotas {
		s.Quotas[fmt.Sprint(q.ID)] = held[q.ID]
		reserved += q.Seats
	}
	for _, n := range held {
		s.Held += n
	}
	s.Free = max(0, e.Capacity-reserved-held[0])
	e.Seats = s
	return nil
}

// count returns the seats held in edition by quota id (0 for free seats)
// and the length of its waiting list.
func (t *Training) count(ctx context.Context, db *gorm.DB, edition int64) (map[int64]int, int, error) {
	var rows []struct {
		QuotaID *int64
		Status  Status
		N       int
	}
	err := db.WithContext(ctx).Model(&Enrolment{}).Select("quota_id, status, COUNT(*) AS n").
		Where("edition_id = ? AND status IN ?", edition, append(holding, StatusWaiting)).Group("quota_id, status").Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("training: seats of edition %d: %w", edition, err)
	}
	held, waiting := map[int64]int{}, 0
	for _, r := range rows {
		if r.Status == StatusWaiting {
			waiting += r.N
			continue
		}
		var q int64
		if r.QuotaID != nil {
			q = *r.QuotaID
		}
		held[q] += r.N
	}
	return held, waiting, nil
}

// readableEdition returns the caller and edition id, when they may read it:
// the people of its course's ambito (everyone in the network for the
// network's), its trainers and admins; else ErrEditionNotFound.
func (t *Training) readableEdition(ctx context.Context, id int64) (*incroci.Principal, *Edition, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, nil, err
	}
	var e Edition
	if err := t.db.WithContext(ctx).Where("id = ?", id).Take(&e).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, ErrEditionNotFound
	} else if err != nil {
		return nil, nil, fmt.Errorf("training: edition %d: %w", id, err)
	}
	if !mayRead(pr, e.Ambito) && !isTrainer(pr, &e) {
		return nil, nil, ErrEditionNotFound
	}
	return pr, &e, nil
}

// GetEdition returns an edition the caller may read with its meetings,
// quotas, seats and the caller's own enrolment.
func (t *Training) GetEdition(ctx context.Context, id int64) (*EditionView, error) {
	pr, ep, err := t.readableEdition(ctx, id)
	if err != nil {
		return nil, err
	}
	e := *ep
	if err := t.fillEdition(ctx, t.db, &e); err != nil {
		return nil, err
	}
	var c Course
	if err := t.db.WithContext(ctx).Where("id = ?", e.CourseID).Take(&c).Error; err != nil {
		return nil, fmt.Errorf("training: course %d: %w", e.CourseID, err)
	}
	v := &EditionView{Edition: e, Course: c}
	var mine Enrolment
	err = t.db.WithContext(ctx).Where("edition_id = ? AND person_id = ?", id, pr.PersonID).Take(&mine).Error
	switch {
	case err == nil:
		if err := t.position(ctx, t.db, &mine); err != nil {
			return nil, err
		}
		v.Mine = &mine
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return nil, fmt.Errorf("training: enrolment: %w", err)
	}
	return v, nil
}

// EditionView is an edition with its course and the caller's enrolment.
type EditionView struct {
	Edition
	Course Course `json:"course"`
	// Mine is the caller's enrolment, nil when none.
	Mine *Enrolment `json:"mine"`
}

// position fills en.Position, its place on the waiting list.
func (t *Training) position(ctx context.Context, db *gorm.DB, en *Enrolment) error {
	en.Position = 0
	if en.Status != StatusWaiting {
		return nil
	}
	var n int64
	err := db.WithContext(ctx).Model(&Enrolment{}).Where("edition_id = ? AND status = ? AND (queued < ? OR (queued = ? AND id < ?))",
		en.EditionID, StatusWaiting, en.Queued, en.Queued, en.ID).Count(&n).Error
	if err != nil {
		return fmt.Errorf("training: waiting list: %w", err)
	}
	en.Position = int(n) + 1
	return nil
}

// CancelEdition calls off edition id: the course's managers. Everyone
// enrolled or waiting is cancelled and told by e-mail, with the meetings
// attached as cancelled events; nobody enrols any more.
func (t *Training) CancelEdition(ctx context.Context, id int64) (*Edition, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var out *Edition
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		e, err := lockEdition(ctx, tx, id)
		if err != nil {
			return err
		}
		if !mayRead(pr, e.Ambito) && !isTrainer(pr, e) {
			return ErrEditionNotFound
		}
		if !mayManage(pr, e.Ambito) {
			return incroci.ErrForbidden
		}
		if e.Cancelled {
			return ErrEditionCancelled
		}
		now := t.p.Now()
		e.Cancelled, e.UpdatedAt = true, now
		if err := tx.Select("cancelled", "updated_at").Save(e).Error; err != nil {
			return fmt.Errorf("training: cancel edition %d: %w", id, err)
		}
		var c Course
		if err := tx.Where("id = ?", e.CourseID).Take(&c).Error; err != nil {
			return fmt.Errorf("training: course %d: %w", e.CourseID, err)
		}
		var ens []Enrolment
		if err := tx.Where("edition_id = ? AND status IN ?", id, active).Order("id").Find(&ens).Error; err != nil {
			return fmt.Errorf("training: enrolments of edition %d: %w", id, err)
		}
		for i := range ens {
			en := &ens[i]
			en.Status, en.QuotaID, en.OfferedUntil, en.UpdatedAt = StatusCancelled, nil, nil, now
			if err := tx.Save(en).Error; err != nil {
				return fmt.Errorf("training: cancel enrolment %d: %w", en.ID, err)
			}
			if err := t.mailEnrolment(ctx, tx, e, &c, en); err != nil {
				return err
			}
		}
		if err := t.fillEdition(ctx, tx, e); err != nil {
			return err
		}
		out = e
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: e.Ambito, Action: "training.edition.cancel", ObjectType: "edition", ObjectID: fmt.Sprint(id)},
			map[string]any{"enrolments": len(ens)})
	})
	if err != nil {
		return nil, err
	}
	t.p.WakeMail()
	return out, nil
}
