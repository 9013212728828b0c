package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/datamap"
	"custodia/internal/scan"
	"custodia/internal/scans"
)

// TestScansStoreAndMerge: a reported scan keeps its summary and errors;
// locations added later merge with those stored (counts add up, the
// highest confidence stays); only the reporter may add; pages and
// categories span all locations.
func TestScansStoreAndMerge(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		loc := func(path, col string, ent scan.Entity, cat string, n int, conf float64) scans.Location {
			return scans.Location{Path: path, Column: col, Entity: ent, Category: cat, Count: n, MaxConfidence: conf}
		}
		sc := scans.Scan{ID: "scn_1", Source: "laptop-7", Roots: []string{"/exports"}, StartedAt: now.Add(-time.Minute), FinishedAt: now,
			Summary:    scans.Summary{Files: 2, Bytes: 300, Findings: 5, ByEntity: map[scan.Entity]int{scan.EmailAddress: 3, scan.PhoneNumber: 2}},
			Errors:     []scans.FileError{{Path: "old.zip", Error: "encrypted entry: not read"}},
			ReportedBy: "tok_dpo", CreatedAt: now,
			Locations: []scans.Location{loc("a.csv", "email", scan.EmailAddress, "user.contact.email", 3, 0.9)}}
		if err := e.db.PutScan(ctx, sc, nil, nil, &audit.Entry{Actor: "tok_dpo", Action: "scan.report"}); err != nil {
			t.Fatal(err)
		}
		more := []scans.Location{loc("a.csv", "email", scan.EmailAddress, "user.contact.email", 2, 0.99), loc("b.txt", "", scan.PhoneNumber, "user.contact.phone_number", 2, 0.8)}
		if _, err := e.db.AddScanLocations(ctx, "scn_1", "tok_other", more, &audit.Entry{Actor: "tok_other", Action: "scan.locations.add"}); apperr.CodeOf(err) != "not_your_scan" {
			t.Fatalf("another caller added locations: %v", err)
		}
		n, err := e.db.AddScanLocations(ctx, "scn_1", "tok_dpo", more, &audit.Entry{Actor: "tok_dpo", Action: "scan.locations.add"})
		if err != nil || n != 2 {
			t.Fatalf("add: %d %v", n, err)
		}
		if _, err := e.db.AddScanLocations(ctx, "scn_missing", "tok_dpo", more, &audit.Entry{Actor: "tok_dpo", Action: "scan.locations.add"}); apperr.CodeOf(err) != "scan_not_found" {
			t.Fatalf("missing scan: %v", err)
		}
		got, total, err := e.db.GetScan(ctx, "scn_1", 0, 1)
		if err != nil || total != 2 || len(got.Locations) != 1 {
			t.Fatalf("get: %v total %d locations %v", err, total, got.Locations)
		}
		if l := got.Locations[0]; l.Count != 5 || l.MaxConfidence != 0.99 || l.Path != "a.csv" {
			t.Errorf("merged location %+v", l)
		}
		if got.Categories["user.contact.email"] != 5 || got.Categories["user.contact.phone_number"] != 2 {
			t.Errorf("categories %v", got.Categories)
		}
		if got.Summary.ByEntity[scan.EmailAddress] != 3 || len(got.Errors) != 1 || !got.StartedAt.Equal(sc.StartedAt) || got.Source != "laptop-7" {
			t.Errorf("scan %+v", got)
		}
		page2, _, err := e.db.GetScan(ctx, "scn_1", 1, 10)
		if err != nil || len(page2.Locations) != 1 || page2.Locations[0].Path != "b.txt" {
			t.Errorf("page 2: %v %v", err, page2.Locations)
		}
		list, err := e.db.ListScans(ctx, 10)
		if err != nil || len(list) != 1 || list[0].ID != "scn_1" || list[0].Locations != nil {
			t.Errorf("list: %v %+v", err, list)
		}
	})
}

// TestConcurrentScanProposals: scans proposing a system of the same name
// at once store one system; every other one is told system_exists and
// nothing else. The writer batches them together, and runs a batch again
// when one of its operations fails, so this also proves PutScan can run
// twice without linking a system twice.
func TestConcurrentScanProposals(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		const sides = 8
		for round := range 20 {
			errs := make(chan error, sides)
			for side := range sides {
				go func() {
					id := fmt.Sprintf("scn_%d_%d", round, side)
					sc := scans.Scan{ID: id, Source: "nas", Roots: []string{"/share"}, StartedAt: now, FinishedAt: now, Errors: []scans.FileError{}, ReportedBy: "tok_dpo", CreatedAt: now}
					sys := datamap.System{ID: "sys_" + id, Name: fmt.Sprintf("share %d", round), Kind: "file_share", Status: datamap.StatusProposed, CreatedAt: now, UpdatedAt: now}
					errs <- e.db.PutScan(ctx, sc, nil, &sys, &audit.Entry{Actor: "tok_dpo", Action: "scan.report"})
				}()
			}
			won := 0
			for range sides {
				switch err := <-errs; {
				case err == nil:
					won++
				case apperr.CodeOf(err) != "system_exists":
					t.Fatalf("round %d: a losing proposal failed with %v", round, err)
				}
			}
			if won != 1 {
				t.Fatalf("round %d: %d proposals stored, want 1", round, won)
			}
		}
	})
}
