package incroci

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// SessionGrant is what a successful sign-in returns: the bearer token (shown
// once, never stored in clear), when it expires, and who signed in.
type SessionGrant struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	Person    Me        `json:"person"`
}

// tokenPrefix marks incroci session tokens, so leaked ones are easy to spot.
const tokenPrefix = "incs_"

// startSession creates a session for person and returns its token.
func (p *Platform) startSession(ctx context.Context, tx *gorm.DB, personID int64, method, ambito string) (*SessionGrant, error) {
	token := randomToken(tokenPrefix)
	now := p.now()
	s := Session{PersonID: personID, TokenHash: tokenHash(token), Method: method, Ambito: ambito,
		CreatedAt: now, ExpiresAt: now.Add(p.cfg.SessionTTL), LastSeenAt: now}
	if err := tx.WithContext(ctx).Create(&s).Error; err != nil {
		return nil, fmt.Errorf("incroci: start session: %w", err)
	}
	me, err := p.me(ctx, tx, personID)
	if err != nil {
		return nil, err
	}
	if err := p.Audit(ctx, tx, AuditEntry{ActorID: &personID, Ambito: ambito, Action: "session.start", ObjectType: "session", ObjectID: fmt.Sprint(s.ID)}, map[string]string{"method": method}); err != nil {
		return nil, err
	}
	return &SessionGrant{Token: token, ExpiresAt: s.ExpiresAt, Person: *me}, nil
}

// authRow is one row of authSQL: the session and its person, with one of
// the person's role grants (none when they hold no role).
type authRow struct {
	SessionID   int64
	PersonID    int64
	Method      string
	Ambito      string
	ExpiresAt   time.Time
	LastSeenAt  time.Time
	RevokedAt   *time.Time
	Email       string
	Name        string
	GrantAmbito *string
	GrantRole   *Role
}

// authSQL reads a session by its token's hash together with its person and
// their role grants, in one round trip: one row per grant, or one row with
// no grant. A session whose person is gone has no row.
const authSQL = `SELECT s.id AS session_id, s.person_id, s.method, s.ambito, s.expires_at, s.last_seen_at, s.revoked_at,
	p.email, p.name, g.ambito AS grant_ambito, g.role AS grant_role
FROM incroci_sessions s
JOIN incroci_people p ON p.id = s.person_id
LEFT JOIN incroci_role_grants g ON g.person_id = s.person_id
WHERE s.token_hash = ?
ORDER BY g.ambito, g.role`

// Authenticate returns the principal of a bearer token, or ErrUnauthorized
// when the token is unknown, expired or revoked.
func (p *Platform) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 100 {
		return nil, ErrUnauthorized
	}
	var rows []authRow
	if err := p.db.WithContext(ctx).Raw(authSQL, tokenHash(token)).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("incroci: authenticate: %w", err)
	}
	if len(rows) == 0 {
		return nil, ErrUnauthorized
	}
	s := rows[0]
	now := p.now()
	if s.RevokedAt != nil || !now.Before(s.ExpiresAt) {
		return nil, ErrUnauthorized
	}
	pr := &Principal{PersonID: s.PersonID, Email: s.Email, Name: s.Name}
	for _, r := range rows {
		if r.GrantRole == nil || r.GrantAmbito == nil {
			continue
		}
		if *r.GrantRole == RoleAdmin {
			pr.Admin = true
			continue
		}
		pr.Grants = append(pr.Grants, Grant{Ambito: *r.GrantAmbito, Role: *r.GrantRole})
	}
	if s.Method == "host" {
		// An ambito's website vouches for its own people only: its sessions
		// carry the roles held in that ambito and nothing of the network.
		pr = pr.scoped(s.Ambito)
	}
	pr.SessionID = s.SessionID
	if now.Sub(s.LastSeenAt) > time.Minute {
		// Best effort: a failure here must not refuse a valid session. One
		// statement, so without gorm's wrapping transaction.
		p.db.WithContext(ctx).Session(&gorm.Session{SkipDefaultTransaction: true}).
			Model(&Session{}).Where("id = ?", s.SessionID).Update("last_seen_at", now)
	}
	return pr, nil
}

// principal loads a person and their roles.
func (p *Platform) principal(ctx context.Context, db *gorm.DB, personID int64) (*Principal, error) {
	var person Person
	if err := db.WithContext(ctx).Where("id = ?", personID).Take(&person).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrUnauthorized
		}
		return nil, fmt.Errorf("incroci: load person: %w", err)
	}
	var grants []RoleGrant
	if err := db.WithContext(ctx).Where("person_id = ?", personID).Order("ambito, role").Find(&grants).Error; err != nil {
		return nil, fmt.Errorf("incroci: load roles: %w", err)
	}
	pr := &Principal{PersonID: person.ID, Email: person.Email, Name: person.Name}
	for _, g := range grants {
		if g.Role == RoleAdmin {
			pr.Admin = true
			continue
		}
		pr.Grants = append(pr.Grants, Grant{Ambito: g.Ambito, Role: g.Role})
	}
	return pr, nil
}

// SignOut revokes the caller's current session.
func (p *Platform) SignOut(ctx context.Context) error {
	pr := PrincipalFrom(ctx)
	if pr == nil || pr.SessionID == 0 {
		return ErrUnauthorized
	}
	return p.revoke(ctx, "id = ?", pr.SessionID)
}

// SignOutEverywhere revokes every session of the caller.
func (p *Platform) SignOutEverywhere(ctx context.Context) error {
	pr := PrincipalFrom(ctx)
	if pr == nil {
		return ErrUnauthorized
	}
	return p.revoke(ctx, "person_id = ?", pr.PersonID)
}

func (p *Platform) revoke(ctx context.Context, where string, arg int64) error {
	return p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Session{}).Where(where+" AND revoked_at IS NULL", arg).Update("revoked_at", p.now())
		if res.Error != nil {
			return fmt.Errorf("incroci: sign out: %w", res.Error)
		}
		return p.Audit(ctx, tx, AuditEntry{Action: "session.revoke", ObjectType: "session", ObjectID: fmt.Sprint(arg)},
			map[string]any{"scope": strings.Fields(where)[0], "sessions": res.RowsAffected})
	})
}

// SignIn starts a session for a person vouched for by the partner's own
// authentication: the partner calls it after its own login and hands the
// token to its pages' widgets. The person is created if new and, when
// id.Ambito is set and they hold no role there, joins it as an operator.
func (p *Platform) SignIn(ctx context.Context, id Identity) (*SessionGrant, error) {
	var out *SessionGrant
	err := p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		person, err := p.ensureIdentity(ctx, tx, id)
		if err != nil {
			return err
		}
		out, err = p.startSession(ctx, tx, person.ID, "partner", id.Ambito)
		return err
	})
	return out, err
}
