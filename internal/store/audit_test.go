package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"custodia/internal/audit"
	"custodia/internal/keys"
	"custodia/internal/store"
)

func mustVerify(t *testing.T, e *env) audit.Report {
	t.Helper()
	rep, err := audit.Verify(context.Background(), e.keys.Derived().AuditChain, e.db)
	if err != nil || !rep.OK {
		t.Fatalf("audit chain: %+v %v", rep, err)
	}
	return rep
}

func TestAuditChain(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		for i := range 5 {
			mustCreate(t, e.vault, customer(i))
		}
		rep := mustVerify(t, e)
		if rep.Checked != 7 { // two collections, five records
			t.Fatalf("checked %d entries, want 7", rep.Checked)
		}
		page, err := e.db.ListAudit(ctx, 2, 3)
		if err != nil || len(page) != 3 || page[0].Seq != 3 || page[0].Action != "record.create" || page[0].Subject == "" {
			t.Fatalf("page: %+v %v", page, err)
		}

		// Alter an entry: the chain breaks there.
		mustExec(t, e, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 4")
		if rep, _ := audit.Verify(ctx, e.keys.Derived().AuditChain, e.db); rep.OK || rep.BrokenAt != 4 {
			t.Fatalf("altered entry: %+v", rep)
		}
		mustExec(t, e, "UPDATE audit_log SET actor = 'system' WHERE seq = 4")
		mustVerify(t, e)

		// Remove an entry: the gap is found.
		mustExec(t, e, "DELETE FROM audit_log WHERE seq = 5")
		if rep, _ := audit.Verify(ctx, e.keys.Derived().AuditChain, e.db); rep.OK || rep.BrokenAt != 5 {
			t.Fatalf("deleted entry: %+v", rep)
		}
	})
}

func TestAuditTruncationDetected(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		mustCollections(t, e.vault)
		mustCreate(t, e.vault, customer(1))
		mustExec(t, e, "DELETE FROM audit_log WHERE seq = 3")
		rep, _ := audit.Verify(context.Background(), e.keys.Derived().AuditChain, e.db)
		if rep.OK || rep.BrokenAt != 3 {
			t.Fatalf("truncated tail: %+v", rep)
		}
	})
}

// TestAuditTruncationWithHeadMovedBack: deleting the newest entries and
// moving the head back to the entry before them, as someone with write
// access to the database but not the key file could, is detected: the
// head is sealed with the audit key.
func TestAuditTruncationWithHeadMovedBack(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		mustCollections(t, e.vault)
		for i := range 3 {
			mustCreate(t, e.vault, customer(i))
		}
		mustVerify(t, e)
		var seq int64
		var hash []byte
		if err := e.raw.QueryRow("SELECT seq, hash FROM audit_log WHERE seq = 3").Scan(&seq, &hash); err != nil {
			t.Fatal(err)
		}
		mustExec(t, e, "DELETE FROM audit_log WHERE seq > 3")
		if _, err := e.raw.Exec(rebind(e, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1"), seq, hash); err != nil {
			t.Fatal(err)
		}
		rep, err := audit.Verify(context.Background(), e.keys.Derived().AuditChain, e.db)
		if err != nil || rep.OK {
			t.Fatalf("truncation with the head moved back: %+v %v", rep, err)
		}
		// Dropping the seal does not help either.
		mustExec(t, e, "UPDATE audit_head SET mac = NULL WHERE id = 1")
		if rep, _ := audit.Verify(context.Background(), e.keys.Derived().AuditChain, e.db); rep.OK {
			t.Fatalf("truncation with the seal removed: %+v", rep)
		}
		// Nor does writing on: the writer records the unsealed head in the
		// chain before extending it, and verification reports that entry.
		mustCreate(t, e.vault, customer(9))
		rep, err = audit.Verify(context.Background(), e.keys.Derived().AuditChain, e.db)
		if err != nil || rep.OK || rep.BrokenAt != 4 || !strings.Contains(rep.Reason, "without a valid seal") {
			t.Fatalf("writing on after the truncation: %+v %v", rep, err)
		}
		// The report names both where the intact part ends and the head the
		// database records (QA: only the former was shown, as head_seq).
		var recorded int64
		if err := e.raw.QueryRow("SELECT seq FROM audit_head WHERE id = 1").Scan(&recorded); err != nil {
			t.Fatal(err)
		}
		if rep.HeadSeq != 3 || rep.RecordedHeadSeq != recorded || recorded <= 4 {
			t.Fatalf("head_seq %d, recorded_head_seq %d, want 3 and %d", rep.HeadSeq, rep.RecordedHeadSeq, recorded)
		}
	})
}

