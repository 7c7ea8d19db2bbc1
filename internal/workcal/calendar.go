package workcal

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Rome must load on machines without zoneinfo.
)

// DefaultLocation is the name of the time zone a Calendar uses by default.
const DefaultLocation = "Europe/Rome"

// ErrInvalidConfig is wrapped by every error [New] returns for a bad [Config].
var ErrInvalidConfig = errors.New("workcal: invalid configuration")

// day is the length of a day on the wall clock, the upper bound of an Interval.
const day = 24 * time.Hour

// Interval is a span of working hours within a day: from Start up to End,
// End excluded. Both are wall-clock offsets from midnight (9*time.Hour is
// 09:00), read in the calendar's Location; End may be 24h, midnight of the
// next day.
type Interval struct {
	Start, End time.Duration
}

// DefaultHours are the working hours of a working day unless configured:
// 09:00–13:00 and 14:00–17:00.
func DefaultHours() []Interval {
	return []Interval{
		{Start: 9 * time.Hour, End: 13 * time.Hour},
		{Start: 14 * time.Hour, End: 17 * time.Hour},
	}
}

// ParseInterval parses an interval written "HH:MM-HH:MM" (an en dash works
// too), such as "09:00-13:00". It checks the syntax only; [New] checks the
// order.
func ParseInterval(s string) (Interval, error) {
	from, to, ok := strings.Cut(strings.ReplaceAll(s, "–", "-"), "-")
	if !ok {
		return Interval{}, fmt.Errorf("workcal: interval %q: want HH:MM-HH:MM", s)
	}
	start, err := parseClock(strings.TrimSpace(from))
	if err != nil {
		return Interval{}, fmt.Errorf("workcal: interval %q: %w", s, err)
	}
	end, err := parseClock(strings.TrimSpace(to))
	if err != nil {
		return Interval{}, fmt.Errorf("workcal: interval %q: %w", s, err)
	}
	return Interval{Start: start, End: end}, nil
}

