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

// AuditLog returns the newest entries about ambito (all ambiti for ""),
// newest first. Admins see all; coordinators their ambiti's.
func (p *Platform) AuditLog(ctx context.Context, ambito string, limit int) ([]AuditEntry, error) {
	pr := PrincipalFrom(ctx)
	if pr == nil {
		return nil, ErrUnauthorized
	}
	if !pr.Admin && (ambito == "" || !pr.Has(RoleCoordinator, ambito)) {
		return nil, ErrForbidden
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := p.db.WithContext(ctx).Order("id DESC").Limit(limit)
	if ambito != "" {
		q = q.Where("ambito = ?", ambito)
	}
	var out []AuditEntry
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("incroci: audit log: %w", err)
	}
	return out, nil
}
