package helpdesk

import (
	"context"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/dberr"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// IntakeFields are the structured fields a topic may ask for.
var IntakeFields = []string{"permit_type", "permit_expiry", "appeal_deadline"}

// DeskInput creates a desk.
type DeskInput struct {
	Slug               string   `json:"slug" validate:"required,slug,max=64"`
	Name               string   `json:"name" validate:"required,min=2,max=200,nocontrol"`
	Description        string   `json:"description" validate:"max=4000"`
	Ambito             string   `json:"ambito" validate:"required,slug"`
	FirstResponseHours int      `json:"first_response_hours" validate:"required,min=1,max=400"`
	ServesAll          bool     `json:"serves_all"`
	Ambiti             []string `json:"ambiti" validate:"max=200,dive,slug"`
}

// TopicInput adds a topic to a desk.
type TopicInput struct {
	Code    string   `json:"code" validate:"required,slug,max=64"`
	LabelIT string   `json:"label_it" validate:"required,max=200,nocontrol"`
	LabelEN string   `json:"label_en" validate:"required,max=200,nocontrol"`
	Intake  []string `json:"intake" validate:"max=3,dive,oneof=permit_type permit_expiry appeal_deadline"`
}

// ConsultantInput makes a person a consultant of a desk.
type ConsultantInput struct {
	PersonID int64    `json:"person_id" validate:"required,min=1"`
	Topics   []string `json:"topics" validate:"max=100,dive,slug"`
	MaxOpen  int      `json:"max_open" validate:"min=0,max=1000"`
	Manager  bool     `json:"manager"`
}

// DeskDetail is a desk with its topics, as people see it.
type DeskDetail struct {
	Desk
	Topics []Topic `json:"topics"`
}

//go:embed topics.csv
var topicsCSV string

// intakeByTopic is the structured intake the legal desk asks per topic:
// the dates that make a case urgent.
var intakeByTopic = map[string][]string{
	"permesso-soggiorno":         {"permit_type", "permit_expiry"},
	"soggiornanti-lungo-periodo": {"permit_type", "permit_expiry"},
	"ricongiungimento":           {"permit_type", "permit_expiry"},
	"protezione-internazionale":  {"permit_type", "permit_expiry", "appeal_deadline"},
	"msna":                       {"permit_type", "permit_expiry"},
	"lavoro":                     {"permit_type", "permit_expiry"},
	"assistenti-familiari":       {"permit_type", "permit_expiry"},
	"espulsione":                 {"appeal_deadline"},
	"cittadinanza":               {"appeal_deadline"},
}

// LegalTopics returns the topics of the network's legal desk, from
// ../shared/domain/topics.csv, with the intake each asks for.
func LegalTopics() []TopicInput {
	rows, err := csv.NewReader(strings.NewReader(topicsCSV)).ReadAll()
	if err != nil {
		panic("helpdesk: embedded topics.csv: " + err.Error())
	}
	var out []TopicInput
	for _, r := range rows[1:] {
		out = append(out, TopicInput{Code: r[0], LabelIT: r[1], LabelEN: r[2], Intake: intakeByTopic[r[0]]})
	}
	return out
}

// canManageDesk reports whether pr may change desk d: admins, coordinators
// of the ambito that runs it, and its managers.
func (h *Helpdesk) canManageDesk(ctx context.Context, db *gorm.DB, pr *incroci.Principal, d *Desk) (bool, error) {
	if pr.Admin || pr.Has(incroci.RoleCoordinator, d.Ambito) {
		return true, nil
	}
	dc, err := h.deskRole(ctx, db, d.ID, pr.PersonID)
	return dc != nil && dc.Manager, err
}

// CreateDesk adds a desk with its topics. Admins and coordinators of the
// ambito that will run it only.
func (h *Helpdesk) CreateDesk(ctx context.Context, in DeskInput, topics []TopicInput) (*DeskDetail, error) {
	pr := incroci.PrincipalFrom(ctx)
	if pr == nil {
		return nil, incroci.ErrUnauthorized
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	for i := range topics {
		if err := httpx.Validate(incroci.LangFrom(ctx), &topics[i]); err != nil {
			return nil, err
		}
	}
	if !pr.Admin && !pr.Has(incroci.RoleCoordinator, in.Ambito) {
		return nil, incroci.ErrForbidden
	}
	if _, err := h.p.GetAmbito(ctx, in.Ambito); err != nil {
		return nil, httpx.Invalid("ambito", "exists", "ambito.not_found")
	}
	now := h.p.Now()
	d := Desk{Slug: in.Slug, Name: strings.TrimSpace(in.Name), Description: strings.TrimSpace(in.Description), Ambito: in.Ambito,
		FirstResponseHours: in.FirstResponseHours, ServesAll: in.ServesAll, Ambiti: uniq(in.Ambiti), Active: true, CreatedAt: now, UpdatedAt: now}
	err := h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&d).Error; err != nil {
			if dberr.IsDuplicate(err) {
				return httpx.Invalid("slug", "unique", "helpdesk.slug_taken")
			}
			return fmt.Errorf("helpdesk: create desk: %w", err)
		}
		for i, t := range topics {
			row := Topic{DeskID: d.ID, Code: t.Code, LabelIT: t.LabelIT, LabelEN: t.LabelEN, Intake: nonNil(t.Intake), Position: i, Active: true}
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
				return fmt.Errorf("helpdesk: create topic %s: %w", t.Code, err)
			}
		}
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: d.Ambito, Action: "helpdesk.desk.create", ObjectType: "desk", ObjectID: fmt.Sprint(d.ID)}, in)
	})
	if err != nil {
		return nil, err
	}
	return h.deskDetail(ctx, h.db, &d)
}

