// Package helpdesk is the help desk of the incroci network: operators of
// every ambito open consultations with legal consultants (and other desks,
// such as an ethnoclinical team) on immigration-law topics, continue them as
// a live written dialogue, meet face to face when a case is complex, and book
// linguistic-cultural mediators from the hour packages their ambito bought.
//
// The module stands on an incroci.Platform: its people and roles, sign-in,
// events, mail outbox, audit log and HTTP conventions. Mount it beside the
// platform:
//
//	hd, err := helpdesk.New(ctx, p, helpdesk.Config{})
//	hd.Mount(api.Group("/helpdesk"))
//
// Cases stay pseudonymous: a consultation names its beneficiary only by an
// initials-or-code label, an age band, a nationality and a language; text
// that looks like personal data is flagged to the writer before sending.
// Every read and change of a consultation is in the audit log; closed
// consultations are anonymised after Config.Retention, keeping the figures
// that reports need.
//
// Who sees what: an operator sees the consultations of their ambito; a
// consultant those of the desks they serve; internal notes never reach
// operators; coordinators see their ambito's reports; admins and the desk's
// managers manage desks.
package helpdesk
