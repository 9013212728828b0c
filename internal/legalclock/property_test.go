package legalclock

import (
	"math/rand/v2"
	"testing"
	"time"
)

// randomRule draws a valid rule: any unit, a modest count, any calendar,
// with or without roll, acknowledgement and extension.
func randomRule(rng *rand.Rand, cals []string) Rule {
	units := []Unit{CalendarDays, BusinessDays, Months}
	period := func() Period {
		u := units[rng.IntN(len(units))]
		n := 1 + rng.IntN(60)
		if u == Months {
			n = 1 + rng.IntN(14)
		}
		return Period{n, u}
	}
	r := handRule(0, "", rng.IntN(2) == 0, cals[rng.IntN(len(cals))])
	r.Period = period()
	if rng.IntN(2) == 0 {
		r.Acknowledge = period()
	}
	if rng.IntN(3) > 0 {
		r.Extension = Extension{Period: period(), MaxTimes: 1 + rng.IntN(3), NotifyWithin: period()}
	}
	return r
}

var propertyZones = []string{"UTC", "Asia/Ho_Chi_Minh", "America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "Pacific/Kiritimati", "America/Sao_Paulo"}

// TestDeadlineProperties checks, over many random rules, starts and zones:
// the due date is never before the start; it is monotonic in the start;
// business-day deadlines and rolled deadlines fall on working days; month
// arithmetic never skips a month; each extension moves the due date later.
func TestDeadlineProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(20250303, 1182))
	cals := Default().CalendarNames()
	locs := make([]*time.Location, len(propertyZones))
	for i, z := range propertyZones {
		locs[i] = mustLoc(t, z)
	}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	const iterations = 3000
	for i := 0; i < iterations; i++ {
		r := randomRule(rng, cals)
		loc := locs[rng.IntN(len(locs))]
		start := base.Add(time.Duration(rng.Int64N(int64(7 * 365 * 24 * time.Hour))))
		later := start.Add(time.Duration(rng.Int64N(int64(40 * 24 * time.Hour))))
		d := mustDeadlines(t, r, start, loc, 0)
		sd := dateIn(start, loc)
		due := dateIn(d.Due, loc)
		w := newDays(mustResolved(t, r).cal)

		if !d.Due.After(start) || !sd.before(due) {
			t.Fatalf("%s from %v in %v: due %v is not after the start", r, start, loc, d.Due)
		}
		if d2 := mustDeadlines(t, r, later, loc, 0); d2.Due.Before(d.Due) {
			t.Fatalf("%s: start %v -> %v, but due %v -> %v", r, start, later, d.Due, d2.Due)
		}
		if (r.Period.Unit == BusinessDays || r.RollToWorkingDay) && !w.working(due) {
			t.Fatalf("%s from %v: due %s is not a working day", r, start, due)
		}
		if r.Period.Unit == Months {
			checkMonths(t, r, sd, due, w)
		}
		if !r.Acknowledge.IsZero() && !d.AcknowledgeBy.After(start) {
			t.Fatalf("%s: acknowledgement %v is not after the start %v", r, d.AcknowledgeBy, start)
		}
		prev := d.Due
		for k := 1; k <= d.MaxExtensions; k++ {
			dk := mustDeadlines(t, r, start, loc, k)
			// Rolled deadlines may meet on the same working day (a one-day
			// extension from a Saturday to a Sunday both roll to Monday);
			// they are never earlier, and without a roll always later.
			if dk.Due.Before(prev) || !r.RollToWorkingDay && !dk.Due.After(prev) {
				t.Fatalf("%s from %v: %d extensions give %v, not after %v", r, start, k, dk.Due, prev)
			}
			prev = dk.Due
		}
	}
}

// checkMonths checks that a months period ends in the month n months after
// the start month, on the start's day or that month's last day, or, when
// rolled, on the first working day at or after that date.
func checkMonths(t *testing.T, r Rule, start, due date, w *days) {
	t.Helper()
	target := start.Y*12 + int(start.M) - 1 + r.Period.N
	plain := date{target / 12, time.Month(target%12 + 1), 0}
	plain.D = min(start.D, daysIn(plain.Y, plain.M))
	if !r.RollToWorkingDay {
		if due != plain {
			t.Fatalf("%s from %s: due %s, want %s", r, start, due, plain)
		}
		return
	}
	if due.before(plain) {
		t.Fatalf("%s from %s: rolled due %s is before %s", r, start, due, plain)
	}
	for d := plain; d.before(due); d = d.addDays(1) {
		if w.working(d) {
			t.Fatalf("%s from %s: rolled past working day %s to %s", r, start, d, due)
		}
	}
}

func mustResolved(tb testing.TB, r Rule) Rule {
	tb.Helper()
	r, err := r.resolved()
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// TestMonthsNeverSkipAMonth checks every start date of seven years: n
// months later is in the month n after the start month, on the start's day
// or, when that month is shorter, its last day.
func TestMonthsNeverSkipAMonth(t *testing.T) {
	for y := 2023; y <= 2029; y++ {
		for m := time.January; m <= time.December; m++ {
			for d := 1; d <= daysIn(y, m); d++ {
				s := date{y, m, d}
				for n := 1; n <= 13; n++ {
					got := s.addMonths(n)
					wantIdx := y*12 + int(m) - 1 + n
					if got.Y*12+int(got.M)-1 != wantIdx || got.D > d || got.D != min(d, daysIn(got.Y, got.M)) {
						t.Fatalf("%s + %d months = %s", s, n, got)
					}
				}
			}
		}
	}
}

// TestShippedRulesProperties checks the embedded rules over random starts:
// an extension always moves the due date later, an acknowledgement is due
// after the start, and the extension notice is due no later than the
// unextended deadline. (An acknowledgement is not always due before the
// request: see TestVNAcknowledgementOverTet.)
func TestShippedRulesProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(91, 356))
	for _, r := range Default().Rules() {
		for i := 0; i < 500; i++ {
			loc := mustLoc(t, propertyZones[rng.IntN(len(propertyZones))])
			start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.Int64N(int64(6 * 365 * 24 * time.Hour))))
			d := mustDeadlines(t, r, start, loc, 0)
			if !d.AcknowledgeBy.IsZero() && !d.AcknowledgeBy.After(start) {
				t.Fatalf("%s from %v: acknowledge by %v, not after the start", r, start, d.AcknowledgeBy)
			}
			if !d.ExtendNoticeBy.IsZero() && d.ExtendNoticeBy.After(d.Due) {
				t.Fatalf("%s from %v: extension notice %v after due %v", r, start, d.ExtendNoticeBy, d.Due)
			}
			for k := 1; k <= d.MaxExtensions; k++ {
				if dk := mustDeadlines(t, r, start, loc, k); !dk.Due.After(d.Due) {
					t.Fatalf("%s from %v: extension %d gives %v, not after %v", r, start, k, dk.Due, d.Due)
				}
			}
		}
	}
}
