package store_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"custodia/internal/audit"
	"custodia/internal/store"
)

// appendSubjects appends n audit entries naming subjects ps_0 … ps_6 in
// turn, through db, and returns the sequence numbers each subject got. It
// reports a failure with t.Errorf, so it may run on another goroutine.
func appendSubjects(t *testing.T, db *store.DB, n int, actor string) map[string][]int64 {
	t.Helper()
	got := map[string][]int64{}
	for start := 0; start < n; start += 500 {
		var batch []*audit.Entry
		for i := start; i < min(n, start+500); i++ {
			batch = append(batch, &audit.Entry{Actor: actor, Action: "record.read", Purpose: "support",
				Subject: fmt.Sprintf("ps_%d", i%7)})
		}
		if err := db.AppendAudit(context.Background(), batch...); err != nil {
			t.Errorf("append: %v", err)
			return nil
		}
		for _, e := range batch {
			got[e.Subject] = append(got[e.Subject], e.Seq)
		}
	}
	for _, s := range got {
		slices.Sort(s)
	}
	return got
}

// checkSubjects asserts that every way of asking for a subject's audit
// entries finds exactly want's, whether the writer has indexed them yet
// or not.
func checkSubjects(t *testing.T, db *store.DB, want map[string][]int64) {
	t.Helper()
	ctx := context.Background()
	for subject, seqs := range want {
		all, err := db.SubjectAudit(ctx, subject, 100000)
		if err != nil {
			t.Fatalf("subject audit: %v", err)
		}
		if got := entrySeqs(all); !slices.Equal(got, seqs) {
			t.Fatalf("SubjectAudit(%s): %d entries %v…, want %d", subject, len(got), got[:min(5, len(got))], len(seqs))
		}
		found, err := db.FindAudit(ctx, store.AuditFilter{Subject: subject, Action: "record.read", Limit: 100000})
		if err != nil {
			t.Fatalf("find audit: %v", err)
		}
		if got := entrySeqs(found); !slices.Equal(got, seqs) {
			t.Fatalf("FindAudit(subject %s): %d entries, want %d", subject, len(got), len(seqs))
		}
		newest, err := db.FindAudit(ctx, store.AuditFilter{Subject: subject, Newest: true, Limit: 3})
		if err != nil {
			t.Fatalf("find audit: %v", err)
		}
		last := slices.Clone(seqs[len(seqs)-3:])
		slices.Reverse(last)
		if got := entrySeqs(newest); !slices.Equal(got, last) {
			t.Fatalf("newest of %s: %v, want %v", subject, got, last)
		}
	}
}

func entrySeqs(es []audit.Entry) []int64 {
	out := []int64{}
	for _, e := range es {
		out = append(out, e.Seq)
	}
	return out
}

// indexedThrough reads how far the writer has indexed the log by subject.
func indexedThrough(t *testing.T, e *env) int64 {
	t.Helper()
	var n int64
	if err := e.raw.QueryRow("SELECT through FROM audit_subject_indexed WHERE id = 1").Scan(&n); err != nil {
		t.Fatalf("read index position: %v", err)
	}
	return n
}

// TestSubjectAuditIndex: audit entries by subject are found in full, in
// order, both those the writer has indexed in bulk and the tail it has not
// yet; a restore builds the index again from the restored log.
func TestSubjectAuditIndex(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		want := appendSubjects(t, e.db, 9000, "token:a")
		if t.Failed() {
			t.FailNow()
		}
		through := indexedThrough(t, e)
		if through == 0 || through >= 9000 {
			t.Fatalf("indexed through %d of 9000: want some indexed and a tail not yet", through)
		}
		checkSubjects(t, e.db, want)

		var buf bytes.Buffer
		if _, err := e.db.Backup(ctx, &buf, "k1", false); err != nil {
			t.Fatalf("backup: %v", err)
		}
		fresh := e.peer(t)
		if _, err := fresh.db.Restore(ctx, bytes.NewReader(buf.Bytes()), "k1", false, nil); err != nil {
			t.Fatalf("restore: %v", err)
		}
		if got := indexedThrough(t, fresh); got < 9000 {
			t.Fatalf("after restore indexed through %d, want the whole log", got)
		}
		checkSubjects(t, fresh.db, want)
	})
}

// TestSubjectAuditIndexTwoServers: two servers appending to one PostgreSQL
// database index the log by subject between them without losing or
// doubling an entry.
func TestSubjectAuditIndexTwoServers(t *testing.T) {
	e := mustEnv(t, store.Postgres)
	other := e.open(t, store.Config{DataDir: t.TempDir(), DatabaseURL: e.url, AuditKey: e.keys.Derived().AuditChain})
	var wg sync.WaitGroup
	var a, b map[string][]int64
	wg.Go(func() { a = appendSubjects(t, e.db, 6000, "token:a") })
	wg.Go(func() { b = appendSubjects(t, other, 6000, "token:b") })
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	want := map[string][]int64{}
	for s := range a {
		want[s] = append(slices.Clone(a[s]), b[s]...)
		slices.Sort(want[s])
	}
	if through := indexedThrough(t, e); through < 8192 {
		t.Fatalf("indexed through %d of 12000", through)
	}
	checkSubjects(t, e.db, want)
	checkSubjects(t, other, want)
}
