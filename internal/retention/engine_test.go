package retention

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/vault"
)

func wholeRule(id, collection string, n int, unit, anchor string) Rule {
	return Rule{ID: id, Collection: collection, Fields: []string{}, Anchor: anchor, Keep: Keep{n, unit}, Action: ActionDelete}
}

func fieldRule(id, collection string, n int, unit string, fields ...string) Rule {
	return Rule{ID: id, Collection: collection, Fields: fields, Anchor: AnchorCreated, Keep: Keep{n, unit}, Action: ActionDelete}
}

func ids(rs []Rule) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestEffectiveRules(t *testing.T) {
	tests := []struct {
		name       string
		rules      []Rule
		keep       []string
		overridden []string
		conflicts  []string
	}{
		{"one rule", []Rule{wholeRule("r1", "customers", 1, "years", AnchorCreated)}, []string{"r1"}, nil, nil},
		{"two whole-record rules: the longer wins",
			[]Rule{wholeRule("r1", "customers", 1, "years", AnchorCreated), wholeRule("r2", "customers", 2, "years", AnchorLastActivity)},
			[]string{"r2"}, []string{"r1"},
			[]string{"rules r1 (1 years after created) and r2 (2 years after last_activity) both cover customers: the longer, r2, applies"}},
		{"the longer wins whatever the order",
			[]Rule{wholeRule("long", "customers", 18, "months", AnchorCreated), wholeRule("short", "customers", 1, "years", AnchorCreated)},
			[]string{"long"}, []string{"short"},
			[]string{"rules long (18 months after created) and short (1 years after created) both cover customers: the longer, long, applies"}},
		{"days against years",
			[]Rule{wholeRule("d", "customers", 400, "days", AnchorCreated), wholeRule("y", "customers", 1, "years", AnchorCreated)},
			[]string{"d"}, []string{"y"},
			[]string{"rules d (400 days after created) and y (1 years after created) both cover customers: the longer, d, applies"}},
		{"field rules sharing a field",
			[]Rule{fieldRule("f1", "customers", 30, "days", "email", "name"), fieldRule("f2", "customers", 90, "days", "email", "plan")},
			[]string{"f2"}, []string{"f1"},
			[]string{"rules f1 (30 days after created) and f2 (90 days after created) both cover customers fields email: the longer, f2, applies"}},
		{"field rules on different fields", []Rule{fieldRule("f1", "customers", 30, "days", "email"), fieldRule("f2", "customers", 90, "days", "name")},
			[]string{"f1", "f2"}, nil, nil},
		{"field rule beside a whole-record rule", []Rule{wholeRule("w", "customers", 10, "years", AnchorCreated), fieldRule("f", "customers", 30, "days", "email")},
			[]string{"w", "f"}, nil, nil},
		{"whole-record rules on different collections", []Rule{wholeRule("a", "customers", 1, "years", AnchorCreated), wholeRule("b", "tickets", 2, "years", AnchorCreated)},
			[]string{"a", "b"}, nil, nil},
		{"tie broken by id",
			[]Rule{wholeRule("r-b", "customers", 12, "months", AnchorCreated), wholeRule("r-a", "customers", 12, "months", AnchorLastActivity)},
			[]string{"r-a"}, []string{"r-b"},
			[]string{"rules r-b (12 months after created) and r-a (12 months after last_activity) both cover customers: the longer, r-a, applies"}},
		{"tie broken by id, other order",
			[]Rule{wholeRule("r-a", "customers", 12, "months", AnchorLastActivity), wholeRule("r-b", "customers", 12, "months", AnchorCreated)},
			[]string{"r-a"}, []string{"r-b"},
			[]string{"rules r-a (12 months after last_activity) and r-b (12 months after created) both cover customers: the longer, r-a, applies"}},
		{"three whole-record rules",
			[]Rule{wholeRule("y1", "customers", 1, "years", AnchorCreated), wholeRule("y3", "customers", 3, "years", AnchorCreated), wholeRule("y2", "customers", 2, "years", AnchorCreated), wholeRule("other", "tickets", 1, "days", AnchorCreated)},
			[]string{"y3", "other"}, []string{"y1", "y2"},
			[]string{
				"rules y1 (1 years after created) and y3 (3 years after created) both cover customers: the longer, y3, applies",
				"rules y1 (1 years after created) and y2 (2 years after created) both cover customers: the longer, y2, applies",
				"rules y3 (3 years after created) and y2 (2 years after created) both cover customers: the longer, y3, applies",
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			keep, conflicts, overridden := effectiveRules(tc.rules)
			if !slices.Equal(ids(keep), tc.keep) || !slices.Equal(overridden, tc.overridden) {
				t.Fatalf("keep %v overridden %v, want %v %v", ids(keep), overridden, tc.keep, tc.overridden)
			}
			if !slices.Equal(conflicts, tc.conflicts) {
				t.Fatalf("conflicts\n got %q\nwant %q", conflicts, tc.conflicts)
			}
		})
	}
}

