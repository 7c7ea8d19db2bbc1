package helpdesk

import (
	"github.com/incrocicomuni/incroci/internal/pii"
)

// PersonalDataMatch is a piece of text that looks like personal data.
type PersonalDataMatch struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
	Text  string `json:"text"`
	// Start and End are byte offsets in the text.
	Start int `json:"start"`
	End   int `json:"end"`
}

// PersonalDataCheck is what CheckPersonalData finds in a text, and the text
// with each finding masked.
type PersonalDataCheck struct {
	Matches []PersonalDataMatch `json:"matches"`
	Masked  string              `json:"masked"`
}

// CheckPersonalData flags what in text looks like personal data (tax code,
// phone, e-mail, IBAN, document numbers), as the widgets do before sending,
// for clients that write through the API.
func CheckPersonalData(text, lang string) PersonalDataCheck {
	found := pii.Find(text)
	out := PersonalDataCheck{Matches: make([]PersonalDataMatch, len(found)), Masked: pii.Mask(text, found, lang)}
	for i, m := range found {
		out.Matches[i] = PersonalDataMatch{Kind: string(m.Kind), Label: pii.Label(m.Kind, lang), Text: m.Text, Start: m.Start, End: m.End}
	}
	return out
}
