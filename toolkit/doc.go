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
// Kept current: each sheet names the legal sources it rests on (law
// articles, circulars, form versions, valid from one day to another). When
// an editor changes a source (UpdateSource) or it expires (CheckSources,
// which the hub runs periodically), every sheet resting on it and each of
// its translations is flagged outdated, and each owner gets one e-mail per
// change. An editor lifts the flag by publishing a new revision or marking
// the sheet checked (MarkChecked), which also moves its review-by day
// forward by Config.ReviewEvery. Outdated and overdue sheets wait in the
// editors' Queue.
//
// Translations: a sheet is translated into the languages of Languages
// (right-to-left ones marked) by its editors, its proposers and mediators;
// each is machine, human, checked by a mediator, or outdated once the
// Italian text changed after it.
//
// Attachments: a sheet has files (forms, templates), each with a title and
// the language it is written in, judged by their content against
// Config.AttachmentTypes and Config.MaxAttachment, kept in an
// AttachmentStore (a DiskStore by default). Editors change the files of a
// published sheet; a file added with a draft or a proposed change waits
// for it (status pending) and reaches the sheet only when that revision is
// published. Each published revision carries the list of files the sheet
// had meanwhile, so a rollback brings that list back.

// Handouts: Handout lays a published sheet out for print, Italian beside
// another language (GET /sheets/{id}/handout, an HTML page with its print
// stylesheet), with the day it is valid from and a QR code to the live
// version; PrintHandout prints it to PDF (GET /sheets/{id}/handout.pdf)
// with Config.Printer, a pdf.Printer such as a headless Chromium. Without a
// printer there is no PDF, and people print the page from the browser. A
// tab of its own carries no session, so the handout of a sheet that is not
// public opens by HandoutLink (POST /sheets/{id}/handout/link): an address
// signed with a key the platform derives from its secret
// (incroci.Platform.Sign), for that sheet, language and published version,
// for HandoutLinkTTL, that the page and its PDF take as ?key= instead of a
// session.
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
