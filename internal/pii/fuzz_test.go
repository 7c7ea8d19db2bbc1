package pii

import "testing"

func FuzzFind(f *testing.F) {
	for _, c := range loadCases(f) {
		f.Add(c.Text)
	}
	f.Add("CF RSSMRA85T10A562S\xff tel.\u00a0+39 333 123 4567 😀 a@b.it")
	f.Add("\xc2IT60 X054 2811 1010 0000 0123 456\xa0 documento: 12\xe2\x82")
	f.Fuzz(func(t *testing.T, text string) {
		checkInvariants(t, text, Find(text))
	})
}
