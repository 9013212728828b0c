package retention

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"custodia/internal/apperr"
)

func TestRuleNormalizeErrors(t *testing.T) {
	ok := Rule{ID: "r1", Collection: "customers", Anchor: AnchorCreated, Keep: Keep{N: 1, Unit: "years"}}
	with := func(f func(*Rule)) Rule {
		r := ok
		f(&r)
		return r
	}
	tests := []struct {
		name string
		r    Rule
		code string
	}{
		{"no collection", with(func(r *Rule) { r.Collection = "" }), "invalid_collection"},
		{"collection starts with a digit", with(func(r *Rule) { r.Collection = "1customers" }), "invalid_collection"},
		{"collection with a space", with(func(r *Rule) { r.Collection = "my customers" }), "invalid_collection"},
		{"collection too long", with(func(r *Rule) { r.Collection = "c" + strings.Repeat("x", 63) }), "invalid_collection"},
		{"collection with a newline", with(func(r *Rule) { r.Collection = "customers\n" }), "invalid_collection"},
		{"empty field name", with(func(r *Rule) { r.Fields = []string{"email", ""} }), "invalid_fields"},
		{"field with a dot", with(func(r *Rule) { r.Fields = []string{"address.city"} }), "invalid_fields"},
		{"field wildcard", with(func(r *Rule) { r.Fields = []string{"*"} }), "invalid_fields"},
		{"no anchor", with(func(r *Rule) { r.Anchor = "" }), "invalid_anchor"},
		{"unknown anchor", with(func(r *Rule) { r.Anchor = "deleted" }), "invalid_anchor"},
		{"anchor is case-sensitive", with(func(r *Rule) { r.Anchor = "Created" }), "invalid_anchor"},
		{"contract_end without its field", with(func(r *Rule) { r.Anchor = AnchorContractEnd }), "anchor_field_required"},
		{"request_resolved with a bad field", with(func(r *Rule) { r.Anchor, r.AnchorField = AnchorRequestResolved, "resolved on" }), "anchor_field_required"},
		{"consent_withdrawn without purpose", with(func(r *Rule) { r.Anchor = AnchorConsentWithdrawn }), "purpose_required"},
		{"negative keep", with(func(r *Rule) { r.Keep.N = -1 }), "invalid_keep"},
		{"keep too long", with(func(r *Rule) { r.Keep.N = 1201 }), "invalid_keep"},
		{"keep in weeks", with(func(r *Rule) { r.Keep.Unit = "weeks" }), "invalid_keep"},
		{"keep without unit", with(func(r *Rule) { r.Keep.Unit = "" }), "invalid_keep"},
		{"keep unit is case-sensitive", with(func(r *Rule) { r.Keep.Unit = "Years" }), "invalid_keep"},
		{"unknown action", with(func(r *Rule) { r.Action = "erase" }), "invalid_action"},
		{"American spelling", with(func(r *Rule) { r.Action = "anonymize" }), "invalid_action"},
		{"description too long", with(func(r *Rule) { r.Description = strings.Repeat("d", 1001) }), "invalid_description"},
		{"first error wins", with(func(r *Rule) { r.Collection, r.Anchor, r.Action = "", "x", "x" }), "invalid_collection"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.r
			err := r.Normalize()
			if err == nil {
				t.Fatalf("Normalize accepted %+v", tc.r)
			}
			if apperr.CodeOf(err) != tc.code || apperr.KindOf(err) != apperr.Invalid {
				t.Fatalf("error %v (kind %v), want invalid %s", err, apperr.KindOf(err), tc.code)
			}
		})
	}
}

