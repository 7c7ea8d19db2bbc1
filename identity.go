package incroci

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// identityPrincipal resolves a partner-authenticated identity to a principal,
// creating the person on first sight.
func (p *Platform) identityPrincipal(ctx context.Context, id Identity) (*Principal, error) {
	// The usual case, a known person already in the ambito, only reads.
	if email, err := NormaliseEmail("email", id.Email); err == nil {
		if person, err := findPerson(ctx, p.db, email); err == nil && person != nil {
			pr, err := p.principal(ctx, p.db, person.ID)
			if err == nil && (id.Ambito == "" || pr.InAmbito(id.Ambito)) {
				return pr, nil
			}
		}
	}
	var pr *Principal
	err := p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		person, err := p.ensureIdentity(ctx, tx, id)
		if err != nil {
			return err
		}
		pr, err = p.principal(ctx, tx, person.ID)
		return err
	})
	return pr, err
}

func errorsIsUnauthorized(err error) bool { return errors.Is(err, ErrUnauthorized) }

// AsSystem returns a context acting as the hub itself, with every right of
// an administrator: for seeds, command lines and jobs, never for requests.
func AsSystem(ctx context.Context) context.Context {
	return WithPrincipal(ctx, &Principal{Admin: true, Name: "system"})
}
