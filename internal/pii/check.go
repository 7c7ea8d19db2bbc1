package pii

import (
	"strings"
	"unicode/utf8"
)

// oddCF holds the values of the characters in odd positions of a codice
// fiscale, for 0–9 and A–Z alike (0 and A are 'B'-'A' = 1, 1 and B are 0…).
const oddCF = "BAFHJNPRTVCESULDGIMOQKWZYX"

// checkTaxCode accepts a 16-character codice fiscale whose last character is
// the check character of the first 15.
func checkTaxCode(text string, s, e int) int {
	cf := strings.ToUpper(text[s:e])
	sum := 0
	for i := range 15 {
		v := int(cf[i] - 'A')
		if cf[i] <= '9' {
			v = int(cf[i] - '0')
		}
		if i%2 == 0 {
			v = int(oddCF[v] - 'A')
		}
		sum += v
	}
	if cf[15] != byte('A'+sum%26) {
		return -1
	}
	return e
}

// checkLuhn accepts an 11-digit codice fiscale or partita IVA whose last
// digit is its check digit (every second digit doubled, as Luhn).
func checkLuhn(text string, s, e int) int {
	sum := 0
	for i, c := range []byte(text[s:e]) {
		d := int(c - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	if sum%10 != 0 {
		return -1
	}
	return e
}

// ibanLen gives the length of the IBANs of each country, four characters a
// country.
const ibanLen = "AD24AE23AL28AT20AZ28BA20BE16BG22BH22BR29BY28CH21CR22CY28CZ24DE22DK18DO28EE20EG29ES24FI18FO18FR27GB22GE22GI23GL18GR27GT28HR21HU28IE22IL23IQ23IS26IT27JO30KW30KZ20LB28LC32LI21LT20LU20LV21LY25MC27MD24ME22MK19MR27MT31MU30NL18NO15PK24PL28PS29PT25QA29RO24RS22SA24SC31SD18SE24SI19SK24SM27ST25SV28TL23TN24TR26UA29VA22VG24XK20"

// checkIBAN accepts an IBAN that passes mod-97. A country in ibanLen fixes
// the length (the span is cut there, so a word in capitals that follows is
// left out); other countries need 15–34 characters.
func checkIBAN(text string, s, e int) int {
	want := 0
	if k := strings.Index(ibanLen, text[s:s+2]); k >= 0 {
		want = int(ibanLen[k+2]-'0')*10 + int(ibanLen[k+3]-'0')
	}
	var b []byte
	i := s
	for ; i < e && (want == 0 || len(b) < want); i++ {
		if c := text[i]; '0' <= c && c <= 'Z' {
			b = append(b, c)
		}
	}
	if want > 0 && len(b) < want || len(b) < 15 || len(b) > 34 {
		return -1
	}
	// The span holds only A–Z, 0–9 and spaces (a no-break space is two bytes
	// above 'Z'), so i ends on a character boundary.
	r := 0
	for _, c := range append(b[4:], b[:4]...) {
		if c <= '9' {
			r = (r*10 + int(c-'0')) % 97
		} else {
			r = (r*100 + int(c-'A') + 10) % 97
		}
	}
	if r != 1 {
		return -1
	}
	return i
}

// checkPhone turns away dates, time ranges, numbers ending in a year,
// thousands and numbers after a protocol, case or amount word.
func checkPhone(text string, s, e int) int {
	compact := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' {
			return -1
		}
		return r
	}, text[s:e])
	if notPhone().MatchString(compact) || notPhoneBefore().MatchString(window(text, s, 24)) {
		return -1
	}
	return e
}

// checkDocument accepts a code of 6–12 characters after a document word.
// (Characters, not bytes: case folding lets the Kelvin sign in.)
func checkDocument(text string, s, e int) int {
	if n := utf8.RuneCountInString(text[s:e]); n < 6 || n > 12 {
		return -1
	}
	return e
}
