package legalclock

import (
	"testing"
	"time"

	"custodia/internal/apperr"
)

// mustLoc loads a time zone or fails the test.
func mustLoc(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// mustRule returns the default table's rule or fails the test.
func mustRule(tb testing.TB, jurisdiction, requestType string) Rule {
	tb.Helper()
	r, err := Default().For(jurisdiction, requestType)
	if err != nil {
		tb.Fatalf("For(%s, %s): %v", jurisdiction, requestType, err)
	}
	return r
}

// mustDeadlines computes deadlines or fails the test.
func mustDeadlines(tb testing.TB, r Rule, start time.Time, loc *time.Location, ext int) Deadlines {
	tb.Helper()
	d, err := r.Deadlines(start, loc, ext)
	if err != nil {
		tb.Fatalf("%s: Deadlines(%v, %d): %v", r, start, ext, err)
	}
	return d
}

// day returns noon UTC of an ISO date, a start instant whose date is the
// same in UTC and in zones a few hours either side.
func day(tb testing.TB, iso string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		tb.Fatal(err)
	}
	return t.Add(12 * time.Hour)
}

// dateOf formats an instant's date in loc, or "" for the zero time.
func dateOf(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.DateOnly)
}

// wantCode fails the test unless err is an apperr of the kind and code.
func wantCode(tb testing.TB, err error, kind apperr.Kind, code string) {
	tb.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != kind || e.Code != code {
		tb.Fatalf("error %v: want kind %d code %s", err, kind, code)
	}
}

// handRule is a rule built in code, not from a table, for arithmetic tests.
func handRule(n int, u Unit, roll bool, cal string) Rule {
	return Rule{Jurisdiction: GDPR, RequestType: AnyType, Start: Received, Period: Period{n, u},
		RollToWorkingDay: roll, Calendar: cal, Source: "test"}
}
