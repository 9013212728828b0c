package main

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"custodia/internal/testutil"
)

// customersCSV is a sales team's export: Vietnamese headers, a byte order
// mark, national-format phones, a bad e-mail, a duplicate of row 2, and
// columns that are not personal data.
const customersCSV = "\ufeffHọ tên,SĐT,Email,Địa chỉ,Công ty,Ghi chú\n" +
	"Nguyễn Văn An,0912345678,an.nguyen@example.com,12 Lê Lợi Quận 1,ACME,khách VIP\n" +
	"Trần Thị Bình,0987 654 321,binh.tran@example,3 Hai Bà Trưng,Beta,\n" +
	"Lê Văn Cường,0903111222,cuong.le@example.com,,Gamma,gọi lại sau\n" +
	"Nguyễn Văn An,0912345678,AN.NGUYEN@example.com,12 Lê Lợi Quận 1,ACME,trùng\n"

const customersMap = "Họ tên=name,SĐT=phone,Email=email,Địa chỉ=address,Công ty=-,Ghi chú=-"

// offlineCustomers makes a data directory with the customers collection,
// applied offline; it returns the test's directory and the data directory.
func offlineCustomers(t *testing.T) (dir, data string) {
	t.Helper()
	dir = t.TempDir()
	data = filepath.Join(dir, "data")
	schema := filepath.Join(dir, "schema.json")
	os.WriteFile(schema, []byte(testutil.CustomersSchema), 0o600)
	if out, errOut, code := run(t, "", "collections", "apply", "-f", schema, "--data-dir", data); code != 0 {
		t.Fatalf("apply: %d %s %s", code, out, errOut)
	}
	return dir, data
}

// TestImportOffline runs custodia import on a data directory: the
// mapping, the rejects file (masked), duplicates, the redacted copy, a
// second run of the completed job, a dry run, and the proposal that a
// non-interactive run without --yes refuses.
func TestImportOffline(t *testing.T) {
	dir, data := offlineCustomers(t)
	file := filepath.Join(dir, "khach-hang.csv")
	os.WriteFile(file, []byte(customersCSV), 0o600)
	rejects := filepath.Join(dir, "rejects.csv")
	redacted := filepath.Join(dir, "khach-hang-redacted.csv")
	base := []string{"import", file, "--data-dir", data, "--collection", "customers", "--purpose", "support",
		"--source", "Lan's customer list", "--holder", "lan@example.com", "--legal-basis", "contract", "--default-region", "VN", "--rejects", rejects}

	// Without a mapping and without a terminal: the proposal is shown,
	// nothing is imported.
	_, errOut, code := run(t, "", base...)
	if code != exitUsage || !strings.Contains(errOut, "Họ tên") || !strings.Contains(errOut, "-> name") || !strings.Contains(errOut, "--yes") {
		t.Fatalf("proposal without --yes: %d %s", code, errOut)
	}

	out, errOut, code := run(t, "", append(base, "--map", customersMap, "--dry-run")...)
	if code != 0 || !strings.Contains(out, "dry run") || !strings.Contains(out, "created 2") {
		t.Fatalf("dry run: %d %s %s", code, out, errOut)
	}

	out, errOut, code = run(t, "", append(base, "--map", customersMap, "--redact-source", redacted)...)
	if code != 0 || !strings.Contains(out, "rows 4: created 2, updated 0, skipped 1") || !strings.Contains(out, "rejected 1") {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	rj, err := os.ReadFile(rejects)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rj), "3,invalid_email,") || strings.Contains(string(rj), "binh.tran") || strings.Contains(string(rj), "Trần Thị Bình") {
		t.Errorf("rejects file: %s", rj)
	}
	red, err := os.ReadFile(redacted)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Nguyễn", "0912345678", "an.nguyen", "Lê Lợi", "cuong.le"} {
		if strings.Contains(string(red), secret) {
			t.Errorf("redacted copy holds %q:\n%s", secret, red)
		}
	}
	if !strings.Contains(string(red), "ACME") || !strings.Contains(string(red), "khách VIP") || !strings.HasPrefix(string(red), "\ufeffHọ tên,SĐT") {
		t.Errorf("redacted copy lost what is not personal:\n%s", red)
	}
	// A rejected row keeps the source from being marked migrated.
	if strings.Contains(out, "clean-up task") || !strings.Contains(out, "not marked migrated") {
		t.Errorf("source marked migrated despite a rejected row: %s", out)
	}

	// The same command again: the job completed, nothing is imported twice.
	out, errOut, code = run(t, "", append(base, "--map", customersMap)...)
	if code != 0 || !strings.Contains(out, "completed") || !strings.Contains(out, "created 2") {
		t.Fatalf("second run: %d %s %s", code, out, errOut)
	}

	// The fixed file, with the proposal accepted and the people already in
	// the vault updated: the bad row imports, every row of the file is in
	// the vault, and the source is marked migrated. (With the default
	// --on-duplicate skip the skipped rows would withhold the task: see
	// TestImportCleanupWithheld.)
	fixed := strings.Replace(customersCSV, "binh.tran@example,", "binh.tran@example.com,", 1)
	os.WriteFile(file, []byte(fixed), 0o600)
	out, errOut, code = run(t, "", append(base, "--yes", "--json", "--on-duplicate", "update")...)
	if code != 0 || !strings.Contains(out, `"created": 1`) || !strings.Contains(out, `"updated": 3`) || !strings.Contains(out, `"cleanup_task_id": "cln_`) {
		t.Fatalf("fixed file: %d %s %s", code, out, errOut)
	}
	if strings.Contains(errOut+out, "0912345678") || strings.Contains(errOut+out, "an.nguyen") {
		t.Errorf("output holds personal data: %s %s", out, errOut)
	}
	// A run without rejects removes the rejects file of the earlier run,
	// which would name rows this run imported.
	if _, err := os.Stat(rejects); !os.IsNotExist(err) {
		t.Errorf("the earlier run's rejects file is left after a run without rejects: %v", err)
	}
	// The audit log names the command as the actor of what it wrote.
	db := openSQLite(t, filepath.Join(data, "custodia.db"))
	defer db.Close()
	rows, err := db.Query("SELECT action, actor, count(*) FROM audit_log WHERE action IN ('record.create', 'import.start', 'import.completed', 'system.create', 'cleanup.task.open') GROUP BY action, actor")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var action, actor string
		var n int
		rows.Scan(&action, &actor, &n)
		seen[action] = true
		if actor != "cli:import" {
			t.Errorf("%d %s entries by %q, want cli:import", n, action, actor)
		}
	}
	if len(seen) != 5 {
		t.Errorf("audit actions of the import: %v", seen)
	}
	db.Close()

	// A job that fails says why in --json too, not only on stderr.
	out, errOut, code = run(t, "", append(base, "--yes", "--json", "--on-duplicate", "fail", "--job", "fails-on-duplicates")...)
	if code != exitFailed || !strings.Contains(out, `"status": "failed"`) || !strings.Contains(out, `"code": "duplicate_row"`) {
		t.Errorf("failed job: %d %s %s", code, out, errOut)
	}
}

