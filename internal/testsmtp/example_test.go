package testsmtp_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci/internal/testsmtp"
	"github.com/incrocicomuni/incroci/mail"
)

// sendActivation stands for the code under test.
func sendActivation(ctx context.Context, m mail.Mailer, to string) error {
	return m.Send(ctx, mail.Message{
		To:      []mail.Address{{Email: to}},
		Subject: "Attivazione della consulenza",
		Text:    "Apri https://hub.example.it/a/123 per attivarla.",
	})
}

func ExampleStart() {
	// In a test function, with its t:
	testFunc := func(t *testing.T) {
		srv := testsmtp.Start(t)
		m, err := mail.NewSMTP(mail.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: mail.TLSNone, From: "hub@example.it"})
		if err != nil {
			t.Fatal(err)
		}
		if err := sendActivation(context.Background(), m, "operatore@comune.lodi.it"); err != nil {
			t.Fatal(err)
		}
		got := srv.WaitFor(t, testsmtp.To("operatore@comune.lodi.it"), 5*time.Second)
		fmt.Println(got.Subject)
	}
	_ = testFunc
}
