package incroci

import (
	"context"
	"fmt"
	"maps"
	"time"

	"gorm.io/gorm"
)

// SessionInfo describes one of a person's sessions, never its token.
type SessionInfo struct {
	ID         int64      `json:"id"`
	Method     string     `json:"method"`
	Ambito     string     `json:"ambito"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	LastSeenAt time.Time  `json:"last_seen_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// PersonalData is everything the platform holds about one person, as they
// may ask for it (GDPR art. 15 and 20): their profile and roles, their
// sessions and what the audit log records of their actions, and what
// each module mounted beside the platform holds (RegisterExport).
type PersonalData struct {
	ExportedAt time.Time     `json:"exported_at"`
	Person     Me            `json:"person"`
	Sessions   []SessionInfo `json:"sessions"`
	Activity   []AuditEntry  `json:"activity"`
	// Modules are the modules' exports, by module name.
	Modules map[string]any `json:"modules"`
}

// Exporter gives what a module holds about the person calling (their
// principal is on ctx), for ExportMe.
type Exporter func(ctx context.Context) (any, error)

// RegisterExport adds a module's Exporter to ExportMe under module (a
// second one under the same name replaces the first). Modules call it
// from their New.
func (p *Platform) RegisterExport(module string, f Exporter) {
	p.exportMu.Lock()
	defer p.exportMu.Unlock()
	if p.exporters == nil {
		p.exporters = map[string]Exporter{}
	}
	p.exporters[module] = f
}

// maxExportActivity bounds the audit entries in one export.
const maxExportActivity = 10000

// ExportMe returns the caller's personal data, and records the export.
func (p *Platform) ExportMe(ctx context.Context) (*PersonalData, error) {
	pr := PrincipalFrom(ctx)
	if pr == nil || pr.PersonID == 0 {
		return nil, ErrUnauthorized
	}
	out := &PersonalData{ExportedAt: p.now(), Sessions: []SessionInfo{}, Activity: []AuditEntry{}, Modules: map[string]any{}}
	p.exportMu.Lock()
	exporters := maps.Clone(p.exporters)
	p.exportMu.Unlock()
	for name, f := range exporters {
		data, err := f(ctx)
		if err != nil {
			return nil, fmt.Errorf("incroci: export of %s: %w", name, err)
		}
		out.Modules[name] = data
	}
	err := p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		me, err := p.me(ctx, tx, pr.PersonID)
		if err != nil {
			return err
		}
		out.Person = *me
		var sessions []Session
		if err := tx.Where("person_id = ?", pr.PersonID).Order("id DESC").Find(&sessions).Error; err != nil {
			return fmt.Errorf("incroci: export sessions: %w", err)
		}
		for _, s := range sessions {
			out.Sessions = append(out.Sessions, SessionInfo{ID: s.ID, Method: s.Method, Ambito: s.Ambito, CreatedAt: s.CreatedAt,
				ExpiresAt: s.ExpiresAt, LastSeenAt: s.LastSeenAt, RevokedAt: s.RevokedAt})
		}
		if err := tx.Where("actor_id = ?", pr.PersonID).Order("id DESC").Limit(maxExportActivity).Find(&out.Activity).Error; err != nil {
			return fmt.Errorf("incroci: export activity: %w", err)
		}
		return p.Audit(ctx, tx, AuditEntry{Action: "person.export", ObjectType: "person", ObjectID: fmt.Sprint(pr.PersonID)}, nil)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
