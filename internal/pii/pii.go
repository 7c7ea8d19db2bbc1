package pii

import (
	"slices"
	"unicode/utf8"
)

// Kind is the kind of personal data a [Match] looks like.
type Kind string

// The kinds of personal data that [Find] reports.
const (
	TaxCode  Kind = "tax_code" // codice fiscale or partita IVA
	Phone    Kind = "phone"    // telephone number
	Email    Kind = "email"    // e-mail address
	IBAN     Kind = "iban"     // bank account number
	Document Kind = "document" // identity, residence or health card number
)

// Kinds returns every kind [Find] reports, in a fixed order.
func Kinds() []Kind {
	return []Kind{TaxCode, Phone, Email, IBAN, Document}
}

// Match is one span of text that looks like personal data: Text is
// text[Start:End], with Start and End byte offsets.
type Match struct {
	Kind  Kind   `json:"kind"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Find returns the spans of text that look like personal data, sorted by
// Start and not overlapping; where candidates overlap, the longest wins.
// It returns nil when it finds nothing.
func Find(text string) []Match {
	type cand struct {
		Match
		n int // length in characters, the same measure as the TypeScript twin
	}
	var cs []cand
	for _, r := range rules() {
		for pos := 0; pos < len(text); {
			f, loc := r.next(text, pos)
			if loc == nil {
				break
			}
			s, e := f, f+loc[1]
			if len(loc) > 2 && loc[2] >= 0 {
				s = f + loc[2] // context rules report their last group only
			}
			if r.check != nil {
				e = r.check(text, s, e)
			}
			if e > s && openBefore(text, f) && openBefore(text, s) && openAfter(text, e) {
				cs = append(cs, cand{Match{r.kind, s, e, text[s:e]}, utf8.RuneCountInString(text[s:e])})
				pos = e
				continue
			}
			_, size := utf8.DecodeRuneInString(text[f:])
			pos = f + size
		}
	}
	if len(cs) == 0 {
		return nil
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return a.Start - b.Start
	})
	var out []Match
	for _, c := range cs {
		if !slices.ContainsFunc(out, func(m Match) bool { return c.Start < m.End && m.Start < c.End }) {
			out = append(out, c.Match)
		}
	}
	slices.SortFunc(out, func(a, b Match) int { return a.Start - b.Start })
	return out
}
