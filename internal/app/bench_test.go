package app_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite" // raw filler rows

	"custodia/internal/app"
	"custodia/internal/dsr"
	"custodia/internal/retention"
	"custodia/internal/testutil"
	"custodia/internal/vault"
)

// Benchmarks for the request and retention targets, in process (no HTTP).
// Run: go test ./internal/app/ -run '^$' -bench . -benchtime 5x

func benchApp(b *testing.B) *testutil.Server {
	b.Helper()
	s := testutil.MustServe(b, app.Config{RetentionEvery: -1})
	ctx := context.Background()
	for _, sc := range []string{testutil.CustomersSchema, `{"name":"events","kind":"data","fields":[
	  {"name":"what","type":"text","category":"user.behavior.purchase_history","purposes":["support"]},
	  {"name":"amount","type":"number","category":"user.financial","purposes":["support"]}]}`} {
		var c vault.Collection
		if err := json.Unmarshal([]byte(sc), &c); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Vault.PutCollection(ctx, &c, true); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// subjectWith creates a customer with n event records, concurrently so the
// group commit batches them.
func subjectWith(b *testing.B, s *testutil.Server, n int) string {
	b.Helper()
	ctx := context.Background()
	out, err := s.Vault.Create(ctx, "customers", "support", vault.Input{Data: map[string]any{"email": fmt.Sprintf("bench.%d@example.com", time.Now().UnixNano())}})
	if err != nil {
		b.Fatal(err)
	}
	parallel(b, n, func(i int) error {
		_, err := s.Vault.Create(ctx, "events", "support", vault.Input{Subject: out.Subject, Data: map[string]any{"what": "purchase", "amount": i}})
		return err
	})
	return out.Subject
}

func parallel(b *testing.B, n int, fn func(i int) error) {
	b.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	next := make(chan int)
	for range 64 {
		wg.Go(func() {
			for i := range next {
				if err := fn(i); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
}

// BenchmarkErase compares erasing a subject with 1 and with 10,000 records.
func BenchmarkErase(b *testing.B) {
	for _, n := range []int{1, 10000} {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			s := benchApp(b)
			subjects := make([]string, b.N)
			for i := range b.N {
				subjects[i] = subjectWith(b, s, n-1)
			}
			b.ResetTimer()
			for i := range b.N {
				if _, err := s.Vault.Erase(context.Background(), subjects[i], "erasure"); err != nil {
					b.Fatal(err)
				}
				// The background purge of the unreadable rows is not part of
				// the erasure; let it finish before the next one.
				b.StopTimer()
				if _, err := s.DB.PurgeErased(context.Background()); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

// BenchmarkRetentionRun measures expired records deleted per second.
func BenchmarkRetentionRun(b *testing.B) {
	const perRun = 20000
	s := benchApp(b)
	ctx := context.Background()
	if err := s.DB.PutRetentionRule(ctx, retention.Rule{ID: "ret_bench", Collection: "events", Fields: []string{}, Anchor: retention.AnchorCreated,
		Keep: retention.Keep{N: 0, Unit: "days"}, Action: retention.ActionDelete, CreatedBy: "bench", CreatedAt: time.Now()}, nil); err != nil {
		b.Fatal(err)
	}
	s.Retention.Now = func() time.Time { return time.Now().Add(time.Hour) }
	var deleted int64
	var spent time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		for range perRun / 1000 {
			subjectWith(b, s, 999)
		}
		b.StartTimer()
		t0 := time.Now()
		rep, err := s.Retention.Run(ctx, false, "bench")
		if err != nil {
			b.Fatal(err)
		}
		spent += time.Since(t0)
		deleted += rep.Deleted
	}
	b.ReportMetric(float64(deleted)/spent.Seconds(), "records/s")
}

// BenchmarkAccessPackage builds one subject's access package in a vault
// holding fillerRecords other records.
func BenchmarkAccessPackage(b *testing.B) {
	const fillerRecords = 1000000
	s := benchApp(b)
	ctx := context.Background()
	sub := subjectWith(b, s, 20)
	addFiller(b, s, fillerRecords)
	b.ResetTimer()
	for range b.N {
		d, err := s.ExportSubject(ctx, sub)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := dsr.BuildPackage(d); err != nil {
			b.Fatal(err)
		}
	}
}

// addFiller inserts n records of another subject straight into the SQLite
// file: sealed bytes that are never read, to give the tables their size.
func addFiller(b *testing.B, s *testutil.Server, n int) {
	b.Helper()
	db, err := sql.Open("sqlite", s.DB.Path()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UnixMicro()
	if _, err := tx.Exec("INSERT INTO subjects (id, created_at) VALUES ('sub_filler', ?)", now); err != nil {
		b.Fatal(err)
	}
	st, err := tx.Prepare("INSERT INTO records (id, collection, subject_id, sealed, idx, version, created_at, updated_at) VALUES (?, 'events', 'sub_filler', ?, X'', 1, ?, ?)")
	if err != nil {
		b.Fatal(err)
	}
	sealed := make([]byte, 200)
	for i := range n {
		if _, err := st.Exec(fmt.Sprintf("rec_filler%09d", i), sealed, now, now); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
