package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"custodia/internal/app"
	"custodia/internal/cleanup"
	"custodia/internal/importer"
	"custodia/internal/testutil"
)

// importFrom runs an import into the server's customers collection with
// the clean-up trail, as a job of the server would.
func importFrom(t *testing.T, s *testutil.Server, id, source, holder string, rows [][]string) importer.Result {
	t.Helper()
	im := importer.New(s.Vault, s.DB, s.Ledger)
	im.Trail = cleanup.NewTrail(s.DB)
	res, err := im.Run(context.Background(), importer.Job{ID: id, Collection: "customers", Purpose: "support", Source: source, Holder: holder,
		LegalBasis: "contract"}, importer.Table([]string{"email", "name"}, rows))
	if err != nil {
		t.Fatalf("import %s: %v", id, err)
	}
	if res.Status != importer.StatusCompleted || res.CleanupTaskID == "" {
		t.Fatalf("import %s: %+v", id, res)
	}
	return res
}

// staffSession creates a person with a role that reads no personal data
// and needs no MFA, and signs them in.
func staffSession(t *testing.T, admin *testutil.Client, email string) (*testutil.Client, string) {
	t.Helper()
	const pw = "a long and good password"
	id := admin.Must(201, "POST", "/v1/users", map[string]any{"email": email, "display_name": strings.Split(email, "@")[0], "role": "staff", "password": pw}).
		JSON()["user"].(map[string]any)["id"].(string)
	tok := admin.With("").Must(201, "POST", "/v1/sessions", map[string]any{"email": email, "password": pw}).JSON()["token"].(string)
	return admin.With(tok), id
}

func TestCleanupTasksAPI(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { cleanupTasksAPI(t, app.Config{}) })
	t.Run("postgres", func(t *testing.T) { cleanupTasksAPI(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}) })
}