// TestImportOutputPathsChecked: output paths that would overwrite the
// file being imported, a redacted copy in another format, a directory
// that does not exist, and --url without a token are usage errors found
// before anything is imported; the input is untouched.
func TestImportOutputPathsChecked(t *testing.T) {
	dir, data := offlineCustomers(t)
	file := filepath.Join(dir, "khach-hang.csv")
	os.WriteFile(file, []byte(customersCSV), 0o600)
	base := []string{"import", file, "--data-dir", data, "--collection", "customers", "--purpose", "support",
		"--source", "Lan's customer list", "--legal-basis", "contract", "--default-region", "VN", "--map", customersMap}
	for name, extra := range map[string][]string{
		"rejects over the input":             {"--rejects", file, "--dry-run"},
		"redacted copy over the input":       {"--redact-source", file},
		"redacted copy as PDF":               {"--redact-source", filepath.Join(dir, "out.pdf")},
		"redacted copy in no directory":      {"--redact-source", filepath.Join(dir, "missing", "out.csv")},
		"rejects and redacted copy one file": {"--rejects", filepath.Join(dir, "out.csv"), "--redact-source", filepath.Join(dir, ".", "out.csv")},
		"url without a token":                {"--url", "http://127.0.0.1:9"},
		"unknown phone region":               {"--default-region", "XX"},
	} {
		if out, errOut, code := run(t, "", append(base, extra...)...); code != exitUsage {
			t.Errorf("%s: exit %d, want %d: %s %s", name, code, exitUsage, out, errOut)
		}
	}
	if got, err := os.ReadFile(file); err != nil || string(got) != customersCSV {
		t.Fatalf("the input file changed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(data, "custodia.db")); err != nil {
		t.Fatal(err)
	}
	db := openSQLite(t, filepath.Join(data, "custodia.db"))
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM records").Scan(&n); err != nil || n != 0 {
		t.Errorf("records after refused runs: %d %v", n, err)
	}
}

