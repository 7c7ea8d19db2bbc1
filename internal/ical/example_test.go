package ical_test

import (
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/incrocicomuni/incroci/internal/ical"
)

func appointment() ical.Event {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		log.Fatal(err)
	}
	return ical.Event{
		UID:       "appuntamento-7@incroci.example",
		Summary:   "Colloquio con l'avvocata",
		Location:  "Sportello di Lecco, Via Università 3",
		Start:     time.Date(2026, time.May, 12, 10, 0, 0, 0, rome),
		End:       time.Date(2026, time.May, 12, 11, 0, 0, 0, rome),
		Organizer: ical.Person{Name: "Sportello Incroci", Email: "sportello@incroci.example"},
		Attendees: []ical.Person{{Name: "Avv. Chiara Verdi", Email: "verdi@studio.example"}},
		Stamp:     time.Date(2026, time.May, 2, 9, 0, 0, 0, time.UTC),
	}
}

// Invite makes the calendar object to attach to the invitation e-mail, with
// the content type ContentType gives.
func ExampleInvite() {
	data, err := ical.Invite(appointment())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ical.ContentType(ical.MethodRequest))
	fmt.Print(strings.ReplaceAll(string(data), "\r\n", "\n"))
	// Output:
	// text/calendar; method=REQUEST; charset=UTF-8
	// BEGIN:VCALENDAR
	// VERSION:2.0
	// PRODID:-//incroci//helpdesk//IT
	// CALSCALE:GREGORIAN
	// METHOD:REQUEST
	// BEGIN:VEVENT
	// UID:appuntamento-7@incroci.example
	// DTSTAMP:20260502T090000Z
	// SEQUENCE:0
	// DTSTART:20260512T080000Z
	// DTEND:20260512T090000Z
	// SUMMARY:Colloquio con l'avvocata
	// LOCATION:Sportello di Lecco\, Via Università 3
	// ORGANIZER;CN="Sportello Incroci":mailto:sportello@incroci.example
	// ATTENDEE;CN="Avv. Chiara Verdi";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;
	//  RSVP=TRUE:mailto:verdi@studio.example
	// STATUS:CONFIRMED
	// TRANSP:OPAQUE
	// END:VEVENT
	// END:VCALENDAR
}

// Cancel withdraws the appointment: same UID, a higher Sequence.
func ExampleCancel() {
	e := appointment()
	e.Sequence = 1
	data, err := ical.Cancel(e)
	if err != nil {
		log.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\r\n") {
		if strings.HasPrefix(line, "METHOD") || strings.HasPrefix(line, "SEQUENCE") || strings.HasPrefix(line, "STATUS") {
			fmt.Println(line)
		}
	}

	e.Sequence = 0
	_, err = ical.Cancel(e)
	fmt.Println(err)
	// Output:
	// METHOD:CANCEL
	// SEQUENCE:1
	// STATUS:CANCELLED
	// ical: event "appuntamento-7@incroci.example": a cancellation needs a Sequence above the invitation's: ical: invalid event
}