func parseClock(s string) (time.Duration, error) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) != 2 || len(mm) != 2 {
		return 0, fmt.Errorf("clock %q: want HH:MM", s)
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("clock %q: not a time of day", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

// String returns the interval as "HH:MM–HH:MM" (seconds shown if any).
func (iv Interval) String() string {
	return clock(iv.Start) + "–" + clock(iv.End)
}

func clock(d time.Duration) string {
	if d < 0 {
		return "-" + clock(-d)
	}
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), d%time.Minute
	if s != 0 {
		return fmt.Sprintf("%02d:%02d:%s", h, m, s)
	}
	return fmt.Sprintf("%02d:%02d", h, m)
}

// Config describes a Calendar. The zero value is the default office: Monday
// to Friday, 09:00–13:00 and 14:00–17:00 in Europe/Rome, closed on the
// Italian national holidays.
type Config struct {
	// Location is the time zone of the working hours and of the times the
	// Calendar returns. Default: Europe/Rome.
	Location *time.Location

	// Hours are the working intervals of a working day, sorted and not
	// overlapping. Default: DefaultHours(), 09:00–13:00 and 14:00–17:00.
	Hours []Interval

	// Weekdays overrides Hours for single days of the week: a weekday with
	// an entry is worked in that entry's intervals, and closed if the entry
	// has none. Default: Saturday and Sunday closed (they are closed unless
	// they have an entry with intervals); the other days work Hours.
	Weekdays map[time.Weekday][]Interval

	// Closed lists extra closed dates, such as the patron saint of the
	// comune or an office closure. Default: none.
	Closed []Date

	// Open lists extra working dates, worked even on a weekend or a
	// holiday, with their weekday's intervals, or Hours if that weekday is
	// closed. A date may not be both Closed and Open. Default: none.
	Open []Date
}

// Calendar computes working time. Build it with [New].
type Calendar struct {
	loc    *time.Location
	hours  []Interval    // worked on an Open date whose weekday is closed
	week   [7][]Interval // by time.Weekday; empty means closed
	closed map[Date]struct{}
	open   map[Date]struct{}
}

// New checks cfg, fills in its defaults and returns the Calendar. Every
// error wraps [ErrInvalidConfig].
func New(cfg Config) (*Calendar, error) {
	c := &Calendar{loc: cfg.Location, closed: map[Date]struct{}{}, open: map[Date]struct{}{}}
	if c.loc == nil {
		loc, err := time.LoadLocation(DefaultLocation)
		if err != nil {
			return nil, fmt.Errorf("workcal: loading %s: %w", DefaultLocation, err)
		}
		c.loc = loc
	}
	c.hours = cfg.Hours
	if c.hours == nil {
		c.hours = DefaultHours()
	}
	if err := checkIntervals("Hours", c.hours); err != nil {
		return nil, err
	}
	if len(c.hours) == 0 {
		return nil, fmt.Errorf("workcal: Hours is empty: %w", ErrInvalidConfig)
	}
	c.hours = append([]Interval(nil), c.hours...)
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		ivs, ok := cfg.Weekdays[wd]
		switch {
		case ok:
			if err := checkIntervals("Weekdays["+wd.String()+"]", ivs); err != nil {
				return nil, err
			}
			c.week[wd] = append([]Interval(nil), ivs...)
		case wd != time.Saturday && wd != time.Sunday:
			c.week[wd] = c.hours
		}
	}
	for wd := range cfg.Weekdays {
		if wd < time.Sunday || wd > time.Saturday {
			return nil, fmt.Errorf("workcal: Weekdays has no weekday %d: %w", wd, ErrInvalidConfig)
		}
	}
	worked := false
	for _, ivs := range c.week {
		worked = worked || len(ivs) > 0
	}
	if !worked {
		return nil, fmt.Errorf("workcal: no weekday has working hours: %w", ErrInvalidConfig)
	}
	for i, d := range cfg.Closed {
		if !d.Valid() {
			return nil, fmt.Errorf("workcal: Closed[%d] %s is not a date: %w", i, d, ErrInvalidConfig)
		}
		c.closed[d] = struct{}{}
	}
	for i, d := range cfg.Open {
		if !d.Valid() {
			return nil, fmt.Errorf("workcal: Open[%d] %s is not a date: %w", i, d, ErrInvalidConfig)
		}
		if _, ok := c.closed[d]; ok {
			return nil, fmt.Errorf("workcal: %s is both Closed and Open: %w", d, ErrInvalidConfig)
		}
		c.open[d] = struct{}{}
	}
	return c, nil
}

// checkIntervals reports intervals out of the day, empty, unsorted or
// overlapping. Touching intervals (13:00–14:00, 14:00–17:00) are allowed.
func checkIntervals(field string, ivs []Interval) error {
	for i, iv := range ivs {
		switch {
		case iv.Start < 0 || iv.End > day:
			return fmt.Errorf("workcal: %s[%d] %s is outside 00:00–24:00: %w", field, i, iv, ErrInvalidConfig)
		case iv.Start >= iv.End:
			return fmt.Errorf("workcal: %s[%d] %s does not start before it ends: %w", field, i, iv, ErrInvalidConfig)
		case i > 0 && iv.Start < ivs[i-1].End:
			return fmt.Errorf("workcal: %s[%d] %s overlaps or precedes %s: %w", field, i, iv, ivs[i-1], ErrInvalidConfig)
		}
	}
	return nil
}

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// IsWorkingDay reports whether the civil date of t, in the calendar's
// Location, has working hours: an Open date, or a date that is neither
// Closed, nor a national holiday, nor on a closed weekday.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	return len(c.intervals(DateOf(t.In(c.loc)))) > 0
}

// intervals returns the working intervals of date d, nil if it is closed.
func (c *Calendar) intervals(d Date) []Interval {
	wd := d.Weekday()
	if _, ok := c.open[d]; ok {
		if len(c.week[wd]) > 0 {
			return c.week[wd]
		}
		return c.hours
	}
	if len(c.week[wd]) == 0 {
		return nil
	}
	if _, ok := c.closed[d]; ok {
		return nil
	}
	if _, ok := IsHoliday(d); ok {
		return nil
	}
	return c.week[wd]
}
