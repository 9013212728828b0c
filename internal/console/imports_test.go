package console_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"custodia/internal/testutil"
)

// impCSV is a customer list with two bad rows (an e-mail address and a
// phone number that are not valid).
const impCSV = "name,phone,email\r\n" +
	"Nguyễn Văn Imp,+84912345101,imp.an@example.vn\r\n" +
	"Trần Thị Sai,+84912345102,khong-hop-le@@sai\r\n" +
	"Lê Văn Imp,+84912345103,imp.cuong@example.vn\r\n" +
	"Phạm Thị Hỏng,0000-SAI-SO,imp.dung@example.vn\r\n"

// impBadValues are the bad rows' values: never in plaintext in a page or
// a download.
var impBadValues = []string{"khong-hop-le@@sai", "0000-SAI-SO", "Trần Thị Sai", "Phạm Thị Hỏng"}

// impRun uploads content as an import from holder's spreadsheet through
// the API (POST /v1/imports, multipart) and waits for the job to finish.
func impRun(t *testing.T, c *testutil.Client, id, source, holder, content string) map[string]any {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	jw, _ := mw.CreateFormField("job")
	_ = json.NewEncoder(jw).Encode(map[string]any{"id": id, "collection": "customers", "purpose": "support", "source": source,
		"holder": holder, "legal_basis": "contract"})
	fw, _ := mw.CreateFormFile("file", "customers.csv")
	_, _ = io.WriteString(fw, content)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.Base+"/v1/imports", &body)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /v1/imports: %d %s", res.StatusCode, b)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		j := c.Must(200, "GET", "/v1/imports/"+id, nil).JSON()
		if s := j["status"]; s != "queued" && s != "running" {
			if s != "completed" {
				t.Fatalf("import %s: %v", id, j)
			}
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("import %s still %v", id, j["status"])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestImportsAndCleanup: a DPO follows an import in the console (list,
// job page, masked rejects and their CSV), sees the system it came from
// marked "copy to destroy" with its clean-up task, closes the task with
// evidence through the form, and the system then reads "destroyed".
// Support and auditor people get no imports entry and a 403 page.
func TestImportsAndCleanup(t *testing.T) {
	e := newEnv(t)
	dpoAPI := e.admin.With(e.admin.RoleToken("dpo"))
	// Rows rejected: the job opens no clean-up task (the copy is still
	// needed to fix them).
	impRun(t, dpoAPI, "lan-2026", "Lan's customers.csv", "lan@example.com", impCSV)
	// A clean import from Minh's sheet opens one.
	job := impRun(t, dpoAPI, "minh-2026", "Minh's sheet.csv", "minh@example.com",
		"name,phone,email\r\nVõ Thị Sạch,+84912345201,imp.sach@example.vn\r\n")
	sysID, _ := job["system_id"].(string)
	taskID, _ := job["cleanup_task_id"].(string)
	if sysID == "" || taskID == "" {
		t.Fatalf("import left no trail: %v", job)
	}

	dpo := e.newPerson(t, "dpo")
	w := e.web(t)
	w.SignIn(dpo)

	p := w.Get("/console/")
	govExpect(t, "dashboard nav", p, 200, `href="/console/imports"`, `href="/console/cleanup"`)

	p = w.Get("/console/imports")
	govExpect(t, "imports", p, 200, `id="import-lan-2026"`, `href="/console/imports/lan-2026"`, "Completed", "Lan&#39;s customers.csv")
	p = w.Get("/console/imports/lan-2026")
	govExpect(t, "import page", p, 200, `id="import-counts"`, `id="import-system"`, `id="rejects"`, "*** *** 102",
		`href="/console/imports/lan-2026/rejects.csv"`)
	for _, bad := range impBadValues {
		if strings.Contains(p.Body, bad) || strings.Contains(p.Body, strings.ReplaceAll(bad, "@", "&#64;")) {
			t.Errorf("import page holds the plaintext %q", bad)
		}
	}
	csv := w.Get("/console/imports/lan-2026/rejects.csv")
	if csv.Status != 200 || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(csv.Header.Get("Content-Disposition"), "attachment;") || !strings.HasPrefix(csv.Body, "row,code,reason,values") ||
		strings.Count(strings.TrimSpace(csv.Body), "\n") != 2 {
		t.Fatalf("rejects.csv: %d %v %q", csv.Status, csv.Header, csv.Body)
	}
	for _, bad := range impBadValues {
		if strings.Contains(csv.Body, bad) {
			t.Errorf("rejects.csv holds the plaintext %q", bad)
		}
	}
	p = w.Get("/console/imports/minh-2026")
	govExpect(t, "clean import page", p, 200, `href="/console/datamap/systems/`+sysID+`"`, `href="/console/cleanup#task-`+taskID+`"`, "No row was rejected.",
		`id="import-mapping"`, "<tr><td>phone</td><td>phone</td></tr>", "<tr><td>email</td><td>email</td></tr>")
	if p := w.Get("/console/imports/nope"); p.Status != 404 {
		t.Errorf("unknown import: %d", p.Status)
	}

	// The data map marks the system; its page links the task.
	p = w.Get("/console/datamap")
	govExpect(t, "datamap", p, 200, "Migrated, copy to destroy", `href="/console/cleanup#task-`+taskID+`"`)
	p = w.Get("/console/datamap/systems/" + sysID)
	govExpect(t, "system", p, 200, `id="system-migration"`, "Migrated, copy to destroy", `href="/console/imports/minh-2026"`, `id="task-`+taskID+`"`)

	// The clean-up page lists the task open, with its close form.
	p = w.Get("/console/cleanup")
	govExpect(t, "cleanup", p, 200, `id="open-tasks"`, `id="task-`+taskID+`"`, `action="/console/cleanup/`+taskID+`/close"`, "minh@example.com")
	// Without evidence the API refuses, in words.
	r := w.Post("/console/cleanup/"+taskID+"/close", url.Values{"evidence": {""}})
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "Write the evidence that the copy was destroyed") {
		t.Fatalf("close without evidence: %d %s %s", r.Status, r.Location, r.Body)
	}
	w.Get("/console/cleanup")
	if r := w.Post("/console/cleanup/"+taskID+"/close", url.Values{"evidence": {"Deleted."}, "evidence_sha256": {"abc"}}); r.Status != http.StatusBadRequest ||
		!strings.Contains(r.Body, "The SHA-256 must be 64 hexadecimal digits.") {
		t.Fatalf("close with a bad SHA-256: %d %s", r.Status, r.Body)
	}
	// Without the CSRF token: refused.
	if r := w.Post("/console/cleanup/"+taskID+"/close", url.Values{"csrf": {"x"}, "evidence": {"Deleted."}}); r.Status != http.StatusForbidden {
		t.Fatalf("close without CSRF: %d", r.Status)
	}
	w.Get("/console/cleanup")
	sum := strings.Repeat("ab", 32)
	r = w.Post("/console/cleanup/"+taskID+"/close", url.Values{"evidence": {"Spreadsheet deleted from Lan's laptop and the shared drive's bin emptied."}, "evidence_sha256": {sum}})
	if r.Status != http.StatusSeeOther || r.Location != "/console/cleanup" {
		t.Fatalf("close: %d %s %s", r.Status, r.Location, r.Body)
	}
	p = w.Get("/console/cleanup")
	govExpect(t, "cleanup after", p, 200, "Clean-up task closed", `id="closed-tasks"`, "shared drive", sum, "No clean-up task is open.")
	p = w.Get("/console/datamap/systems/" + sysID)
	govExpect(t, "system after", p, 200, "Copy destroyed")
	if strings.Contains(p.Body, "Migrated, copy to destroy") {
		t.Error("system still reads copy to destroy")
	}
	svg := w.Get("/console/datamap.svg")
	govExpect(t, "svg", svg, 200, "(destroyed)")

	// Vietnamese.
	w.Post("/console/language", url.Values{"lang": {"vi"}})
	p = w.Get("/console/datamap/systems/" + sysID)
	govExpect(t, "system vi", p, 200, "Bản sao đã hủy")

	// A support person who held a copy sees their task on the dashboard
	// and may close it, though their role reads no governance.
	holder := e.newPerson(t, "support")
	mine := impRun(t, dpoAPI, "holder-2026", "Support's notes.csv", holder.Email,
		"name,phone,email\r\nĐỗ Văn Giữ,+84912345301,imp.giu@example.vn\r\n")["cleanup_task_id"].(string)
	hw := e.web(t)
	hw.SignIn(holder)
	p = hw.Get("/console/")
	govExpect(t, "holder dashboard", p, 200, `id="my-cleanup-tasks"`, `href="/console/cleanup#task-`+mine+`"`)
	if strings.Contains(p.Body, `href="/console/cleanup"`) {
		t.Error("the holder sees the clean-up nav entry")
	}
	p = hw.Get("/console/cleanup")
	govExpect(t, "holder cleanup", p, 200, `action="/console/cleanup/`+mine+`/close"`)
	if strings.Contains(p.Body, `id="task-`+taskID+`"`) {
		t.Error("the holder sees another person's task")
	}
	r = hw.Post("/console/cleanup/"+mine+"/close", url.Values{"evidence": {"Notes shredded."}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("holder close: %d %s", r.Status, r.Body)
	}
	p = w.Get("/console/")
	if strings.Contains(p.Body, `id="my-cleanup-tasks"`) {
		t.Error("the DPO, assigned nothing, sees my clean-up tasks")
	}

	// Roles without imports:run.
	for _, role := range []string{"support", "auditor"} {
		pp := e.newPerson(t, role)
		ww := e.web(t)
		ww.SignIn(pp)
		p := ww.Get("/console/")
		if strings.Contains(p.Body, `href="/console/imports"`) {
			t.Errorf("%s sees the imports entry", role)
		}
		p = ww.Get("/console/imports")
		if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "Your role does not allow") {
			t.Errorf("%s on /console/imports: %d", role, p.Status)
		}
	}
}
