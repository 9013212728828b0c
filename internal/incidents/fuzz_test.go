package incidents

import (
	"bytes"
	"testing"
	"time"

	"custodia/internal/apperr"
)

// FuzzLoad feeds arbitrary bytes to Load, seeded with the embedded rules
// and small variants.
//
// Properties: no panic; a refusal is an Invalid (or TooLarge) apperr; an
// accepted table's rules all validate and each computes clocks whose due
// time is not before their start, for counts on both sides of its
// condition.
func FuzzLoad(f *testing.F) {
	f.Add(breachYAML)
	f.Add([]byte(minimalRules))
	f.Add([]byte("version: 1\nregimes: {VN: [Vietnam]}\nrules:\n  - {regime: VN, recipient: a, to: x, audience: authority, start: aware, period: {unit: immediate}, source: s}\n" +
		"  - {regime: VN, recipient: b, to: y, audience: individuals, start: after, after: a, period: {n: 3, unit: business_days}, calendar: VN, when: {min_affected: 2, below_affected: 9, high_risk: true}, source: s}\n"))
	f.Add([]byte("version: 1\nrules:\n  - {regime: HIPAA, recipient: log, to: HHS, audience: authority, start: year_end, period: {n: 60, unit: calendar_days}, source: s}\n"))
	f.Add([]byte("version: 1\nrules: [{regime: GDPR}]\n"))
	start := time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src []byte) {
		tab, err := Load(bytes.NewReader(src), nil)
		if err != nil {
			if k := apperr.KindOf(err); k != apperr.Invalid && k != apperr.TooLarge {
				t.Fatalf("refusal %v is not Invalid or TooLarge", err)
			}
			return
		}
		affected := map[string]int{}
		for _, r := range tab.Rules() {
			if err := r.validate(); err != nil {
				t.Fatalf("accepted rule does not validate: %v", err)
			}
			affected[r.Regime] = 0
		}
		for _, n := range []int{0, 1, 499, 500, 501, 100000} {
			for r := range affected {
				affected[r] = n
			}
			cs, err := tab.Clocks(Facts{DetectedAt: start, AwareAt: start.Add(time.Hour), Affected: affected, HighRisk: n%2 == 1})
			if err != nil {
				t.Fatalf("clocks for %d: %v", n, err)
			}
			for _, c := range cs {
				if c.DueAt.Before(c.StartAt) {
					t.Fatalf("%s %s: due %v before start %v", c.Regime, c.Recipient, c.DueAt, c.StartAt)
				}
			}
		}
	})
}
