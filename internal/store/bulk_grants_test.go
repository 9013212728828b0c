package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/consent"
	"custodia/internal/vault"
)

// grantEvent is an import's grant of marketing consent, collected at at.
func grantEvent(subject string, n int, at time.Time) consent.Event {
	sum := sha256.Sum256([]byte("notice"))
	return consent.Event{ID: fmt.Sprintf("cev_test_%s_%d", subject, n), SubjectID: subject, Purpose: "marketing", Action: consent.Grant,
		Method: "import", Channel: "zalo", NoticeVersion: "v1", NoticeHash: hex.EncodeToString(sum[:]), CollectedBy: "sales",
		At: at, RecordedAt: time.Now().UTC().Truncate(time.Microsecond), RecordedBy: "import", RequestID: "job"}
}

// TestAppendGrantsKeepsLaterWithdrawal: AppendGrants leaves out a grant
// whose subject's latest event for the purpose is a withdrawal at or
// after the grant's time, and counts it; a grant newer than the
// withdrawal, or for a subject without one, is appended.
func TestAppendGrantsKeepsLaterWithdrawal(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		withdrawn := mustCreate(t, e.vault, customer(1)).Subject
		fresh := mustCreate(t, e.vault, customer(2)).Subject
		day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

		if _, err := e.db.AppendConsent(ctx, grantEvent(withdrawn, 0, day(2025, 1, 1)), "notice", nil); err != nil {
			t.Fatal(err)
		}
		wd := grantEvent(withdrawn, 1, day(2025, 6, 1))
		wd.Action, wd.NoticeHash = consent.Withdraw, ""
		if _, err := e.db.AppendConsent(ctx, wd, "", nil); err != nil {
			t.Fatal(err)
		}

		skipped, err := e.db.AppendGrants(ctx, []consent.Event{
			grantEvent(withdrawn, 2, day(2023, 1, 31)), // older than the withdrawal
			grantEvent(withdrawn, 3, day(2025, 6, 1)),  // at the same time
			grantEvent(fresh, 4, day(2023, 1, 31)),     // no event before
		}, "notice")
		if err != nil || skipped != 2 {
			t.Fatalf("AppendGrants: %d skipped, %v; want 2", skipped, err)
		}
		if active, err := e.db.ConsentActive(ctx, withdrawn, "marketing"); err != nil || active {
			t.Errorf("withdrawn subject active %v (%v)", active, err)
		}
		if active, err := e.db.ConsentActive(ctx, fresh, "marketing"); err != nil || !active {
			t.Errorf("fresh subject active %v (%v)", active, err)
		}

		// Evidence collected after the withdrawal is a new grant.
		skipped, err = e.db.AppendGrants(ctx, []consent.Event{grantEvent(withdrawn, 5, day(2025, 12, 31))}, "notice")
		if err != nil || skipped != 0 {
			t.Fatalf("newer grant: %d skipped, %v", skipped, err)
		}
		if active, _ := e.db.ConsentActive(ctx, withdrawn, "marketing"); !active {
			t.Error("a grant newer than the withdrawal was left out")
		}
		hist, err := e.db.ConsentHistory(ctx, withdrawn)
		if err != nil || len(hist) != 3 {
			t.Errorf("history: %d events, %v", len(hist), err)
		}
	})
}

// TestCreateRecordsWithGrants: the grants of a bulk create commit with its
// records, and a conflict undoes both.
func TestCreateRecordsWithGrants(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		mustCreate(t, e.vault, customer(7))
		c, err := e.vault.Collection(ctx, "customers")
		if err != nil {
			t.Fatal(err)
		}
		rows := func(ids ...int) []vault.BulkRow {
			var out []vault.BulkRow
			for _, i := range ids {
				valid, err := e.vault.Validate(c, customer(i).Data)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, vault.BulkRow{Values: valid, Provenance: &vault.Provenance{JobID: "job", Source: "s", RowRef: fmt.Sprint(i)}})
			}
			return out
		}
		n := 0
		grant := &vault.BulkGrant{NoticeText: "notice", Event: func(s string) consent.Event {
			n++
			return grantEvent(s, n, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
		}}
		events := func() int {
			var k int
			if err := e.raw.QueryRow("SELECT count(*) FROM consent_events").Scan(&k); err != nil {
				t.Fatal(err)
			}
			return k
		}

		// Person 7 is stored already: the batch fails whole.
		if _, err := e.vault.CreateManyGranted(ctx, "customers", "support", rows(5, 6, 7), grant); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("conflicting batch: %v", err)
		}
		if recs, _, _ := e.db.CountRecords(ctx, "customers"); recs != 1 || events() != 0 {
			t.Fatalf("a failed batch left %d records, %d consent events", recs, events())
		}

		created, err := e.vault.CreateManyGranted(ctx, "customers", "support", rows(5, 6), grant)
		if err != nil {
			t.Fatal(err)
		}
		for _, cr := range created {
			hist, err := e.db.ConsentHistory(ctx, cr.Subject)
			if err != nil || len(hist) != 1 || hist[0].Action != consent.Grant || hist[0].RequestID != "job" {
				t.Errorf("%s: %+v %v", cr.Subject, hist, err)
			}
		}
		if events() != 2 {
			t.Errorf("%d consent events, want 2", events())
		}
	})
}