// EnsureDesk creates the desk with slug in.Slug if it does not exist, and
// adds the topics it lacks; it changes nothing else. Seeds call it.
func (h *Helpdesk) EnsureDesk(ctx context.Context, in DeskInput, topics []TopicInput) (*DeskDetail, error) {
	d, err := h.deskBySlug(ctx, h.db, in.Slug)
	if errors.Is(err, ErrDeskNotFound) {
		return h.CreateDesk(ctx, in, topics)
	}
	if err != nil {
		return nil, err
	}
	for i, t := range topics {
		row := Topic{DeskID: d.ID, Code: t.Code, LabelIT: t.LabelIT, LabelEN: t.LabelEN, Intake: nonNil(t.Intake), Position: i, Active: true}
		if err := h.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return nil, fmt.Errorf("helpdesk: ensure topic %s: %w", t.Code, err)
		}
	}
	return h.deskDetail(ctx, h.db, d)
}

func (h *Helpdesk) deskBySlug(ctx context.Context, db *gorm.DB, slug string) (*Desk, error) {
	var d Desk
	err := db.WithContext(ctx).Where("slug = ?", slug).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrDeskNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("helpdesk: desk %s: %w", slug, err)
	}
	return &d, nil
}

func (h *Helpdesk) desk(ctx context.Context, db *gorm.DB, id int64) (*Desk, error) {
	var d Desk
	err := db.WithContext(ctx).Where("id = ?", id).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrDeskNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("helpdesk: desk %d: %w", id, err)
	}
	return &d, nil
}

func (h *Helpdesk) deskDetail(ctx context.Context, db *gorm.DB, d *Desk) (*DeskDetail, error) {
	out := &DeskDetail{Desk: *d, Topics: []Topic{}}
	if err := db.WithContext(ctx).Where("desk_id = ? AND active = ?", d.ID, true).Order("position, id").Find(&out.Topics).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: topics of desk %d: %w", d.ID, err)
	}
	return out, nil
}

