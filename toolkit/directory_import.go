package toolkit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/internal/i18n"
	"gorm.io/gorm"
)

// The import and export document is a JSON array of full HSDS
// organizations (HSDSOrganization): each with its phones, its locations
// (with their address, languages, accessibility, phones and schedules) and
// its full services (phones, schedules, languages, taxonomy terms as
// attributes, and service_at_locations naming a location by location_id,
// one of the document's or one already in the directory). Every entry
// carries its UUID. HSDS fields the directory does not keep are left out
// and named in the result (Ignored), so that nobody believes them kept;
// last_modified is not exported, assured_date is the day the entry was
// last checked.

// ImportProblem is one problem of an uploaded document: where (a JSON
// pointer, and the line and column where it starts, from 1) and what.
type ImportProblem struct {
	Field   string `json:"field"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// ImportError lists every problem of a document that was not imported.
type ImportError struct {
	Problems []ImportProblem
}

// Error lists the problems, for logs.
func (e *ImportError) Error() string {
	var b strings.Builder
	b.WriteString("toolkit: import refused:")
	for _, p := range e.Problems {
		fmt.Fprintf(&b, " %s(%d:%d %s)", p.Field, p.Line, p.Column, p.Rule)
	}
	return b.String()
}

// Is makes errors.Is(err, httpx.ErrInvalid) true.
func (e *ImportError) Is(target error) bool { return target == httpx.ErrInvalid }

// ImportResult counts the entries an import wrote (created or replaced).
type ImportResult struct {
	Organizations      int `json:"organizations"`
	Locations          int `json:"locations"`
	Services           int `json:"services"`
	ServiceAtLocations int `json:"service_at_locations"`
	// Ignored are the fields of the document that the directory does not
	// keep, as JSON pointers with "*" for every index ("/*/funding"),
	// sorted; empty when every field was kept.
	Ignored []string `json:"ignored"`
}

// MaxImport is the largest document Import reads, in bytes.
const MaxImport = 8 << 20

// Export returns the directory's entries of ambito ("" for every ambito)
// as the import document: organizations by name, each with its locations
// and services by name. Anyone reads the directory.
func (t *Toolkit) Export(ctx context.Context, ambito string) ([]HSDSOrganization, error) {
	tx := t.db.WithContext(ctx)
	q := tx.Order("name, id")
	if ambito != "" {
		q = q.Where("ambito = ?", ambito)
	}
	var orgs []DirOrganization
	if err := q.Find(&orgs).Error; err != nil {
		return nil, fmt.Errorf("toolkit: export: %w", err)
	}
	return t.hsdsOrganizations(ctx, tx, orgs, false)
}

// jspec is the JSON type the import expects at a place of the document.
type jspec struct {
	kind   byte // 's' string, 'n' number, 'i' integer, 'o' object, 'a' array
	fields map[string]*jspec
	elem   *jspec
}

func jobj(strs string, more map[string]*jspec) *jspec {
	s := &jspec{kind: 'o', fields: map[string]*jspec{}}
	for _, f := range strings.Fields(strs) {
		s.fields[f] = &jspec{kind: 's'}
	}
	for k, v := range more {
		s.fields[k] = v
	}
	return s
}

func jarr(e *jspec) *jspec { return &jspec{kind: 'a', elem: e} }

var (
	jint = &jspec{kind: 'i'}
	jnum = &jspec{kind: 'n'}
	// importSpec is the shape of the import document, as far as the
	// directory reads it.
	importSpec = func() *jspec {
		phone := jobj("id number type description", map[string]*jspec{"extension": jint})
		schedule := jobj("id freq byday valid_from valid_to opens_at closes_at description notes attending_type",
			map[string]*jspec{"interval": jint, "timezone": jint})
		language := jobj("id name code note", nil)
		location := jobj("id location_type organization_id name alternate_name description transportation", map[string]*jspec{
			"latitude": jnum, "longitude": jnum, "languages": jarr(language),
			"addresses":     jarr(jobj("id address_1 address_2 city region state_province postal_code country address_type", nil)),
			"accessibility": jarr(jobj("id description details url", nil)), "phones": jarr(phone), "schedules": jarr(schedule)})
		sal := jobj("id service_id location_id description", map[string]*jspec{"phones": jarr(phone), "schedules": jarr(schedule)})
		// A term's details are the taxonomy's, read by its id: not data of
		// the entry, so not counted as left out.
		term := jobj("id code name description parent_id taxonomy taxonomy_id language term_uri", nil)
		attribute := jobj("id link_id taxonomy_term_id link_type link_entity value", map[string]*jspec{"taxonomy_term": term})
		service := jobj("id organization_id name alternate_name description url email status interpretation_services application_process "+
			"fees_description eligibility_description assured_date last_modified", map[string]*jspec{"phones": jarr(phone), "schedules": jarr(schedule),
			"languages": jarr(language), "service_at_locations": jarr(sal), "attributes": jarr(attribute)})
		org := jobj("id name alternate_name description email website", map[string]*jspec{"phones": jarr(phone), "locations": jarr(location),
			"services": jarr(service)})
		return jarr(org)
	}()
)

// importDoc is a document being checked: its bytes, where each JSON
// pointer starts, and the problems found.
type importDoc struct {
	raw      []byte
	at       map[string]int64
	lang     string
	problems []ImportProblem
	ignored  map[string]bool // pointers, indices as "*", of fields not kept
}

// offsets reads the document token by token and records where each value
// (each member's key, for members) starts.
func (d *importDoc) offsets() error {
	dec := json.NewDecoder(bytes.NewReader(d.raw))
	dec.UseNumber()
	var walk func(ptr string) error
	walk = func(ptr string) error {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if _, ok := d.at[ptr]; !ok {
			d.at[ptr] = start
		}
		delim, ok := tok.(json.Delim)
		if !ok {
			return nil
		}
		for i := 0; dec.More(); i++ {
			child := ptr + "/" + strconv.Itoa(i)
			if delim == '{' {
				keyAt := dec.InputOffset()
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				child = ptr + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(kt.(string))
				d.at[child] = keyAt
			}
			if err := walk(child); err != nil {
				return err
			}
		}
		_, err = dec.Token()
		return err
	}
	if err := walk(""); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return &json.SyntaxError{Offset: dec.InputOffset()}
	}
	return nil
}

// position returns the line and column (from 1) of offset, past the
// blanks, commas and colons before a value.
func (d *importDoc) position(off int64) (int, int) {
	for off < int64(len(d.raw)) && strings.IndexByte(" \t\r\n,:", d.raw[off]) >= 0 {
		off++
	}
	off = min(off, int64(len(d.raw)))
	before := d.raw[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}

// add records a problem at ptr (located at its nearest ancestor present in
// the document).
func (d *importDoc) add(ptr, rule, message string) {
	p := ptr
	off, ok := d.at[p]
	for !ok && p != "" {
		p = p[:strings.LastIndexByte(p, '/')]
		off, ok = d.at[p]
	}
	line, col := d.position(off)
	d.problems = append(d.problems, ImportProblem{Field: ptr, Line: line, Column: col, Rule: rule, Message: message})
}

func (d *importDoc) addKey(ptr, rule, key string, args ...any) {
	d.add(ptr, rule, i18n.T(d.lang, key, args...))
}

// checkTypes compares v (decoded with UseNumber) with spec at ptr.
func (d *importDoc) checkTypes(ptr string, v any, spec *jspec) {
	if v == nil {
		return
	}
	want := map[byte]string{'s': "string", 'n': "number", 'i': "integer", 'o': "object", 'a': "array"}[spec.kind]
	ok := false
	switch x := v.(type) {
	case string:
		ok = spec.kind == 's'
	case json.Number:
		_, intErr := strconv.ParseInt(string(x), 10, 64)
		ok = spec.kind == 'n' || (spec.kind == 'i' && intErr == nil)
	case map[string]any:
		if ok = spec.kind == 'o'; ok {
			for k, fv := range x {
				kp := ptr + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
				if fs := spec.fields[k]; fs != nil {
					d.checkTypes(kp, fv, fs)
				} else if fv != nil {
					d.ignored[anyIndex.ReplaceAllString(kp, "/*")] = true
				}
			}
		}
	case []any:
		if ok = spec.kind == 'a'; ok {
			for i, ev := range x {
				d.checkTypes(ptr+"/"+strconv.Itoa(i), ev, spec.elem)
			}
		}
	}
	if !ok {
		d.addKey(ptr, "type", "field.type", want)
	}
}

// anyIndex is an array index inside a JSON pointer.
var anyIndex = regexp.MustCompile(`/\d+\b`)

var fieldIndex = regexp.MustCompile(`\[(\d+)\]`)

// addIssues records validation issues of an input found at base, its
// fields renamed by renames ("address" → "addresses/0").
func (d *importDoc) addIssues(base string, err error, renames map[string]string) error {
	if err == nil {
		return nil
	}
	var ve *httpx.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	for _, f := range ve.Fields {
		p := strings.ReplaceAll(fieldIndex.ReplaceAllString(f.Field, "/$1"), ".", "/")
		for from, to := range renames {
			if p == from || strings.HasPrefix(p, from+"/") {
				p = to + strings.TrimPrefix(p, from)
			}
		}
		msg := f.Message
		if msg == "" {
			msg = i18n.T(d.lang, f.Key, f.Args...)
		}
		d.add(base+"/"+p, f.Rule, msg)
	}
	return nil
}

func phonesIn(list []HSDSPhone) []PhoneInput {
	out := make([]PhoneInput, len(list))
	for i, p := range list {
		out[i] = PhoneInput{ID: p.ID, Number: p.Number, Extension: p.Extension, Type: p.Type, Description: p.Description}
	}
	return out
}

func (d *importDoc) schedulesIn(base string, list []HSDSSchedule) []ScheduleInput {
	out := make([]ScheduleInput, len(list))
	for i, s := range list {
		if s.Timezone != nil && *s.Timezone != 1 && *s.Timezone != 2 {
			d.addKey(fmt.Sprintf("%s/%d/timezone", base, i), "timezone", "toolkit.dir_timezone")
		}
		out[i] = ScheduleInput{ID: s.ID, Freq: s.Freq, Interval: s.Interval, ByDay: s.ByDay, ValidFrom: s.ValidFrom, ValidTo: s.ValidTo,
			OpensAt: s.OpensAt, ClosesAt: s.ClosesAt, Description: s.Description, Notes: s.Notes, AttendingType: s.AttendingType}
	}
	return out
}

func languagesIn(list []HSDSLanguage) []LanguageInput {
	out := make([]LanguageInput, len(list))
	for i, l := range list {
		out[i] = LanguageInput{ID: l.ID, Code: l.Code, Name: l.Name, Note: l.Note}
	}
	return out
}

// importPlan is a checked document, ready to write.
type importPlan struct {
	orgs      []planned[OrganizationInput]
	locations []planned[LocationInput]
	services  []planned[ServiceInput]
	links     []planned[ServiceAtLocationInput]
}

type planned[T any] struct {
	id  string
	ptr string
	in  T
}

// Import reads an HSDS document (see Export) into ambito: editors of that
// ambito and admins. Entries are created, or replaced when their id is
// already the ambito's; the entries of other ambiti are refused. Nothing
// is written unless the whole document is valid: otherwise an
// *ImportError lists every problem with its place in the document.
func (t *Toolkit) Import(ctx context.Context, ambito string, raw []byte) (*ImportResult, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if !mayEditDir(pr, ambito) {
		if inNetwork(pr) {
			return nil, httpx.Invalid("ambito", "role", "toolkit.dir_editor")
		}
		return nil, incroci.ErrForbidden
	}
	d := &importDoc{raw: raw, at: map[string]int64{}, lang: incroci.LangFrom(ctx), ignored: map[string]bool{}}
	if err := d.offsets(); err != nil {
		var se *json.SyntaxError
		off := int64(len(raw))
		if errors.As(err, &se) {
			off = se.Offset
		}
		line, col := d.position(off)
		return nil, &ImportError{Problems: []ImportProblem{{Field: "", Line: line, Column: col, Rule: "syntax", Message: i18n.T(d.lang, "err.malformed")}}}
	}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return nil, fmt.Errorf("toolkit: import: %w", err)
	}
	if d.checkTypes("", generic, importSpec); d.problems != nil {
		return nil, &ImportError{Problems: d.problems}
	}
	var doc []HSDSOrganization
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("toolkit: import: %w", err)
	}
	plan, err := t.planImport(ctx, d, ambito, doc)
	if err != nil {
		return nil, err
	}
	if d.problems != nil {
		return nil, &ImportError{Problems: d.problems}
	}
	res := &ImportResult{Organizations: len(plan.orgs), Locations: len(plan.locations), Services: len(plan.services), ServiceAtLocations: len(plan.links),
		Ignored: slices.Sorted(maps.Keys(d.ignored))}
	if res.Ignored == nil {
		res.Ignored = []string{}
	}
	// The search is brought up to date once, at the end.
	ctx = context.WithValue(ctx, importingKey{}, true)
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, o := range plan.orgs {
			if _, err := t.putOrganization(ctx, tx, o.id, o.in, true); err != nil {
				return fmt.Errorf("toolkit: import %s: %w", o.ptr, err)
			}
		}
		for _, l := range plan.locations {
			if _, err := t.putLocation(ctx, tx, l.id, ambito, l.in, true); err != nil {
				return fmt.Errorf("toolkit: import %s: %w", l.ptr, err)
			}
		}
		for _, s := range plan.services {
			if _, err := t.putService(ctx, tx, s.id, ambito, s.in, true); err != nil {
				return fmt.Errorf("toolkit: import %s: %w", s.ptr, err)
			}
		}
		for _, l := range plan.links {
			if _, err := t.putLink(ctx, tx, l.id, ambito, l.in, true); err != nil {
				return fmt.Errorf("toolkit: import %s: %w", l.ptr, err)
			}
		}
		if err := t.reindexServices(ctx, tx, ambito); err != nil {
			return err
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: ambito, Action: "toolkit.dir.import", ObjectType: "dir_import", ObjectID: ambito}, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// planImport converts and checks every entry of doc, recording problems
// in d.
func (t *Toolkit) planImport(ctx context.Context, d *importDoc, ambito string, doc []HSDSOrganization) (*importPlan, error) {
	plan := &importPlan{}
	comuni, err := t.comuni(ctx, t.db, ambito)
	if err != nil {
		return nil, err
	}
	ids := map[string]string{} // id -> pointer of its first use
	entryID := func(ptr, id string) string {
		switch _, err := uuid.Parse(id); {
		case id == "":
			d.addKey(ptr+"/id", "required", "toolkit.dir_required")
		case err != nil || len(id) != 36:
			d.addKey(ptr+"/id", "uuid", "toolkit.dir_uuid")
		default:
			id = strings.ToLower(id)
			if first, dup := ids[id]; dup {
				d.addKey(ptr+"/id", "unique", "toolkit.dir_duplicate", first)
			}
			ids[id] = ptr + "/id"
			return id
		}
		return ""
	}
	childIDs := func(ptr string, list []string) {
		for i, id := range list {
			if id != "" {
				entryID(fmt.Sprintf("%s/%d", ptr, i), id)
			}
		}
	}
	sameAs := func(ptr, got, want string) {
		if got != "" && !strings.EqualFold(got, want) {
			d.addKey(ptr, "eqfield", "toolkit.dir_parent")
		}
	}
	locationIDs := map[string]bool{}
	for i, o := range doc {
		op := "/" + strconv.Itoa(i)
		oid := entryID(op, o.ID)
		childIDs(op+"/phones", phoneIDs(o.Phones))
		in := OrganizationInput{Ambito: ambito, Name: o.Name, AlternateName: o.AlternateName, Description: o.Description, Email: o.Email,
			Website: o.Website, Phones: phonesIn(o.Phones)}
		if err := d.addIssues(op, validateDir(ctx, &in, nil), nil); err != nil {
			return nil, err
		}
		plan.orgs = append(plan.orgs, planned[OrganizationInput]{oid, op, in})
		for j, l := range o.Locations {
			lp := fmt.Sprintf("%s/locations/%d", op, j)
			lid := entryID(lp, l.ID)
			locationIDs[lid] = true
			sameAs(lp+"/organization_id", l.OrganizationID, o.ID)
			for k, list := range map[string][]string{"phones": phoneIDs(l.Phones), "schedules": scheduleIDs(l.Schedules), "languages": languageIDs(l.Languages),
				"accessibility": accessibilityIDs(l.Accessibility), "addresses": addressIDs(l.Addresses)} {
				childIDs(lp+"/"+k, list)
			}
			in := LocationInput{OrganizationID: o.ID, LocationType: l.LocationType, Name: l.Name, AlternateName: l.AlternateName, Description: l.Description,
				Transportation: l.Transportation, Latitude: l.Latitude, Longitude: l.Longitude, Languages: languagesIn(l.Languages),
				Phones: phonesIn(l.Phones), Schedules: d.schedulesIn(lp+"/schedules", l.Schedules)}
			for _, a := range l.Accessibility {
				in.Accessibility = append(in.Accessibility, AccessibilityInput{ID: a.ID, Description: a.Description, Details: a.Details, URL: a.URL})
			}
			if len(l.Addresses) > 1 {
				d.addKey(lp+"/addresses/1", "max", "toolkit.dir_one_address")
			}
			if len(l.Addresses) > 0 {
				a := l.Addresses[0]
				in.Address = &AddressInput{ID: a.ID, Address1: a.Address1, Address2: a.Address2, City: a.City, StateProvince: a.StateProvince,
					PostalCode: a.PostalCode, Country: a.Country}
				if a.City != "" && !inComuni(comuni, a.City) {
					d.addKey(lp+"/addresses/0/city", "oneof", "toolkit.dir_comune", strings.Join(comuni, ", "))
				}
			}
			if err := d.addIssues(lp, validateDir(ctx, &in, in.check()), map[string]string{"address": "addresses/0", "organization_id": "id"}); err != nil {
				return nil, err
			}
			plan.locations = append(plan.locations, planned[LocationInput]{lid, lp, in})
		}
		for j, s := range o.Services {
			sp := fmt.Sprintf("%s/services/%d", op, j)
			sid := entryID(sp, s.ID)
			sameAs(sp+"/organization_id", s.OrganizationID, o.ID)
			for k, list := range map[string][]string{"phones": phoneIDs(s.Phones), "schedules": scheduleIDs(s.Schedules), "languages": languageIDs(s.Languages)} {
				childIDs(sp+"/"+k, list)
			}
			in := ServiceInput{OrganizationID: o.ID, Name: s.Name, AlternateName: s.AlternateName, Description: s.Description, URL: s.URL, Email: s.Email,
				Status: ServiceStatus(s.Status), InterpretationServices: s.InterpretationServices, ApplicationProcess: s.ApplicationProcess,
				FeesDescription: s.FeesDescription, EligibilityDescription: s.EligibilityDescription, Phones: phonesIn(s.Phones),
				Schedules: d.schedulesIn(sp+"/schedules", s.Schedules), Languages: languagesIn(s.Languages), Kinds: []string{}, Topics: []string{}}
			var kindIDs, topicIDs []string
			for k, a := range s.Attributes {
				ap := fmt.Sprintf("%s/attributes/%d", sp, k)
				aid := entryID(ap, a.ID)
				tid := a.TaxonomyTermID
				if tid == "" && a.TaxonomyTerm != nil {
					tid = a.TaxonomyTerm.ID
				}
				term, ok := termByID(tid)
				switch {
				case !ok:
					d.addKey(ap+"/taxonomy_term_id", "oneof", "toolkit.dir_term")
				case term.Taxonomy == TaxonomyKinds && !slices.Contains(in.Kinds, term.Code):
					in.Kinds, kindIDs = append(in.Kinds, term.Code), append(kindIDs, aid)
				case term.Taxonomy == TaxonomyTopics && !slices.Contains(in.Topics, term.Code):
					in.Topics, topicIDs = append(in.Topics, term.Code), append(topicIDs, aid)
				default:
					d.addKey(ap+"/taxonomy_term_id", "unique", "toolkit.dir_duplicate", "")
				}
			}
			in.termIDs = append(kindIDs, topicIDs...)
			if _, err := time.Parse(time.DateOnly, s.AssuredDate); s.AssuredDate != "" && err != nil {
				d.addKey(sp+"/assured_date", "date", "toolkit.date")
			}
			in.assured = s.AssuredDate
			if err := d.addIssues(sp, validateDir(ctx, &in, in.check()), map[string]string{"organization_id": "id"}); err != nil {
				return nil, err
			}
			plan.services = append(plan.services, planned[ServiceInput]{sid, sp, in})
			for k, l := range s.ServiceAtLocations {
				lp := fmt.Sprintf("%s/service_at_locations/%d", sp, k)
				lid := entryID(lp, l.ID)
				sameAs(lp+"/service_id", l.ServiceID, s.ID)
				childIDs(lp+"/phones", phoneIDs(l.Phones))
				childIDs(lp+"/schedules", scheduleIDs(l.Schedules))
				in := ServiceAtLocationInput{ServiceID: s.ID, LocationID: l.LocationID, Description: l.Description, Phones: phonesIn(l.Phones),
					Schedules: d.schedulesIn(lp+"/schedules", l.Schedules)}
				if err := d.addIssues(lp, validateDir(ctx, &in, in.check()), map[string]string{"service_id": "id"}); err != nil {
					return nil, err
				}
				plan.links = append(plan.links, planned[ServiceAtLocationInput]{lid, lp, in})
			}
		}
	}
	return plan, t.checkAgainstDB(ctx, d, ambito, plan, locationIDs)
}

// checkAgainstDB refuses entries of other ambiti, links to unknown
// locations and a second link of a service to a location.
func (t *Toolkit) checkAgainstDB(ctx context.Context, d *importDoc, ambito string, plan *importPlan, docLocations map[string]bool) error {
	tx := t.db.WithContext(ctx)
	others := func(model any, ids []string) (map[string]bool, error) {
		out := map[string]bool{}
		for chunk := range slices.Chunk(ids, 500) {
			var found []string
			if err := tx.Model(model).Where("id IN ? AND ambito <> ?", chunk, ambito).Pluck("id", &found).Error; err != nil {
				return nil, fmt.Errorf("toolkit: import: %w", err)
			}
			for _, id := range found {
				out[id] = true
			}
		}
		return out, nil
	}
	check := func(model any, ids, ptrs []string) error {
		taken, err := others(model, ids)
		if err != nil {
			return err
		}
		for i, id := range ids {
			if taken[id] {
				d.addKey(ptrs[i]+"/id", "ambito", "toolkit.dir_other_ambito")
			}
		}
		return nil
	}
	type entries struct {
		model     any
		ids, ptrs []string
	}
	var all []entries
	for _, e := range []struct {
		model any
		ids   func() ([]string, []string)
	}{
		{&DirOrganization{}, func() ([]string, []string) { return plannedIDs(plan.orgs) }},
		{&DirLocation{}, func() ([]string, []string) { return plannedIDs(plan.locations) }},
		{&DirService{}, func() ([]string, []string) { return plannedIDs(plan.services) }},
		{&DirServiceAtLocation{}, func() ([]string, []string) { return plannedIDs(plan.links) }},
	} {
		ids, ptrs := e.ids()
		all = append(all, entries{e.model, ids, ptrs})
	}
	for _, e := range all {
		if err := check(e.model, e.ids, e.ptrs); err != nil {
			return err
		}
	}
	pairs := map[[2]string]bool{}
	for _, l := range plan.links {
		loc := strings.ToLower(l.in.LocationID)
		if _, err := uuid.Parse(loc); err == nil && !docLocations[loc] {
			var n int64
			if err := tx.Model(&DirLocation{}).Where("id = ?", loc).Count(&n).Error; err != nil {
				return fmt.Errorf("toolkit: import: %w", err)
			}
			if n == 0 {
				d.addKey(l.ptr+"/location_id", "exists", "toolkit.dir_not_found")
			}
		}
		pair := [2]string{strings.ToLower(l.in.ServiceID), loc}
		if pairs[pair] {
			d.addKey(l.ptr+"/location_id", "unique", "toolkit.dir_linked")
		}
		pairs[pair] = true
		var n int64
		if err := tx.Model(&DirServiceAtLocation{}).Where("service_id = ? AND location_id = ? AND id <> ?", pair[0], pair[1], l.id).Count(&n).Error; err != nil {
			return fmt.Errorf("toolkit: import: %w", err)
		}
		if n > 0 {
			d.addKey(l.ptr+"/location_id", "unique", "toolkit.dir_linked")
		}
	}
	return nil
}

func plannedIDs[T any](list []planned[T]) ([]string, []string) {
	ids, ptrs := make([]string, len(list)), make([]string, len(list))
	for i, p := range list {
		ids[i], ptrs[i] = p.id, p.ptr
	}
	return ids, ptrs
}

func phoneIDs(l []HSDSPhone) []string {
	return idsOf(l, func(p *HSDSPhone) string { return p.ID })
}

func scheduleIDs(l []HSDSSchedule) []string {
	return idsOf(l, func(p *HSDSSchedule) string { return p.ID })
}

func languageIDs(l []HSDSLanguage) []string {
	return idsOf(l, func(p *HSDSLanguage) string { return p.ID })
}

func accessibilityIDs(l []HSDSAccessibility) []string {
	return idsOf(l, func(p *HSDSAccessibility) string { return p.ID })
}

func addressIDs(l []HSDSAddress) []string {
	return idsOf(l, func(p *HSDSAddress) string { return p.ID })
}
