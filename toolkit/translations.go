package toolkit

import (
	"context"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// languagesCSV is a copy of ../shared/domain/languages.csv: the languages
// sheets are translated into (Italian is the sheets' own).
//
//go:embed languages.csv
var languagesCSV string

// Language is a language sheets may be translated into.
type Language struct {
	Code       string `json:"code"`
	NameIT     string `json:"name_it"`
	NameNative string `json:"name_native"`
	// Direction is "rtl" for languages written right to left, else "ltr".
	Direction string `json:"direction"`
}

// Languages returns the languages of ../shared/domain/languages.csv, in
// its order, Italian (the sheets' own language) left out.
var Languages = sync.OnceValue(func() []Language {
	rows, err := csv.NewReader(strings.NewReader(languagesCSV)).ReadAll()
	if err != nil {
		panic("toolkit: embedded languages.csv: " + err.Error())
	}
	out := make([]Language, 0, len(rows))
	for _, r := range rows[1:] {
		if r[0] != "it" {
			out = append(out, Language{Code: r[0], NameIT: r[1], NameNative: r[2], Direction: r[3]})
		}
	}
	return out
})

// language returns the language of code, or nil.
func language(code string) *Language {
	for _, l := range Languages() {
		if l.Code == code {
			return &l
		}
	}
	return nil
}

// TranslationStatus is where a translation stands.
type TranslationStatus string

// The statuses of a translation.
const (
	// TranslationMissing: there is none (never stored).
	TranslationMissing TranslationStatus = "missing"
	// TranslationMachine: written by a machine, not yet read by a person.
	TranslationMachine TranslationStatus = "machine"
	// TranslationHuman: written or revised by a person.
	TranslationHuman TranslationStatus = "human"
	// TranslationChecked: checked by a mediator against the Italian text.
	TranslationChecked TranslationStatus = "checked"
	// TranslationOutdated: the Italian text changed after it (a newer
	// revision was published, or a legal source of the sheet changed).
	TranslationOutdated TranslationStatus = "outdated"
)

// Translation is a sheet's text in another language.
type Translation struct {
	ID       int64             `gorm:"primaryKey" json:"id"`
	SheetID  int64             `gorm:"not null;uniqueIndex:incroci_toolkit_translations_lang,priority:1" json:"sheet_id"`
	Lang     string            `gorm:"size:8;not null;uniqueIndex:incroci_toolkit_translations_lang,priority:2" json:"lang"`
	Title    string            `gorm:"size:200;not null" json:"title"`
	Sections map[string]string `gorm:"serializer:json;not null" json:"sections"`
	Status   TranslationStatus `gorm:"size:16;not null" json:"status"`
	// BaseRevisionID is the Italian revision it translates.
	BaseRevisionID int64      `gorm:"not null" json:"base_revision_id"`
	TranslatorID   int64      `gorm:"not null" json:"translator_id"`
	CheckerID      *int64     `json:"checker_id"`
	CheckedAt      *time.Time `json:"checked_at"`
	// OutdatedReason says why it is outdated ("" when it is not).
	OutdatedReason   OutdatedReason `gorm:"size:32;not null;default:''" json:"outdated_reason"`
	OutdatedSourceID *int64         `json:"outdated_source_id"`
	CreatedAt        time.Time      `json:"created_at"`
	UpdatedAt        time.Time      `json:"updated_at"`
}

// TableName places the table under the module's prefix.
func (Translation) TableName() string { return "incroci_toolkit_translations" }

// TranslationView is a sheet in one language: the language, the status
// (missing when there is no translation), and the translation with its
// sections rendered and sanitised when there is one.
type TranslationView struct {
	Language
	Status      TranslationStatus `json:"status"`
	Translation *Translation      `json:"translation"`
	HTML        map[string]string `json:"html"`
	// TranslatorName and CheckerName name who wrote and checked it.
	TranslatorName string `json:"translator_name,omitempty"`
	CheckerName    string `json:"checker_name,omitempty"`
}

// TranslationInput writes a sheet's translation.
type TranslationInput struct {
	Title string `json:"title" validate:"required,min=3,max=200,nocontrol"`
	// Sections use the keys of the Italian revision translated.
	Sections map[string]string `json:"sections"`
	// Machine marks a machine translation nobody has revised; otherwise it
	// counts as written by a person.
	Machine bool `json:"machine"`
}

// isMediator reports whether pr is a mediator for the sheets of ambito:
// its mediators, any ambito's for the network's sheets.
func isMediator(pr *incroci.Principal, ambito string) bool {
	if pr == nil {
		return false
	}
	if ambito == "" {
		return len(pr.Ambiti(incroci.RoleMediator)) > 0
	}
	return pr.Has(incroci.RoleMediator, ambito)
}

// shownRevision returns the revision sheet s shows: the published one, or
// the latest while none is.
func shownRevision(s *Sheet) int64 {
	if s.PublishedID != nil {
		return *s.PublishedID
	}
	return s.LatestID
}

// Translations lists sheet id in every language of Languages, in their
// order, to whoever may read the sheet: missing ones with their status
// only.
func (t *Toolkit) Translations(ctx context.Context, id int64) ([]TranslationView, error) {
	pr := incroci.PrincipalFrom(ctx)
	var out []TranslationView
	err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, _, err := t.visible(ctx, tx, pr, id, false)
		if err != nil {
			return err
		}
		var list []Translation
		if err := tx.Where("sheet_id = ?", s.ID).Find(&list).Error; err != nil {
			return fmt.Errorf("toolkit: translations of sheet %d: %w", s.ID, err)
		}
		var people []int64
		for _, tr := range list {
			people = append(people, tr.TranslatorID)
			if tr.CheckerID != nil {
				people = append(people, *tr.CheckerID)
			}
		}
		names, err := t.names(ctx, tx, people...)
		if err != nil {
			return err
		}
		out = make([]TranslationView, 0, len(Languages()))
		for _, l := range Languages() {
			i := slices.IndexFunc(list, func(tr Translation) bool { return tr.Lang == l.Code })
			if i < 0 {
				out = append(out, TranslationView{Language: l, Status: TranslationMissing, HTML: map[string]string{}})
				continue
			}
			out = append(out, translationView(&list[i], names))
		}
		return nil
	})
	return out, err
}