// TestAuditWipedLogDetected empties the log and resets the head to that of
// a new database, without its seal: verification reports it, and so does
// the first entry written afterwards.
func TestAuditWipedLogDetected(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		mustCollections(t, e.vault)
		mustCreate(t, e.vault, customer(1))
		mustVerify(t, e)
		mustExec(t, e, "DELETE FROM audit_log")
		if _, err := e.raw.Exec(rebind(e, "UPDATE audit_head SET seq = 0, hash = ?, mac = NULL WHERE id = 1"), audit.GenesisHash); err != nil {
			t.Fatal(err)
		}
		if rep, _ := audit.Verify(context.Background(), e.keys.Derived().AuditChain, e.db); rep.OK {
			t.Fatalf("wiped log: %+v", rep)
		}
		mustCreate(t, e.vault, customer(2))
		rep, err := audit.Verify(context.Background(), e.keys.Derived().AuditChain, e.db)
		if err != nil || rep.OK || rep.BrokenAt != 1 {
			t.Fatalf("writing on after the wipe: %+v %v", rep, err)
		}
		var action string
		if err := e.raw.QueryRow("SELECT action FROM audit_log WHERE seq = 1").Scan(&action); err != nil || action != audit.ActionHeadInvalid {
			t.Fatalf("first entry after the wipe: %q %v", action, err)
		}
	})
}

func mustExec(t *testing.T, e *env, q string) {
	t.Helper()
	if _, err := e.raw.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestForeignKeyFileRefused: a database opened with another key file's
// audit key (a missing key file replaced by a new one, or the wrong
// --key-file) is refused before anything is written, so the chain stays
// intact for the right key file; a head moved back over deleted entries
// is still opened and recorded as tampering.
func TestForeignKeyFileRefused(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		mustCreate(t, e.vault, customer(1))
		other, err := keys.NewRandomSecret(32)
		if err != nil {
			t.Fatal(err)
		}
		cfg := store.Config{DataDir: e.dir, DatabaseURL: e.url, AuditKey: other}
		if db, err := store.Open(ctx, cfg); !errors.Is(err, store.ErrForeignKeyFile) {
			if db != nil {
				db.Close()
			}
			t.Fatalf("open with another key file: %v, want ErrForeignKeyFile", err)
		}
		mustVerify(t, e)

		// An empty chain sealed with this key file is not another's either.
		fresh := e.peer(t)
		if db, err := store.Open(ctx, store.Config{DataDir: fresh.dir, DatabaseURL: fresh.url, AuditKey: other}); !errors.Is(err, store.ErrForeignKeyFile) {
			if db != nil {
				db.Close()
			}
			t.Fatalf("open an empty database with another key file: %v", err)
		}
	})
}

// TestAuditHeadDeletedDetected deletes the chain head's record:
// verification reports the chain broken rather than failing to run, and a
// server opening the database starts, puts the head back unsealed and
// records the tampering in the chain before writing on (QA: it refused to
// start, and verify exited as if it could not run).
func TestAuditHeadDeletedDetected(t *testing.T) {
	for _, drop := range []string{"DELETE FROM audit_head", "DROP TABLE audit_head"} {
		t.Run(strings.Fields(drop)[0], func(t *testing.T) { auditHeadDeleted(t, drop) })
	}
}

func auditHeadDeleted(t *testing.T, drop string) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		mustCreate(t, e.vault, customer(1))
		mustVerify(t, e)
		mustExec(t, e, drop)
		rep, err := audit.Verify(ctx, e.keys.Derived().AuditChain, e.db)
		if err != nil || rep.OK || !strings.Contains(rep.Reason, "head is missing") {
			t.Fatalf("verify without a head: %+v %v", rep, err)
		}
		db, err := store.Open(ctx, store.Config{DataDir: e.dir, DatabaseURL: e.url, AuditKey: e.keys.Derived().AuditChain})
		if err != nil {
			t.Fatalf("open without a head: %v", err)
		}
		defer db.Close()
		if err := db.AppendAudit(ctx, &audit.Entry{Actor: "test", Action: "test.write"}); err != nil {
			t.Fatal(err)
		}
		rep, err = audit.Verify(ctx, e.keys.Derived().AuditChain, db)
		if err != nil || rep.OK || !strings.Contains(rep.Reason, "without a valid seal") {
			t.Fatalf("writing on after the head was deleted: %+v %v", rep, err)
		}
	})
}
