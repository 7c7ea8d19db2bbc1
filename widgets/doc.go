// Package widgets serves the incroci JavaScript widgets: custom elements
// that an ambito website embeds with one script tag and that talk to the
// incroci API mounted on a hub.
//
//	<script src="https://hub.example.it/incroci/widgets/signin.js" async></script>
//	<incroci-signin ambito="lodi" hub="https://hub.example.it/incroci" lang="it"></incroci-signin>
//
// Each widget is one file, <name>.js, built from the TypeScript sources in
// src/ with esbuild's Go API (no Node needed) by
//
//	go generate ./widgets
//
// The built files in dist/ are committed and embedded; a test fails when
// they are stale. [Handler] serves them, usually under <mount>/widgets/ (the
// platform mounts it there), with cache, CORS, CSP and gzip handled.
//
// The widgets available are listed by [Names]:
//
//   - signin: <incroci-signin>, sign-in with an institutional e-mail address
//     and a one-time code, "signed in as", sign-out, the person's profile
//     and data.
//   - helpdesk: <incroci-helpdesk>, the operators' help desk: their
//     consultations, opening one (topic picker, intake, personal-data
//     check), the live dialogue with attachments, appointments to accept or
//     call off, and their mediator requests — the mediation widget loaded
//     from mediation.js beside it the first time they are opened.
//   - mediation: <incroci-mediation>, an ambito's mediator requests and hour
//     packages, live. Attributes of its own: consultation (an id: open the
//     request form for that consultation) and embedded (no signed-in line:
//     set by <incroci-helpdesk>, which shows one).
//   - console: <incroci-console>, the console of coordinators, consultants,
//     mediators and the toolkit's editors: people and roles of an ambito;
//     the help desk's queue, dialogue with internal notes, assignment and
//     appointment slots; mediation confirmations, packages of hours and the
//     mediator's own profile; the desks' consultants; reports with charts;
//     the toolkit's proposals with their diff, review, comments, history
//     and rollback, the queue of sheets to review, translations (written
//     right to left where the language is) and legal sources; the
//     training's courses and editions (meetings in Italian time, seats,
//     quotas, enrolment window, approval; calling one off), each edition's
//     enrolments with quotas used, the waiting list and offers, approvals,
//     and a trainer's own editions. The help-desk views are in
//     console-helpdesk.js, the desks in console-desks.js, the toolkit's in
//     console-toolkit.js, console-translations.js and console-sources.js,
//     the training's in console-training.js (with console-register.js for
//     an edition's register, check-in QR code, hours and certificates),
//     console-surveys.js ("Questionari": needs surveys, results with SVG
//     bars and tables, CSV, needs) and console-treports.js ("Report
//     formazione"), each loaded the first time one of its tabs opens.
//   - toolkit: <incroci-toolkit>, the network's working tools: one search
//     across sheets, glossary and directory services (highlighted
//     snippets, filters, pages); a sheet with its translations (right to
//     left where the language is), glossary terms shown on hover, focus or
//     tap, the outdated and review-overdue banners, its legal sources, the
//     handout to print or as PDF, and "Le istruzioni erano chiare?"; the
//     glossary. Signing in and proposing a sheet or a change are in
//     toolkit-propose.js, loaded the first time they are asked for. The
//     toolkit is expected mounted at <hub>/toolkit.
//   - directory: <incroci-directory>, the directory of services of the
//     toolkit (its HSDS API at <hub>/toolkit/hsds), no sign-in: filters by
//     comune, kind of service or topic and language spoken; each entry with
//     its organization, address, phones, opening hours in Italian time (and
//     whether it is open now), languages, accessibility and the day it was
//     last checked, a page at a time; and a map, from directory-map.js
//     beside it, loaded the first time someone asks for it. Attributes of
//     its own: tiles (the map tiles' URL template with {z}, {x} and {y};
//     OpenStreetMap's by default, credited, whose host the page's CSP must
//     let in as img-src) and tiles-attribution (the credit of other tiles).
//     With an ambito it lists that ambito's entries, else the network's.
//   - training: <incroci-training>, the network's training for operators
//     and mediators, signed in (the sign-in flow is drawn in the widget):
//     the catalogue of courses filtered by topic, audience role, ambito or
//     network and open for enrolment, a page at a time; a course with its
//     goals, materials and editions; an edition with its meetings in
//     Italian time (place or video link), capacity, seats left and the
//     seats kept per role or ambito in plain words, the enrolment window,
//     the cancellation deadline and whether a coordinator approves, where
//     the person enrols or joins the waiting list (with their place on it),
//     accepts or turns down a seat offered (by its deadline) or cancels
//     (after confirming); "I miei corsi" with each enrolment's status. The
//     e-mails' links (?incroci_edition=<id>) open their edition. "Le mie ore"
//     (hours attended per year and course), "I miei attestati" (each
//     certificate's PDF, downloaded with the session's token, and its public
//     verification page) and the check-in (the code of the trainer's QR
//     code, which opens the page with ?incroci_checkin=<code>, or typed in)
//     come from training-me.ts, in the same bundle. The module is expected
//     mounted at <hub>/training.
//   - survey: <incroci-survey>, the training's questionnaires (needs
//     analyses and course evaluations), signed in: with survey="<id>" that
//     survey, else those open to the person. Single and multiple choice,
//     Likert scales named by their labels, rankings of topics reordered with
//     Up and Down buttons (each move announced), free text with a counter
//     and a warning not to write personal data; required questions marked,
//     the API's refusals beside their questions, an anonymous survey saying
//     so, a thank-you and an "already answered" state. Attribute of its
//     own: survey (a survey's id).
//
// Every widget reads the attributes hub (the API base URL; by default the
// script's own URL minus /widgets/<file>.js), ambito (the ambito's slug),
// lang ("it", the default, or "en"; else the page's language) and
// content-lang (right-to-left layout for ar, ur, fa). It renders in an open
// Shadow DOM and is themed with the CSS custom properties --incroci-primary,
// --incroci-text, --incroci-bg, --incroci-border, --incroci-danger,
// --incroci-radius, --incroci-font and --incroci-focus. All widgets of a page
// share one session per hub (sessionStorage, no cookies) and announce its
// changes with an "incroci-session" event on window.
//
// Pages that want long-lived caching and Subresource Integrity use the
// content-hashed path given by [Path] with the value given by [Integrity]:
//
//	<script src="https://hub.example.it/incroci/widgets/signin.1a2b3c4d.js"
//	        integrity="sha384-…" crossorigin="anonymous" async></script>
package widgets
