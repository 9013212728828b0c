package legalclock

import (
	"bytes"
	"testing"
	"time"

	"custodia/internal/apperr"
)

// fuzzStart is the start instant the fuzz targets compute deadlines from.
var fuzzStart = time.Date(2026, 2, 13, 23, 30, 0, 0, time.UTC)

// FuzzLoadRules feeds arbitrary bytes to LoadRules. The seed corpus lives
// in testdata/fuzz/FuzzLoadRules; `go test` runs it as a unit test.
//
// Properties: no panic; a refusal is an Invalid (or TooLarge) apperr; an
// accepted table's rules all validate, each is what For returns for its
// own jurisdiction and type, and each computes deadlines for every allowed
// number of extensions, with the due date after the start, and refuses one
// more.
func FuzzLoadRules(f *testing.F) {
	f.Fuzz(func(t *testing.T, src []byte) {
		tab, err := LoadRules(bytes.NewReader(src))
		if err != nil {
			if k := apperr.KindOf(err); k != apperr.Invalid && k != apperr.TooLarge {
				t.Fatalf("refusal %v is not Invalid or TooLarge", err)
			}
			return
		}
		for _, r := range tab.Rules() {
			if err := r.Validate(); err != nil {
				t.Fatalf("accepted rule does not validate: %v", err)
			}
			if _, ok := tab.Calendar(r.Calendar); !ok {
				t.Fatalf("accepted rule with unknown calendar %q", r.Calendar)
			}
			if r.RequestType != AnyType {
				got, err := tab.For(r.Jurisdiction, r.RequestType)
				if err != nil || got.Jurisdiction != r.Jurisdiction || got.RequestType != r.RequestType {
					t.Fatalf("For(%s, %s) = %v, %v", r.Jurisdiction, r.RequestType, got, err)
				}
			}
			for k := 0; k <= r.Extension.MaxTimes; k++ {
				d, err := r.Deadlines(fuzzStart, time.UTC, k)
				if err != nil {
					t.Fatalf("%s: %d extensions: %v", r, k, err)
				}
				if !d.Due.After(fuzzStart) {
					t.Fatalf("%s: due %v not after the start", r, d.Due)
				}
			}
			_, err := r.Deadlines(fuzzStart, time.UTC, r.Extension.MaxTimes+1)
			if apperr.CodeOf(err) != CodeExtensionNotAllowed {
				t.Fatalf("%s: one extension too many gave %v", r, err)
			}
		}
	})
}

// FuzzLoadHolidays feeds arbitrary bytes to Table.LoadHolidays. The seed
// corpus lives in testdata/fuzz/FuzzLoadHolidays.
//
// Properties: no panic; a refusal is an Invalid apperr; an accepted file
// names a calendar of the table, every date it lists is a holiday of that
// calendar in the new table and keeps its status in the old one, and the
// new table's rules on that calendar still compute deadlines.
func FuzzLoadHolidays(f *testing.F) {
	f.Fuzz(func(t *testing.T, src []byte) { fuzzHolidaysBody(t, src) })
}

// fuzzHolidaysBody is FuzzLoadHolidays' check of one input; it returns
// whether the input was accepted.
func fuzzHolidaysBody(t *testing.T, src []byte) bool {
	base := Default()
	l, perr := parseHolidays(src)
	before := map[date]bool{} // each listed date's status in the original table
	if _, known := base.Calendar(l.calendar); perr == nil && known {
		for d := range l.dates {
			before[d] = isHolidayIn(base, l.calendar, d)
		}
	}
	tab, err := base.LoadHolidays(bytes.NewReader(src))
	if err != nil {
		if k := apperr.KindOf(err); k != apperr.Invalid && k != apperr.TooLarge {
			t.Fatalf("refusal %v is not Invalid or TooLarge", err)
		}
		return false
	}
	if perr != nil {
		t.Fatalf("accepted by LoadHolidays, refused by parseHolidays: %v", perr)
	}
	if _, ok := tab.Calendar(l.calendar); !ok || len(l.dates) == 0 {
		t.Fatalf("accepted with calendar %q and %d dates", l.calendar, len(l.dates))
	}
	for d, name := range l.dates {
		if name == "" || !ValidText(name, maxHolidayNameLen) {
			t.Fatalf("accepted holiday name %q", name)
		}
		if !isHolidayIn(tab, l.calendar, d) {
			t.Fatalf("%s is not a holiday after loading", d)
		}
		if isHolidayIn(base, l.calendar, d) != before[d] {
			t.Fatalf("loading changed %s in the original table", d)
		}
	}
	for _, r := range tab.Rules() {
		if r.Calendar != l.calendar {
			continue
		}
		if _, err := r.Deadlines(fuzzStart, time.UTC, 0); err != nil {
			t.Fatalf("%s after loading holidays: %v", r, err)
		}
	}
	return true
}

func isHolidayIn(tab *Table, calendar string, d date) bool {
	c, _ := tab.Calendar(calendar)
	_, ok := c.IsHoliday(d.utc())
	return ok
}
