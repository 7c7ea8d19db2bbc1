// Package mail sends the e-mail that incroci writes: login codes and links,
// consultation notices, appointment invitations.
//
// Everything that sends mail depends only on the [Mailer] interface. Two
// implementations come with the package:
//
//   - [SMTP] delivers through an SMTP server (submission on port 587 with
//     STARTTLS by default), using github.com/wneessen/go-mail;
//   - [Log] delivers nothing: it writes every message, with the links it
//     holds, to a log/slog logger, so that a developer can follow a sign-in
//     link without a mail server.
//
// A [Message] is checked by [Message.Validate] before any mailer touches it: it
// needs at least one recipient, a subject and a body, and no header may carry
// CR or LF (header injection).
//
// Calendar invitations travel as an [Attachment] whose content type carries
// the iTIP method, for example
//
//	mail.Attachment{Filename: "invito.ics", ContentType: "text/calendar; method=REQUEST; charset=UTF-8", Data: ics}
package mail
