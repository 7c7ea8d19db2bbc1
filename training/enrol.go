package training

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
)

// EnrolInput enrols the caller in an edition.
type EnrolInput struct {
	// Ambito is the ambito the caller enrols from (quotas and approval go
	// by it); default: the course's, or for the network's courses the
	// first of the caller's ambiti where they belong to the audience.
	Ambito string `json:"ambito" validate:"omitempty,slug"`
}

// active are the statuses of an enrolment that is not over.
var active = append([]Status{StatusWaiting}, holding...)

// Enrol enrols the caller in edition id while its enrolment window is
// open: a seat when one is left for them (a quota they match, or a free
// seat), pending the coordinator's approval when the edition asks for it;
// else a place at the end of the waiting list. The edition's row is locked
// meanwhile, so capacity and quotas are never exceeded: of two people
// racing for the last seat one gets it, the other waits. An e-mail
// confirms it, with the meetings attached as iCalendar.
func (t *Training) Enrol(ctx context.Context, id int64, in EnrolInput) (*Enrolment, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	var en Enrolment
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := t.p.Now()
		e, err := lockEdition(ctx, tx, id)
		if err != nil {
			return err
		}
		if !mayRead(pr, e.Ambito) {
			return ErrEditionNotFound
		}
		if e.Cancelled {
			return ErrEditionCancelled
		}
		if now.Before(e.EnrolFrom) || now.After(e.EnrolUntil) {
			return ErrEnrolmentClosed
		}
		var c Course
		if err := tx.Where("id = ?", e.CourseID).Take(&c).Error; err != nil {
			return fmt.Errorf("training: course %d: %w", e.CourseID, err)
		}
		ambito, err := enrolAmbito(pr, &c, in.Ambito)
		if err != nil {
			return err
		}
		err = tx.Where("edition_id = ? AND person_id = ?", id, pr.PersonID).Take(&en).Error
		switch {
		case err == nil && slices.Contains(active, en.Status):
			return ErrAlreadyEnrolled
		case err == nil:
			// Enrolling again after cancelling: the same row, anew.
		case errors.Is(err, gorm.ErrRecordNotFound):
			en = Enrolment{EditionID: id, PersonID: pr.PersonID, CreatedAt: now}
		default:
			return fmt.Errorf("training: enrolment: %w", err)
		}
		en.Ambito, en.Roles, en.Queued, en.UpdatedAt = ambito, rolesIn(pr, ambito), now, now
		en.OfferedUntil, en.DecidedBy = nil, nil
		s, err := loadSeating(ctx, tx, e)
		if err != nil {
			return err
		}
		if k, ok := s.place(en.Ambito, en.Roles); ok {
			s.take(&en, k)
			en.Status = StatusConfirmed
			if e.Approval {
				en.Status = StatusPending
			}
		} else {
			en.QuotaID, en.Status = nil, StatusWaiting
		}
		if err := s.saveMoves(ctx, tx); err != nil {
			return err
		}
		if err := tx.Save(&en).Error; err != nil {
			return fmt.Errorf("training: save enrolment: %w", err)
		}
		if err := t.position(ctx, tx, &en); err != nil {
			return err
		}
		if err := t.mailEnrolment(ctx, tx, e, &c, &en); err != nil {
			return err
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: ambito, Action: "training.enrol", ObjectType: "enrolment", ObjectID: fmt.Sprint(en.ID)},
			map[string]any{"edition": id, "status": en.Status})
	})
	if err != nil {
		return nil, err
	}
	t.p.WakeMail()
	return &en, nil
}

// enrolAmbito picks the ambito pr enrols from in course c: want when
// given, else the course's, else the first of pr's ambiti where pr belongs
// to the audience.
func enrolAmbito(pr *incroci.Principal, c *Course, want string) (string, error) {
	fits := func(ambito string) bool {
		if c.Ambito != "" && ambito != c.Ambito {
			return false
		}
		roles := rolesIn(pr, ambito)
		if len(roles) == 0 {
			return false
		}
		if len(c.Audience) == 0 {
			return true
		}
		for _, r := range roles {
			if slices.Contains(c.Audience, r) {
				return true
			}
		}
		return false
	}
	if want != "" {
		if !fits(want) {
			return "", httpx.Invalid("ambito", "role", "training.not_audience")
		}
		return want, nil
	}
	ambiti := ambitiOf(pr)
	sort.Strings(ambiti)
	for _, a := range ambiti {
		if fits(a) {
			return a, nil
		}
	}
	return "", ErrNotAudience
}