func TestRunTimeAnchors(t *testing.T) {
	cutoff := now.AddDate(-1, 0, 0)
	records := []memRecord{
		{"rec_01", "sub_a", cutoff.Add(-time.Minute), now.Add(-24 * time.Hour)}, // created long ago, recently changed
		{"rec_02", "sub_b", cutoff, cutoff.Add(-time.Hour)},                     // created at the cutoff, changed before it
		{"rec_03", "sub_c", now.AddDate(0, -1, 0), now.AddDate(0, -1, 0)},       // recent
		{"rec_04", "sub_d", now.AddDate(-5, 0, 0), now.AddDate(-5, 0, 0)},       // old
	}
	tests := []struct {
		anchor   string
		byUpdate bool
		want     []string
		subjects []string
	}{
		{AnchorCreated, false, []string{"rec_01", "rec_04"}, []string{"psd:sub_a", "psd:sub_d"}},
		{AnchorLastActivity, true, []string{"rec_02", "rec_04"}, []string{"psd:sub_b", "psd:sub_d"}},
	}
	for _, tc := range tests {
		t.Run(tc.anchor, func(t *testing.T) {
			w := newWorld(t)
			w.addRecords("customers", records...)
			w.store.rules = []Rule{rule(t, Rule{ID: "r1", Collection: "customers", Anchor: tc.anchor, Keep: Keep{1, "years"}})}
			rep := w.run(t, false)
			if want := []expiredCall{{"customers", tc.byUpdate, cutoff, "", 1000}}; !reflect.DeepEqual(w.store.expired, want) {
				t.Fatalf("ExpiredRecords calls %+v, want %+v", w.store.expired, want)
			}
			want := []deleteCall{{Collection: "customers", IDs: tc.want, Rule: "r1", By: "dpo", Pseudonyms: tc.subjects}}
			if !reflect.DeepEqual(w.store.deletes, want) {
				t.Fatalf("deletes %+v, want %+v", w.store.deletes, want)
			}
			if rep.Deleted != 2 || rep.ItemCount != 2 || rep.Anonymised != 0 || rep.DryRun || !rep.At.Equal(now) {
				t.Fatalf("report %+v", rep)
			}
			reason := tc.anchor + " before 2024-06-15 (kept 1 years)"
			for i, it := range rep.Items {
				wantItem := Item{Rule: "r1", Collection: "customers", RecordID: tc.want[i], Subject: tc.subjects[i], Action: ActionDelete, Fields: []string{"*"}, Reason: reason}
				if !reflect.DeepEqual(it, wantItem) {
					t.Fatalf("item %+v, want %+v", it, wantItem)
				}
			}
		})
	}
}

func TestRunConsentWithdrawn(t *testing.T) {
	tests := []struct {
		name       string
		collection string
		deleted    []string
		dropped    []string // records whose fields were dropped
		fields     []string // the fields dropped
		scanned    bool     // WithdrawnBefore asked
	}{
		{"collection for the purpose alone: whole records", "leads", []string{"rec_1", "rec_2"}, nil, nil, true},
		{"only the fields for the purpose alone", "customers", nil, []string{"rec_1", "rec_2"}, []string{"newsletter"}, true},
		{"nothing collected for the purpose alone", "metrics", nil, nil, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			w.store.withdrawn = map[string]map[string]time.Time{
				"marketing": {"sub_old": now.AddDate(0, 0, -31), "sub_new": now.AddDate(0, 0, -29)},
				"analytics": {"sub_other": now.AddDate(-3, 0, 0)},
			}
			w.addRecords(tc.collection,
				memRecord{"rec_1", "sub_old", now, now}, memRecord{"rec_2", "sub_old", now, now},
				memRecord{"rec_3", "sub_new", now, now}, memRecord{"rec_4", "sub_other", now, now})
			w.store.rules = []Rule{rule(t, Rule{ID: "mkt", Collection: tc.collection, Anchor: AnchorConsentWithdrawn, Purpose: "marketing", Keep: Keep{30, "days"}})}
			rep := w.run(t, false)
			var want []withdrawnCall
			if tc.scanned {
				want = []withdrawnCall{{"marketing", now.AddDate(0, 0, -30)}}
			}
			if !reflect.DeepEqual(w.store.withdraws, want) {
				t.Fatalf("WithdrawnBefore calls %+v, want %+v", w.store.withdraws, want)
			}
			if got := w.store.deletedIDs(); !slices.Equal(got, tc.deleted) || rep.Deleted != int64(len(tc.deleted)) {
				t.Fatalf("deleted %v (%d), want %v", got, rep.Deleted, tc.deleted)
			}
			if got := w.vault.dropped(); !slices.Equal(got, tc.dropped) {
				t.Fatalf("fields dropped from %v, want %v", got, tc.dropped)
			}
			for _, d := range w.vault.drops {
				if !slices.Equal(d.Fields, tc.fields) {
					t.Fatalf("dropped %v, want %v", d.Fields, tc.fields)
				}
			}
			if len(w.store.expired) != 0 {
				t.Fatal("a consent rule scanned records by date")
			}
			if tc.scanned {
				if r := rep.Items[0].Reason; r != "consent_withdrawn before 2025-05-16 (kept 30 days)" {
					t.Fatalf("reason %q", r)
				}
			}
		})
	}
}

