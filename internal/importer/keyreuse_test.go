package importer_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/importer"
)

// fakeTrail is a data map that records the clean-up tasks it is asked to
// open.
type fakeTrail struct{ tasks []string }

func (f *fakeTrail) ResolveSource(_ context.Context, src importer.SourceRef, dryRun bool) (string, error) {
	return "sys_test", nil
}

func (f *fakeTrail) Unmigrated(context.Context, string, importer.Import) error { return nil }

func (f *fakeTrail) Migrated(_ context.Context, systemID string, job importer.Import) (string, error) {
	f.tasks = append(f.tasks, job.ID)
	return "cln_" + job.ID, nil
}

// wantCode fails the test unless err is an apperr with code.
func wantCode(t *testing.T, err error, code string) *apperr.Error {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code {
		t.Fatalf("error %v, want %s", err, code)
	}
	return e
}

// TestKeyReusedForOtherInput: a job key used again with another input (its
// digest), another mapping, another duplicate policy or other consent
// evidence is refused with import_key_reused naming --job, and nothing of
// the second input is imported; the same input and terms resume or return
// the completed job.
func TestKeyReusedForOtherInput(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		a := importer.Table(dupHeader, [][]string{{"An", "0912000001", "a1@example.com"}, {"Bình", "0912000002", "a2@example.com"}})
		b := importer.Table(dupHeader, [][]string{{"Chi", "0912000003", "b1@example.com"}, {"Dũng", "0912000004", "b2@example.com"}, {"Em", "0912000005", "b3@example.com"}})
		ja := job("J1")
		ja.InputDigest = "digest-a"
		if res := e.mustRun(t, ja, a); res.Created != 2 {
			t.Fatalf("first job: %+v", res)
		}
		jb := job("J1")
		jb.InputDigest = "digest-b"
		res, err := e.im.Run(context.Background(), jb, b)
		if ae := wantCode(t, err, "import_key_reused"); ae.Kind != apperr.Conflict || !strings.Contains(ae.Message, "--job") {
			t.Errorf("refusal %+v", ae)
		}
		if res.Status != "" || res.Created != 0 {
			t.Errorf("refused job has a result: %+v", res)
		}
		if recs, _ := e.count(t); recs != 2 {
			t.Errorf("%d records after the refused job, want 2", recs)
		}

		// Other terms on the same input are refused too.
		for name, change := range map[string]func(*importer.Job){
			"mapping": func(j *importer.Job) {
				j.Mapping = importer.Mapping{"Họ tên": "name", "SĐT": "phone", "Email": "email"}
			},
			"on-duplicate": func(j *importer.Job) { j.OnDuplicate = importer.Update },
		} {
			j := job("J1")
			j.InputDigest = "digest-a"
			change(&j)
			if _, err := e.im.Run(context.Background(), j, a); err == nil {
				t.Errorf("%s changed: the key was taken for the same job", name)
			} else {
				wantCode(t, err, "import_key_reused")
			}
		}

		// The same input and terms: the completed job is returned.
		again := e.mustRun(t, ja, a)
		if again.Status != importer.StatusCompleted || again.Created != 2 {
			t.Errorf("same job again: %+v", again)
		}
	})
}

// TestInterruptedJobResumedWithOtherInput: an interrupted job run again
// with another input is refused rather than resumed at the old row count
// over different data.
func TestInterruptedJobResumedWithOtherInput(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		var data, other [][]string
		for i := range 6000 {
			data = append(data, []string{fmt.Sprintf("Khách %d", i), fmt.Sprintf("091%07d", i), fmt.Sprintf("k%d@example.com", i)})
			other = append(other, []string{fmt.Sprintf("Khác %d", i), fmt.Sprintf("098%07d", i), fmt.Sprintf("o%d@example.com", i)})
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		e.im.BatchSize = 500
		j := job("int")
		j.InputDigest = "first"
		j.Progress = func(c importer.Counts) {
			if c.Created > 0 {
				cancel()
			}
		}
		if res, err := e.im.Run(ctx, j, importer.Table(dupHeader, data)); !errors.Is(err, context.Canceled) || res.Status != importer.StatusInterrupted {
			t.Fatalf("interrupted run: %v %+v", err, res)
		}
		before, _ := e.count(t)
		j2 := job("int")
		j2.InputDigest = "second"
		_, err := e.im.Run(context.Background(), j2, importer.Table(dupHeader, other))
		wantCode(t, err, "import_key_reused")
		if after, _ := e.count(t); after != before {
			t.Errorf("refused resume wrote %d records", after-before)
		}
		// The right input resumes.
		j.Progress = nil
		if res := e.mustRun(t, j, importer.Table(dupHeader, data)); res.Status != importer.StatusCompleted || res.AlreadyImported+res.Created != 6000 {
			t.Errorf("resume: %+v", res)
		}
	})
}

