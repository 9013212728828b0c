package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// importArgs are the arguments of an offline support import of file.
func importArgs(file, data string, extra ...string) []string {
	args := []string{"import", file, "--data-dir", data, "--collection", "customers", "--purpose", "support",
		"--source", "Lan's customer list", "--holder", "lan@example.com", "--legal-basis", "contract", "--default-region", "VN",
		"--rejects", file + ".rejects.csv", "--progress", "never"}
	return append(args, extra...)
}

// TestImportJobKeyReused: a --job key used again for another file is
// refused (nothing of the second file is imported, no result is printed),
// and the second file imports under a new key.
func TestImportJobKeyReused(t *testing.T) {
	dir, data := offlineCustomers(t)
	jA := filepath.Join(dir, "jA.csv")
	jB := filepath.Join(dir, "jB.csv")
	os.WriteFile(jA, []byte("Name,Email\nAn,a1@example.com\nBình,a2@example.com\n"), 0o600)
	os.WriteFile(jB, []byte("Name,Email\nChi,b1@example.com\nDũng,b2@example.com\nEm,b3@example.com\n"), 0o600)
	m := []string{"--map", "Name=name,Email=email"}

	out, errOut, code := run(t, "", importArgs(jA, data, append(m, "--job", "J1")...)...)
	if code != 0 || !strings.Contains(out, "created 2") {
		t.Fatalf("jA: %d %s %s", code, out, errOut)
	}
	out, errOut, code = run(t, "", importArgs(jB, data, append(m, "--job", "J1")...)...)
	if code != exitUsage || !strings.Contains(errOut, "import_key_reused") || !strings.Contains(errOut, "--job") || out != "" {
		t.Fatalf("jB under J1: %d %q %s", code, out, errOut)
	}
	// The same with --json: the error only, on stderr.
	out, errOut, code = run(t, "", importArgs(jB, data, append(m, "--job", "J1", "--json")...)...)
	if code != exitUsage || out != "" || !strings.Contains(errOut, "import_key_reused") {
		t.Fatalf("jB under J1 --json: %d %q %s", code, out, errOut)
	}
	out, errOut, code = run(t, "", importArgs(jB, data, m...)...)
	if code != 0 || !strings.Contains(out, "created 3") {
		t.Fatalf("jB under its default key: %d %s %s", code, out, errOut)
	}
	// jA again under a new key: its people are in the vault, skipped by
	// default, so the source keeps its copy and the output says why.
	out, errOut, code = run(t, "", importArgs(jA, data, append(m, "--job", "J2", "--json")...)...)
	if code != 0 || !strings.Contains(out, `"skipped": 2`) || !strings.Contains(out, `"cleanup_withheld"`) || strings.Contains(out, `"cleanup_task_id"`) {
		t.Fatalf("jA again: %d %s %s", code, out, errOut)
	}
}

// TestImportCorrectedMapping: after a run whose rows were rejected for an
// unmapped column, the same command with a corrected --map is a new job
// that imports them; the identical command again resumes (here: returns)
// the completed job.
func TestImportCorrectedMapping(t *testing.T) {
	dir, data := offlineCustomers(t)
	file := filepath.Join(dir, "leads.csv")
	os.WriteFile(file, []byte("Name,Email,Backup mail\nAn,a1@example.com,an.home@example.com\nBình,a2@example.com,binh.home@example.com\n"), 0o600)
	out, errOut, code := run(t, "", importArgs(file, data, "--map", "Name=name,Email=email")...)
	if code != 0 || !strings.Contains(out, "rejected 2") || !strings.Contains(out, "not marked migrated") {
		t.Fatalf("first run: %d %s %s", code, out, errOut)
	}
	// The same command again returns the completed job: its rejects file
	// stays and is named (QA: it was removed as stale).
	rejects, _ := os.ReadFile(file + ".rejects.csv")
	out, errOut, code = run(t, "", importArgs(file, data, "--map", "Name=name,Email=email")...)
	if code != 0 || !strings.Contains(out, "rejected 2") || !strings.Contains(out, file+".rejects.csv") {
		t.Fatalf("first run again: %d %s %s", code, out, errOut)
	}
	if again, err := os.ReadFile(file + ".rejects.csv"); err != nil || len(rejects) == 0 || string(again) != string(rejects) {
		t.Fatalf("rejects file after the run again: %v %q, was %q", err, again, rejects)
	}
	fixed := importArgs(file, data, "--map", "Name=name,Email=email,Backup mail=-")
	out, errOut, code = run(t, "", fixed...)
	if code != 0 || !strings.Contains(out, "created 2") || !strings.Contains(out, "clean-up task cln_") {
		t.Fatalf("corrected run: %d %s %s", code, out, errOut)
	}
	again, errOut, code := run(t, "", fixed...)
	if code != 0 || !strings.Contains(again, "created 2") || strings.Fields(again)[1] != strings.Fields(out)[1] {
		t.Fatalf("identical run: %d %s %s", code, again, errOut)
	}
}