// TestRunPurposeScope: a rule with a purpose and no fields covers the data
// collected for that purpose alone: whole records when every field is,
// otherwise those fields, and nothing when no field is.
func TestRunPurposeScope(t *testing.T) {
	tests := []struct {
		name       string
		rule       Rule
		deleted    []string
		dropFields []string // nil: no field drops
		wantItem   string   // the items' action
	}{
		{"whole collection for the purpose", Rule{Collection: "leads", Purpose: "marketing"}, []string{"rec_1", "rec_2"}, nil, ActionDelete},
		{"one field for the purpose", Rule{Collection: "customers", Purpose: "billing"}, nil, []string{"plan"}, ActionDelete},
		{"several fields for the purpose, shared ones kept", Rule{Collection: "customers", Purpose: "support"}, nil, []string{"name", "notes", "contract_end", "resolved_on"}, ActionDelete},
		{"no field for the purpose", Rule{Collection: "metrics", Purpose: "marketing"}, nil, nil, ""},
		{"anonymise a whole collection for the purpose", Rule{Collection: "leads", Purpose: "marketing", Action: ActionAnonymise}, nil, []string{"email"}, ActionAnonymise},
		{"anonymise the fields for the purpose", Rule{Collection: "customers", Purpose: "billing", Action: ActionAnonymise}, nil, []string{"plan"}, ActionAnonymise},
		{"named fields win over the purpose", Rule{Collection: "customers", Purpose: "billing", Fields: []string{"notes"}}, nil, []string{"notes"}, ActionDelete},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			old := now.AddDate(-3, 0, 0)
			w.addRecords(tc.rule.Collection, memRecord{"rec_1", "sub_a", old, old}, memRecord{"rec_2", "sub_b", old, old})
			r := tc.rule
			r.ID, r.Anchor, r.Keep = "p", AnchorCreated, Keep{1, "years"}
			w.store.rules = []Rule{rule(t, r)}
			rep := w.run(t, false)
			if got := w.store.deletedIDs(); !slices.Equal(got, tc.deleted) {
				t.Fatalf("deleted %v, want %v", got, tc.deleted)
			}
			for _, d := range w.vault.drops {
				if !slices.Equal(d.Fields, tc.dropFields) {
					t.Fatalf("dropped %v, want %v", d.Fields, tc.dropFields)
				}
			}
			if tc.dropFields != nil && len(w.vault.drops) != 2 {
				t.Fatalf("DropFields called %d times, want 2", len(w.vault.drops))
			}
			if tc.wantItem == "" {
				if rep.ItemCount != 0 || len(w.store.expired) != 0 {
					t.Fatalf("a rule with nothing in scope acted: %+v, scans %v", rep.Items, w.store.expired)
				}
				return
			}
			for _, it := range rep.Items {
				if it.Action != tc.wantItem {
					t.Fatalf("item %+v, want action %s", it, tc.wantItem)
				}
			}
		})
	}
}

// TestRunDisjointPurposeRules: rules for different purposes of one
// collection cover different fields, so both apply; neither is overridden.
func TestRunDisjointPurposeRules(t *testing.T) {
	tests := []struct {
		name    string
		rules   []Rule
		dropped []string // the fields dropped from the old record
	}{
		{"marketing 1 year beside billing 10 years", []Rule{
			{ID: "mkt", Collection: "customers", Purpose: "marketing", Anchor: AnchorCreated, Keep: Keep{1, "years"}},
			{ID: "bill", Collection: "customers", Purpose: "billing", Anchor: AnchorCreated, Keep: Keep{10, "years"}},
		}, []string{"newsletter"}},
		{"marketing 1 year beside a 10-year whole-record rule", []Rule{
			{ID: "mkt", Collection: "customers", Purpose: "marketing", Anchor: AnchorCreated, Keep: Keep{1, "years"}},
			{ID: "all", Collection: "customers", Anchor: AnchorCreated, Keep: Keep{10, "years"}},
		}, []string{"newsletter"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			old := now.AddDate(-3, 0, 0)
			w.addRecords("customers", memRecord{"rec_1", "sub_a", old, old})
			for _, r := range tc.rules {
				w.store.rules = append(w.store.rules, rule(t, r))
			}
			rep := w.run(t, false)
			if len(rep.Overridden) != 0 || len(rep.Conflicts) != 0 {
				t.Errorf("overridden %v, conflicts %q", rep.Overridden, rep.Conflicts)
			}
			if len(w.vault.drops) != 1 || !slices.Equal(w.vault.drops[0].Fields, tc.dropped) {
				t.Fatalf("drops %+v, want %v from rec_1", w.vault.drops, tc.dropped)
			}
			if len(w.store.deletes) != 0 {
				t.Fatalf("deleted %+v", w.store.deletes)
			}
		})
	}
}

