package ical

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// ErrInvalidEvent is wrapped by every error about an Event that cannot be
// written.
var ErrInvalidEvent = errors.New("ical: invalid event")

// Method is the iTIP method of a calendar object (RFC 5546, section 1.4).
type Method string

// The methods this package writes.
const (
	MethodRequest Method = "REQUEST" // an invitation, or an update of one
	MethodCancel  Method = "CANCEL"  // the event is cancelled
)

// ContentType returns the MIME type of a calendar object sent with method m,
// such as "text/calendar; method=REQUEST; charset=UTF-8".
func ContentType(m Method) string {
	return "text/calendar; method=" + string(m) + "; charset=UTF-8"
}

// Status is the status of an event.
type Status string

// The statuses an Event can have.
const (
	StatusConfirmed Status = "CONFIRMED"
	StatusCancelled Status = "CANCELLED"
)

// Person is the organizer or an attendee of an event.
type Person struct {
	// Name is shown by calendar programs; it may be empty.
	Name string
	// Email is the person's address, required; a bare address such as
	// "avv.rossi@example.it", without a display name.
	Email string
}

// Event is an appointment to send.
type Event struct {
	// UID identifies the event for good: an update or a cancellation must
	// carry the UID of the invitation. Required; a globally unique string
	// such as "consultation-42@incroci.example".
	UID string
	// Summary is the title of the event.
	Summary string
	// Description, Location and URL are optional details. URL, when set,
	// must be an absolute http or https URL.
	Description, Location, URL string
	// Start and End bound the event; End must come after Start. They are
	// written in UTC, to the second.
	Start, End time.Time
	// Organizer sends the invitation and receives the replies; its Email is
	// required.
	Organizer Person
	// Attendees are invited to the event; at least one is required.
	Attendees []Person
	// Sequence is the revision of the event: 0 for the first invitation,
	// bumped by the caller on every update and for the cancellation.
	Sequence int
	// Status is StatusConfirmed (the default when empty) for Invite; Cancel
	// always writes StatusCancelled.
	Status Status
	// Stamp is written as DTSTAMP, when this calendar object was made.
	// Default: the time of the call.
	Stamp time.Time
}

// validate reports the first reason e cannot be sent with method m.
func (e *Event) validate(m Method) error {
	if strings.TrimSpace(e.UID) == "" {
		return fmt.Errorf("ical: UID is required: %w", ErrInvalidEvent)
	}
	if e.Start.IsZero() || e.End.IsZero() {
		return fmt.Errorf("ical: event %q: Start and End are required: %w", e.UID, ErrInvalidEvent)
	}
	if !e.End.Truncate(time.Second).After(e.Start.Truncate(time.Second)) {
		return fmt.Errorf("ical: event %q: End %s is not after Start %s: %w",
			e.UID, e.End.Format(time.RFC3339), e.Start.Format(time.RFC3339), ErrInvalidEvent)
	}
	if err := checkEmail(e.Organizer.Email); err != nil {
		return fmt.Errorf("ical: event %q: organizer: %w", e.UID, err)
	}
	if len(e.Attendees) == 0 {
		return fmt.Errorf("ical: event %q: at least one attendee is required: %w", e.UID, ErrInvalidEvent)
	}
	for i, a := range e.Attendees {
		if err := checkEmail(a.Email); err != nil {
			return fmt.Errorf("ical: event %q: attendee %d: %w", e.UID, i, err)
		}
	}
	if e.URL != "" {
		if _, err := parseURL(e.URL); err != nil {
			return fmt.Errorf("ical: event %q: %w", e.UID, err)
		}
	}
	if e.Sequence < 0 {
		return fmt.Errorf("ical: event %q: Sequence %d is negative: %w", e.UID, e.Sequence, ErrInvalidEvent)
	}
	switch m {
	case MethodRequest:
		if e.Status != "" && e.Status != StatusConfirmed {
			return fmt.Errorf("ical: event %q: an invitation cannot have status %q (use Cancel): %w", e.UID, e.Status, ErrInvalidEvent)
		}
	case MethodCancel:
		if e.Sequence < 1 {
			return fmt.Errorf("ical: event %q: a cancellation needs a Sequence above the invitation's: %w", e.UID, ErrInvalidEvent)
		}
	}
	return nil
}

// checkEmail accepts a bare address that net/mail parses, with nothing around it.
func checkEmail(s string) error {
	if s == "" {
		return fmt.Errorf("e-mail is required: %w", ErrInvalidEvent)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return fmt.Errorf("e-mail %q is not a bare address: %w", s, ErrInvalidEvent)
	}
	return nil
}

// parseURL accepts an absolute http or https URL.
func parseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("URL %q: %w: %w", s, err, ErrInvalidEvent)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("URL %q is not an absolute http(s) URL: %w", s, ErrInvalidEvent)
	}
	return u, nil
}
