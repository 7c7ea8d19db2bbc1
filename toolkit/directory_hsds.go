package toolkit

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
)

// HSDSVersion is the version of Open Referral HSDS the directory speaks.
const HSDSVersion = "3.0"

// HSDSProfile is the HSDS profile the API follows: the base standard.
const HSDSProfile = "https://docs.openreferral.org/en/3.0/"

// HSDSMeta is the answer of the HSDS API's root: what it speaks.
type HSDSMeta struct {
	Version    string `json:"version"`
	Profile    string `json:"profile"`
	OpenAPIURL string `json:"openapi_url"`
}

// HSDSPage is one page of an HSDS list.
type HSDSPage[T any] struct {
	TotalItems int64 `json:"total_items"`
	TotalPages int   `json:"total_pages"`
	PageNumber int   `json:"page_number"`
	Size       int   `json:"size"`
	FirstPage  bool  `json:"first_page"`
	LastPage   bool  `json:"last_page"`
	Empty      bool  `json:"empty"`
	Contents   []T   `json:"contents"`
}

func hsdsPage[T any](items []T, total int64, page, perPage int) HSDSPage[T] {
	pages := int((total + int64(perPage) - 1) / int64(perPage))
	return HSDSPage[T]{TotalItems: total, TotalPages: pages, PageNumber: page, Size: len(items), FirstPage: page == 1,
		LastPage: page >= pages, Empty: total == 0, Contents: nonNil(items)}
}

// HSDSPhone is an HSDS phone.
type HSDSPhone struct {
	ID          string `json:"id"`
	Number      string `json:"number"`
	Extension   *int   `json:"extension,omitempty"`
	Type        string `json:"type,omitempty"`
	Description string `json:"description,omitempty"`
}

// HSDSSchedule is an HSDS schedule. Times are Italian wall-clock times
// (Europe/Rome): HSDS's fixed-offset timezone is not given, since Italy's
// offset changes with summer time; an import may give 1 or 2.
type HSDSSchedule struct {
	ID            string `json:"id"`
	Freq          string `json:"freq,omitempty"`
	Interval      *int   `json:"interval,omitempty"`
	ByDay         string `json:"byday,omitempty"`
	ValidFrom     string `json:"valid_from,omitempty"`
	ValidTo       string `json:"valid_to,omitempty"`
	OpensAt       string `json:"opens_at,omitempty"`
	ClosesAt      string `json:"closes_at,omitempty"`
	Timezone      *int   `json:"timezone,omitempty"`
	Description   string `json:"description,omitempty"`
	Notes         string `json:"notes,omitempty"`
	AttendingType string `json:"attending_type,omitempty"`
}

// HSDSLanguage is an HSDS language.
type HSDSLanguage struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	Code string `json:"code,omitempty"`
	Note string `json:"note,omitempty"`
}

// HSDSAccessibility is an HSDS accessibility note.
type HSDSAccessibility struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	Details     string `json:"details,omitempty"`
	URL         string `json:"url,omitempty"`
}

// HSDSAddress is an HSDS address; city is the comune.
type HSDSAddress struct {
	ID            string `json:"id"`
	Address1      string `json:"address_1"`
	Address2      string `json:"address_2,omitempty"`
	City          string `json:"city"`
	Region        string `json:"region,omitempty"`
	StateProvince string `json:"state_province"`
	PostalCode    string `json:"postal_code"`
	Country       string `json:"country"`
	AddressType   string `json:"address_type"`
}

// HSDSLocation is a full HSDS location.
type HSDSLocation struct {
	ID             string              `json:"id"`
	LocationType   string              `json:"location_type"`
	OrganizationID string              `json:"organization_id,omitempty"`
	Name           string              `json:"name,omitempty"`
	AlternateName  string              `json:"alternate_name,omitempty"`
	Description    string              `json:"description,omitempty"`
	Transportation string              `json:"transportation,omitempty"`
	Latitude       *float64            `json:"latitude,omitempty"`
	Longitude      *float64            `json:"longitude,omitempty"`
	Languages      []HSDSLanguage      `json:"languages"`
	Addresses      []HSDSAddress       `json:"addresses"`
	Accessibility  []HSDSAccessibility `json:"accessibility"`
	Phones         []HSDSPhone         `json:"phones"`
	Schedules      []HSDSSchedule      `json:"schedules"`
}

