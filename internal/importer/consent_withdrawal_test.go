package importer_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"custodia/internal/consent"
	"custodia/internal/importer"
	"custodia/internal/vault"
)

// consentJob is a marketing import on the consent basis with evidence
// collected from..to.
func consentJob(id string, from, to time.Time, onDup importer.OnDuplicate) importer.Job {
	ev := &importer.ConsentEvidence{Channel: "zalo", NoticeVersion: "zalo-" + id, NoticeText: "Đồng ý nhận tin khuyến mãi qua Zalo (" + id + ").",
		CollectedBy: "sales team", From: from, To: to}
	return importer.Job{ID: id, Collection: "customers", Purpose: "marketing", Source: "Zalo OA export", LegalBasis: "consent",
		Consent: ev, OnDuplicate: onDup}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// withdraw records a withdrawal of marketing consent as
// POST /v1/subjects/{s}/consents does, at the given time (zero: now).
func (e *env) withdraw(t *testing.T, subject string, at time.Time) {
	t.Helper()
	_, err := e.ledger.Record(context.Background(), subject, consent.Request{Purpose: "marketing", Action: consent.Withdraw,
		Method: "unsubscribe link", NoticeVersion: "v1", Channel: "email", CollectedBy: "mailer", At: at}, "dpo", "", nil)
	if err != nil {
		t.Fatalf("withdraw: %v", err)
	}
}

// consentActive is the state the access decision reads (the latest event
// of the purpose, by ledger order).
func (e *env) consentActive(t *testing.T, subject string) bool {
	t.Helper()
	ok, err := e.db.ConsentActive(context.Background(), subject, "marketing")
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestStaleEvidenceDoesNotReviveConsent: a person imported on consent
// withdraws; a later import whose evidence is older than the withdrawal
// neither appends a grant nor changes their record (the row is rejected
// no_consent, as a PATCH without consent is), so the withdrawal stays the
// ledger's current state. Evidence newer than a withdrawal (one recorded
// with an earlier time) is a new grant, and the update goes through.
func TestStaleEvidenceDoesNotReviveConsent(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		res := e.mustRun(t, consentJob("first", day(2025, 3, 1), day(2025, 3, 31), importer.Skip), importer.Table(dupHeader, [][]string{
			{"Minh Trần", "0912000061", "minh@example.com"},
			{"Thu Trang", "0912000062", "trang@example.com"},
		}))
		if res.Created != 2 {
			t.Fatalf("first import: %+v", res)
		}
		minh := e.lookup(t, "email", "minh@example.com")[0].Subject
		trang := e.lookup(t, "email", "trang@example.com")[0].Subject
		e.withdraw(t, minh, time.Time{})      // now
		e.withdraw(t, trang, day(2025, 6, 1)) // recorded with the time she asked
		if e.consentActive(t, minh) || e.consentActive(t, trang) {
			t.Fatal("consent active after the withdrawals")
		}

		// Evidence of January 2023, imported with --on-duplicate update.
		res = e.mustRun(t, consentJob("stale", day(2023, 1, 1), day(2023, 1, 31), importer.Update), importer.Table(dupHeader, [][]string{
			{"Minh Trần Văn", "0912000061", "minh@example.com"},
			{"Thu Trang Ng", "0912000062", "trang@example.com"},
		}))
		if res.Updated != 0 || res.Rejected != 2 || res.Status != importer.StatusCompleted {
			t.Fatalf("stale import (want 2 rejected): %+v", res)
		}
		for _, rj := range res.Rejects {
			if rj.Code != "no_consent" {
				t.Errorf("stale import: reject %+v, want no_consent", rj)
			}
		}
		for _, sub := range []string{minh, trang} {
			if e.consentActive(t, sub) {
				t.Errorf("%s: evidence of 2023 revived consent withdrawn later", sub)
			}
			proof, err := e.ledger.Proof(ctx, sub)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range proof.History {
				if ev.RequestID == "stale" {
					t.Errorf("%s: stale grant appended: %+v", sub, ev)
				}
			}
		}
		if got := e.lookup(t, "email", "minh@example.com")[0].Data["name"]; got != "Minh Trần" {
			t.Errorf("the record of a person who withdrew was changed: name %v", got)
		}

		// Evidence of December 2025: newer than Trang's withdrawal (June
		// 2025), older than Minh's (now).
		res = e.mustRun(t, consentJob("newer", day(2025, 12, 1), day(2025, 12, 31), importer.Update), importer.Table(dupHeader, [][]string{
			{"Minh Trần Ba", "0912000061", "minh@example.com"},
			{"Thu Trang Ng", "0912000062", "trang@example.com"},
		}))
		if res.Updated != 1 || res.Rejected != 1 || res.Rejects[0].Code != "no_consent" {
			t.Fatalf("newer import (want Trang updated, Minh rejected): %+v", res)
		}
		if minhName, trangName := e.lookup(t, "email", "minh@example.com")[0].Data["name"], e.lookup(t, "email", "trang@example.com")[0].Data["name"]; minhName != "Minh Trần" || trangName != "Thu Trang Ng" {
			t.Errorf("after the newer import: Minh %v (want unchanged), Trang %v (want updated)", minhName, trangName)
		}
		if e.consentActive(t, minh) {
			t.Error("Minh: evidence older than his withdrawal revived consent")
		}
		if !e.consentActive(t, trang) {
			t.Error("Trang: evidence newer than her withdrawal did not grant consent")
		}

		// The ledger reports what it left out.
		req := consent.Request{Purpose: "marketing", Method: "import", NoticeVersion: "v0", NoticeText: "old notice", Channel: "paper",
			CollectedBy: "shop", At: day(2024, 1, 1)}
		skipped, err := e.ledger.GrantMany(ctx, []string{minh, trang}, req, "import", "direct")
		if err != nil || skipped != 1 {
			t.Errorf("GrantMany: %d skipped, %v; want 1 (Minh)", skipped, err)
		}
		if e.consentActive(t, minh) || !e.consentActive(t, trang) {
			t.Error("GrantMany changed the outcome")
		}
	})
}

