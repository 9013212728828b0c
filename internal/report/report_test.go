package report

import (
	"strings"
	"testing"
	"time"

	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/datamap"
	"custodia/internal/processors"
	"custodia/internal/retention"
	"custodia/internal/vault"
)

// good are facts on which every item passes.
func good(now time.Time) Facts {
	later := now.Add(24 * time.Hour)
	return Facts{
		Systems:     []datamap.System{{Name: "CRM", Status: datamap.StatusOfficial, Categories: []datamap.Category{{Category: "user.name"}}}},
		Collections: []*vault.Collection{{Name: "customers", Fields: []vault.Field{{Name: "email", Purposes: []string{"support"}}}}},
		Purposes:    []string{"support"},
		People: []Person{{User: auth.User{Email: "a@x", Role: "dpo", MFAEnabled: true}, MFARequired: true,
			TrainingRequired: true, Training: []auth.TrainingRecord{{ExpiresAt: &later}}}},
		Processors:   []processors.Processor{{Vendor: "V", Service: "S", Problems: []processors.Problem{}}},
		Rules:        []retention.Rule{{Collection: "customers"}},
		Audit:        audit.Report{OK: true, Checked: 10, HeadSeq: 10},
		LastRotation: now.Add(-30 * 24 * time.Hour),
	}
}

// TestEveryItemPassesAndFails: each item passes on good facts and fails
// when the one fact it checks goes wrong, the others still passing.
func TestEveryItemPassesAndFails(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	r := Score(good(now), now)
	if r.Passed != r.Total || r.Score != 100 {
		t.Fatalf("good facts: %d of %d pass: %s", r.Passed, r.Total, r.Failing())
	}
	past := now.Add(-time.Hour)
	breaks := map[string]func(*Facts){
		"systems_mapped":   func(f *Facts) { f.Systems[0].Status = datamap.StatusProposed },
		"field_purposes":   func(f *Facts) { f.Collections[0].Fields[0].Purposes = []string{"unregistered"} },
		"consent_evidence": func(f *Facts) { f.ConsentGaps = 2 },
		"users_mfa":        func(f *Facts) { f.People[0].User.MFAEnabled = false },
		"training":         func(f *Facts) { f.People[0].Training[0].ExpiresAt = &past },
		"processor_dpas": func(f *Facts) {
			f.Processors[0].Problems = []processors.Problem{{Kind: "dpa_missing"}}
		},
		"overdue_requests": func(f *Facts) { f.OverdueOpen = 1 },
		"retention_rules":  func(f *Facts) { f.Rules = nil },
		"audit_chain":      func(f *Facts) { f.Audit = audit.Report{OK: false, BrokenAt: 7, Reason: "hash mismatch"} },
		"key_rotation":     func(f *Facts) { f.LastRotation = now.AddDate(-2, 0, 0) },
		"incident_clocks":  func(f *Facts) { f.OverdueClocks = []string{"inc_1: GDPR supervisory authority"} },
	}
	if len(breaks) != r.Total {
		t.Fatalf("%d items, %d broken in this test", r.Total, len(breaks))
	}
	for id, brk := range breaks {
		f := good(now)
		brk(&f)
		r := Score(f, now)
		if r.Failing() != id || r.Passed != r.Total-1 {
			t.Errorf("breaking %s fails %q", id, r.Failing())
		}
		for _, it := range r.Items {
			if it.ID == id && (len(it.Evidence) == 0 || it.Fix == "" || !strings.HasPrefix(it.Link, "/console/")) {
				t.Errorf("%s fails without evidence, a fix or a console link: %+v", id, it)
			}
		}
	}
	// A key never rotated counts from installation.
	f := good(now)
	f.LastRotation, f.Installed = time.Time{}, now.AddDate(-2, 0, 0)
	if Score(f, now).Failing() != "key_rotation" {
		t.Error("a two-year-old key that was never rotated passes")
	}
	f.Installed = now.AddDate(0, -1, 0)
	if Score(f, now).Failing() != "" {
		t.Error("a month-old installation fails key rotation")
	}
	// Disabled people do not count.
	f = good(now)
	f.People[0].User.MFAEnabled = false
	f.People[0].User.DisabledAt = &past
	if Score(f, now).Failing() != "" {
		t.Error("a disabled person without MFA fails the report")
	}
	// An empty map fails.
	f = good(now)
	f.Systems = nil
	if Score(f, now).Failing() != "systems_mapped" {
		t.Error("a map of only the vault passes")
	}
}

// TestOverdueCountsRequests: the overdue item counts the requests past a
// deadline, not its lines of evidence (a summary line and each request).
func TestOverdueCountsRequests(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	f := good(now)
	f.OverdueOpen, f.OverdueIDs = 1, []string{"req_1 due 2026-11-20"}
	for _, it := range Score(f, now).Items {
		if it.ID == "overdue_requests" && it.Detail != "1 open requests past a legal deadline" {
			t.Errorf("detail %q", it.Detail)
		}
	}
}
