package pdftext

import "testing"

// TestContains: phrases are found in reading order, or reversed as a
// right-to-left run is drawn, presentation forms and white space
// normalised; what is not there is not found.
func TestContains(t *testing.T) {
	d := &Document{Text: "Valida dal 09/11/2026 لمشلا مل ﺢﻴﺮﺼﺗ"}
	d.Text = normalise(d.Text)
	for _, want := range []string{"Valida  dal\n09/11/2026", "لم الشمل", "تصريح"} {
		if !d.Contains(want) {
			t.Errorf("%q not found in %q", want, d.Text)
		}
	}
	for _, not := range []string{"Valido dal", "الشمل لم", "تأشيرة"} {
		if d.Contains(not) {
			t.Errorf("%q found in %q", not, d.Text)
		}
	}
	if _, err := Read([]byte("<html>not a PDF</html>")); err == nil {
		t.Error("Read took HTML for a PDF")
	}
	if _, err := Read([]byte("%PDF-1.4\nbroken")); err == nil {
		t.Error("Read took a broken PDF")
	}
}
