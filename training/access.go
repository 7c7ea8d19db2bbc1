package training

import (
	"context"
	"slices"

	"github.com/incrocicomuni/incroci"
)

// caller returns the signed-in principal of ctx, or ErrUnauthorized.
func caller(ctx context.Context) (*incroci.Principal, error) {
	pr := incroci.PrincipalFrom(ctx)
	if pr == nil || (pr.PersonID == 0 && !pr.Admin) {
		return nil, incroci.ErrUnauthorized
	}
	return pr, nil
}

// mayManage reports whether pr creates and edits the courses of ambito:
// its coordinators, and admins (the only ones for the network's, "").
func mayManage(pr *incroci.Principal, ambito string) bool {
	if pr == nil {
		return false
	}
	return pr.Admin || (ambito != "" && pr.Has(incroci.RoleCoordinator, ambito))
}

// mayRead reports whether pr sees the courses of ambito: the network's for
// everyone with a role somewhere, an ambito's for its people.
func mayRead(pr *incroci.Principal, ambito string) bool {
	if pr == nil {
		return false
	}
	if pr.Admin {
		return true
	}
	if ambito == "" {
		return len(pr.Grants) > 0
	}
	return pr.InAmbito(ambito)
}

// isTrainer reports whether pr teaches edition e.
func isTrainer(pr *incroci.Principal, e *Edition) bool {
	return pr != nil && pr.PersonID != 0 && slices.Contains(e.TrainerIDs, pr.PersonID)
}

// ambitiOf returns the ambiti where pr holds some role, without repeats.
func ambitiOf(pr *incroci.Principal) []string {
	out := []string{}
	for _, g := range pr.Grants {
		if !slices.Contains(out, g.Ambito) {
			out = append(out, g.Ambito)
		}
	}
	return out
}

// rolesIn returns the roles pr holds in ambito.
func rolesIn(pr *incroci.Principal, ambito string) []incroci.Role {
	out := []incroci.Role{}
	for _, g := range pr.Grants {
		if g.Ambito == ambito {
			out = append(out, g.Role)
		}
	}
	return out
}
