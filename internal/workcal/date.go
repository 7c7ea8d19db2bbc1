package workcal

import (
	"fmt"
	"sort"
	"time"
)

// Date is a civil date, with no time of day and no time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// String returns the date as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Valid reports whether d names a day that exists, e.g. not 30 February.
func (d Date) Valid() bool {
	return d.Month >= time.January && d.Month <= time.December && d.Day >= 1 &&
		DateOf(d.utc()) == d
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return d.utc().Weekday()
}

// AddDays returns the date n days after d (before it if n is negative).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Before reports whether d comes before e.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// utc returns noon of d in UTC, a safe anchor for calendar arithmetic.
func (d Date) utc() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
}

// Holiday is a national holiday: a date and its Italian name.
type Holiday struct {
	Date Date
	Name string
}

// sanFrancescoFrom is the first year in which 4 October, San Francesco
// d'Assisi, is again a national holiday (law approved in 2025).
const sanFrancescoFrom = 2026

// fixedHolidays are the national holidays on the same date every year.
var fixedHolidays = []struct {
	month time.Month
	day   int
	name  string
	from  int // first year it applies; 0 means always
}{
	{time.January, 1, "Capodanno", 0},
	{time.January, 6, "Epifania", 0},
	{time.April, 25, "Festa della Liberazione", 0},
	{time.May, 1, "Festa del Lavoro", 0},
	{time.June, 2, "Festa della Repubblica", 0},
	{time.August, 15, "Assunzione di Maria Vergine (Ferragosto)", 0},
	{time.October, 4, "San Francesco d'Assisi", sanFrancescoFrom},
	{time.November, 1, "Ognissanti", 0},
	{time.December, 8, "Immacolata Concezione", 0},
	{time.December, 25, "Natale", 0},
	{time.December, 26, "Santo Stefano", 0},
}

// Holidays returns the Italian national holidays of year, sorted by date:
// the fixed ones, Easter Sunday ("Pasqua") and Easter Monday ("Lunedì
// dell'Angelo"), and 4 October from 2026 on. The list is today's law applied
// to every year; it does not model older calendars. When two holidays fall on
// the same date (25 April is Easter Sunday in 2038) both are listed.
func Holidays(year int) []Holiday {
	easter := Easter(year)
	hs := []Holiday{
		{Date: easter, Name: "Pasqua"},
		{Date: easter.AddDays(1), Name: "Lunedì dell'Angelo (Pasquetta)"},
	}
	for _, f := range fixedHolidays {
		if year >= f.from {
			hs = append(hs, Holiday{Date: Date{year, f.month, f.day}, Name: f.name})
		}
	}
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].Date.Before(hs[j].Date) })
	return hs
}

// IsHoliday reports whether d is an Italian national holiday, and its name.
func IsHoliday(d Date) (string, bool) {
	for _, f := range fixedHolidays {
		if d.Month == f.month && d.Day == f.day && d.Year >= f.from {
			return f.name, true
		}
	}
	if d.Month == time.March || d.Month == time.April {
		easter := Easter(d.Year)
		switch d {
		case easter:
			return "Pasqua", true
		case easter.AddDays(1):
			return "Lunedì dell'Angelo (Pasquetta)", true
		}
	}
	return "", false
}

// Easter returns the date of Easter Sunday in year on the Gregorian calendar,
// by the anonymous Gregorian computus (Meeus/Jones/Butcher).
func Easter(year int) Date {
	a := year % 19 // position in the 19-year Metonic cycle
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30 // epact-related: days to the paschal full moon
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7 // days from the full moon to Sunday
	m := (a + 11*h + 22*l) / 451
	n := h + l - 7*m + 114
	return Date{Year: year, Month: time.Month(n / 31), Day: n%31 + 1}
}
