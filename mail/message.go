package mail

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

// ErrInvalidMessage is wrapped by every error that [Message.Validate] returns,
// so callers can tell a bad message from a failed delivery with errors.Is.
var ErrInvalidMessage = errors.New("mail: invalid message")

// Address is one mailbox: an e-mail address and an optional display name.
type Address struct {
	// Name is the display name, e.g. "Ufficio di Piano di Lodi". Optional.
	Name string
	// Email is the bare address, e.g. "udp@comune.lodi.it". Required.
	Email string
}

// String formats the address for a message header, quoting and encoding the
// display name as RFC 5322 and RFC 2047 require.
func (a Address) String() string {
	return (&mail.Address{Name: a.Name, Address: a.Email}).String()
}

// IsZero reports whether the address is empty.
func (a Address) IsZero() bool { return a.Name == "" && a.Email == "" }

// ParseAddress parses one address such as "Mario Rossi <mario.rossi@example.it>"
// or "mario.rossi@example.it".
func ParseAddress(s string) (Address, error) {
	if strings.ContainsAny(s, "\r\n") {
		return Address{}, fmt.Errorf("%w: address %q contains a line break", ErrInvalidMessage, s)
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return Address{}, fmt.Errorf("%w: address %q: %v", ErrInvalidMessage, s, err)
	}
	return Address{Name: a.Name, Email: a.Address}, nil
}

// Attachment is a file sent with a message.
type Attachment struct {
	// Filename is the name the recipient sees, e.g. "scheda.pdf". Required.
	Filename string
	// ContentType is the MIME type, parameters included, e.g. "application/pdf"
	// or "text/calendar; method=REQUEST; charset=UTF-8". Default
	// "application/octet-stream".
	ContentType string
	// Data is the file's content.
	Data []byte
}

// Message is one e-mail. The zero value is not valid: set at least To,
// Subject and Text or HTML.
type Message struct {
	// From is the sender. Default: the mailer's configured sender.
	From Address
	// ReplyTo is where replies go. Optional.
	ReplyTo Address
	// To lists the recipients. At least one is required.
	To []Address
	// Cc lists the recipients in copy. Optional.
	Cc []Address
	// Subject is the subject line, in any language (it is encoded as needed).
	// Required.
	Subject string
	// Text is the plain-text body. Text or HTML is required; send both when
	// you can, since many desks read mail as text.
	Text string
	// HTML is the HTML body, sent as an alternative to Text. Optional.
	HTML string
	// Attachments are the files sent with the message. Optional.
	Attachments []Attachment
	// Headers are extra header fields, e.g. "Auto-Submitted": "auto-generated".
	// The fields that mailers set themselves (From, To, Cc, Bcc, Reply-To,
	// Subject, Date, Message-ID, MIME-Version, Content-*) are refused.
	Headers map[string]string
}

// reservedHeaders are set by the mailers and may not come from Message.Headers.
var reservedHeaders = map[string]bool{
	"from": true, "to": true, "cc": true, "bcc": true, "reply-to": true, "sender": true,
	"subject": true, "date": true, "message-id": true, "mime-version": true,
	"content-type": true, "content-transfer-encoding": true, "content-disposition": true,
	"return-path": true,
}

// Validate reports what makes the message unfit to send: no recipient, no
// subject, no body, a malformed address, or a header (subject, name, address,
// file name, extra field) carrying CR or LF, which could inject headers.
// Every error wraps [ErrInvalidMessage].
func (m Message) Validate() error {
	if len(m.To) == 0 {
		return fmt.Errorf("%w: no recipients", ErrInvalidMessage)
	}
	if strings.TrimSpace(m.Subject) == "" {
		return fmt.Errorf("%w: no subject", ErrInvalidMessage)
	}
	if hasLineBreak(m.Subject) {
		return fmt.Errorf("%w: subject contains a line break", ErrInvalidMessage)
	}
	if m.Text == "" && m.HTML == "" {
		return fmt.Errorf("%w: no body (set Text or HTML)", ErrInvalidMessage)
	}
	if !m.From.IsZero() {
		if err := checkAddress("from", m.From); err != nil {
			return err
		}
	}
	if !m.ReplyTo.IsZero() {
		if err := checkAddress("reply-to", m.ReplyTo); err != nil {
			return err
		}
	}
	for _, a := range m.To {
		if err := checkAddress("to", a); err != nil {
			return err
		}
	}
	for _, a := range m.Cc {
		if err := checkAddress("cc", a); err != nil {
			return err
		}
	}
	for i, a := range m.Attachments {
		if strings.TrimSpace(a.Filename) == "" {
			return fmt.Errorf("%w: attachment %d has no file name", ErrInvalidMessage, i+1)
		}
		if hasLineBreak(a.Filename) || hasLineBreak(a.ContentType) {
			return fmt.Errorf("%w: attachment %q: line break in file name or content type", ErrInvalidMessage, a.Filename)
		}
	}
	for k, v := range m.Headers {
		if !validFieldName(k) {
			return fmt.Errorf("%w: header name %q is not valid", ErrInvalidMessage, k)
		}
		if reservedHeaders[strings.ToLower(k)] {
			return fmt.Errorf("%w: header %q is set by the mailer", ErrInvalidMessage, k)
		}
		if hasLineBreak(v) {
			return fmt.Errorf("%w: header %q contains a line break", ErrInvalidMessage, k)
		}
	}
	return nil
}

func checkAddress(field string, a Address) error {
	if hasLineBreak(a.Name) || hasLineBreak(a.Email) {
		return fmt.Errorf("%w: %s address contains a line break", ErrInvalidMessage, field)
	}
	p, err := mail.ParseAddress(a.Email)
	if err != nil || p.Address != a.Email {
		return fmt.Errorf("%w: %s address %q is not a bare e-mail address", ErrInvalidMessage, field, a.Email)
	}
	return nil
}

func hasLineBreak(s string) bool { return strings.ContainsAny(s, "\r\n") }

// validFieldName reports whether s is a header field name (RFC 5322 ftext:
// printable ASCII except colon).
func validFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

// recipients lists To and Cc, for logs.
func (m Message) recipients() []string {
	out := make([]string, 0, len(m.To)+len(m.Cc))
	for _, a := range m.To {
		out = append(out, a.String())
	}
	for _, a := range m.Cc {
		out = append(out, a.String())
	}
	return out
}
