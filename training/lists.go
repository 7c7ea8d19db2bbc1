package training

import (
	"context"
	"errors"
	"fmt"

	"github.com/incrocicomuni/incroci"
	"gorm.io/gorm"
)

// MyEnrolment is one of the caller's enrolments, with its edition and
// course.
type MyEnrolment struct {
	Enrolment
	Edition Edition `json:"edition"`
	Course  Course  `json:"course"`
}

// MyEnrolments lists the caller's enrolments, newest first, paged; with
// all false only those not over (waiting, offered, pending, confirmed).
func (t *Training) MyEnrolments(ctx context.Context, all bool, page, perPage int) ([]MyEnrolment, int64, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, 0, err
	}
	db := t.db.WithContext(ctx).Model(&Enrolment{}).Where("person_id = ?", pr.PersonID)
	if !all {
		db = db.Where("status IN ?", active)
	}
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("training: my enrolments: %w", err)
	}
	var ens []Enrolment
	if err := db.Order("id DESC").Offset((page - 1) * perPage).Limit(perPage).Find(&ens).Error; err != nil {
		return nil, 0, fmt.Errorf("training: my enrolments: %w", err)
	}
	out := make([]MyEnrolment, 0, len(ens))
	for _, en := range ens {
		m := MyEnrolment{Enrolment: en}
		if err := t.position(ctx, t.db, &m.Enrolment); err != nil {
			return nil, 0, err
		}
		if err := t.db.WithContext(ctx).Where("id = ?", en.EditionID).Take(&m.Edition).Error; err != nil {
			return nil, 0, fmt.Errorf("training: edition %d: %w", en.EditionID, err)
		}
		if err := t.fillEdition(ctx, t.db, &m.Edition); err != nil {
			return nil, 0, err
		}
		if err := t.db.WithContext(ctx).Where("id = ?", m.Edition.CourseID).Take(&m.Course).Error; err != nil {
			return nil, 0, fmt.Errorf("training: course %d: %w", m.Edition.CourseID, err)
		}
		out = append(out, m)
	}
	return out, total, nil
}

// EnrolmentQuery filters the enrolments of an edition.
type EnrolmentQuery struct {
	// Status keeps one status; "" keeps all.
	Status Status
	// Page and PerPage choose the page: 1 and 20 when zero.
	Page, PerPage int
}

// Enrolments lists the enrolments of edition id with each person's name
// and e-mail, waiting list in its order after the seats: its managers and
// trainers see all of them, the coordinators of an ambito those from
// their ambito (to approve them). Each read is audited.
func (t *Training) Enrolments(ctx context.Context, id int64, q EnrolmentQuery) ([]Enrolment, int64, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, 0, err
	}
	var e Edition
	if err := t.db.WithContext(ctx).Where("id = ?", id).Take(&e).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, 0, ErrEditionNotFound
	} else if err != nil {
		return nil, 0, fmt.Errorf("training: edition %d: %w", id, err)
	}
	trainer := isTrainer(pr, &e)
	if !mayRead(pr, e.Ambito) && !trainer {
		return nil, 0, ErrEditionNotFound
	}
	db := t.db.WithContext(ctx).Model(&Enrolment{}).Where("edition_id = ?", id)
	switch coordinated := pr.Ambiti(incroci.RoleCoordinator); {
	case mayManage(pr, e.Ambito) || trainer:
	case len(coordinated) > 0:
		db = db.Where("ambito IN ?", coordinated)
	default:
		return nil, 0, incroci.ErrForbidden
	}
	if q.Status != "" {
		db = db.Where("status = ?", q.Status)
	}
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("training: enrolments of edition %d: %w", id, err)
	}
	// Seats first, then the waiting list in its order, then those over.
	order := fmt.Sprintf("CASE status WHEN '%s' THEN 0 WHEN '%s' THEN 0 WHEN '%s' THEN 0 WHEN '%s' THEN 1 ELSE 2 END, queued, id",
		StatusConfirmed, StatusPending, StatusOffered, StatusWaiting)
	var ens []Enrolment
	page, perPage := pageOf(q.Page, q.PerPage)
	if err := db.Order(order).Offset((page - 1) * perPage).Limit(perPage).Find(&ens).Error; err != nil {
		return nil, 0, fmt.Errorf("training: enrolments of edition %d: %w", id, err)
	}
	ids := make([]int64, len(ens))
	for i := range ens {
		ids[i] = ens[i].PersonID
	}
	var people []incroci.Person
	if err := t.db.WithContext(ctx).Where("id IN ?", ids).Find(&people).Error; err != nil {
		return nil, 0, fmt.Errorf("training: people: %w", err)
	}
	byID := map[int64]incroci.Person{}
	for _, p := range people {
		byID[p.ID] = p
	}
	for i := range ens {
		ens[i].Name, ens[i].Email = byID[ens[i].PersonID].Name, byID[ens[i].PersonID].Email
		if err := t.position(ctx, t.db, &ens[i]); err != nil {
			return nil, 0, err
		}
	}
	if ens == nil {
		ens = []Enrolment{}
	}
	err = t.p.Audit(ctx, nil, incroci.AuditEntry{Ambito: e.Ambito, Action: "training.enrolments.read", ObjectType: "edition", ObjectID: fmt.Sprint(id)},
		map[string]any{"status": q.Status, "page": q.Page, "count": len(ens)})
	return ens, total, err
}