func TestRunAnchorDates(t *testing.T) {
	tests := []struct {
		anchor, field string
	}{
		{AnchorContractEnd, "contract_end"},
		{AnchorRequestResolved, "resolved_on"},
	}
	for _, tc := range tests {
		t.Run(tc.anchor, func(t *testing.T) {
			w := newWorld(t)
			w.vault.anchors[[2]string{"customers", tc.field}] = []anchorRow{
				{"rec_1", "sub_a", time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC)},
				{"rec_2", "sub_b", time.Date(2024, 6, 16, 0, 0, 0, 0, time.UTC)},
				{"rec_3", "sub_c", time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)},
				// A year after 15 June 2024 runs through 15 June 2025
				// (today): kept until tomorrow.
				{"rec_4", "sub_d", time.Date(2024, 6, 15, 0, 0, 0, 0, time.UTC)},
			}
			w.store.rules = []Rule{rule(t, Rule{ID: "r", Collection: "customers", Anchor: tc.anchor, AnchorField: tc.field, Keep: Keep{1, "years"}})}
			rep := w.run(t, false)
			if want := [][2]string{{"customers", tc.field}}; !reflect.DeepEqual(w.vault.anchorCalls, want) {
				t.Fatalf("AnchorDates calls %v, want %v", w.vault.anchorCalls, want)
			}
			if got := w.store.deletedIDs(); !slices.Equal(got, []string{"rec_1", "rec_3"}) {
				t.Fatalf("deleted %v", got)
			}
			if len(w.store.expired) != 0 || len(w.store.withdraws) != 0 || rep.ItemCount != 2 {
				t.Fatalf("store scans %v %v, items %d", w.store.expired, w.store.withdraws, rep.ItemCount)
			}
			if r := rep.Items[0].Reason; !strings.Contains(r, "before 2024-06-15") {
				t.Errorf("reason %q, want before 2024-06-15", r)
			}
		})
	}
}

