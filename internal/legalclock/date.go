package legalclock

import "time"

// date is a calendar date with no time of day and no zone. Periods are
// counted in dates; only the start and the deadline are instants.
type date struct {
	Y int
	M time.Month
	D int
}

// dateIn returns the date of instant t in loc.
func dateIn(t time.Time, loc *time.Location) date {
	y, m, d := t.In(loc).Date()
	return date{y, m, d}
}

// mkdate normalises y, m, d the way time.Date does (31 April is 1 May).
func mkdate(y int, m time.Month, d int) date {
	yy, mm, dd := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Date()
	return date{yy, mm, dd}
}

// utc returns midnight UTC of the date, for ordering and day counts.
func (d date) utc() time.Time { return time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, time.UTC) }

func (d date) weekday() time.Weekday { return d.utc().Weekday() }

func (d date) weekend() bool {
	wd := d.weekday()
	return wd == time.Saturday || wd == time.Sunday
}

func (d date) addDays(n int) date { return mkdate(d.Y, d.M, d.D+n) }

// addMonths returns the same date n months later, or the last day of that
// month when it has no such date: 31 January plus one month is 28 or 29
// February (Regulation 1182/71 Art. 3(2)(c) and the EDPB's reading of it).
func (d date) addMonths(n int) date {
	first := mkdate(d.Y, d.M+time.Month(n), 1)
	day := min(d.D, daysIn(first.Y, first.M))
	return date{first.Y, first.M, day}
}

func (d date) before(e date) bool { return d.utc().Before(e.utc()) }

// daysUntil returns the number of days from d to e, negative when e is
// before d.
func (d date) daysUntil(e date) int {
	return int(e.utc().Sub(d.utc()) / (24 * time.Hour))
}

// endIn returns the last instant of the date in loc: the deadline of a
// period that ends on it.
func (d date) endIn(loc *time.Location) time.Time {
	return time.Date(d.Y, d.M, d.D+1, 0, 0, 0, 0, loc).Add(-time.Nanosecond)
}

func (d date) String() string { return d.utc().Format(time.DateOnly) }

// parseDate reads an ISO date, YYYY-MM-DD, refusing dates that do not exist.
func parseDate(s string) (date, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return date{}, false
	}
	return date{t.Year(), t.Month(), t.Day()}, true
}

func daysIn(y int, m time.Month) int { return mkdate(y, m+1, 0).D }
