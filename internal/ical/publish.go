package ical

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MethodPublish publishes events that need no reply: a copy for the
// reader's calendar, or a calendar feed (RFC 5546, section 3.2.1).
const MethodPublish Method = "PUBLISH"

// Calendar is a set of events to publish, such as the meetings of a
// training course or a person's calendar feed.
type Calendar struct {
	// ProdID identifies the program that made the calendar. Default:
	// ProdID.
	ProdID string
	// Name is shown by calendar programs that subscribe to a feed
	// (X-WR-CALNAME); optional.
	Name string
	// Events are the events; each needs a UID, a Summary, Start and End.
	// Organizer and Attendees are optional here, and written when set.
	// Cancelled events (Status StatusCancelled) stay in, so that readers
	// remove them.
	Events []Event
}

// Publish returns c as a calendar object with METHOD:PUBLISH and one
// VEVENT per event, written by the same rules as Invite (CRLF, folding,
// escaping, UTC times). A calendar with no events is valid: a feed with
// nothing on it. The error wraps [ErrInvalidEvent] when an event cannot be
// written.
func Publish(c Calendar) ([]byte, error) {
	for i := range c.Events {
		if err := c.Events[i].validatePublished(); err != nil {
			return nil, err
		}
	}
	prodID := c.ProdID
	if prodID == "" {
		prodID = ProdID
	}
	var w writer
	w.prop("BEGIN", "VCALENDAR")
	w.prop("VERSION", "2.0")
	w.prop("PRODID", text(prodID))
	w.prop("CALSCALE", "GREGORIAN")
	w.prop("METHOD", string(MethodPublish))
	if c.Name != "" {
		w.prop("X-WR-CALNAME", text(c.Name))
	}
	now := time.Now()
	for _, e := range c.Events {
		stamp := e.Stamp
		if stamp.IsZero() {
			stamp = now
		}
		status := e.Status
		if status == "" {
			status = StatusConfirmed
		}
		w.prop("BEGIN", "VEVENT")
		w.prop("UID", text(e.UID))
		w.prop("DTSTAMP", utc(stamp))
		w.prop("SEQUENCE", strconv.Itoa(e.Sequence))
		w.prop("DTSTART", utc(e.Start))
		w.prop("DTEND", utc(e.End))
		w.prop("SUMMARY", text(e.Summary))
		if e.Description != "" {
			w.prop("DESCRIPTION", text(e.Description))
		}
		if e.Location != "" {
			w.prop("LOCATION", text(e.Location))
		}
		if e.URL != "" {
			u, _ := parseURL(e.URL) // checked by validatePublished
			w.prop("URL", u.String())
		}
		if e.Organizer.Email != "" {
			w.prop("ORGANIZER"+cn(e.Organizer.Name), mailto(e.Organizer.Email))
		}
		for _, a := range e.Attendees {
			w.prop("ATTENDEE"+cn(a.Name)+";ROLE=REQ-PARTICIPANT", mailto(a.Email))
		}
		w.prop("STATUS", string(status))
		w.prop("TRANSP", "OPAQUE")
		w.prop("END", "VEVENT")
	}
	w.prop("END", "VCALENDAR")
	return w.buf.Bytes(), nil
}

// validatePublished reports the first reason e cannot be published.
func (e *Event) validatePublished() error {
	if strings.TrimSpace(e.UID) == "" {
		return fmt.Errorf("ical: UID is required: %w", ErrInvalidEvent)
	}
	if e.Start.IsZero() || e.End.IsZero() || !e.End.Truncate(time.Second).After(e.Start.Truncate(time.Second)) {
		return fmt.Errorf("ical: event %q: End must come after Start: %w", e.UID, ErrInvalidEvent)
	}
	if e.Organizer.Email != "" {
		if err := checkEmail(e.Organizer.Email); err != nil {
			return fmt.Errorf("ical: event %q: organizer: %w", e.UID, err)
		}
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
	if e.Status != "" && e.Status != StatusConfirmed && e.Status != StatusCancelled {
		return fmt.Errorf("ical: event %q: unknown status %q: %w", e.UID, e.Status, ErrInvalidEvent)
	}
	if e.Sequence < 0 {
		return fmt.Errorf("ical: event %q: Sequence %d is negative: %w", e.UID, e.Sequence, ErrInvalidEvent)
	}
	return nil
}
