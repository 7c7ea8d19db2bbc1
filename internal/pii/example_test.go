package pii_test

import (
	"fmt"

	"github.com/incrocicomuni/incroci/internal/pii"
)

func ExampleFind() {
	text := "La signora ha il CF RSSMRA85T10A562S e il cell. 333 123 4567 (udienza il 12/03/2025, art. 5 d.lgs. 286/1998)."
	for _, m := range pii.Find(text) {
		fmt.Printf("%s %d-%d %q\n", m.Kind, m.Start, m.End, m.Text)
	}
	// Output:
	// tax_code 20-36 "RSSMRA85T10A562S"
	// phone 48-60 "333 123 4567"
}

func ExampleMask() {
	text := "Scrivere a fatima@example.org o chiamare il +39 02 1234 5678."
	ms := pii.Find(text)
	fmt.Println(pii.Mask(text, ms, "it"))
	fmt.Println(pii.Mask(text, ms, "en"))
	// Output:
	// Scrivere a [e-mail] o chiamare il [telefono].
	// Scrivere a [email] o chiamare il [phone].
}

func ExampleLabel() {
	for _, k := range pii.Kinds() {
		fmt.Printf("%s: %s / %s\n", k, pii.Label(k, "it"), pii.Label(k, "en"))
	}
	// Output:
	// tax_code: codice fiscale / tax code
	// phone: telefono / phone
	// email: e-mail / email
	// iban: IBAN / IBAN
	// document: documento / document
}
