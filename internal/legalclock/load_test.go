package legalclock

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"custodia/internal/apperr"
)

// rulesDoc wraps one rule entry (indented as a list item) in a rules file.
func rulesDoc(entry string) string {
	return "version: 1\nrules:\n" + entry
}

const okEntry = `  - jurisdiction: GDPR
    request_type: "*"
    start: received
    period: {n: 1, unit: months}
    source: Art. 12(3)
`

func TestLoadRules(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		ok   bool
	}{
		{"minimal", rulesDoc(okEntry), true},
		{"verified start and extension", rulesDoc(`  - jurisdiction: VN
    request_type: erasure
    start: verified
    period: {n: 20, unit: calendar_days}
    acknowledge: {n: 2, unit: business_days}
    extension: {period: {n: 15, unit: calendar_days}, max_times: 1}
    source: Decree 356/2025
`), true},
		{"calendar mapping overridden", "version: 1\ncalendars: {GDPR: US}\nrules:\n" + okEntry, true},
		{"per-entry calendar", rulesDoc(okEntry + "    calendar: VN\n"), true},
		{"embedded file", string(rulesYAML), true},

		{"empty", "", false},
		{"not YAML", "{{{", false},
		{"no version", "rules:\n" + okEntry, false},
		{"version 2", "version: 2\nrules:\n" + okEntry, false},
		{"no rules", "version: 1\nrules: []\n", false},
		{"unknown field", rulesDoc(okEntry + "    roll_to_workingday: true\n"), false},
		{"unknown unit", rulesDoc(strings.Replace(okEntry, "months", "weeks", 1)), false},
		{"unknown jurisdiction", rulesDoc(strings.Replace(okEntry, "GDPR", "UKGDPR", 1)), false},
		{"lower-case jurisdiction", rulesDoc(strings.Replace(okEntry, "GDPR", "gdpr", 1)), false},
		{"unknown type", rulesDoc(strings.Replace(okEntry, `"*"`, "deletion", 1)), false},
		{"unknown start", rulesDoc(strings.Replace(okEntry, "received", "filed", 1)), false},
		{"zero period", rulesDoc(strings.Replace(okEntry, "n: 1,", "n: 0,", 1)), false},
		{"negative period", rulesDoc(strings.Replace(okEntry, "n: 1,", "n: -3,", 1)), false},
		{"fractional period", rulesDoc(strings.Replace(okEntry, "n: 1,", "n: 1.5,", 1)), false},
		{"huge period", rulesDoc(strings.Replace(okEntry, "n: 1,", "n: 37,", 1)), false},
		{"missing period", rulesDoc(strings.Replace(okEntry, "    period: {n: 1, unit: months}\n", "", 1)), false},
		{"missing source", rulesDoc(strings.Replace(okEntry, "    source: Art. 12(3)\n", "", 1)), false},
		{"blank source", rulesDoc(strings.Replace(okEntry, "Art. 12(3)", `"  "`, 1)), false},
		{"zero acknowledge", rulesDoc(okEntry + "    acknowledge: {n: 0, unit: business_days}\n"), false},
		{"empty extension", rulesDoc(okEntry + "    extension: {}\n"), false},
		{"extension without times", rulesDoc(okEntry + "    extension: {period: {n: 2, unit: months}}\n"), false},
		{"extension without period", rulesDoc(okEntry + "    extension: {max_times: 1}\n"), false},
		{"extension notice bad unit", rulesDoc(okEntry + "    extension: {period: {n: 2, unit: months}, max_times: 1, notify_within: {n: 1, unit: fortnights}}\n"), false},
		{"duplicate", rulesDoc(okEntry + okEntry), false},
		{"calendar unknown", rulesDoc(okEntry + "    calendar: Mars\n"), false},
		{"mapping to unknown calendar", "version: 1\ncalendars: {GDPR: Mars}\nrules:\n" + okEntry, false},
		{"mapping of unknown jurisdiction", "version: 1\ncalendars: {EU: EU}\nrules:\n" + okEntry, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tab, err := LoadRules(strings.NewReader(c.doc))
			if !c.ok {
				if err == nil {
					t.Fatal("accepted")
				}
				wantCode(t, err, apperr.Invalid, CodeInvalidRules)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range tab.Rules() {
				if err := r.Validate(); err != nil {
					t.Fatalf("accepted rule does not validate: %v", err)
				}
			}
		})
	}
}

func TestLoadRulesTooLarge(t *testing.T) {
	big := rulesDoc(okEntry) + "#" + strings.Repeat("x", maxFileSize) + "\n"
	_, err := LoadRules(strings.NewReader(big))
	wantCode(t, err, apperr.TooLarge, CodeTooLarge)
}