// fill offers the seats left in e to the waiting list, in its order: each
// waiting person who fits a seat (moving holders between seats they also
// fit when that makes one) is offered it until Config.OfferFor has passed,
// and told by e-mail; nobody is skipped for someone after them. The caller
// holds e's lock.
func (t *Training) fill(ctx context.Context, tx *gorm.DB, e *Edition) error {
	if e.Cancelled {
		return nil
	}
	s, err := loadSeating(ctx, tx, e)
	if err != nil {
		return err
	}
	var waiting []Enrolment
	if err := tx.WithContext(ctx).Where("edition_id = ? AND status = ?", e.ID, StatusWaiting).Order("queued, id").Find(&waiting).Error; err != nil {
		return fmt.Errorf("training: waiting list of edition %d: %w", e.ID, err)
	}
	var c *Course
	now := t.p.Now()
	for i := range waiting {
		w := &waiting[i]
		k, ok := s.place(w.Ambito, w.Roles)
		if !ok {
			continue
		}
		s.take(w, k)
		until := now.Add(t.cfg.OfferFor)
		w.Status, w.OfferedUntil, w.UpdatedAt = StatusOffered, &until, now
		if err := tx.WithContext(ctx).Select("status", "quota_id", "offered_until", "updated_at").Save(w).Error; err != nil {
			return fmt.Errorf("training: offer seat %d: %w", w.ID, err)
		}
		if c == nil {
			c = &Course{}
			if err := tx.WithContext(ctx).Where("id = ?", e.CourseID).Take(c).Error; err != nil {
				return fmt.Errorf("training: course %d: %w", e.CourseID, err)
			}
		}
		if err := t.mailEnrolment(ctx, tx, e, c, w); err != nil {
			return err
		}
	}
	return s.saveMoves(ctx, tx)
}

// reassign replaces the quotas of e (locked by the caller, its capacity
// already changed) with quotas and seats everyone who holds one again:
// ErrSeatsHeld when they no longer fit. Seats left over go to the waiting
// list.
func (t *Training) reassign(ctx context.Context, tx *gorm.DB, e *Edition, quotas []Quota) error {
	if err := tx.WithContext(ctx).Where("edition_id = ?", e.ID).Delete(&Quota{}).Error; err != nil {
		return fmt.Errorf("training: quotas: %w", err)
	}
	if len(quotas) > 0 {
		if err := tx.WithContext(ctx).Create(&quotas).Error; err != nil {
			return fmt.Errorf("training: quotas: %w", err)
		}
	}
	var hs []*Enrolment
	if err := tx.WithContext(ctx).Where("edition_id = ? AND status IN ?", e.ID, holding).Order("queued, id").Find(&hs).Error; err != nil {
		return fmt.Errorf("training: seats of edition %d: %w", e.ID, err)
	}
	s := &seating{quotas: quotas, free: e.Capacity, held: map[int64]int{}, holders: map[int64][]*Enrolment{}, moved: map[int64]*Enrolment{}}
	for _, q := range quotas {
		s.free -= q.Seats
	}
	for _, h := range hs {
		k, ok := s.place(h.Ambito, h.Roles)
		if !ok {
			return ErrSeatsHeld
		}
		s.take(h, k)
		s.moved[h.ID] = h
	}
	if err := s.saveMoves(ctx, tx); err != nil {
		return err
	}
	return t.fill(ctx, tx, e)
}

