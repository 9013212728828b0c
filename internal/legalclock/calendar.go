package legalclock

import (
	"maps"
	"slices"
	"sync"
	"time"
)

// Calendar is a named set of public holidays. Business days are the days
// that are neither Saturday, Sunday nor a holiday of the calendar.
//
// A Calendar is immutable: [Table.LoadHolidays] returns a new table with new
// calendars, so one may be shared between goroutines.
type Calendar struct {
	name     string
	desc     string
	observed observance
	fixed    []fixedHoliday
	nth      []nthHoliday
	easter   []easterHoliday
	dates    map[date]string // explicit days off, never shifted
	years    *sync.Map       // year -> map[date]string, filled on demand
}

// Holiday is one public holiday of a calendar.
type Holiday struct {
	Date time.Time // midnight UTC of the holiday's date
	Name string
}

// observance says what happens to a fixed-date holiday that falls on a
// Saturday or Sunday.
type observance string

const (
	observeNone observance = "none"
	// observeNearestWeekday moves a Saturday holiday to the Friday before and
	// a Sunday one to the Monday after (US federal: 5 U.S.C. 6103(b)).
	observeNearestWeekday observance = "nearest_weekday"
	// observeNextWorkingDay gives the next working day that is not already a
	// holiday (Vietnam: Labour Code 2019 Art. 112(3), "nghỉ bù").
	observeNextWorkingDay observance = "next_working_day"
)

type yearSpan struct{ From, Until int } // inclusive; zero means unbounded

func (s yearSpan) has(y int) bool {
	return (s.From == 0 || y >= s.From) && (s.Until == 0 || y <= s.Until)
}

type fixedHoliday struct {
	M    time.Month
	D    int
	Name string
	yearSpan
}

type nthHoliday struct {
	M       time.Month
	Weekday time.Weekday
	N       int // 1..5, or -1 for the last
	Name    string
	yearSpan
}

type easterHoliday struct {
	Offset int // days after Easter Sunday
	Name   string
	yearSpan
}

// Name returns the calendar's name, such as "EU", "US" or "VN".
func (c *Calendar) Name() string { return c.name }

// Description returns the calendar's one-line description.
func (c *Calendar) Description() string { return c.desc }

// IsHoliday reports whether the date of day (its year, month and day, in
// its own location) is a holiday of the calendar, and its name.
func (c *Calendar) IsHoliday(day time.Time) (string, bool) {
	d := date{day.Year(), day.Month(), day.Day()}
	name, ok := c.holidaysOf(d.Y)[d]
	return name, ok
}

// IsBusinessDay reports whether the date of day is neither a Saturday, a
// Sunday nor a holiday of the calendar.
func (c *Calendar) IsBusinessDay(day time.Time) bool {
	d := date{day.Year(), day.Month(), day.Day()}
	return newDays(c).working(d)
}

// Holidays returns the holidays of year y in date order, with observed
// (shifted) days included.
func (c *Calendar) Holidays(y int) []Holiday {
	set := c.holidaysOf(y)
	out := make([]Holiday, 0, len(set))
	for _, d := range slices.SortedFunc(maps.Keys(set), func(a, b date) int { return a.utc().Compare(b.utc()) }) {
		out = append(out, Holiday{Date: d.utc(), Name: set[d]})
	}
	return out
}

// minRuleYear and maxRuleYear bound the years whose rule-based holidays are
// computed; outside them only explicit dates count.
const (
	minRuleYear = 1583 // the first full Gregorian year
	maxRuleYear = 9999
)

// holidaysOf returns the holidays dated in year y, computed once per year
// and calendar (only for the years rules apply to, so the cache is
// bounded). The map returned must not be modified.
func (c *Calendar) holidaysOf(y int) map[date]string {
	if c.years == nil || y < minRuleYear || y > maxRuleYear {
		return c.computeYear(y)
	}
	if set, ok := c.years.Load(y); ok {
		return set.(map[date]string)
	}
	set, _ := c.years.LoadOrStore(y, c.computeYear(y))
	return set.(map[date]string)
}