// ListDesks returns the desks the caller may use or serves: operators see
// the active desks serving their ambiti, consultants the desks they serve,
// admins every desk.
func (h *Helpdesk) ListDesks(ctx context.Context) ([]DeskDetail, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var all []Desk
	if err := h.db.WithContext(ctx).Order("name").Find(&all).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: list desks: %w", err)
	}
	mine, err := h.myDesks(ctx, h.db, pr.PersonID)
	if err != nil {
		return nil, err
	}
	out := []DeskDetail{}
	for i := range all {
		d := &all[i]
		visible := pr.Admin || slices.Contains(mine, d.ID) || pr.Has(incroci.RoleCoordinator, d.Ambito)
		for _, a := range pr.Ambiti(incroci.RoleOperator) {
			visible = visible || d.Serves(a)
		}
		if !visible {
			continue
		}
		dd, err := h.deskDetail(ctx, h.db, d)
		if err != nil {
			return nil, err
		}
		out = append(out, *dd)
	}
	return out, nil
}

// AddConsultant makes a person with the consultant role a consultant (or
// manager) of a desk, or changes their topics and load. Desk managers,
// coordinators of the desk's ambito and admins only.
func (h *Helpdesk) AddConsultant(ctx context.Context, deskID int64, in ConsultantInput) (*DeskConsultant, error) {
	pr := incroci.PrincipalFrom(ctx)
	if pr == nil {
		return nil, incroci.ErrUnauthorized
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	d, err := h.desk(ctx, h.db, deskID)
	if err != nil {
		return nil, err
	}
	ok, err := h.canManageDesk(ctx, h.db, pr, d)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, incroci.ErrForbidden
	}
	isConsultant, err := h.holdsRole(ctx, in.PersonID, incroci.RoleConsultant)
	if err != nil {
		return nil, err
	}
	if !isConsultant {
		return nil, httpx.Invalid("person_id", "role", "helpdesk.assignee")
	}
	dc := DeskConsultant{DeskID: d.ID, PersonID: in.PersonID, Topics: uniq(in.Topics), MaxOpen: in.MaxOpen, Manager: in.Manager, Active: true, CreatedAt: h.p.Now()}
	err = h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "desk_id"}, {Name: "person_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"topics", "max_open", "manager", "active"}),
		}).Create(&dc).Error; err != nil {
			return fmt.Errorf("helpdesk: add consultant: %w", err)
		}
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: d.Ambito, Action: "helpdesk.desk.consultant", ObjectType: "desk", ObjectID: fmt.Sprint(d.ID)}, in)
	})
	if err != nil {
		return nil, err
	}
	return h.deskRole(ctx, h.db, d.ID, in.PersonID)
}

