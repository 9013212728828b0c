package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

func TestImportAPI(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { importExamples(t, app.Config{}) })
	t.Run("postgres", func(t *testing.T) { importExamples(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}) })
}

// importCSV is a customer list as a spreadsheet exports it: UTF-8 with a
// byte order mark, Vietnamese headers, two bad rows (an e-mail address
// and a phone number that are not valid).
const importCSV = "\ufeffHọ tên,SĐT,Email\r\n" +
	"Nguyễn Văn An,+84912345001,an.nguyen@example.vn\r\n" +
	"Trần Thị Bình,+84912345002,khong-hop-le@@sai\r\n" +
	"Lê Văn Cường,+84912345003,cuong.le@example.vn\r\n" +
	"Phạm Thị Dung,0000-SAI-SO,dung.pham@example.vn\r\n" +
	"Hoàng Văn Em,+84912345005,em.hoang@example.vn\r\n"

// importBadValues are the bad rows' values: never in plaintext in an answer.
var importBadValues = []string{"khong-hop-le@@sai", "0000-SAI-SO", "Trần Thị Bình", "Phạm Thị Dung"}

// importJobJSON is a job on the contract basis.
func importJobJSON(id string, extra map[string]any) map[string]any {
	j := map[string]any{"collection": "customers", "purpose": "support", "source": "Lan's customers.csv",
		"holder": "lan@example.com", "legal_basis": "contract"}
	if id != "" {
		j["id"] = id
	}
	for k, v := range extra {
		j[k] = v
	}
	return j
}

// postImport uploads a file and its job as multipart/form-data.
func postImport(t *testing.T, c *testutil.Client, job map[string]any, filename, content string) testutil.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	jw, err := mw.CreateFormField("job")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.NewEncoder(jw).Encode(job); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.WriteString(fw, content)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", c.Base+"/v1/imports", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return testutil.Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// importJob is a job as GET /v1/imports/{id} returns it.
type importJob struct {
	ID       string         `json:"id"`
	Status   string         `json:"status"`
	Counts   map[string]int `json:"counts"`
	Progress *struct {
		Rows int `json:"rows"`
		Done int `json:"done"`
	} `json:"progress"`
	Error *struct {
		Code string `json:"code"`
	} `json:"error"`
	Rejects []struct {
		Row    string `json:"row"`
		Code   string `json:"code"`
		Values []struct {
			Column string `json:"column"`
			Value  string `json:"value"`
		} `json:"values"`
	} `json:"rejects"`
	Links struct {
		Self    string `json:"self"`
		Rejects string `json:"rejects"`
	} `json:"links"`
	Mapping map[string]string `json:"mapping"`
}

func decodeImport(t *testing.T, r testutil.Response) importJob {
	t.Helper()
	var j importJob
	if err := json.Unmarshal(r.Body, &j); err != nil {
		t.Fatalf("decode job %s: %v", r.Body, err)
	}
	return j
}

// waitImport polls a job until it is no longer queued or running.
func waitImport(t *testing.T, c *testutil.Client, id string) (importJob, testutil.Response) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := c.Must(200, "GET", "/v1/imports/"+id, nil)
		j := decodeImport(t, r)
		if j.Status != "running" && j.Status != "queued" {
			return j, r
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s: %s", id, j.Status, r.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// spooled lists the uploads waiting in the spool directory.
func spooled(t *testing.T, dataDir string) []string {
	t.Helper()
	var out []string
	root := filepath.Join(dataDir, "imports-spool")
	_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasPrefix(d.Name(), "upload-") {
			out = append(out, path)
		}
		return nil
	})
	return out
}

