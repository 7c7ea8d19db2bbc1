package workcal

import (
	"math/rand/v2"
	"testing"
	"time"
)

const layout = "2006-01-02 15:04 -07:00"

// Calendars shared by the tests of this file.
var (
	defaultCal = mustNewCal(Config{})
	// allDay works round the clock every day, to see whole DST days.
	allDay = mustNewCal(Config{Hours: []Interval{iv(0, 24)}, Weekdays: map[time.Weekday][]Interval{
		time.Saturday: {iv(0, 24)}, time.Sunday: {iv(0, 24)},
	}})
	// night works Sunday 01:00–04:00, across the hour that DST moves, and
	// Monday to Friday 09:00–13:00 and 14:00–17:00.
	night = mustNewCal(Config{Weekdays: map[time.Weekday][]Interval{time.Sunday: {iv(1, 4)}}})
	// milan closes for Sant'Ambrogio, opens one Saturday and keeps a short Wednesday.
	milan = mustNewCal(Config{
		Closed:   []Date{{2026, time.December, 7}},
		Open:     []Date{{2026, time.March, 7}},
		Weekdays: map[time.Weekday][]Interval{time.Wednesday: {iv(9, 12)}},
	})
)

func mustNewCal(cfg Config) *Calendar {
	c, err := New(cfg)
	if err != nil {
		panic(err)
	}
	return c
}

func TestAdd(t *testing.T) {
	tests := []struct {
		name  string
		c     *Calendar
		start string
		d     time.Duration
		want  string
	}{
		{"within the morning", defaultCal, "2026-03-09 10:00", h(1), "2026-03-09 11:00 +01:00"},
		{"over lunch", defaultCal, "2026-03-09 12:30", h(1), "2026-03-09 14:30 +01:00"},
		{"ends at lunch", defaultCal, "2026-03-09 12:00", h(1), "2026-03-09 13:00 +01:00"},
		{"zero", defaultCal, "2026-03-09 13:00", 0, "2026-03-09 13:00 +01:00"},
		{"negative", defaultCal, "2026-03-07 13:00", -h(1), "2026-03-07 13:00 +01:00"},
		{"opened during lunch", defaultCal, "2026-03-09 13:30", h(0.5), "2026-03-09 14:30 +01:00"},
		{"before opening", defaultCal, "2026-03-09 07:00", h(0.5), "2026-03-09 09:30 +01:00"},
		{"after closing", defaultCal, "2026-03-09 18:00", h(1), "2026-03-10 10:00 +01:00"},
		{"friday to monday", defaultCal, "2026-03-06 16:00", h(8), "2026-03-09 17:00 +01:00"},
		{"over easter monday", defaultCal, "2026-04-03 16:00", h(8), "2026-04-07 17:00 +02:00"},
		{"opened on saturday", defaultCal, "2026-03-07 10:00", h(1), "2026-03-09 10:00 +01:00"},
		{"a working week", defaultCal, "2026-03-09 09:00", h(35), "2026-03-13 17:00 +01:00"},
		{"over christmas", defaultCal, "2025-12-24 16:00", h(8), "2025-12-29 17:00 +01:00"},
		{"4 october 2021 worked", defaultCal, "2021-10-01 16:00", h(2), "2021-10-04 10:00 +02:00"},
		{"4 october 2027 holiday", defaultCal, "2027-10-01 16:00", h(2), "2027-10-05 10:00 +02:00"},
		{"over spring DST weekend", defaultCal, "2026-03-27 16:00", h(2), "2026-03-30 10:00 +02:00"},
		{"over autumn DST weekend", defaultCal, "2026-10-23 16:00", h(2), "2026-10-26 10:00 +01:00"},
		{"spring day is 23h", allDay, "2026-03-28 12:00", h(24), "2026-03-29 13:00 +02:00"},
		{"autumn day is 25h", allDay, "2026-10-24 12:00", h(24), "2026-10-25 11:00 +01:00"},
		{"night across spring gap", night, "2026-03-29 00:00", h(2), "2026-03-29 04:00 +02:00"},
		{"night across autumn overlap", night, "2026-10-25 00:00", h(3), "2026-10-25 03:00 +01:00"},
		{"extra closed date", milan, "2026-12-04 16:00", h(2), "2026-12-09 10:00 +01:00"},
		{"extra open saturday", milan, "2026-03-06 16:00", h(2), "2026-03-07 10:00 +01:00"},
		{"short wednesday", milan, "2026-03-11 11:00", h(2), "2026-03-12 10:00 +01:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.c.Add(at(tt.start), tt.d)
			if got.Format(layout) != tt.want {
				t.Errorf("Add(%s, %v) = %s, want %s", tt.start, tt.d, got.Format(layout), tt.want)
			}
			if got.Location() != tt.c.Location() {
				t.Errorf("Add returned a time in %s, want %s", got.Location(), tt.c.Location())
			}
			if tt.d > 0 {
				if b := tt.c.Between(at(tt.start), got); b != tt.d {
					t.Errorf("Between(start, Add(start, %v)) = %v", tt.d, b)
				}
			}
		})
	}
}

