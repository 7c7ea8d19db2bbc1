package incroci

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/incrocicomuni/incroci/internal/httpx"
	"golang.org/x/text/language"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Me is a person as they see themselves.
type Me struct {
	ID        int64    `json:"id"`
	Email     string   `json:"email"`
	Name      string   `json:"name"`
	Languages []string `json:"languages"`
	Service   string   `json:"service"`
	Roles     []Grant  `json:"roles"`
	Admin     bool     `json:"admin"`
}

// PersonInAmbito is a person as a coordinator of an ambito sees them: their
// roles there and nothing of other ambiti.
type PersonInAmbito struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Roles []Role `json:"roles"`
}

// ProfileInput changes the caller's own profile; nil fields stay.
type ProfileInput struct {
	Name      *string   `json:"name" validate:"omitnil,max=200,nocontrol"`
	Languages *[]string `json:"languages" validate:"omitnil,max=20,dive,required,max=12"`
	Service   *string   `json:"service" validate:"omitnil,max=200,nocontrol"`
}

// InviteInput invites a person to an ambito with some roles.
type InviteInput struct {
	Email string `json:"email" validate:"required,max=254"`
	Name  string `json:"name" validate:"max=200,nocontrol"`
	Roles []Role `json:"roles" validate:"required,min=1,max=6,dive,required"`
	// ReturnURL is the page the invitation link opens (with the widget on
	// it); it must be on one of the ambito's allowed origins. Optional.
	ReturnURL string `json:"return_url" validate:"omitempty,max=2000,url"`
}

// PeopleQuery filters and pages a list of people.
type PeopleQuery struct {
	Q       string // part of the name or e-mail
	Role    Role   // only people holding this role
	Page    int    // from 1
	PerPage int    // at most 100
}

// NormaliseEmail trims and lowercases an address and checks that it is a
// plain mailbox (no display name), returning a field error otherwise.
func NormaliseEmail(field, s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", httpx.Invalid(field, "email", "email.invalid")
	}
	return s, nil
}

func (p *Platform) me(ctx context.Context, db *gorm.DB, personID int64) (*Me, error) {
	var person Person
	if err := db.WithContext(ctx).Where("id = ?", personID).Take(&person).Error; err != nil {
		return nil, fmt.Errorf("incroci: load person %d: %w", personID, err)
	}
	pr, err := p.principal(ctx, db, personID)
	if err != nil {
		return nil, err
	}
	grants := pr.Grants
	if grants == nil {
		grants = []Grant{}
	}
	return &Me{ID: person.ID, Email: person.Email, Name: person.Name, Languages: nonNil(person.Languages),
		Service: person.Service, Roles: grants, Admin: pr.Admin}, nil
}

// Me returns the caller's profile and the roles their session carries
// (a session opened by an ambito's website carries that ambito's only).
func (p *Platform) Me(ctx context.Context) (*Me, error) {
	pr := PrincipalFrom(ctx)
	if pr == nil {
		return nil, ErrUnauthorized
	}
	me, err := p.me(ctx, p.db, pr.PersonID)
	if err != nil {
		return nil, err
	}
	me.Roles, me.Admin = append([]Grant{}, pr.Grants...), pr.Admin
	return me, nil
}