// RemoveConsultant takes a person off a desk: their membership stays,
// inactive (AddConsultant makes it active again), and they no longer see
// the desk's consultations. Their open consultations go back to the
// desk's routing: each to the consultant it picks, who gets a notice, or
// unassigned in the desk's queue when nobody fits. Desk managers,
// coordinators of the desk's ambito and admins only, as AddConsultant;
// recorded in the audit log.
func (h *Helpdesk) RemoveConsultant(ctx context.Context, deskID, personID int64) (*DeskConsultant, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	d, err := h.desk(ctx, h.db, deskID)
	if err != nil {
		return nil, err
	}
	ok, err := h.canManageDesk(ctx, h.db, pr, d)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, incroci.ErrForbidden
	}
	var dc DeskConsultant
	var moved []int64
	err = h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Where("desk_id = ? AND person_id = ?", d.ID, personID).Take(&dc).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrConsultantNotFound
		}
		if err != nil {
			return fmt.Errorf("helpdesk: desk consultant: %w", err)
		}
		if err := tx.Model(&DeskConsultant{}).Where("id = ?", dc.ID).Update("active", false).Error; err != nil {
			return fmt.Errorf("helpdesk: remove consultant: %w", err)
		}
		dc.Active = false
		type open struct {
			ID    int64
			Topic string
		}
		var cases []open
		if err := tx.Table("incroci_helpdesk_consultations AS c").Select("c.id, t.code AS topic").
			Joins("JOIN incroci_helpdesk_topics AS t ON t.id = c.topic_id").
			Where("c.desk_id = ? AND c.assignee_id = ? AND c.status NOT IN ?", d.ID, personID, []Status{StatusResolved, StatusClosed}).
			Order("c.id").Scan(&cases).Error; err != nil {
			return fmt.Errorf("helpdesk: open consultations of %d: %w", personID, err)
		}
		now := h.p.Now()
		for _, oc := range cases {
			to, err := h.pickConsultant(ctx, tx, d.ID, oc.Topic)
			if err != nil {
				return err
			}
			res := tx.Model(&Consultation{}).Where("id = ? AND assignee_id = ?", oc.ID, personID).
				Updates(map[string]any{"assignee_id": to, "updated_at": now})
			if res.Error != nil {
				return fmt.Errorf("helpdesk: reassign %d: %w", oc.ID, res.Error)
			}
			if res.RowsAffected == 0 {
				continue // reassigned meanwhile
			}
			var c Consultation
			if err := tx.Where("id = ?", oc.ID).Take(&c).Error; err != nil {
				return fmt.Errorf("helpdesk: consultation %d: %w", oc.ID, err)
			}
			if err := h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.consultation.assign", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)},
				map[string]any{"from": personID, "to": to, "reason": "consultant_removed"}); err != nil {
				return err
			}
			if to != nil {
				if err := h.notify(ctx, tx, *to, &c, fmt.Sprintf("incroci: consulenza n. %d assegnata / consultation assigned", c.ID),
					fmt.Sprintf("La consulenza n. %d ti è stata assegnata.\n\nConsultation no. %d was assigned to you.\n", c.ID, c.ID)); err != nil {
					return err
				}
			}
			moved = append(moved, c.ID)
		}
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: d.Ambito, Action: "helpdesk.desk.consultant.remove", ObjectType: "desk", ObjectID: fmt.Sprint(d.ID)},
			map[string]any{"person": personID, "reassigned": moved})
	})
	if err != nil {
		return nil, err
	}
	if len(moved) > 0 {
		h.p.WakeMail()
	}
	for _, id := range moved {
		h.publishChange(ctx, id, "consultation.assigned")
	}
	names, err := h.names(ctx, h.db, dc.PersonID)
	if err != nil {
		return nil, err
	}
	dc.Name = names[dc.PersonID]
	return &dc, nil
}

// holdsRole reports whether the person holds role in some ambito.
func (h *Helpdesk) holdsRole(ctx context.Context, personID int64, role incroci.Role) (bool, error) {
	var n int64
	if err := h.db.WithContext(ctx).Table("incroci_role_grants").Where("person_id = ? AND role = ?", personID, role).Count(&n).Error; err != nil {
		return false, fmt.Errorf("helpdesk: check role: %w", err)
	}
	return n > 0, nil
}

func uniq(list []string) []string {
	out := []string{}
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// DeskConsultants lists a desk's consultants. Those who may manage the desk
// and its own consultants only.
func (h *Helpdesk) DeskConsultants(ctx context.Context, deskID int64) ([]DeskConsultant, error) {
	pr := incroci.PrincipalFrom(ctx)
	if pr == nil {
		return nil, incroci.ErrUnauthorized
	}
	d, err := h.desk(ctx, h.db, deskID)
	if err != nil {
		return nil, err
	}
	ok, err := h.canManageDesk(ctx, h.db, pr, d)
	if err != nil {
		return nil, err
	}
	if !ok {
		if dc, err := h.deskRole(ctx, h.db, d.ID, pr.PersonID); err != nil || dc == nil {
			return nil, incroci.ErrForbidden
		}
	}
	out := []DeskConsultant{}
	if err := h.db.WithContext(ctx).Where("desk_id = ?", d.ID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: desk consultants: %w", err)
	}
	ids := make([]int64, len(out))
	for i, dc := range out {
		ids[i] = dc.PersonID
	}
	names, err := h.names(ctx, h.db, ids...)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Name = names[out[i].PersonID]
	}
	return out, nil
}