func TestBetween(t *testing.T) {
	tests := []struct {
		name     string
		c        *Calendar
		from, to time.Time
		want     time.Duration
	}{
		{"empty", defaultCal, at("2026-03-09 10:00"), at("2026-03-09 10:00"), 0},
		{"reversed", defaultCal, at("2026-03-09 12:00"), at("2026-03-09 10:00"), 0},
		{"a day", defaultCal, at("2026-03-09 09:00"), at("2026-03-09 17:00"), h(7)},
		{"over lunch", defaultCal, at("2026-03-09 12:00"), at("2026-03-09 14:30"), h(1.5)},
		{"within lunch", defaultCal, at("2026-03-09 13:10"), at("2026-03-09 13:50"), 0},
		{"weekend", defaultCal, at("2026-03-07 00:00"), at("2026-03-09 00:00"), 0},
		{"friday to monday", defaultCal, at("2026-03-06 16:00"), at("2026-03-09 17:00"), h(8)},
		{"over easter", defaultCal, at("2026-04-03 16:00"), at("2026-04-07 17:00"), h(8)},
		{"over spring DST", defaultCal, at("2026-03-27 09:00"), at("2026-03-30 17:00"), h(14)},
		{"instants in UTC", defaultCal,
			time.Date(2026, time.March, 9, 8, 0, 0, 0, time.UTC),
			time.Date(2026, time.March, 9, 9, 0, 0, 0, time.UTC), h(1)},
		{"year 2026", defaultCal, at("2026-01-01 00:00"), at("2027-01-01 00:00"), h(254 * 7)},
		{"spring day", allDay, at("2026-03-29 00:00"), at("2026-03-30 00:00"), h(23)},
		{"autumn day", allDay, at("2026-10-25 00:00"), at("2026-10-26 00:00"), h(25)},
		{"night spring", night, at("2026-03-29 00:00"), at("2026-03-30 00:00"), h(2)},
		{"night autumn", night, at("2026-10-25 00:00"), at("2026-10-26 00:00"), h(4)},
		{"night ordinary", night, at("2026-03-22 00:00"), at("2026-03-23 00:00"), h(3)},
		// Mon 7 closed (Sant'Ambrogio), Tue 8 a holiday, a short Wednesday.
		{"sant'ambrogio week", milan, at("2026-12-07 00:00"), at("2026-12-12 00:00"), h(3 + 7 + 7)},
		{"open saturday", milan, at("2026-03-07 00:00"), at("2026-03-08 00:00"), h(7)},
	}
	for _, tt := range tests {
		if got := tt.c.Between(tt.from, tt.to); got != tt.want {
			t.Errorf("%s: Between(%s, %s) = %v, want %v", tt.name, tt.from.Format(layout), tt.to.Format(layout), got, tt.want)
		}
	}
}

