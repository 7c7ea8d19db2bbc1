package ical

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err)
	}
	return loc
}()

// goldenEvent has Italian accents, a description long enough to fold, and
// commas, semicolons and a colon to escape.
func goldenEvent() Event {
	return Event{
		UID:     "consultazione-42@incroci.example",
		Summary: "Colloquio: rinnovo permesso di soggiorno, documenti; traduzioni",
		Description: "Appuntamento di persona con l'avvocato per la verifica dei documenti utili.\n" +
			"Portare: passaporto, ricevuta, dichiarazione di ospitalità; è richiesta la presenza del mediatore.",
		Location:  "Sportello dell'Ambito di Bergamo, Via Università 3",
		URL:       "https://incroci.example/helpdesk/consultazioni/42",
		Start:     time.Date(2026, time.March, 10, 10, 30, 0, 0, rome),
		End:       time.Date(2026, time.March, 10, 11, 30, 0, 0, rome),
		Organizer: Person{Name: "Sportello Incroci", Email: "sportello@incroci.example"},
		Attendees: []Person{
			{Name: "Giulia Bianchi", Email: "giulia.bianchi@comune.example"},
			{Name: "Avv. Niccolò Rossi", Email: "n.rossi@studio.example"},
		},
		Stamp: time.Date(2026, time.March, 2, 8, 0, 0, 0, time.UTC),
	}
}

// golden is Invite(goldenEvent()), line by line. The second DESCRIPTION line
// stops at 74 octets: "à" (two octets) would not fit whole in 75.
var golden = []string{
	"BEGIN:VCALENDAR",
	"VERSION:2.0",
	"PRODID:-//incroci//helpdesk//IT",
	"CALSCALE:GREGORIAN",
	"METHOD:REQUEST",
	"BEGIN:VEVENT",
	"UID:consultazione-42@incroci.example",
	"DTSTAMP:20260302T080000Z",
	"SEQUENCE:0",
	"DTSTART:20260310T093000Z",
	"DTEND:20260310T103000Z",
	`SUMMARY:Colloquio: rinnovo permesso di soggiorno\, documenti\; traduzioni`,
	"DESCRIPTION:Appuntamento di persona con l'avvocato per la verifica dei docu",
	` menti utili.\nPortare: passaporto\, ricevuta\, dichiarazione di ospitalit`,
	` à\; è richiesta la presenza del mediatore.`,
	`LOCATION:Sportello dell'Ambito di Bergamo\, Via Università 3`,
	"URL:https://incroci.example/helpdesk/consultazioni/42",
	`ORGANIZER;CN="Sportello Incroci":mailto:sportello@incroci.example`,
	`ATTENDEE;CN="Giulia Bianchi";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSV`,
	" P=TRUE:mailto:giulia.bianchi@comune.example",
	`ATTENDEE;CN="Avv. Niccolò Rossi";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTIO`,
	" N;RSVP=TRUE:mailto:n.rossi@studio.example",
	"STATUS:CONFIRMED",
	"TRANSP:OPAQUE",
	"END:VEVENT",
	"END:VCALENDAR",
}

func TestInviteGolden(t *testing.T) {
	got, err := Invite(goldenEvent())
	if err != nil {
		t.Fatalf("Invite: %v", err)
	}
	want := strings.Join(golden, "\r\n") + "\r\n"
	if string(got) != want {
		gl, wl := strings.Split(string(got), "\r\n"), strings.Split(want, "\r\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Errorf("line %d:\n got %q\nwant %q", i+1, g, w)
			}
		}
	}
	checkWire(t, got)
}

func TestInviteRoundTrip(t *testing.T) {
	e := goldenEvent()
	data, err := Invite(e)
	if err != nil {
		t.Fatalf("Invite: %v", err)
	}
	cal := parse(t, data)
	if got := cal.get("METHOD"); got != "REQUEST" {
		t.Errorf("METHOD = %q", got)
	}
	compareEvent(t, cal, e, StatusConfirmed)
	for _, a := range cal.all("ATTENDEE") {
		for k, v := range map[string]string{"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"} {
			if a.params[k] != v {
				t.Errorf("ATTENDEE %s: %s = %q, want %q", a.value, k, a.params[k], v)
			}
		}
	}
}

