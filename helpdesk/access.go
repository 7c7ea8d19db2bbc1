package helpdesk

import (
	"context"
	"errors"
	"fmt"

	"github.com/incrocicomuni/incroci"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// view is what a caller may see of a consultation.
type view int

const (
	viewNone view = iota
	// viewOperator: the dialogue without internal notes.
	viewOperator
	// viewStaff: everything, internal notes included.
	viewStaff
)

// caller returns the signed-in principal or ErrUnauthorized.
func caller(ctx context.Context) (*incroci.Principal, error) {
	pr := incroci.PrincipalFrom(ctx)
	if pr == nil || pr.PersonID == 0 {
		return nil, incroci.ErrUnauthorized
	}
	return pr, nil
}

// consultantGrant is the SQL condition that the person of alias (a row
// with person_id) holds the consultant role on the platform now, in any
// ambito; its one argument is incroci.RoleConsultant. Desk membership
// gives access and work only with it: revoking the role takes both away.
func consultantGrant(alias string) string {
	return "EXISTS (SELECT 1 FROM incroci_role_grants g WHERE g.person_id = " + alias + ".person_id AND g.role = ?)"
}

// deskRole returns the person's active membership of a desk, or nil when
// they are not an active consultant of it or no longer hold the consultant
// role.
func (h *Helpdesk) deskRole(ctx context.Context, db *gorm.DB, deskID, personID int64) (*DeskConsultant, error) {
	var dc DeskConsultant
	err := db.WithContext(ctx).Where("desk_id = ? AND person_id = ? AND active = ?", deskID, personID, true).
		Where(consultantGrant(DeskConsultant{}.TableName()), incroci.RoleConsultant).Take(&dc).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("helpdesk: desk membership: %w", err)
	}
	return &dc, nil
}

// myDesks returns the ids of the desks the person serves: active
// memberships, while they hold the consultant role.
func (h *Helpdesk) myDesks(ctx context.Context, db *gorm.DB, personID int64) ([]int64, error) {
	var ids []int64
	if err := db.WithContext(ctx).Model(&DeskConsultant{}).Where("person_id = ? AND active = ?", personID, true).
		Where(consultantGrant(DeskConsultant{}.TableName()), incroci.RoleConsultant).
		Pluck("desk_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: my desks: %w", err)
	}
	return ids, nil
}

// viewOf decides what pr may see of c: the desk's consultants see all of
// it; the operators of its ambito see the dialogue; nobody else anything.
// Coordinators and admins see reports, not cases.
func (h *Helpdesk) viewOf(ctx context.Context, db *gorm.DB, pr *incroci.Principal, c *Consultation) (view, error) {
	dc, err := h.deskRole(ctx, db, c.DeskID, pr.PersonID)
	if err != nil {
		return viewNone, err
	}
	return viewFor(pr, dc != nil, c), nil
}

// viewFor is viewOf's rule once it is known whether pr is an active
// consultant of c's desk holding the consultant role.
func viewFor(pr *incroci.Principal, deskMember bool, c *Consultation) view {
	switch {
	case deskMember:
		return viewStaff
	case pr.Has(incroci.RoleOperator, c.Ambito):
		return viewOperator
	}
	return viewNone
}

// loaded is a consultation read by load, with whether the caller is an
// active consultant of its desk who holds the consultant role.
type loaded struct {
	Consultation `gorm:"embedded"`
	DeskMember   bool
}

// load returns consultation id with what the caller may see of it, or
// ErrConsultationNotFound when they may see nothing (whether it exists is
// not said). The consultation and the caller's desk membership (active,
// with a consultant role grant) are read in one query.
func (h *Helpdesk) load(ctx context.Context, db *gorm.DB, id int64) (*Consultation, view, *incroci.Principal, error) {
	return h.loadRow(ctx, db, id, false)
}

// loadForWrite is load inside a transaction that changes the consultation
// (its status, assignee or appointments): on PostgreSQL it also locks the
// row (FOR UPDATE, in the same query) until the transaction ends, so that
// such transactions on one consultation run one after the other, each
// seeing the status the previous one left, and every one of them takes
// the consultation row before any other row of it (appointment slots), so
// they cannot deadlock. SQLite's single writer already serialises them.
func (h *Helpdesk) loadForWrite(ctx context.Context, tx *gorm.DB, id int64) (*Consultation, view, *incroci.Principal, error) {
	return h.loadRow(ctx, tx, id, tx.Dialector.Name() == "postgres")
}

func (h *Helpdesk) loadRow(ctx context.Context, db *gorm.DB, id int64, lock bool) (*Consultation, view, *incroci.Principal, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, viewNone, nil, err
	}
	var row loaded
	q := db.WithContext(ctx).Model(&Consultation{}).
		Select(`incroci_helpdesk_consultations.*, EXISTS (SELECT 1 FROM incroci_helpdesk_desk_consultants dc
			WHERE dc.desk_id = incroci_helpdesk_consultations.desk_id AND dc.person_id = ? AND dc.active = ? AND `+consultantGrant("dc")+`) AS desk_member`,
			pr.PersonID, true, incroci.RoleConsultant).
		Where("incroci_helpdesk_consultations.id = ?", id)
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE", Table: clause.Table{Name: Consultation{}.TableName()}})
	}
	err = q.Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, viewNone, nil, ErrConsultationNotFound
	}
	if err != nil {
		return nil, viewNone, nil, fmt.Errorf("helpdesk: load consultation %d: %w", id, err)
	}
	c := row.Consultation
	v := viewFor(pr, row.DeskMember, &c)
	if v == viewNone {
		return nil, viewNone, nil, ErrConsultationNotFound
	}
	return &c, v, pr, nil
}
