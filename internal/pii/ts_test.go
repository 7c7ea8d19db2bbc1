package pii

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/evanw/esbuild/pkg/api"
)

// tsSource is the TypeScript twin of this package.
var tsSource = filepath.Join("..", "..", "widgets", "src", "pii.ts")

// maxGzipTS is the budget of pii.ts alone, minified and gzipped: it goes into
// widget bundles that may weigh 20 KB gzipped in all.
const maxGzipTS = 2 << 10

// tsRunner reads a JSON list of texts (file in argv[2]) and prints, for each,
// what the TypeScript detector finds and the masked texts; then the labels.
const tsRunner = `
import { find, mask, kinds, label } from './pii';
import { readFileSync } from 'node:fs';
const texts: string[] = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = texts.map((t) => {
  const matches = find(t);
  return { matches, it: mask(t, matches, 'it'), en: mask(t, matches, 'en') };
});
const labels = kinds.map((k) => [k, label(k, 'it'), label(k, 'en-GB')]);
process.stdout.write(JSON.stringify({ results, labels }));
`

type tsResult struct {
	Results []struct {
		Matches []struct {
			Kind  Kind   `json:"kind"`
			Start int    `json:"start"`
			End   int    `json:"end"`
			Text  string `json:"text"`
		} `json:"matches"`
		IT string `json:"it"`
		EN string `json:"en"`
	} `json:"results"`
	Labels [][3]string `json:"labels"`
}

// utf16Index converts a byte offset of s into a UTF-16 index.
func utf16Index(s string, i int) int {
	return len(utf16.Encode([]rune(s[:i])))
}

// TestTypeScriptAgrees bundles widgets/src/pii.ts with esbuild's Go API, runs
// it under Node on the shared test vectors and on generated texts, and
// checks that it finds exactly what Find finds, at the same places (UTF-16
// indices there, byte offsets here), and masks the same way.
func TestTypeScriptAgrees(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is needed to test widgets/src/pii.ts against the Go detector, and CI=true")
		}
		t.Skip("node not found on PATH: skipping the check that widgets/src/pii.ts agrees with the Go detector (install Node to run it)")
	}
	dir := t.TempDir()
	res := api.Build(api.BuildOptions{
		Stdin: &api.StdinOptions{
			Contents:   tsRunner,
			ResolveDir: filepath.Dir(tsSource),
			Sourcefile: "pii_runner.ts",
			Loader:     api.LoaderTS,
		},
		Bundle:   true,
		Write:    false,
		Format:   api.FormatCommonJS,
		Platform: api.PlatformNode,
		Target:   api.ES2022,
		LogLevel: api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		t.Fatalf("esbuild: %s", strings.Join(api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage}), ""))
	}
	script := filepath.Join(dir, "runner.cjs")
	if err := os.WriteFile(script, res.OutputFiles[0].Contents, 0o600); err != nil {
		t.Fatal(err)
	}

	cases := loadCases(t)
	texts := make([]string, 0, len(cases)+3000)
	for _, c := range cases {
		texts = append(texts, c.Text)
	}
	texts = append(texts, generatedTexts(3000)...)
	in, err := json.Marshal(texts)
	if err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(dir, "texts.json")
	if err := os.WriteFile(input, in, 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(node, script, input)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var got tsResult
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("runner output: %v", err)
	}
	if len(got.Results) != len(texts) {
		t.Fatalf("%d results for %d texts", len(got.Results), len(texts))
	}

	found := 0
	for i, text := range texts {
		r := got.Results[i]
		ms := Find(text)
		found += len(ms)
		if i < len(cases) {
			want := describe(cases[i].Want, func(m struct {
				Kind Kind   `json:"kind"`
				Text string `json:"text"`
			}) (Kind, string) {
				return m.Kind, m.Text
			})
			g := describe(r.Matches, func(m struct {
				Kind  Kind   `json:"kind"`
				Start int    `json:"start"`
				End   int    `json:"end"`
				Text  string `json:"text"`
			}) (Kind, string) {
				return m.Kind, m.Text
			})
			if !slices.Equal(g, want) {
				t.Errorf("TypeScript find(%q)\n got %q\nwant %q", text, g, want)
			}
		}
		same := len(r.Matches) == len(ms)
		for j := 0; same && j < len(ms); j++ {
			m, tm := ms[j], r.Matches[j]
			same = m.Kind == tm.Kind && m.Text == tm.Text &&
				utf16Index(text, m.Start) == tm.Start && utf16Index(text, m.End) == tm.End
		}
		if !same {
			t.Errorf("Go and TypeScript disagree on %q:\n Go %+v\n TS %+v", text, ms, r.Matches)
			continue
		}
		if it, en := Mask(text, ms, "it"), Mask(text, ms, "en"); r.IT != it || r.EN != en {
			t.Errorf("Mask of %q:\n Go %q / %q\n TS %q / %q", text, it, en, r.IT, r.EN)
		}
	}
	if found < len(texts)/4 {
		t.Errorf("only %d matches in %d texts: the generated texts do not exercise the rules", found, len(texts))
	}
	for i, k := range Kinds() {
		if want := [3]string{string(k), Label(k, "it"), Label(k, "en-GB")}; i >= len(got.Labels) || got.Labels[i] != want {
			t.Errorf("TypeScript kinds and labels %q, want %q at %d", got.Labels, want, i)
		}
	}
	if len(got.Labels) != len(Kinds()) {
		t.Errorf("TypeScript has %d kinds, Go %d", len(got.Labels), len(Kinds()))
	}
	t.Logf("Go and TypeScript agree on %d texts (%d matches)", len(texts), found)
}

