package toolkit

import (
	"context"

	"github.com/incrocicomuni/incroci"
)

// caller returns the signed-in person of ctx, or ErrUnauthorized.
func caller(ctx context.Context) (*incroci.Principal, error) {
	pr := incroci.PrincipalFrom(ctx)
	if pr == nil || (pr.PersonID == 0 && !pr.Admin) {
		return nil, incroci.ErrUnauthorized
	}
	return pr, nil
}

// isEditor reports whether pr reviews the sheets of ambito: its editors, or
// any ambito's editors for the network's sheets (ambito ""), and admins.
func isEditor(pr *incroci.Principal, ambito string) bool {
	if pr == nil {
		return false
	}
	if pr.Admin {
		return true
	}
	if ambito == "" {
		return len(pr.Ambiti(incroci.RoleEditor)) > 0
	}
	return pr.Has(incroci.RoleEditor, ambito)
}

// inNetwork reports whether pr takes part in the network: a role in some
// ambito, or an admin.
func inNetwork(pr *incroci.Principal) bool {
	return pr != nil && (pr.Admin || len(pr.Grants) > 0)
}

// mayRead reports whether pr (nil when anonymous) may read sheet s as it
// is: published handouts for citizens are for anyone; published sheets for
// the network's people (an ambito's own ones for that ambito's); sheets not
// published for their owner, the authors of their revisions (authored) and
// the editors.
func mayRead(pr *incroci.Principal, s *Sheet, authored bool) bool {
	if isEditor(pr, s.Ambito) {
		return true
	}
	if s.State == StatePublished {
		if s.Audience == AudienceCitizens && s.Ambito == "" {
			return true
		}
		if !inNetwork(pr) {
			return false
		}
		return s.Ambito == "" || pr.InAmbito(s.Ambito)
	}
	if pr == nil || s.State == StateArchived {
		return false
	}
	return s.OwnerID == pr.PersonID || authored
}

// mayPropose reports whether pr may propose a sheet of ambito, or a change
// to one: anyone with a role in that ambito (in any, for the network's).
func mayPropose(pr *incroci.Principal, ambito string) bool {
	if !inNetwork(pr) {
		return false
	}
	return ambito == "" || pr.Admin || pr.InAmbito(ambito)
}
