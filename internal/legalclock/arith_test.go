package legalclock

import (
	"strings"
	"testing"
	"time"
)

func TestPeriodArithmetic(t *testing.T) {
	cases := []struct {
		name  string
		rule  Rule
		start string
		want  string
	}{
		// Months: same date, or the month's last day when it has none.
		{"31 Jan +1 month, non-leap", handRule(1, Months, false, "EU"), "2023-01-31", "2023-02-28"},
		{"31 Jan +1 month, leap", handRule(1, Months, false, "EU"), "2024-01-31", "2024-02-29"},
		{"31 Jan +1 month, 2100 not leap", handRule(1, Months, false, "EU"), "2100-01-31", "2100-02-28"},
		{"31 Jan +1 month, 2000 leap", handRule(1, Months, false, "EU"), "2000-01-31", "2000-02-29"},
		{"29 Jan +1 month, non-leap", handRule(1, Months, false, "EU"), "2023-01-29", "2023-02-28"},
		{"30 Apr +1 month", handRule(1, Months, false, "EU"), "2024-04-30", "2024-05-30"},
		{"31 Mar +1 month", handRule(1, Months, false, "EU"), "2024-03-31", "2024-04-30"},
		{"31 Dec +1 month", handRule(1, Months, false, "EU"), "2024-12-31", "2025-01-31"},
		{"30 Nov +3 months, into leap Feb", handRule(3, Months, false, "EU"), "2023-11-30", "2024-02-29"},
		{"29 Feb +12 months", handRule(12, Months, false, "EU"), "2024-02-29", "2025-02-28"},
		{"31 Jan +3 months", handRule(3, Months, false, "EU"), "2024-01-31", "2024-04-30"},
		{"15 Jun +1 month", handRule(1, Months, false, "EU"), "2025-06-15", "2025-07-15"},

		// Months rolled to the next working day (GDPR).
		{"lands on 25 Dec, Fri: to Mon 28 Dec", handRule(1, Months, true, "EU"), "2026-11-25", "2026-12-28"},
		{"lands on 25 Dec, Thu: past 26 Dec and weekend", handRule(1, Months, true, "EU"), "2025-11-25", "2025-12-29"},
		{"lands on Sat 28 Feb 2026", handRule(1, Months, true, "EU"), "2026-01-31", "2026-03-02"},
		{"lands on Fri 28 Feb 2025: stays", handRule(1, Months, true, "EU"), "2025-01-31", "2025-02-28"},
		{"lands on Easter Monday 2026", handRule(1, Months, true, "EU"), "2026-03-06", "2026-04-07"},
		{"lands on 1 May 2026, Fri", handRule(1, Months, true, "EU"), "2026-04-01", "2026-05-04"},
		{"lands on 1 Jan 2028, Sat", handRule(1, Months, true, "EU"), "2027-12-01", "2028-01-03"},

		// Calendar days: the start day is not counted.
		{"1 day across Feb end", handRule(1, CalendarDays, false, "EU"), "2025-02-28", "2025-03-01"},
		{"1 day into 29 Feb", handRule(1, CalendarDays, false, "EU"), "2024-02-28", "2024-02-29"},
		{"45 days across year end", handRule(45, CalendarDays, false, "US"), "2024-12-31", "2025-02-14"},
		{"30 days onto a Sunday, no roll", handRule(30, CalendarDays, false, "US"), "2025-03-02", "2025-04-01"},
		{"10 days onto Sat, rolled", handRule(10, CalendarDays, true, "US"), "2025-03-05", "2025-03-17"},

		// Business days: the n-th business day after the start date.
		{"1 business day over US July 3 observed", handRule(1, BusinessDays, false, "US"), "2026-07-02", "2026-07-06"},
		{"1 business day from a Saturday", handRule(1, BusinessDays, false, "US"), "2025-03-08", "2025-03-10"},
		{"5 business days over Thanksgiving", handRule(5, BusinessDays, false, "US"), "2025-11-24", "2025-12-02"},
		{"10 business days over Christmas and New Year", handRule(10, BusinessDays, false, "US"), "2025-12-22", "2026-01-07"},
		{"2 working days over Tết 2026", handRule(2, BusinessDays, false, "VN"), "2026-02-13", "2026-02-24"},
		{"2 working days over Tết 2027 compensatory days", handRule(2, BusinessDays, false, "VN"), "2027-02-04", "2027-02-15"},
		{"weekends only calendar", handRule(3, BusinessDays, false, "CA"), "2025-12-24", "2025-12-29"},
		{"3 business days over Christmas in Brazil", handRule(3, BusinessDays, false, "BR"), "2025-12-24", "2025-12-30"},
		{"3 business days over Good Friday in Brazil", handRule(3, BusinessDays, false, "BR"), "2026-04-01", "2026-04-07"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustDeadlines(t, c.rule, day(t, c.start), time.UTC, 0)
			if got := dateOf(d.Due, time.UTC); got != c.want {
				t.Fatalf("%s from %s: due %s, want %s", c.rule.Period, c.start, got, c.want)
			}
		})
	}
}

func TestDueIsEndOfDay(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	// 30 days from 6 February 2026 is 8 March, the day daylight saving starts.
	d := mustDeadlines(t, mustRule(t, HIPAA, Access), time.Date(2026, 2, 6, 9, 0, 0, 0, ny), ny, 0)
	want := time.Date(2026, 3, 9, 0, 0, 0, 0, ny).Add(-time.Nanosecond)
	if !d.Due.Equal(want) || d.Due.Location() != ny {
		t.Fatalf("due %v, want %v in %v", d.Due, want, ny)
	}
	if _, off := d.Due.Zone(); off != -4*3600 {
		t.Fatalf("due offset %d, want EDT", off)
	}
}

func TestValidTextCountsCharacters(t *testing.T) {
	cases := []struct {
		s    string
		max  int
		want bool
	}{
		{strings.Repeat("ệ", 10), 10, true},
		{strings.Repeat("ệ", 11), 10, false},
		{"Tết\tNguyên Đán\n", 20, true},
		{"a\x00b", 10, false},
		{"a\x7fb", 10, false},
		{"\xff", 10, false},
		{"", 0, true},
	}
	for _, c := range cases {
		if got := ValidText(c.s, c.max); got != c.want {
			t.Errorf("ValidText(%q, %d) = %v, want %v", c.s, c.max, got, c.want)
		}
	}
}