// TestDefaultID: the default key covers the input and whatever decides
// what the rows become, and does not depend on defaults being filled in.
func TestDefaultID(t *testing.T) {
	base := func() importer.Job {
		j := job("")
		j.InputDigest = "abc"
		j.Mapping = importer.Mapping{"Email": "email", "Tên": "name"}
		return j
	}
	id := base()
	ref := id.DefaultID()
	if !strings.HasPrefix(ref, "imp-") || len(ref) != 24 {
		t.Fatalf("default id %q", ref)
	}
	same := base()
	same.OnDuplicate = importer.Skip // the default, explicit
	same.Mapping = importer.Mapping{"Tên": "name", "Email": "email"}
	if same.DefaultID() != ref {
		t.Error("the same job has another default id")
	}
	ev := &importer.ConsentEvidence{Channel: "zalo", NoticeVersion: "1", NoticeText: "ok", CollectedBy: "lan", From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	for name, change := range map[string]func(*importer.Job){
		"input":        func(j *importer.Job) { j.InputDigest = "abd" },
		"mapping":      func(j *importer.Job) { j.Mapping["Email"] = "-" },
		"no mapping":   func(j *importer.Job) { j.Mapping = nil },
		"purpose":      func(j *importer.Job) { j.Purpose = "marketing" },
		"legal basis":  func(j *importer.Job) { j.LegalBasis = "legitimate_interests" },
		"on-duplicate": func(j *importer.Job) { j.OnDuplicate = importer.Update },
		"collection":   func(j *importer.Job) { j.Collection = "leads" },
		"source":       func(j *importer.Job) { j.Source = "other" },
		"consent":      func(j *importer.Job) { j.Consent = ev },
	} {
		j := base()
		change(&j)
		if j.DefaultID() == ref {
			t.Errorf("%s changed, same default id", name)
		}
	}
}

// TestCleanupOnlyWhenAllRowsImported: the clean-up task is opened only when
// every data row is in the vault; a skipped or rejected row withholds it,
// and the result says why.
func TestCleanupOnlyWhenAllRowsImported(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		trail := &fakeTrail{}
		e.im.Trail = trail
		first := e.mustRun(t, job("clean"), importer.Table(dupHeader, [][]string{{"An", "0912000001", "a1@example.com"}}))
		if first.CleanupTaskID != "cln_clean" || first.CleanupWithheld != nil {
			t.Fatalf("all rows imported: %+v", first)
		}
		// a1 is in the vault already: skipped, its new name only in the file.
		skipRows := importer.Table(dupHeader, [][]string{{"An Nguyễn", "", "a1@example.com"}, {"Bình", "0912000002", "a2@example.com"}})
		res := e.mustRun(t, job("skip"), skipRows)
		if res.Skipped != 1 || res.CleanupTaskID != "" || res.CleanupWithheld == nil || res.CleanupWithheld.Skipped != 1 ||
			!strings.Contains(res.CleanupWithheld.Reason, "skipped") {
			t.Errorf("skipped row: %+v %+v", res, res.CleanupWithheld)
		}
		// The completed job, run again, still says why.
		if again := e.mustRun(t, job("skip"), skipRows); again.CleanupWithheld == nil || again.CleanupTaskID != "" {
			t.Errorf("completed job again: %+v", again)
		}
		res = e.mustRun(t, job("rej"), importer.Table(dupHeader, [][]string{{"Chi", "0912000003", "not-an-email"}}))
		if res.Rejected != 1 || res.CleanupTaskID != "" || res.CleanupWithheld == nil || res.CleanupWithheld.Rejected != 1 {
			t.Errorf("rejected row: %+v %+v", res, res.CleanupWithheld)
		}
		// With --on-duplicate update the matched rows are in the vault.
		j := job("upd")
		j.OnDuplicate = importer.Update
		res = e.mustRun(t, j, importer.Table(dupHeader, [][]string{{"An Nguyễn", "", "a1@example.com"}}))
		if res.Updated != 1 || res.CleanupTaskID != "cln_upd" || res.CleanupWithheld != nil {
			t.Errorf("updated rows: %+v", res)
		}
		if fmt.Sprint(trail.tasks) != "[clean upd]" {
			t.Errorf("tasks opened for %v", trail.tasks)
		}
	})
}

// TestNoDataRows: an empty file, a header-only file and a file of blank
// lines are refused before the job starts (mapping_header_missing with a
// mapping, no_data_rows without); no job and no clean-up task is made. A
// dry run reports zero rows.
func TestNoDataRows(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		trail := &fakeTrail{}
		e.im.Trail = trail
		m := importer.Mapping{"Họ tên": "name", "SĐT": "phone", "Email": "email"}
		for name, content := range map[string]string{"empty": "", "header": "Họ tên,SĐT,Email\n", "blank": "\n\n  \n,,\n"} {
			path := e.write(t, name+".csv", []byte(content))
			j := job("nodata-" + name)
			j.Mapping = m
			_, err := e.im.Run(context.Background(), j, importer.File(path))
			if ae := wantCode(t, err, "mapping_header_missing"); !strings.Contains(ae.Message, `"Email"`) {
				t.Errorf("%s: %v", name, ae)
			}
			j.Mapping = nil
			_, err = e.im.Run(context.Background(), j, importer.File(path))
			wantCode(t, err, "no_data_rows")
			if _, err := e.im.GetImport(context.Background(), j.ID); !apperr.IsNotFound(err) {
				t.Errorf("%s: a job was stored: %v", name, err)
			}
			j.DryRun, j.Mapping = true, m
			if res, err := e.im.Run(context.Background(), j, importer.File(path)); err != nil || res.Rows != 0 || res.CleanupTaskID != "" {
				t.Errorf("%s dry run: %+v %v", name, res, err)
			}
		}
		if len(trail.tasks) != 0 {
			t.Errorf("clean-up tasks opened: %v", trail.tasks)
		}
	})
}

