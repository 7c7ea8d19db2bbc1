// Package events carries live updates, such as a new message in a
// consultation, from the code that makes them to the widgets that show them.
//
// A [Bus] publishes events on topics (e.g. "consultation:42") and hands them
// to subscribers of the same topic. Every event gets an id that grows with
// each publish on its topic, so a client that reconnects can ask for what it
// missed on that topic with [Bus.Since], as Server-Sent Events do with
// Last-Event-ID (see internal/sse). Ids of different topics are not
// comparable.
//
// Two implementations share the interface:
//
//   - [Memory] keeps events in process, for a hub running as one instance,
//     with the last events of each topic kept for replay;
//   - [Postgres] stores events in the table incroci_events and wakes every
//     instance sharing the database with LISTEN/NOTIFY, so that a widget
//     connected to one instance sees what another published, and event ids
//     are the same everywhere; ids count the events of each topic, so
//     publishers of different topics do not wait for one another.
//
// Subscribers never slow publishers down: each subscription has a buffer, and
// a subscriber that lets it fill up loses the subscription (its channel is
// closed); it subscribes again and catches up with Since.
//
// The safe way to follow a topic without gaps or duplicates is: Subscribe
// first, then page through Since from the last id seen, then read the
// channel, skipping ids already seen.
package events
