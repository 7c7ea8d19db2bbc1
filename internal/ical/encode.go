package ical

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ProdID identifies this program in every calendar object it writes.
const ProdID = "-//incroci//helpdesk//IT"

// maxLine is the longest a content line may be, in octets without the CRLF
// (RFC 5545, section 3.1).
const maxLine = 75

// utcLayout writes a DATE-TIME in UTC ("form #2", RFC 5545 section 3.3.5).
const utcLayout = "20060102T150405Z"

// Invite returns an invitation to e: a calendar object with METHOD:REQUEST
// and one VEVENT whose attendees are asked to reply
// (ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE). Send an update of
// the event with Invite too, the same UID and a higher Sequence. The error
// wraps [ErrInvalidEvent] when e cannot be sent.
func Invite(e Event) ([]byte, error) {
	return encode(e, MethodRequest)
}

// Cancel returns the cancellation of e: a calendar object with METHOD:CANCEL
// and STATUS:CANCELLED. e must carry the UID of the invitation and a Sequence
// the caller has bumped above the last one sent, and list every attendee.
// The error wraps [ErrInvalidEvent] when e cannot be sent.
func Cancel(e Event) ([]byte, error) {
	return encode(e, MethodCancel)
}

func encode(e Event, m Method) ([]byte, error) {
	if err := e.validate(m); err != nil {
		return nil, err
	}
	stamp := e.Stamp
	if stamp.IsZero() {
		stamp = time.Now()
	}
	status := StatusConfirmed
	if m == MethodCancel {
		status = StatusCancelled
	}

	var w writer
	w.prop("BEGIN", "VCALENDAR")
	w.prop("VERSION", "2.0")
	w.prop("PRODID", ProdID)
	w.prop("CALSCALE", "GREGORIAN")
	w.prop("METHOD", string(m))
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
		u, _ := parseURL(e.URL) // checked by validate
		w.prop("URL", u.String())
	}
	w.prop("ORGANIZER"+cn(e.Organizer.Name), mailto(e.Organizer.Email))
	for _, a := range e.Attendees {
		params := ";ROLE=REQ-PARTICIPANT"
		if m == MethodRequest {
			params += ";PARTSTAT=NEEDS-ACTION;RSVP=TRUE"
		}
		w.prop("ATTENDEE"+cn(a.Name)+params, mailto(a.Email))
	}
	w.prop("STATUS", string(status))
	w.prop("TRANSP", "OPAQUE")
	w.prop("END", "VEVENT")
	w.prop("END", "VCALENDAR")
	return w.buf.Bytes(), nil
}

// writer collects content lines, folded and ended with CRLF.
type writer struct {
	buf bytes.Buffer
}

// prop writes the content line name:value. name may carry parameters; both
// must already be encoded for their value type.
func (w *writer) prop(name, value string) {
	w.fold(name + ":" + value)
}

// fold writes line in chunks of at most 75 octets, each continuation line
// starting with a space (RFC 5545, section 3.1). A chunk never ends inside a
// UTF-8 sequence.
func (w *writer) fold(line string) {
	limit := maxLine
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		w.buf.WriteString(line[:cut])
		w.buf.WriteString("\r\n ")
		line = line[cut:]
		limit = maxLine - 1 // the leading space counts
	}
	w.buf.WriteString(line)
	w.buf.WriteString("\r\n")
}

// utc writes t as a UTC DATE-TIME, to the second.
func utc(t time.Time) string {
	return t.UTC().Format(utcLayout)
}

// clean makes s valid UTF-8, turns CRLF and lone CR into LF, and drops the
// control characters other than LF and tab, which no value may hold.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// textEscaper escapes a TEXT value (RFC 5545, section 3.3.11).
var textEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`)

// text encodes s as a TEXT value: a line break becomes \n, so s stays on
// its content line.
func text(s string) string {
	return textEscaper.Replace(clean(s))
}

// paramEscaper escapes a parameter value by RFC 6868: ^ as ^^, a line break
// as ^n and a double quote as ^'.
var paramEscaper = strings.NewReplacer("^", "^^", "\n", "^n", `"`, "^'")

// cn returns the CN parameter for a display name, quoted so that ; : and ,
// need no escaping, or "" for no name.
func cn(name string) string {
	if name == "" {
		return ""
	}
	return `;CN="` + paramEscaper.Replace(clean(name)) + `"`
}

// mailto returns the cal-address of an e-mail address: a mailto URI
// (RFC 6068) with every octet outside the unreserved set and a few safe
// delimiters percent-encoded.
func mailto(addr string) string {
	var b strings.Builder
	b.WriteString("mailto:")
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("-._~!$'*+@", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