// cleanupTasksAPI: after an import from Lan's spreadsheet, the data map
// shows it "copy to destroy" with a task for Lan; governance roles read the
// tasks, Lan reads and closes her own (and no one else's), and closing it
// with evidence marks the system destroyed. Offboarding Lan lists her open
// tasks on the checklist.
func cleanupTasksAPI(t *testing.T, cfg app.Config) {
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	admin.Must(201, "POST", "/v1/roles", map[string]any{"name": "staff", "require_mfa": false, "permissions": []string{"schema:read"}, "grants": []any{}})
	lan, lanID := staffSession(t, admin, "lan@example.com")
	other, minhID := staffSession(t, admin, "minh@example.com")
	const pw = "a long and good password"
	admin.Must(201, "POST", "/v1/users", map[string]any{"email": "sale@example.com", "display_name": "Sale", "role": "sales", "password": pw})
	mfaPending := admin.With(admin.With("").Must(201, "POST", "/v1/sessions", map[string]any{"email": "sale@example.com", "password": pw}).JSON()["token"].(string))
	roles := map[string]*testutil.Client{"admin": admin}
	for _, r := range []string{"dpo", "auditor", "sales", "support"} {
		roles[r] = admin.With(admin.RoleToken(r))
	}
	dpo := roles["dpo"]

	res := importFrom(t, s, "lan-2026-11", "Lan's customers.xlsx", "Lan@Example.com", [][]string{{"khach.1@example.vn", "Khách Một"}, {"khach.2@example.vn", "Khách Hai"}})
	task := res.CleanupTaskID
	sys := dpo.Must(200, "GET", "/v1/systems/"+res.SystemID, nil).JSON()
	if m, _ := sys["migration"].(map[string]any); m["state"] != "copy_to_destroy" || m["task_id"] != task || m["import_id"] != "lan-2026-11" || sys["status"] != "shadow" {
		t.Fatalf("system after the import: %v", sys)
	}

	// Role matrix: governance:read reads, governance:manage closes.
	for role, want := range map[string][2]int{"admin": {200, 200}, "dpo": {200, 200}, "auditor": {200, 200}, "sales": {403, 403}, "support": {403, 403}} {
		c := roles[role]
		if r := c.Do("GET", "/v1/cleanup-tasks", nil); r.Status != want[0] {
			t.Errorf("%s lists tasks: %d %s", role, r.Status, r.Code())
		} else if want[0] == 200 && len(r.JSON()["tasks"].([]any)) != 1 {
			t.Errorf("%s lists %s", role, r.Body)
		}
		if r := c.Do("GET", "/v1/cleanup-tasks/"+task, nil); r.Status != want[1] {
			t.Errorf("%s gets the task: %d %s", role, r.Status, r.Code())
		}
	}
	for _, role := range []string{"auditor", "sales", "support"} {
		if r := roles[role].Do("POST", "/v1/cleanup-tasks/"+task+"/close", map[string]any{"evidence": "deleted"}); r.Status != 403 {
			t.Errorf("%s closes the task: %d %s", role, r.Status, r.Code())
		}
	}
	if r := mfaPending.Do("GET", "/v1/cleanup-tasks", nil); r.Status != 403 || r.Code() != "mfa_required" {
		t.Errorf("a session owing MFA lists tasks: %d %s", r.Status, r.Code())
	}
	if r := dpo.Do("GET", "/v1/cleanup-tasks/cln_nope", nil); r.Status != 404 || r.Code() != "cleanup_task_not_found" {
		t.Errorf("missing task for the DPO: %d %s", r.Status, r.Code())
	}
	if r := dpo.Do("GET", "/v1/cleanup-tasks?state=maybe", nil); r.Status != 400 {
		t.Errorf("bad state filter: %d", r.Status)
	}
	for q, n := range map[string]int{"state=open": 1, "state=closed": 0, "system=" + res.SystemID: 1, "system=sys_other": 0, "import=lan-2026-11": 1} {
		if got := len(dpo.Must(200, "GET", "/v1/cleanup-tasks?"+q, nil).JSON()["tasks"].([]any)); got != n {
			t.Errorf("?%s: %d tasks, want %d", q, got, n)
		}
	}

	// The assignee sees her own task, and only hers; others see nothing.
	if got := lan.Must(200, "GET", "/v1/cleanup-tasks", nil).JSON()["tasks"].([]any); len(got) != 1 || got[0].(map[string]any)["id"] != task {
		t.Errorf("Lan's tasks: %v", got)
	}
	lan.Must(200, "GET", "/v1/cleanup-tasks/"+task, nil)
	if got := other.Must(200, "GET", "/v1/cleanup-tasks", nil).JSON()["tasks"].([]any); len(got) != 0 {
		t.Errorf("another person's list: %v", got)
	}
	for _, path := range []string{"/v1/cleanup-tasks/" + task, "/v1/cleanup-tasks/cln_nope"} {
		if r := other.Do("GET", path, nil); r.Status != 403 {
			t.Errorf("another person gets %s: %d", path, r.Status)
		}
	}
	if r := other.Do("POST", "/v1/cleanup-tasks/"+task+"/close", map[string]any{"evidence": "deleted"}); r.Status != 403 {
		t.Errorf("another person closes Lan's task: %d %s", r.Status, r.Code())
	}

	// Bad closes change nothing.
	for _, tc := range []struct {
		body any
		code string
	}{
		{map[string]any{}, "evidence_required"},
		{map[string]any{"evidence": "   "}, "evidence_required"},
		{map[string]any{"evidence": "deleted", "evidence_sha256": "12ab"}, "invalid_evidence_sha256"},
		{map[string]any{"evidence": "deleted", "state": "closed"}, "malformed_json"},
	} {
		if r := lan.Do("POST", "/v1/cleanup-tasks/"+task+"/close", tc.body); r.Status != 400 || r.Code() != tc.code {
			t.Errorf("close with %v: %d %s", tc.body, r.Status, r.Code())
		}
	}
	// The map's migration state is the server's: a caller cannot set it,
	// and an update keeps it.
	body := map[string]any{"name": "Lan's customers.xlsx", "kind": "spreadsheet", "owner": "lan@example.com", "holders": []string{"lan@example.com"},
		"description": "the sales team's sheet"}
	body["migration"] = map[string]any{"state": "destroyed"}
	if r := dpo.Do("PUT", "/v1/systems/"+res.SystemID, body); r.Status != 400 || r.Code() != "malformed_json" {
		t.Errorf("PUT with a migration: %d %s", r.Status, r.Code())
	}
	delete(body, "migration")
	if m, _ := dpo.Must(200, "PUT", "/v1/systems/"+res.SystemID, body).JSON()["migration"].(map[string]any); m["state"] != "copy_to_destroy" {
		t.Errorf("migration after PUT: %v", m)
	}

	sha := strings.Repeat("0f", 32)
	closed := lan.Must(200, "POST", "/v1/cleanup-tasks/"+task+"/close", map[string]any{"evidence": "deleted the sheet from my laptop and the shared drive", "evidence_sha256": sha}).JSON()
	if closed["state"] != "closed" || closed["closed_by"] != "user:"+lanID || closed["evidence_sha256"] != sha || closed["closed_at"] == nil {
		t.Errorf("closed task: %v", closed)
	}
	if r := dpo.Do("POST", "/v1/cleanup-tasks/"+task+"/close", map[string]any{"evidence": "again"}); r.Status != 409 || r.Code() != "task_closed" {
		t.Errorf("close a closed task: %d %s", r.Status, r.Code())
	}
	found := false
	for _, x := range dpo.Must(200, "GET", "/v1/systems", nil).JSON()["systems"].([]any) {
		m := x.(map[string]any)
		if m["id"] != res.SystemID {
			continue
		}
		found = true
		if mig, _ := m["migration"].(map[string]any); mig["state"] != "destroyed" || mig["destroyed_at"] == nil {
			t.Errorf("system after close: %v", m["migration"])
		}
	}
	if !found {
		t.Errorf("system %s not listed", res.SystemID)
	}
	audit := dpo.Must(200, "GET", "/v1/audit?action=cleanup.task.close&limit=10", nil).JSON()
	if b, _ := json.Marshal(audit); !strings.Contains(string(b), task) || strings.Contains(string(b), "laptop") {
		t.Errorf("audit of the close (names the task, not the evidence): %s", b)
	}

	// A new version of the same sheet: one new customer, one already in
	// the vault (skipped, so only in the sheet). The sheet holds personal
	// data outside the vault again: its state is no longer "destroyed".
	im := importer.New(s.Vault, s.DB, s.Ledger)
	im.Trail = cleanup.NewTrail(s.DB)
	again, err := im.Run(context.Background(), importer.Job{ID: "lan-2026-12", Collection: "customers", Purpose: "support", Source: res.SystemID,
		LegalBasis: "contract"}, importer.Table([]string{"email", "name"}, [][]string{{"khach.9@example.vn", "Khách Chín"}, {"khach.1@example.vn", "Khách Một"}}))
	if err != nil || again.Status != importer.StatusCompleted || again.Skipped != 1 || again.CleanupTaskID != "" {
		t.Fatalf("second import from the sheet: %v %+v", err, again)
	}
	if m := dpo.Must(200, "GET", "/v1/systems/"+res.SystemID, nil).JSON(); m["migration"] != nil {
		t.Errorf("the sheet after an import that left a row in it: migration %v", m["migration"])
	}
	if a := dpo.Must(200, "GET", "/v1/audit?action=system.migration.reopen&limit=10", nil).JSON(); !strings.Contains(fmt.Sprint(a), res.SystemID) {
		t.Errorf("reopen audit: %v", a)
	}

	// A second import Lan holds, and a DPO-managed one; offboarding Lan
	// lists her open one.
	second := importFrom(t, s, "lan-zalo", "Lan's Zalo group", "lan@example.com", [][]string{{"khach.3@example.vn", "Khách Ba"}})
	minhs := importFrom(t, s, "minh-sheet", "Minh's sheet", "minh@example.com", [][]string{{"khach.4@example.vn", "Khách Bốn"}})
	o := dpo.Must(201, "POST", "/v1/people/"+lanID+"/offboard", map[string]any{"reason": "left"}).JSON()
	items := map[string]string{}
	for _, it := range o["items"].([]any) {
		m := it.(map[string]any)
		if id := m["id"].(string); strings.HasPrefix(id, "cleanup-") {
			items[id] = m["state"].(string)
		}
	}
	if items["cleanup-"+second.CleanupTaskID] != "open" || len(items) != 1 {
		t.Errorf("offboarding clean-up items: %v", items)
	}
	if got := dpo.Must(200, "GET", "/v1/cleanup-tasks/"+second.CleanupTaskID, nil).JSON()["assignees"]; fmt.Sprint(got) != "[lan@example.com]" {
		t.Errorf("without a successor the task stays with Lan: %v", got)
	}

	// Offboarding Minh with a successor hands his open task over: the
	// successor is its assignee, the checklist item stays open until the
	// copy is destroyed.
	o = dpo.Must(201, "POST", "/v1/people/"+minhID+"/offboard", map[string]any{"reason": "left", "successor": "sale@example.com"}).JSON()
	if fmt.Sprint(o["handed_over_cleanup_tasks"]) != "["+minhs.CleanupTaskID+"]" {
		t.Errorf("handed over: %v", o["handed_over_cleanup_tasks"])
	}
	open := false
	for _, it := range o["items"].([]any) {
		m := it.(map[string]any)
		open = open || (m["id"] == "cleanup-"+minhs.CleanupTaskID && m["state"] == "open" && strings.Contains(m["title"].(string), "sale@example.com"))
	}
	if !open {
		t.Errorf("offboarding items: %v", o["items"])
	}
	handed := dpo.Must(200, "GET", "/v1/cleanup-tasks/"+minhs.CleanupTaskID, nil).JSON()
	if fmt.Sprint(handed["assignees"]) != "[sale@example.com]" || handed["state"] != "open" {
		t.Errorf("task after the hand-over: %v", handed)
	}
	if a := dpo.Must(200, "GET", "/v1/audit?action=person.offboard&limit=50", nil).JSON(); !strings.Contains(fmt.Sprint(a), minhs.CleanupTaskID) {
		t.Errorf("hand-over audit: %v", a)
	}
}

