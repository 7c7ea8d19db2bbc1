package pii

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// testCase is one shared test vector of testdata/cases.json, run against both
// the Go detector and its TypeScript twin.
type testCase struct {
	Text string `json:"text"`
	Want []struct {
		Kind Kind   `json:"kind"`
		Text string `json:"text"`
	} `json:"want"`
}

func loadCases(t testing.TB) []testCase {
	t.Helper()
	b, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cs []testCase
	if err := json.Unmarshal(b, &cs); err != nil {
		t.Fatal(err)
	}
	return cs
}

// describe renders matches as "kind:text" for comparisons and messages.
func describe[M any](ms []M, f func(M) (Kind, string)) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		k, s := f(m)
		out = append(out, string(k)+":"+s)
	}
	return out
}

func TestCases(t *testing.T) {
	cs := loadCases(t)
	if len(cs) < 60 {
		t.Fatalf("%d test vectors, want at least 60", len(cs))
	}
	seen := map[Kind]bool{}
	negatives := 0
	for _, c := range cs {
		got := Find(c.Text)
		checkInvariants(t, c.Text, got)
		g := describe(got, func(m Match) (Kind, string) { return m.Kind, m.Text })
		w := describe(c.Want, func(m struct {
			Kind Kind   `json:"kind"`
			Text string `json:"text"`
		}) (Kind, string) {
			seen[m.Kind] = true
			return m.Kind, m.Text
		})
		if len(w) == 0 {
			negatives++
		}
		if !slices.Equal(g, w) {
			t.Errorf("Find(%q)\n got %q\nwant %q", c.Text, g, w)
		}
	}
	for _, k := range Kinds() {
		if !seen[k] {
			t.Errorf("no test vector finds a %s", k)
		}
	}
	if negatives < 20 {
		t.Errorf("%d negative test vectors, want at least 20", negatives)
	}
}

// checkInvariants holds for every result of Find: spans inside the text and
// on character boundaries, Text the span, known kinds, sorted, no overlaps,
// and Mask takes every match out.
func checkInvariants(t testing.TB, text string, ms []Match) {
	t.Helper()
	last := 0
	for _, m := range ms {
		if m.Start < last || m.End <= m.Start || m.End > len(text) {
			t.Fatalf("%q: bad span %+v after %d", text, m, last)
		}
		if m.Text != text[m.Start:m.End] {
			t.Fatalf("%q: Text %q is not the span %d–%d", text, m.Text, m.Start, m.End)
		}
		if !slices.Contains(Kinds(), m.Kind) {
			t.Fatalf("%q: unknown kind %q", text, m.Kind)
		}
		last = m.End
	}
	for _, lang := range []string{"it", "en"} {
		masked := Mask(text, ms, lang)
		for _, m := range ms {
			// A match has no brackets, so a placeholder cannot make one:
			// every occurrence left was outside the matches.
			if strings.Count(masked, m.Text) >= strings.Count(text, m.Text) {
				t.Fatalf("%q: Mask(%s) = %q keeps %q", text, lang, masked, m.Text)
			}
		}
	}
}

func TestMask(t *testing.T) {
	text := "CF RSSMRA85T10A562S, cell. 333 123 4567, mail a@b.it, IBAN IT60X0542811101000000123456, passaporto YA1234567"
	ms := Find(text)
	if got, want := Mask(text, ms, "it"), "CF [codice fiscale], cell. [telefono], mail [e-mail], IBAN [IBAN], passaporto [documento]"; got != want {
		t.Errorf("it:\n got %q\nwant %q", got, want)
	}
	if got, want := Mask(text, ms, "en-GB"), "CF [tax code], cell. [phone], mail [email], IBAN [IBAN], passaporto [document]"; got != want {
		t.Errorf("en:\n got %q\nwant %q", got, want)
	}
	// Matches out of range, empty, overlapping or out of order are skipped
	// or sorted, never a panic.
	bad := []Match{{Kind: Phone, Start: 5, End: 9}, {Kind: Email, Start: 0, End: 3}, {Kind: Phone, Start: 2, End: 4}, {Kind: IBAN, Start: 7, End: 7}, {Kind: IBAN, Start: -3, End: 1}, {Kind: IBAN, Start: 8, End: 99}}
	if got, want := Mask("abcdefghij", bad, "it"), "[e-mail]de[telefono]j"; got != want {
		t.Errorf("bad matches: got %q, want %q", got, want)
	}
	if got := Mask("abc", nil, "it"); got != "abc" {
		t.Errorf("no matches: %q", got)
	}
}

