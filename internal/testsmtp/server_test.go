package testsmtp_test

import (
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/incrocicomuni/incroci/internal/testsmtp"
)

const raw = "From: a@example.it\r\n" +
	"To: b@example.it\r\n" +
	"Subject: =?UTF-8?q?Citt=C3=A0?=\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=XX\r\n" +
	"\r\n" +
	"--XX\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"Ciao =C3=A8\r\n" +
	"--XX\r\n" +
	"Content-Type: application/octet-stream\r\n" +
	"Content-Disposition: attachment; filename=\"a.bin\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"AAEC\r\n" +
	"--XX--\r\n"

func TestCapture(t *testing.T) {
	srv := testsmtp.Start(t)
	if err := send(srv.Addr(), nil, "a@example.it", []string{"b@example.it"}, strings.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, testsmtp.To("B@example.it"), 5*time.Second)
	if got.From != "a@example.it" || got.Subject != "Città" || got.Text != "Ciao è" {
		t.Errorf("got from %q subject %q text %q", got.From, got.Subject, got.Text)
	}
	if len(got.Attachments) != 1 || got.Attachments[0].Filename != "a.bin" || string(got.Attachments[0].Data) != "\x00\x01\x02" {
		t.Errorf("attachments = %+v", got.Attachments)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("Messages() holds %d, want 1", n)
	}
}

func TestAuthRequired(t *testing.T) {
	srv := testsmtp.StartAuth(t, "hub", "secret")
	if err := send(srv.Addr(), nil, "a@example.it", []string{"b@example.it"}, strings.NewReader(raw)); err == nil {
		t.Fatal("mail without AUTH was accepted")
	}
	if err := send(srv.Addr(), sasl.NewPlainClient("", "hub", "wrong"), "a@example.it", []string{"b@example.it"}, strings.NewReader(raw)); err == nil {
		t.Fatal("mail with a wrong password was accepted")
	}
	if err := send(srv.Addr(), sasl.NewPlainClient("", "hub", "secret"), "a@example.it", []string{"b@example.it"}, strings.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	if got := srv.WaitFor(t, nil, 5*time.Second); got.Username != "hub" {
		t.Errorf("Username = %q, want hub", got.Username)
	}
}

// send delivers raw without STARTTLS, which smtp.SendMail insists on.
func send(addr string, auth sasl.Client, from string, to []string, r *strings.Reader) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if auth != nil {
		if err := c.Auth(auth); err != nil {
			return err
		}
	}
	if err := c.SendMail(from, to, r); err != nil {
		return err
	}
	return c.Quit()
}