// TestImportRefusedBeforeStart: errors found before the job starts print
// only the error (no blank result, with or without --json): a legal basis
// other than the purpose's, a file without data rows, a duplicated header.
func TestImportRefusedBeforeStart(t *testing.T) {
	dir, data := offlineCustomers(t)
	ok := filepath.Join(dir, "ok.csv")
	os.WriteFile(ok, []byte("Name,Email\nAn,a1@example.com\n"), 0o600)
	empty := filepath.Join(dir, "empty.csv")
	os.WriteFile(empty, []byte("\n\n"), 0o600)
	header := filepath.Join(dir, "header.csv")
	os.WriteFile(header, []byte("Name,Email\n"), 0o600)
	dup := filepath.Join(dir, "dup.csv")
	os.WriteFile(dup, []byte("Name,Email,Phone,Email\nAn,a1@example.com,0912345678,x@example.com\n"), 0o600)

	marketing := func(file string) []string {
		a := importArgs(file, data, "--map", "Name=-,Email=email")
		for i := range a {
			if a[i] == "support" {
				a[i] = "marketing"
			}
		}
		return a
	}
	for _, c := range []struct {
		name, code string
		args       []string
	}{
		{"basis", "legal_basis_mismatch", marketing(ok)},
		{"empty", "mapping_header_missing", importArgs(empty, data, "--map", "Name=name,Email=email")},
		{"header only", "mapping_header_missing", importArgs(header, data, "--map", "Name=name,Email=email")},
		{"duplicate header", "mapping_header_duplicated", importArgs(dup, data, "--map", "Name=name,Email=email,Phone=phone")},
	} {
		for _, json := range []bool{false, true} {
			args := c.args
			if json {
				args = append(append([]string{}, args...), "--json")
			}
			out, errOut, code := run(t, "", args...)
			if code != exitUsage || out != "" || !strings.Contains(errOut, c.code) {
				t.Errorf("%s (json %v): %d %q %s", c.name, json, code, out, errOut)
			}
		}
	}
	// Nothing was imported, no clean-up task opened.
	db := openSQLite(t, filepath.Join(data, "custodia.db"))
	defer db.Close()
	var recs, tasks, jobs int
	db.QueryRow("SELECT count(*) FROM records").Scan(&recs)
	db.QueryRow("SELECT count(*) FROM cleanup_tasks").Scan(&tasks)
	db.QueryRow("SELECT count(*) FROM imports").Scan(&jobs)
	if recs != 0 || tasks != 0 || jobs != 0 {
		t.Errorf("%d records, %d clean-up tasks, %d jobs after refusals", recs, tasks, jobs)
	}
}

// TestImportHelpDryRun: --help says what a dry run writes and when the
// clean-up task is opened.
func TestImportHelpDryRun(t *testing.T) {
	out, _, code := run(t, "", "import", "--help")
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{"writes nothing to the vault or the data map; the rejects file is still written",
		"only when every data row of the file is in the vault", "pass a new --job"} {
		if code != 0 || !strings.Contains(flat, want) {
			t.Errorf("help lacks %q: %s", want, out)
		}
	}
}

// TestImportWarnsWithoutMatchKey: a mapping that maps no indexed or unique
// field cannot match rows to people already in the vault: the command
// says so (QA: the same file imported twice doubled its people silently).
func TestImportWarnsWithoutMatchKey(t *testing.T) {
	dir, data := offlineCustomers(t)
	file := filepath.Join(dir, "names.csv")
	os.WriteFile(file, []byte("Name,Note\nAn,vip\nBình,new\n"), 0o600)
	_, errOut, code := run(t, "", importArgs(file, data, "--map", "Name=name,Note=-")...)
	if code != 0 || !strings.Contains(errOut, "warning: no mapped field of customers is indexed or unique") {
		t.Fatalf("names only: %d %s", code, errOut)
	}
	withEmail := filepath.Join(dir, "emails.csv")
	os.WriteFile(withEmail, []byte("Name,Email\nChi,chi@example.com\n"), 0o600)
	if _, errOut, code := run(t, "", importArgs(withEmail, data, "--map", "Name=name,Email=email")...); code != 0 || strings.Contains(errOut, "warning:") {
		t.Fatalf("with an e-mail: %d %s", code, errOut)
	}
}

// TestImportRegionIsPartOfTheJob: phones written without + are rejected
// without a default region, with a reason that names the flag; the same
// command with --default-region is a new job that imports them, and the
// same command once more says it did nothing now (QA: the corrected run
// silently printed the first run's result).
func TestImportRegionIsPartOfTheJob(t *testing.T) {
	dir, data := offlineCustomers(t)
	file := filepath.Join(dir, "phones.csv")
	os.WriteFile(file, []byte("Name,Email,Phone\nAn,a1@example.com,0912345678\nBình,a2@example.com,0987654321\n"), 0o600)
	args := func(extra ...string) []string {
		a := []string{"import", file, "--data-dir", data, "--collection", "customers", "--purpose", "support", "--source", "Lan's list",
			"--legal-basis", "contract", "--rejects", file + ".rejects.csv", "--progress", "never", "--map", "Name=name,Email=email,Phone=phone"}
		return append(a, extra...)
	}
	out, errOut, code := run(t, "", args()...)
	rejects, _ := os.ReadFile(file + ".rejects.csv")
	if code != 0 || !strings.Contains(out, "rejected 2") || !strings.Contains(string(rejects), "--default-region") {
		t.Fatalf("no region: %d %s %s\nrejects: %s", code, out, errOut, rejects)
	}
	out, errOut, code = run(t, "", args("--default-region", "VN")...)
	if code != 0 || !strings.Contains(out, "created 2") || strings.Contains(out, "completed earlier") {
		t.Fatalf("with the region: %d %s %s", code, out, errOut)
	}
	out, errOut, code = run(t, "", args("--default-region", "VN")...)
	if code != 0 || !strings.Contains(out, "completed earlier") || !strings.Contains(out, "nothing was imported now") || !strings.Contains(out, "--job") {
		t.Fatalf("the same again: %d %s %s", code, out, errOut)
	}
	out, _, _ = run(t, "", args("--default-region", "VN", "--json")...)
	if !strings.Contains(out, `"already_completed": true`) || !strings.Contains(out, `"finished_at"`) {
		t.Errorf("--json of the same again: %s", out)
	}
}
