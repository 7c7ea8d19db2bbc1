// Package incroci is the platform of incroci, the shared software of the
// social districts (ambiti) of Lombardy for the social workers who serve
// foreign citizens: a help desk with legal consultants and mediators, a
// toolkit of procedure sheets and services, and training.
//
// The platform is what the modules (helpdesk, toolkit, training) stand on:
//
//   - tenancy: ambiti with their comuni, allowed website origins and
//     institutional e-mail domains;
//   - people with roles per ambito (operator, consultant, mediator, trainer,
//     editor, coordinator) and network administrators;
//   - ways in: e-mail activation with a code and a link, identities signed by
//     an ambito's website (HS256, exchanged once for a session), and the
//     partner's own authentication as a Go function; sessions are opaque
//     bearer tokens stored hashed, expiring and revocable;
//   - storage on PostgreSQL or an embedded SQLite file (OpenDB), with
//     versioned migrations per package;
//   - mail through a Mailer (package mail), live updates through an event
//     bus (package events) delivered as Server-Sent Events;
//   - the HTTP conventions every module follows: {"data": …} and
//     {"error": {"code", "message", "fields"}} bodies, messages in Italian and
//     English by Accept-Language, strict JSON, CORS from allowed origins only,
//     an OpenAPI 3.1 document at <mount>/openapi.json;
//   - the audit log of who read or changed what.
//
// A partner opens the database, builds the Platform and mounts it on a gin
// router group; every operation of the HTTP API is also a Go method, which
// reads the caller from the context (WithPrincipal, or AsSystem for seeds
// and scripts).
package incroci