func TestLabel(t *testing.T) {
	for _, c := range []struct {
		kind       Kind
		lang, want string
	}{
		{TaxCode, "it", "codice fiscale"}, {TaxCode, "en", "tax code"}, {Phone, "", "telefono"},
		{Email, "EN-us", "email"}, {Email, "fr", "e-mail"}, {IBAN, "en", "IBAN"},
		{Document, "it-IT", "documento"}, {Document, "en", "document"}, {"other", "en", "other"},
	} {
		if got := Label(c.kind, c.lang); got != c.want {
			t.Errorf("Label(%s, %q) = %q, want %q", c.kind, c.lang, got, c.want)
		}
	}
}

func TestOffsetsAreBytes(t *testing.T) {
	text := "Città: tel. 333 123 4567"
	ms := Find(text)
	if len(ms) != 1 || ms[0].Start != strings.Index(text, "333") {
		t.Fatalf("%+v", ms)
	}
}

// benchText is about 4 KB of consultation prose with some personal data.
func benchText() string {
	par := "Buongiorno, scrivo per una consulenza sul rinnovo del permesso di soggiorno ai sensi dell'art. 5, comma 6, d.lgs. 286/1998. " +
		"La signora, 34 anni, vive a Lodi (CAP 26900) dal 01/02/2019; l'udienza è fissata il 12/03/2025 alle ore 14:30, prot. n. 0012345/2025. " +
		"Ha versato € 1.200,00 e chiede se la legge 91/1992 si applica al figlio. "
	pii := "Recapiti: CF RSSMRA85T10A562S, cell. 333 123 4567, mario.rossi@example.it, IBAN IT60 X054 2811 1010 0000 0123 456, passaporto YA1234567. "
	var b strings.Builder
	for b.Len() < 4096-len(par)-len(pii) {
		b.WriteString(par)
	}
	b.WriteString(pii)
	return b.String()
}

func BenchmarkFind(b *testing.B) {
	text := benchText()
	if n := len(Find(text)); n != 5 {
		b.Fatalf("%d matches in the benchmark text, want 5", n)
	}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Find(text)
	}
}

// TestRuleBounds checks each rule's max: at every place of many texts, the
// anchored pattern matches the same on max bytes as on the whole rest.
func TestRuleBounds(t *testing.T) {
	const s = "\u00a0.\u00a0" // the longest separator between digits
	texts := append(generatedTexts(1000),
		"+39"+s+"3"+strings.Repeat(s+"3", 9),
		"0"+strings.Repeat(s+"2", 10),
		"+4"+strings.Repeat(s+"4", 14),
		"IT60\u00a0X054\u00a02811\u00a01010\u00a00000\u00a00123\u00a0456",
		"PARTITA\u00a0\u00a0\u00a0IVA😀"+strings.Repeat("😀", 20)+"12345678903",
		"carta\u00a0\u00a0\u00a0di\u00a0\u00a0\u00a0soggiorno😀"+strings.Repeat("😀", 20)+strings.Repeat("\u212a", 11)+"1"+strings.Repeat("\u212a", 11),
		"permeſſo\u00a0\u00a0\u00a0di\u00a0\u00a0\u00a0ſoggiorno😀"+strings.Repeat("😀", 20)+"A12345678",
	)
	for _, c := range loadCases(t) {
		texts = append(texts, c.Text)
	}
	longest := map[Kind]int{}
	for _, r := range rules() {
		if r.max == 0 {
			continue
		}
		for _, text := range texts {
			for f := range len(text) {
				whole := r.re.FindStringSubmatchIndex(text[f:])
				if whole != nil && whole[1] > longest[r.kind] {
					longest[r.kind] = whole[1]
				}
				if whole != nil && whole[1] > r.max {
					t.Errorf("%s: a match of %d bytes, over max %d: %q", r.kind, whole[1], r.max, text[f:f+whole[1]])
				}
			}
		}
	}
	t.Logf("longest matches in bytes: %v", longest)
}