func TestCancel(t *testing.T) {
	e := goldenEvent()
	e.Sequence = 1
	data, err := Cancel(e)
	if err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	checkWire(t, data)
	cal := parse(t, data)
	if got := cal.get("METHOD"); got != "CANCEL" {
		t.Errorf("METHOD = %q, want CANCEL", got)
	}
	compareEvent(t, cal, e, StatusCancelled)
	for _, a := range cal.all("ATTENDEE") {
		if _, ok := a.params["RSVP"]; ok {
			t.Errorf("a cancellation asks %s for a reply", a.value)
		}
	}

	e.Sequence = 0
	if _, err := Cancel(e); !errors.Is(err, ErrInvalidEvent) {
		t.Errorf("Cancel with Sequence 0: error = %v, want ErrInvalidEvent", err)
	}
}

// TestInjection puts line breaks, quotes and control characters into every
// free-text field: none may start a line of its own, and each must read back
// as written (line breaks normalised to LF, other control characters dropped).
func TestInjection(t *testing.T) {
	evil := "\r\nATTENDEE:mailto:evil@attacker.example\r\nEND:VEVENT"
	e := goldenEvent()
	e.UID = "uid-1" + evil
	e.Summary = "ciao" + evil + "\rMETHOD:PUBLISH"
	e.Description = "a\nb\r\nc\rd\x00e\u0085f\tg"
	e.Location = `Via Roma 1\` + evil
	e.Organizer.Name = `Org"` + evil + `^`
	e.Attendees = []Person{{Name: "A; B: C, \"D\"\r\nX-EVIL:1", Email: "a@comune.example"}}
	data, err := Invite(e)
	if err != nil {
		t.Fatalf("Invite: %v", err)
	}
	checkWire(t, data)
	cal := parse(t, data)
	var names []string
	for _, p := range cal {
		names = append(names, p.name)
	}
	want := "BEGIN VERSION PRODID CALSCALE METHOD BEGIN UID DTSTAMP SEQUENCE DTSTART DTEND SUMMARY " +
		"DESCRIPTION LOCATION URL ORGANIZER ATTENDEE STATUS TRANSP END END"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("properties:\n got %s\nwant %s", got, want)
	}
	if got, want := cal.get("DESCRIPTION"), "a\nb\nc\ndef\tg"; got != want {
		t.Errorf("DESCRIPTION = %q, want %q", got, want)
	}
	compareEvent(t, cal, e, StatusConfirmed)

	bad := []struct {
		name string
		edit func(*Event)
	}{
		{"organizer e-mail", func(e *Event) { e.Organizer.Email = "a@b.example\r\nATTENDEE:mailto:x@y.example" }},
		{"attendee e-mail", func(e *Event) { e.Attendees[0].Email = "a@b.example>\nX:1" }},
		{"URL", func(e *Event) { e.URL = "https://a.example/\r\nX-EVIL:1" }},
	}
	for _, b := range bad {
		e := goldenEvent()
		b.edit(&e)
		if _, err := Invite(e); !errors.Is(err, ErrInvalidEvent) {
			t.Errorf("%s with a line break: error = %v, want ErrInvalidEvent", b.name, err)
		}
	}
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Event)
		want string
	}{
		{"no UID", func(e *Event) { e.UID = " " }, "UID is required"},
		{"no start", func(e *Event) { e.Start = time.Time{} }, "Start and End are required"},
		{"end before start", func(e *Event) { e.End = e.Start.Add(-time.Hour) }, "is not after Start"},
		{"end equals start", func(e *Event) { e.End = e.Start.Add(time.Millisecond) }, "is not after Start"},
		{"no organizer", func(e *Event) { e.Organizer.Email = "" }, "organizer: e-mail is required"},
		{"organizer with name", func(e *Event) { e.Organizer.Email = "Org <o@x.example>" }, "not a bare address"},
		{"no attendees", func(e *Event) { e.Attendees = nil }, "at least one attendee"},
		{"bad attendee", func(e *Event) { e.Attendees[1].Email = "rossi" }, "attendee 1: e-mail \"rossi\""},
		{"relative URL", func(e *Event) { e.URL = "/helpdesk/42" }, "not an absolute http(s) URL"},
		{"javascript URL", func(e *Event) { e.URL = "javascript:alert(1)" }, "not an absolute http(s) URL"},
		{"negative sequence", func(e *Event) { e.Sequence = -1 }, "is negative"},
		{"cancelled invite", func(e *Event) { e.Status = StatusCancelled }, "use Cancel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := goldenEvent()
			tt.edit(&e)
			_, err := Invite(e)
			if !errors.Is(err, ErrInvalidEvent) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Invite() error = %v, want ErrInvalidEvent containing %q", err, tt.want)
			}
		})
	}
}