// UpdateProfile changes the caller's own name, languages and service.
func (p *Platform) UpdateProfile(ctx context.Context, in ProfileInput) (*Me, error) {
	pr := PrincipalFrom(ctx)
	if pr == nil {
		return nil, ErrUnauthorized
	}
	if err := httpx.Validate(langOf(ctx), &in); err != nil {
		return nil, err
	}
	var langs []string
	if in.Languages != nil {
		langs = normalise(*in.Languages, true)
		for i, l := range langs {
			if b, err := language.ParseBase(l); err != nil || b.String() != l {
				return nil, httpx.Invalid(fmt.Sprintf("languages[%d]", i), "language", "language.unknown")
			}
		}
	}
	err := p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var person Person
		if err := tx.Where("id = ?", pr.PersonID).Take(&person).Error; err != nil {
			return fmt.Errorf("incroci: load profile: %w", err)
		}
		if in.Name != nil {
			person.Name = strings.TrimSpace(*in.Name)
		}
		if in.Service != nil {
			person.Service = strings.TrimSpace(*in.Service)
		}
		if in.Languages != nil {
			person.Languages = langs
		}
		person.UpdatedAt = p.now()
		if err := tx.Save(&person).Error; err != nil {
			return fmt.Errorf("incroci: update profile: %w", err)
		}
		return p.Audit(ctx, tx, AuditEntry{Action: "person.profile", ObjectType: "person", ObjectID: fmt.Sprint(pr.PersonID)}, nil)
	})
	if err != nil {
		return nil, err
	}
	// Consoles listing the person's ambiti show the new name.
	seen := map[string]bool{}
	for _, g := range pr.Grants {
		if !seen[g.Ambito] {
			seen[g.Ambito] = true
			p.publishPeople(ctx, g.Ambito, pr.PersonID)
		}
	}
	return p.Me(ctx)
}

// findPerson returns the person with the (normalised) address, or nil.
func findPerson(ctx context.Context, tx *gorm.DB, email string) (*Person, error) {
	var person Person
	err := tx.WithContext(ctx).Where("email = ?", email).Take(&person).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("incroci: find person: %w", err)
	}
	return &person, nil
}

// ensurePerson returns the person with email, creating them with name.
func (p *Platform) ensurePerson(ctx context.Context, tx *gorm.DB, email, name string) (*Person, bool, error) {
	person, err := findPerson(ctx, tx, email)
	if err != nil || person != nil {
		return person, false, err
	}
	now := p.now()
	person = &Person{Email: email, Name: strings.TrimSpace(name), Languages: []string{}, CreatedAt: now, UpdatedAt: now}
	if err := tx.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(person).Error; err != nil {
		return nil, false, fmt.Errorf("incroci: create person: %w", err)
	}
	if person.ID == 0 { // created meanwhile by a concurrent request
		person, err = findPerson(ctx, tx, email)
		return person, false, err
	}
	return person, true, nil
}

// ensureIdentity finds or creates the person of id and, when id.Ambito is
// set and they hold no role there, makes them an operator of it.
func (p *Platform) ensureIdentity(ctx context.Context, tx *gorm.DB, id Identity) (*Person, error) {
	email, err := NormaliseEmail("email", id.Email)
	if err != nil {
		return nil, err
	}
	person, _, err := p.ensurePerson(ctx, tx, email, id.Name)
	if err != nil {
		return nil, err
	}
	if id.Ambito != "" {
		if _, err := p.getAmbito(ctx, tx, id.Ambito); err != nil {
			return nil, err
		}
		var n int64
		if err := tx.WithContext(ctx).Model(&RoleGrant{}).Where("person_id = ? AND ambito = ?", person.ID, id.Ambito).Count(&n).Error; err != nil {
			return nil, fmt.Errorf("incroci: check roles: %w", err)
		}
		if n == 0 {
			if err := p.grant(ctx, tx, person.ID, id.Ambito, RoleOperator, nil); err != nil {
				return nil, err
			}
		}
	}
	return person, nil
}

// grant records a role; granting one already held changes nothing.
func (p *Platform) grant(ctx context.Context, tx *gorm.DB, personID int64, ambito string, role Role, by *int64) error {
	g := RoleGrant{PersonID: personID, Ambito: ambito, Role: role, GrantedBy: by, CreatedAt: p.now()}
	res := tx.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&g)
	if res.Error != nil {
		return fmt.Errorf("incroci: grant %s: %w", role, res.Error)
	}
	if res.RowsAffected == 0 {
		return nil
	}
	return p.Audit(ctx, tx, AuditEntry{ActorID: by, Ambito: ambito, Action: "role.grant", ObjectType: "person", ObjectID: fmt.Sprint(personID)}, map[string]Role{"role": role})
}