// TestConsentRepairRespectsWithdrawal: the resume repair of an older
// version's job (records without grants) leaves out the grant of a person
// who withdrew since.
func TestConsentRepairRespectsWithdrawal(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		j := consentJob("legacy", day(2024, 5, 1), day(2024, 5, 31), importer.Skip)
		data := [][]string{{"Lan Phạm", "0912000071", "lan@example.com"}}
		c, err := e.vault.Collection(ctx, "customers")
		if err != nil {
			t.Fatal(err)
		}
		valid, err := e.vault.Validate(c, map[string]any{"name": data[0][0], "phone": data[0][1], "email": data[0][2]})
		if err != nil {
			t.Fatal(err)
		}
		created, err := e.vault.CreateMany(ctx, "customers", "marketing", []vault.BulkRow{{Values: valid, Provenance: &vault.Provenance{JobID: "legacy", Source: j.Source, RowRef: "2"}}})
		if err != nil {
			t.Fatal(err)
		}
		sub := created[0].Subject
		// She had agreed through another channel, then withdrew.
		if _, err := e.ledger.Record(ctx, sub, consent.Request{Purpose: "marketing", Action: consent.Grant, Method: "form", NoticeVersion: "w1",
			NoticeText: "web notice", Channel: "web", CollectedBy: "site", At: day(2024, 1, 1)}, "site", "", nil); err != nil {
			t.Fatal(err)
		}
		e.withdraw(t, sub, time.Time{})
		// The job as that version stored it, interrupted.
		now := time.Now().UTC()
		if _, _, err := e.db.CreateImport(ctx, importer.Import{ID: j.ID, Collection: j.Collection, Purpose: j.Purpose, Source: j.Source,
			LegalBasis: j.LegalBasis, Consent: j.Consent, OnDuplicate: importer.Skip, Status: importer.StatusInterrupted, StartedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		res := e.mustRun(t, j, importer.Table(dupHeader, data))
		if res.AlreadyImported != 1 || res.Status != importer.StatusCompleted {
			t.Fatalf("resume: %+v", res)
		}
		if e.consentActive(t, sub) {
			t.Error("the repair revived consent withdrawn after the evidence")
		}
	})
}

