package legalclock

import "time"

// Clock is one request's clock: its rule, start, zone and extensions, with
// an injectable notion of now for tests.
type Clock struct {
	Rule       Rule             // the request's rule, from Table.For
	Start      time.Time        // when the rule's start event happened
	Location   *time.Location   // the zone dates are counted in
	Extensions int              // extensions taken so far
	Now        func() time.Time // nil means time.Now
}

// Deadlines returns the clock's deadlines; see Rule.Deadlines.
func (c Clock) Deadlines() (Deadlines, error) {
	return c.Rule.Deadlines(c.Start, c.Location, c.Extensions)
}

// DaysLeft returns the calendar days left to the due date, negative when
// overdue; see DaysLeft.
func (c Clock) DaysLeft() (int, error) {
	d, err := c.Deadlines()
	if err != nil {
		return 0, err
	}
	return DaysLeft(d.Due, c.now(), c.Location), nil
}

// Overdue reports whether the due deadline has passed.
func (c Clock) Overdue() (bool, error) {
	d, err := c.Deadlines()
	if err != nil {
		return false, err
	}
	return Overdue(d.Due, c.now()), nil
}

func (c Clock) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}