// GrantAdmin makes the person with email a network administrator, creating
// them if needed. It is for the partner who runs the hub (a command line, a
// seed), not exposed over HTTP.
func (p *Platform) GrantAdmin(ctx context.Context, email, name string) (*Person, error) {
	email, err := NormaliseEmail("email", email)
	if err != nil {
		return nil, err
	}
	var person *Person
	err = p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if person, _, err = p.ensurePerson(ctx, tx, email, name); err != nil {
			return err
		}
		return p.grant(ctx, tx, person.ID, "", RoleAdmin, nil)
	})
	return person, err
}

// canManage checks that the caller may manage the people of ambito.
func (p *Platform) canManage(ctx context.Context, ambito string) (*Principal, error) {
	pr := PrincipalFrom(ctx)
	if pr == nil {
		return nil, ErrUnauthorized
	}
	if _, err := p.GetAmbito(ctx, ambito); err != nil {
		return nil, err
	}
	if !pr.Admin && !pr.Has(RoleCoordinator, ambito) {
		return nil, ErrForbidden
	}
	return pr, nil
}

// ListPeople returns the people holding a role in ambito, by name, with
// their roles there. Coordinators of the ambito and admins only.
func (p *Platform) ListPeople(ctx context.Context, ambito string, q PeopleQuery) ([]PersonInAmbito, int64, error) {
	if _, err := p.canManage(ctx, ambito); err != nil {
		return nil, 0, err
	}
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PerPage < 1 || q.PerPage > 100 {
		q.PerPage = 20
	}
	if q.Role != "" && !q.Role.InAmbito() {
		return nil, 0, httpx.Invalid("role", "oneof", "role.unknown")
	}
	db := p.db.WithContext(ctx)
	members := db.Model(&RoleGrant{}).Select("person_id").Where("ambito = ?", ambito)
	if q.Role != "" {
		members = members.Where("role = ?", q.Role)
	}
	query := db.Model(&Person{}).Where("id IN (?)", members)
	if s := strings.TrimSpace(q.Q); s != "" {
		like := "%" + escapeLike(strings.ToLower(s)) + "%"
		query = query.Where("(LOWER(name) LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')", like, like)
	}
	var total int64
	if err := query.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("incroci: count people: %w", err)
	}
	var people []Person
	if err := query.Order("LOWER(name), email").Offset((q.Page - 1) * q.PerPage).Limit(q.PerPage).Find(&people).Error; err != nil {
		return nil, 0, fmt.Errorf("incroci: list people: %w", err)
	}
	out := make([]PersonInAmbito, len(people))
	ids := make([]int64, len(people))
	index := map[int64]int{}
	for i, ps := range people {
		out[i] = PersonInAmbito{ID: ps.ID, Email: ps.Email, Name: ps.Name, Roles: []Role{}}
		ids[i] = ps.ID
		index[ps.ID] = i
	}
	if len(ids) > 0 {
		var grants []RoleGrant
		if err := db.Where("ambito = ? AND person_id IN ?", ambito, ids).Order("id").Find(&grants).Error; err != nil {
			return nil, 0, fmt.Errorf("incroci: list roles: %w", err)
		}
		for _, g := range grants {
			i := index[g.PersonID]
			out[i].Roles = append(out[i].Roles, g.Role)
		}
	}
	return out, total, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// personInAmbito returns the person with id if they hold a role in ambito.
