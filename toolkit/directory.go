package toolkit

import (
	"context"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Rome wherever the server runs

	"github.com/google/uuid"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
)

// networkServicesCSV is a copy of ../shared/domain/network-services.csv: the
// kinds of bodies and services in the territorial network.
//
//go:embed network-services.csv
var networkServicesCSV string

// The directory's two taxonomies: the kinds of services of the territorial
// network, and the topics sheets are filed under.
const (
	TaxonomyKinds  = "network-services"
	TaxonomyTopics = "topics"
)

// uuidSpace names the directory's fixed UUIDs (taxonomies and their terms),
// so they are the same on every hub.
var uuidSpace = uuid.MustParse("6f1c3d2a-57b0-4c1e-9d7e-2b1a0e4c8f11")

// Kind is a kind of service of the territorial network.
type Kind struct {
	Code    string `json:"code"`
	LabelIT string `json:"label_it"`
	LabelEN string `json:"label_en"`
}

// Kinds returns the kinds of network-services.csv, in its order.
var Kinds = sync.OnceValue(func() []Kind {
	rows, err := csv.NewReader(strings.NewReader(networkServicesCSV)).ReadAll()
	if err != nil {
		panic("toolkit: embedded network-services.csv: " + err.Error())
	}
	out := make([]Kind, 0, len(rows))
	for _, r := range rows[1:] {
		out = append(out, Kind{Code: r[0], LabelIT: r[1], LabelEN: r[2]})
	}
	return out
})

func knownKind(code string) bool {
	return slices.ContainsFunc(Kinds(), func(k Kind) bool { return k.Code == code })
}

// termID is the UUID of a taxonomy's term (code ""; the taxonomy itself).
func termID(taxonomy, code string) string {
	return uuid.NewSHA1(uuidSpace, []byte(taxonomy+":"+code)).String()
}

// rome is the time zone of every opening hour of the directory.
var rome = func() *time.Location {
	l, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic("toolkit: time zone Europe/Rome: " + err.Error())
	}
	return l
}()

var weekdays = []string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// OpenAt reports whether the schedule says open at instant t: t is read as
// Italian wall-clock time (Europe/Rome, so 9:00 is 8:00 UTC in winter and
// 7:00 UTC in summer), on a day of ByDay (any day when empty), within
// ValidFrom and ValidTo, from OpensAt (included) to ClosesAt (excluded).
// Only weekly rules (Freq WEEKLY or empty) are evaluated; others say false.
func (s DirSchedule) OpenAt(t time.Time) bool {
	if s.Freq != "" && s.Freq != "WEEKLY" || s.OpensAt == "" || s.ClosesAt == "" {
		return false
	}
	local := t.In(rome)
	day := local.Format(time.DateOnly)
	if (s.ValidFrom != "" && day < s.ValidFrom) || (s.ValidTo != "" && day > s.ValidTo) {
		return false
	}
	if s.ByDay != "" && !slices.Contains(strings.Split(s.ByDay, ","), weekdays[local.Weekday()]) {
		return false
	}
	hm := local.Format("15:04")
	return hm >= s.OpensAt && hm < s.ClosesAt
}

// ErrDirNotFound: no entry of the directory with that id.
var ErrDirNotFound error = httpx.NewProblem(404, "not_found", "toolkit.dir_not_found")

// ErrDirInUse: the organization still has services or locations; delete
// or move them first.
var ErrDirInUse error = httpx.NewProblem(409, "conflict", "toolkit.dir_in_use")

// ErrDirLinked: the service is already linked to that location.
var ErrDirLinked error = httpx.NewProblem(409, "conflict", "toolkit.dir_linked")

// PhoneInput is a phone number of an entry. ID keeps the id of one of the
// entry's phones; other ids are replaced by new ones.
type PhoneInput struct {
	ID          string `json:"id" validate:"omitempty,uuid"`
	Number      string `json:"number" validate:"required,max=40,nocontrol"`
	Extension   *int   `json:"extension" validate:"omitempty,min=0,max=999999"`
	Type        string `json:"type" validate:"omitempty,oneof=text voice fax cell video pager textphone"`
	Description string `json:"description" validate:"max=500,nocontrol"`
}

// ScheduleInput is a rule of opening hours, in Italian wall-clock time.
type ScheduleInput struct {
	ID       string `json:"id" validate:"omitempty,uuid"`
	Freq     string `json:"freq" validate:"omitempty,oneof=WEEKLY MONTHLY"`
	Interval *int   `json:"interval" validate:"omitempty,min=1,max=52"`
	// ByDay lists days as MO,TU,WE,TH,FR,SA,SU.
	ByDay     string `json:"byday" validate:"max=40"`
	ValidFrom string `json:"valid_from" validate:"omitempty,datetime=2006-01-02"`
	ValidTo   string `json:"valid_to" validate:"omitempty,datetime=2006-01-02"`
	// OpensAt and ClosesAt are HH:MM (or HH:MM:SS, seconds dropped).
	OpensAt       string `json:"opens_at"`
	ClosesAt      string `json:"closes_at"`
	Description   string `json:"description" validate:"max=500,nocontrol"`
	Notes         string `json:"notes" validate:"max=500,nocontrol"`
	AttendingType string `json:"attending_type" validate:"max=200,nocontrol"`
}

// LanguageInput is a language spoken, by its ISO 639 code.
type LanguageInput struct {
	ID   string `json:"id" validate:"omitempty,uuid"`
	Code string `json:"code" validate:"required,min=2,max=3,lowercase,alpha"`
	Name string `json:"name" validate:"max=100,nocontrol"`
	Note string `json:"note" validate:"max=500,nocontrol"`
}

