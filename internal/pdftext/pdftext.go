// Package pdftext reads what a PDF says, for tests that check the
// documents incroci prints: the number of pages, each page's size and its
// text as a reader would copy it, through the fonts' ToUnicode maps (read by
// github.com/ledongthuc/pdf).
//
// Browsers write a right-to-left run in the order its glyphs are drawn
// (left to right on the page), and map Arabic glyphs to their presentation
// forms (U+FB50–U+FEFF). Text normalises the forms back to letters (NFKC),
// and [Document.Contains] finds a phrase in reading order or in drawn
// order, so a test can look for an Arabic phrase as it is written (avoid
// the ligature lam-alef: its letters come out in reading order even in a
// reversed run).
package pdftext

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/ledongthuc/pdf"
	"golang.org/x/text/unicode/norm"
)

// Document is what a PDF holds, as read by Read.
type Document struct {
	// Pages is the number of pages.
	Pages int
	// Sizes are the pages' media boxes, width and height in points
	// (1/72 inch).
	Sizes [][2]float64
	// Text is the text of every page, presentation forms normalised
	// (NFKC), runs of white space made one space.
	Text string
}

// Read parses doc, a whole PDF file. It fails on a file that does not
// start with %PDF- or does not parse.
func Read(doc []byte) (*Document, error) {
	if !bytes.HasPrefix(doc, []byte("%PDF-")) {
		return nil, fmt.Errorf("pdftext: not a PDF (starts %q)", doc[:min(len(doc), 16)])
	}
	r, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return nil, fmt.Errorf("pdftext: parse: %w", err)
	}
	d := &Document{Pages: r.NumPage()}
	for i := 1; i <= d.Pages; i++ {
		box := r.Page(i).V.Key("MediaBox") // Chromium sets it on every page
		d.Sizes = append(d.Sizes, [2]float64{box.Index(2).Float64() - box.Index(0).Float64(), box.Index(3).Float64() - box.Index(1).Float64()})
	}
	rd, err := r.GetPlainText()
	if err != nil {
		return nil, fmt.Errorf("pdftext: text: %w", err)
	}
	raw, err := io.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("pdftext: text: %w", err)
	}
	d.Text = normalise(string(raw))
	return d, nil
}

// normalise turns presentation forms into letters (NFKC) and makes runs of
// white space one space.
func normalise(s string) string {
	return strings.Join(strings.Fields(norm.NFKC.String(s)), " ")
}

// Contains reports whether the text holds phrase (white space made one
// space), in reading order or, for a right-to-left run, in the reverse
// order its glyphs are drawn in.
func (d *Document) Contains(phrase string) bool {
	phrase = normalise(phrase)
	if strings.Contains(d.Text, phrase) {
		return true
	}
	r := []rune(phrase)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return strings.Contains(d.Text, string(r))
}
