package mail_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/incrocicomuni/incroci/mail"
)

func ExampleNewSMTP() {
	m, err := mail.NewSMTP(mail.SMTPConfig{
		Host:     "smtp.example.it",
		Username: "incroci",
		Password: os.Getenv("SMTP_PASSWORD"),
		From:     "Incroci <noreply@example.it>",
		// Port 587 and TLS mandatory are the defaults.
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var _ mail.Mailer = m
	fmt.Println("ready")
	// Output: ready
}

func ExampleNewLog() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // keep the output stable
			}
			return a
		},
	}))
	m := mail.NewLog(logger)
	err := m.Send(context.Background(), mail.Message{
		To:      []mail.Address{{Email: "operatore@comune.lodi.it"}},
		Subject: "Il tuo codice di accesso",
		Text:    "Codice 123456, oppure apri https://hub.example.it/login?c=123456",
	})
	fmt.Println(err)
	// Output:
	// level=INFO msg="mail: message not sent (development mailer)" to=[<operatore@comune.lodi.it>] subject="Il tuo codice di accesso" links="[https://hub.example.it/login?c=123456]" text="Codice 123456, oppure apri https://hub.example.it/login?c=123456"
	// <nil>
}

func ExampleMessage_Validate() {
	err := mail.Message{
		To:      []mail.Address{{Email: "operatore@comune.lodi.it"}},
		Subject: "Ciao\r\nBcc: someone@example.com",
		Text:    "…",
	}.Validate()
	fmt.Println(err)
	// Output: mail: invalid message: subject contains a line break
}