// AccessibilityInput says what a location offers people with disabilities.
type AccessibilityInput struct {
	ID          string `json:"id" validate:"omitempty,uuid"`
	Description string `json:"description" validate:"required,max=500,nocontrol"`
	Details     string `json:"details" validate:"max=500,nocontrol"`
	URL         string `json:"url" validate:"omitempty,http_url,max=500"`
}

// AddressInput is a location's address; City is the comune.
type AddressInput struct {
	ID            string `json:"id" validate:"omitempty,uuid"`
	Address1      string `json:"address_1" validate:"required,max=200,nocontrol"`
	Address2      string `json:"address_2" validate:"max=200,nocontrol"`
	City          string `json:"city" validate:"required,max=100,nocontrol"`
	StateProvince string `json:"state_province" validate:"required,len=2,uppercase"`
	PostalCode    string `json:"postal_code" validate:"required,len=5,numeric"`
	// Country is IT when empty.
	Country string `json:"country" validate:"omitempty,iso3166_1_alpha2"`
}

// OrganizationInput writes an organization. Its ambito cannot change.
type OrganizationInput struct {
	Ambito        string       `json:"ambito" validate:"required,slug"`
	Name          string       `json:"name" validate:"required,min=2,max=200,nocontrol"`
	AlternateName string       `json:"alternate_name" validate:"max=200,nocontrol"`
	Description   string       `json:"description" validate:"required,max=5000"`
	Email         string       `json:"email" validate:"omitempty,email,max=254"`
	Website       string       `json:"website" validate:"omitempty,http_url,max=500"`
	Phones        []PhoneInput `json:"phones" validate:"max=20,dive"`
}

// ServiceInput writes a service of an organization (of the same ambito as
// before, when it moves).
type ServiceInput struct {
	OrganizationID         string        `json:"organization_id" validate:"required,uuid"`
	Name                   string        `json:"name" validate:"required,min=2,max=200,nocontrol"`
	AlternateName          string        `json:"alternate_name" validate:"max=200,nocontrol"`
	Description            string        `json:"description" validate:"max=5000"`
	URL                    string        `json:"url" validate:"omitempty,http_url,max=500"`
	Email                  string        `json:"email" validate:"omitempty,email,max=254"`
	Status                 ServiceStatus `json:"status" validate:"required,oneof=active inactive defunct 'temporarily closed'"`
	InterpretationServices string        `json:"interpretation_services" validate:"max=2000"`
	ApplicationProcess     string        `json:"application_process" validate:"max=5000"`
	FeesDescription        string        `json:"fees_description" validate:"max=2000"`
	EligibilityDescription string        `json:"eligibility_description" validate:"max=5000"`
	// Kinds are codes of network-services.csv; Topics codes of topics.csv.
	Kinds     []string        `json:"kinds" validate:"max=10"`
	Topics    []string        `json:"topics" validate:"max=16"`
	Phones    []PhoneInput    `json:"phones" validate:"max=20,dive"`
	Schedules []ScheduleInput `json:"schedules" validate:"max=50,dive"`
	Languages []LanguageInput `json:"languages" validate:"max=40,dive"`
	// termIDs are the attribute ids of Kinds then Topics, and assured the
	// day it was last checked, from an import.
	termIDs []string
	assured string
}

// LocationInput writes a location of an organization. A physical location
// has an address; latitude and longitude go together.
type LocationInput struct {
	OrganizationID string               `json:"organization_id" validate:"required,uuid"`
	LocationType   string               `json:"location_type" validate:"required,oneof=physical postal virtual"`
	Name           string               `json:"name" validate:"required,min=2,max=200,nocontrol"`
	AlternateName  string               `json:"alternate_name" validate:"max=200,nocontrol"`
	Description    string               `json:"description" validate:"max=5000"`
	Transportation string               `json:"transportation" validate:"max=2000"`
	Latitude       *float64             `json:"latitude" validate:"omitempty,min=-90,max=90"`
	Longitude      *float64             `json:"longitude" validate:"omitempty,min=-180,max=180"`
	Address        *AddressInput        `json:"address"`
	Languages      []LanguageInput      `json:"languages" validate:"max=40,dive"`
	Accessibility  []AccessibilityInput `json:"accessibility" validate:"max=20,dive"`
	Phones         []PhoneInput         `json:"phones" validate:"max=20,dive"`
	Schedules      []ScheduleInput      `json:"schedules" validate:"max=50,dive"`
}

// ServiceAtLocationInput links a service to a location where it is given.
type ServiceAtLocationInput struct {
	ServiceID   string          `json:"service_id" validate:"required,uuid"`
	LocationID  string          `json:"location_id" validate:"required,uuid"`
	Description string          `json:"description" validate:"max=2000"`
	Phones      []PhoneInput    `json:"phones" validate:"max=20,dive"`
	Schedules   []ScheduleInput `json:"schedules" validate:"max=50,dive"`
}