func TestRunHolds(t *testing.T) {
	released := now.Add(-time.Hour)
	tests := []struct {
		name    string
		holds   []Hold
		deleted []string
		held    []Skipped
	}{
		{"subject hold", []Hold{{ID: "h1", SubjectID: "sub_a", Reason: "litigation"}},
			[]string{"rec_2", "rec_3"}, []Skipped{{Rule: "r1", RecordID: "rec_1", Hold: "h1", Reason: "litigation"}}},
		{"collection hold", []Hold{{ID: "h2", Collection: "customers", Reason: "audit"}},
			nil, []Skipped{{"r1", "rec_1", "h2", "audit"}, {"r1", "rec_2", "h2", "audit"}, {"r1", "rec_3", "h2", "audit"}}},
		{"hold on another collection", []Hold{{ID: "h3", Collection: "tickets", Reason: "audit"}}, []string{"rec_1", "rec_2", "rec_3"}, []Skipped{}},
		{"released and expired holds do not hold", []Hold{
			{ID: "h4", SubjectID: "sub_a", Reason: "over", ReleasedAt: &released},
			{ID: "h5", SubjectID: "sub_b", Reason: "over", ExpiresAt: &released},
			{ID: "h6", SubjectID: "sub_c", Reason: "still on", ExpiresAt: ptr(now.Add(time.Hour))},
		}, []string{"rec_1", "rec_2"}, []Skipped{{"r1", "rec_3", "h6", "still on"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			old := now.AddDate(-3, 0, 0)
			w.addRecords("customers", memRecord{"rec_1", "sub_a", old, old}, memRecord{"rec_2", "sub_b", old, old}, memRecord{"rec_3", "sub_c", old, old})
			w.store.holds = tc.holds
			w.store.rules = []Rule{rule(t, Rule{ID: "r1", Collection: "customers", Anchor: AnchorCreated, Keep: Keep{1, "years"}})}
			rep := w.run(t, false)
			if got := w.store.deletedIDs(); !slices.Equal(got, tc.deleted) {
				t.Fatalf("deleted %v, want %v", got, tc.deleted)
			}
			if !reflect.DeepEqual(rep.Held, tc.held) {
				t.Fatalf("held %+v, want %+v", rep.Held, tc.held)
			}
			if rep.ItemCount != len(tc.deleted) || rep.Deleted != int64(len(tc.deleted)) {
				t.Fatalf("items %d deleted %d", rep.ItemCount, rep.Deleted)
			}
			if len(tc.deleted) == 0 && len(w.store.deletes) != 0 {
				t.Fatalf("an empty batch was deleted: %+v", w.store.deletes)
			}
		})
	}
}

// mixedRules: a whole-record delete, a field deletion and an anonymisation.
func mixedRules(t *testing.T) []Rule {
	return []Rule{
		rule(t, Rule{ID: "del", Collection: "metrics", Anchor: AnchorCreated, Keep: Keep{1, "years"}}),
		rule(t, Rule{ID: "thin", Collection: "customers", Fields: []string{"plan", "notes"}, Anchor: AnchorLastActivity, Keep: Keep{6, "months"}}),
		rule(t, Rule{ID: "anon", Collection: "customers", Anchor: AnchorCreated, Keep: Keep{2, "years"}, Action: ActionAnonymise}),
	}
}

func mixedWorld(t *testing.T) *world {
	w := newWorld(t)
	old := now.AddDate(-3, 0, 0)
	w.addRecords("metrics", memRecord{"rec_m1", "sub_a", old, old})
	w.addRecords("customers", memRecord{"rec_c1", "sub_a", old, old}, memRecord{"rec_c2", "sub_b", old, old})
	w.store.rules = mixedRules(t)
	return w
}

func TestRunDryRun(t *testing.T) {
	w := mixedWorld(t)
	rep := w.run(t, true)
	if len(w.store.deletes) != 0 || len(w.vault.drops) != 0 || len(w.rec.calls) != 0 {
		t.Fatalf("a dry run changed data: deletes %v drops %v records %v", w.store.deletes, w.vault.drops, w.rec.calls)
	}
	if len(w.store.records["metrics"]) != 1 || len(w.store.records["customers"]) != 2 {
		t.Fatal("a dry run deleted records")
	}
	want := []Item{
		{"del", "metrics", "rec_m1", "psd:sub_a", ActionDelete, []string{"*"}, "created before 2024-06-15 (kept 1 years)"},
		{"thin", "customers", "rec_c1", "psd:sub_a", ActionDelete, []string{"notes", "plan"}, "last_activity before 2024-12-15 (kept 6 months)"},
		{"thin", "customers", "rec_c2", "psd:sub_b", ActionDelete, []string{"notes", "plan"}, "last_activity before 2024-12-15 (kept 6 months)"},
		{"anon", "customers", "rec_c1", "psd:sub_a", ActionAnonymise, []string{"email", "name"}, "created before 2023-06-15 (kept 2 years)"},
		{"anon", "customers", "rec_c2", "psd:sub_b", ActionAnonymise, []string{"email", "name"}, "created before 2023-06-15 (kept 2 years)"},
	}
	if !rep.DryRun || rep.Deleted != 0 || rep.Anonymised != 0 || rep.ItemCount != len(want) || !reflect.DeepEqual(rep.Items, want) {
		t.Fatalf("report %+v\nwant items %+v", rep, want)
	}
	// The real run acts on the same items.
	rep = w.run(t, false)
	if rep.Deleted != 1 || rep.Anonymised != 2 || rep.Thinned != 2 || rep.ItemCount != len(want) || !reflect.DeepEqual(rep.Items, want) {
		t.Fatalf("real run %+v", rep)
	}
}

func TestRunFieldActions(t *testing.T) {
	tests := []struct {
		name       string
		rule       Rule
		wantFields []string
		wantAction string
	}{
		{"anonymise without fields drops the identifying fields", Rule{ID: "anon", Collection: "customers", Anchor: AnchorCreated, Keep: Keep{1, "years"}, Action: ActionAnonymise},
			vault.IdentifyingFields(customers(t)), ActionAnonymise},
		{"anonymise named fields", Rule{ID: "anon", Collection: "customers", Fields: []string{"plan"}, Anchor: AnchorCreated, Keep: Keep{1, "years"}, Action: ActionAnonymise},
			[]string{"plan"}, ActionAnonymise},
		{"delete named fields", Rule{ID: "thin", Collection: "customers", Fields: []string{"notes", "email"}, Anchor: AnchorCreated, Keep: Keep{1, "years"}},
			[]string{"email", "notes"}, ActionDelete},
	}
	if got := vault.IdentifyingFields(customers(t)); !slices.Equal(got, []string{"email", "name"}) {
		t.Fatalf("fixture: identifying fields %v", got)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			old := now.AddDate(-3, 0, 0)
			w.addRecords("customers",
				memRecord{"rec_1", "sub_a", old, old}, memRecord{"rec_2", "sub_a", old, old},
				memRecord{"rec_3", "sub_b", old, old}, memRecord{"rec_4", "sub_c", old, old}, memRecord{"rec_5", "sub_c", old, old})
			w.vault.unchanged["rec_4"] = true // holds none of the fields (an earlier run dropped them)
			w.vault.gone["rec_5"] = true      // deleted meanwhile
			w.store.rules = []Rule{rule(t, tc.rule)}
			// A dry run lists only the records that still hold a field.
			if dry := w.run(t, true); dry.ItemCount != 3 || len(w.vault.drops) != 0 {
				t.Fatalf("dry run: %d items, %d drops", dry.ItemCount, len(w.vault.drops))
			}
			rep := w.run(t, false)
			if len(w.store.deletes) != 0 || len(w.store.records["customers"]) != 5 {
				t.Fatalf("a field rule deleted records: %+v", w.store.deletes)
			}
			if got := w.vault.dropped(); !slices.Equal(got, []string{"rec_1", "rec_2", "rec_3"}) || rep.ItemCount != 3 {
				t.Fatalf("DropFields called for %v, %d items", got, rep.ItemCount)
			}
			for _, d := range w.vault.drops {
				wantEntry := audit.Entry{Actor: "dpo", Action: "retention." + tc.rule.Action, Collection: "customers", RecordID: d.ID, Subject: w.vault.Pseudonym(subjectOf(w, d.ID)), Detail: "rule:" + tc.rule.ID}
				if tc.rule.Action == "" {
					wantEntry.Action = "retention.delete"
				}
				if d.Collection != "customers" || !slices.Equal(d.Fields, tc.wantFields) || !reflect.DeepEqual(d.Entry, wantEntry) {
					t.Fatalf("DropFields %+v, want fields %v entry %+v", d, tc.wantFields, wantEntry)
				}
			}
			if rep.Anonymised+rep.Thinned != 3 || rep.Deleted != 0 || (tc.rule.Action == ActionAnonymise) != (rep.Anonymised == 3) {
				t.Fatalf("anonymised %d thinned %d deleted %d, want 3 changed, 0 deleted", rep.Anonymised, rep.Thinned, rep.Deleted)
			}
			slices.SortFunc(w.rec.calls, func(a, b recordCall) int { return cmp.Compare(a.Pseudonym, b.Pseudonym) })
			wantRec := []recordCall{
				{"retention", "psd:sub_a", "customers", tc.wantFields, 2, tc.rule.ID, "dpo"},
				{"retention", "psd:sub_b", "customers", tc.wantFields, 1, tc.rule.ID, "dpo"},
			}
			if !reflect.DeepEqual(w.rec.calls, wantRec) {
				t.Fatalf("deletion records %+v, want %+v", w.rec.calls, wantRec)
			}
			for _, it := range rep.Items {
				if it.Action != tc.wantAction || !slices.Equal(it.Fields, tc.wantFields) {
					t.Fatalf("item %+v", it)
				}
			}
		})
	}
}

