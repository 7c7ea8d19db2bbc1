package toolkit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// KindService is a service of the directory in the search: public, found by
// its name, description, organization and comuni, its ref the service's
// UUID (RefKey).
const KindService ResultKind = "service"

type importingKey struct{}

// importing reports whether ctx is an HSDS import, which reindexes its
// ambito once at its end instead of after every entry.
func importing(ctx context.Context) bool { b, _ := ctx.Value(importingKey{}).(bool); return b }

// reindexDir keeps the search current after a change of the directory:
// a service is reindexed (or taken out when gone); a change of an
// organization, a location or a link reindexes the services of its ambito.
func (t *Toolkit) reindexDir(ctx context.Context, tx *gorm.DB, ambito, kind, id string) error {
	if importing(ctx) {
		return nil
	}
	if kind == "service" {
		return t.indexService(ctx, tx, id)
	}
	return t.reindexServices(ctx, tx, ambito)
}

// reindexServices reindexes every service of ambito.
func (t *Toolkit) reindexServices(ctx context.Context, tx *gorm.DB, ambito string) error {
	var ids []string
	if err := tx.WithContext(ctx).Model(&DirService{}).Where("ambito = ?", ambito).Order("id").Pluck("id", &ids).Error; err != nil {
		return fmt.Errorf("toolkit: services of %s: %w", ambito, err)
	}
	for _, id := range ids {
		if err := t.indexService(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// indexService puts service id in the search index, with its
// organization's name and its locations' comuni; a service that is gone
// leaves the index.
func (t *Toolkit) indexService(ctx context.Context, tx *gorm.DB, id string) error {
	db := tx.WithContext(ctx)
	if err := t.unindexKey(ctx, tx, KindService, id); err != nil {
		return err
	}
	var s DirService
	err := db.Where("id = ?", id).Take(&s).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("toolkit: service %s: %w", id, err)
	}
	var org DirOrganization
	if err := db.Select("name").Where("id = ?", s.OrganizationID).Take(&org).Error; err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("toolkit: organization of service %s: %w", id, err)
	}
	var comuni []string
	if err := db.Table("incroci_toolkit_dir_locations AS l").Joins("JOIN incroci_toolkit_dir_service_at_locations AS sal ON sal.location_id = l.id").
		Where("sal.service_id = ? AND l.comune <> ''", id).Distinct().Order("l.comune").Pluck("l.comune", &comuni).Error; err != nil {
		return fmt.Errorf("toolkit: comuni of service %s: %w", id, err)
	}
	comuni = slices.Compact(comuni)
	body := []string{s.AlternateName, s.Description, org.Name, s.EligibilityDescription, s.ApplicationProcess, strings.Join(comuni, " ")}
	comune := ""
	if len(comuni) > 0 {
		comune = "|" + strings.Join(comuni, "|") + "|"
	}
	return t.insertDoc(ctx, tx, searchDoc{Kind: KindService, RefKey: s.ID, Lang: "it", Ambito: s.Ambito, Public: true, Comune: comune,
		Title: s.Name, Body: strings.Join(strings.Fields(strings.Join(body, " ")), " ")})
}
