package toolkit

import (
	"context"
	"fmt"

	"github.com/incrocicomuni/incroci"
	"gorm.io/gorm"
)

// nonNil returns list, or an empty slice for nil (JSON [] rather than null).
func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

func idsOf[T any](list []T, id func(*T) string) []string {
	out := make([]string, len(list))
	for i := range list {
		out[i] = id(&list[i])
	}
	return out
}

// fillOrganizations loads the phones of orgs.
func fillOrganizations(ctx context.Context, tx *gorm.DB, orgs []DirOrganization) error {
	phones, err := children[DirPhone](ctx, tx, ownerOrganization, idsOf(orgs, func(o *DirOrganization) string { return o.ID }))
	if err != nil {
		return err
	}
	for i := range orgs {
		orgs[i].Phones = nonNil(phones[orgs[i].ID])
	}
	return nil
}

// fillServices loads the taxonomy terms, phones, schedules and languages
// of services.
func fillServices(ctx context.Context, tx *gorm.DB, services []DirService) error {
	ids := idsOf(services, func(s *DirService) string { return s.ID })
	phones, err := children[DirPhone](ctx, tx, ownerService, ids)
	if err != nil {
		return err
	}
	schedules, err := children[DirSchedule](ctx, tx, ownerService, ids)
	if err != nil {
		return err
	}
	languages, err := children[DirLanguage](ctx, tx, ownerService, ids)
	if err != nil {
		return err
	}
	terms, err := serviceTerms(ctx, tx, ids)
	if err != nil {
		return err
	}
	for i := range services {
		s := &services[i]
		s.Phones, s.Schedules, s.Languages = nonNil(phones[s.ID]), nonNil(schedules[s.ID]), nonNil(languages[s.ID])
		s.Kinds, s.Topics = []string{}, []string{}
		for _, tm := range terms[s.ID] {
			if tm.Taxonomy == TaxonomyKinds {
				s.Kinds = append(s.Kinds, tm.Code)
			} else {
				s.Topics = append(s.Topics, tm.Code)
			}
		}
	}
	return nil
}

func serviceTerms(ctx context.Context, tx *gorm.DB, ids []string) (map[string][]dirServiceTerm, error) {
	out := map[string][]dirServiceTerm{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []dirServiceTerm
	if err := tx.WithContext(ctx).Where("service_id IN ?", ids).Order("service_id, position").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("toolkit: service terms: %w", err)
	}
	for _, r := range rows {
		out[r.ServiceID] = append(out[r.ServiceID], r)
	}
	return out, nil
}

// fillLocations loads the languages, accessibility notes, phones and
// schedules of locations.
func fillLocations(ctx context.Context, tx *gorm.DB, locs []DirLocation) error {
	ids := idsOf(locs, func(l *DirLocation) string { return l.ID })
	languages, err := children[DirLanguage](ctx, tx, ownerLocation, ids)
	if err != nil {
		return err
	}
	access, err := children[DirAccessibility](ctx, tx, ownerLocation, ids)
	if err != nil {
		return err
	}
	phones, err := children[DirPhone](ctx, tx, ownerLocation, ids)
	if err != nil {
		return err
	}
	schedules, err := children[DirSchedule](ctx, tx, ownerLocation, ids)
	if err != nil {
		return err
	}
	for i := range locs {
		l := &locs[i]
		l.Languages, l.Accessibility, l.Phones, l.Schedules = nonNil(languages[l.ID]), nonNil(access[l.ID]), nonNil(phones[l.ID]), nonNil(schedules[l.ID])
	}
	return nil
}

// fillLinks loads the phones and schedules of links.
func fillLinks(ctx context.Context, tx *gorm.DB, links []DirServiceAtLocation) error {
	ids := idsOf(links, func(l *DirServiceAtLocation) string { return l.ID })
	phones, err := children[DirPhone](ctx, tx, ownerServiceAtLocation, ids)
	if err != nil {
		return err
	}
	schedules, err := children[DirSchedule](ctx, tx, ownerServiceAtLocation, ids)
	if err != nil {
		return err
	}
	for i := range links {
		links[i].Phones, links[i].Schedules = nonNil(phones[links[i].ID]), nonNil(schedules[links[i].ID])
	}
	return nil
}

// checkedName fills c.CheckedByName when the caller edits ambito.
func (t *Toolkit) checkedName(ctx context.Context, tx *gorm.DB, ambito string, c *Checked) error {
	if c.CheckedBy == nil || !mayEditDir(incroci.PrincipalFrom(ctx), ambito) {
		return nil
	}
	names, err := t.names(ctx, tx, *c.CheckedBy)
	if err != nil {
		return err
	}
	c.CheckedByName = names[*c.CheckedBy]
	return nil
}

// Organization returns an organization of the directory with its phones.
// Anyone reads the directory; who checked the entry is named to its
// editors only.
func (t *Toolkit) Organization(ctx context.Context, id string) (*DirOrganization, error) {
	tx := t.db.WithContext(ctx)
	o, err := find[DirOrganization](ctx, tx, id)
	if err != nil {
		return nil, err
	}
	list := []DirOrganization{*o}
	if err := fillOrganizations(ctx, tx, list); err != nil {
		return nil, err
	}
	return &list[0], t.checkedName(ctx, tx, o.Ambito, &list[0].Checked)
}

// Service returns a service of the directory with its terms, phones,
// schedules and languages.
func (t *Toolkit) Service(ctx context.Context, id string) (*DirService, error) {
	tx := t.db.WithContext(ctx)
	s, err := find[DirService](ctx, tx, id)
	if err != nil {
		return nil, err
	}
	list := []DirService{*s}
	if err := fillServices(ctx, tx, list); err != nil {
		return nil, err
	}
	return &list[0], t.checkedName(ctx, tx, s.Ambito, &list[0].Checked)
}

// Location returns a location of the directory with its address,
// languages, accessibility, phones and schedules.
func (t *Toolkit) Location(ctx context.Context, id string) (*DirLocation, error) {
	tx := t.db.WithContext(ctx)
	l, err := find[DirLocation](ctx, tx, id)
	if err != nil {
		return nil, err
	}
	list := []DirLocation{*l}
	if err := fillLocations(ctx, tx, list); err != nil {
		return nil, err
	}
	return &list[0], t.checkedName(ctx, tx, l.Ambito, &list[0].Checked)
}

// ServiceAtLocation returns a link of a service to a location, with its
// phones and schedules.
func (t *Toolkit) ServiceAtLocation(ctx context.Context, id string) (*DirServiceAtLocation, error) {
	tx := t.db.WithContext(ctx)
	l, err := find[DirServiceAtLocation](ctx, tx, id)
	if err != nil {
		return nil, err
	}
	list := []DirServiceAtLocation{*l}
	return &list[0], fillLinks(ctx, tx, list)
}
