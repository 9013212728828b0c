package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"custodia/internal/audit"
	"custodia/internal/store"
)

// Benchmarks run on the embedded SQLite engine, the default, through the
// vault service (validation, sealing, blind index, group commit, audit).
// Run: go test ./internal/store/ -run '^$' -bench . -benchtime 20000x -cpu 2

var benchSeq atomic.Int64

func BenchmarkCreateParallel(b *testing.B) {
	e := mustEnvB(b)
	b.SetParallelism(16) // 32 goroutines on 2 CPUs, like 32 clients
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.vault.Create(context.Background(), "customers", "support", customer(int(benchSeq.Add(1)))); err != nil {
				b.Error(err)
			}
		}
	})
}

func BenchmarkLookupByEmailParallel(b *testing.B) {
	e := mustEnvB(b)
	const n = 5000
	for i := range n {
		mustCreate(b, e.vault, customer(i))
	}
	b.SetParallelism(16)
	b.ResetTimer()
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(7919)) % n
			recs, err := e.vault.Lookup(context.Background(), "customers", "email", fmt.Sprintf("person.%d@example.com", i), "support")
			if err != nil || len(recs) != 1 {
				b.Errorf("lookup %d: %v %d", i, err, len(recs))
			}
			// A read is audited before its answer leaves: include it.
			if err := e.db.AppendAudit(context.Background(), &audit.Entry{Actor: "bench", Action: "record.search", Subject: "ps_x"}); err != nil {
				b.Error(err)
			}
		}
	})
}

func BenchmarkAuditAppendParallel(b *testing.B) {
	e := mustEnvB(b)
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := e.db.AppendAudit(context.Background(), &audit.Entry{Actor: "bench", Action: "record.read", Subject: "ps_x", Purpose: "support"}); err != nil {
				b.Error(err)
			}
		}
	})
}

func mustEnvB(b *testing.B) *env {
	b.Helper()
	e := mustEnv(b, store.SQLite)
	mustCollections(b, e.vault)
	return e
}