func subjectOf(w *world, id string) string {
	for _, r := range w.store.records["customers"] {
		if r.ID == id {
			return r.Subject
		}
	}
	return ""
}

func TestRunBatches(t *testing.T) {
	tests := []struct {
		batch   int
		afters  []string
		batches [][]string
	}{
		{1, []string{"", "rec_1", "rec_2", "rec_3", "rec_4", "rec_5"}, [][]string{{"rec_1"}, {"rec_2"}, {"rec_3"}, {"rec_4"}, {"rec_5"}}},
		{2, []string{"", "rec_2", "rec_4"}, [][]string{{"rec_1", "rec_2"}, {"rec_3", "rec_4"}, {"rec_5"}}},
		{5, []string{"", "rec_5"}, [][]string{{"rec_1", "rec_2", "rec_3", "rec_4", "rec_5"}}},
		{1000, []string{""}, [][]string{{"rec_1", "rec_2", "rec_3", "rec_4", "rec_5"}}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("batch %d", tc.batch), func(t *testing.T) {
			w := newWorld(t)
			w.eng.Batch = tc.batch
			old := now.AddDate(-3, 0, 0)
			for i := 1; i <= 5; i++ {
				w.addRecords("customers", memRecord{fmt.Sprintf("rec_%d", i), "sub_a", old, old})
			}
			w.addRecords("customers", memRecord{"rec_6", "sub_a", now, now}) // not expired
			w.store.rules = []Rule{rule(t, Rule{ID: "r", Collection: "customers", Anchor: AnchorCreated, Keep: Keep{1, "years"}})}
			rep := w.run(t, false)
			var afters []string
			for _, c := range w.store.expired {
				if c.Limit != tc.batch {
					t.Fatalf("ExpiredRecords limit %d, want %d", c.Limit, tc.batch)
				}
				afters = append(afters, c.After)
			}
			if !slices.Equal(afters, tc.afters) {
				t.Fatalf("pages after %q, want %q", afters, tc.afters)
			}
			var batches [][]string
			for _, d := range w.store.deletes {
				batches = append(batches, d.IDs)
			}
			if !reflect.DeepEqual(batches, tc.batches) || rep.Deleted != 5 {
				t.Fatalf("delete batches %v (deleted %d), want %v", batches, rep.Deleted, tc.batches)
			}
		})
	}
}

// TestRunFieldBatches: each batch of field drops writes its own deletion
// record per subject.
func TestRunFieldBatches(t *testing.T) {
	w := newWorld(t)
	w.eng.Batch = 2
	old := now.AddDate(-3, 0, 0)
	w.addRecords("customers", memRecord{"rec_1", "sub_a", old, old}, memRecord{"rec_2", "sub_a", old, old}, memRecord{"rec_3", "sub_a", old, old})
	w.store.rules = []Rule{rule(t, Rule{ID: "thin", Collection: "customers", Fields: []string{"notes"}, Anchor: AnchorCreated, Keep: Keep{1, "years"}})}
	w.run(t, false)
	var counts []int64
	for _, c := range w.rec.calls {
		counts = append(counts, c.Records)
	}
	if !slices.Equal(counts, []int64{2, 1}) {
		t.Fatalf("deletion records of %v records, want [2 1]", counts)
	}
}

func TestRunSkipsRemovedCollection(t *testing.T) {
	w := newWorld(t)
	old := now.AddDate(-3, 0, 0)
	w.addRecords("customers", memRecord{"rec_1", "sub_a", old, old})
	w.store.rules = []Rule{
		rule(t, Rule{ID: "gone", Collection: "tickets", Anchor: AnchorCreated, Keep: Keep{1, "days"}}),
		rule(t, Rule{ID: "gone-fields", Collection: "tickets", Fields: []string{"body"}, Anchor: AnchorCreated, Keep: Keep{1, "days"}}),
		rule(t, Rule{ID: "r", Collection: "customers", Anchor: AnchorCreated, Keep: Keep{1, "years"}}),
	}
	rep := w.run(t, false)
	for _, c := range w.store.expired {
		if c.Collection != "customers" {
			t.Fatalf("scanned removed collection: %+v", c)
		}
	}
	if rep.Deleted != 1 || rep.ItemCount != 1 {
		t.Fatalf("report %+v", rep)
	}
}

