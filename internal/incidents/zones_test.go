package incidents

import (
	"strings"
	"testing"
	"time"
)

// TestDayPeriodsEndInTheJurisdictionsZone: a day period ends at the
// earliest of its ends in the server's zone and the rule's zones, so a
// server in another zone never computes a deadline later than the law's
// (QA: three Brazilian business days counted in UTC or Vietnam's time
// ended up to three days late).
func TestDayPeriodsEndInTheJurisdictionsZone(t *testing.T) {
	saoPaulo, hcm := mustZone(t, "America/Sao_Paulo"), mustZone(t, "Asia/Ho_Chi_Minh")
	inVietnam, err := Default().With(nil, hcm)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		table  *Table
		regime string
		rcpt   string
		start  string
		want   time.Time
	}{
		// Thursday 12 November, 23:30 in Brazil (Friday in UTC): Friday,
		// Monday, Tuesday.
		{"LGPD on a UTC server", Default(), "LGPD", "anpd", "2026-11-12T23:30:00-03:00", endOfDay(t, "2026-11-17", saoPaulo)},
		// Tuesday 24 November in Brazil, already Wednesday in Vietnam.
		{"LGPD on a Vietnamese server", inVietnam, "LGPD", "anpd", "2026-11-24T19:10:00Z", endOfDay(t, "2026-11-27", saoPaulo)},
		// Thursday 1 January, 20:00 in California, 23:00 in New York: 60
		// days from 1 January end first in New York.
		{"HIPAA on a UTC server", Default(), "HIPAA", "individuals", "2026-01-01T20:00:00-08:00", endOfDay(t, "2026-03-02", mustZone(t, "America/New_York"))},
		{"CCPA on a Vietnamese server", inVietnam, "CCPA", "residents", "2026-01-01T20:00:00-08:00", endOfDay(t, "2026-01-31", mustZone(t, "America/Los_Angeles"))},
		// A server in one of the jurisdiction's zones counts its own days.
		{"HIPAA on a Californian server", mustTable(t, "America/Los_Angeles"), "HIPAA", "individuals", "2026-01-01T20:00:00-08:00", endOfDay(t, "2026-03-02", mustZone(t, "America/Los_Angeles"))},
		// A deadline of the server's own zone that comes first still holds.
		{"LGPD, the server's zone first", inVietnam, "LGPD", "anpd", "2026-11-23T12:00:00Z", endOfDay(t, "2026-11-26", hcm)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mustRule(t, c.table, c.regime, c.rcpt)
			due, err := c.table.Due(r, at(t, c.start))
			if err != nil {
				t.Fatal(err)
			}
			if !due.Equal(c.want) {
				t.Errorf("due %s, want %s", due.UTC(), c.want.UTC())
			}
			if due.Location() != c.table.Location() {
				t.Errorf("due in %v, want the table's zone %v", due.Location(), c.table.Location())
			}
		})
	}
}

// TestYearEndInTheJurisdictionsZone: HIPAA's yearly log counts from the
// end of the year of discovery where it was discovered: 31 December at
// 23:00 in Denver is 2026 there, though 2027 in UTC.
func TestYearEndInTheJurisdictionsZone(t *testing.T) {
	det := at(t, "2026-12-31T23:00:00-07:00")
	cs := mustClocks(t, Default(), Facts{DetectedAt: det, AwareAt: det, Affected: map[string]int{"HIPAA": 10}})
	log := find(cs, "HIPAA", "hhs_annual_log")
	if want := endOfDay(t, "2027-03-01", mustZone(t, "America/Denver")); log == nil || !log.DueAt.Equal(want) {
		t.Fatalf("yearly log %v, want due %s", log, want.UTC())
	}
	if want := endOfDay(t, "2026-12-31", mustZone(t, "America/Denver")); !log.StartAt.Equal(want) {
		t.Errorf("yearly log starts %s, want the end of 2026 in Denver (%s)", log.StartAt.UTC(), want.UTC())
	}
}

func TestZonesAreValidated(t *testing.T) {
	src := strings.Replace(string(breachYAML), "zones: [America/Los_Angeles]", "zones: [Mars/Olympus_Mons]", 1)
	if _, err := Load(strings.NewReader(src), nil); err == nil || !strings.Contains(err.Error(), "IANA") {
		t.Errorf("an unknown zone: %v", err)
	}
}

func mustZone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func mustRule(tb testing.TB, t *Table, regime, recipient string) Rule {
	tb.Helper()
	for _, r := range t.Rules() {
		if r.Regime == regime && r.Recipient == recipient {
			return r
		}
	}
	tb.Fatalf("no rule %s %s", regime, recipient)
	return Rule{}
}

func mustTable(tb testing.TB, zone string) *Table {
	tb.Helper()
	t, err := Default().With(nil, mustZone(tb, zone))
	if err != nil {
		tb.Fatal(err)
	}
	return t
}