// generatedTexts builds n texts, always the same, from pieces of personal
// data, near misses, legal prose, separators and characters outside ASCII
// and the BMP, to find where the two implementations part.
func generatedTexts(n int) []string {
	pieces := []string{
		"RSSMRA85T10A562S", "rssmra85t10a56nh", "RSSMRA85T10A562X", "BNCLGU90E45F205E", "HSSMHM92C15Z330K",
		"12345678903", "80012345676", "12345678901", "C.F.", "CF", "codice fiscale", "P.IVA", "partita IVA",
		"333 123 4567", "3331234567", "+39 347 123 4567", "0039 320.123.4567", "02 1234 5678", "06-12345678",
		"02/1234567", "+44 20 7946 0958", "+216 71 123 456", "333\u00a0123\u00a04567", "0212345678", "3",
		"mario.rossi@comune.milano.it", "maría.lópez@correo.es", "a@b.it", "@", "x@y", ".", "-", "/", ",",
		"IT60X0542811101000000123456", "IT60 X054 2811 1010 0000 0123 456", "IT60X0542811101000000123457",
		"DE89 3704 0044 0532 0130 00", "BE68 5390 0754 7034", "ABCD", "GB29NWBK60161331926819",
		"YA1234567", "CA12345AB", "I12345678", "80380001200012345678", "passaporto", "carta d'identità",
		"CIE", "permesso di soggiorno", "permesso   di    soggiorno", "carta  di identita'", "PdS", "documento", "n.", "n°", "nr.", ":",
		"12/03/2025", "01.01.2020", "09.00-12.00", "286/1998", "legge 91/1992", "€ 1.200,00", "€", "2025",
		"ore 14:30", "prot.", "Prot. n.", "protocollo", "R.G.", "ricorso", "20121", "00184", "34 anni",
		"345.000.000", "art. 5, comma 6", "è", "città", "😀", "𝐀", "☎", "الهاتف", "K", "ſ", "\n", "'", "’",
		"0", "1", "5", "9", "A", "z", "X", "+", "+39", "0039", "80380", "IT", "IT60",
	}
	glue := []string{" ", " ", " ", "", "    ", "\u00a0", ", ", ". ", "\n", "-", "/", "."}
	rng := rand.New(rand.NewPCG(1, 2))
	texts := make([]string, n)
	for i := range texts {
		var b strings.Builder
		for k := 1 + rng.IntN(8); k > 0; k-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
			b.WriteString(glue[rng.IntN(len(glue))])
		}
		texts[i] = b.String()
	}
	// And short strings of characters the rules care about, at random.
	chars := []rune("0123456789      .-/+@,:°'ITAXYZCFSLMNPQRVabcdefinoprstuvKſè\u00a0😀€\n")
	for i := range n / 3 {
		r := make([]rune, rng.IntN(40))
		for j := range r {
			r[j] = chars[rng.IntN(len(chars))]
		}
		texts[i*3] = string(r)
	}
	return texts
}

// TestTypeScriptSize checks that pii.ts, minified and gzipped on its own,
// stays within its budget.
func TestTypeScriptSize(t *testing.T) {
	res := api.Build(api.BuildOptions{
		EntryPoints:       []string{tsSource},
		Bundle:            true,
		Write:             false,
		Format:            api.FormatESModule,
		Platform:          api.PlatformBrowser,
		Target:            api.ES2022,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Charset:           api.CharsetUTF8,
		LegalComments:     api.LegalCommentsNone,
		LogLevel:          api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		t.Fatalf("esbuild: %s", strings.Join(api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage}), ""))
	}
	min := res.OutputFiles[0].Contents
	var z bytes.Buffer
	w, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	w.Write(min)
	w.Close()
	t.Logf("pii.ts: %d bytes minified, %d gzipped (budget %d)", len(min), z.Len(), maxGzipTS)
	if z.Len() > maxGzipTS {
		t.Errorf("pii.ts is %d bytes gzipped, over its budget of %d", z.Len(), maxGzipTS)
	}
}