// enrolmentFor reads enrolment id and locks its edition; the caller checks
// who may act on it.
func (t *Training) enrolmentFor(ctx context.Context, tx *gorm.DB, id int64) (*Enrolment, *Edition, error) {
	var en Enrolment
	if err := tx.WithContext(ctx).Where("id = ?", id).Take(&en).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, ErrEnrolmentNotFound
	} else if err != nil {
		return nil, nil, fmt.Errorf("training: enrolment %d: %w", id, err)
	}
	e, err := lockEdition(ctx, tx, en.EditionID)
	if err != nil {
		return nil, nil, err
	}
	// Read again under the lock: it may have changed meanwhile.
	if err := tx.WithContext(ctx).Where("id = ?", id).Take(&en).Error; err != nil {
		return nil, nil, fmt.Errorf("training: enrolment %d: %w", id, err)
	}
	return &en, e, nil
}

// change runs fn on enrolment id under its edition's lock, saves it, mails
// its person about the new status and offers any seat freed to the
// waiting list.
func (t *Training) change(ctx context.Context, id int64, action string, fn func(pr *incroci.Principal, en *Enrolment, e *Edition) error) (*Enrolment, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var out *Enrolment
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		en, e, err := t.enrolmentFor(ctx, tx, id)
		if err != nil {
			return err
		}
		before := en.Status
		if err := fn(pr, en, e); err != nil {
			return err
		}
		en.UpdatedAt = t.p.Now()
		if !slices.Contains(holding, en.Status) {
			en.QuotaID = nil
		}
		if en.Status != StatusOffered {
			en.OfferedUntil = nil
		}
		if err := tx.WithContext(ctx).Save(en).Error; err != nil {
			return fmt.Errorf("training: save enrolment %d: %w", id, err)
		}
		var c Course
		if err := tx.WithContext(ctx).Where("id = ?", e.CourseID).Take(&c).Error; err != nil {
			return fmt.Errorf("training: course %d: %w", e.CourseID, err)
		}
		if en.Status != before {
			if err := t.mailEnrolment(ctx, tx, e, &c, en); err != nil {
				return err
			}
		}
		if slices.Contains(holding, before) && !slices.Contains(holding, en.Status) {
			if err := t.fill(ctx, tx, e); err != nil {
				return err
			}
		}
		out = en
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: en.Ambito, Action: "training.enrolment." + action, ObjectType: "enrolment", ObjectID: fmt.Sprint(en.ID)},
			map[string]any{"from": before, "to": en.Status})
	})
	if err != nil {
		return nil, err
	}
	t.p.WakeMail()
	return out, nil
}

// Cancel gives up enrolment id: its person, until the edition's
// cancellation deadline for a seat (any time for a place on the waiting
// list or an offer), or the edition's managers at any time. A freed seat
// is offered to the waiting list.
func (t *Training) Cancel(ctx context.Context, id int64) (*Enrolment, error) {
	return t.change(ctx, id, "cancel", func(pr *incroci.Principal, en *Enrolment, e *Edition) error {
		manager := mayManage(pr, e.Ambito)
		if en.PersonID != pr.PersonID && !manager {
			return ErrEnrolmentNotFound
		}
		if !slices.Contains(active, en.Status) {
			return ErrEnrolmentState
		}
		if !manager && (en.Status == StatusConfirmed || en.Status == StatusPending) && t.p.Now().After(e.CancelUntil) {
			return ErrCancelClosed
		}
		en.Status = StatusCancelled
		return nil
	})
}

// Accept takes the seat offered by enrolment id, before the offer lapses:
// its person only. The seat is confirmed, or pending when the edition asks
// for approval.
func (t *Training) Accept(ctx context.Context, id int64) (*Enrolment, error) {
	return t.change(ctx, id, "accept", func(pr *incroci.Principal, en *Enrolment, e *Edition) error {
		if en.PersonID != pr.PersonID {
			return ErrEnrolmentNotFound
		}
		if en.Status != StatusOffered {
			return ErrEnrolmentState
		}
		if en.OfferedUntil != nil && t.p.Now().After(*en.OfferedUntil) {
			return ErrOfferLapsed
		}
		en.Status = StatusConfirmed
		if e.Approval {
			en.Status = StatusPending
		}
		return nil
	})
}