func TestLoadRulesCalendarChoice(t *testing.T) {
	tab, err := LoadRules(strings.NewReader("version: 1\ncalendars: {GDPR: US}\nrules:\n" + okEntry + "    roll_to_working_day: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	// 4 June 2026 + 1 month = Saturday 4 July: the US calendar's holiday and
	// weekend roll it to Monday 6 July.
	d := mustDeadlines(t, mustFor(t, tab, GDPR, Access), day(t, "2026-06-04"), time.UTC, 0)
	if got := dateOf(d.Due, time.UTC); got != "2026-07-06" {
		t.Fatalf("due %s, want 2026-07-06", got)
	}
}

func mustFor(tb testing.TB, tab *Table, j, rt string) Rule {
	tb.Helper()
	r, err := tab.For(j, rt)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func TestLoadHolidays(t *testing.T) {
	cases := []struct {
		name  string
		doc   string
		cal   string
		dates []string
		code  string // "" when accepted
	}{
		{"yaml", "calendar: VN\nholidays:\n  - {date: 2026-09-01, name: National Day (second day)}\n  - date: \"2026-09-03\"\n",
			"VN", []string{"2026-09-01", "2026-09-03"}, ""},
		{"lines", "# Danish holidays\ncalendar: EU\n\n2026-04-02 Maundy Thursday\n2026-04-03 Good Friday\n2026-05-14\n",
			"EU", []string{"2026-04-02", "2026-04-03", "2026-05-14"}, ""},
		{"lines with BOM and CRLF", "\uFEFFcalendar: US\r\n2026-11-27 Day after Thanksgiving\r\n", "US", []string{"2026-11-27"}, ""},
		{"empty", "", "", nil, CodeInvalidHolidays},
		{"comments only", "# nothing\n", "", nil, CodeInvalidHolidays},
		{"header only", "calendar: VN\n", "", nil, CodeInvalidHolidays},
		{"no header", "2026-09-01\n", "", nil, CodeInvalidHolidays},
		{"bad date line", "calendar: VN\n2026-02-30 nope\n", "", nil, CodeInvalidHolidays},
		{"unpadded date", "calendar: VN\nholidays:\n  - {date: 2026-9-1}\n", "", nil, CodeInvalidHolidays},
		{"year out of range", "calendar: VN\n1066-10-14 Hastings\n", "", nil, CodeInvalidHolidays},
		{"unknown field", "calendar: VN\nholidays:\n  - {date: 2026-09-01, observed: true}\n", "", nil, CodeInvalidHolidays},
		{"no dates", "calendar: VN\nholidays: []\n", "", nil, CodeInvalidHolidays},
		{"name with control", "calendar: VN\nholidays:\n  - {date: 2026-09-01, name: \"a\\u0007b\"}\n", "", nil, CodeInvalidHolidays},
		{"unknown calendar", "calendar: Mars\n2026-09-01\n", "", nil, CodeUnknownCalendar},
		{"not UTF-8", "calendar: VN\n2026-09-01 \xff\n", "", nil, CodeInvalidHolidays},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := Default()
			tab, err := before.LoadHolidays(strings.NewReader(c.doc))
			if c.code != "" {
				wantCode(t, err, apperr.Invalid, c.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cal, _ := tab.Calendar(c.cal)
			old, _ := before.Calendar(c.cal)
			for _, iso := range c.dates {
				if _, ok := cal.IsHoliday(day(t, iso)); !ok {
					t.Errorf("%s is not a holiday after loading", iso)
				}
				if _, ok := old.IsHoliday(day(t, iso)); ok {
					t.Errorf("%s became a holiday in the original table", iso)
				}
			}
		})
	}
}

func TestLoadedHolidaysMoveDeadlines(t *testing.T) {
	// VN access: 10 days from 22 August 2026 is Tuesday 1 September.
	start := day(t, "2026-08-22")
	before := mustDeadlines(t, mustRule(t, VN, Access), start, time.UTC, 0)
	tab, err := Default().LoadHolidays(bytes.NewReader([]byte("calendar: VN\n2026-09-01 National Day (second day)\n")))
	if err != nil {
		t.Fatal(err)
	}
	after := mustDeadlines(t, mustFor(t, tab, VN, Access), start, time.UTC, 0)
	if dateOf(before.Due, time.UTC) != "2026-09-01" || dateOf(after.Due, time.UTC) != "2026-09-03" {
		t.Fatalf("due before %s, after %s; want 2026-09-01 then 2026-09-03 (past 1 and 2 September)",
			dateOf(before.Due, time.UTC), dateOf(after.Due, time.UTC))
	}
}