func TestAccessPackageProvenance(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { accessPackageProvenance(t, app.Config{}) })
	t.Run("postgres", func(t *testing.T) { accessPackageProvenance(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}) })
}

// accessPackageProvenance: the access package of an imported subject says
// where its record came from: the job, the source, its system, the row,
// and the job's purpose and legal basis, in subject.json and in
// provenance.csv.
func accessPackageProvenance(t *testing.T, cfg app.Config) {
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	res := importFrom(t, s, "crm-2026", "Old CRM export.xlsx", "", [][]string{{"an@example.vn", "An"}, {"binh@example.vn", "Bình"}})
	req := dpo.Must(201, "POST", "/v1/requests", map[string]any{"type": "access", "subject_lookup": map[string]any{"email": "binh@example.vn"}, "jurisdiction": "GDPR"}).JSON()["id"].(string)
	for _, to := range []string{"verifying_identity", "in_progress"} {
		dpo.Must(200, "POST", "/v1/requests/"+req+"/transitions", map[string]any{"to": to, "reason": "step"})
	}
	dpo.Must(200, "POST", "/v1/requests/"+req+"/execute", nil)
	r := dpo.Must(200, "GET", "/v1/requests/"+req+"/package", nil)
	zr, err := zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
		if f.Modified.Year() < 2000 {
			t.Errorf("%s is dated %v", f.Name, f.Modified)
		}
	}
	// The package is in the export register with its watermark and what
	// it holds: the imported fields and their categories.
	wm := r.Header.Get("Custodia-Watermark")
	if wm == "" || !strings.Contains(string(files["custodia-watermark.txt"]), wm) {
		t.Errorf("watermark %q, custodia-watermark.txt %q", wm, files["custodia-watermark.txt"])
	}
	x := dpo.Must(200, "GET", "/v1/exports/"+wm, nil).JSON()
	if x["kind"] != "access_package" || fmt.Sprint(x["fields"]) != "[customers.email customers.name]" ||
		fmt.Sprint(x["categories"]) != "[user.contact.email user.name]" || x["subjects"] != 1.0 || x["records"] != 1.0 {
		t.Errorf("register entry of the package: %v", x)
	}
	var pkg struct {
		Records []struct {
			ID string `json:"id"`
		} `json:"records"`
		Provenance []map[string]any `json:"provenance"`
	}
	if err := json.Unmarshal(files["subject.json"], &pkg); err != nil {
		t.Fatalf("subject.json: %v", err)
	}
	if len(pkg.Records) != 1 || len(pkg.Provenance) != 1 {
		t.Fatalf("records %v, provenance %v", pkg.Records, pkg.Provenance)
	}
	p := pkg.Provenance[0]
	want := map[string]any{"job_id": "crm-2026", "source": "Old CRM export.xlsx", "system_id": res.SystemID, "collection": "customers",
		"record_id": pkg.Records[0].ID, "row": "3", "purpose": "support", "legal_basis": "contract"}
	for k, v := range want {
		if p[k] != v {
			t.Errorf("provenance %s = %v, want %v (all %v)", k, p[k], v, p)
		}
	}
	if p["imported_at"] == nil {
		t.Errorf("provenance without imported_at: %v", p)
	}
	rows, err := csv.NewReader(bytes.NewReader(files["provenance.csv"])).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != "crm-2026" || rows[1][1] != "Old CRM export.xlsx" || rows[1][5] != "3" || rows[1][8] != "contract" {
		t.Errorf("provenance.csv: %v %q", err, rows)
	}
	// Renamed in the data map, the source goes by its new name.
	sys := dpo.Must(200, "GET", "/v1/systems/"+res.SystemID, nil).JSON()
	dpo.Must(200, "PUT", "/v1/systems/"+res.SystemID, map[string]any{"name": "Old CRM", "kind": sys["kind"]})
	r = dpo.Must(200, "GET", "/v1/requests/"+req+"/package", nil)
	zr, _ = zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body)))
	for _, f := range zr.File {
		if f.Name == "subject.json" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			if !strings.Contains(string(b), `"source": "Old CRM"`) {
				t.Errorf("package after the rename: %s", b)
			}
		}
	}
}