// HSDSOrganizationSummary is an organization as HSDS lists give it.
type HSDSOrganizationSummary struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	AlternateName string `json:"alternate_name,omitempty"`
	Description   string `json:"description"`
	Email         string `json:"email,omitempty"`
	Website       string `json:"website,omitempty"`
}

// HSDSOrganization is a full HSDS organization: its phones, locations and
// full services. An array of them is the directory's import and export
// document.
type HSDSOrganization struct {
	HSDSOrganizationSummary
	Phones    []HSDSPhone    `json:"phones"`
	Locations []HSDSLocation `json:"locations"`
	Services  []HSDSService  `json:"services"`
}

// HSDSServiceSummary is a service as HSDS lists give it. AssuredDate is
// the day the entry was last checked.
type HSDSServiceSummary struct {
	ID                     string                   `json:"id"`
	OrganizationID         string                   `json:"organization_id,omitempty"`
	Name                   string                   `json:"name"`
	AlternateName          string                   `json:"alternate_name,omitempty"`
	Description            string                   `json:"description,omitempty"`
	URL                    string                   `json:"url,omitempty"`
	Email                  string                   `json:"email,omitempty"`
	Status                 string                   `json:"status"`
	InterpretationServices string                   `json:"interpretation_services,omitempty"`
	ApplicationProcess     string                   `json:"application_process,omitempty"`
	FeesDescription        string                   `json:"fees_description,omitempty"`
	EligibilityDescription string                   `json:"eligibility_description,omitempty"`
	AssuredDate            string                   `json:"assured_date,omitempty"`
	LastModified           string                   `json:"last_modified,omitempty"`
	Organization           *HSDSOrganizationSummary `json:"organization,omitempty"`
}

// HSDSService is a full HSDS service; its taxonomy terms are attributes.
type HSDSService struct {
	HSDSServiceSummary
	Phones             []HSDSPhone             `json:"phones"`
	Schedules          []HSDSSchedule          `json:"schedules"`
	Languages          []HSDSLanguage          `json:"languages"`
	ServiceAtLocations []HSDSServiceAtLocation `json:"service_at_locations"`
	Attributes         []HSDSAttribute         `json:"attributes"`
}

// HSDSServiceAtLocation is an HSDS service at a location.
type HSDSServiceAtLocation struct {
	ID          string              `json:"id"`
	ServiceID   string              `json:"service_id,omitempty"`
	LocationID  string              `json:"location_id"`
	Description string              `json:"description,omitempty"`
	Phones      []HSDSPhone         `json:"phones"`
	Schedules   []HSDSSchedule      `json:"schedules"`
	Location    *HSDSLocation       `json:"location,omitempty"`
	Service     *HSDSServiceSummary `json:"service,omitempty"`
}

// HSDSAttribute links a taxonomy term to a service.
type HSDSAttribute struct {
	ID             string            `json:"id"`
	LinkID         string            `json:"link_id,omitempty"`
	TaxonomyTermID string            `json:"taxonomy_term_id"`
	LinkType       string            `json:"link_type,omitempty"`
	LinkEntity     string            `json:"link_entity,omitempty"`
	TaxonomyTerm   *HSDSTaxonomyTerm `json:"taxonomy_term,omitempty"`
}

// HSDSTaxonomy is an HSDS taxonomy.
type HSDSTaxonomy struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Version     string `json:"version,omitempty"`
}

