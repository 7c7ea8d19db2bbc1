package pii

import (
	"slices"
	"strings"
)

var labels = map[Kind][2]string{
	TaxCode:  {"codice fiscale", "tax code"},
	Phone:    {"telefono", "phone"},
	Email:    {"e-mail", "email"},
	IBAN:     {"IBAN", "IBAN"},
	Document: {"documento", "document"},
}

// Label returns the name of a kind in lang: English when lang starts with
// "en" ("en", "en-GB"), else Italian. An unknown kind names itself.
func Label(kind Kind, lang string) string {
	l, ok := labels[kind]
	if !ok {
		return string(kind)
	}
	if len(lang) >= 2 && strings.EqualFold(lang[:2], "en") {
		return l[1]
	}
	return l[0]
}

// Mask returns text with each match replaced by its label in brackets, such
// as "[codice fiscale]" or "[tax code]". Matches are taken by Start and End
// (Text is not read); those that are empty, out of range or overlap one
// before them are skipped.
func Mask(text string, matches []Match, lang string) string {
	ms := slices.Clone(matches)
	slices.SortStableFunc(ms, func(a, b Match) int { return a.Start - b.Start })
	var b strings.Builder
	last := 0
	for _, m := range ms {
		if m.Start < last || m.End <= m.Start || m.End > len(text) {
			continue
		}
		b.WriteString(text[last:m.Start])
		b.WriteString("[" + Label(m.Kind, lang) + "]")
		last = m.End
	}
	b.WriteString(text[last:])
	return b.String()
}
