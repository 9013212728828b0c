package store_test

import (
	"context"
	"slices"
	"testing"

	"custodia/internal/store"
	"custodia/internal/vault"
)

// TestSubjectRecordCounts: a subject's records are counted per
// collection, in name order, without anything else's; an unknown
// subject has none.
func TestSubjectRecordCounts(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		a := mustCreate(t, e.vault, customer(1))
		mustCreate(t, e.vault, customer(2))
		for _, n := range []string{"called about an invoice", "called again"} {
			if _, err := e.vault.Create(ctx, "notes", "support", vault.Input{Subject: a.Subject, Data: map[string]any{"note": n}}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := e.db.SubjectRecordCounts(ctx, a.Subject)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.CollectionCount{{Collection: "customers", Records: 1}, {Collection: "notes", Records: 2}}
		if !slices.Equal(got, want) {
			t.Errorf("counts %v, want %v", got, want)
		}
		if got, err := e.db.SubjectRecordCounts(ctx, "sub_nobody"); err != nil || len(got) != 0 {
			t.Errorf("unknown subject: %v, %v", got, err)
		}
	})
}
