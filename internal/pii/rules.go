package pii

import (
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// A rule finds one shape of one kind. A pattern with a group is a context
// rule: the words before the group must be there, and only the group is
// reported. check, when set, returns the end of the accepted span (it may
// shorten it) or -1. The patterns use only syntax that means the same in Go
// and in JavaScript (no \b, \s or lookaround; case folding only where Go's
// (?i) and JavaScript's "iu" flags agree), so that widgets/src/pii.ts can
// share them; keep the two in step.
//
// Go does not search with the patterns: [rule.next] tries them anchored,
// only where a match could start, which finds the same matches as a search
// (the leftmost, then the one a backtracking engine prefers) much faster.
type rule struct {
	kind  Kind
	re    *regexp.Regexp // anchored
	first [256]bool      // bytes a match can begin with, case folds included
	max   int            // no match is longer, in bytes (0: no bound)
	check func(text string, s, e int) int
}

// newRule compiles a rule.
func newRule(kind Kind, pattern, first string, max int, check func(string, int, int) int) rule {
	r := rule{kind: kind, re: regexp.MustCompile(`^(?:` + pattern + `)`), max: max, check: check}
	for _, b := range []byte(first) {
		r.first[b] = true
	}
	return r
}

// next returns the leftmost match of r at or after pos, with its offsets
// relative to f, where it starts; nil when there is none. Places where no
// match may start (see openBefore) are skipped: Find would turn them down.
// For e-mail addresses, first is "@" and the match starts where the run of
// local-part characters before it starts (not before pos).
func (r *rule) next(text string, pos int) (f int, loc []int) {
	for i := pos; i < len(text); i++ {
		if !r.first[text[i]] {
			continue
		}
		f = i
		if r.kind == Email {
			for f > pos {
				c, n := utf8.DecodeLastRuneInString(text[pos:f])
				if !isAlnum(c) && !strings.ContainsRune("._%+-", c) {
					break
				}
				f -= n
			}
			if f == i {
				continue
			}
		} else if !openBefore(text, f) {
			continue
		}
		end := len(text)
		if r.max > 0 {
			end = min(end, f+r.max)
		}
		if loc = r.re.FindStringSubmatchIndex(text[f:end]); loc != nil {
			return f, loc
		}
	}
	return 0, nil
}

const (
	upper   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	letters = upper + "abcdefghijklmnopqrstuvwxyz"
)

const (
	sp  = `[ \x{a0}]`                                  // a space or a no-break space
	sep = `(?:` + sp + `?[./-]` + sp + `?|` + sp + `)` // between groups of digits
	// after a context word: one character that is not a letter or digit,
	// then up to 20 that are not digits.
	filler = `[^\p{L}\p{N}\n][^\d\n]{0,20}?`
)

// rules are tried in this order; on overlaps of the same length the first
// wins. Each max is above the longest match, counting the bytes of a no-break
// space (2), of any character in a filler (4) and of the case folds of (?i)
// (ſ for s: 2, the Kelvin sign for k: 3); a longer bound costs only time.
var rules = sync.OnceValue(func() []rule {
	return []rule{
		// Codice fiscale: surname, name, year, month, day, place, check.
		newRule(TaxCode, `[A-Za-z]{6}[\dLMNP-Vlmnp-v]{2}[ABCDEHLMPRSTabcdehlmprst][\dLMNP-Vlmnp-v]{2}[A-Za-z][\dLMNP-Vlmnp-v]{3}[A-Za-z]`,
			letters, 16, checkTaxCode),
		// Numeric codice fiscale or partita IVA after its name (≤ 130 bytes).
		newRule(TaxCode, `(?i)(?:c\.?`+sp+`?f|cod(?:ice|\.)?`+sp+`?fisc(?:ale|\.)?|p\.?`+sp+`?iva|partita`+sp+`{1,3}iva)`+filler+`(\d{11})`,
			"cCpP", 256, checkLuhn),
		// E-mail address; see rule.next for how it is found.
		newRule(Email, `[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}`,
			"@", 0, nil),
		// IBAN, a space allowed every four characters (≤ 51 bytes).
		newRule(IBAN, `[A-Z]{2}\d\d(?:`+sp+`?[A-Z\d]{4}){2,7}(?:`+sp+`?[A-Z\d]{1,3})?`,
			upper, 64, checkIBAN),
		// Italian mobile or landline, maybe with +39 or 0039; or + and an
		// international number (≤ 90 bytes).
		newRule(Phone, `(?:(?:\+|00)39`+sep+`?)?(?:3[1-9]\d(?:`+sep+`?\d){6,7}|0[1-9](?:`+sep+`?\d){4,9})|\+[1-9](?:`+sep+`?\d){7,14}`,
			"+03", 128, checkPhone),
		// Tessera sanitaria, CIE, passport or paper identity card.
		newRule(Document, `80380\d{15}|[A-Z]{2}\d{5}[A-Z]{2}|[A-Z]{2}\d{7}`,
			"8"+upper, 20, nil),
		// Any code with a digit after a document word (≤ 200 bytes).
		newRule(Document, `(?i)(?:passaporto|carta`+sp+`{1,3}d(?:['’]`+sp+`?|i`+sp+`{1,3})identit(?:à|a'?)|c\.?i\.?e|permesso`+sp+`{1,3}di`+sp+`{1,3}soggiorno|p\.?d\.?s|(?:titolo|carta)`+sp+`{1,3}di`+sp+`{1,3}soggiorno|documento)`+filler+`([A-Za-z]{0,11}\d[A-Za-z\d]{0,11})`,
			"cCdDpPtT", 256, checkDocument),
	}
})

// Patterns the phone check rejects: on the number without spaces, a date,
// a time range, a number ending in /year, or thousands; before the number,
// a word that makes it a protocol, case or amount.
var (
	notPhone = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:\d\d?[./-]\d\d?[./-]\d{2,4}|\d\d?\.\d\d-\d\d?\.\d\d|.*/(?:19|20)\d\d|\d{1,3}(?:\.\d{3})+)$`)
	})
	notPhoneBefore = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}])(?:prot(?:ocollo)?|pratica|fascicolo|sentenza|ricorso|decreto|ordinanza|r\.?g|cig|cup|€)\.?` + sp + `*(?:(?:n[.°]?|nr\.?|num(?:ero|\.)?)` + sp + `*)?[:.]?` + sp + `*$`)
	})
)

// window is the text before i, at most n characters (runes) of it.
func window(text string, i, n int) string {
	j := i
	for ; n > 0 && j > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(text[:j])
		j -= size
	}
	return text[j:i]
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }
func isDigit(r rune) bool { return '0' <= r && r <= '9' }

// openBefore reports whether a match may start at i: the character before is
// not a letter or digit, nor a . , / - that follows a digit.
func openBefore(text string, i int) bool {
	r, n := utf8.DecodeLastRuneInString(text[:i])
	if n == 0 {
		return true
	}
	if isAlnum(r) {
		return false
	}
	if strings.ContainsRune(".,/-", r) {
		d, _ := utf8.DecodeLastRuneInString(text[:i-n])
		return !isDigit(d)
	}
	return true
}

// openAfter reports whether a match may end at i: the character after is not
// a letter or digit, nor a . , / - followed by a digit.
func openAfter(text string, i int) bool {
	r, n := utf8.DecodeRuneInString(text[i:])
	if n == 0 {
		return true
	}
	if isAlnum(r) {
		return false
	}
	if strings.ContainsRune(".,/-", r) {
		d, _ := utf8.DecodeRuneInString(text[i+n:])
		return !isDigit(d)
	}
	return true
}