func TestRuleNormalizeAccepts(t *testing.T) {
	tests := []struct {
		name       string
		r          Rule
		wantFields []string
		wantAction string
	}{
		{"whole records, default action", Rule{Collection: "customers", Anchor: AnchorCreated, Keep: Keep{1, "years"}}, []string{}, ActionDelete},
		{"fields sorted and deduplicated", Rule{Collection: "customers", Fields: []string{"name", "email", "name"}, Anchor: AnchorLastActivity, Keep: Keep{6, "months"}}, []string{"email", "name"}, ActionDelete},
		{"anonymise", Rule{Collection: "customers", Anchor: AnchorCreated, Keep: Keep{30, "days"}, Action: ActionAnonymise}, []string{}, ActionAnonymise},
		{"contract_end", Rule{Collection: "customers", Anchor: AnchorContractEnd, AnchorField: "contract_end", Keep: Keep{10, "years"}}, []string{}, ActionDelete},
		{"request_resolved", Rule{Collection: "tickets", Anchor: AnchorRequestResolved, AnchorField: "resolved_on", Keep: Keep{90, "days"}}, []string{}, ActionDelete},
		{"consent_withdrawn", Rule{Collection: "leads", Anchor: AnchorConsentWithdrawn, Purpose: "marketing", Keep: Keep{0, "days"}}, []string{}, ActionDelete},
		{"longest keep", Rule{Collection: "c", Anchor: AnchorCreated, Keep: Keep{1200, "years"}}, []string{}, ActionDelete},
		{"longest names and description", Rule{Collection: "c" + strings.Repeat("x", 62), Fields: []string{"f" + strings.Repeat("-", 62)}, Anchor: AnchorCreated, Keep: Keep{1, "days"}, Description: strings.Repeat("d", 1000)},
			[]string{"f" + strings.Repeat("-", 62)}, ActionDelete},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.r
			if err := r.Normalize(); err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			if !reflect.DeepEqual(r.Fields, tc.wantFields) || r.Action != tc.wantAction {
				t.Fatalf("fields %#v action %q, want %#v %q", r.Fields, r.Action, tc.wantFields, tc.wantAction)
			}
			again := r
			again.Fields = append([]string(nil), r.Fields...)
			if err := again.Normalize(); err != nil || !reflect.DeepEqual(again, r) {
				t.Fatalf("second Normalize: %v, %+v != %+v", err, again, r)
			}
		})
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 30, 0, 0, time.UTC) }

// TestKeepAfterBefore: calendar arithmetic of periods. Where a day does not
// exist in the target month, the period ends on that month's last day (the
// usual legal reckoning, e.g. BGB §188(3); also Java's plusMonths):
// one month before 31 March is 28 February, one year after 29 February is
// 28 February.
func TestKeepAfterBefore(t *testing.T) {
	tests := []struct {
		name   string
		k      Keep
		from   time.Time
		after  time.Time
		before time.Time
		bug    string // the bug this row once showed (R-1, fixed)
	}{
		{"zero days", Keep{0, "days"}, date(2025, 3, 10), date(2025, 3, 10), date(2025, 3, 10), ""},
		{"10 days over a month end", Keep{10, "days"}, date(2025, 2, 25), date(2025, 3, 7), date(2025, 2, 15), ""},
		{"10 days in a leap February", Keep{10, "days"}, date(2024, 2, 25), date(2024, 3, 6), date(2024, 2, 15), ""},
		{"3 months mid-month", Keep{3, "months"}, date(2025, 5, 15), date(2025, 8, 15), date(2025, 2, 15), ""},
		{"months over a year end", Keep{2, "months"}, date(2025, 1, 10), date(2025, 3, 10), date(2024, 11, 10), ""},
		{"1 month from 30 April", Keep{1, "months"}, date(2025, 4, 30), date(2025, 5, 30), date(2025, 3, 30), ""},
		{"31 March - 1 month", Keep{1, "months"}, date(2025, 3, 31), date(2025, 4, 30), date(2025, 2, 28), "R-1"},
		{"31 March - 1 month, leap year", Keep{1, "months"}, date(2024, 3, 31), date(2024, 4, 30), date(2024, 2, 29), "R-1"},
		{"31 May - 1 month", Keep{1, "months"}, date(2025, 5, 31), date(2025, 6, 30), date(2025, 4, 30), "R-1"},
		{"31 January + 1 month", Keep{1, "months"}, date(2025, 1, 31), date(2025, 2, 28), date(2024, 12, 31), "R-1"},
		{"31 August - 6 months", Keep{6, "months"}, date(2025, 8, 31), date(2026, 2, 28), date(2025, 2, 28), "R-1"},
		{"29 February + 1 year", Keep{1, "years"}, date(2024, 2, 29), date(2025, 2, 28), date(2023, 2, 28), "R-1"},
		{"29 February + 4 years", Keep{4, "years"}, date(2024, 2, 29), date(2028, 2, 29), date(2020, 2, 29), ""},
		{"29 February + 12 months", Keep{12, "months"}, date(2024, 2, 29), date(2025, 2, 28), date(2023, 2, 28), "R-1"},
		{"28 February + 1 year", Keep{1, "years"}, date(2025, 2, 28), date(2026, 2, 28), date(2024, 2, 28), ""},
		{"1 March - 1 year over a leap day", Keep{1, "years"}, date(2024, 3, 1), date(2025, 3, 1), date(2023, 3, 1), ""},
		{"10 years", Keep{10, "years"}, date(2025, 6, 15), date(2035, 6, 15), date(2015, 6, 15), ""},
		{"1200 years", Keep{1200, "years"}, date(2025, 6, 15), date(3225, 6, 15), date(825, 6, 15), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.k.After(tc.from); !got.Equal(tc.after) {
				t.Errorf("%+v.After(%s) = %s, want %s", tc.k, tc.from.Format(time.DateOnly), got.Format(time.DateOnly), tc.after.Format(time.DateOnly))
			}
			if got := tc.k.Before(tc.from); !got.Equal(tc.before) {
				t.Errorf("%+v.Before(%s) = %s, want %s", tc.k, tc.from.Format(time.DateOnly), got.Format(time.DateOnly), tc.before.Format(time.DateOnly))
			}
		})
	}
}

