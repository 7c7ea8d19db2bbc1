package ical_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci/internal/ical"
)

// TestPublish writes two meetings of a course, one cancelled, with text
// that tries to add lines of its own, and a calendar with bad events.
func TestPublish(t *testing.T) {
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	stamp := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	data, err := ical.Publish(ical.Calendar{ProdID: "-//incroci//training//IT", Name: "Formazione; incroci", Events: []ical.Event{
		{UID: "m-1@incroci", Summary: "Corso\nEND:VCALENDAR", Location: "Sala 1, Lodi", Start: start, End: start.Add(3 * time.Hour), Stamp: stamp},
		{UID: "m-2@incroci", Summary: "Corso", URL: "https://meet.example.org/x", Start: start.Add(24 * time.Hour), End: start.Add(27 * time.Hour), Stamp: stamp, Status: ical.StatusCancelled, Sequence: 1},
	}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, want := range []string{"METHOD:PUBLISH\r\n", "PRODID:-//incroci//training//IT\r\n", "X-WR-CALNAME:Formazione\\; incroci\r\n",
		"SUMMARY:Corso\\nEND:VCALENDAR\r\n", "DTSTART:20261201T090000Z\r\n", "DTEND:20261201T120000Z\r\n", "LOCATION:Sala 1\\, Lodi\r\n",
		"URL:https://meet.example.org/x\r\n", "STATUS:CANCELLED\r\n", "SEQUENCE:1\r\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in\n%s", want, s)
		}
	}
	if n := strings.Count(s, "BEGIN:VEVENT\r\n"); n != 2 {
		t.Errorf("%d events", n)
	}
	if strings.Count(s, "\nEND:VCALENDAR") != 1 || strings.Contains(s, "ORGANIZER") {
		t.Errorf("bad calendar:\n%s", s)
	}
	empty, err := ical.Publish(ical.Calendar{})
	if err != nil || !strings.Contains(string(empty), "PRODID:"+ical.ProdID) || strings.Contains(string(empty), "VEVENT") {
		t.Errorf("empty calendar: %v\n%s", err, empty)
	}
	for name, ev := range map[string]ical.Event{
		"no uid":    {Summary: "x", Start: start, End: start.Add(time.Hour)},
		"backwards": {UID: "x", Start: start, End: start},
		"bad url":   {UID: "x", Start: start, End: start.Add(time.Hour), URL: "javascript:alert(1)"},
		"attendee":  {UID: "x", Start: start, End: start.Add(time.Hour), Attendees: []ical.Person{{Email: "Bob <b@example.org>"}}},
		"status":    {UID: "x", Start: start, End: start.Add(time.Hour), Status: "TENTATIVE"},
	} {
		if _, err := ical.Publish(ical.Calendar{Events: []ical.Event{ev}}); !errors.Is(err, ical.ErrInvalidEvent) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
