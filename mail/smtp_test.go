package mail_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci/internal/testsmtp"
	"github.com/incrocicomuni/incroci/mail"
)

func newSMTP(t *testing.T, srv *testsmtp.Server, mod func(*mail.SMTPConfig)) *mail.SMTP {
	t.Helper()
	cfg := mail.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: mail.TLSNone, From: "Incroci <hub@example.it>", Timeout: 5 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	m, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSMTPDeliversTextHTMLAndAttachment(t *testing.T) {
	srv := testsmtp.Start(t)
	m := newSMTP(t, srv, nil)
	pdf := bytes.Repeat([]byte{0x25, 0x50, 0x44, 0x46, 0x00, 0xff, '\r', '\n'}, 500)
	ics := "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
	msg := mail.Message{
		To:      []mail.Address{{Name: "Niccolò Bianchi", Email: "operatore@comune.lodi.it"}},
		Cc:      []mail.Address{{Email: "coordinatore@comune.lodi.it"}},
		ReplyTo: mail.Address{Email: "sportello@example.it"},
		Subject: "Consulenza attivata: città, perché, è già così",
		Text:    "Buongiorno,\nla consulenza è attiva: https://hub.example.it/c/42?t=abc\n",
		HTML:    `<p>Buongiorno,</p><p><a href="https://hub.example.it/c/42?t=abc&amp;x=1">apri</a></p>`,
		Attachments: []mail.Attachment{
			{Filename: "scheda.pdf", ContentType: "application/pdf", Data: pdf},
			{Filename: "invito.ics", ContentType: "text/calendar; method=REQUEST; charset=UTF-8", Data: []byte(ics)},
		},
		Headers: map[string]string{"Auto-Submitted": "auto-generated"},
	}
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, testsmtp.To("operatore@comune.lodi.it"), 5*time.Second)
	if got.Subject != msg.Subject {
		t.Errorf("subject = %q, want %q", got.Subject, msg.Subject)
	}
	if got.Text != msg.Text {
		t.Errorf("text = %q, want %q", got.Text, msg.Text)
	}
	if got.HTML != msg.HTML {
		t.Errorf("html = %q, want %q", got.HTML, msg.HTML)
	}
	if got.From != "hub@example.it" {
		t.Errorf("envelope from = %q", got.From)
	}
	if len(got.To) != 2 {
		t.Errorf("envelope recipients = %v, want To and Cc", got.To)
	}
	if h := got.Header.Get("Auto-Submitted"); h != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", h)
	}
	if h := got.Header.Get("Reply-To"); !strings.Contains(h, "sportello@example.it") {
		t.Errorf("Reply-To = %q", h)
	}
	if len(got.Attachments) != 2 {
		t.Fatalf("attachments = %d, want 2", len(got.Attachments))
	}
	if a := got.Attachments[0]; a.Filename != "scheda.pdf" || !bytes.Equal(a.Data, pdf) || !strings.HasPrefix(a.ContentType, "application/pdf") {
		t.Errorf("pdf attachment: name %q type %q, %d bytes (want %d), equal %v", a.Filename, a.ContentType, len(a.Data), len(pdf), bytes.Equal(a.Data, pdf))
	}
	if a := got.Attachments[1]; a.Filename != "invito.ics" || string(a.Data) != ics || !strings.Contains(a.ContentType, "method=REQUEST") {
		t.Errorf("ics attachment: name %q type %q data %q", a.Filename, a.ContentType, a.Data)
	}
}

func TestSMTPAuthAndConcurrentSends(t *testing.T) {
	srv := testsmtp.StartAuth(t, "hub", "s3cret")
	m := newSMTP(t, srv, func(c *mail.SMTPConfig) { c.Username, c.Password = "hub", "s3cret" })
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for i := range 5 {
		wg.Go(func() {
			errs <- m.Send(context.Background(), mail.Message{
				To:      []mail.Address{{Email: "op" + string(rune('a'+i)) + "@example.it"}},
				Subject: "Codice di accesso",
				Text:    "Il tuo codice è 123456",
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	for i := range 5 {
		got := srv.WaitFor(t, testsmtp.To("op"+string(rune('a'+i))+"@example.it"), 5*time.Second)
		if got.Username != "hub" || strings.TrimRight(got.Text, "\n") != "Il tuo codice è 123456" {
			t.Errorf("message %d: user %q text %q", i, got.Username, got.Text)
		}
	}
}

func TestSMTPWrongPassword(t *testing.T) {
	srv := testsmtp.StartAuth(t, "hub", "s3cret")
	m := newSMTP(t, srv, func(c *mail.SMTPConfig) { c.Username, c.Password = "hub", "nope" })
	err := m.Send(context.Background(), mail.Message{To: []mail.Address{{Email: "a@example.it"}}, Subject: "x", Text: "x"})
	if err == nil {
		t.Fatal("send with a wrong password succeeded")
	}
	if errors.Is(err, mail.ErrInvalidMessage) {
		t.Errorf("delivery failure reported as invalid message: %v", err)
	}
}

func TestSMTPTLSMandatoryRefusesPlainServer(t *testing.T) {
	srv := testsmtp.Start(t)
	m := newSMTP(t, srv, func(c *mail.SMTPConfig) { c.TLS = mail.TLSMandatory })
	err := m.Send(context.Background(), mail.Message{To: []mail.Address{{Email: "a@example.it"}}, Subject: "x", Text: "x"})
	if err == nil {
		t.Fatal("TLSMandatory sent to a server without STARTTLS")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages", n)
	}
}

func TestNewSMTPConfig(t *testing.T) {
	for name, cfg := range map[string]mail.SMTPConfig{
		"no host":    {From: "a@example.it"},
		"no from":    {Host: "smtp.example.it"},
		"bad from":   {Host: "smtp.example.it", From: "not an address"},
		"bad port":   {Host: "smtp.example.it", From: "a@example.it", Port: 70000},
		"bad auth":   {Host: "smtp.example.it", From: "a@example.it", Username: "u", Auth: "kerberos"},
		"bad policy": {Host: "smtp.example.it", From: "a@example.it", TLS: mail.TLSPolicy(9)},
	} {
		if _, err := mail.NewSMTP(cfg); err == nil {
			t.Errorf("%s: NewSMTP accepted %+v", name, cfg)
		}
	}
	if _, err := mail.NewSMTP(mail.SMTPConfig{Host: "smtp.example.it", From: "a@example.it"}); err != nil {
		t.Errorf("minimal config: %v", err)
	}
}