// computeYear computes the holidays dated in year y. Years y-1 and y+1 are
// computed too, since an observed day may cross a year end (New Year's Day
// on a Saturday is observed on 31 December in the US).
func (c *Calendar) computeYear(y int) map[date]string {
	raw := map[date]string{}
	var movable []date // fixed-date holidays that fall on a weekend
	for yy := y - 1; yy <= y+1; yy++ {
		if yy < minRuleYear || yy > maxRuleYear {
			continue
		}
		for _, h := range c.fixed {
			if !h.has(yy) || h.D > daysIn(yy, h.M) {
				continue
			}
			d := date{yy, h.M, h.D}
			raw[d] = h.Name
			if d.weekend() {
				movable = append(movable, d)
			}
		}
		for _, h := range c.nth {
			if h.has(yy) {
				raw[nthWeekday(yy, h.M, h.Weekday, h.N)] = h.Name
			}
		}
		easter := easterSunday(yy)
		for _, h := range c.easter {
			if h.has(yy) {
				raw[easter.addDays(h.Offset)] = h.Name
			}
		}
	}
	for d, name := range c.dates {
		if d.Y >= y-1 && d.Y <= y+1 {
			raw[d] = name
		}
	}
	c.observe(raw, movable)
	out := map[date]string{}
	for d, name := range raw {
		if d.Y == y {
			out[d] = name
		}
	}
	return out
}

// observe adds the observed days of the weekend fixed-date holidays to set.
func (c *Calendar) observe(set map[date]string, movable []date) {
	slices.SortFunc(movable, func(a, b date) int { return a.utc().Compare(b.utc()) })
	for _, d := range movable {
		name := set[d] + " (observed)"
		switch c.observed {
		case observeNearestWeekday:
			o := d.addDays(-1)
			if d.weekday() == time.Sunday {
				o = d.addDays(1)
			}
			if _, taken := set[o]; !taken {
				set[o] = name
			}
		case observeNextWorkingDay:
			o := d.addDays(1)
			for {
				if _, taken := set[o]; !taken && !o.weekend() {
					break
				}
				o = o.addDays(1)
			}
			set[o] = name
		}
	}
}

// nthWeekday returns the n-th given weekday of month m in year y, or the
// last one when n is -1.
func nthWeekday(y int, m time.Month, wd time.Weekday, n int) date {
	if n < 0 {
		last := date{y, m, daysIn(y, m)}
		back := (int(last.weekday()) - int(wd) + 7) % 7
		return last.addDays(-back)
	}
	first := date{y, m, 1}
	ahead := (int(wd) - int(first.weekday()) + 7) % 7
	return first.addDays(ahead + 7*(n-1))
}

// withDates returns a copy of c with extra explicit days off.
func (c *Calendar) withDates(extra map[date]string) *Calendar {
	dates := maps.Clone(c.dates)
	if dates == nil {
		dates = map[date]string{}
	}
	maps.Copy(dates, extra)
	return &Calendar{name: c.name, desc: c.desc, observed: c.observed, fixed: c.fixed, nth: c.nth,
		easter: c.easter, dates: dates, years: &sync.Map{}}
}

// days answers "is this a working day" for one calendar, remembering the
// last year's holidays it looked up; one is made per computation, so it
// needs no lock of its own.
type days struct {
	cal  *Calendar
	year int
	set  map[date]string
}

func newDays(c *Calendar) *days { return &days{cal: c} }

func (w *days) working(d date) bool {
	if d.weekend() {
		return false
	}
	if w.set == nil || w.year != d.Y {
		w.year, w.set = d.Y, w.cal.holidaysOf(d.Y)
	}
	_, holiday := w.set[d]
	return !holiday
}