func countRecords(t *testing.T, s *testutil.Server) int {
	t.Helper()
	n, _, err := s.DB.CountRecords(context.Background(), "customers")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func importExamples(t *testing.T, cfg app.Config) {
	allowed := t.TempDir()
	outside := t.TempDir()
	cfg.DataDir = t.TempDir()
	cfg.ImportDirs = []string{allowed}
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))

	// An upload, mapping proposed from the Vietnamese headers.
	r := postImport(t, dpo, importJobJSON("lan-2025", nil), "khach hang.csv", importCSV)
	if r.Status != 202 {
		t.Fatalf("POST /v1/imports: %d %s", r.Status, r.Body)
	}
	started := decodeImport(t, r)
	if body := string(r.Body); !strings.Contains(body, `"on_duplicate":"skip"`) || strings.Contains(body, "0001-01-01") {
		t.Errorf("202 body has placeholders: %s", body)
	}
	if started.ID != "lan-2025" || (started.Status != "running" && started.Status != "queued") || r.Header.Get("Location") != "/v1/imports/lan-2025" ||
		started.Links.Rejects != "/v1/imports/lan-2025/rejects.csv" {
		t.Fatalf("202 body %s, Location %q", r.Body, r.Header.Get("Location"))
	}
	// The job shows the mapping it proposed from the headers, at once and
	// once done, and keeps it.
	proposed := map[string]string{"Họ tên": "name", "SĐT": "phone", "Email": "email"}
	if fmt.Sprint(started.Mapping) != fmt.Sprint(proposed) {
		t.Errorf("202 mapping %v, want %v", started.Mapping, proposed)
	}
	job, jr := waitImport(t, dpo, "lan-2025")
	body := jr.Body
	if fmt.Sprint(job.Mapping) != fmt.Sprint(proposed) {
		t.Errorf("completed job's mapping %v, want %v", job.Mapping, proposed)
	}
	want := map[string]int{"rows": 5, "created": 3, "updated": 0, "skipped": 0, "already_imported": 0, "rejected": 2}
	if job.Status != "completed" || fmt.Sprint(job.Counts) != fmt.Sprint(want) {
		t.Fatalf("job: %s", body)
	}
	if len(job.Rejects) != 2 || job.Rejects[0].Row != "3" || job.Rejects[1].Row != "5" || job.Rejects[0].Code == "" {
		t.Errorf("inline rejects: %s", body)
	}
	if left := spooled(t, cfg.DataDir); len(left) != 0 {
		t.Errorf("uploads left in the spool after the job: %v", left)
	}
	rc := dpo.Must(200, "GET", "/v1/imports/lan-2025/rejects.csv", nil)
	rows, err := csv.NewReader(bytes.NewReader(rc.Body)).ReadAll()
	if err != nil || len(rows) != 3 || strings.Join(rows[0], ",") != "row,code,reason,values" {
		t.Fatalf("rejects.csv: %v %q", err, rc.Body)
	}
	if rows[1][0] != "3" || !strings.Contains(rows[1][3], "Email=") || rows[2][0] != "5" {
		t.Errorf("rejects.csv rows: %q", rows)
	}
	for _, bad := range importBadValues {
		for what, b := range map[string][]byte{"rejects.csv": rc.Body, "GET job": body} {
			if bytes.Contains(b, []byte(bad)) {
				t.Errorf("%s holds the plaintext %q: %s", what, bad, b)
			}
		}
	}
	// The records are in, found by e-mail.
	for _, email := range []string{"an.nguyen@example.vn", "cuong.le@example.vn", "em.hoang@example.vn"} {
		rr := dpo.Must(200, "GET", "/v1/collections/customers/records?purpose=support&email="+email, nil)
		var got struct {
			Records []struct {
				Data map[string]any `json:"data"`
			} `json:"records"`
		}
		if err := json.Unmarshal(rr.Body, &got); err != nil || len(got.Records) != 1 {
			t.Fatalf("record %s: %v %s", email, err, rr.Body)
		}
	}
	if rr := dpo.Must(200, "GET", "/v1/collections/customers/records?purpose=support&email=an.nguyen@example.vn", nil); !strings.Contains(string(rr.Body), "Nguyễn Văn An") {
		t.Errorf("imported name: %s", rr.Body)
	}
	// Posting the completed job again returns it; nothing is imported twice.
	r = postImport(t, dpo, importJobJSON("lan-2025", nil), "khach hang.csv", importCSV)
	if r.Status != 200 || decodeImport(t, r).Status != "completed" || !strings.Contains(string(r.Body), `"already_completed":true`) {
		t.Errorf("re-POST of a completed job: %d %s, want 200 completed, already_completed", r.Status, r.Body)
	}
	if n := countRecords(t, s); n != 3 {
		t.Errorf("%d records after re-POST, want 3", n)
	}
	if left := spooled(t, cfg.DataDir); len(left) != 0 {
		t.Errorf("uploads left in the spool after a refused job: %v", left)
	}
	// The same id for another import is refused.
	if r := postImport(t, dpo, importJobJSON("lan-2025", map[string]any{"source": "another file"}), "x.csv", importCSV); r.Status != 409 || r.Code() != "import_key_reused" {
		t.Errorf("reused key: %d %s", r.Status, r.Body)
	}
	// So is the same id, with everything else the same, for another file:
	// it must not get the completed job's result back.
	otherCSV := strings.Replace(importCSV, "an.nguyen@example.vn", "an.other@example.vn", 1)
	if r := postImport(t, dpo, importJobJSON("lan-2025", nil), "khach hang.csv", otherCSV); r.Status != 409 || r.Code() != "import_key_reused" {
		t.Errorf("completed job's id with another file: %d %s", r.Status, r.Body)
	}
	if left := spooled(t, cfg.DataDir); len(left) != 0 {
		t.Errorf("uploads left in the spool after a refused job: %v", left)
	}

	// A file on the server, mapping given as an object.
	file := filepath.Join(allowed, "khach.csv")
	if err := os.WriteFile(file, []byte("Tên khách hàng;Điện thoại;Thư\nVõ Thị Giang;+84912345007;giang.vo@example.vn\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pathJob := importJobJSON("server-path", map[string]any{"path": file, "mapping": map[string]string{"Tên khách hàng": "name", "Điện thoại": "phone", "Thư": "email"}})
	r = dpo.Do("POST", "/v1/imports", pathJob)
	if r.Status != 202 {
		t.Fatalf("path import: %d %s", r.Status, r.Body)
	}
	if job, body := waitImport(t, dpo, "server-path"); job.Status != "completed" || job.Counts["created"] != 1 {
		t.Errorf("path import: %s", body.Body)
	}
	if _, err := os.Stat(file); err != nil {
		t.Errorf("the server removed the original: %v", err)
	}
	// Mapping as a string, with a dry run: nothing written.
	r = dpo.Do("POST", "/v1/imports", importJobJSON("dry", map[string]any{"path": file, "dry_run": true, "mapping": "Tên khách hàng=name,Điện thoại=phone,Thư=email"}))
	if r.Status != 202 {
		t.Fatalf("dry run: %d %s", r.Status, r.Body)
	}
	if job, body := waitImport(t, dpo, "dry"); job.Status != "completed" || job.Counts["skipped"] != 1 {
		t.Errorf("dry run: %s", body.Body)
	}
	if n := countRecords(t, s); n != 4 {
		t.Errorf("%d records after the dry run, want 4", n)
	}
	// A dry run may not take a stored job's id (it would replace its rejects).
	if r := postImport(t, dpo, importJobJSON("lan-2025", map[string]any{"dry_run": true}), "k.csv", importCSV); r.Status != 409 || r.Code() != "import_key_reused" {
		t.Errorf("dry run with a stored id: %d %s", r.Status, r.Body)
	}

	// Paths outside the allowed directories.
	secret := filepath.Join(outside, "secret.csv")
	if err := os.WriteFile(secret, []byte("Email\nx@example.vn\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(allowed, "link.csv")
	if err := os.Symlink(secret, link); err != nil {
		t.Fatal(err)
	}
	dirLink := filepath.Join(allowed, "out")
	if err := os.Symlink(outside, dirLink); err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]string{
		"outside":      secret,
		"dot-dot":      allowed + "/../" + filepath.Base(outside) + "/secret.csv",
		"symlink":      link,
		"symlink dir":  filepath.Join(dirLink, "secret.csv"),
		"missing out":  filepath.Join(outside, "nope.csv"),
		"allowed root": allowed,
	} {
		r := dpo.Do("POST", "/v1/imports", importJobJSON("", map[string]any{"path": p}))
		wantStatus, wantCode := 403, "import_path_not_allowed"
		if r.Status != wantStatus || r.Code() != wantCode {
			t.Errorf("%s: %d %s, want %d %s", name, r.Status, r.Body, wantStatus, wantCode)
		}
	}
	if r := dpo.Do("POST", "/v1/imports", importJobJSON("", map[string]any{"path": filepath.Join(allowed, "missing.csv")})); r.Status != 404 || r.Code() != "import_file_not_found" {
		t.Errorf("missing file: %d %s", r.Status, r.Body)
	}
	if r := dpo.Do("POST", "/v1/imports", importJobJSON("", map[string]any{"path": "relative.csv"})); r.Status != 400 || r.Code() != "invalid_path" {
		t.Errorf("relative path: %d %s", r.Status, r.Body)
	}
	// Bad jobs are refused before they start.
	headerless := filepath.Join(allowed, "headerless.csv")
	if err := os.WriteFile(headerless, []byte("Lê Đầu Tiên,0912555001,dau.tien@example.com\nLê Thứ Hai,0912555002,thu.hai@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	headerOnly := filepath.Join(allowed, "header-only.csv")
	if err := os.WriteFile(headerOnly, []byte("Họ tên,SĐT,Thư\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Bytes that are not text under a .csv name (QA: random bytes were
	// imported as 17 rejected rows with binary column names, and the
	// job registered a shadow system).
	binary := filepath.Join(allowed, "random.csv")
	garbage := make([]byte, 3000)
	for i := range garbage {
		garbage[i] = byte(i*131 + i*i*7)
	}
	if err := os.WriteFile(binary, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	future := map[string]any{"channel": "zalo", "notice_version": "v1", "notice_text": "Đồng ý nhận tin.", "collected_by": "lan@example.com",
		"from": time.Now().AddDate(0, 1, 0).UTC().Format(time.RFC3339)}
	for name, tc := range map[string]struct {
		job  map[string]any
		code string
	}{
		"unknown member":   {importJobJSON("", map[string]any{"path": file, "colour": "red"}), "malformed_json"},
		"no consent":       {importJobJSON("", map[string]any{"path": file, "legal_basis": "consent"}), "consent_evidence_required"},
		"bad mapping":      {importJobJSON("", map[string]any{"path": file, "mapping": "Thư"}), "invalid_mapping"},
		"unknown field":    {importJobJSON("", map[string]any{"path": file, "mapping": "Thư=shoe_size"}), "unknown_field"},
		"bad legal basis":  {importJobJSON("", map[string]any{"path": file, "legal_basis": "because"}), "invalid_legal_basis"},
		"undeclared":       {importJobJSON("", map[string]any{"path": file, "purpose": "billing"}), "purpose_not_declared"},
		"bad on_duplicate": {importJobJSON("", map[string]any{"path": file, "on_duplicate": "merge"}), "invalid_on_duplicate"},
		"no header line":   {importJobJSON("", map[string]any{"path": headerless}), "header_holds_data"},
		// Refused at once, not by a job that fails after a 202 and is
		// then never listed (QA).
		"no data rows":   {importJobJSON("", map[string]any{"path": headerOnly}), "no_data_rows"},
		"not text":       {importJobJSON("", map[string]any{"path": binary}), "unreadable_file"},
		"missing header": {importJobJSON("", map[string]any{"path": file, "mapping": "Tên đầy đủ=name"}), "mapping_header_missing"},
		"future consent": {importJobJSON("", map[string]any{"path": file, "purpose": "marketing", "legal_basis": "consent", "consent": future}),
			"consent_evidence_future"},
	} {
		if r := dpo.Do("POST", "/v1/imports", tc.job); r.Status != 400 || r.Code() != tc.code {
			t.Errorf("%s: %d %s, want 400 %s", name, r.Status, r.Body, tc.code)
		}
	}
	if r := dpo.Do("POST", "/v1/imports", importJobJSON("", map[string]any{"path": file, "collection": "nope"})); r.Status != 404 {
		t.Errorf("unknown collection: %d %s", r.Status, r.Body)
	}

	// Roles: auditor and support lack imports:run; the admin holds it but
	// may not write personal data, so its job is refused before it starts.
	for _, role := range []string{"auditor", "support"} {
		c := admin.With(admin.RoleToken(role))
		if r := postImport(t, c, importJobJSON("", nil), "k.csv", importCSV); r.Status != 403 || r.Code() != "forbidden" {
			t.Errorf("%s POST: %d %s", role, r.Status, r.Body)
		}
		if r := c.Do("GET", "/v1/imports/lan-2025", nil); r.Status != 403 {
			t.Errorf("%s GET: %d %s", role, r.Status, r.Body)
		}
	}
	before := countRecords(t, s)
	if r := postImport(t, admin, importJobJSON("admin-job", nil), "k.csv", importCSV); r.Status != 403 || (r.Code() != "field_not_writable" && r.Code() != "purpose_not_allowed_for_role") {
		t.Errorf("admin POST: %d %s, want 403 (the admin may not write personal data)", r.Status, r.Body)
	}
	if r := admin.Do("GET", "/v1/imports/admin-job", nil); r.Status != 404 {
		t.Errorf("refused job stored: %d %s", r.Status, r.Body)
	}
	if n := countRecords(t, s); n != before {
		t.Errorf("a refused job wrote records: %d, want %d", n, before)
	}
	// A role that may run imports and write names, not contact details:
	// a file with e-mail and phone columns is refused before it starts;
	// one with names only goes in.
	admin.Must(201, "POST", "/v1/roles", map[string]any{"name": "name-importer", "require_mfa": false, "permissions": []string{"imports:run"},
		"grants": []any{map[string]any{"collection": "customers", "field": "name", "access": "write"}}})
	admin.Must(200, "PUT", "/v1/purposes/support", map[string]any{"description": "Support.", "legal_basis": "contract",
		"roles": []string{"dpo", "sales", "support", "name-importer"}})
	ni := admin.With(admin.RoleToken("name-importer"))
	if r := postImport(t, ni, importJobJSON("names-refused", nil), "k.csv", importCSV); r.Status != 403 || r.Code() != "field_not_writable" {
		t.Errorf("name-importer with contact columns: %d %s, want 403 field_not_writable", r.Status, r.Body)
	}
	if r := postImport(t, ni, importJobJSON("names-only", nil), "names.csv", "Họ tên\nĐỗ Văn Hải\n"); r.Status != 202 {
		t.Errorf("name-importer with names: %d %s", r.Status, r.Body)
	} else if j, jr := waitImport(t, ni, "names-only"); j.Status != "completed" || j.Counts["created"] != 1 {
		t.Errorf("name-importer job: %s", jr.Body)
	}
	if r := ni.Do("GET", "/v1/imports/names-refused", nil); r.Status != 404 {
		t.Errorf("refused job stored: %d %s", r.Status, r.Body)
	}
	if left := spooled(t, cfg.DataDir); len(left) != 0 {
		t.Errorf("uploads left in the spool after refusals: %v", left)
	}
	// The admin sees the jobs, newest first, page by page.
	l := admin.Must(200, "GET", "/v1/imports?limit=1", nil).JSON()
	list, _ := l["imports"].([]any)
	if len(list) != 1 || l["next"] == nil {
		t.Fatalf("list: %v", l)
	}
	all, _ := admin.Must(200, "GET", "/v1/imports", nil).JSON()["imports"].([]any)
	l2 := admin.Must(200, "GET", "/v1/imports?limit=1000&after="+l["next"].(string), nil).JSON()
	list2, _ := l2["imports"].([]any)
	if len(all) < 3 || len(list2) != len(all)-1 || fmt.Sprint(append(list, list2...)) != fmt.Sprint(all) {
		t.Errorf("pages %v then %v, want %v", list, list2, all)
	}
	if newest := all[0].(map[string]any)["id"]; newest != "names-only" {
		t.Errorf("newest job %v, want names-only", newest)
	}
	if r := admin.Do("DELETE", "/v1/imports/lan-2025", nil); r.Status != 200 || decodeImport(t, r).Status != "completed" {
		t.Errorf("DELETE of a completed job: %d %s", r.Status, r.Body)
	}

	// The job runs as its caller: the audit log names the dpo's token.
	au := admin.Must(200, "GET", "/v1/audit?action=import.completed", nil)
	if !strings.Contains(string(au.Body), "job:lan-2025") || strings.Contains(string(au.Body), `"actor":"system"`) {
		t.Errorf("import.completed entries: %s", au.Body)
	}

	importInterrupted(t, s, cfg, dpo)
}

// bigImportCSV is n customers with distinct e-mail addresses.
func bigImportCSV(prefix string, n int) string {
	var b strings.Builder
	b.WriteString("Họ tên,Email\n")
	for i := range n {
		fmt.Fprintf(&b, "Khách Hàng %d,%s%06d@example.vn\n", i, prefix, i)
	}
	return b.String()
}

// importInterrupted: a server stopped mid-job stores it as interrupted and
// removes its upload; posting the job again to the next server resumes
// it, without importing a row twice. Should a job end before the server
// stops (a fast machine), it tries again with a file twice as big.
func importInterrupted(t *testing.T, s *testutil.Server, cfg app.Config, dpo *testutil.Client) {
	for attempt, n := 1, 10000; ; attempt, n = attempt+1, 2*n {
		var ok bool
		s, dpo, ok = importInterruptOnce(t, s, cfg, dpo, fmt.Sprintf("big%d", attempt), n)
		if ok {
			return
		}
		if attempt == 4 {
			t.Fatal("every job ended before its server stopped")
		}
		t.Logf("the job of %d rows ended before the server stopped; trying a bigger one", n)
	}
}

// importInterruptOnce runs one interrupted job and its resume; ok is false
// when the job completed before the server stopped. It returns the server
// it leaves running and a dpo client of it.
func importInterruptOnce(t *testing.T, s *testutil.Server, cfg app.Config, dpo *testutil.Client, id string, n int) (*testutil.Server, *testutil.Client, bool) {
	content := bigImportCSV(id, n)
	before := countRecords(t, s)
	r := postImport(t, dpo, importJobJSON(id, nil), "big.csv", content)
	if r.Status != 202 {
		t.Fatalf("big import: %d %s", r.Status, r.Body)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		j := decodeImport(t, dpo.Must(200, "GET", "/v1/imports/"+id, nil))
		if j.Status != "running" && j.Status != "queued" {
			return s, dpo, false
		}
		if j.Progress != nil && j.Progress.Rows > 0 {
			// Done counts the rows with a final outcome: never more than
			// those read, and exactly what the counts say is written.
			c := j.Counts
			if done := c["created"] + c["updated"] + c["skipped"] + c["already_imported"] + c["rejected"]; j.Progress.Done > j.Progress.Rows || j.Progress.Done != done {
				t.Errorf("progress done %d (rows %d), counts %v", j.Progress.Done, j.Progress.Rows, c)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no progress")
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.Stop(t)
	if left := spooled(t, cfg.DataDir); len(left) != 0 {
		t.Errorf("uploads left in the spool after shutdown: %v", left)
	}

	s2 := testutil.MustServe(t, cfg)
	c := dpo.With(dpo.Token)
	c.Base = s2.URL
	j := decodeImport(t, c.Must(200, "GET", "/v1/imports/"+id, nil))
	first := countRecords(t, s2) - before
	if j.Status == "completed" {
		return s2, c, false
	}
	if j.Status != "interrupted" || j.Error != nil {
		t.Fatalf("after shutdown: %+v", j)
	}
	r = postImport(t, c, importJobJSON(id, nil), "big.csv", content)
	if r.Status != 202 {
		t.Fatalf("resume: %d %s", r.Status, r.Body)
	}
	j, body := waitImport(t, c, id)
	if j.Status != "completed" || j.Counts["already_imported"] != first || j.Counts["created"] != n-first || j.Counts["rejected"] != 0 {
		t.Errorf("resumed job (first run imported %d): %s", first, body.Body)
	}
	if got := countRecords(t, s2) - before; got != n {
		t.Errorf("%d records imported, want %d (no duplicates)", got, n)
	}
	if left := spooled(t, cfg.DataDir); len(left) != 0 {
		t.Errorf("uploads left in the spool: %v", left)
	}
	return s2, c, true
}

// TestImportPathsNeedImportDir: without --import-dir, server paths are
// refused.
func TestImportPathsNeedImportDir(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	file := filepath.Join(t.TempDir(), "k.csv")
	if err := os.WriteFile(file, []byte(importCSV), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := dpo.Do("POST", "/v1/imports", importJobJSON("", map[string]any{"path": file})); r.Status != 403 || r.Code() != "import_path_not_allowed" {
		t.Errorf("path without --import-dir: %d %s", r.Status, r.Body)
	}
}
