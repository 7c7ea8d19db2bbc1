// Package ical writes iCalendar invitations (RFC 5545) for scheduling by
// e-mail (iTIP, RFC 5546): the help desk mails one to the operator and the
// legal consultant when a case needs a face-to-face appointment, and another
// when the appointment is cancelled.
//
// [Invite] and [Cancel] turn an [Event] into a VCALENDAR object with one
// VEVENT and METHOD:REQUEST or METHOD:CANCEL, ready to attach to a message
// with the content type [ContentType] gives. The output follows RFC 5545 to
// the letter: CRLF line ends, lines folded at 75 octets without splitting a
// UTF-8 sequence, TEXT values escaped, times in UTC (so no VTIMEZONE is
// needed), and PRODID -//incroci//helpdesk//IT.
//
// Values come from people, so nothing in an Event can add a line of its own:
// line breaks in text are escaped, names are quoted (with RFC 6868 escapes
// for line breaks and quotes), and e-mail addresses and URLs that do not
// parse are refused.
//
// [Publish] writes a set of events that need no reply (METHOD:PUBLISH):
// the meetings of a training course attached to a confirmation, or a
// person's calendar feed.
//
// The package writes; it does not parse. Replies (METHOD:REPLY) are not
// handled: the help desk keeps the appointment's state itself.
package ical