// TestConsentGrantsCommitWithRecords: on the consent basis a batch's new
// people and their grants are one store operation. A grant the store
// refuses undoes the records; an interrupted job leaves no imported
// person without the job's grant, before any resume.
func TestConsentGrantsCommitWithRecords(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c, err := e.vault.Collection(ctx, "customers")
		if err != nil {
			t.Fatal(err)
		}
		var rows []vault.BulkRow
		for i := range 3 {
			valid, err := e.vault.Validate(c, map[string]any{"name": "Khách", "email": fmt.Sprintf("a%d@example.com", i)})
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, vault.BulkRow{Values: valid, Provenance: &vault.Provenance{JobID: "atomic", Source: "s", RowRef: fmt.Sprint(i + 2)}})
		}
		grant, err := e.ledger.PrepareGrant(ctx, consent.Request{Purpose: "marketing", Method: "import", NoticeVersion: "n1", NoticeText: "notice",
			Channel: "zalo", CollectedBy: "sales", At: day(2025, 1, 1)}, "import", "atomic")
		if err != nil {
			t.Fatal(err)
		}
		// The third grant is not a grant: the store refuses it, and with it
		// the whole operation.
		n := 0
		bad := &vault.BulkGrant{NoticeText: "notice", Event: func(s string) consent.Event {
			ev := grant(s)
			if n++; n == 3 {
				ev.Action = consent.Withdraw
			}
			return ev
		}}
		if _, err := e.vault.CreateManyGranted(ctx, "customers", "marketing", rows, bad); err == nil {
			t.Fatal("a refused grant did not fail the bulk create")
		}
		if recs, subs := e.count(t); recs != 0 || subs != 0 {
			t.Fatalf("a refused grant left %d records of %d subjects", recs, subs)
		}
		created, err := e.vault.CreateManyGranted(ctx, "customers", "marketing", rows, &vault.BulkGrant{Event: grant, NoticeText: "notice"})
		if err != nil {
			t.Fatal(err)
		}
		for _, cr := range created {
			proof, err := e.ledger.Proof(ctx, cr.Subject)
			if err != nil || len(proof.History) != 1 || proof.History[0].RequestID != "atomic" || len(proof.Notices) != 1 || proof.Notices[0].Text != "notice" {
				t.Errorf("%s: %+v %v", cr.Subject, proof, err)
			}
		}

		// An import interrupted mid-file: every person it imported has the
		// job's grant, without a resume.
		const total = 6000
		var data [][]string
		for i := range total {
			data = append(data, []string{fmt.Sprintf("Khách %d", i), fmt.Sprintf("093%07d", i), fmt.Sprintf("c%d@example.com", i)})
		}
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		e.im.BatchSize, e.im.Writers = 200, 1
		j := consentJob("sigterm", day(2025, 2, 1), day(2025, 2, 28), importer.Skip)
		j.Progress = func(c importer.Counts) {
			if c.Created > 0 {
				cancel()
			}
		}
		res, err := e.im.Run(cctx, j, importer.Table(dupHeader, data))
		if !errors.Is(err, context.Canceled) || res.Status != importer.StatusInterrupted {
			t.Fatalf("interrupted run: %v %+v", err, res)
		}
		prov, err := e.db.JobProvenance(ctx, "sigterm")
		if err != nil || len(prov) == 0 || len(prov) >= total {
			t.Fatalf("%d rows imported before the interruption (%v)", len(prov), err)
		}
		for _, p := range prov {
			hist, err := e.db.ConsentHistory(ctx, p.SubjectID)
			if err != nil {
				t.Fatal(err)
			}
			if len(hist) != 1 || hist[0].RequestID != "sigterm" || hist[0].Action != consent.Grant {
				t.Fatalf("row %s imported without its grant: %+v", p.RowRef, hist)
			}
		}
	})
}
