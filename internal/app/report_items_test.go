package app_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"custodia/internal/app"
	"custodia/internal/audit"
	"custodia/internal/consent"
	"custodia/internal/store"
	"custodia/internal/testutil"
	"custodia/internal/vault"
)

// reportItemIDs are the report's items; TestReportItems drives each one to
// fail and back to pass.
var reportItemIDs = []string{"systems_mapped", "field_purposes", "consent_evidence", "users_mfa", "training", "processor_dpas",
	"overdue_requests", "retention_rules", "audit_chain", "key_rotation", "incident_clocks"}

func TestReportItems(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		reportItems(t, app.Config{DataDir: dir}, func() (*sql.DB, error) {
			return sql.Open("sqlite", "file:"+filepath.Join(dir, store.SQLiteFile)+"?_pragma=busy_timeout(10000)")
		})
	})
	t.Run("postgres", func(t *testing.T) {
		url := testutil.MustPostgres(t)
		reportItems(t, app.Config{DatabaseURL: url}, func() (*sql.DB, error) { return sql.Open("pgx", url) })
	})
}

// reportItems: on a live server, every item of GET /v1/report is made to
// fail and then to pass, one at a time, while the others keep passing.
// Where the public API refuses to create the failing condition (it
// validates purposes and consent evidence, and cannot backdate the audit
// log), the condition is written through the server's own store, as legacy
// data or a restored database would hold it, and fixed through the API.
func reportItems(t *testing.T, cfg app.Config, openRaw func() (*sql.DB, error)) {
	s := testutil.MustServe(t, cfg)
	ctx := context.Background()
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	expect := func(step string, failing ...string) {
		t.Helper()
		rep := dpo.Must(200, "GET", "/v1/report", nil).JSON()
		var got, ids []string
		for _, it := range rep["items"].([]any) {
			m := it.(map[string]any)
			ids = append(ids, m["id"].(string))
			switch m["status"] {
			case "fail":
				got = append(got, m["id"].(string))
				if len(m["evidence"].([]any)) == 0 {
					t.Errorf("%s: %s fails without evidence", step, m["id"])
				}
			case "pass":
			default:
				t.Errorf("%s: %s has status %v", step, m["id"], m["status"])
			}
		}
		sort.Strings(got)
		sort.Strings(failing)
		if !slices.Equal(got, failing) {
			t.Errorf("%s: failing %v, want %v", step, got, failing)
		}
		if !slices.Equal(ids, reportItemIDs) {
			t.Errorf("%s: items %v, want %v", step, ids, reportItemIDs)
		}
		if want := float64((len(reportItemIDs) - len(failing)) * 100 / len(reportItemIDs)); rep["score"] != want {
			t.Errorf("%s: score %v, want %v", step, rep["score"], want)
		}
	}

	// systems_mapped fails with only the vault mapped, retention_rules
	// with a collection and no rule; both pass once fixed through the API.
	expect("start", "systems_mapped", "retention_rules")
	dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "CRM", "kind": "crm", "categories": []string{"user.contact.email"}})
	expect("system mapped", "retention_rules")
	dpo.Must(201, "POST", "/v1/retention/rules", map[string]any{"collection": "customers", "anchor": "created", "keep": map[string]any{"n": 5, "unit": "years"}})
	expect("all fixed")

	// field_purposes: the API refuses a field whose purpose is not
	// registered, so the collection is written as legacy data straight to
	// the store. Registering the purpose through the API fixes it.
	legacy, _ := json.Marshal(vault.Collection{Name: "legacy_notes", Kind: "data", Fields: []vault.Field{
		{Name: "note", Type: "text", Category: "user.content", Purposes: []string{"legacy_support"}}}})
	if _, err := s.App.DB.PutCollection(ctx, vault.CollectionRow{Name: "legacy_notes", Kind: "data", Schema: legacy}, true,
		&audit.Entry{Actor: "test:legacy", Action: "collection.create", Collection: "legacy_notes"}); err != nil {
		t.Fatal(err)
	}
	expect("unregistered purpose", "field_purposes", "retention_rules")
	admin.Must(201, "POST", "/v1/purposes", map[string]any{"name": "legacy_support", "description": "Notes kept from the old helpdesk.",
		"legal_basis": "legitimate_interests", "roles": []string{"dpo"}})
	expect("purpose registered", "retention_rules")
	dpo.Must(201, "POST", "/v1/retention/rules", map[string]any{"collection": "legacy_notes", "anchor": "created", "keep": map[string]any{"n": 1, "unit": "years"}})
	expect("legacy collection has a rule")

	// consent_evidence: the API refuses a grant without method, notice
	// version or collector, so such grants (two, one consent) are written
	// to the ledger as an old import would have; a grant with its evidence
	// through the API fixes the consent.
	sub := dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support",
		map[string]any{"email": "legacy.consent@example.com", "name": "Legacy Consent"}).JSON()["subject"].(string)
	for i := range 2 {
		now := time.Now().UTC()
		if _, err := s.App.DB.AppendConsent(ctx, consent.Event{ID: "cev_legacy_" + string(rune('a'+i)), SubjectID: sub, Purpose: "marketing",
			Action: consent.Grant, Channel: "web", At: now, RecordedAt: now, RecordedBy: "test:legacy"}, "",
			&audit.Entry{Actor: "test:legacy", Action: "consent.record", Purpose: "marketing"}); err != nil {
			t.Fatal(err)
		}
	}
	expect("grant without evidence", "consent_evidence")
	if ev := itemEvidence(t, dpo, "consent_evidence"); len(ev) != 1 || ev[0] != "consents in force granted without a method, notice version or collector: 1" {
		t.Errorf("consent evidence %q: two evidence-less grants of one consent are one gap", ev)
	}
	dpo.Must(201, "POST", "/v1/subjects/"+sub+"/consents", map[string]any{"purpose": "marketing", "action": "grant", "method": "checkbox",
		"notice_version": "2025-01", "notice_text": "We send news by e-mail.", "channel": "web", "collected_by": "signup-form"})
	expect("grant with evidence")

	// users_mfa: a dpo person who has not enrolled fails; enrolling a TOTP
	// through the API passes.
	const pw = "a long and good password"
	admin.Must(201, "POST", "/v1/users", map[string]any{"email": "mfa.dpo@example.com", "display_name": "MFA DPO", "role": "dpo", "password": pw})
	expect("person without MFA", "users_mfa")
	sess := admin.With(admin.With("").Must(201, "POST", "/v1/sessions", map[string]any{"email": "mfa.dpo@example.com", "password": pw}).JSON()["token"].(string))
	secret := sess.Must(201, "POST", "/v1/users/me/totp", nil).JSON()["secret"].(string)
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	sess.Must(200, "POST", "/v1/users/me/totp/confirm", map[string]any{"code": code})
	expect("MFA enrolled")

	// training: a person whose role requires training fails without any,
	// and with an expired one; a current training passes.
	admin.Must(201, "POST", "/v1/roles", map[string]any{"name": "trained-support", "require_training": true, "require_mfa": false,
		"grants": []any{map[string]any{"collection": "*", "field": "*", "access": "read"}}})
	uid := admin.Must(201, "POST", "/v1/users", map[string]any{"email": "trainee@example.com", "display_name": "Trainee", "role": "trained-support",
		"password": pw}).JSON()["user"].(map[string]any)["id"].(string)
	expect("untrained person", "training")
	admin.Must(201, "POST", "/v1/training", map[string]any{"person": uid, "course": "Privacy 101",
		"completed_at": time.Now().Add(-2 * 365 * 24 * time.Hour).UTC(), "expires_at": time.Now().Add(-365 * 24 * time.Hour).UTC()})
	expect("expired training", "training")
	admin.Must(201, "POST", "/v1/training", map[string]any{"person": "trainee@example.com", "course": "Privacy 101",
		"completed_at": time.Now().Add(-time.Hour).UTC(), "expires_at": time.Now().Add(365 * 24 * time.Hour).UTC()})
	expect("current training")

	// processor_dpas: data flowing to a processor without a DPA fails; the
	// signed DPA recorded through the API passes.
	proc := map[string]any{"vendor": "Mailer", "service": "mail", "country": "US", "dpa_status": "none", "categories": []string{"user.contact.email"}}
	pid := dpo.Must(201, "POST", "/v1/processors", proc).JSON()["id"].(string)
	expect("processor without DPA", "processor_dpas")
	proc["dpa_status"], proc["dpa_signed_at"], proc["dpa_expires_at"] = "signed", time.Now().Add(-24*time.Hour).UTC(), time.Now().Add(2*365*24*time.Hour).UTC()
	dpo.Must(200, "PUT", "/v1/processors/"+pid, proc)
	expect("DPA signed")

	// overdue_requests: a request received long ago and still open fails;
	// closing it (rejected, with a reason) passes.
	rid := dpo.Must(201, "POST", "/v1/requests", map[string]any{"type": "access", "subject_lookup": map[string]any{"subject": sub},
		"jurisdiction": "GDPR", "received_at": time.Date(2025, 1, 31, 10, 0, 0, 0, time.UTC)}).JSON()["id"].(string)
	expect("overdue request", "overdue_requests")
	dpo.Must(200, "POST", "/v1/requests/"+rid+"/transitions", map[string]any{"to": "rejected", "reason": "the requester could not be identified"})
	expect("request closed")

	// incident_clocks: an open incident known for 80 hours has its GDPR
	// 72-hour clock past its end; recording the notification passes.
	now := time.Now()
	inc := dpo.Must(201, "POST", "/v1/incidents", map[string]any{"description": "A laptop with a customer export was stolen.",
		"detected_at": rfc(now.Add(-81 * time.Hour)), "became_aware_at": rfc(now.Add(-80 * time.Hour)), "systems": []string{"sys_vault"},
		"jurisdictions": []string{"GDPR"}, "estimated_subjects": 40}).JSON()["id"].(string)
	expect("notification overdue", "incident_clocks")
	dpo.Must(200, "POST", "/v1/incidents/"+inc+"/notifications", map[string]any{"regime": "GDPR", "recipient": "supervisory_authority"})
	expect("notification recorded")

	// key_rotation: the API cannot backdate, so the last rotation is
	// recorded 400 days ago through the server's audit writer (sealed into
	// the chain, which still verifies); rotating through the API passes.
	if err := s.App.DB.AppendAudit(ctx, &audit.Entry{At: now.Add(-400 * 24 * time.Hour), Actor: "test:legacy", Action: "keys.rotate"}); err != nil {
		t.Fatal(err)
	}
	expect("key rotated 400 days ago", "key_rotation")
	admin.Must(200, "POST", "/v1/keys/rotate", nil)
	expect("key rotated now")

	// audit_chain: an entry altered in the database breaks the chain;
	// restoring it passes again.
	raw, err := openRaw()
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var actor string
	if err := raw.QueryRow("SELECT actor FROM audit_log WHERE seq = 2").Scan(&actor); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	expect("entry altered", "audit_chain")
	if ev := itemEvidence(t, dpo, "audit_chain"); len(ev) != 1 || !strings.HasPrefix(ev[0], "broken at entry 2:") {
		t.Errorf("audit chain evidence %q, want broken at entry 2", ev)
	}
	if _, err := raw.Exec("UPDATE audit_log SET actor = '" + strings.ReplaceAll(actor, "'", "''") + "' WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	expect("entry restored")
}

func itemEvidence(t *testing.T, c *testutil.Client, id string) []string {
	t.Helper()
	for _, it := range c.Must(200, "GET", "/v1/report", nil).JSON()["items"].([]any) {
		if m := it.(map[string]any); m["id"] == id {
			var out []string
			for _, e := range m["evidence"].([]any) {
				out = append(out, e.(string))
			}
			return out
		}
	}
	t.Fatalf("no item %s", id)
	return nil
}
