package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"custodia/internal/keys"
	"custodia/internal/vault"
)

// TestRotationUnderLoad rotates the KEK while writers and readers run and
// checks nothing is lost: every record written before, during and after
// reads back, every data key ends on the new version, and the old versions
// are gone from the key file.
func TestRotationUnderLoad(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		const before = 600
		for i := range before {
			mustCreate(t, e.vault, customer(i))
		}
		oldPrimary := e.keys.Primary()

		stop := make(chan struct{})
		var wg sync.WaitGroup
		var next atomic.Int64
		next.Store(before)
		var failures atomic.Int64
		var reads atomic.Int64
		c, err := e.vault.Collection(ctx, "customers")
		if err != nil {
			t.Fatal(err)
		}
		for w := range 4 { // writers; the last one writes in bulk
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					if w < 3 {
						if _, err := e.vault.Create(ctx, "customers", "support", customer(int(next.Add(1)))); err != nil {
							failures.Add(1)
							t.Errorf("create during rotation: %v", err)
						}
						continue
					}
					// Bulk rows are wrapped before their transaction: a
					// rotation in between must not leave them on the
					// retired version.
					var rows []vault.BulkRow
					for range 20 {
						valid, err := e.vault.Validate(c, customer(int(next.Add(1))).Data)
						if err != nil {
							t.Error(err)
							return
						}
						rows = append(rows, vault.BulkRow{Values: valid})
					}
					if _, err := e.vault.CreateMany(ctx, "customers", "support", rows); err != nil {
						failures.Add(1)
						t.Errorf("bulk create during rotation: %v", err)
					}
				}
			})
		}
		for r := range 4 { // readers of records written before
			wg.Go(func() {
				for i := r; ; i = (i + 7) % before {
					select {
					case <-stop:
						return
					default:
					}
					recs, err := e.vault.Lookup(ctx, "customers", "email", fmt.Sprintf("person.%d@example.com", i), "support")
					if err != nil || len(recs) != 1 {
						failures.Add(1)
						t.Errorf("read during rotation: %v (%d records)", err, len(recs))
					}
					reads.Add(1)
				}
			})
		}
		time.Sleep(50 * time.Millisecond)
		res, err := keys.Rotate(ctx, e.keys, e.db, nil)
		time.Sleep(50 * time.Millisecond)
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatalf("rotate: %v", err)
		}
		if failures.Load() > 0 || reads.Load() == 0 {
			t.Fatalf("%d failures, %d reads during rotation", failures.Load(), reads.Load())
		}
		if res.NewVersion == oldPrimary || res.Rewrapped < before || len(res.Retired) != 1 || res.Retired[0] != oldPrimary {
			t.Fatalf("rotation result %+v (old primary %d)", res, oldPrimary)
		}
		counts, err := e.db.KeyVersionCounts(ctx)
		if err != nil || len(counts) != 1 || counts[res.NewVersion] != next.Load() {
			t.Fatalf("data keys by version: %v (want all %d on %d) %v", counts, next.Load(), res.NewVersion, err)
		}
		if v := e.keys.Versions(); len(v) != 1 || v[0].Version != res.NewVersion {
			t.Fatalf("key file versions after retirement: %+v", v)
		}
		// A fresh process with the rotated key file reads everything.
		kr2, _, err := keys.Open(e.keys.Path(), false)
		if err != nil {
			t.Fatal(err)
		}
		v2 := vault.New(e.db, kr2, vault.Options{CipherCacheSize: -1})
		for i := range next.Load() + 1 {
			if i%50 != 0 {
				continue
			}
			recs, err := v2.Lookup(ctx, "customers", "email", fmt.Sprintf("person.%d@example.com", i), "support")
			if i < before || (i > before && i <= next.Load()) {
				if err != nil || len(recs) != 1 {
					t.Fatalf("record %d after rotation: %v %d", i, err, len(recs))
				}
			}
		}
		mustVerify(t, e)
	})
}
