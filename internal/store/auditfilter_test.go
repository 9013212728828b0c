package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"custodia/internal/audit"
	"custodia/internal/store"
)

// TestFindAudit: every filter of FindAudit narrows the entries to those
// matching it, alone and together, on every engine.
func TestFindAudit(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		entries := []audit.Entry{
			{Actor: "token:a", Action: "record.read", Purpose: "support", Subject: "ps_1", Outcome: "ok", Status: 200},
			{Actor: "token:b", Action: "record.read", Purpose: "marketing", Subject: "ps_2", Outcome: "denied", Status: 403},
			{Actor: "token:a", Action: "subject.find", Subject: "ps_2", Outcome: "ok", Status: 200},
			{Actor: "user:u1", Action: "audit.read", Outcome: "invalid", Status: 400},
			{Actor: "token:a", Action: "record.read", Purpose: "support", Subject: "ps_1", Outcome: "ok", Status: 200},
		}
		for i := range entries {
			entries[i].At = base.Add(time.Duration(i) * time.Hour)
			if err := e.db.AppendAudit(ctx, &entries[i]); err != nil {
				t.Fatalf("append: %v", err)
			}
		}
		seqs := func(f store.AuditFilter) []int64 {
			t.Helper()
			if f.Limit == 0 {
				f.Limit = 100
			}
			got, err := e.db.FindAudit(ctx, f)
			if err != nil {
				t.Fatalf("find %+v: %v", f, err)
			}
			out := []int64{}
			for _, g := range got {
				out = append(out, g.Seq)
			}
			return out
		}
		for _, c := range []struct {
			name string
			f    store.AuditFilter
			want []int64
		}{
			{"none", store.AuditFilter{}, []int64{1, 2, 3, 4, 5}},
			{"actor", store.AuditFilter{Actor: "token:a"}, []int64{1, 3, 5}},
			{"action", store.AuditFilter{Action: "record.read"}, []int64{1, 2, 5}},
			{"purpose", store.AuditFilter{Purpose: "marketing"}, []int64{2}},
			{"outcome", store.AuditFilter{Outcome: "ok"}, []int64{1, 3, 5}},
			{"subject", store.AuditFilter{Subject: "ps_2"}, []int64{2, 3}},
			{"since", store.AuditFilter{Since: base.Add(3 * time.Hour)}, []int64{4, 5}},
			{"until", store.AuditFilter{Until: base.Add(time.Hour)}, []int64{1}},
			{"window", store.AuditFilter{Since: base.Add(time.Hour), Until: base.Add(3 * time.Hour)}, []int64{2, 3}},
			{"after and limit", store.AuditFilter{After: 1, Limit: 2}, []int64{2, 3}},
			{"all together", store.AuditFilter{Actor: "token:a", Action: "record.read", Purpose: "support", Outcome: "ok", Subject: "ps_1",
				Since: base, Until: base.Add(5 * time.Hour), After: 1}, []int64{5}},
			{"no match", store.AuditFilter{Actor: "token:a' OR '1'='1"}, []int64{}},
			{"newest first", store.AuditFilter{Newest: true, Limit: 2}, []int64{5, 4}},
			{"newest before", store.AuditFilter{Newest: true, Before: 4, Limit: 2}, []int64{3, 2}},
			{"newest of an actor", store.AuditFilter{Newest: true, Actor: "token:a"}, []int64{5, 3, 1}},
			{"before, oldest first", store.AuditFilter{Before: 3}, []int64{1, 2}},
		} {
			if got := seqs(c.f); !slices.Equal(got, c.want) {
				t.Errorf("%s: seqs %v, want %v", c.name, got, c.want)
			}
		}
	})
}
