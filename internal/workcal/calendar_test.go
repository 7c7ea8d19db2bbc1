package workcal

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var rome = mustLoad("Europe/Rome")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at returns a wall-clock time in Rome; "2026-03-06 16:00".
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, rome)
	if err != nil {
		panic(err)
	}
	return t
}

func mustNew(t testing.TB, cfg Config) *Calendar {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func h(hours float64) time.Duration { return time.Duration(hours * float64(time.Hour)) }

func iv(from, to float64) Interval { return Interval{Start: h(from), End: h(to)} }

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"start after end", Config{Hours: []Interval{iv(13, 9)}}, "Hours[0] 13:00–09:00 does not start before it ends"},
		{"empty interval", Config{Hours: []Interval{iv(9, 9)}}, "does not start before it ends"},
		{"overlap", Config{Hours: []Interval{iv(9, 13), iv(12, 17)}}, "Hours[1] 12:00–17:00 overlaps or precedes 09:00–13:00"},
		{"unsorted", Config{Hours: []Interval{iv(14, 17), iv(9, 13)}}, "overlaps or precedes"},
		{"past midnight", Config{Hours: []Interval{iv(20, 25)}}, "outside 00:00–24:00"},
		{"negative", Config{Hours: []Interval{iv(-1, 2)}}, "outside 00:00–24:00"},
		{"empty hours", Config{Hours: []Interval{}}, "Hours is empty"},
		{"bad weekday hours", Config{Weekdays: map[time.Weekday][]Interval{time.Wednesday: {iv(12, 10)}}}, "Weekdays[Wednesday][0]"},
		{"no such weekday", Config{Weekdays: map[time.Weekday][]Interval{9: {iv(9, 10)}}}, "no weekday 9"},
		{"never open", Config{Weekdays: map[time.Weekday][]Interval{
			time.Monday: nil, time.Tuesday: nil, time.Wednesday: nil, time.Thursday: nil, time.Friday: nil,
		}}, "no weekday has working hours"},
		{"bad closed date", Config{Closed: []Date{{2026, time.February, 30}}}, "Closed[0] 2026-02-30 is not a date"},
		{"bad open date", Config{Open: []Date{{2026, 0, 1}}}, "Open[0]"},
		{"closed and open", Config{
			Closed: []Date{{2026, time.December, 7}},
			Open:   []Date{{2026, time.December, 7}},
		}, "2026-12-07 is both Closed and Open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("New() error = %v, want ErrInvalidConfig", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New() error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	c := mustNew(t, Config{})
	if got := c.Location().String(); got != "Europe/Rome" {
		t.Errorf("Location() = %s, want Europe/Rome", got)
	}
	// Touching intervals are allowed.
	mustNew(t, Config{Hours: []Interval{iv(9, 13), iv(13, 17)}})
}

func TestParseInterval(t *testing.T) {
	tests := []struct {
		in      string
		want    Interval
		wantErr bool
	}{
		{"09:00-13:00", iv(9, 13), false},
		{"14:30–17:00", iv(14.5, 17), false},
		{" 00:00 - 24:00 ", iv(0, 24), false},
		{"9:00-13:00", Interval{}, true},
		{"09:00", Interval{}, true},
		{"09:60-10:00", Interval{}, true},
		{"24:30-10:00", Interval{}, true},
		{"ab:cd-10:00", Interval{}, true},
	}
	for _, tt := range tests {
		got, err := ParseInterval(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseInterval(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	def := mustNew(t, Config{})
	allWeek := map[time.Weekday][]Interval{time.Saturday: DefaultHours(), time.Sunday: DefaultHours()}
	sevenDays := mustNew(t, Config{Weekdays: allWeek})
	milan := mustNew(t, Config{
		Closed:   []Date{{2026, time.December, 7}},                         // Sant'Ambrogio
		Open:     []Date{{2026, time.March, 7}, {2026, time.November, 1}},  // a Saturday, a holiday Sunday
		Weekdays: map[time.Weekday][]Interval{time.Wednesday: {iv(9, 12)}}, // short Wednesday
	})
	tests := []struct {
		name string
		c    *Calendar
		at   string
		want bool
	}{
		{"monday", def, "2026-03-09 03:00", true},
		{"saturday", def, "2026-03-07 10:00", false},
		{"sunday", def, "2026-03-08 10:00", false},
		{"easter monday", def, "2026-04-06 10:00", false},
		{"tuesday after easter", def, "2026-04-07 10:00", true},
		{"san francesco 2027, a monday", def, "2027-10-04 10:00", false},
		{"4 oct 2025 open seven days", sevenDays, "2025-10-04 10:00", true},
		{"4 oct 2026 open seven days", sevenDays, "2026-10-04 10:00", false},
		{"christmas", sevenDays, "2026-12-25 10:00", false},
		{"extra closed", milan, "2026-12-07 10:00", false},
		{"extra open saturday", milan, "2026-03-07 10:00", true},
		{"extra open holiday", milan, "2026-11-01 10:00", true},
		{"short wednesday", milan, "2026-03-11 10:00", true},
		{"same day other year", milan, "2027-12-07 10:00", true},
	}
	for _, tt := range tests {
		if got := tt.c.IsWorkingDay(at(tt.at)); got != tt.want {
			t.Errorf("%s: IsWorkingDay(%s) = %v, want %v", tt.name, tt.at, got, tt.want)
		}
	}
	// The date is taken in the calendar's Location: Sunday 23:30 UTC is
	// already Monday in Rome.
	if !def.IsWorkingDay(time.Date(2026, time.March, 8, 23, 30, 0, 0, time.UTC)) {
		t.Error("Sunday 23:30 UTC (Monday 00:30 in Rome) should be a working day")
	}
}
