package legalclock

import (
	"testing"
	"time"
)

func TestHolidays(t *testing.T) {
	cases := []struct {
		cal, iso string
		holiday  bool
	}{
		// US federal: Saturday observed on Friday, Sunday on Monday.
		{"US", "2026-07-04", true},
		{"US", "2026-07-03", true}, // July 4 is a Saturday
		{"US", "2020-07-03", true},
		{"US", "2021-12-31", true},  // 1 January 2022 is a Saturday
		{"US", "2022-12-26", true},  // Christmas 2022 is a Sunday
		{"US", "2023-01-02", true},  // 1 January 2023 is a Sunday
		{"US", "2021-06-18", true},  // Juneteenth 2021 is a Saturday
		{"US", "2020-06-19", false}, // before Juneteenth was a holiday
		{"US", "2025-01-20", true},  // MLK: third Monday of January
		{"US", "2025-02-17", true},  // Washington's Birthday
		{"US", "2025-05-26", true},  // Memorial Day: last Monday of May
		{"US", "2026-05-25", true},
		{"US", "2025-09-01", true},  // Labor Day
		{"US", "2025-10-13", true},  // Columbus Day
		{"US", "2025-11-11", true},  // Veterans Day, Tuesday
		{"US", "2025-11-27", true},  // Thanksgiving: fourth Thursday
		{"US", "2025-11-28", false}, // the day after is not federal
		{"US", "2027-12-24", true},  // Christmas 2027 is a Saturday
		{"US", "2060-07-05", true},  // rule-based for any year: July 4 2060 is a Sunday

		// EU-generic, with Easter computed.
		{"EU", "2024-04-01", true},
		{"EU", "2025-04-21", true},
		{"EU", "2026-04-06", true},
		{"EU", "2038-04-26", true},
		{"EU", "2025-04-18", false}, // Good Friday is not in the generic list
		{"EU", "2025-12-26", true},
		{"EU", "2025-12-27", false},
		{"EU", "2025-05-01", true},

		// Vietnam.
		{"VN", "2025-01-29", true}, // Tết
		{"VN", "2025-01-27", true}, // Government schedule for 2025
		{"VN", "2025-02-03", false},
		{"VN", "2026-02-16", true},
		{"VN", "2026-02-20", true},
		{"VN", "2026-02-23", false},
		{"VN", "2027-02-11", true}, // compensatory for the weekend days of Tết
		{"VN", "2030-02-01", true}, // Tết 2030 is 2 February in UTC+7
		{"VN", "2025-04-07", true}, // Hùng Kings
		{"VN", "2026-04-27", true}, // Hùng Kings 2026 falls on Sunday 26 April
		{"VN", "2025-09-01", true},
		{"VN", "2025-09-02", true},
		{"VN", "2027-05-03", true}, // 1 May 2027 is a Saturday
		{"VN", "2028-05-02", true}, // 30 April 2028 is a Sunday and 1 May is taken
		{"VN", "2022-01-03", true}, // 1 January 2022 is a Saturday
		{"VN", "2026-05-04", false},

		{"IN", "2026-01-26", true},
		{"IN", "2026-08-14", false},
		{"BR", "2025-12-25", true},
		{"BR", "2025-04-18", true},  // Good Friday 2025
		{"BR", "2026-04-03", true},  // Good Friday 2026
		{"BR", "2025-04-21", true},  // Tiradentes
		{"BR", "2024-11-20", true},  // Consciência Negra, national from 2024
		{"BR", "2023-11-20", false}, // before Lei 14.759/2023
		{"BR", "2026-02-16", false}, // Carnival Monday: an optional day off, not a holiday
		{"CA", "2025-07-01", false},
	}
	for _, c := range cases {
		t.Run(c.cal+" "+c.iso, func(t *testing.T) {
			cal, ok := Default().Calendar(c.cal)
			if !ok {
				t.Fatalf("no calendar %s", c.cal)
			}
			d := day(t, c.iso)
			name, got := cal.IsHoliday(d)
			if got != c.holiday {
				t.Fatalf("IsHoliday(%s) = %v (%q), want %v", c.iso, got, name, c.holiday)
			}
			if got && name == "" {
				t.Fatal("a holiday without a name")
			}
			wd := d.Weekday()
			weekend := wd == time.Saturday || wd == time.Sunday
			if cal.IsBusinessDay(d) != (!got && !weekend) {
				t.Fatalf("IsBusinessDay(%s) = %v", c.iso, cal.IsBusinessDay(d))
			}
		})
	}
}

func TestEasterSunday(t *testing.T) {
	for iso, y := range map[string]int{
		"2000-04-23": 2000, "2008-03-23": 2008, "2011-04-24": 2011, "2019-04-21": 2019,
		"2024-03-31": 2024, "2025-04-20": 2025, "2038-04-25": 2038, "2285-03-22": 2285,
	} {
		if got := easterSunday(y).String(); got != iso {
			t.Errorf("Easter %d = %s, want %s", y, got, iso)
		}
	}
}

func TestUSHolidayCountEveryYear(t *testing.T) {
	cal, _ := Default().Calendar("US")
	for y := 2021; y <= 2060; y++ {
		// Eleven holidays, each once on a weekday (observed or actual); a
		// Saturday New Year's Day is observed in the year before.
		n := 0
		for _, h := range cal.Holidays(y) {
			if wd := h.Date.Weekday(); wd != time.Saturday && wd != time.Sunday {
				n++
			}
		}
		want := 11
		if time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC).Weekday() == time.Friday {
			want++ // also observes next year's 1 January
		}
		if time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Weekday() == time.Saturday {
			want-- // observed on 31 December of the year before
		}
		if n != want {
			t.Errorf("%d: %d weekday holidays, want %d: %v", y, n, want, cal.Holidays(y))
		}
	}
}