// TestLegalBasisMustMatchPurpose: a job stating a legal basis other than
// its purpose's registered one is refused, naming both.
func TestLegalBasisMustMatchPurpose(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		j := importer.Job{ID: "mkt", Collection: "customers", Purpose: "marketing", Source: "leads", LegalBasis: "contract"}
		_, err := e.im.Run(context.Background(), j, importer.Table(dupHeader, [][]string{{"An", "0912000001", "a1@example.com"}}))
		ae := wantCode(t, err, "legal_basis_mismatch")
		if !strings.Contains(ae.Message, "marketing") || !strings.Contains(ae.Message, "consent") || !strings.Contains(ae.Message, "contract") {
			t.Errorf("message %q", ae.Message)
		}
		if recs, _ := e.count(t); recs != 0 {
			t.Errorf("%d records imported", recs)
		}
		// A dry run is refused too.
		j.DryRun = true
		_, err = e.im.Run(context.Background(), j, importer.Table(dupHeader, nil))
		wantCode(t, err, "legal_basis_mismatch")
	})
}

// TestDuplicateHeaderRefused: a header the file has twice, mapped to a
// field, is refused before anything is imported, naming the header.
func TestDuplicateHeaderRefused(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		path := filepath.Join(e.dir, "dup.csv")
		if err := os.WriteFile(path, []byte("Name,Email,Phone,Email\nAn,a@example.com,0912000001,b@example.com\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		j := job("dup-header")
		j.Mapping = importer.Mapping{"Name": "name", "Email": "email", "Phone": "phone"}
		_, err := e.im.Run(context.Background(), j, importer.File(path))
		if ae := wantCode(t, err, "mapping_header_duplicated"); !strings.Contains(ae.Message, `"Email"`) || !strings.Contains(ae.Message, "columns 2 and 4") {
			t.Errorf("message %q", ae.Message)
		}
		if _, err := e.im.GetImport(context.Background(), j.ID); !apperr.IsNotFound(err) {
			t.Errorf("a job was stored: %v", err)
		}
		// Ignoring the duplicated header is fine.
		j.Mapping = importer.Mapping{"Name": "name", "Email": "-", "Phone": "phone"}
		if res := e.mustRun(t, j, importer.File(path)); res.Created != 1 {
			t.Errorf("ignored duplicate: %+v", res)
		}
	})
}

// TestFileDigest: the digest is the SHA-256 of the file's bytes.
func TestFileDigest(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.csv")
	os.WriteFile(p, []byte("abc"), 0o600)
	d, err := importer.FileDigest(context.Background(), p)
	if err != nil || d != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("digest %q %v", d, err)
	}
}

// TestFileRowsDigestedWhenCallerDidNot: a job over File rows without an
// InputDigest (a server's upload) is fingerprinted with its file's digest,
// so its key run again over another file is refused, and over the same
// file is the same job.
func TestFileRowsDigestedWhenCallerDidNot(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		a := e.write(t, "a.csv", []byte("Họ tên,SĐT,Email\nAn,0912000001,a1@example.com\n"))
		b := e.write(t, "b.csv", []byte("Họ tên,SĐT,Email\nChi,0912000003,b1@example.com\nDũng,0912000004,b2@example.com\n"))
		if res := e.mustRun(t, job("upload"), importer.File(a)); res.Created != 1 {
			t.Fatalf("first: %+v", res)
		}
		stored, err := e.im.GetImport(context.Background(), "upload")
		want, _ := importer.FileDigest(context.Background(), a)
		j := job("upload")
		j.InputDigest = want
		if err != nil || stored.Fingerprint != j.Fingerprint() {
			t.Errorf("stored fingerprint %q, want the file's (%v)", stored.Fingerprint, err)
		}
		_, err = e.im.Run(context.Background(), job("upload"), importer.File(b))
		wantCode(t, err, "import_key_reused")
		if res := e.mustRun(t, job("upload"), importer.File(a)); res.Status != importer.StatusCompleted || res.Created != 1 {
			t.Errorf("same file again: %+v", res)
		}
		if recs, _ := e.count(t); recs != 1 {
			t.Errorf("%d records", recs)
		}
	})
}
