// Package toolkit holds the working tools the incroci network builds
// together and keeps true as immigration law changes: procedure sheets in
// the sections Italian public-service pages use, proposed by any operator
// and reviewed by editors, with every change kept as a revision that can be
// compared and rolled back.
//
// The module stands on an incroci.Platform (people, roles, audit, mail,
// HTTP conventions). Mount it beside the platform:
//
//	tk, err := toolkit.New(ctx, p, toolkit.Config{})
//	tk.Mount(api.Group("/toolkit"))
//
// Who does what: any person with a role in an ambito proposes a sheet or a
// change; the editors of the sheet's ambito (any ambito's editors for the
// network's sheets) and network administrators review, publish, archive and
// roll back. A proposal never changes a published sheet until an editor
// accepts it. An ambito's own sheets stay in that ambito; the network's are
// read by everyone signed in, and handouts for citizens by anyone.
//
// Bodies are Markdown: they are stored as written and rendered to HTML that
// is sanitised (no script, no event handler, no style), so text written by
// anyone renders as text.
//
// The directory of services is modelled on Open Referral HSDS 3.0:
// organizations, their services and locations (address, comune,
// coordinates), services at locations, phones, opening hours (Italian
// wall-clock times, Europe/Rome), languages, accessibility, and the kinds
// of services and the topics as taxonomy terms. Ids are UUIDs. Anyone reads
// it through the HSDS API under /hsds; the editors of an entry's ambito and
// admins write it (the Create*, Update*, Delete* and MarkChecked methods
// and their routes under /directory) and import HSDS JSON, which is checked
// whole before anything is written (see Import and Export).
package toolkit
