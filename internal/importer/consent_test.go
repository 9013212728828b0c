package importer_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"custodia/internal/consent"
	"custodia/internal/importer"
	"custodia/internal/vault"
)

// TestConsentEvents: on the consent basis every imported subject gets a
// grant for the purpose with the batch's evidence, naming the job.
func TestConsentEvents(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		from := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
		to := time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)
		ev := &importer.ConsentEvidence{Channel: "zalo", NoticeVersion: "zalo-oa-2025-03", NoticeText: "Đồng ý nhận tin khuyến mãi qua Zalo.",
			CollectedBy: "sales team Hà Nội", From: from, To: to}
		j := importer.Job{ID: "zalo-march", Collection: "customers", Purpose: "marketing", Source: "Zalo OA group export", LegalBasis: "consent", Consent: ev}
		res := e.mustRun(t, j, importer.Table(dupHeader, [][]string{
			{"Lý Thu", "0912000021", "thu@example.com"},
			{"Hà Nam", "0912000022", "nam@example.com"},
		}))
		if res.Created != 2 || res.Rejected != 0 {
			t.Fatalf("%+v", res)
		}
		sum := sha256.Sum256([]byte(ev.NoticeText))
		for _, email := range []string{"thu@example.com", "nam@example.com"} {
			sub := e.lookup(t, "email", email)[0].Subject
			proof, err := e.ledger.Proof(context.Background(), sub)
			if err != nil {
				t.Fatal(err)
			}
			if len(proof.History) != 1 {
				t.Fatalf("%d events", len(proof.History))
			}
			got := proof.History[0]
			if got.Action != "grant" || got.Purpose != "marketing" || got.Channel != "zalo" || got.NoticeVersion != "zalo-oa-2025-03" ||
				got.CollectedBy != "sales team Hà Nội" || !got.At.Equal(to) || got.RequestID != "zalo-march" || got.Method != "import" ||
				got.NoticeHash != hex.EncodeToString(sum[:]) {
				t.Errorf("event %+v", got)
			}
			if len(proof.Current) != 1 || !proof.Current[0].Active {
				t.Errorf("consent not active: %+v", proof.Current)
			}
		}
		stored, err := e.im.GetImport(context.Background(), "zalo-march")
		if err != nil || stored.Consent == nil || stored.Consent.Channel != "zalo" || !stored.Consent.To.Equal(to) || stored.Counts.Created != 2 {
			t.Errorf("stored job %+v %v", stored, err)
		}

		// The consent basis needs the evidence.
		j.ID, j.Consent = "no-evidence", nil
		if _, err := e.im.Run(context.Background(), j, importer.Table(dupHeader, nil)); err == nil {
			t.Error("a consent import without evidence ran")
		}
	})
}

// TestConsentRepairedOnResume: a job an older version left stopped
// between its records and their consent events (records with provenance,
// no grant) records the missing events when it is run again, once per
// subject. A ledger that refuses the grants (here: the purpose is not
// registered) now writes nothing at all: a person is never imported on
// consent without their grant.
func TestConsentRepairedOnResume(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ev := &importer.ConsentEvidence{Channel: "facebook", NoticeVersion: "fb-1", NoticeText: "Đồng ý.", CollectedBy: "page admin",
			From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
		j := importer.Job{ID: "fb", Collection: "customers", Purpose: "marketing", Source: "Facebook page leads", LegalBasis: "consent", Consent: ev}
		data := [][]string{
			{"Tô Hiền", "0912000051", "hien@example.com"},
			{"Lưu Bảo", "0912000052", "bao@example.com"},
		}
		rows := importer.Table(dupHeader, data)
		broken := importer.New(e.vault, e.db, consent.NewLedger(e.db, fakeMAC{}, func(context.Context, string) (bool, error) { return false, nil }))
		res, err := broken.Run(ctx, j, rows)
		if err == nil || res.Status != importer.StatusFailed || res.Created != 0 {
			t.Fatalf("broken ledger: %v %+v", err, res)
		}
		if recs, _ := e.count(t); recs != 0 {
			t.Fatalf("a refused grant left %d records", recs)
		}

		// What an older version left: the rows' records with their
		// provenance, written without their grants.
		c, err := e.vault.Collection(ctx, "customers")
		if err != nil {
			t.Fatal(err)
		}
		var bulk []vault.BulkRow
		for i, d := range data {
			valid, err := e.vault.Validate(c, map[string]any{"name": d[0], "phone": d[1], "email": d[2]})
			if err != nil {
				t.Fatal(err)
			}
			bulk = append(bulk, vault.BulkRow{Values: valid, Provenance: &vault.Provenance{JobID: "fb", Source: j.Source, RowRef: fmt.Sprint(i + 2)}})
		}
		if _, err := e.vault.CreateMany(ctx, "customers", "marketing", bulk); err != nil {
			t.Fatal(err)
		}

		res = e.mustRun(t, j, rows)
		if res.Status != importer.StatusCompleted || res.AlreadyImported != 2 || res.Created != 0 {
			t.Fatalf("resume: %+v", res)
		}
		for _, email := range []string{"hien@example.com", "bao@example.com"} {
			proof, err := e.ledger.Proof(ctx, e.lookup(t, "email", email)[0].Subject)
			if err != nil {
				t.Fatal(err)
			}
			if len(proof.History) != 1 || proof.History[0].RequestID != "fb" || !proof.History[0].At.Equal(ev.From) {
				t.Errorf("%s: events %+v", email, proof.History)
			}
		}
	})
}

// fakeMAC stands in for the ledger's key where no IP is hashed.
type fakeMAC struct{}

func (fakeMAC) MAC(...[]byte) []byte { return nil }
