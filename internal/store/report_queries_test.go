package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"custodia/internal/audit"
	"custodia/internal/consent"
)

// TestReportConsentGaps: the compliance report counts the consents in
// force (a subject and purpose whose latest event is a grant) whose grant
// lacks its evidence. Repeated grants count once; a later grant with its
// evidence, or a withdrawal, closes the gap; a gap recorded after a good
// grant opens one.
func TestReportConsentGaps(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		n := 0
		event := func(subject, purpose, action string, evidence bool) {
			t.Helper()
			n++
			now := time.Now().UTC()
			ev := consent.Event{ID: fmt.Sprintf("cev_test_%d", n), SubjectID: subject, Purpose: purpose, Action: action, Channel: "web",
				At: now, RecordedAt: now, RecordedBy: "test"}
			if evidence {
				ev.Method, ev.NoticeVersion, ev.CollectedBy = "checkbox", "v1", "signup-form"
			}
			if _, err := e.db.AppendConsent(ctx, ev, "", nil); err != nil {
				t.Fatalf("append %s %s %s: %v", subject, purpose, action, err)
			}
		}
		want := func(step string, w int) {
			t.Helper()
			if got, err := e.db.ConsentGaps(ctx); err != nil || got != w {
				t.Errorf("%s: %d gaps (%v), want %d", step, got, err, w)
			}
		}
		want("empty ledger", 0)
		event("sub_a", "marketing", consent.Grant, false)
		want("one grant without evidence", 1)
		event("sub_a", "marketing", consent.Grant, false)
		want("the same consent granted again without evidence", 1)
		event("sub_a", "support", consent.Grant, false)
		event("sub_b", "marketing", consent.Grant, false)
		want("three consents without evidence", 3)
		event("sub_a", "marketing", consent.Grant, true)
		want("one regranted with evidence", 2)
		event("sub_a", "support", consent.Withdraw, false)
		want("one withdrawn", 1)
		event("sub_c", "marketing", consent.Grant, true)
		want("a grant with evidence", 1)
		event("sub_c", "marketing", consent.Grant, false)
		want("a good grant followed by one without evidence", 2)
		event("sub_b", "marketing", consent.Withdraw, false)
		event("sub_c", "marketing", consent.Grant, true)
		want("all fixed", 0)
	})
}

// TestReportAuditTimes: the report's key age comes from when the audit log
// began (its first entry by sequence) and the latest successful rotation.
func TestReportAuditTimes(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		appendAt := func(at time.Time, action, outcome string) {
			t.Helper()
			if err := e.db.AppendAudit(ctx, &audit.Entry{At: at, Actor: "test", Action: action, Outcome: outcome}); err != nil {
				t.Fatal(err)
			}
		}
		if _, last, err := e.db.AuditTimes(ctx, "keys.rotate"); err != nil || !last.IsZero() {
			t.Fatalf("never rotated: last %v, %v", last, err)
		}
		appendAt(now.Add(-100*24*time.Hour), "keys.rotate", audit.OutcomeOK)
		appendAt(now.Add(-time.Hour), "keys.rotate", audit.OutcomeError)     // failed: not a rotation
		appendAt(now.Add(-200*24*time.Hour), "keys.rotate", audit.OutcomeOK) // older, recorded later
		appendAt(now.Add(-time.Minute), "keys.status", audit.OutcomeOK)
		head, err := e.db.ListAudit(ctx, 0, 1)
		if err != nil || len(head) != 1 {
			t.Fatalf("first entry: %v %v", head, err)
		}
		first, last, err := e.db.AuditTimes(ctx, "keys.rotate")
		if err != nil {
			t.Fatal(err)
		}
		if !first.Equal(head[0].At) {
			t.Errorf("first %v, want the first entry's time %v", first, head[0].At)
		}
		if want := now.Add(-100 * 24 * time.Hour); !last.Equal(want) {
			t.Errorf("last rotation %v, want the latest successful one %v", last, want)
		}
		mustVerify(t, e)
	})
}
