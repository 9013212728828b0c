package store_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"testing"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/cleanup"
	"custodia/internal/datamap"
	"custodia/internal/exports"
	"custodia/internal/importer"
	"custodia/internal/scan"
	"custodia/internal/scans"
	"custodia/internal/store"
	"custodia/internal/vault"
	"time"
)

// TestBackupRestore: a backup with keys restores everything into a fresh
// database of the same engine, with the audit chain intact; a restore into
// a non-empty database is refused; a backup made under another key file is
// refused.
func TestBackupRestore(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		var ids []vault.Created
		for i := range 30 {
			ids = append(ids, mustCreate(t, e.vault, customer(i)))
		}
		var buf bytes.Buffer
		stats, err := e.db.Backup(ctx, &buf, "k1", true)
		if err != nil || stats.Rows["records"] != 30 || stats.Rows["custodia_keys.subject_keys"] != 30 {
			t.Fatalf("backup: %+v %v", stats, err)
		}
		if _, err := e.db.Restore(ctx, bytes.NewReader(buf.Bytes()), "k1", false, nil); apperr.CodeOf(err) != "not_empty" {
			t.Fatalf("restore into non-empty: %v", err)
		}
		if _, err := e.db.Restore(ctx, bytes.NewReader(buf.Bytes()), "other", true, nil); apperr.CodeOf(err) != "key_mismatch" {
			t.Fatalf("restore with another key file: %v", err)
		}

		fresh := e.peer(t) // a new, empty database opened with the same key file
		freshDB := fresh.db
		if _, err := freshDB.Restore(ctx, bytes.NewReader(buf.Bytes()), "k1", false, nil); err != nil {
			t.Fatalf("restore: %v", err)
		}
		v := vault.New(freshDB, e.keys, vault.Options{})
		for _, id := range []vault.Created{ids[0], ids[29]} {
			if _, err := v.Get(ctx, "customers", id.ID, "support"); err != nil {
				t.Fatalf("restored record: %v", err)
			}
		}
		if recs, err := v.Lookup(ctx, "customers", "email", "person.5@example.com", "support"); err != nil || len(recs) != 1 {
			t.Fatalf("restored index: %v", err)
		}
		mustVerify(t, fresh)
		// The restored chain continues: new entries link to the restored head.
		if _, err := v.Create(ctx, "customers", "support", customer(99)); err != nil {
			t.Fatal(err)
		}
		mustVerify(t, fresh)
	})
}