// HSDSTaxonomyTerm is an HSDS taxonomy term: name in Italian, description
// in English.
type HSDSTaxonomyTerm struct {
	ID          string `json:"id"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Taxonomy    string `json:"taxonomy"`
	TaxonomyID  string `json:"taxonomy_id"`
	Language    string `json:"language"`
}

// HSDSTaxonomies returns the directory's two taxonomies.
func HSDSTaxonomies() []HSDSTaxonomy {
	return []HSDSTaxonomy{
		{ID: termID(TaxonomyKinds, ""), Name: TaxonomyKinds, Version: "1",
			Description: "Tipi di enti e servizi della rete territoriale / Kinds of bodies and services in the territorial network"},
		{ID: termID(TaxonomyTopics, ""), Name: TaxonomyTopics, Version: "1",
			Description: "Argomenti dell'immigrazione / Immigration topics"},
	}
}

// HSDSTerms returns the terms of both taxonomies: kinds, then topics.
func HSDSTerms() []HSDSTaxonomyTerm {
	var out []HSDSTaxonomyTerm
	for _, k := range Kinds() {
		out = append(out, hsdsTerm(TaxonomyKinds, k.Code, k.LabelIT, k.LabelEN))
	}
	for _, tp := range Topics() {
		out = append(out, hsdsTerm(TaxonomyTopics, tp.Code, tp.LabelIT, tp.LabelEN))
	}
	return out
}

func hsdsTerm(taxonomy, code, it, en string) HSDSTaxonomyTerm {
	return HSDSTaxonomyTerm{ID: termID(taxonomy, code), Code: code, Name: it, Description: en, Taxonomy: taxonomy,
		TaxonomyID: termID(taxonomy, ""), Language: "it"}
}

// termByID finds a term of either taxonomy by its UUID.
func termByID(id string) (HSDSTaxonomyTerm, bool) {
	i := slices.IndexFunc(HSDSTerms(), func(tm HSDSTaxonomyTerm) bool { return tm.ID == strings.ToLower(id) })
	if i < 0 {
		return HSDSTaxonomyTerm{}, false
	}
	return HSDSTerms()[i], true
}

func hsdsPhones(list []DirPhone) []HSDSPhone {
	out := make([]HSDSPhone, len(list))
	for i, p := range list {
		out[i] = HSDSPhone{ID: p.ID, Number: p.Number, Extension: p.Extension, Type: p.Type, Description: p.Description}
	}
	return out
}

func hsdsSchedules(list []DirSchedule) []HSDSSchedule {
	out := make([]HSDSSchedule, len(list))
	for i, s := range list {
		out[i] = HSDSSchedule{ID: s.ID, Freq: s.Freq, Interval: s.Interval, ByDay: s.ByDay, ValidFrom: s.ValidFrom, ValidTo: s.ValidTo,
			OpensAt: s.OpensAt, ClosesAt: s.ClosesAt, Description: s.Description, Notes: s.Notes, AttendingType: s.AttendingType}
	}
	return out
}

func hsdsLanguages(list []DirLanguage) []HSDSLanguage {
	out := make([]HSDSLanguage, len(list))
	for i, l := range list {
		out[i] = HSDSLanguage{ID: l.ID, Name: l.Name, Code: l.Code, Note: l.Note}
	}
	return out
}

func hsdsLocation(l *DirLocation) HSDSLocation {
	out := HSDSLocation{ID: l.ID, LocationType: l.LocationType, OrganizationID: l.OrganizationID, Name: l.Name, AlternateName: l.AlternateName,
		Description: l.Description, Transportation: l.Transportation, Latitude: l.Latitude, Longitude: l.Longitude,
		Languages: hsdsLanguages(l.Languages), Addresses: []HSDSAddress{}, Accessibility: make([]HSDSAccessibility, len(l.Accessibility)),
		Phones: hsdsPhones(l.Phones), Schedules: hsdsSchedules(l.Schedules)}
	if a := l.Address; a.ID != "" {
		typ := "physical"
		if l.LocationType == "postal" {
			typ = "postal"
		}
		out.Addresses = append(out.Addresses, HSDSAddress{ID: a.ID, Address1: a.Address1, Address2: a.Address2, City: a.City,
			StateProvince: a.StateProvince, PostalCode: a.PostalCode, Country: a.Country, AddressType: typ})
	}
	for i, a := range l.Accessibility {
		out.Accessibility[i] = HSDSAccessibility{ID: a.ID, Description: a.Description, Details: a.Details, URL: a.URL}
	}
	return out
}

func hsdsOrganizationSummary(o *DirOrganization) HSDSOrganizationSummary {
	return HSDSOrganizationSummary{ID: o.ID, Name: o.Name, AlternateName: o.AlternateName, Description: o.Description, Email: o.Email, Website: o.Website}
}

func hsdsServiceSummary(s *DirService, modified bool) HSDSServiceSummary {
	out := HSDSServiceSummary{ID: s.ID, OrganizationID: s.OrganizationID, Name: s.Name, AlternateName: s.AlternateName, Description: s.Description,
		URL: s.URL, Email: s.Email, Status: string(s.Status), InterpretationServices: s.InterpretationServices, ApplicationProcess: s.ApplicationProcess,
		FeesDescription: s.FeesDescription, EligibilityDescription: s.EligibilityDescription, AssuredDate: s.LastChecked}
	if modified {
		out.LastModified = s.UpdatedAt.UTC().Format(time.RFC3339)
	}
	return out
}

func hsdsAttributes(serviceID string, terms []dirServiceTerm) []HSDSAttribute {
	out := make([]HSDSAttribute, 0, len(terms))
	for _, tm := range terms {
		id := termID(tm.Taxonomy, tm.Code)
		term, _ := termByID(id)
		out = append(out, HSDSAttribute{ID: tm.ID, LinkID: serviceID, TaxonomyTermID: id, LinkType: tm.Taxonomy, LinkEntity: "service", TaxonomyTerm: &term})
	}
	return out
}

func hsdsLink(l *DirServiceAtLocation) HSDSServiceAtLocation {
	return HSDSServiceAtLocation{ID: l.ID, ServiceID: l.ServiceID, LocationID: l.LocationID, Description: l.Description,
		Phones: hsdsPhones(l.Phones), Schedules: hsdsSchedules(l.Schedules)}
}

// hsdsServices builds full services: with their links (each with its
// location when nested) and, when modified, last_modified and their
// organization.
func (t *Toolkit) hsdsServices(ctx context.Context, tx *gorm.DB, services []DirService, nested, modified bool) ([]HSDSService, error) {
	if err := fillServices(ctx, tx, services); err != nil {
		return nil, err
	}
	ids := idsOf(services, func(s *DirService) string { return s.ID })
	var links []DirServiceAtLocation
	if len(ids) > 0 {
		if err := tx.WithContext(ctx).Where("service_id IN ?", ids).Order("id").Find(&links).Error; err != nil {
			return nil, fmt.Errorf("toolkit: links of services: %w", err)
		}
	}
	if err := fillLinks(ctx, tx, links); err != nil {
		return nil, err
	}
	locations := map[string]HSDSLocation{}
	if nested && len(links) > 0 {
		var locs []DirLocation
		if err := tx.WithContext(ctx).Where("id IN ?", idsOf(links, func(l *DirServiceAtLocation) string { return l.LocationID })).Find(&locs).Error; err != nil {
			return nil, fmt.Errorf("toolkit: locations of services: %w", err)
		}
		if err := fillLocations(ctx, tx, locs); err != nil {
			return nil, err
		}
		for i := range locs {
			locations[locs[i].ID] = hsdsLocation(&locs[i])
		}
	}
	orgs := map[string]HSDSOrganizationSummary{}
	if modified && len(services) > 0 {
		var list []DirOrganization
		if err := tx.WithContext(ctx).Where("id IN ?", idsOf(services, func(s *DirService) string { return s.OrganizationID })).Find(&list).Error; err != nil {
			return nil, fmt.Errorf("toolkit: organizations of services: %w", err)
		}
		for i := range list {
			orgs[list[i].ID] = hsdsOrganizationSummary(&list[i])
		}
	}
	terms, err := serviceTerms(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]HSDSService, len(services))
	for i := range services {
		s := &services[i]
		out[i] = HSDSService{HSDSServiceSummary: hsdsServiceSummary(s, modified), Phones: hsdsPhones(s.Phones), Schedules: hsdsSchedules(s.Schedules),
			Languages: hsdsLanguages(s.Languages), ServiceAtLocations: []HSDSServiceAtLocation{}, Attributes: hsdsAttributes(s.ID, terms[s.ID])}
		if o, ok := orgs[s.OrganizationID]; ok {
			out[i].Organization = &o
		}
	}
	for i := range links {
		k := slices.IndexFunc(services, func(s DirService) bool { return s.ID == links[i].ServiceID })
		sal := hsdsLink(&links[i])
		if loc, ok := locations[sal.LocationID]; ok {
			sal.Location = &loc
		}
		out[k].ServiceAtLocations = append(out[k].ServiceAtLocations, sal)
	}
	return out, nil
}

// hsdsOrganizations builds full organizations with their locations and
// services (whose links name their locations).
func (t *Toolkit) hsdsOrganizations(ctx context.Context, tx *gorm.DB, orgs []DirOrganization, modified bool) ([]HSDSOrganization, error) {
	if err := fillOrganizations(ctx, tx, orgs); err != nil {
		return nil, err
	}
	ids := idsOf(orgs, func(o *DirOrganization) string { return o.ID })
	out := make([]HSDSOrganization, len(orgs))
	index := map[string]int{}
	for i := range orgs {
		out[i] = HSDSOrganization{HSDSOrganizationSummary: hsdsOrganizationSummary(&orgs[i]), Phones: hsdsPhones(orgs[i].Phones),
			Locations: []HSDSLocation{}, Services: []HSDSService{}}
		index[orgs[i].ID] = i
	}
	if len(ids) == 0 {
		return out, nil
	}
	var locs []DirLocation
	if err := tx.WithContext(ctx).Where("organization_id IN ?", ids).Order("name, id").Find(&locs).Error; err != nil {
		return nil, fmt.Errorf("toolkit: locations of organizations: %w", err)
	}
	if err := fillLocations(ctx, tx, locs); err != nil {
		return nil, err
	}
	for i := range locs {
		k := index[locs[i].OrganizationID]
		out[k].Locations = append(out[k].Locations, hsdsLocation(&locs[i]))
	}
	var services []DirService
	if err := tx.WithContext(ctx).Where("organization_id IN ?", ids).Order("name, id").Find(&services).Error; err != nil {
		return nil, fmt.Errorf("toolkit: services of organizations: %w", err)
	}
	full, err := t.hsdsServices(ctx, tx, services, false, modified)
	if err != nil {
		return nil, err
	}
	for _, s := range full {
		k := index[s.OrganizationID]
		s.Organization = nil
		out[k].Services = append(out[k].Services, s)
	}
	return out, nil
}

// HSDSQuery filters and pages the HSDS API's lists.
type HSDSQuery struct {
	// Search looks in names and descriptions.
	Search         string
	TaxonomyTermID string
	TaxonomyID     string
	OrganizationID string
	// Comune keeps the services at locations in one comune.
	Comune string
	// Language keeps the services where a language is spoken (an ISO 639
	// code, such as "ar"): among the service's languages or, for services
	// at locations, the location's.
	Language string
	// Ambito keeps the entries that an ambito's editors keep (its slug).
	Ambito string
	// Lat, Lon and RadiusKm keep the services at locations within RadiusKm
	// of the point, nearest first.
	Lat, Lon, RadiusKm *float64
	Page, PerPage      int
}

func (q *HSDSQuery) normalize() error {
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PerPage < 1 || q.PerPage > 100 {
		q.PerPage = 20
	}
	var issues []httpx.FieldIssue
	for name, v := range map[string]string{"taxonomy_term_id": q.TaxonomyTermID, "taxonomy_id": q.TaxonomyID, "organization_id": q.OrganizationID} {
		if _, err := uuid.Parse(v); v != "" && err != nil {
			issues = append(issues, httpx.FieldIssue{Field: name, Rule: "uuid", Key: "toolkit.dir_uuid"})
		}
	}
	q.Language, q.Ambito = strings.ToLower(strings.TrimSpace(q.Language)), strings.TrimSpace(q.Ambito)
	if q.Language != "" && !languageCode.MatchString(q.Language) {
		issues = append(issues, httpx.FieldIssue{Field: "language", Rule: "iso639", Key: "toolkit.dir_language"})
	}
	n := 0
	for _, p := range []*float64{q.Lat, q.Lon, q.RadiusKm} {
		if p != nil {
			n++
		}
	}
	switch {
	case n != 0 && n != 3:
		issues = append(issues, httpx.FieldIssue{Field: "radius_km", Rule: "required_with", Key: "toolkit.dir_proximity"})
	case n == 3 && (math.Abs(*q.Lat) > 90 || math.Abs(*q.Lon) > 180 || *q.RadiusKm <= 0 || *q.RadiusKm > 500 || math.IsNaN(*q.Lat+*q.Lon+*q.RadiusKm)):
		issues = append(issues, httpx.FieldIssue{Field: "radius_km", Rule: "range", Key: "toolkit.dir_proximity"})
	}
	slices.SortFunc(issues, func(a, b httpx.FieldIssue) int { return cmp.Compare(a.Field, b.Field) })
	if issues != nil {
		return &httpx.ValidationError{Fields: issues}
	}
	q.TaxonomyTermID, q.OrganizationID, q.TaxonomyID = strings.ToLower(q.TaxonomyTermID), strings.ToLower(q.OrganizationID), strings.ToLower(q.TaxonomyID)
	return nil
}

// languageCode is what an ISO 639 code looks like (as LanguageInput keeps it).
var languageCode = regexp.MustCompile(`^[a-z]{2,3}$`)

// spoken selects the ids of the entries of an owner type where a language is
// spoken.
func spoken(db *gorm.DB, owner, code string) *gorm.DB {
	return db.Session(&gorm.Session{NewDB: true}).Model(&DirLanguage{}).Select("owner_id").Where("owner_type = ? AND code = ?", owner, code)
}

func likeOf(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(strings.TrimSpace(s))) + "%"
}

// filterServices applies the query's service filters to db (on the
// services table, or on a table whose service_id column is named col).
func filterServices(db *gorm.DB, q HSDSQuery, col string) *gorm.DB {
	sub := func() *gorm.DB { return db.Session(&gorm.Session{NewDB: true}).Model(&DirService{}).Select("id") }
	if q.TaxonomyTermID != "" {
		term, ok := termByID(q.TaxonomyTermID)
		if !ok {
			return db.Where("1 = 0")
		}
		db = db.Where(col+" IN (?)", db.Session(&gorm.Session{NewDB: true}).Model(&dirServiceTerm{}).Select("service_id").
			Where("taxonomy = ? AND code = ?", term.Taxonomy, term.Code))
	}
	if q.TaxonomyID != "" {
		tax := ""
		for _, tx := range HSDSTaxonomies() {
			if tx.ID == q.TaxonomyID {
				tax = tx.Name
			}
		}
		db = db.Where(col+" IN (?)", db.Session(&gorm.Session{NewDB: true}).Model(&dirServiceTerm{}).Select("service_id").Where("taxonomy = ?", tax))
	}
	if q.OrganizationID != "" {
		db = db.Where(col+" IN (?)", sub().Where("organization_id = ?", q.OrganizationID))
	}
	if q.Ambito != "" {
		db = db.Where(col+" IN (?)", sub().Where("ambito = ?", q.Ambito))
	}
	if strings.TrimSpace(q.Search) != "" {
		like := likeOf(q.Search)
		db = db.Where(col+" IN (?)", sub().Where("LOWER(name) LIKE ? ESCAPE '\\' OR LOWER(description) LIKE ? ESCAPE '\\'", like, like))
	}
	return db
}

// HSDSServices returns one page of services as HSDS lists give them, by
// name. Anyone reads the directory.
func (t *Toolkit) HSDSServices(ctx context.Context, q HSDSQuery) (*HSDSPage[HSDSServiceSummary], error) {
	if err := q.normalize(); err != nil {
		return nil, err
	}
	db := filterServices(t.db.WithContext(ctx).Model(&DirService{}), q, "id")
	if q.Language != "" {
		db = db.Where("id IN (?)", spoken(db, ownerService, q.Language))
	}
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, fmt.Errorf("toolkit: count services: %w", err)
	}
	var list []DirService
	if err := db.Order("name, id").Offset((q.Page - 1) * q.PerPage).Limit(q.PerPage).Find(&list).Error; err != nil {
		return nil, fmt.Errorf("toolkit: list services: %w", err)
	}
	orgs, err := t.orgSummaries(ctx, idsOf(list, func(s *DirService) string { return s.OrganizationID }))
	if err != nil {
		return nil, err
	}
	out := make([]HSDSServiceSummary, len(list))
	for i := range list {
		out[i] = hsdsServiceSummary(&list[i], true)
		if o, ok := orgs[list[i].OrganizationID]; ok {
			out[i].Organization = &o
		}
	}
	p := hsdsPage(out, total, q.Page, q.PerPage)
	return &p, nil
}

func (t *Toolkit) orgSummaries(ctx context.Context, ids []string) (map[string]HSDSOrganizationSummary, error) {
	out := map[string]HSDSOrganizationSummary{}
	if len(ids) == 0 {
		return out, nil
	}
	var list []DirOrganization
	if err := t.db.WithContext(ctx).Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, fmt.Errorf("toolkit: organizations: %w", err)
	}
	for i := range list {
		out[list[i].ID] = hsdsOrganizationSummary(&list[i])
	}
	return out, nil
}

// HSDSService returns a full service: phones, schedules, languages, its
// locations (nested in its service_at_locations), its organization and its
// taxonomy terms (attributes).
func (t *Toolkit) HSDSService(ctx context.Context, id string) (*HSDSService, error) {
	tx := t.db.WithContext(ctx)
	s, err := find[DirService](ctx, tx, id)
	if err != nil {
		return nil, err
	}
	out, err := t.hsdsServices(ctx, tx, []DirService{*s}, true, true)
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// HSDSOrganizations returns one page of organizations as HSDS lists give
// them, by name.
func (t *Toolkit) HSDSOrganizations(ctx context.Context, q HSDSQuery) (*HSDSPage[HSDSOrganizationSummary], error) {
	if err := q.normalize(); err != nil {
		return nil, err
	}
	db := t.db.WithContext(ctx).Model(&DirOrganization{})
	if q.Ambito != "" {
		db = db.Where("ambito = ?", q.Ambito)
	}
	if strings.TrimSpace(q.Search) != "" {
		like := likeOf(q.Search)
		db = db.Where("LOWER(name) LIKE ? ESCAPE '\\' OR LOWER(description) LIKE ? ESCAPE '\\'", like, like)
	}
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, fmt.Errorf("toolkit: count organizations: %w", err)
	}
	var list []DirOrganization
	if err := db.Order("name, id").Offset((q.Page - 1) * q.PerPage).Limit(q.PerPage).Find(&list).Error; err != nil {
		return nil, fmt.Errorf("toolkit: list organizations: %w", err)
	}
	out := make([]HSDSOrganizationSummary, len(list))
	for i := range list {
		out[i] = hsdsOrganizationSummary(&list[i])
	}
	p := hsdsPage(out, total, q.Page, q.PerPage)
	return &p, nil
}

// HSDSOrganization returns a full organization: phones, locations and full
// services.
func (t *Toolkit) HSDSOrganization(ctx context.Context, id string) (*HSDSOrganization, error) {
	tx := t.db.WithContext(ctx)
	o, err := find[DirOrganization](ctx, tx, id)
	if err != nil {
		return nil, err
	}
	out, err := t.hsdsOrganizations(ctx, tx, []DirOrganization{*o}, true)
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// earthKm is the Earth's mean radius.
const earthKm = 6371.0088

// haversineKm is the great-circle distance between two points.
func haversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthKm * math.Asin(math.Min(1, math.Sqrt(a)))
}

// HSDSServiceAtLocations returns one page of services at locations, each
// with its location and its service: in a comune (Comune), near a point
// (Lat, Lon, RadiusKm: nearest first; the database keeps a bounding box,
// Go measures great-circle distances), of a taxonomy term. Without a point
// they come by comune, location and service name.
func (t *Toolkit) HSDSServiceAtLocations(ctx context.Context, q HSDSQuery) (*HSDSPage[HSDSServiceAtLocation], error) {
	if err := q.normalize(); err != nil {
		return nil, err
	}
	tx := t.db.WithContext(ctx)
	locT, salT := DirLocation{}.TableName(), DirServiceAtLocation{}.TableName()
	db := tx.Table(salT).Joins("JOIN " + locT + " ON " + locT + ".id = " + salT + ".location_id")
	db = filterServices(db, q, salT+".service_id")
	if c := strings.TrimSpace(q.Comune); c != "" {
		db = db.Where(locT+".comune = ?", strings.ToLower(c))
	}
	if q.Language != "" {
		db = db.Where("("+salT+".service_id IN (?) OR "+salT+".location_id IN (?))",
			spoken(db, ownerService, q.Language), spoken(db, ownerLocation, q.Language))
	}
	var links []DirServiceAtLocation
	var total int64
	if q.Lat != nil {
		dLat := *q.RadiusKm / (earthKm * math.Pi / 180)
		dLon := 180.0
		if c := math.Cos(*q.Lat * math.Pi / 180); c > 1e-6 {
			dLon = math.Min(180, dLat/c)
		}
		db = db.Where(locT+".latitude BETWEEN ? AND ? AND "+locT+".longitude BETWEEN ? AND ?", *q.Lat-dLat, *q.Lat+dLat, *q.Lon-dLon, *q.Lon+dLon)
		type row struct {
			DirServiceAtLocation
			Lat, Lon float64
		}
		var rows []row
		if err := db.Select(salT + ".*, " + locT + ".latitude AS lat, " + locT + ".longitude AS lon").Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("toolkit: services near a point: %w", err)
		}
		type near struct {
			l DirServiceAtLocation
			d float64
		}
		var kept []near
		for _, r := range rows {
			if d := haversineKm(*q.Lat, *q.Lon, r.Lat, r.Lon); d <= *q.RadiusKm {
				kept = append(kept, near{r.DirServiceAtLocation, d})
			}
		}
		slices.SortStableFunc(kept, func(a, b near) int { return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(a.l.ID, b.l.ID)) })
		total = int64(len(kept))
		for i := (q.Page - 1) * q.PerPage; i < len(kept) && i < q.Page*q.PerPage; i++ {
			links = append(links, kept[i].l)
		}
	} else {
		if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
			return nil, fmt.Errorf("toolkit: count services at locations: %w", err)
		}
		srvT := DirService{}.TableName()
		if err := db.Select(salT + ".*").Joins("JOIN " + srvT + " ON " + srvT + ".id = " + salT + ".service_id").
			Order(locT + ".comune, " + locT + ".name, " + srvT + ".name, " + salT + ".id").
			Offset((q.Page - 1) * q.PerPage).Limit(q.PerPage).Find(&links).Error; err != nil {
			return nil, fmt.Errorf("toolkit: list services at locations: %w", err)
		}
	}
	out, err := t.hsdsLinks(ctx, tx, links)
	if err != nil {
		return nil, err
	}
	p := hsdsPage(out, total, q.Page, q.PerPage)
	return &p, nil
}

// hsdsLinks builds links with their location and their service.
func (t *Toolkit) hsdsLinks(ctx context.Context, tx *gorm.DB, links []DirServiceAtLocation) ([]HSDSServiceAtLocation, error) {
	if err := fillLinks(ctx, tx, links); err != nil {
		return nil, err
	}
	out := make([]HSDSServiceAtLocation, len(links))
	if len(links) == 0 {
		return out, nil
	}
	var locs []DirLocation
	if err := tx.Where("id IN ?", idsOf(links, func(l *DirServiceAtLocation) string { return l.LocationID })).Find(&locs).Error; err != nil {
		return nil, fmt.Errorf("toolkit: locations: %w", err)
	}
	if err := fillLocations(ctx, tx, locs); err != nil {
		return nil, err
	}
	var services []DirService
	if err := tx.Where("id IN ?", idsOf(links, func(l *DirServiceAtLocation) string { return l.ServiceID })).Find(&services).Error; err != nil {
		return nil, fmt.Errorf("toolkit: services: %w", err)
	}
	for i := range links {
		out[i] = hsdsLink(&links[i])
		if k := slices.IndexFunc(locs, func(l DirLocation) bool { return l.ID == links[i].LocationID }); k >= 0 {
			loc := hsdsLocation(&locs[k])
			out[i].Location = &loc
		}
		if k := slices.IndexFunc(services, func(s DirService) bool { return s.ID == links[i].ServiceID }); k >= 0 {
			s := hsdsServiceSummary(&services[k], true)
			out[i].Service = &s
		}
	}
	return out, nil
}

// HSDSServiceAtLocation returns a service at a location with its location
// and its service.
func (t *Toolkit) HSDSServiceAtLocation(ctx context.Context, id string) (*HSDSServiceAtLocation, error) {
	tx := t.db.WithContext(ctx)
	l, err := find[DirServiceAtLocation](ctx, tx, id)
	if err != nil {
		return nil, err
	}
	out, err := t.hsdsLinks(ctx, tx, []DirServiceAtLocation{*l})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// HSDSTaxonomyTerms returns one page of the terms of both taxonomies (of
// one, with TaxonomyID), matching Search in code, name or description.
func HSDSTaxonomyTerms(q HSDSQuery) (*HSDSPage[HSDSTaxonomyTerm], error) {
	if err := q.normalize(); err != nil {
		return nil, err
	}
	s := strings.ToLower(strings.TrimSpace(q.Search))
	all := slices.DeleteFunc(HSDSTerms(), func(tm HSDSTaxonomyTerm) bool {
		return (q.TaxonomyID != "" && tm.TaxonomyID != q.TaxonomyID) ||
			(s != "" && !strings.Contains(strings.ToLower(tm.Code+" "+tm.Name+" "+tm.Description), s))
	})
	return pageOf(all, q), nil
}

func pageOf[T any](all []T, q HSDSQuery) *HSDSPage[T] {
	from := min(len(all), (q.Page-1)*q.PerPage)
	to := min(len(all), from+q.PerPage)
	p := hsdsPage(slices.Clone(all[from:to]), int64(len(all)), q.Page, q.PerPage)
	return &p
}

// HSDSTaxonomyList returns one page of the directory's taxonomies.
func HSDSTaxonomyList(q HSDSQuery) (*HSDSPage[HSDSTaxonomy], error) {
	if err := q.normalize(); err != nil {
		return nil, err
	}
	return pageOf(HSDSTaxonomies(), q), nil
}