func translationView(tr *Translation, names map[int64]string) TranslationView {
	v := TranslationView{Language: *language(tr.Lang), Status: tr.Status, Translation: tr, HTML: map[string]string{}, TranslatorName: names[tr.TranslatorID]}
	if tr.CheckerID != nil {
		v.CheckerName = names[*tr.CheckerID]
	}
	for k, s := range tr.Sections {
		v.HTML[k] = RenderMarkdown(s)
	}
	return v
}

// translatable loads sheet id for a change to its translation into lang,
// and the translation when there is one (nil otherwise), locked.
func (t *Toolkit) translatable(ctx context.Context, tx *gorm.DB, pr *incroci.Principal, id int64, lang string) (*Sheet, bool, *Translation, error) {
	s, authored, err := t.visible(ctx, tx, pr, id, true)
	if err != nil {
		return nil, false, nil, err
	}
	if language(lang) == nil {
		return nil, false, nil, ErrLanguageNotFound
	}
	if s.State == StateArchived {
		return nil, false, nil, ErrArchived
	}
	q := tx.WithContext(ctx)
	if tx.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var tr Translation
	err = q.Where("sheet_id = ? AND lang = ?", s.ID, lang).Take(&tr).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return s, authored, nil, nil
	}
	if err != nil {
		return nil, false, nil, fmt.Errorf("toolkit: translation %s of sheet %d: %w", lang, s.ID, err)
	}
	return s, authored, &tr, nil
}