var (
	hhmm  = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$`)
	byDay = regexp.MustCompile(`^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$`)
)

// checkSchedules checks what tags cannot say of schedules at field prefix.
func checkSchedules(prefix string, list []ScheduleInput) []httpx.FieldIssue {
	var issues []httpx.FieldIssue
	for i, s := range list {
		f := fmt.Sprintf("%s[%d].", prefix, i)
		if s.ByDay != "" && !byDay.MatchString(s.ByDay) {
			issues = append(issues, httpx.FieldIssue{Field: f + "byday", Rule: "byday", Key: "toolkit.dir_byday"})
		}
		for name, v := range map[string]string{"opens_at": s.OpensAt, "closes_at": s.ClosesAt} {
			if v != "" && !hhmm.MatchString(v) {
				issues = append(issues, httpx.FieldIssue{Field: f + name, Rule: "time", Key: "toolkit.dir_time"})
			}
		}
		if (s.OpensAt == "") != (s.ClosesAt == "") {
			issues = append(issues, httpx.FieldIssue{Field: f + "closes_at", Rule: "required_with", Key: "toolkit.dir_hours"})
		} else if hhmm.MatchString(s.OpensAt) && hhmm.MatchString(s.ClosesAt) && s.OpensAt[:5] >= s.ClosesAt[:5] {
			issues = append(issues, httpx.FieldIssue{Field: f + "closes_at", Rule: "gtfield", Key: "toolkit.dir_hours"})
		}
		if s.ValidFrom != "" && s.ValidTo != "" && s.ValidTo < s.ValidFrom {
			issues = append(issues, httpx.FieldIssue{Field: f + "valid_to", Rule: "gtefield", Key: "toolkit.dir_valid_to"})
		}
	}
	slices.SortFunc(issues, func(a, b httpx.FieldIssue) int { return strings.Compare(a.Field, b.Field) })
	return issues
}

// validateDir validates in with its tags and, through more, the rules tags
// cannot say; nil when valid.
func validateDir(ctx context.Context, in any, more []httpx.FieldIssue) error {
	var issues []httpx.FieldIssue
	if err := httpx.Validate(incroci.LangFrom(ctx), in); err != nil {
		var ve *httpx.ValidationError
		if !errors.As(err, &ve) {
			return fmt.Errorf("toolkit: validate: %w", err)
		}
		issues = ve.Fields
	}
	issues = append(issues, more...)
	if issues != nil {
		return &httpx.ValidationError{Fields: issues}
	}
	return nil
}

func (in *ServiceInput) check() []httpx.FieldIssue {
	issues := checkSchedules("schedules", in.Schedules)
	for i, c := range in.Kinds {
		if !knownKind(c) {
			issues = append(issues, httpx.FieldIssue{Field: fmt.Sprintf("kinds[%d]", i), Rule: "oneof", Key: "toolkit.dir_kind"})
		}
	}
	for i, c := range in.Topics {
		if !knownTopic(c) {
			issues = append(issues, httpx.FieldIssue{Field: fmt.Sprintf("topics[%d]", i), Rule: "oneof", Key: "toolkit.topic_unknown"})
		}
	}
	return issues
}

func (in *LocationInput) check() []httpx.FieldIssue {
	issues := checkSchedules("schedules", in.Schedules)
	if (in.Latitude == nil) != (in.Longitude == nil) {
		issues = append(issues, httpx.FieldIssue{Field: "longitude", Rule: "required_with", Key: "toolkit.dir_coordinates"})
	}
	if in.LocationType == "physical" && in.Address == nil {
		issues = append(issues, httpx.FieldIssue{Field: "address", Rule: "required", Key: "toolkit.dir_address"})
	}
	return issues
}

func (in *ServiceAtLocationInput) check() []httpx.FieldIssue {
	return checkSchedules("schedules", in.Schedules)
}

// mayEditDir reports whether pr writes the directory's entries of ambito:
// its editors and admins.
func mayEditDir(pr *incroci.Principal, ambito string) bool {
	return pr != nil && (pr.Admin || pr.Has(incroci.RoleEditor, ambito))
}

// today is the day in Italy.
func (t *Toolkit) today() string { return t.p.Now().In(rome).Format(time.DateOnly) }

func newID(id string) string {
	if id != "" {
		return strings.ToLower(id)
	}
	return uuid.NewString()
}

func hhmmOf(s string) string {
	if len(s) > 5 {
		return s[:5]
	}
	return s
}

func phoneRows(owner, ownerID string, in []PhoneInput) []DirPhone {
	out := make([]DirPhone, len(in))
	for i, p := range in {
		out[i] = DirPhone{ID: newID(p.ID), DirOwned: DirOwned{OwnerType: owner, OwnerID: ownerID, Position: i}, Number: strings.TrimSpace(p.Number),
			Extension: p.Extension, Type: p.Type, Description: strings.TrimSpace(p.Description)}
	}
	return out
}

func scheduleRows(owner, ownerID string, in []ScheduleInput) []DirSchedule {
	out := make([]DirSchedule, len(in))
	for i, s := range in {
		out[i] = DirSchedule{ID: newID(s.ID), DirOwned: DirOwned{OwnerType: owner, OwnerID: ownerID, Position: i}, Freq: s.Freq, Interval: s.Interval,
			ByDay: s.ByDay, ValidFrom: s.ValidFrom, ValidTo: s.ValidTo, OpensAt: hhmmOf(s.OpensAt), ClosesAt: hhmmOf(s.ClosesAt),
			Description: strings.TrimSpace(s.Description), Notes: strings.TrimSpace(s.Notes), AttendingType: strings.TrimSpace(s.AttendingType)}
	}
	return out
}

func languageRows(owner, ownerID string, in []LanguageInput) []DirLanguage {
	out := make([]DirLanguage, len(in))
	for i, l := range in {
		out[i] = DirLanguage{ID: newID(l.ID), DirOwned: DirOwned{OwnerType: owner, OwnerID: ownerID, Position: i}, Code: l.Code,
			Name: strings.TrimSpace(l.Name), Note: strings.TrimSpace(l.Note)}
	}
	return out
}

func accessibilityRows(owner, ownerID string, in []AccessibilityInput) []DirAccessibility {
	out := make([]DirAccessibility, len(in))
	for i, a := range in {
		out[i] = DirAccessibility{ID: newID(a.ID), DirOwned: DirOwned{OwnerType: owner, OwnerID: ownerID, Position: i},
			Description: strings.TrimSpace(a.Description), Details: strings.TrimSpace(a.Details), URL: a.URL}
	}
	return out
}

// childRow is a row that belongs to an entry.
type childRow interface {
	DirPhone | DirSchedule | DirLanguage | DirAccessibility
	owner() string
	TableName() string
}

// children loads the rows of type T of the owners ids, by owner, in order.
func children[T childRow](ctx context.Context, tx *gorm.DB, ownerType string, ids []string) (map[string][]T, error) {
	out := map[string][]T{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []T
	for chunk := range slices.Chunk(ids, 500) {
		var part []T
		if err := tx.WithContext(ctx).Where("owner_type = ? AND owner_id IN ?", ownerType, chunk).Order("owner_id, position").Find(&part).Error; err != nil {
			var zero T
			return nil, fmt.Errorf("toolkit: load %s: %w", zero.TableName(), err)
		}
		rows = append(rows, part...)
	}
	for _, r := range rows {
		out[r.owner()] = append(out[r.owner()], r)
	}
	return out, nil
}

// replaceChildren replaces the rows of type T of one owner with rows. An id
// that another owner's row holds is replaced by a new one.
func replaceChildren[T childRow](ctx context.Context, tx *gorm.DB, ownerType, ownerID string, rows []T, setID func(*T, string), idOf func(T) string) error {
	var zero T
	db := tx.WithContext(ctx)
	if err := db.Where("owner_type = ? AND owner_id = ?", ownerType, ownerID).Delete(&zero).Error; err != nil {
		return fmt.Errorf("toolkit: replace %s: %w", zero.TableName(), err)
	}
	if len(rows) == 0 {
		return nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = idOf(r)
	}
	var taken []string
	if err := db.Model(&zero).Where("id IN ?", ids).Pluck("id", &taken).Error; err != nil {
		return fmt.Errorf("toolkit: replace %s: %w", zero.TableName(), err)
	}
	seen := map[string]bool{}
	for i := range rows {
		if id := idOf(rows[i]); slices.Contains(taken, id) || seen[id] {
			setID(&rows[i], uuid.NewString())
		}
		seen[idOf(rows[i])] = true
	}
	if err := db.Create(&rows).Error; err != nil {
		return fmt.Errorf("toolkit: replace %s: %w", zero.TableName(), err)
	}
	return nil
}

func replacePhones(ctx context.Context, tx *gorm.DB, owner, id string, rows []DirPhone) error {
	return replaceChildren(ctx, tx, owner, id, rows, func(r *DirPhone, s string) { r.ID = s }, func(r DirPhone) string { return r.ID })
}

func replaceSchedules(ctx context.Context, tx *gorm.DB, owner, id string, rows []DirSchedule) error {
	return replaceChildren(ctx, tx, owner, id, rows, func(r *DirSchedule, s string) { r.ID = s }, func(r DirSchedule) string { return r.ID })
}

func replaceLanguages(ctx context.Context, tx *gorm.DB, owner, id string, rows []DirLanguage) error {
	return replaceChildren(ctx, tx, owner, id, rows, func(r *DirLanguage, s string) { r.ID = s }, func(r DirLanguage) string { return r.ID })
}

func replaceAccessibility(ctx context.Context, tx *gorm.DB, owner, id string, rows []DirAccessibility) error {
	return replaceChildren(ctx, tx, owner, id, rows, func(r *DirAccessibility, s string) { r.ID = s }, func(r DirAccessibility) string { return r.ID })
}

// find loads the entry of type T with id, or ErrDirNotFound.
func find[T any](ctx context.Context, tx *gorm.DB, id string) (*T, error) {
	var v T
	if _, err := uuid.Parse(id); err != nil {
		return nil, ErrDirNotFound
	}
	err := tx.WithContext(ctx).Where("id = ?", strings.ToLower(id)).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrDirNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("toolkit: directory entry %s: %w", id, err)
	}
	return &v, nil
}

// editable loads the entry of type T with id and checks that the caller
// edits the ambito amb(entry) says.
func editable[T any](ctx context.Context, tx *gorm.DB, id string, amb func(*T) string) (*T, *incroci.Principal, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, nil, err
	}
	v, err := find[T](ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	if !mayEditDir(pr, amb(v)) {
		return nil, nil, incroci.ErrForbidden
	}
	return v, pr, nil
}

func (t *Toolkit) audit(ctx context.Context, tx *gorm.DB, ambito, action, kind, id string) error {
	if err := t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: ambito, Action: "toolkit.dir." + action, ObjectType: "dir_" + kind, ObjectID: id}, nil); err != nil {
		return err
	}
	// Every change of the directory passes here: the search follows it.
	return t.reindexDir(ctx, tx, ambito, kind, id)
}

// CreateOrganization adds an organization to the directory: editors of
// its ambito and admins.
func (t *Toolkit) CreateOrganization(ctx context.Context, in OrganizationInput) (*DirOrganization, error) {
	return t.saveOrganization(ctx, "", in)
}

// UpdateOrganization rewrites organization id (its phones included).
func (t *Toolkit) UpdateOrganization(ctx context.Context, id string, in OrganizationInput) (*DirOrganization, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, ErrDirNotFound
	}
	return t.saveOrganization(ctx, id, in)
}

func (t *Toolkit) saveOrganization(ctx context.Context, id string, in OrganizationInput) (*DirOrganization, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := validateDir(ctx, &in, nil); err != nil {
		return nil, err
	}
	if !mayEditDir(pr, in.Ambito) {
		if inNetwork(pr) {
			return nil, httpx.Invalid("ambito", "role", "toolkit.dir_editor")
		}
		return nil, incroci.ErrForbidden
	}
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		id, err = t.putOrganization(ctx, tx, id, in, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return t.Organization(ctx, id)
}

// putOrganization creates (id "" or not yet stored when upsert) or updates
// organization id from a valid in, in tx.
func (t *Toolkit) putOrganization(ctx context.Context, tx *gorm.DB, id string, in OrganizationInput, upsert bool) (string, error) {
	now := t.p.Now()
	o := DirOrganization{ID: newID(id), Ambito: in.Ambito, Name: strings.TrimSpace(in.Name), AlternateName: strings.TrimSpace(in.AlternateName),
		Description: strings.TrimSpace(in.Description), Email: in.Email, Website: in.Website, CreatedAt: now, UpdatedAt: now}
	action := "organization.create"
	if id != "" {
		old, err := find[DirOrganization](ctx, tx, id)
		switch {
		case errors.Is(err, ErrDirNotFound) && upsert:
		case err != nil:
			return "", err
		default:
			if old.Ambito != in.Ambito {
				return "", httpx.Invalid("ambito", "immutable", "toolkit.dir_ambito")
			}
			o.CreatedAt, o.Checked = old.CreatedAt, old.Checked
			action = "organization.update"
		}
	}
	if err := tx.WithContext(ctx).Save(&o).Error; err != nil {
		return "", fmt.Errorf("toolkit: save organization: %w", err)
	}
	if err := replacePhones(ctx, tx, ownerOrganization, o.ID, phoneRows(ownerOrganization, o.ID, in.Phones)); err != nil {
		return "", err
	}
	return o.ID, t.audit(ctx, tx, o.Ambito, action, "organization", o.ID)
}

// DeleteOrganization removes an organization that has no services and no
// locations left (ErrDirInUse otherwise).
func (t *Toolkit) DeleteOrganization(ctx context.Context, id string) error {
	return t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		o, _, err := editable(ctx, tx, id, func(o *DirOrganization) string { return o.Ambito })
		if err != nil {
			return err
		}
		for _, m := range []any{&DirService{}, &DirLocation{}} {
			var n int64
			if err := tx.Model(m).Where("organization_id = ?", o.ID).Count(&n).Error; err != nil {
				return fmt.Errorf("toolkit: delete organization: %w", err)
			}
			if n > 0 {
				return ErrDirInUse
			}
		}
		if err := deleteOwned(ctx, tx, ownerOrganization, o.ID); err != nil {
			return err
		}
		if err := tx.Delete(&DirOrganization{}, "id = ?", o.ID).Error; err != nil {
			return fmt.Errorf("toolkit: delete organization: %w", err)
		}
		return t.audit(ctx, tx, o.Ambito, "organization.delete", "organization", o.ID)
	})
}

// deleteOwned removes the phones, schedules, languages and accessibility
// notes of an entry.
func deleteOwned(ctx context.Context, tx *gorm.DB, ownerType string, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	for _, m := range []any{&DirPhone{}, &DirSchedule{}, &DirLanguage{}, &DirAccessibility{}} {
		if err := tx.WithContext(ctx).Where("owner_type = ? AND owner_id IN ?", ownerType, ids).Delete(m).Error; err != nil {
			return fmt.Errorf("toolkit: delete %s of %s: %w", tableOf(m), ownerType, err)
		}
	}
	return nil
}

func tableOf(m any) string {
	if tn, ok := m.(interface{ TableName() string }); ok {
		return tn.TableName()
	}
	return fmt.Sprintf("%T", m)
}

// organizationOf loads the organization a service or location belongs to,
// checking that the caller edits its ambito; field names it in errors.
func organizationOf(ctx context.Context, tx *gorm.DB, pr *incroci.Principal, id string) (*DirOrganization, error) {
	o, err := find[DirOrganization](ctx, tx, id)
	if errors.Is(err, ErrDirNotFound) {
		return nil, httpx.Invalid("organization_id", "exists", "toolkit.dir_not_found")
	}
	if err != nil {
		return nil, err
	}
	if !mayEditDir(pr, o.Ambito) {
		if inNetwork(pr) {
			return nil, httpx.Invalid("organization_id", "role", "toolkit.dir_editor")
		}
		return nil, incroci.ErrForbidden
	}
	return o, nil
}

// CreateService adds a service to an organization: editors of the
// organization's ambito and admins.
func (t *Toolkit) CreateService(ctx context.Context, in ServiceInput) (*DirService, error) {
	return t.saveService(ctx, "", in)
}

// UpdateService rewrites service id (phones, schedules, languages and
// taxonomy terms included). It may move to another organization of the
// same ambito.
func (t *Toolkit) UpdateService(ctx context.Context, id string, in ServiceInput) (*DirService, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, ErrDirNotFound
	}
	return t.saveService(ctx, id, in)
}

func (t *Toolkit) saveService(ctx context.Context, id string, in ServiceInput) (*DirService, error) {
	id, err := saveInOrganization(ctx, t, id, in.OrganizationID, func() error { return validateDir(ctx, &in, in.check()) },
		func(s *DirService) string { return s.Ambito },
		func(tx *gorm.DB, id, ambito string) (string, error) {
			return t.putService(ctx, tx, id, ambito, in, false)
		})
	if err != nil {
		return nil, err
	}
	return t.Service(ctx, id)
}

// saveInOrganization writes entry id of type M (new when id is "") under
// organization orgID with put, in one transaction, once the caller is
// known and validate passes: the caller must be able to edit the entry as
// it is and the organization it goes to, whose ambito it takes. It
// returns the entry's id.
func saveInOrganization[M any](ctx context.Context, t *Toolkit, id, orgID string, validate func() error, ambitoOf func(*M) string,
	put func(tx *gorm.DB, id, ambito string) (string, error)) (string, error) {
	pr, err := caller(ctx)
	if err != nil {
		return "", err
	}
	if err := validate(); err != nil {
		return "", err
	}
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if id != "" {
			if _, _, err := editable(ctx, tx, id, ambitoOf); err != nil {
				return err
			}
		}
		o, err := organizationOf(ctx, tx, pr, orgID)
		if err != nil {
			return err
		}
		id, err = put(tx, id, o.Ambito)
		return err
	})
	return id, err
}

// comuni returns the municipalities of ambito; none when the ambito lists
// none, which leaves addresses unchecked.
func (t *Toolkit) comuni(ctx context.Context, tx *gorm.DB, ambito string) ([]string, error) {
	var a incroci.Ambito
	if err := tx.WithContext(ctx).Select("comuni").Where("slug = ?", ambito).Take(&a).Error; err != nil {
		return nil, fmt.Errorf("toolkit: comuni of %s: %w", ambito, err)
	}
	return a.Comuni, nil
}

// inComuni reports whether city is one of comuni, ignoring case and the
// spaces around it; any city is when comuni is empty.
func inComuni(comuni []string, city string) bool {
	city = strings.TrimSpace(city)
	return len(comuni) == 0 || slices.ContainsFunc(comuni, func(c string) bool { return strings.EqualFold(c, city) })
}

// putService creates or updates service id of ambito from a valid in.
func (t *Toolkit) putService(ctx context.Context, tx *gorm.DB, id, ambito string, in ServiceInput, upsert bool) (string, error) {
	now := t.p.Now()
	s := DirService{ID: newID(id), OrganizationID: strings.ToLower(in.OrganizationID), Ambito: ambito, Name: strings.TrimSpace(in.Name),
		AlternateName: strings.TrimSpace(in.AlternateName), Description: strings.TrimSpace(in.Description), URL: in.URL, Email: in.Email,
		Status: in.Status, InterpretationServices: strings.TrimSpace(in.InterpretationServices), ApplicationProcess: strings.TrimSpace(in.ApplicationProcess),
		FeesDescription: strings.TrimSpace(in.FeesDescription), EligibilityDescription: strings.TrimSpace(in.EligibilityDescription), CreatedAt: now, UpdatedAt: now}
	action := "service.create"
	if id != "" {
		old, err := find[DirService](ctx, tx, id)
		switch {
		case errors.Is(err, ErrDirNotFound) && upsert:
		case err != nil:
			return "", err
		default:
			if old.Ambito != ambito {
				return "", httpx.Invalid("organization_id", "ambito", "toolkit.dir_ambito")
			}
			s.CreatedAt, s.Checked = old.CreatedAt, old.Checked
			action = "service.update"
		}
	}
	if upsert && in.assured != s.LastChecked {
		// An import says when the entry was checked, not by whom.
		s.LastChecked, s.CheckedBy = in.assured, nil
	}
	db := tx.WithContext(ctx)
	if err := db.Save(&s).Error; err != nil {
		return "", fmt.Errorf("toolkit: save service: %w", err)
	}
	if err := db.Model(&DirServiceAtLocation{}).Where("service_id = ?", s.ID).Update("ambito", ambito).Error; err != nil {
		return "", fmt.Errorf("toolkit: save service: %w", err)
	}
	if err := db.Where("service_id = ?", s.ID).Delete(&dirServiceTerm{}).Error; err != nil {
		return "", fmt.Errorf("toolkit: save service terms: %w", err)
	}
	var terms []dirServiceTerm
	for _, tc := range [][2]any{{TaxonomyKinds, uniq(in.Kinds)}, {TaxonomyTopics, uniq(in.Topics)}} {
		for _, code := range tc[1].([]string) {
			tid := ""
			if n := len(terms); n < len(in.termIDs) {
				tid = in.termIDs[n]
			}
			terms = append(terms, dirServiceTerm{ID: newID(tid), ServiceID: s.ID, Taxonomy: tc[0].(string), Code: code, Position: len(terms)})
		}
	}
	if len(terms) > 0 {
		if err := db.Create(&terms).Error; err != nil {
			return "", fmt.Errorf("toolkit: save service terms: %w", err)
		}
	}
	if err := replacePhones(ctx, tx, ownerService, s.ID, phoneRows(ownerService, s.ID, in.Phones)); err != nil {
		return "", err
	}
	if err := replaceSchedules(ctx, tx, ownerService, s.ID, scheduleRows(ownerService, s.ID, in.Schedules)); err != nil {
		return "", err
	}
	if err := replaceLanguages(ctx, tx, ownerService, s.ID, languageRows(ownerService, s.ID, in.Languages)); err != nil {
		return "", err
	}
	return s.ID, t.audit(ctx, tx, ambito, action, "service", s.ID)
}

// DeleteService removes a service, with its links to locations.
func (t *Toolkit) DeleteService(ctx context.Context, id string) error {
	return t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, _, err := editable(ctx, tx, id, func(s *DirService) string { return s.Ambito })
		if err != nil {
			return err
		}
		var sals []string
		if err := tx.Model(&DirServiceAtLocation{}).Where("service_id = ?", s.ID).Pluck("id", &sals).Error; err != nil {
			return fmt.Errorf("toolkit: delete service: %w", err)
		}
		if err := deleteLinks(ctx, tx, sals); err != nil {
			return err
		}
		if err := tx.Where("service_id = ?", s.ID).Delete(&dirServiceTerm{}).Error; err != nil {
			return fmt.Errorf("toolkit: delete service terms: %w", err)
		}
		if err := deleteOwned(ctx, tx, ownerService, s.ID); err != nil {
			return err
		}
		if err := tx.Delete(&DirService{}, "id = ?", s.ID).Error; err != nil {
			return fmt.Errorf("toolkit: delete service: %w", err)
		}
		return t.audit(ctx, tx, s.Ambito, "service.delete", "service", s.ID)
	})
}

func deleteLinks(ctx context.Context, tx *gorm.DB, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := deleteOwned(ctx, tx, ownerServiceAtLocation, ids...); err != nil {
		return err
	}
	if err := tx.WithContext(ctx).Where("id IN ?", ids).Delete(&DirServiceAtLocation{}).Error; err != nil {
		return fmt.Errorf("toolkit: delete links: %w", err)
	}
	return nil
}

// CreateLocation adds a location to an organization: editors of the
// organization's ambito and admins.
func (t *Toolkit) CreateLocation(ctx context.Context, in LocationInput) (*DirLocation, error) {
	return t.saveLocation(ctx, "", in)
}

// UpdateLocation rewrites location id (its address, languages,
// accessibility, phones and opening hours included).
func (t *Toolkit) UpdateLocation(ctx context.Context, id string, in LocationInput) (*DirLocation, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, ErrDirNotFound
	}
	return t.saveLocation(ctx, id, in)
}

func (t *Toolkit) saveLocation(ctx context.Context, id string, in LocationInput) (*DirLocation, error) {
	id, err := saveInOrganization(ctx, t, id, in.OrganizationID, func() error { return validateDir(ctx, &in, in.check()) },
		func(l *DirLocation) string { return l.Ambito },
		func(tx *gorm.DB, id, ambito string) (string, error) {
			return t.putLocation(ctx, tx, id, ambito, in, false)
		})
	if err != nil {
		return nil, err
	}
	return t.Location(ctx, id)
}

// putLocation creates or updates location id of ambito from a valid in.
func (t *Toolkit) putLocation(ctx context.Context, tx *gorm.DB, id, ambito string, in LocationInput, upsert bool) (string, error) {
	now := t.p.Now()
	l := DirLocation{ID: newID(id), OrganizationID: strings.ToLower(in.OrganizationID), Ambito: ambito, LocationType: in.LocationType,
		Name: strings.TrimSpace(in.Name), AlternateName: strings.TrimSpace(in.AlternateName), Description: strings.TrimSpace(in.Description),
		Transportation: strings.TrimSpace(in.Transportation), Latitude: in.Latitude, Longitude: in.Longitude, CreatedAt: now, UpdatedAt: now}
	if a := in.Address; a != nil {
		country := a.Country
		if country == "" {
			country = "IT"
		}
		l.Address = DirAddress{ID: newID(a.ID), Address1: strings.TrimSpace(a.Address1), Address2: strings.TrimSpace(a.Address2),
			City: strings.TrimSpace(a.City), StateProvince: a.StateProvince, PostalCode: a.PostalCode, Country: country}
		l.Comune = strings.ToLower(l.Address.City)
		comuni, err := t.comuni(ctx, tx, ambito)
		if err != nil {
			return "", err
		}
		if !inComuni(comuni, l.Address.City) {
			return "", &httpx.ValidationError{Fields: []httpx.FieldIssue{{Field: "address.city", Rule: "oneof", Key: "toolkit.dir_comune",
				Args: []any{strings.Join(comuni, ", ")}}}}
		}
	}
	action := "location.create"
	if id != "" {
		old, err := find[DirLocation](ctx, tx, id)
		switch {
		case errors.Is(err, ErrDirNotFound) && upsert:
		case err != nil:
			return "", err
		default:
			if old.Ambito != ambito {
				return "", httpx.Invalid("organization_id", "ambito", "toolkit.dir_ambito")
			}
			l.CreatedAt, l.Checked = old.CreatedAt, old.Checked
			action = "location.update"
		}
	}
	if err := tx.WithContext(ctx).Save(&l).Error; err != nil {
		return "", fmt.Errorf("toolkit: save location: %w", err)
	}
	if err := replaceLanguages(ctx, tx, ownerLocation, l.ID, languageRows(ownerLocation, l.ID, in.Languages)); err != nil {
		return "", err
	}
	if err := replaceAccessibility(ctx, tx, ownerLocation, l.ID, accessibilityRows(ownerLocation, l.ID, in.Accessibility)); err != nil {
		return "", err
	}
	if err := replacePhones(ctx, tx, ownerLocation, l.ID, phoneRows(ownerLocation, l.ID, in.Phones)); err != nil {
		return "", err
	}
	if err := replaceSchedules(ctx, tx, ownerLocation, l.ID, scheduleRows(ownerLocation, l.ID, in.Schedules)); err != nil {
		return "", err
	}
	return l.ID, t.audit(ctx, tx, ambito, action, "location", l.ID)
}

// DeleteLocation removes a location with the links of services to it
// (of any ambito).
func (t *Toolkit) DeleteLocation(ctx context.Context, id string) error {
	return t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		l, _, err := editable(ctx, tx, id, func(l *DirLocation) string { return l.Ambito })
		if err != nil {
			return err
		}
		var sals []string
		if err := tx.Model(&DirServiceAtLocation{}).Where("location_id = ?", l.ID).Pluck("id", &sals).Error; err != nil {
			return fmt.Errorf("toolkit: delete location: %w", err)
		}
		if err := deleteLinks(ctx, tx, sals); err != nil {
			return err
		}
		if err := deleteOwned(ctx, tx, ownerLocation, l.ID); err != nil {
			return err
		}
		if err := tx.Delete(&DirLocation{}, "id = ?", l.ID).Error; err != nil {
			return fmt.Errorf("toolkit: delete location: %w", err)
		}
		return t.audit(ctx, tx, l.Ambito, "location.delete", "location", l.ID)
	})
}

// CreateServiceAtLocation links a service to a location (of any ambito):
// editors of the service's ambito and admins. A second link of the same
// pair is ErrDirLinked.
func (t *Toolkit) CreateServiceAtLocation(ctx context.Context, in ServiceAtLocationInput) (*DirServiceAtLocation, error) {
	return t.saveLink(ctx, "", in)
}

// UpdateServiceAtLocation rewrites link id.
func (t *Toolkit) UpdateServiceAtLocation(ctx context.Context, id string, in ServiceAtLocationInput) (*DirServiceAtLocation, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, ErrDirNotFound
	}
	return t.saveLink(ctx, id, in)
}

func (t *Toolkit) saveLink(ctx context.Context, id string, in ServiceAtLocationInput) (*DirServiceAtLocation, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := validateDir(ctx, &in, in.check()); err != nil {
		return nil, err
	}
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if id != "" {
			if _, _, err := editable(ctx, tx, id, func(l *DirServiceAtLocation) string { return l.Ambito }); err != nil {
				return err
			}
		}
		s, err := find[DirService](ctx, tx, in.ServiceID)
		if errors.Is(err, ErrDirNotFound) {
			return httpx.Invalid("service_id", "exists", "toolkit.dir_not_found")
		} else if err != nil {
			return err
		}
		if !mayEditDir(pr, s.Ambito) {
			return httpx.Invalid("service_id", "role", "toolkit.dir_editor")
		}
		if _, err := find[DirLocation](ctx, tx, in.LocationID); errors.Is(err, ErrDirNotFound) {
			return httpx.Invalid("location_id", "exists", "toolkit.dir_not_found")
		} else if err != nil {
			return err
		}
		id, err = t.putLink(ctx, tx, id, s.Ambito, in, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return t.ServiceAtLocation(ctx, id)
}

// putLink creates or updates link id of ambito from a valid in whose
// service and location exist.
func (t *Toolkit) putLink(ctx context.Context, tx *gorm.DB, id, ambito string, in ServiceAtLocationInput, upsert bool) (string, error) {
	now := t.p.Now()
	l := DirServiceAtLocation{ID: newID(id), ServiceID: strings.ToLower(in.ServiceID), LocationID: strings.ToLower(in.LocationID), Ambito: ambito,
		Description: strings.TrimSpace(in.Description), CreatedAt: now, UpdatedAt: now}
	var n int64
	if err := tx.WithContext(ctx).Model(&DirServiceAtLocation{}).Where("service_id = ? AND location_id = ? AND id <> ?", l.ServiceID, l.LocationID, l.ID).
		Count(&n).Error; err != nil {
		return "", fmt.Errorf("toolkit: save link: %w", err)
	}
	if n > 0 {
		return "", ErrDirLinked
	}
	action := "link.create"
	if id != "" {
		old, err := find[DirServiceAtLocation](ctx, tx, id)
		switch {
		case errors.Is(err, ErrDirNotFound) && upsert:
		case err != nil:
			return "", err
		default:
			l.CreatedAt = old.CreatedAt
			action = "link.update"
		}
	}
	if err := tx.WithContext(ctx).Save(&l).Error; err != nil {
		return "", fmt.Errorf("toolkit: save link: %w", err)
	}
	if err := replacePhones(ctx, tx, ownerServiceAtLocation, l.ID, phoneRows(ownerServiceAtLocation, l.ID, in.Phones)); err != nil {
		return "", err
	}
	if err := replaceSchedules(ctx, tx, ownerServiceAtLocation, l.ID, scheduleRows(ownerServiceAtLocation, l.ID, in.Schedules)); err != nil {
		return "", err
	}
	return l.ID, t.audit(ctx, tx, ambito, action, "service_at_location", l.ID)
}

// DeleteServiceAtLocation removes a link: editors of the service's ambito.
func (t *Toolkit) DeleteServiceAtLocation(ctx context.Context, id string) error {
	return t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		l, _, err := editable(ctx, tx, id, func(l *DirServiceAtLocation) string { return l.Ambito })
		if err != nil {
			return err
		}
		if err := deleteLinks(ctx, tx, []string{l.ID}); err != nil {
			return err
		}
		return t.audit(ctx, tx, l.Ambito, "link.delete", "service_at_location", l.ID)
	})
}

// DirKind names the entries that are checked: organizations, services,
// locations.
type DirKind string

// The kinds of entries that are checked.
const (
	DirOrganizations DirKind = "organizations"
	DirServices      DirKind = "services"
	DirLocations     DirKind = "locations"
)

// MarkDirChecked records that the caller checked entry id of kind today (in
// Italy): editors of its ambito and admins. It returns the entry.
func (t *Toolkit) MarkDirChecked(ctx context.Context, kind DirKind, id string) (any, error) {
	var model any
	switch kind {
	case DirOrganizations:
		model = &DirOrganization{}
	case DirServices:
		model = &DirService{}
	case DirLocations:
		model = &DirLocation{}
	default:
		return nil, ErrDirNotFound
	}
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, ErrDirNotFound
	}
	id = strings.ToLower(id)
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var ambito string
		err := tx.Model(model).Where("id = ?", id).Limit(1).Pluck("ambito", &ambito).Error
		if err != nil {
			return fmt.Errorf("toolkit: check %s %s: %w", kind, id, err)
		}
		if ambito == "" {
			return ErrDirNotFound
		}
		if !mayEditDir(pr, ambito) {
			return incroci.ErrForbidden
		}
		var by *int64
		if pr.PersonID != 0 {
			by = &pr.PersonID
		}
		if err := tx.Model(model).Where("id = ?", id).Updates(map[string]any{"last_checked": t.today(), "checked_by": by}).Error; err != nil {
			return fmt.Errorf("toolkit: check %s %s: %w", kind, id, err)
		}
		return t.audit(ctx, tx, ambito, strings.TrimSuffix(string(kind), "s")+".check", strings.TrimSuffix(string(kind), "s"), id)
	})
	if err != nil {
		return nil, err
	}
	switch kind {
	case DirOrganizations:
		return t.Organization(ctx, id)
	case DirServices:
		return t.Service(ctx, id)
	default:
		return t.Location(ctx, id)
	}
}
