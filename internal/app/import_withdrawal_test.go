package app_test

import (
	"strings"
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// TestImportStaleConsentKeepsWithdrawal: a person imported on consent
// withdraws through the API; a second import on consent whose evidence is
// older than the withdrawal, with on_duplicate update, leaves the
// withdrawal standing: a marketing reader still gets no_consent.
func TestImportStaleConsentKeepsWithdrawal(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { importStaleConsent(t, app.Config{}) })
	t.Run("postgres", func(t *testing.T) { importStaleConsent(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}) })
}

func importStaleConsent(t *testing.T, cfg app.Config) {
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	mkt := admin.With(admin.RoleToken("marketing"))
	const file = "Email\r\nminh.tran@example.vn\r\n" // the field collected for marketing
	evidence := func(version, from, to string) map[string]any {
		return map[string]any{"channel": "zalo", "notice_version": version, "notice_text": "Đồng ý nhận tin khuyến mãi qua Zalo.",
			"collected_by": "sales team", "from": from, "to": to}
	}
	run := func(id string, extra map[string]any, counter string) {
		t.Helper()
		extra["purpose"], extra["legal_basis"] = "marketing", "consent"
		if r := postImport(t, dpo, importJobJSON(id, extra), "zalo.csv", file); r.Status != 202 {
			t.Fatalf("POST /v1/imports %s: %d %s", id, r.Status, r.Body)
		}
		if job, r := waitImport(t, dpo, id); job.Status != "completed" || job.Counts[counter] != 1 {
			t.Fatalf("job %s: %s", id, r.Body)
		}
	}
	run("zalo-2025", map[string]any{"consent": evidence("zalo-2025", "2025-03-01T00:00:00Z", "2025-03-31T00:00:00Z")}, "created")
	found := dpo.Must(200, "GET", "/v1/collections/customers/records?purpose=support&email=minh.tran@example.vn", nil).JSON()
	rec := found["records"].([]any)[0].(map[string]any)
	id, sub := rec["id"].(string), rec["subject"].(string)
	read := func() map[string]any {
		t.Helper()
		return mkt.Must(200, "GET", "/v1/collections/customers/records/"+id+"?purpose=marketing", nil).JSON()
	}
	if got := read(); got["data"].(map[string]any)["email"] != "minh.tran@example.vn" {
		t.Fatalf("after the first import: %v", got)
	}
	dpo.Must(201, "POST", "/v1/subjects/"+sub+"/consents", map[string]any{"purpose": "marketing", "action": "withdraw",
		"method": "unsubscribe link", "notice_version": "v1", "channel": "email", "collected_by": "mailer"})

	// Evidence older than the withdrawal: the row is rejected (no_consent)
	// and the record is not changed.
	run("zalo-2023", map[string]any{"on_duplicate": "update", "consent": evidence("zalo-2023", "2023-01-01T00:00:00Z", "2023-01-31T00:00:00Z")}, "rejected")
	if rj := dpo.Must(200, "GET", "/v1/imports/zalo-2023/rejects.csv", nil); !strings.Contains(string(rj.Body), "no_consent") {
		t.Errorf("rejects of the stale import: %s", rj.Body)
	}
	if got := read(); len(got["data"].(map[string]any)) != 0 || fieldReasons(got, "withheld")["email"] != "no_consent" {
		t.Fatalf("after a stale import: %v", got)
	}
	proof := dpo.Must(200, "GET", "/v1/subjects/"+sub+"/consents", nil).JSON()
	if cur := proof["current"].([]any)[0].(map[string]any); cur["active"] != false {
		t.Errorf("current consent: %v", proof)
	}
	if h := proof["history"].([]any); len(h) != 2 {
		t.Errorf("history: want the first grant and the withdrawal only: %v", h)
	}

	// A consent-basis import records grants: a role that may import but
	// not record consent is refused before the job starts.
	admin.Must(201, "POST", "/v1/roles", map[string]any{"name": "importer-no-consent", "require_mfa": false, "permissions": []string{"imports:run"},
		"grants": []any{map[string]any{"collection": "customers", "field": "*", "access": "write"}}})
	admin.Must(200, "PUT", "/v1/purposes/marketing", map[string]any{"description": "Offers.", "legal_basis": "consent",
		"roles": []string{"dpo", "marketing", "importer-no-consent"}})
	nc := admin.With(admin.RoleToken("importer-no-consent"))
	job := importJobJSON("no-consent-perm", map[string]any{"purpose": "marketing", "legal_basis": "consent",
		"consent": evidence("nc", "2025-03-01T00:00:00Z", "2025-03-31T00:00:00Z")})
	if r := postImport(t, nc, job, "zalo.csv", "Email\r\nnew.person@example.vn\r\n"); r.Status != 403 || r.Code() != "consents_write_required" {
		t.Errorf("consent-basis import without consents:write: %d %s, want 403 consents_write_required", r.Status, r.Body)
	}
	if r := dpo.Do("GET", "/v1/imports/no-consent-perm", nil); r.Status != 404 {
		t.Errorf("the refused job was stored: %d %s", r.Status, r.Body)
	}
}
