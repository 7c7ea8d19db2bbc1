// Package training runs the training of the incroci network for operators
// and linguistic-cultural mediators: courses and their editions, enrolment
// with seats reserved per ambito and per role, waiting lists and offers of
// freed seats, confirmations with iCalendar attachments and a calendar feed
// per person.
//
// The module stands on an incroci.Platform (people, roles, audit, mail,
// HTTP conventions). Mount it beside the platform:
//
//	tr, err := training.New(ctx, p, training.Config{})
//	tr.Mount(api.Group("/training"))
//
// Its routes are described by the OpenAPI 3.1 document OpenAPI returns,
// served at /openapi.json under the mount point.
package training