func TestNext(t *testing.T) {
	tests := []struct {
		name string
		c    *Calendar
		t    string
		want string
	}{
		{"inside", defaultCal, "2026-03-09 10:00", "2026-03-09 10:00 +01:00"},
		{"before opening", defaultCal, "2026-03-09 08:59", "2026-03-09 09:00 +01:00"},
		{"lunch starts", defaultCal, "2026-03-09 13:00", "2026-03-09 14:00 +01:00"},
		{"closing", defaultCal, "2026-03-09 17:00", "2026-03-10 09:00 +01:00"},
		{"saturday", defaultCal, "2026-03-07 10:00", "2026-03-09 09:00 +01:00"},
		{"easter", defaultCal, "2026-04-03 17:30", "2026-04-07 09:00 +02:00"},
		{"new year", defaultCal, "2025-12-31 17:00", "2026-01-02 09:00 +01:00"},
		{"spring gap", night, "2026-03-29 00:30", "2026-03-29 01:00 +01:00"},
	}
	for _, tt := range tests {
		if got := tt.c.Next(at(tt.t)).Format(layout); got != tt.want {
			t.Errorf("%s: Next(%s) = %s, want %s", tt.name, tt.t, got, tt.want)
		}
	}
}

// TestAddBetweenProperty checks, over random instants, that Add and Between
// are inverse and that Add gives the earliest such instant.
func TestAddBetweenProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 10))
	lo := at("2025-01-01 00:00")
	span := at("2028-01-01 00:00").Sub(lo)
	random := func() time.Time { return lo.Add(time.Duration(rng.Int64N(int64(span)))) }
	for _, c := range []*Calendar{defaultCal, allDay, night, milan} {
		for range 500 {
			s := random()
			d := time.Duration(rng.Int64N(int64(300 * time.Hour)))
			e := c.Add(s, d)
			if got := c.Between(s, e); got != d {
				t.Fatalf("Between(%s, Add(_, %v) = %s) = %v", s.Format(layout), d, e.Format(layout), got)
			}
			if d > 0 {
				if got := c.Between(s, e.Add(-time.Nanosecond)); got >= d {
					t.Fatalf("Add(%s, %v) = %s is not the earliest", s.Format(layout), d, e.Format(layout))
				}
			}
			u := random()
			b := c.Between(s, u)
			a := c.Add(s, b)
			if u.After(s) && (a.After(u) || c.Between(a, u) != 0) {
				t.Fatalf("Add(%s, Between(_, %s) = %v) = %s", s.Format(layout), u.Format(layout), b, a.Format(layout))
			}
			n := c.Next(s)
			if n.Before(s) || c.Between(s, n) != 0 || c.Between(n, n.Add(time.Nanosecond)) != time.Nanosecond {
				t.Fatalf("Next(%s) = %s is not the next working instant", s.Format(layout), n.Format(layout))
			}
		}
	}
}

// TestBetweenReference compares Between with a minute-by-minute count read off
// the wall clock, around DST changes, Easter and the year's end.
func TestBetweenReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	anchors := []time.Time{
		at("2026-03-29 00:00"), at("2026-10-25 00:00"), at("2026-04-05 00:00"),
		at("2025-12-31 00:00"), at("2026-12-07 00:00"), at("2026-03-07 00:00"),
	}
	for _, c := range []*Calendar{defaultCal, allDay, night, milan} {
		for range 40 {
			a := anchors[rng.IntN(len(anchors))]
			from := a.Add(time.Duration(rng.IntN(4*24*60)-2*24*60) * time.Minute)
			to := from.Add(time.Duration(rng.IntN(3*24*60)) * time.Minute)
			if got, want := c.Between(from, to), refBetween(c, from, to); got != want {
				t.Fatalf("Between(%s, %s) = %v, want %v", from.Format(layout), to.Format(layout), got, want)
			}
		}
	}
}

// refBetween counts the minutes in [from, to) whose wall-clock time in the
// calendar's Location falls in a working interval of its date.
func refBetween(c *Calendar, from, to time.Time) time.Duration {
	var n time.Duration
	for m := from; m.Before(to); m = m.Add(time.Minute) {
		w := m.In(c.loc)
		off := time.Duration(w.Hour())*time.Hour + time.Duration(w.Minute())*time.Minute
		for _, iv := range c.intervals(DateOf(w)) {
			if off >= iv.Start && off < iv.End {
				n += time.Minute
			}
		}
	}
	return n
}

func BenchmarkBetween90Days(b *testing.B) {
	from := at("2026-01-12 10:17")
	to := from.AddDate(0, 0, 90)
	for b.Loop() {
		defaultCal.Between(from, to)
	}
}

func BenchmarkAdd90Days(b *testing.B) {
	from := at("2026-01-12 10:17")
	d := h(60 * 7)
	for b.Loop() {
		defaultCal.Add(from, d)
	}
}
