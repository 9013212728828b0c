package store_test

import (
	"context"
	"sync"
	"testing"

	"custodia/internal/apperr"
	"custodia/internal/vault"
)

func TestCollections(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		if _, err := e.vault.PutCollection(ctx, mustCollection(t, customers), true); apperr.CodeOf(err) != "collection_exists" {
			t.Fatalf("second create: got %v, want collection_exists", err)
		}
		next := mustCollection(t, customers)
		next.Fields = append(next.Fields, vault.Field{Name: "birth_date", Type: "date", Category: "user.demographic.date_of_birth", Purposes: []string{"support"}})
		if created, err := e.vault.PutCollection(ctx, next, false); err != nil || created {
			t.Fatalf("compatible update: created=%v err=%v", created, err)
		}
		bad := mustCollection(t, customers)
		bad.Fields[1].Type = "text"
		if _, err := e.vault.PutCollection(ctx, bad, false); apperr.CodeOf(err) != "schema_incompatible" {
			t.Fatalf("incompatible update: got %v", err)
		}
		cs, err := e.vault.Collections(ctx)
		if err != nil || len(cs) != 2 || cs[0].Name != "customers" || len(cs[0].Fields) != 5 || cs[0].Version != 2 {
			t.Fatalf("list: %+v err=%v", cs, err)
		}
	})
}

func TestRecordLifecycle(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		a := mustCreate(t, e.vault, customer(1))
		b := mustCreate(t, e.vault, vault.Input{Data: map[string]any{"email": "Other@Example.com", "phone": "+84910000001"}})

		got, err := e.vault.Get(ctx, "customers", a.ID, "support")
		if err != nil || got.Data["email"] != "person.1@example.com" || got.Data["name"] != "Nguyễn Văn 1" || got.Subject != a.Subject {
			t.Fatalf("get: %+v err=%v", got, err)
		}
		// Blind index: normalised lookups, unique and non-unique.
		recs, err := e.vault.Lookup(ctx, "customers", "email", "OTHER@example.COM", "support")
		if err != nil || len(recs) != 1 || recs[0].ID != b.ID {
			t.Fatalf("lookup email: %+v err=%v", recs, err)
		}
		recs, err = e.vault.Lookup(ctx, "customers", "phone", "+84910000001", "support")
		if err != nil || len(recs) != 2 {
			t.Fatalf("lookup shared phone: want 2 records, got %d err=%v", len(recs), err)
		}
		// A data record joins an existing subject.
		if _, err := e.vault.Create(ctx, "notes", "support", vault.Input{Subject: a.Subject, Data: map[string]any{"note": "called about an invoice"}}); err != nil {
			t.Fatalf("data record: %v", err)
		}
		if _, err := e.vault.Create(ctx, "notes", "support", vault.Input{Subject: "sub_missing", Data: map[string]any{"note": "x"}}); apperr.CodeOf(err) != "subject_not_found" {
			t.Fatalf("data record for unknown subject: %v", err)
		}
		// Patch moves the unique index entry.
		if _, err := e.vault.Patch(ctx, "customers", a.ID, "support", vault.Input{Data: map[string]any{"email": "moved@example.com", "address": nil}}); err != nil {
			t.Fatalf("patch: %v", err)
		}
		if recs, _ := e.vault.Lookup(ctx, "customers", "email", "person.1@example.com", "support"); len(recs) != 0 {
			t.Fatalf("old email still indexed")
		}
		got, _ = e.vault.Get(ctx, "customers", a.ID, "support")
		if got.Data["email"] != "moved@example.com" || got.Data["address"] != nil || got.Version != 2 {
			t.Fatalf("after patch: %+v", got)
		}
		if _, err := e.vault.Patch(ctx, "customers", a.ID, "support", vault.Input{Data: map[string]any{"email": "other@example.com"}}); apperr.CodeOf(err) != "duplicate_value" {
			t.Fatalf("patch to a taken email: %v", err)
		}
		// Paging lists every record once.
		// Paging lists every record once; the cursor is given only while
		// another page follows.
		page1, next1, _ := e.vault.ListPage(ctx, "customers", "support", "", 1)
		page2, next2, _ := e.vault.ListPage(ctx, "customers", "support", next1, 10)
		if len(page1) != 1 || len(page2) != 1 || page1[0].ID == page2[0].ID || next1 != page1[0].ID || next2 != "" {
			t.Fatalf("paging: %d %d, cursors %q %q", len(page1), len(page2), next1, next2)
		}
		if _, next, _ := e.vault.ListPage(ctx, "customers", "support", "", 2); next != "" {
			t.Fatalf("a full last page has a cursor %q", next)
		}
		if err := e.vault.Delete(ctx, "customers", b.ID, "support"); err != nil {
			t.Fatalf("delete: %v", err)
		}
		if _, err := e.vault.Get(ctx, "customers", b.ID, "support"); !apperr.IsNotFound(err) {
			t.Fatalf("get deleted: %v", err)
		}
		if recs, _ := e.vault.Lookup(ctx, "customers", "phone", "+84910000001", "support"); len(recs) != 1 {
			t.Fatalf("deleted record still indexed: %d", len(recs))
		}
	})
}