func TestRunErrors(t *testing.T) {
	boom := errors.New("database down")
	tests := []struct {
		name string
		prep func(*world)
		code string
		is   error
		rule string // the error names the rule
	}{
		{"unknown field", func(w *world) {
			w.store.rules = []Rule{{ID: "r1", Collection: "customers", Fields: []string{"email", "shoe_size"}, Anchor: AnchorCreated, Keep: Keep{1, "years"}, Action: ActionDelete}}
		}, "unknown_field", nil, "r1"},
		{"vault failure", func(w *world) { w.vault.colErr = boom }, "", boom, "r1"},
		{"scan failure", func(w *world) { w.store.fail["ExpiredRecords"] = boom }, "", boom, "r1"},
		{"delete failure", func(w *world) { w.store.fail["DeleteExpired"] = boom }, "", boom, "r1"},
		{"rules unreadable", func(w *world) { w.store.fail["ListRetentionRules"] = boom }, "", boom, ""},
		{"holds unreadable", func(w *world) { w.store.fail["ListHolds"] = boom }, "", boom, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			old := now.AddDate(-3, 0, 0)
			w.addRecords("customers", memRecord{"rec_1", "sub_a", old, old})
			w.store.rules = []Rule{rule(t, Rule{ID: "r1", Collection: "customers", Anchor: AnchorCreated, Keep: Keep{1, "years"}})}
			tc.prep(w)
			_, err := w.eng.Run(context.Background(), false, "dpo")
			if err == nil {
				t.Fatal("Run succeeded")
			}
			if tc.code != "" && (apperr.CodeOf(err) != tc.code || apperr.KindOf(err) != apperr.Invalid) {
				t.Fatalf("error %v, want invalid %s", err, tc.code)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Fatalf("error %v does not wrap %v", err, tc.is)
			}
			if tc.rule != "" && !strings.HasPrefix(err.Error(), "rule "+tc.rule+": ") {
				t.Fatalf("error %q does not name rule %s", err, tc.rule)
			}
			if tc.code != "" && len(w.store.records["customers"]) != 1 {
				t.Fatal("a failing rule deleted records")
			}
		})
	}
}

func TestRunReportsConflicts(t *testing.T) {
	w := newWorld(t)
	w.store.rules = []Rule{
		rule(t, Rule{ID: "short", Collection: "customers", Anchor: AnchorCreated, Keep: Keep{1, "years"}}),
		rule(t, Rule{ID: "long", Collection: "customers", Anchor: AnchorCreated, Keep: Keep{7, "years"}}),
	}
	rep := w.run(t, false)
	if !slices.Equal(rep.Overridden, []string{"short"}) || len(rep.Conflicts) != 1 || !strings.Contains(rep.Conflicts[0], "the longer, long, applies") {
		t.Fatalf("overridden %v conflicts %v", rep.Overridden, rep.Conflicts)
	}
	if want := []expiredCall{{"customers", false, now.AddDate(-7, 0, 0), "", 1000}}; !reflect.DeepEqual(w.store.expired, want) {
		t.Fatalf("scans %+v: the overridden rule ran", w.store.expired)
	}
}

func TestRunItemsCapped(t *testing.T) {
	w := newWorld(t)
	old := now.AddDate(-3, 0, 0)
	for i := range MaxItems + 5 {
		w.addRecords("customers", memRecord{fmt.Sprintf("rec_%05d", i), "sub_a", old, old})
	}
	w.store.holds = []Hold{{ID: "h", Collection: "metrics"}}
	w.store.rules = []Rule{rule(t, Rule{ID: "r", Collection: "customers", Anchor: AnchorCreated, Keep: Keep{1, "years"}})}
	rep := w.run(t, false)
	if rep.ItemCount != MaxItems+5 || len(rep.Items) != MaxItems || rep.Deleted != MaxItems+5 {
		t.Fatalf("items %d listed %d deleted %d", rep.ItemCount, len(rep.Items), rep.Deleted)
	}
}

// TestRunAnonymiseWithoutIdentifyingFields: anonymising must never delete
// whole records, even in a collection with nothing identifying to drop.
func TestRunAnonymiseWithoutIdentifyingFields(t *testing.T) {
	w := newWorld(t)
	old := now.AddDate(-3, 0, 0)
	w.addRecords("metrics", memRecord{"rec_1", "sub_a", old, old})
	w.store.rules = []Rule{rule(t, Rule{ID: "anon", Collection: "metrics", Anchor: AnchorCreated, Keep: Keep{1, "years"}, Action: ActionAnonymise})}
	rep := w.run(t, false)
	if len(w.store.deletes) != 0 || rep.Deleted != 0 || len(w.store.records["metrics"]) != 1 {
		t.Fatalf("anonymisation deleted records: %+v, report %+v", w.store.deletes, rep)
	}
}

