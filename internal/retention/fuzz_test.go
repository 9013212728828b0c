package retention

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"custodia/internal/apperr"
)

// normalizeCodes are the codes Normalize refuses a rule with.
var normalizeCodes = []string{"invalid_collection", "invalid_fields", "invalid_anchor", "anchor_field_required", "purpose_required", "invalid_keep", "invalid_action", "invalid_description"}

// FuzzRuleJSON decodes arbitrary JSON into a Rule and normalises it: it
// never panics, refuses with a known invalid-input code, and what it
// accepts is valid and unchanged by a second Normalize (also after a JSON
// round trip). The seed corpus is testdata/fuzz/FuzzRuleJSON.
func FuzzRuleJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Rule
		if json.Unmarshal(data, &r) != nil {
			return
		}
		if err := r.Normalize(); err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid || !slices.Contains(normalizeCodes, e.Code) {
				t.Fatalf("Normalize refused with %v (%T)", err, err)
			}
			return
		}
		// Accepted: valid.
		switch {
		case !name.MatchString(r.Collection):
			t.Fatalf("accepted collection %q", r.Collection)
		case r.Fields == nil || !slices.IsSorted(r.Fields) || len(slices.Compact(slices.Clone(r.Fields))) != len(r.Fields):
			t.Fatalf("accepted fields %#v are not a sorted set", r.Fields)
		case !slices.Contains(Anchors, r.Anchor):
			t.Fatalf("accepted anchor %q", r.Anchor)
		case r.Action != ActionDelete && r.Action != ActionAnonymise:
			t.Fatalf("accepted action %q", r.Action)
		case r.Keep.N < 0 || r.Keep.N > 1200:
			t.Fatalf("accepted keep %+v", r.Keep)
		case r.Anchor == AnchorConsentWithdrawn && r.Purpose == "":
			t.Fatal("accepted consent_withdrawn without purpose")
		}
		for _, fl := range r.Fields {
			if !name.MatchString(fl) {
				t.Fatalf("accepted field %q", fl)
			}
		}
		// Idempotent.
		again := r
		again.Fields = slices.Clone(r.Fields)
		if err := again.Normalize(); err != nil {
			t.Fatalf("second Normalize refused an accepted rule: %v", err)
		}
		if !reflect.DeepEqual(again, r) {
			t.Fatalf("second Normalize changed the rule:\n%+v\n%+v", r, again)
		}
		// Stable through the JSON the API stores and returns.
		js, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("marshal accepted rule: %v", err)
		}
		var back Rule
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatalf("unmarshal %s: %v", js, err)
		}
		if err := back.Normalize(); err != nil {
			t.Fatalf("the accepted rule's JSON is refused: %v\n%s", err, js)
		}
		if js2, _ := json.Marshal(back); !bytes.Equal(js, js2) {
			t.Fatalf("JSON round trip changed the rule:\n%s\n%s", js, js2)
		}
		// Its period computes, in order.
		at := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
		if b, a := r.Keep.Before(at), r.Keep.After(at); b.After(at) || a.Before(at) {
			t.Fatalf("%+v: Before %v, After %v around %v", r.Keep, b, a, at)
		}
	})
}
