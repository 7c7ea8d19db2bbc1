package mail

import "context"

// Mailer sends messages. Implementations validate the message first (see
// [Message.Validate]) and are safe for concurrent use.
type Mailer interface {
	// Send delivers m, or returns why it could not. It honours ctx for
	// connecting and sending.
	Send(ctx context.Context, m Message) error
}

var (
	_ Mailer = (*SMTP)(nil)
	_ Mailer = (*Log)(nil)
)
