// Package workcal measures working time on the Italian calendar.
//
// A [Calendar] knows the working hours of each weekday (by default 09:00–13:00
// and 14:00–17:00 from Monday to Friday, in Europe/Rome), the Italian national
// holidays (see [Holidays]), and extra closed or open dates of one office, such
// as a comune's patron saint day. With it the help desk turns a first-response
// target of "8 working hours" into a deadline ([Calendar.Add]), measures how
// much working time a consultation waited ([Calendar.Between]) and finds when
// the office opens next ([Calendar.Next]).
//
// Working time is real elapsed time inside the working intervals. The bounds
// of each interval are wall-clock times built in the calendar's Location for
// each civil date, so daylight-saving changes move them with the clock, and
// a day is never taken to be 24 hours long. Spans of months cost one step per
// day, not per minute.
//
// A Calendar is immutable once built by [New] and safe for concurrent use.
package workcal