// WriteTranslation writes sheet id in lang, translating the revision the
// sheet shows: its editors, the mediators of its ambito (any mediator for
// the network's sheets), its owner and the authors of its revisions. It
// counts as a person's translation (human) unless in.Machine.
func (t *Toolkit) WriteTranslation(ctx context.Context, id int64, lang string, in TranslationInput) (*TranslationView, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	if issues := t.checkSections(in.Sections); issues != nil {
		return nil, &httpx.ValidationError{Fields: issues}
	}
	var out *TranslationView
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, authored, tr, err := t.translatable(ctx, tx, pr, id, lang)
		if err != nil {
			return err
		}
		if !isEditor(pr, s.Ambito) && !isMediator(pr, s.Ambito) && s.OwnerID != pr.PersonID && !authored {
			return incroci.ErrForbidden
		}
		base := shownRevision(s)
		var r Revision
		if err := tx.Select("id", "sections").Where("id = ?", base).Take(&r).Error; err != nil {
			return fmt.Errorf("toolkit: revision %d: %w", base, err)
		}
		var issues []httpx.FieldIssue
		for k := range in.Sections {
			if _, ok := r.Sections[k]; !ok {
				issues = append(issues, httpx.FieldIssue{Field: "sections." + k, Rule: "oneof", Key: "toolkit.section_not_in_italian"})
			}
		}
		if issues != nil {
			return &httpx.ValidationError{Fields: issues}
		}
		status := TranslationHuman
		if in.Machine {
			status = TranslationMachine
		}
		now := t.p.Now()
		if tr == nil {
			tr = &Translation{SheetID: s.ID, Lang: lang, CreatedAt: now}
		}
		tr.Title, tr.Sections, tr.Status, tr.BaseRevisionID, tr.TranslatorID = strings.TrimSpace(in.Title), clean(in.Sections), status, base, pr.PersonID
		tr.CheckerID, tr.CheckedAt, tr.OutdatedReason, tr.OutdatedSourceID, tr.UpdatedAt = nil, nil, "", nil, now
		if err := tx.Save(tr).Error; err != nil {
			return fmt.Errorf("toolkit: save translation %s of sheet %d: %w", lang, s.ID, err)
		}
		if err := t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.translation.write", ObjectType: "sheet", ObjectID: fmt.Sprint(s.ID)},
			map[string]any{"lang": lang, "status": status, "revision": base}); err != nil {
			return err
		}
		v := translationView(tr, map[int64]string{pr.PersonID: pr.Name})
		out = &v
		return nil
	})
	return out, err
}

// CheckTranslation records that a mediator (of the sheet's ambito, any
// for the network's sheets) or an editor checked the translation of sheet
// id into lang against the Italian text the sheet shows now.
func (t *Toolkit) CheckTranslation(ctx context.Context, id int64, lang string) (*TranslationView, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var out *TranslationView
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, _, tr, err := t.translatable(ctx, tx, pr, id, lang)
		if err != nil {
			return err
		}
		if !isEditor(pr, s.Ambito) && !isMediator(pr, s.Ambito) {
			return incroci.ErrForbidden
		}
		if tr == nil {
			return ErrTranslationNotFound
		}
		now := t.p.Now()
		tr.Status, tr.BaseRevisionID, tr.CheckerID, tr.CheckedAt, tr.OutdatedReason, tr.OutdatedSourceID, tr.UpdatedAt =
			TranslationChecked, shownRevision(s), &pr.PersonID, &now, "", nil, now
		if err := tx.Save(tr).Error; err != nil {
			return fmt.Errorf("toolkit: check translation %s of sheet %d: %w", lang, s.ID, err)
		}
		if err := t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.translation.check", ObjectType: "sheet", ObjectID: fmt.Sprint(s.ID)},
			map[string]any{"lang": lang, "revision": tr.BaseRevisionID}); err != nil {
			return err
		}
		names, err := t.names(ctx, tx, tr.TranslatorID)
		if err != nil {
			return err
		}
		names[pr.PersonID] = pr.Name
		v := translationView(tr, names)
		out = &v
		return nil
	})
	return out, err
}

// outdateTranslations flags outdated, in tx, the translations of sheet id
// made from another revision than rev, now published.
func (t *Toolkit) outdateTranslations(ctx context.Context, tx *gorm.DB, id, rev int64) error {
	if err := tx.WithContext(ctx).Model(&Translation{}).Where("sheet_id = ? AND base_revision_id <> ?", id, rev).
		Updates(map[string]any{"status": TranslationOutdated, "outdated_reason": OutdatedSheetRevised, "outdated_source_id": nil, "updated_at": t.p.Now()}).Error; err != nil {
		return fmt.Errorf("toolkit: outdate translations of sheet %d: %w", id, err)
	}
	return nil
}
