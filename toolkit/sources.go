package toolkit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SourceKind says what a legal source is.
type SourceKind string

// The kinds of legal source.
const (
	// SourceLaw: an article of a law, a decree or a regulation.
	SourceLaw SourceKind = "law"
	// SourceCircular: a circular or a directive of a ministry or an office.
	SourceCircular SourceKind = "circular"
	// SourceForm: a version of a form.
	SourceForm SourceKind = "form"
	// SourceOther: any other text a sheet rests on.
	SourceOther SourceKind = "other"
)

// Source is a legal source sheets rest on: a law article, a circular, a
// form version, valid from one day to another.
type Source struct {
	ID int64 `gorm:"primaryKey" json:"id"`
	// Ambito keeps the source; "" when the network does.
	Ambito string     `gorm:"size:64;not null;default:'';index" json:"ambito"`
	Kind   SourceKind `gorm:"size:16;not null" json:"kind"`
	Title  string     `gorm:"size:300;not null" json:"title"`
	// Reference cites it ("D.Lgs. 286/1998, art. 29").
	Reference string `gorm:"size:300;not null;default:''" json:"reference"`
	URL       string `gorm:"size:500;not null;default:''" json:"url"`
	// Version names the text in force (a form's version, a date of the text).
	Version string `gorm:"size:100;not null;default:''" json:"version"`
	// Text is the wording the sheets rely on, when kept.
	Text string `gorm:"type:text;not null;default:''" json:"text"`
	// ValidFrom and ValidTo bound the days it is valid (YYYY-MM-DD, both
	// included), "" when open.
	ValidFrom string `gorm:"size:10;not null;default:''" json:"valid_from"`
	ValidTo   string `gorm:"size:10;not null;default:'';index" json:"valid_to"`
	// ExpiredAt is when its expiry was recorded and its sheets flagged.
	ExpiredAt *time.Time `json:"expired_at"`
	CreatedBy int64      `gorm:"not null" json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	// Expired is true when ValidTo has passed (Italian time), in views.
	Expired bool `gorm:"-" json:"expired"`
}

// TableName places the table under the module's prefix.
func (Source) TableName() string { return "incroci_toolkit_sources" }

// SheetSource says that a sheet rests on a source.
type SheetSource struct {
	SheetID   int64 `gorm:"primaryKey;autoIncrement:false"`
	SourceID  int64 `gorm:"primaryKey;autoIncrement:false;index"`
	CreatedAt time.Time
}

// TableName places the table under the module's prefix.
func (SheetSource) TableName() string { return "incroci_toolkit_sheet_sources" }

// SourceChangeKind says what happened to a source.
type SourceChangeKind string

// The kinds of change of a source.
const (
	// ChangeEdited: an editor changed its text, version or validity.
	ChangeEdited SourceChangeKind = "changed"
	// ChangeExpired: its valid_to passed (found by CheckSources).
	ChangeExpired SourceChangeKind = "expired"
)

// SourceChange records one change of a source that flagged the sheets
// resting on it; their owners are told once per change.
type SourceChange struct {
	ID       int64            `gorm:"primaryKey" json:"id"`
	SourceID int64            `gorm:"not null;index" json:"source_id"`
	Kind     SourceChangeKind `gorm:"size:16;not null" json:"kind"`
	// Fields are the fields an editor changed.
	Fields  []string `gorm:"serializer:json;not null" json:"fields"`
	Note    string   `gorm:"size:500;not null;default:''" json:"note"`
	ActorID *int64   `json:"actor_id"`
	// Sheets counts the sheets the change flagged outdated.
	Sheets    int       `gorm:"not null;default:0" json:"sheets"`
	CreatedAt time.Time `json:"created_at"`
}

// TableName places the table under the module's prefix.
func (SourceChange) TableName() string { return "incroci_toolkit_source_changes" }

// SourceInput creates a legal source.
type SourceInput struct {
	// Ambito keeps the source; "" for the network.
	Ambito    string     `json:"ambito" validate:"omitempty,slug"`
	Kind      SourceKind `json:"kind" validate:"required,oneof=law circular form other"`
	Title     string     `json:"title" validate:"required,min=3,max=300,nocontrol"`
	Reference string     `json:"reference" validate:"max=300,nocontrol"`
	URL       string     `json:"url" validate:"max=500,nocontrol"`
	Version   string     `json:"version" validate:"max=100,nocontrol"`
	Text      string     `json:"text" validate:"max=20000"`
	ValidFrom string     `json:"valid_from" validate:"max=10"`
	ValidTo   string     `json:"valid_to" validate:"max=10"`
}

// SourcePatch changes a legal source; fields left out (nil) stay as they
// are. A change of its text, version or validity flags the sheets resting
// on it, and their translations, outdated, and tells their owners; Note
// says what changed.
type SourcePatch struct {
	Title     *string `json:"title" validate:"omitnil,min=3,max=300,nocontrol"`
	Reference *string `json:"reference" validate:"omitnil,max=300,nocontrol"`
	URL       *string `json:"url" validate:"omitnil,max=500,nocontrol"`
	Version   *string `json:"version" validate:"omitnil,max=100,nocontrol"`
	Text      *string `json:"text" validate:"omitnil,max=20000"`
	ValidFrom *string `json:"valid_from" validate:"omitnil,max=10"`
	ValidTo   *string `json:"valid_to" validate:"omitnil,max=10"`
	Note      string  `json:"note" validate:"required,min=3,max=500,nocontrol"`
}

// SourceView is a source with its changes, newest first, and how many
// sheets rest on it.
type SourceView struct {
	Source
	Changes []SourceChange `json:"changes"`
	Sheets  int64          `json:"sheet_count"`
}

// SourceQuery filters and pages sources.
type SourceQuery struct {
	// Ambito: one ambito's sources; "network" the network's; "" both (those
	// the caller may read).
	Ambito string
	// Q looks in titles and references.
	Q       string
	Page    int
	PerPage int
}

// substantive are the fields whose change flags the sheets resting on a
// source.
var substantive = []string{"text", "version", "valid_from", "valid_to"}

// mayReadSource reports whether pr may read source s: the network's by
// everyone in the network, an ambito's by the people of that ambito.
func mayReadSource(pr *incroci.Principal, s *Source) bool {
	if pr != nil && pr.Admin {
		return true
	}
	if !inNetwork(pr) {
		return false
	}
	return s.Ambito == "" || pr.InAmbito(s.Ambito)
}

// checkDate adds an issue when v is neither "" nor a day YYYY-MM-DD.
func checkDate(issues []httpx.FieldIssue, field, v string) []httpx.FieldIssue {
	if v == "" {
		return issues
	}
	if _, err := time.Parse(dateLayout, v); err != nil {
		return append(issues, httpx.FieldIssue{Field: field, Rule: "date", Key: "toolkit.date"})
	}
	return issues
}

// checkSource validates the fields validate tags cannot: the URL, the days
// and their order.
func checkSource(s *Source) error {
	var issues []httpx.FieldIssue
	if s.URL != "" && !strings.HasPrefix(s.URL, "https://") && !strings.HasPrefix(s.URL, "http://") {
		issues = append(issues, httpx.FieldIssue{Field: "url", Rule: "url", Key: "toolkit.url"})
	}
	issues = checkDate(issues, "valid_from", s.ValidFrom)
	issues = checkDate(issues, "valid_to", s.ValidTo)
	if issues == nil && s.ValidFrom != "" && s.ValidTo != "" && s.ValidTo < s.ValidFrom {
		issues = append(issues, httpx.FieldIssue{Field: "valid_to", Rule: "gtefield", Key: "toolkit.valid_to"})
	}
	if issues != nil {
		return &httpx.ValidationError{Fields: issues}
	}
	return nil
}

// CreateSource records a legal source: the editors of its ambito (any
// editor for the network's) and admins.
func (t *Toolkit) CreateSource(ctx context.Context, in SourceInput) (*SourceView, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	now := t.p.Now()
	s := Source{Ambito: in.Ambito, Kind: in.Kind, Title: strings.TrimSpace(in.Title), Reference: strings.TrimSpace(in.Reference),
		URL: strings.TrimSpace(in.URL), Version: strings.TrimSpace(in.Version), Text: strings.TrimSpace(in.Text),
		ValidFrom: in.ValidFrom, ValidTo: in.ValidTo, CreatedBy: pr.PersonID, CreatedAt: now, UpdatedAt: now}
	if err := checkSource(&s); err != nil {
		return nil, err
	}
	if !isEditor(pr, s.Ambito) {
		if len(pr.Ambiti(incroci.RoleEditor)) > 0 {
			return nil, httpx.Invalid("ambito", "role", "toolkit.ambito_editor")
		}
		return nil, incroci.ErrForbidden
	}
	if s.ValidTo != "" && s.ValidTo < t.today() {
		// Born expired: nothing rests on it yet, so nothing to tell.
		s.ExpiredAt = &now
	}
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&s).Error; err != nil {
			return fmt.Errorf("toolkit: create source: %w", err)
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.source.create", ObjectType: "source", ObjectID: fmt.Sprint(s.ID)}, nil)
	})
	if err != nil {
		return nil, err
	}
	return t.GetSource(ctx, s.ID)
}

// loadSource reads source id if pr may read it, locked for the
// transaction on PostgreSQL when lock.
func (t *Toolkit) loadSource(ctx context.Context, tx *gorm.DB, pr *incroci.Principal, id int64, lock bool) (*Source, error) {
	q := tx.WithContext(ctx)
	if lock && tx.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var s Source
	err := q.Where("id = ?", id).Take(&s).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrSourceNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("toolkit: source %d: %w", id, err)
	}
	if !mayReadSource(pr, &s) {
		return nil, ErrSourceNotFound
	}
	s.Expired = s.ValidTo != "" && s.ValidTo < t.today()
	return &s, nil
}

// GetSource returns a source with its changes to those who may read it:
// the network's sources to everyone in the network, an ambito's to its
// people.
func (t *Toolkit) GetSource(ctx context.Context, id int64) (*SourceView, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var out *SourceView
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, err := t.loadSource(ctx, tx, pr, id, false)
		if err != nil {
			return err
		}
		out = &SourceView{Source: *s, Changes: []SourceChange{}}
		if err := tx.Where("source_id = ?", s.ID).Order("id DESC").Find(&out.Changes).Error; err != nil {
			return fmt.Errorf("toolkit: changes of source %d: %w", s.ID, err)
		}
		if err := tx.Model(&SheetSource{}).Where("source_id = ?", s.ID).Count(&out.Sheets).Error; err != nil {
			return fmt.Errorf("toolkit: sheets of source %d: %w", s.ID, err)
		}
		return nil
	})
	return out, err
}

// UpdateSource changes a legal source: the editors of its ambito (any
// editor for the network's) and admins. When its text, version or
// validity changes, every sheet resting on it (archived ones aside) and
// each of their translations is flagged outdated, and each owner gets one
// e-mail for the change.
func (t *Toolkit) UpdateSource(ctx context.Context, id int64, in SourcePatch) (*SourceView, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	mailed := false
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, err := t.loadSource(ctx, tx, pr, id, true)
		if err != nil {
			return err
		}
		if !isEditor(pr, s.Ambito) {
			return incroci.ErrForbidden
		}
		old := *s
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = strings.TrimSpace(*v)
			}
		}
		set(&s.Title, in.Title)
		set(&s.Reference, in.Reference)
		set(&s.URL, in.URL)
		set(&s.Version, in.Version)
		set(&s.Text, in.Text)
		set(&s.ValidFrom, in.ValidFrom)
		set(&s.ValidTo, in.ValidTo)
		if err := checkSource(s); err != nil {
			return err
		}
		var changed []string
		for _, f := range []struct {
			name     string
			was, now string
		}{{"title", old.Title, s.Title}, {"reference", old.Reference, s.Reference}, {"url", old.URL, s.URL}, {"text", old.Text, s.Text},
			{"version", old.Version, s.Version}, {"valid_from", old.ValidFrom, s.ValidFrom}, {"valid_to", old.ValidTo, s.ValidTo}} {
			if f.was != f.now {
				changed = append(changed, f.name)
			}
		}
		now := t.p.Now()
		s.UpdatedAt = now
		if s.ValidTo == "" || s.ValidTo >= t.today() {
			s.ExpiredAt = nil // in force (again): a later expiry is news
		} else if s.ExpiredAt == nil {
			s.ExpiredAt = &now // expired by this change, which tells the owners
		}
		upd := map[string]any{"title": s.Title, "reference": s.Reference, "url": s.URL, "version": s.Version, "text": s.Text,
			"valid_from": s.ValidFrom, "valid_to": s.ValidTo, "expired_at": s.ExpiredAt, "updated_at": now}
		if err := tx.Model(&Source{}).Where("id = ?", s.ID).Updates(upd).Error; err != nil {
			return fmt.Errorf("toolkit: update source %d: %w", s.ID, err)
		}
		if err := t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.source.update", ObjectType: "source", ObjectID: fmt.Sprint(s.ID)},
			map[string]any{"fields": changed, "note": strings.TrimSpace(in.Note)}); err != nil {
			return err
		}
		if !slices.ContainsFunc(changed, func(f string) bool { return slices.Contains(substantive, f) }) {
			return nil
		}
		ch := SourceChange{SourceID: s.ID, Kind: ChangeEdited, Fields: changed, Note: strings.TrimSpace(in.Note), ActorID: &pr.PersonID, CreatedAt: now}
		n, err := t.flagSource(ctx, tx, s, &ch)
		mailed = n > 0
		return err
	})
	if err != nil {
		return nil, err
	}
	if mailed {
		t.p.WakeMail()
	}
	return t.GetSource(ctx, id)
}

// ListSources returns one page of the sources the caller may read, by
// title.
func (t *Toolkit) ListSources(ctx context.Context, q SourceQuery) ([]Source, int64, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, 0, err
	}
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PerPage < 1 || q.PerPage > 100 {
		q.PerPage = 20
	}
	out := []Source{}
	if !inNetwork(pr) {
		return out, 0, nil
	}
	db := t.db.WithContext(ctx).Model(&Source{})
	if !pr.Admin {
		db = db.Where("ambito = '' OR ambito IN ?", append(ambitiOf(pr), ""))
	}
	switch q.Ambito {
	case "":
	case "network":
		db = db.Where("ambito = ''")
	default:
		db = db.Where("ambito = ?", q.Ambito)
	}
	if s := strings.TrimSpace(q.Q); s != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(s)) + "%"
		db = db.Where("(LOWER(title) LIKE ? ESCAPE '\\' OR LOWER(reference) LIKE ? ESCAPE '\\')", like, like)
	}
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("toolkit: count sources: %w", err)
	}
	if err := db.Order("title, id").Offset((q.Page - 1) * q.PerPage).Limit(q.PerPage).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("toolkit: list sources: %w", err)
	}
	today := t.today()
	for i := range out {
		out[i].Expired = out[i].ValidTo != "" && out[i].ValidTo < today
	}
	return out, total, nil
}

// SheetSourcesInput names every legal source a sheet rests on.
type SheetSourcesInput struct {
	SourceIDs []int64 `json:"source_ids" validate:"required,max=50,dive,min=1"`
}

// SheetSources lists the legal sources sheet id rests on, by title, to
// whoever may read the sheet.
func (t *Toolkit) SheetSources(ctx context.Context, id int64) ([]Source, error) {
	pr := incroci.PrincipalFrom(ctx)
	var out []Source
	err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, _, err := t.visible(ctx, tx, pr, id, false)
		if err != nil {
			return err
		}
		out, err = t.sourcesOf(ctx, tx, s.ID)
		return err
	})
	return out, err
}

func (t *Toolkit) sourcesOf(ctx context.Context, tx *gorm.DB, sheetID int64) ([]Source, error) {
	out := []Source{}
	if err := tx.WithContext(ctx).Where("id IN (?)", tx.Model(&SheetSource{}).Select("source_id").Where("sheet_id = ?", sheetID)).
		Order("title, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("toolkit: sources of sheet %d: %w", sheetID, err)
	}
	today := t.today()
	for i := range out {
		out[i].Expired = out[i].ValidTo != "" && out[i].ValidTo < today
	}
	return out, nil
}

// SetSheetSources replaces the legal sources sheet id rests on: its
// editors at any time; its owner and the authors of its revisions while it
// is not published (once it is, they propose sources with a revision,
// RevisionInput.SourceIDs, applied when an editor publishes it). A sheet
// rests on the network's sources and its own ambito's.
func (t *Toolkit) SetSheetSources(ctx context.Context, id int64, in SheetSourcesInput) ([]Source, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	var out []Source
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, authored, err := t.visible(ctx, tx, pr, id, true)
		if err != nil {
			return err
		}
		if s.State == StateArchived {
			return ErrArchived
		}
		if !isEditor(pr, s.Ambito) && (s.State == StatePublished || (s.OwnerID != pr.PersonID && !authored)) {
			return incroci.ErrForbidden
		}
		if err := t.checkSourceIDs(ctx, tx, s, in.SourceIDs); err != nil {
			return err
		}
		if err := t.linkSources(ctx, tx, s.ID, in.SourceIDs); err != nil {
			return err
		}
		if err := t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.sheet.sources", ObjectType: "sheet", ObjectID: fmt.Sprint(s.ID)},
			map[string]any{"sources": in.SourceIDs}); err != nil {
			return err
		}
		out, err = t.sourcesOf(ctx, tx, s.ID)
		return err
	})
	return out, err
}

// checkSourceIDs refuses (422, naming the item) a source that does not
// exist or that sheet s may not rest on (another ambito's).
func (t *Toolkit) checkSourceIDs(ctx context.Context, tx *gorm.DB, s *Sheet, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var found []Source
	if err := tx.WithContext(ctx).Select("id", "ambito").Where("id IN ?", ids).Find(&found).Error; err != nil {
		return fmt.Errorf("toolkit: sources: %w", err)
	}
	var issues []httpx.FieldIssue
	for i, id := range ids {
		ok := slices.ContainsFunc(found, func(src Source) bool { return src.ID == id && (src.Ambito == "" || src.Ambito == s.Ambito) })
		if !ok {
			issues = append(issues, httpx.FieldIssue{Field: fmt.Sprintf("source_ids[%d]", i), Rule: "exists", Key: "toolkit.source_unknown"})
		}
	}
	if issues != nil {
		return &httpx.ValidationError{Fields: issues}
	}
	return nil
}

// linkSources makes sheet id rest on exactly the sources ids.
func (t *Toolkit) linkSources(ctx context.Context, tx *gorm.DB, id int64, ids []int64) error {
	if err := tx.WithContext(ctx).Where("sheet_id = ?", id).Delete(&SheetSource{}).Error; err != nil {
		return fmt.Errorf("toolkit: unlink sources of sheet %d: %w", id, err)
	}
	now := t.p.Now()
	for _, src := range slices.Compact(slices.Sorted(slices.Values(ids))) {
		if err := tx.WithContext(ctx).Create(&SheetSource{SheetID: id, SourceID: src, CreatedAt: now}).Error; err != nil {
			return fmt.Errorf("toolkit: link source %d to sheet %d: %w", src, id, err)
		}
	}
	return nil
}

// CheckSources finds the sources whose valid_to has passed (Italian time)
// and whose expiry was not recorded yet, and flags the sheets resting on
// each, with their translations, outdated, telling their owners once. It
// returns how many sources expired. The hub runs it periodically; each
// expiry is handled once, also with several instances.
func (t *Toolkit) CheckSources(ctx context.Context) (int, error) {
	var ids []int64
	if err := t.db.WithContext(ctx).Model(&Source{}).Where("valid_to <> '' AND valid_to < ? AND expired_at IS NULL", t.today()).
		Order("id").Limit(500).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("toolkit: sources to expire: %w", err)
	}
	expired, mailed := 0, false
	for _, id := range ids {
		err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			now := t.p.Now()
			// Claim the expiry first: a concurrent instance claiming it loses.
			res := tx.Model(&Source{}).Where("id = ? AND expired_at IS NULL", id).Update("expired_at", now)
			if res.Error != nil {
				return fmt.Errorf("toolkit: claim expiry of source %d: %w", id, res.Error)
			}
			if res.RowsAffected == 0 {
				return nil
			}
			var s Source
			if err := tx.Where("id = ?", id).Take(&s).Error; err != nil {
				return fmt.Errorf("toolkit: source %d: %w", id, err)
			}
			ch := SourceChange{SourceID: s.ID, Kind: ChangeExpired, Fields: []string{}, CreatedAt: now}
			n, err := t.flagSource(ctx, tx, &s, &ch)
			if err != nil {
				return err
			}
			expired++
			mailed = mailed || n > 0
			return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.source.expire", ObjectType: "source", ObjectID: fmt.Sprint(s.ID)},
				map[string]any{"valid_to": s.ValidTo, "sheets": n})
		})
		if err != nil {
			return expired, err
		}
	}
	if mailed {
		t.p.WakeMail()
	}
	return expired, nil
}
