// Package testsmtp starts a real SMTP server inside a test, on 127.0.0.1 and a
// free port, and captures what it receives, parsed into headers, text and
// HTML bodies and attachments.
//
// The server speaks plain SMTP (no TLS) and offers AUTH PLAIN: [Start]
// accepts any credentials or none, [StartAuth] requires the given ones.
// It closes when the test ends.
//
//	srv := testsmtp.Start(t)
//	m, _ := mail.NewSMTP(mail.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: mail.TLSNone, From: "hub@example.it"})
//	// … code under test sends a message …
//	got := srv.WaitFor(t, testsmtp.To("op@example.it"), 5*time.Second)
package testsmtp
