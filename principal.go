package incroci

import "context"

// Grant is one role held by a person in one ambito.
type Grant struct {
	Ambito string `json:"ambito"`
	Role   Role   `json:"role"`
}

// Principal is who is calling: a signed-in person and what they may do. The
// HTTP layer puts it on the request's context; services read it with
// PrincipalFrom and scope every query by it.
type Principal struct {
	PersonID  int64
	Email     string
	Name      string
	Admin     bool
	Grants    []Grant
	SessionID int64 // 0 when authenticated by the partner's own function
}

// Has reports whether the principal holds role in ambito. Admins hold every
// role everywhere only for RoleAdmin; they are checked with Admin.
func (p *Principal) Has(role Role, ambito string) bool {
	if p == nil {
		return false
	}
	if role == RoleAdmin {
		return p.Admin
	}
	for _, g := range p.Grants {
		if g.Role == role && g.Ambito == ambito {
			return true
		}
	}
	return false
}

// Ambiti returns the ambiti where the principal holds role.
func (p *Principal) Ambiti(role Role) []string {
	if p == nil {
		return nil
	}
	var out []string
	for _, g := range p.Grants {
		if g.Role == role {
			out = append(out, g.Ambito)
		}
	}
	return out
}

// InAmbito reports whether the principal holds any role in ambito.
func (p *Principal) InAmbito(ambito string) bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		if g.Ambito == ambito {
			return true
		}
	}
	return false
}

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal on ctx, or nil for an anonymous caller.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// actor is the person to record as the author of a change: nil for the hub
// itself (AsSystem), which is nobody.
func (p *Principal) actor() *int64 {
	if p == nil || p.PersonID == 0 {
		return nil
	}
	id := p.PersonID
	return &id
}

// scoped returns a copy of p limited to the roles it holds in ambito,
// without network administration.
func (p *Principal) scoped(ambito string) *Principal {
	out := &Principal{PersonID: p.PersonID, Email: p.Email, Name: p.Name}
	for _, g := range p.Grants {
		if g.Ambito == ambito {
			out.Grants = append(out.Grants, g)
		}
	}
	return out
}