// TestRunIdleAnonymiseOverridesNothing: an anonymise rule with nothing
// identifying to drop changes nothing, so it must not win a conflict
// against a shorter delete rule (which kept the records for ever); the
// report says why it was not applied.
func TestRunIdleAnonymiseOverridesNothing(t *testing.T) {
	w := newWorld(t)
	old := now.AddDate(-4, 0, 0)
	w.addRecords("metrics", memRecord{"rec_1", "sub_a", old, old})
	w.store.rules = []Rule{
		rule(t, Rule{ID: "del", Collection: "metrics", Anchor: AnchorCreated, Keep: Keep{3, "years"}}),
		rule(t, Rule{ID: "anon", Collection: "metrics", Anchor: AnchorCreated, Keep: Keep{5, "years"}, Action: ActionAnonymise}),
	}
	rep := w.run(t, false)
	if rep.Deleted != 1 || len(w.store.records["metrics"]) != 0 {
		t.Errorf("the delete rule did not apply: deleted %d, %d records left", rep.Deleted, len(w.store.records["metrics"]))
	}
	if len(rep.Overridden) != 0 || len(rep.Conflicts) != 1 || !strings.Contains(rep.Conflicts[0], "rule anon anonymises metrics, which holds no identifying field") {
		t.Errorf("overridden %v, conflicts %q", rep.Overridden, rep.Conflicts)
	}
}

// TestRunEmptyReportLists: the report's lists are JSON arrays, never null.
func TestRunEmptyReportLists(t *testing.T) {
	w := newWorld(t)
	w.store.rules = []Rule{rule(t, Rule{ID: "r", Collection: "customers", Anchor: AnchorCreated, Keep: Keep{1, "years"}})}
	js, err := json.Marshal(w.run(t, true))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"items":[]`, `"held":[]`, `"conflicts":[]`, `"overridden_rules":[]`} {
		if !strings.Contains(string(js), k) {
			t.Errorf("report lacks %s: %s", k, js)
		}
	}
}

// TestRunZeroBatch: a zero Batch must not loop or panic.
func TestRunZeroBatch(t *testing.T) {
	w := newWorld(t)
	w.eng.Batch = 0
	old := now.AddDate(-3, 0, 0)
	w.addRecords("customers", memRecord{"rec_1", "sub_a", old, old})
	w.store.rules = []Rule{rule(t, Rule{ID: "r", Collection: "customers", Anchor: AnchorCreated, Keep: Keep{1, "years"}})}
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("Run panicked: %v", p)
		}
	}()
	if rep := w.run(t, false); rep.Deleted != 1 {
		t.Fatalf("deleted %d, want 1", rep.Deleted)
	}
}

// TestRunIsExclusive: while one run applies rules, another in the same
// process, or one whose database lock another process holds, is refused
// with ErrRunning and changes nothing; a dry run still answers.
func TestRunIsExclusive(t *testing.T) {
	w := mixedWorld(t)
	entered, leave := make(chan struct{}), make(chan struct{})
	w.eng.Lock = func(ctx context.Context) (func(), bool, error) {
		close(entered)
		<-leave
		return func() {}, true, nil
	}
	done := make(chan error, 1)
	go func() {
		_, err := w.eng.Run(context.Background(), false, "dpo")
		done <- err
	}()
	select {
	case <-entered:
	case err := <-done:
		t.Fatalf("a run applied rules without taking the job lock (err %v)", err)
	}
	if _, err := w.eng.Run(context.Background(), false, "dpo"); !errors.Is(err, ErrRunning) {
		t.Fatalf("a second run while one applies rules: err %v, want ErrRunning", err)
	}
	if rep := w.run(t, true); rep.ItemCount == 0 {
		t.Fatal("a dry run during a run found nothing to plan")
	}
	close(leave)
	if err := <-done; err != nil {
		t.Fatalf("first run: %v", err)
	}
	if len(w.store.deletes) != 1 {
		t.Fatalf("deletes %v, want the first run's one", w.store.deletes)
	}

	// Another process holds the database's job lock.
	w2 := mixedWorld(t)
	w2.eng.Lock = func(context.Context) (func(), bool, error) { return nil, false, nil }
	if _, err := w2.eng.Run(context.Background(), false, "dpo"); !errors.Is(err, ErrRunning) {
		t.Fatalf("run while another process holds the lock: err %v, want ErrRunning", err)
	}
	if len(w2.store.deletes) != 0 || len(w2.vault.drops) != 0 {
		t.Fatal("a refused run changed data")
	}
	// The process lock was given back: once the other process is done, a run goes ahead.
	w2.eng.Lock = func(context.Context) (func(), bool, error) { return func() {}, true, nil }
	if rep := w2.run(t, false); rep.Deleted != 1 {
		t.Fatalf("run after the lock was freed: %+v", rep)
	}
}

// TestZeroPeriodReasonNamesTheTime: a rule that keeps nothing cuts off at
// the run's instant, and its reason says so to the second: a day alone
// read "created before <today>" for records made today (QA).
func TestZeroPeriodReasonNamesTheTime(t *testing.T) {
	w := newWorld(t)
	made := now.Add(-time.Hour)
	w.addRecords("metrics", memRecord{"rec_m1", "sub_a", made, made})
	w.store.rules = []Rule{rule(t, Rule{ID: "now", Collection: "metrics", Anchor: AnchorCreated, Keep: Keep{0, "days"}})}
	rep := w.run(t, true)
	if len(rep.Items) != 1 || rep.Items[0].Reason != "created before 2025-06-15 12:00:00 UTC (kept 0 days)" {
		t.Fatalf("items %+v", rep.Items)
	}
}