// Decline turns down the seat offered by enrolment id (its person only);
// it passes on to the next on the waiting list.
func (t *Training) Decline(ctx context.Context, id int64) (*Enrolment, error) {
	return t.change(ctx, id, "decline", func(pr *incroci.Principal, en *Enrolment, e *Edition) error {
		if en.PersonID != pr.PersonID {
			return ErrEnrolmentNotFound
		}
		if en.Status != StatusOffered {
			return ErrEnrolmentState
		}
		en.Status = StatusLapsed
		return nil
	})
}

// mayDecide reports whether pr approves enrolments from en's ambito: its
// coordinators, and admins.
func mayDecide(pr *incroci.Principal, en *Enrolment) bool {
	return pr.Admin || pr.Has(incroci.RoleCoordinator, en.Ambito)
}

// Approve confirms a pending enrolment: coordinators of the ambito the
// person enrolled from, and admins.
func (t *Training) Approve(ctx context.Context, id int64) (*Enrolment, error) {
	return t.change(ctx, id, "approve", func(pr *incroci.Principal, en *Enrolment, e *Edition) error {
		if !mayDecide(pr, en) {
			return ErrEnrolmentNotFound
		}
		if en.Status != StatusPending {
			return ErrEnrolmentState
		}
		by := pr.PersonID
		en.Status, en.DecidedBy = StatusConfirmed, &by
		return nil
	})
}

// Reject refuses a pending enrolment (same people as Approve); the seat
// goes to the waiting list.
func (t *Training) Reject(ctx context.Context, id int64) (*Enrolment, error) {
	return t.change(ctx, id, "reject", func(pr *incroci.Principal, en *Enrolment, e *Edition) error {
		if !mayDecide(pr, en) {
			return ErrEnrolmentNotFound
		}
		if en.Status != StatusPending {
			return ErrEnrolmentState
		}
		by := pr.PersonID
		en.Status, en.DecidedBy = StatusRejected, &by
		return nil
	})
}

// ExpireOffers lapses the offers of seats not taken in time and offers
// those seats to the next people on the waiting lists; the hub runs it
// periodically (every few minutes). It returns how many offers lapsed.
func (t *Training) ExpireOffers(ctx context.Context) (int, error) {
	ctx = incroci.AsSystem(ctx)
	now := t.p.Now()
	var editions []int64
	if err := t.db.WithContext(ctx).Model(&Enrolment{}).Where("status = ? AND offered_until < ?", StatusOffered, now).
		Distinct().Pluck("edition_id", &editions).Error; err != nil {
		return 0, fmt.Errorf("training: lapsed offers: %w", err)
	}
	n := 0
	for _, id := range editions {
		err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			e, err := lockEdition(ctx, tx, id)
			if err != nil {
				return err
			}
			var lapsed []Enrolment
			if err := tx.Where("edition_id = ? AND status = ? AND offered_until < ?", id, StatusOffered, now).Find(&lapsed).Error; err != nil {
				return fmt.Errorf("training: lapsed offers of edition %d: %w", id, err)
			}
			if len(lapsed) == 0 {
				return nil
			}
			var c Course
			if err := tx.Where("id = ?", e.CourseID).Take(&c).Error; err != nil {
				return fmt.Errorf("training: course %d: %w", e.CourseID, err)
			}
			for i := range lapsed {
				en := &lapsed[i]
				en.Status, en.QuotaID, en.OfferedUntil, en.UpdatedAt = StatusLapsed, nil, nil, now
				if err := tx.Save(en).Error; err != nil {
					return fmt.Errorf("training: lapse offer %d: %w", en.ID, err)
				}
				if err := t.mailEnrolment(ctx, tx, e, &c, en); err != nil {
					return err
				}
				if err := t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: en.Ambito, Action: "training.enrolment.lapse", ObjectType: "enrolment", ObjectID: fmt.Sprint(en.ID)}, nil); err != nil {
					return err
				}
			}
			n += len(lapsed)
			return t.fill(ctx, tx, e)
		})
		if err != nil {
			return n, err
		}
	}
	if n > 0 {
		t.p.WakeMail()
	}
	return n, nil
}