func TestDefaultStamp(t *testing.T) {
	e := goldenEvent()
	e.Stamp = time.Time{}
	before := time.Now().UTC().Truncate(time.Second)
	data, err := Invite(e)
	if err != nil {
		t.Fatal(err)
	}
	stamp, err := time.Parse(utcLayout, parse(t, data).get("DTSTAMP"))
	if err != nil {
		t.Fatalf("DTSTAMP: %v", err)
	}
	if stamp.Before(before) || stamp.After(time.Now()) {
		t.Errorf("DTSTAMP %s is not the time of the call", stamp)
	}
}

// TestFolding folds random text of one- to four-octet characters and checks
// every physical line: at most 75 octets, valid UTF-8, and the text reads
// back whole.
func TestFolding(t *testing.T) {
	rng := rand.New(rand.NewPCG(5545, 5546))
	alphabet := []string{"a", "Z", " ", "à", "è", "ß", "€", "中", "😀", ",", ";", `\`, "\n"}
	for i := range 500 {
		var b strings.Builder
		for range rng.IntN(400) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		e := goldenEvent()
		e.Description = b.String()
		e.Attendees[0].Name = strings.Repeat("ò", i%60) // moves the ATTENDEE cuts
		data, err := Invite(e)
		if err != nil {
			t.Fatal(err)
		}
		checkWire(t, data)
		cal := parse(t, data)
		if got := cal.get("DESCRIPTION"); got != e.Description {
			t.Fatalf("DESCRIPTION read back as %q, want %q", got, e.Description)
		}
		compareEvent(t, cal, e, StatusConfirmed)
	}
}

func TestContentType(t *testing.T) {
	tests := []struct {
		m    Method
		want string
	}{
		{MethodRequest, "text/calendar; method=REQUEST; charset=UTF-8"},
		{MethodCancel, "text/calendar; method=CANCEL; charset=UTF-8"},
	}
	for _, tt := range tests {
		if got := ContentType(tt.m); got != tt.want {
			t.Errorf("ContentType(%s) = %q, want %q", tt.m, got, tt.want)
		}
	}
}

func TestMailto(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a.b+c@x.example", "mailto:a.b+c@x.example"},
		{"a%b?c#d@x.example", "mailto:a%25b%3Fc%23d@x.example"},
		{"josé@x.example", "mailto:jos%C3%A9@x.example"},
	}
	for _, tt := range tests {
		if got := mailto(tt.in); got != tt.want {
			t.Errorf("mailto(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// checkWire checks the octets: CRLF line ends only, no line over 75
// octets, each line valid UTF-8, no control character but CRLF.
func checkWire(t *testing.T, data []byte) {
	t.Helper()
	s := string(data)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatal("output does not end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if len(line) > maxLine {
			t.Errorf("line %d has %d octets: %q", i+1, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d is not valid UTF-8 (a character was split): %q", i+1, line)
		}
		if strings.ContainsFunc(line, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
			t.Errorf("line %d holds a control character: %q", i+1, line)
		}
	}
}

// property is one unfolded content line, with TEXT and parameter escapes
// undone.
type property struct {
	name   string
	params map[string]string
	value  string
}

type calendar []property

func (c calendar) get(name string) string {
	for _, p := range c {
		if p.name == name {
			return p.value
		}
	}
	return ""
}

func (c calendar) all(name string) []property {
	var ps []property
	for _, p := range c {
		if p.name == name {
			ps = append(ps, p)
		}
	}
	return ps
}

// parse is a small iCalendar reader for the tests: it unfolds, splits name,
// parameters and value, and undoes RFC 5545 TEXT escapes on TEXT properties
// and RFC 6868 escapes in quoted parameters.
func parse(t *testing.T, data []byte) calendar {
	t.Helper()
	s := strings.ReplaceAll(string(data), "\r\n ", "")
	var cal calendar
	for _, line := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		p := property{params: map[string]string{}}
		i := strings.IndexAny(line, ";:")
		if i < 0 {
			t.Fatalf("no colon in %q", line)
		}
		p.name, line = line[:i], line[i:]
		for line[0] == ';' {
			eq := strings.IndexByte(line, '=')
			key := line[1:eq]
			line = line[eq+1:]
			var val string
			if line[0] == '"' {
				end := strings.IndexByte(line[1:], '"') + 1
				val = strings.NewReplacer("^^", "^", "^n", "\n", "^'", `"`).Replace(line[1:end])
				line = line[end+1:]
			} else {
				end := strings.IndexAny(line, ";:")
				val, line = line[:end], line[end:]
			}
			p.params[key] = val
		}
		p.value = line[1:]
		switch p.name {
		case "UID", "SUMMARY", "DESCRIPTION", "LOCATION":
			p.value = unescapeText(t, p.value)
		}
		cal = append(cal, p)
	}
	return cal
}

