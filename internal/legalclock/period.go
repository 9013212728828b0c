package legalclock

import "fmt"

// Unit is the unit a period is counted in.
type Unit string

// The units of a period.
const (
	// CalendarDays counts every day; the day of the start event is not
	// counted, so 10 calendar days from 1 March end on 11 March.
	CalendarDays Unit = "calendar_days"
	// BusinessDays counts days that are not Saturday, Sunday or a holiday of
	// the rule's calendar: the period ends on the n-th such day after the
	// start date.
	BusinessDays Unit = "business_days"
	// Months ends on the same date n months later, or that month's last day
	// when it has no such date.
	Months Unit = "months"
)

// maxN bounds a period's count per unit, so that a rules file cannot ask for
// a long computation. The longest real period is months, not years: these
// bounds (about two to three years) leave room for any operator rule.
var maxN = map[Unit]int{CalendarDays: 1000, BusinessDays: 500, Months: 36}

// Period is a length of time counted in one unit, such as one month or 45
// calendar days. The zero Period means "none".
type Period struct {
	N    int  // how many units; positive in a valid rule
	Unit Unit // what is counted
}

// IsZero reports whether p is the zero Period, meaning "none".
func (p Period) IsZero() bool { return p == Period{} }

// String returns the period in words, such as "1 month" or "45 calendar days".
func (p Period) String() string {
	if p.IsZero() {
		return "none"
	}
	word := map[Unit]string{CalendarDays: "calendar day", BusinessDays: "business day", Months: "month"}[p.Unit]
	if word == "" {
		word = string(p.Unit)
	}
	if p.N != 1 {
		word += "s"
	}
	return fmt.Sprintf("%d %s", p.N, word)
}

// validate checks the unit is known and the count is within 1 and the
// unit's bound.
func (p Period) validate(what string) error {
	limit, ok := maxN[p.Unit]
	if !ok {
		return fmt.Errorf("%s: unknown unit (want calendar_days, business_days or months)", what)
	}
	if p.N <= 0 {
		return fmt.Errorf("%s: n must be positive", what)
	}
	if p.N > limit {
		return fmt.Errorf("%s: n is above %d", what, limit)
	}
	return nil
}