func TestUniqueUnderConcurrency(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		mustCollections(t, e.vault)
		const n = 24
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				_, errs[i] = e.vault.Create(context.Background(), "customers", "support", vault.Input{Data: map[string]any{"email": "same@example.com"}})
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case apperr.CodeOf(err) != "duplicate_value":
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d creates of one unique value succeeded, want 1", ok)
		}
	})
}

// TestGroupCommitIsolation: under heavy concurrency every write commits,
// failing operations in a batch undo only themselves, and SQLite never
// reports "database is locked".
func TestGroupCommitIsolation(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		mustCollections(t, e.vault)
		const workers, each = 64, 20
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failures []error
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					n := w*each + i
					if _, err := e.vault.Create(context.Background(), "customers", "support", customer(n)); err != nil {
						mu.Lock()
						failures = append(failures, err)
						mu.Unlock()
					}
					// Every worker also tries a duplicate, which must fail alone.
					if _, err := e.vault.Create(context.Background(), "customers", "support", customer(n)); apperr.CodeOf(err) != "duplicate_value" {
						mu.Lock()
						failures = append(failures, err)
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		for _, err := range failures {
			t.Errorf("write failed: %v", err)
		}
		var count int
		if err := e.raw.QueryRow("SELECT COUNT(*) FROM records").Scan(&count); err != nil || count != workers*each {
			t.Fatalf("records = %d (err %v), want %d", count, err, workers*each)
		}
		for _, n := range []int{0, workers*each - 1} {
			recs, err := e.vault.Lookup(context.Background(), "customers", "email", customer(n).Data["email"].(string), "support")
			if err != nil || len(recs) != 1 {
				t.Fatalf("lookup %d: %v %d", n, err, len(recs))
			}
		}
		mustVerify(t, e)
	})
}

func TestErasure(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		a := mustCreate(t, e.vault, customer(1))
		keep := mustCreate(t, e.vault, customer(2))
		if _, err := e.vault.Create(ctx, "notes", "support", vault.Input{Subject: a.Subject, Data: map[string]any{"note": "n"}}); err != nil {
			t.Fatal(err)
		}
		rc, err := e.vault.Erase(ctx, a.Subject, "erasure")
		if err != nil || rc.Purge != "queued" || !rc.KeyDestroyed || rc.SubjectPseudonym == "" {
			t.Fatalf("erase: %+v %v", rc, err)
		}
		if _, err := e.vault.Get(ctx, "customers", a.ID, "support"); !apperr.IsNotFound(err) {
			t.Fatalf("erased record readable: %v", err)
		}
		if recs, _ := e.vault.Lookup(ctx, "customers", "email", "person.1@example.com", "support"); len(recs) != 0 {
			t.Fatal("erased record still indexed")
		}
		var keysLeft int
		if err := e.raw.QueryRow(rebind(e, "SELECT COUNT(*) FROM custodia_keys.subject_keys WHERE subject_id = ?"), a.Subject).Scan(&keysLeft); err != nil || keysLeft != 0 {
			t.Fatalf("key of erased subject: %d %v", keysLeft, err)
		}
		// The unreadable rows go in the background purge; run it to the end.
		if _, err := e.db.PurgeErased(ctx); err != nil {
			t.Fatal(err)
		}
		var rowsLeft int
		if err := e.raw.QueryRow(rebind(e, "SELECT (SELECT COUNT(*) FROM records WHERE subject_id = ?) + (SELECT COUNT(*) FROM subjects WHERE id = ?) + (SELECT COUNT(*) FROM purge_queue)"), a.Subject, a.Subject).Scan(&rowsLeft); err != nil || rowsLeft != 0 {
			t.Fatalf("rows of the erased subject after the purge: %d %v", rowsLeft, err)
		}
		dels, err := e.db.ListDeletions(ctx, "erasure", "", 10)
		if err != nil || len(dels) != 1 || dels[0].RecordsDeleted != 2 || len(dels[0].Collections) != 2 || dels[0].SubjectPseudonym != rc.SubjectPseudonym {
			t.Fatalf("deletion record after the purge: %+v %v", dels, err)
		}
		var indexLeft int
		if err := e.raw.QueryRow("SELECT (SELECT COUNT(*) FROM blind_index) + (SELECT COUNT(*) FROM blind_unique)").Scan(&indexLeft); err != nil || indexLeft != 2 {
			t.Fatalf("index entries left: %d (want the other subject's 2) %v", indexLeft, err)
		}
		if _, err := e.vault.Get(ctx, "customers", keep.ID, "support"); err != nil {
			t.Fatalf("other subject: %v", err)
		}
		if _, err := e.vault.Erase(ctx, a.Subject, "erasure"); apperr.CodeOf(err) != "subject_not_found" {
			t.Fatalf("second erase: %v", err)
		}
	})
}

func rebind(e *env, q string) string {
	if e.engine != "postgres" {
		return q
	}
	out, n := []byte{}, 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			out = append(out, []byte("$"+string(rune('0'+n)))...)
			continue
		}
		out = append(out, q[i])
	}
	return string(out)
}