// TestImportThroughServer uploads the file to a running server, which
// imports it as a job the command follows to its end.
func TestImportThroughServer(t *testing.T) {
	dir := t.TempDir()
	p := startServe(t, "--data-dir", dir, "--bootstrap-token", testutil.AdminToken, "--default-region", "VN")
	c := p.client(t, testutil.AdminToken)
	c.Must(201, "PUT", "/v1/collections/customers", testutil.CustomersSchema)
	file := filepath.Join(dir, "khach-hang.csv")
	os.WriteFile(file, []byte(customersCSV), 0o600)
	rejects := filepath.Join(dir, "rejects.csv")
	dpo := c.RoleToken("dpo")
	out, errOut, code := run(t, "", "import", file, "--url", "http://"+p.addr, "--token", dpo, "--collection", "customers", "--purpose", "support",
		"--source", "Lan's customer list", "--holder", "lan@example.com", "--legal-basis", "contract", "--map", customersMap, "--rejects", rejects)
	if code != 0 || !strings.Contains(out, "created 2") || !strings.Contains(out, "rejected 1") {
		t.Fatalf("import through the server: %d %s %s", code, out, errOut)
	}
	if rj, err := os.ReadFile(rejects); err != nil || !strings.Contains(string(rj), "invalid_email") || strings.Contains(string(rj), "binh.tran") {
		t.Errorf("rejects: %v %s", err, rj)
	}
	// The same command as a dry run after the real one: a job of its own
	// (QA: refused as import_key_reused, naming an id the user never gave).
	out, errOut, code = run(t, "", "import", file, "--url", "http://"+p.addr, "--token", dpo, "--collection", "customers", "--purpose", "support",
		"--source", "Lan's customer list", "--holder", "lan@example.com", "--legal-basis", "contract", "--map", customersMap, "--rejects", rejects, "--dry-run")
	if code != 0 || !strings.Contains(out, "rejected 1") {
		t.Fatalf("dry run after the import: %d %s %s", code, out, errOut)
	}
	d := c.With(dpo)
	r := d.Must(200, "GET", "/v1/collections/customers/records?purpose=support&email="+url.QueryEscape("an.nguyen@example.com"), nil)
	if recs := r.JSON()["records"].([]any); len(recs) != 1 {
		t.Errorf("imported record by e-mail: %s", r.Body)
	}
	// Input the server refuses exits 2 (bad usage or input), as it does
	// offline; a refused token too.
	for name, extra := range map[string][]string{
		"legal basis": {"--token", dpo, "--legal-basis", "maybe"},
		"collection":  {"--token", dpo, "--legal-basis", "contract", "--collection", "nope"},
		"bad token":   {"--token", "cst_not-a-token", "--legal-basis", "contract"},
	} {
		args := append([]string{"import", file, "--url", "http://" + p.addr, "--collection", "customers", "--purpose", "support",
			"--source", "Lan's customer list", "--map", customersMap, "--rejects", rejects}, extra...)
		if out, errOut, code := run(t, "", args...); code != exitUsage {
			t.Errorf("%s refused by the server: exit %d, want %d: %s %s", name, code, exitUsage, out, errOut)
		}
	}
	// So does input the job refuses once started: a file without data
	// rows, a mapping naming a header the file lacks (QA: both exited 3).
	headerOnly := filepath.Join(t.TempDir(), "empty.csv")
	if err := os.WriteFile(headerOnly, []byte("Họ tên,SĐT,Email\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, fm := range map[string][2]string{"no data rows": {headerOnly, customersMap}, "missing header": {file, "Tên đầy đủ=name"}} {
		args := []string{"import", fm[0], "--url", "http://" + p.addr, "--token", dpo, "--legal-basis", "contract", "--collection", "customers", "--purpose", "support",
			"--source", "Lan's customer list", "--map", fm[1], "--rejects", rejects, "--job", "refused-" + strings.ReplaceAll(name, " ", "-")}
		if out, errOut, code := run(t, "", args...); code != exitUsage {
			t.Errorf("%s, refused by the job: exit %d, want %d: %s %s", name, code, exitUsage, out, errOut)
		}
	}
	p.stop(t)
}

// TestImportCrashThenResume kills `custodia import` (SIGKILL, no chance to
// clean up) while it writes, then runs the same command again: every row
// is imported exactly once, and no subject is left half-written.
func TestImportCrashThenResume(t *testing.T) {
	dir, data := offlineCustomers(t)
	for rows := 40000; ; rows *= 2 {
		file := filepath.Join(dir, fmt.Sprintf("big-%d.csv", rows))
		var sb strings.Builder
		sb.WriteString("Họ tên,SĐT,Email\n")
		for i := range rows {
			fmt.Fprintf(&sb, "Khách %d,+8491%07d,k%d.%d@example.com\n", i, i, rows, i)
		}
		os.WriteFile(file, []byte(sb.String()), 0o600)
		args := []string{"import", file, "--data-dir", data, "--collection", "customers", "--purpose", "support", "--source", "big export",
			"--legal-basis", "contract", "--map", "Họ tên=name,SĐT=phone,Email=email", "--job", fmt.Sprintf("crash-%d", rows)}
		cmd := exec.Command(binary, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		db := openSQLite(t, filepath.Join(data, "custodia.db"))
		killed := false
	poll:
		for {
			select {
			case <-done:
				break poll // finished before any write was seen: try a bigger file
			case <-time.After(20 * time.Millisecond):
			}
			var n int
			if err := db.QueryRow("SELECT count(*) FROM record_provenance WHERE job_id = ?", fmt.Sprintf("crash-%d", rows)).Scan(&n); err == nil && n > 0 {
				_ = cmd.Process.Kill()
				<-done
				killed = n < rows
				break
			}
		}
		if !killed {
			db.Close()
			if rows > 1_000_000 {
				t.Fatal("the import always finished before it could be killed")
			}
			continue
		}
		out, errOut, code := run(t, "", args...)
		if code != 0 || !strings.Contains(out, "completed") {
			t.Fatalf("resume: %d %s %s", code, out, errOut)
		}
		var created, already int
		fmt.Sscanf(out[strings.Index(out, "created"):], "created %d", &created)
		fmt.Sscanf(out[strings.Index(out, "already imported"):], "already imported %d", &already)
		if created == 0 || already == 0 || created+already != rows {
			t.Errorf("resume after the crash: created %d + already imported %d, want %d rows:\n%s", created, already, rows, out)
		}
		var recs, subjects, prov, orphans int
		db.QueryRow("SELECT count(*) FROM records").Scan(&recs)
		db.QueryRow("SELECT count(*) FROM subjects").Scan(&subjects)
		db.QueryRow("SELECT count(*) FROM record_provenance").Scan(&prov)
		db.QueryRow("SELECT count(*) FROM subjects s WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.subject_id = s.id)").Scan(&orphans)
		db.Close()
		if recs != rows || subjects != rows || prov != rows || orphans != 0 {
			t.Errorf("after the crash and resume: %d records, %d subjects, %d provenance rows, %d subjects without a record; want %d", recs, subjects, prov, orphans, rows)
		}
		return
	}
}

// TestImportSIGTERMReportsInterrupted: an offline import stopped with
// SIGTERM reports, in --json, the status interrupted and the code
// import_interrupted (as the server does), not an internal error.
func TestImportSIGTERMReportsInterrupted(t *testing.T) {
	dir, data := offlineCustomers(t)
	for rows := 40000; rows <= 1_000_000; rows *= 2 {
		file := filepath.Join(dir, fmt.Sprintf("term-%d.csv", rows))
		var sb strings.Builder
		sb.WriteString("Họ tên,SĐT,Email\n")
		for i := range rows {
			fmt.Fprintf(&sb, "Khách %d,+8492%07d,t%d.%d@example.com\n", i, i, rows, i)
		}
		os.WriteFile(file, []byte(sb.String()), 0o600)
		job := fmt.Sprintf("term-%d", rows)
		cmd := exec.Command(binary, "import", file, "--data-dir", data, "--collection", "customers", "--purpose", "support", "--source", "term export",
			"--legal-basis", "contract", "--map", "Họ tên=name,SĐT=phone,Email=email", "--job", job, "--json")
		var stdout strings.Builder
		cmd.Stdout = &stdout
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		db := openSQLite(t, filepath.Join(data, "custodia.db"))
		stopped := false
	poll:
		for {
			select {
			case <-done:
				break poll
			case <-time.After(20 * time.Millisecond):
			}
			var n int
			if err := db.QueryRow("SELECT count(*) FROM record_provenance WHERE job_id = ?", job).Scan(&n); err == nil && n > 0 && n < rows {
				_ = cmd.Process.Signal(syscall.SIGTERM)
				<-done
				stopped = true
				break
			}
		}
		db.Close()
		if !stopped || !strings.Contains(stdout.String(), `"status": "interrupted"`) {
			continue // finished first: a bigger file
		}
		if !strings.Contains(stdout.String(), `"code": "import_interrupted"`) || strings.Contains(stdout.String(), `"internal"`) {
			t.Errorf("interrupted import's JSON: %s", stdout.String())
		}
		return
	}
	t.Fatal("the import always finished before it could be stopped")
}
