// Package sse streams the events of one topic of an [events.Bus] to a browser
// as Server-Sent Events, so widgets get live updates and, after a reconnection,
// everything they missed.
//
// [Serve] subscribes first, then replays from the table (or memory) the events
// after the client's Last-Event-ID, then streams live events, skipping those
// the replay already sent: the client sees every event once, in id order.
//
// [Reader] parses an event stream, for tests and Go clients.
package sse