func (p *Platform) personInAmbito(ctx context.Context, tx *gorm.DB, ambito string, id int64) (*PersonInAmbito, error) {
	var person Person
	err := tx.WithContext(ctx).Where("id = ? AND id IN (?)", id,
		tx.Model(&RoleGrant{}).Select("person_id").Where("ambito = ?", ambito)).Take(&person).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("person %d in %s: %w", id, ambito, ErrPersonNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("incroci: get person: %w", err)
	}
	var roles []Role
	if err := tx.WithContext(ctx).Model(&RoleGrant{}).Where("person_id = ? AND ambito = ?", id, ambito).Order("id").Pluck("role", &roles).Error; err != nil {
		return nil, fmt.Errorf("incroci: get roles: %w", err)
	}
	if roles == nil {
		roles = []Role{}
	}
	return &PersonInAmbito{ID: person.ID, Email: person.Email, Name: person.Name, Roles: roles}, nil
}

func checkRole(field string, r Role) error {
	if !r.InAmbito() {
		return httpx.Invalid(field, "oneof", "role.unknown")
	}
	return nil
}

// GrantRole gives the person with id, already in ambito, a role there.
// Coordinators of the ambito and admins only; nobody grants admin this way.
func (p *Platform) GrantRole(ctx context.Context, ambito string, id int64, role Role) (*PersonInAmbito, error) {
	return p.changeRole(ctx, ambito, id, role, true)
}

// RevokeRole takes a role in ambito away from the person with id. Revoking
// a role not held changes nothing.
func (p *Platform) RevokeRole(ctx context.Context, ambito string, id int64, role Role) (*PersonInAmbito, error) {
	return p.changeRole(ctx, ambito, id, role, false)
}

func (p *Platform) changeRole(ctx context.Context, ambito string, id int64, role Role, grant bool) (*PersonInAmbito, error) {
	pr, err := p.canManage(ctx, ambito)
	if err != nil {
		return nil, err
	}
	if err := checkRole("role", role); err != nil {
		return nil, err
	}
	if !pr.CanGrant(role, ambito) {
		return nil, ErrCannotGrant
	}
	var out *PersonInAmbito
	err = p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := p.personInAmbito(ctx, tx, ambito, id); err != nil {
			return err
		}
		by := pr.actor()
		if grant {
			if err := p.grant(ctx, tx, id, ambito, role, by); err != nil {
				return err
			}
		} else {
			res := tx.Where("person_id = ? AND ambito = ? AND role = ?", id, ambito, role).Delete(&RoleGrant{})
			if res.Error != nil {
				return fmt.Errorf("incroci: revoke %s: %w", role, res.Error)
			}
			if res.RowsAffected > 0 {
				if err := p.Audit(ctx, tx, AuditEntry{Ambito: ambito, Action: "role.revoke", ObjectType: "person", ObjectID: fmt.Sprint(id)}, map[string]Role{"role": role}); err != nil {
					return err
				}
			}
		}
		var err error
		out, err = p.personInAmbito(ctx, tx, ambito, id)
		if errors.Is(err, ErrPersonNotFound) { // their last role there is gone
			out, err = p.personOutside(ctx, tx, id)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	p.publishPeople(ctx, ambito, id)
	return out, nil
}

// PeopleTopic is the event topic that announces changes to the people and
// roles of an ambito; events carry only the person's id.
func PeopleTopic(ambito string) string { return "ambito:" + ambito + ":people" }

// publishPeople announces a change after it is committed. A failure to
// announce is logged: the change itself stands, and widgets refresh on
// reconnect.
func (p *Platform) publishPeople(ctx context.Context, ambito string, personID int64) {
	if _, err := p.bus.Publish(context.WithoutCancel(ctx), PeopleTopic(ambito), "person.changed", map[string]int64{"id": personID}); err != nil {
		p.log.WarnContext(ctx, "publish people change", "ambito", ambito, "err", err)
	}
}

func (p *Platform) personOutside(ctx context.Context, tx *gorm.DB, id int64) (*PersonInAmbito, error) {
	var person Person
	if err := tx.WithContext(ctx).Where("id = ?", id).Take(&person).Error; err != nil {
		return nil, fmt.Errorf("incroci: get person: %w", err)
	}
	return &PersonInAmbito{ID: person.ID, Email: person.Email, Name: person.Name, Roles: []Role{}}, nil
}
