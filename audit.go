package incroci

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"
)

// Audit records an entry in the audit log inside tx (or the platform's
// database when tx is nil), stamping the time and, when the entry has none,
// the actor from ctx's principal. detail, when not nil, is stored as JSON;
// it must not hold personal data of beneficiaries.
func (p *Platform) Audit(ctx context.Context, tx *gorm.DB, e AuditEntry, detail any) error {
	if tx == nil {
		tx = p.db
	}
	e.At = p.now()
	if e.ActorID == nil {
		if pr := PrincipalFrom(ctx); pr != nil && pr.PersonID != 0 {
			id := pr.PersonID
			e.ActorID = &id
		}
	}
	if detail != nil {
		b, err := json.Marshal(detail)
		if err != nil {
			return fmt.Errorf("incroci: audit detail: %w", err)
		}
		e.Detail = string(b)
	}
	if err := tx.WithContext(ctx).Create(&e).Error; err != nil {
		return fmt.Errorf("incroci: audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditLog returns one page of the entries about ambito (every ambito's
// and the network's for ""), newest first, and their total. Admins see all;
// coordinators their ambiti's.
func (p *Platform) AuditLog(ctx context.Context, ambito string, page, perPage int) ([]AuditEntry, int64, error) {
	pr := PrincipalFrom(ctx)
	if pr == nil {
		return nil, 0, ErrUnauthorized
	}
	if ambito != "" {
		if _, err := p.GetAmbito(ctx, ambito); err != nil {
			return nil, 0, err
		}
	}
	if !pr.Admin && (ambito == "" || !pr.Has(RoleCoordinator, ambito)) {
		return nil, 0, ErrForbidden
	}
	if page < 1 {
		page = 1
	}
	if perPage < 1 || perPage > 100 {
		perPage = 100
	}
	q := p.db.WithContext(ctx).Model(&AuditEntry{})
	if ambito != "" {
		q = q.Where("ambito = ?", ambito)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("incroci: count audit log: %w", err)
	}
	out := []AuditEntry{}
	if err := q.Order("id DESC").Offset((page - 1) * perPage).Limit(perPage).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("incroci: audit log: %w", err)
	}
	return out, total, nil
}
