package store_test

import (
	"context"
	"testing"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/consent"
	"custodia/internal/vault"
)

// TestUpdateWithGrant: a consent grant given with a record's update
// commits in the update's transaction: a failed update leaves no grant, a
// successful one records it, and a withdrawal after the grant's evidence
// keeps it out (Superseded) and refuses the update that rests on it, as
// an import on the consent basis needs.
func TestUpdateWithGrant(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		a := mustCreate(t, e.vault, customer(1))
		b := mustCreate(t, e.vault, customer(2))
		history := func(subject string) []consent.Event {
			t.Helper()
			h, err := e.db.ConsentHistory(ctx, subject)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		const notice = "Đồng ý nhận tin khuyến mãi."

		// The update fails (another record holds the e-mail): no grant.
		g := &vault.RecordGrant{Event: consentEvent(a.Subject, "marketing", consent.Grant, notice), NoticeText: notice}
		_, err := e.vault.Patch(ctx, "customers", a.ID, "support", vault.Input{Data: map[string]any{"email": customer(2).Data["email"]}, Grant: g})
		if apperr.CodeOf(err) != "duplicate_value" {
			t.Fatalf("patch to a taken e-mail: %v", err)
		}
		if h := history(a.Subject); len(h) != 0 {
			t.Fatalf("a failed update left consent events: %+v", h)
		}

		// It succeeds: the grant is in the ledger.
		if _, err := e.vault.Patch(ctx, "customers", a.ID, "support", vault.Input{Data: map[string]any{"name": "Nguyễn Văn Một"}, Grant: g}); err != nil {
			t.Fatal(err)
		}
		if h := history(a.Subject); len(h) != 1 || h[0].ID != g.Event.ID || h[0].Action != consent.Grant || g.Superseded {
			t.Fatalf("after the update: %+v (superseded %v)", h, g.Superseded)
		}

		// b withdrew after the evidence was collected: the grant stays out.
		first := consentEvent(b.Subject, "marketing", consent.Grant, notice)
		first.At = first.At.Add(-72 * time.Hour)
		mustAppendConsent(t, e.db, first, notice)
		w := consentEvent(b.Subject, "marketing", consent.Withdraw, "")
		mustAppendConsent(t, e.db, w, "")
		old := consentEvent(b.Subject, "marketing", consent.Grant, notice)
		old.At = w.At.Add(-48 * time.Hour)
		gb := &vault.RecordGrant{Event: old, NoticeText: notice}
		if _, err := e.vault.Patch(ctx, "customers", b.ID, "support", vault.Input{Data: map[string]any{"name": "Nguyễn Văn Hai"}, Grant: gb}); apperr.CodeOf(err) != "no_consent" {
			t.Fatalf("an update resting on a superseded grant: %v, want no_consent", err)
		}
		if h := history(b.Subject); len(h) != 2 || h[1].Action != consent.Withdraw || !gb.Superseded {
			t.Fatalf("a grant older than the withdrawal: %+v (superseded %v)", h, gb.Superseded)
		}
		if got, err := e.vault.Get(ctx, "customers", b.ID, "support"); err != nil || got.Data["name"] == "Nguyễn Văn Hai" {
			t.Fatalf("the refused update changed the record: %v %v", got.Data["name"], err)
		}

		// A grant for another subject is refused with the update.
		other := &vault.RecordGrant{Event: consentEvent(b.Subject, "marketing", consent.Grant, notice), NoticeText: notice}
		if _, err := e.vault.Patch(ctx, "customers", a.ID, "support", vault.Input{Data: map[string]any{"name": "x"}, Grant: other}); err == nil {
			t.Fatal("a grant naming another subject was stored with the update")
		}
		if h := history(b.Subject); len(h) != 2 {
			t.Fatalf("the refused grant reached the ledger: %+v", h)
		}
	})
}