// TestRestoreWithoutKeysKeepsErasures: a data-only backup taken before an
// erasure, restored over the live database, does not bring the erased
// subject back, because its key is gone from the live key store.
func TestRestoreWithoutKeysKeepsErasures(t *testing.T) {
	e := mustEnv(t, store.SQLite)
	ctx := context.Background()
	mustCollections(t, e.vault)
	erased := mustCreate(t, e.vault, customer(1))
	kept := mustCreate(t, e.vault, customer(2))
	var buf bytes.Buffer
	if _, err := e.db.Backup(ctx, &buf, "k", false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.vault.Erase(ctx, erased.Subject, "erasure"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Restore(ctx, bytes.NewReader(buf.Bytes()), "k", true, nil); err != nil {
		t.Fatal(err)
	}
	v := vault.New(e.db, e.keys, vault.Options{CipherCacheSize: -1})
	if _, err := v.Get(ctx, "customers", erased.ID, "support"); err == nil {
		t.Fatal("erased subject came back from a data-only backup")
	}
	if _, err := v.Get(ctx, "customers", kept.ID, "support"); err != nil {
		t.Fatalf("kept subject: %v", err)
	}
}

// TestRestoreOlderBackupKeepsNewerKeys: restoring an older data-only
// backup over the live database keeps the keys of subjects created after
// it, so the newer backup, restored next, reads them: a restore never
// destroys a key the data it replaces had.
func TestRestoreOlderBackupKeepsNewerKeys(t *testing.T) {
	e := mustEnv(t, store.SQLite)
	ctx := context.Background()
	mustCollections(t, e.vault)
	alice := mustCreate(t, e.vault, customer(1))
	var older, newer bytes.Buffer
	if _, err := e.db.Backup(ctx, &older, "k", false); err != nil {
		t.Fatal(err)
	}
	carol := mustCreate(t, e.vault, customer(2))
	if _, err := e.db.Backup(ctx, &newer, "k", false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Restore(ctx, bytes.NewReader(older.Bytes()), "k", true, nil); err != nil {
		t.Fatal(err)
	}
	stats, err := e.db.Restore(ctx, bytes.NewReader(newer.Bytes()), "k", true, nil)
	if err != nil || stats.SubjectsWithoutKey != 0 {
		t.Fatalf("restore of the newer backup: %+v %v", stats, err)
	}
	v := vault.New(e.db, e.keys, vault.Options{CipherCacheSize: -1})
	for _, c := range []vault.Created{alice, carol} {
		if _, err := v.Get(ctx, "customers", c.ID, "support"); err != nil {
			t.Errorf("%s after restoring the older then the newer backup: %v", c.Subject, err)
		}
	}
}

// TestBackupGovernanceRecords: scans (with their real-valued confidences),
// the data map and the export register survive a backup and restore.
func TestBackupGovernanceRecords(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		sys := datamap.System{ID: "sys_1", Name: "Excel exports", Kind: "spreadsheet", Status: datamap.StatusShadow, Holders: []string{"an"},
			Categories: []datamap.Category{}, CreatedAt: now, UpdatedAt: now}
		if err := e.db.PutSystem(ctx, sys, &audit.Entry{Actor: "t", Action: "system.create"}); err != nil {
			t.Fatal(err)
		}
		sc := scans.Scan{ID: "scn_1", Source: "host", Roots: []string{"/x"}, StartedAt: now, FinishedAt: now, ReportedBy: "t", CreatedAt: now,
			Summary: scans.Summary{Findings: 2, ByEntity: map[scan.Entity]int{scan.EmailAddress: 2}}, Errors: []scans.FileError{},
			Locations: []scans.Location{{Path: "a.csv", Column: "email", Entity: scan.EmailAddress, Category: "user.contact.email", Count: 2, MaxConfidence: 0.97}}}
		if err := e.db.PutScan(ctx, sc, []string{"sys_1"}, nil, &audit.Entry{Actor: "t", Action: "scan.report"}); err != nil {
			t.Fatal(err)
		}
		x := exports.Export{ID: "exp_1", Kind: exports.KindCSV, Status: exports.StatusPending, Fields: []string{"email"}, Categories: []string{"user.contact.email"},
			RequestedBy: "t", Requester: "token:t", RequestedAt: now}
		if err := e.db.PutExport(ctx, x, &audit.Entry{Actor: "t", Action: "export.request"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.OpenCleanupTask(ctx, cleanup.Task{ID: "cln_1", SystemID: "sys_1", ImportID: "job-1", Title: "destroy", Assignees: []string{"an"},
			State: cleanup.StateOpen, CreatedAt: now}, &audit.Entry{Actor: "t", Action: "cleanup.task.open"}); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := e.db.Backup(ctx, &buf, "k1", false); err != nil {
			t.Fatal(err)
		}
		fresh := e.peer(t)
		if _, err := fresh.db.Restore(ctx, bytes.NewReader(buf.Bytes()), "k1", false, nil); err != nil {
			t.Fatalf("restore: %v", err)
		}
		if tk, err := fresh.db.GetCleanupTask(ctx, "cln_1"); err != nil || tk.SystemID != "sys_1" || len(tk.Assignees) != 1 || tk.State != cleanup.StateOpen {
			t.Errorf("restored clean-up task: %v %+v", err, tk)
		}
		got, _, err := fresh.db.GetScan(ctx, "scn_1", 0, 10)
		if err != nil || len(got.Locations) != 1 || got.Locations[0].MaxConfidence != 0.97 {
			t.Errorf("restored scan: %v %+v", err, got.Locations)
		}
		s, err := fresh.db.GetSystem(ctx, "sys_1")
		if err != nil || s.Status != datamap.StatusShadow || len(s.Categories) != 1 || s.Categories[0].Source != datamap.SourceScan ||
			s.Migration == nil || s.Migration.TaskID != "cln_1" {
			t.Errorf("restored system: %v %+v", err, s)
		}
		if rx, err := fresh.db.GetExport(ctx, "exp_1"); err != nil || rx.Status != exports.StatusPending {
			t.Errorf("restored export: %v %+v", err, rx)
		}
	})
}

// TestRestoreOlderBackup: a backup made before a migration added columns
// (here the imports table without its mapping and fingerprint) restores,
// the missing columns taking their defaults; a table line whose columns
// are not the table's, or lack a column that is not a later one, is
// refused.
func TestRestoreOlderBackup(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		mustCreate(t, e.vault, customer(1))
		now := time.Now().UTC()
		if _, _, err := e.db.CreateImport(ctx, importer.Import{ID: "old-job", Collection: "customers", Purpose: "support", Source: "sheet.csv",
			LegalBasis: "contract", OnDuplicate: importer.Skip, Status: importer.StatusCompleted, StartedAt: now, UpdatedAt: now,
			Fingerprint: "f1", Mapping: importer.Mapping{"Email": "email"}}); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := e.db.Backup(ctx, &buf, "k1", true); err != nil {
			t.Fatal(err)
		}
		older := dropTrailingColumns(t, buf.Bytes(), "imports", 2)
		fresh := e.peer(t)
		if _, err := fresh.db.Restore(ctx, bytes.NewReader(older), "k1", false, nil); err != nil {
			t.Fatalf("restore of a backup without the later columns: %v", err)
		}
		im, err := fresh.db.GetImport(ctx, "old-job")
		if err != nil {
			t.Fatal(err)
		}
		if im.Source != "sheet.csv" || im.Fingerprint != "" || im.Mapping != nil {
			t.Errorf("restored job %+v", im)
		}
		// Dropping a column that was there from the start is refused.
		tooShort := dropTrailingColumns(t, buf.Bytes(), "imports", 5) // updated_at too
		other := e.peer(t)
		if _, err := other.db.Restore(ctx, bytes.NewReader(tooShort), "k1", false, nil); apperr.CodeOf(err) != "invalid_backup" {
			t.Fatalf("restore without an original column: %v", err)
		}
	})
}

// dropTrailingColumns rewrites a backup as an older version would have
// written it: the table's last n columns gone from its table line and rows.
func dropTrailingColumns(t *testing.T, backup []byte, table string, n int) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(backup))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(zr)
	dec.UseNumber()
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	enc := json.NewEncoder(zw)
	in := false
	for {
		var v any
		if err := dec.Decode(&v); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		switch x := v.(type) {
		case map[string]any:
			if name, ok := x["table"].(string); ok {
				in = name == table
				if in {
					cols := x["columns"].([]any)
					x["columns"] = cols[:len(cols)-n]
				}
			}
		case []any:
			if in {
				v = x[:len(x)-n]
			}
		}
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