func unescapeText(t *testing.T, v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == ';' || c == ',':
			t.Errorf("unescaped %q in TEXT %q", c, v)
		case c != '\\':
			b.WriteByte(c)
		case i+1 == len(v):
			t.Errorf("TEXT %q ends with a backslash", v)
		default:
			i++
			switch v[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			case '\\', ';', ',':
				b.WriteByte(v[i])
			default:
				t.Errorf("bad escape \\%c in TEXT %q", v[i], v)
			}
		}
	}
	return b.String()
}

// compareEvent checks that cal holds e, as clean normalises free text.
func compareEvent(t *testing.T, cal calendar, e Event, status Status) {
	t.Helper()
	fields := []struct{ name, got, want string }{
		{"PRODID", cal.get("PRODID"), ProdID},
		{"UID", cal.get("UID"), clean(e.UID)},
		{"SUMMARY", cal.get("SUMMARY"), clean(e.Summary)},
		{"DESCRIPTION", cal.get("DESCRIPTION"), clean(e.Description)},
		{"LOCATION", cal.get("LOCATION"), clean(e.Location)},
		{"URL", cal.get("URL"), e.URL},
		{"DTSTART", cal.get("DTSTART"), e.Start.UTC().Format(utcLayout)},
		{"DTEND", cal.get("DTEND"), e.End.UTC().Format(utcLayout)},
		{"SEQUENCE", cal.get("SEQUENCE"), strconv.Itoa(e.Sequence)},
		{"STATUS", cal.get("STATUS"), string(status)},
		{"ORGANIZER", cal.get("ORGANIZER"), "mailto:" + e.Organizer.Email},
		{"ORGANIZER CN", cal.all("ORGANIZER")[0].params["CN"], clean(e.Organizer.Name)},
	}
	for _, f := range fields {
		if f.got != f.want {
			t.Errorf("%s = %q, want %q", f.name, f.got, f.want)
		}
	}
	if start, err := time.Parse(utcLayout, cal.get("DTSTART")); err != nil || !start.Equal(e.Start) {
		t.Errorf("DTSTART reads back as %v (%v), want %v", start, err, e.Start)
	}
	as := cal.all("ATTENDEE")
	if len(as) != len(e.Attendees) {
		t.Fatalf("%d ATTENDEE lines, want %d", len(as), len(e.Attendees))
	}
	for i, a := range e.Attendees {
		if as[i].value != "mailto:"+a.Email || as[i].params["CN"] != clean(a.Name) {
			t.Errorf("ATTENDEE %d = %q %q, want %q %q", i, as[i].params["CN"], as[i].value, a.Name, a.Email)
		}
	}
}
