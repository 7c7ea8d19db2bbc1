package workcal

import "time"

// span is one working interval of one date, as instants.
type span struct{ start, end time.Time }

// maxSpans sizes the stack buffer for the spans of a day; more spill to the heap.
const maxSpans = 8

// spans appends to buf the working intervals of date d as instants, in order.
// Each bound is built on the wall clock of that date in the calendar's
// Location, so a DST change moves it with the clock. An interval that the
// change squeezes to nothing (wholly inside the spring-forward gap) is dropped.
func (c *Calendar) spans(d Date, buf []span) []span {
	var prev time.Time
	for _, iv := range c.intervals(d) {
		s, e := c.at(d, iv.Start), c.at(d, iv.End)
		if s.Before(prev) {
			s = prev
		}
		if !e.After(s) {
			continue
		}
		buf = append(buf, span{start: s, end: e})
		prev = e
	}
	return buf
}

// at returns the instant at wall-clock offset off from midnight of d.
func (c *Calendar) at(d Date, off time.Duration) time.Time {
	h := int(off / time.Hour)
	m := int(off % time.Hour / time.Minute)
	s := int(off % time.Minute / time.Second)
	ns := int(off % time.Second)
	return time.Date(d.Year, d.Month, d.Day, h, m, s, ns, c.loc)
}

// Add returns the earliest instant at which d of working time has passed
// after start: the deadline of a target of d working hours. A deadline that
// fills a working interval exactly is its end (13:00, not 14:00). If d is
// zero or negative, Add returns start. The result is in the calendar's
// Location.
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	t := start.In(c.loc).Round(0)
	if d <= 0 {
		return t
	}
	var buf [maxSpans]span
	for day := DateOf(t); ; day = day.AddDays(1) {
		for _, sp := range c.spans(day, buf[:0]) {
			if !sp.end.After(t) {
				continue
			}
			from := sp.start
			if t.After(from) {
				from = t
			}
			if avail := sp.end.Sub(from); d > avail {
				d -= avail
				continue
			}
			return from.Add(d)
		}
	}
}

// Between returns the working time elapsed from from to to: the total length
// of the working intervals between them. It is 0 if to is not after from.
func (c *Calendar) Between(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	from, to = from.In(c.loc).Round(0), to.In(c.loc).Round(0)
	var (
		total time.Duration
		buf   [maxSpans]span
		last  = DateOf(to)
	)
	for day := DateOf(from); !last.Before(day); day = day.AddDays(1) {
		for _, sp := range c.spans(day, buf[:0]) {
			s, e := sp.start, sp.end
			if from.After(s) {
				s = from
			}
			if to.Before(e) {
				e = to
			}
			if e.After(s) {
				total += e.Sub(s)
			}
		}
	}
	return total
}

// Next returns the first working instant at or after t: t itself inside
// working hours, else the start of the next working interval. The end of an
// interval is not working time, so Next of 13:00 is 14:00 by default. The
// result is in the calendar's Location.
func (c *Calendar) Next(t time.Time) time.Time {
	t = t.In(c.loc).Round(0)
	var buf [maxSpans]span
	for day := DateOf(t); ; day = day.AddDays(1) {
		for _, sp := range c.spans(day, buf[:0]) {
			if !sp.end.After(t) {
				continue
			}
			if t.Before(sp.start) {
				return sp.start
			}
			return t
		}
	}
}
