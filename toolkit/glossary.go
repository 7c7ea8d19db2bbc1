package toolkit

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
)

// Term is a glossary entry: a word of the procedures (in Italian), the
// forms it takes in text, and its definition in several languages.
type Term struct {
	ID int64 `gorm:"primaryKey" json:"id"`
	// Ambito keeps the term; "" for the network's.
	Ambito string `gorm:"size:64;not null;default:'';index" json:"ambito"`
	// Term is the entry, in Italian: "permesso di soggiorno".
	Term string `gorm:"size:120;not null" json:"term"`
	// Variants are other forms it takes in text: plurals, abbreviations.
	Variants []string `gorm:"serializer:json;not null" json:"variants"`
	// Definitions by language code (ISO 639-1); "it" is required.
	Definitions map[string]string `gorm:"serializer:json;not null" json:"definitions"`
	UpdatedBy   int64             `gorm:"not null" json:"updated_by"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
}

// TableName places the table under the module's prefix.
func (Term) TableName() string { return "incroci_toolkit_terms" }

// TermInput writes a glossary entry.
type TermInput struct {
	Ambito      string            `json:"ambito" validate:"omitempty,slug"`
	Term        string            `json:"term" validate:"required,min=2,max=120,nocontrol"`
	Variants    []string          `json:"variants" validate:"max=10,dive,min=2,max=120,nocontrol"`
	Definitions map[string]string `json:"definitions" validate:"required,min=1,max=25"`
}

var langCode = regexp.MustCompile(`^[a-z]{2,3}$`)

func checkTerm(in *TermInput) error {
	var issues []httpx.FieldIssue
	for l, d := range in.Definitions {
		switch {
		case !langCode.MatchString(l):
			issues = append(issues, httpx.FieldIssue{Field: "definitions." + l, Rule: "iso639", Key: "toolkit.language"})
		case len([]rune(d)) > 2000:
			issues = append(issues, httpx.FieldIssue{Field: "definitions." + l, Rule: "max", Key: "toolkit.too_long", Args: []any{2000}})
		}
	}
	if strings.TrimSpace(in.Definitions["it"]) == "" {
		issues = append(issues, httpx.FieldIssue{Field: "definitions.it", Rule: "required", Key: "toolkit.definition_it"})
	}
	if issues != nil {
		return &httpx.ValidationError{Fields: issues}
	}
	return nil
}

// SaveTerm creates a glossary entry (id 0) or replaces one: editors of its
// ambito (any editor for the network's) and admins.
func (t *Toolkit) SaveTerm(ctx context.Context, id int64, in TermInput) (*Term, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	if err := checkTerm(&in); err != nil {
		return nil, err
	}
	var term Term
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := t.p.Now()
		if id != 0 {
			err := tx.Where("id = ?", id).Take(&term).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrTermNotFound
			}
			if err != nil {
				return fmt.Errorf("toolkit: term %d: %w", id, err)
			}
			if !isEditor(pr, term.Ambito) {
				return incroci.ErrForbidden
			}
		} else {
			term = Term{Ambito: in.Ambito, CreatedAt: now}
		}
		if !isEditor(pr, in.Ambito) {
			return incroci.ErrForbidden
		}
		defs := map[string]string{}
		for l, d := range in.Definitions {
			if d = strings.TrimSpace(d); d != "" {
				defs[l] = d
			}
		}
		term.Ambito, term.Term, term.Variants, term.Definitions = in.Ambito, strings.TrimSpace(in.Term), uniq(in.Variants), defs
		term.UpdatedBy, term.UpdatedAt = pr.PersonID, now
		if err := tx.Save(&term).Error; err != nil {
			return fmt.Errorf("toolkit: save term: %w", err)
		}
		if err := t.indexTerm(ctx, tx, &term); err != nil {
			return err
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: term.Ambito, Action: "toolkit.term.save", ObjectType: "term", ObjectID: fmt.Sprint(term.ID)}, nil)
	})
	if err != nil {
		return nil, err
	}
	return &term, nil
}

// DeleteTerm removes a glossary entry: editors of its ambito and admins.
func (t *Toolkit) DeleteTerm(ctx context.Context, id int64) error {
	pr, err := caller(ctx)
	if err != nil {
		return err
	}
	return t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var term Term
		err := tx.Where("id = ?", id).Take(&term).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrTermNotFound
		}
		if err != nil {
			return fmt.Errorf("toolkit: term %d: %w", id, err)
		}
		if !isEditor(pr, term.Ambito) {
			return incroci.ErrForbidden
		}
		if err := tx.Delete(&term).Error; err != nil {
			return fmt.Errorf("toolkit: delete term %d: %w", id, err)
		}
		if err := t.unindex(ctx, tx, KindTerm, term.ID); err != nil {
			return err
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: term.Ambito, Action: "toolkit.term.delete", ObjectType: "term", ObjectID: fmt.Sprint(term.ID)}, nil)
	})
}

// Glossary lists the entries the caller may read, by term: the network's
// for anyone, an ambito's for its people; q filters by term or variant,
// ignoring case and accents.
func (t *Toolkit) Glossary(ctx context.Context, q string) ([]Term, error) {
	pr := incroci.PrincipalFrom(ctx)
	db := t.db.WithContext(ctx).Order("term, id")
	switch {
	case pr != nil && pr.Admin:
	case inNetwork(pr):
		db = db.Where("ambito = '' OR ambito IN ?", append(ambitiOf(pr), ""))
	default:
		db = db.Where("ambito = ''")
	}
	out := []Term{}
	if err := db.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("toolkit: glossary: %w", err)
	}
	if q = fold(strings.TrimSpace(q)); q != "" {
		out = slices.DeleteFunc(out, func(x Term) bool {
			for _, f := range append([]string{x.Term}, x.Variants...) {
				if strings.Contains(fold(f), q) {
					return false
				}
			}
			return true
		})
	}
	return out, nil
}

// fold lowers s and removes its accents ("Città" → "citta"), for matching.
// ASCII text has no accents to remove: it is only lowered, without the
// cost of Unicode normalisation.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// TermMatch is a glossary entry found in a sheet's text.
type TermMatch struct {
	ID   int64  `json:"id"`
	Term string `json:"term"`
	// Forms are the words of the text that name it, as written there.
	Forms []string `json:"forms"`
	// Definitions by language code.
	Definitions map[string]string `json:"definitions"`
}

// termsIn finds the entries of terms named in text, as whole words,
// ignoring case and accents; longer entries first, so that "permesso di
// soggiorno" wins over "permesso".
func termsIn(text string, terms []Term) []TermMatch {
	folded := []rune(fold(text))
	orig := []rune(text)
	if len(folded) != len(orig) {
		// Folding changed the length (rare letters): match on the folded text only.
		orig = folded
	}
	type form struct {
		id   int64
		term string
		defs map[string]string
		f    []rune
	}
	var forms []form
	for _, x := range terms {
		for _, f := range append([]string{x.Term}, x.Variants...) {
			if f = fold(strings.TrimSpace(f)); f != "" {
				forms = append(forms, form{x.ID, x.Term, x.Definitions, []rune(f)})
			}
		}
	}
	sort.SliceStable(forms, func(i, j int) bool { return len(forms[i].f) > len(forms[j].f) })
	taken := make([]bool, len(folded))
	found := map[int64]*TermMatch{}
	var order []int64
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	for _, f := range forms {
		n := len(f.f)
	scan:
		for i := 0; i+n <= len(folded); i++ {
			if (i > 0 && isWord(folded[i-1])) || (i+n < len(folded) && isWord(folded[i+n])) {
				continue
			}
			for k := 0; k < n; k++ {
				if folded[i+k] != f.f[k] || taken[i+k] {
					continue scan
				}
			}
			for k := 0; k < n; k++ {
				taken[i+k] = true
			}
			m := found[f.id]
			if m == nil {
				m = &TermMatch{ID: f.id, Term: f.term, Forms: []string{}, Definitions: f.defs}
				found[f.id] = m
				order = append(order, f.id)
			}
			if w := string(orig[i : i+n]); !slices.Contains(m.Forms, w) {
				m.Forms = append(m.Forms, w)
			}
			i += n - 1
		}
	}
	out := make([]TermMatch, 0, len(order))
	for _, id := range order {
		out = append(out, *found[id])
	}
	return out
}
