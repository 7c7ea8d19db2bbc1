package incroci

// Role is what a person may do, in one ambito or, for admin, in the whole
// network.
type Role string

// The roles of incroci (see ../shared/domain/roles.csv).
const (
	RoleOperator    Role = "operator"    // social worker who meets foreign citizens
	RoleConsultant  Role = "consultant"  // immigration-law expert answering the help desk
	RoleMediator    Role = "mediator"    // linguistic-cultural mediator
	RoleTrainer     Role = "trainer"     // runs training sessions and keeps attendance
	RoleEditor      Role = "editor"      // reviews and publishes toolkit content
	RoleCoordinator Role = "coordinator" // manages an ambito (Ufficio di Piano)
	RoleAdmin       Role = "admin"       // runs the hub for the whole network
)

// AmbitoRoles are the roles held in one ambito, in the order the UI lists them.
var AmbitoRoles = []Role{RoleOperator, RoleConsultant, RoleMediator, RoleTrainer, RoleEditor, RoleCoordinator}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleAdmin || r.InAmbito()
}

// InAmbito reports whether r is held per ambito (every role but admin).
func (r Role) InAmbito() bool {
	for _, x := range AmbitoRoles {
		if x == r {
			return true
		}
	}
	return false
}

// Label is the role's Italian name, as operators know it.
func (r Role) Label() string {
	switch r {
	case RoleOperator:
		return "Operatore sociale"
	case RoleConsultant:
		return "Consulente legale"
	case RoleMediator:
		return "Mediatore linguistico-culturale"
	case RoleTrainer:
		return "Formatore / supervisore"
	case RoleEditor:
		return "Redattore del toolkit"
	case RoleCoordinator:
		return "Coordinatore d'ambito / Ufficio di Piano"
	case RoleAdmin:
		return "Amministratore di rete"
	}
	return string(r)
}

// CanGrant reports whether p may grant or revoke role in ambito: admins any
// ambito role anywhere, coordinators any ambito role in their own ambiti, and
// nobody else anything. The admin role itself is granted only through the Go
// API (GrantAdmin), by the partner who runs the hub.
func (p *Principal) CanGrant(role Role, ambito string) bool {
	if p == nil || !role.InAmbito() {
		return false
	}
	return p.Admin || p.Has(RoleCoordinator, ambito)
}