// TestKeepDaysInverse: in days, After and Before are exact inverses.
func TestKeepDaysInverse(t *testing.T) {
	for _, n := range []int{0, 1, 29, 30, 31, 365, 366, 1200} {
		k := Keep{n, "days"}
		for d := date(2023, 12, 1); d.Before(date(2025, 4, 1)); d = d.AddDate(0, 0, 1) {
			if got := k.Before(k.After(d)); !got.Equal(d) {
				t.Fatalf("%d days: Before(After(%s)) = %s", n, d, got)
			}
			if got := k.After(d).Sub(d); got != time.Duration(n)*24*time.Hour {
				t.Fatalf("%d days after %s is %v later", n, d, got)
			}
		}
	}
}

// TestKeepBeforeKeepsFullPeriod: the engine deletes data anchored before
// Keep.Before(now), so such data must have been kept the whole period:
// Keep.After(anchor) is not later than now.
func TestKeepBeforeKeepsFullPeriod(t *testing.T) {
	for _, k := range []Keep{{1, "months"}, {6, "months"}, {13, "months"}, {1, "years"}, {3, "years"}} {
		t.Run(fmt.Sprintf("%d %s", k.N, k.Unit), func(t *testing.T) {
			for n := date(2023, 1, 1); n.Before(date(2026, 1, 1)); n = n.AddDate(0, 0, 1) {
				cutoff := k.Before(n)
				for _, back := range []time.Duration{time.Nanosecond, 6 * time.Hour, 24 * time.Hour, 48 * time.Hour, 72 * time.Hour, 96 * time.Hour} {
					anchor := cutoff.Add(-back)
					if end := k.After(anchor); end.After(n) {
						t.Fatalf("at %s the cutoff is %s: data anchored at %s is deleted, yet its period runs to %s",
							n.Format(time.DateOnly), cutoff.Format(time.DateTime), anchor.Format(time.DateTime), end.Format(time.DateTime))
					}
				}
			}
		})
	}
}

func TestHoldActive(t *testing.T) {
	at := date(2025, 6, 15)
	released := at.Add(-time.Hour)
	tests := []struct {
		name string
		h    Hold
		want bool
	}{
		{"open-ended", Hold{}, true},
		{"expires later", Hold{ExpiresAt: ptr(at.Add(time.Second))}, true},
		{"expires now", Hold{ExpiresAt: ptr(at)}, false},
		{"expired", Hold{ExpiresAt: ptr(at.Add(-time.Second))}, false},
		{"released", Hold{ReleasedAt: &released}, false},
		{"released before expiry", Hold{ReleasedAt: &released, ExpiresAt: ptr(at.AddDate(1, 0, 0))}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.h.Active(at); got != tc.want {
				t.Fatalf("Active = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestHoldCovers(t *testing.T) {
	tests := []struct {
		name                string
		h                   Hold
		subject, collection string
		want                bool
	}{
		{"subject hold, that subject", Hold{SubjectID: "sub_1"}, "sub_1", "customers", true},
		{"subject hold, any collection", Hold{SubjectID: "sub_1"}, "sub_1", "tickets", true},
		{"subject hold, another subject", Hold{SubjectID: "sub_1"}, "sub_2", "customers", false},
		{"collection hold, any subject", Hold{Collection: "customers"}, "sub_9", "customers", true},
		{"collection hold, another collection", Hold{Collection: "customers"}, "sub_9", "tickets", false},
		{"both set, the subject elsewhere", Hold{SubjectID: "sub_1", Collection: "customers"}, "sub_1", "tickets", true},
		{"both set, another subject in the collection", Hold{SubjectID: "sub_1", Collection: "customers"}, "sub_2", "customers", true},
		{"both set, neither", Hold{SubjectID: "sub_1", Collection: "customers"}, "sub_2", "tickets", false},
		{"empty hold covers nothing", Hold{}, "", "", false},
		{"empty hold, subjectless record", Hold{}, "", "customers", false},
		{"subject ids are exact", Hold{SubjectID: "sub_1"}, "SUB_1", "customers", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.h.Covers(tc.subject, tc.collection); got != tc.want {
				t.Fatalf("Covers(%q, %q) = %v, want %v", tc.subject, tc.collection, got, tc.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
