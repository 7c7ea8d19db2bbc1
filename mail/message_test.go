package mail_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/incrocicomuni/incroci/mail"
)

func valid() mail.Message {
	return mail.Message{To: []mail.Address{{Email: "op@example.it"}}, Subject: "Oggetto", Text: "Testo"}
}

func TestValidate(t *testing.T) {
	cases := map[string]func(*mail.Message){
		"no recipients":        func(m *mail.Message) { m.To = nil },
		"no subject":           func(m *mail.Message) { m.Subject = "  " },
		"no body":              func(m *mail.Message) { m.Text = "" },
		"CRLF in subject":      func(m *mail.Message) { m.Subject = "Ciao\r\nBcc: victim@example.com" },
		"LF in subject":        func(m *mail.Message) { m.Subject = "Ciao\nBcc: victim@example.com" },
		"CRLF in address":      func(m *mail.Message) { m.To[0].Email = "op@example.it\r\nBcc: v@example.com" },
		"CRLF in name":         func(m *mail.Message) { m.To[0].Name = "Op\r\nBcc: v@example.com" },
		"address with name":    func(m *mail.Message) { m.To[0].Email = "Op <op@example.it>" },
		"malformed address":    func(m *mail.Message) { m.To[0].Email = "op-at-example.it" },
		"bad from":             func(m *mail.Message) { m.From = mail.Address{Email: "x"} },
		"bad reply-to":         func(m *mail.Message) { m.ReplyTo = mail.Address{Name: "x"} },
		"bad cc":               func(m *mail.Message) { m.Cc = []mail.Address{{Email: "x\n"}} },
		"CRLF in header value": func(m *mail.Message) { m.Headers = map[string]string{"X-Ambito": "lodi\r\nBcc: v@example.com"} },
		"colon in header name": func(m *mail.Message) { m.Headers = map[string]string{"X-A:b": "c"} },
		"reserved header":      func(m *mail.Message) { m.Headers = map[string]string{"bcc": "v@example.com"} },
		"attachment without name": func(m *mail.Message) {
			m.Attachments = []mail.Attachment{{Data: []byte("x")}}
		},
		"CRLF in attachment name": func(m *mail.Message) {
			m.Attachments = []mail.Attachment{{Filename: "a\r\n.pdf"}}
		},
	}
	for name, mod := range cases {
		m := valid()
		m.To = slices.Clone(m.To)
		mod(&m)
		if err := m.Validate(); !errors.Is(err, mail.ErrInvalidMessage) {
			t.Errorf("%s: Validate() = %v, want ErrInvalidMessage", name, err)
		}
	}
	if err := valid().Validate(); err != nil {
		t.Errorf("valid message: %v", err)
	}
}

func TestAddress(t *testing.T) {
	a, err := mail.ParseAddress("Niccolò Rossi <n.rossi@example.it>")
	if err != nil || a.Name != "Niccolò Rossi" || a.Email != "n.rossi@example.it" {
		t.Fatalf("ParseAddress = %+v, %v", a, err)
	}
	if s := a.String(); !strings.Contains(s, "<n.rossi@example.it>") || strings.Contains(s, "ò") {
		t.Errorf("String() = %q, want an encoded name", s)
	}
	if _, err := mail.ParseAddress("a@example.it\r\nBcc: b@example.it"); err == nil {
		t.Error("ParseAddress accepted a line break")
	}
}

func TestLogPrintsLinks(t *testing.T) {
	var buf bytes.Buffer
	lg := mail.NewLog(slog.New(slog.NewJSONHandler(&buf, nil)))
	m := valid()
	m.Text = "Apri https://hub.example.it/a?x=1. Oppure http://localhost:8080/b"
	m.HTML = `<a href="https://hub.example.it/c?x=1&amp;y=2">c</a> <a href="https://hub.example.it/a?x=1">a</a>`
	if err := lg.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if n := strings.Count(out, "\n"); n != 1 {
		t.Errorf("%d log records, want 1: %s", n, out)
	}
	for _, want := range []string{`"subject":"Oggetto"`, `"to":["<op@example.it>"]`,
		`"links":["https://hub.example.it/a?x=1","http://localhost:8080/b","https://hub.example.it/c?x=1&y=2"]`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s: %s", want, out)
		}
	}
	if err := lg.Send(context.Background(), mail.Message{Subject: "x", Text: "x"}); !errors.Is(err, mail.ErrInvalidMessage) {
		t.Errorf("Log accepted a message without recipients: %v", err)
	}
}
