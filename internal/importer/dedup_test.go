package importer_test

import (
	"context"
	"testing"

	"custodia/internal/apperr"
	"custodia/internal/importer"
)

var dupHeader = []string{"Họ tên", "SĐT", "Email"}

// TestDuplicatesInsideFile: rows sharing an e-mail address or a phone
// number with an earlier row of the file are that row's person, whatever
// the number of workers.
func TestDuplicatesInsideFile(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		rows := [][]string{
			{"Nguyễn An", "0912000001", "an@example.com"},
			{"Nguyễn Văn An", "", "AN@example.com"},    // same e-mail
			{"Bình", "0912000002", "binh@example.com"}, // new
			{"An (Zalo)", "+84 912 000 001", ""},       // same phone as row 2
			{"Chi", "0912000003", "chi@example.com"},
			{"Chi again", "0912000003", "chi@example.com"},
		}
		res := e.mustRun(t, job("dup-in"), importer.Table(dupHeader, rows))
		if res.Created != 3 || res.Skipped != 3 || res.Rejected != 0 {
			t.Fatalf("skip: %+v", res)
		}
		if n, s := e.count(t); n != 3 || s != 3 {
			t.Fatalf("%d records of %d subjects, want 3", n, s)
		}
		if d := e.lookup(t, "email", "an@example.com")[0].Data; d["name"] != "Nguyễn An" {
			t.Errorf("skip kept %v", d["name"])
		}

		// Update: the later rows' values win, in file order.
		e2 := mustEnv(t, e.engine)
		j := job("dup-in-update")
		j.OnDuplicate = importer.Update
		res = e2.mustRun(t, j, importer.Table(dupHeader, rows))
		if res.Created != 3 || res.Updated != 3 {
			t.Fatalf("update: %+v", res)
		}
		if d := e2.lookup(t, "email", "an@example.com")[0].Data; d["name"] != "An (Zalo)" || d["phone"] != "+84912000001" {
			t.Errorf("update left %v", d)
		}
		if d := e2.lookup(t, "email", "chi@example.com")[0].Data; d["name"] != "Chi again" {
			t.Errorf("update left %v", d)
		}
	})
}

// TestDuplicatesAcrossFiles: a second file's rows match the first's
// people; skip, update and fail act as asked, and a row matching two
// people is rejected, never merged.
func TestDuplicatesAcrossFiles(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		first := [][]string{
			{"Đỗ Hải", "0912000011", "hai@example.com"},
			{"Mai Lan", "0912000012", "lan@example.com"},
		}
		e.mustRun(t, job("file-1"), importer.Table(dupHeader, first))
		second := [][]string{
			{"Đỗ Văn Hải", "0912000011", ""},                 // Hải by phone
			{"Nguyễn Mới", "0912000013", "moi@example.com"},  // new
			{"Lan or Hải?", "0912000011", "lan@example.com"}, // two people
		}
		res := e.mustRun(t, job("file-2"), importer.Table(dupHeader, second))
		if res.Created != 1 || res.Skipped != 1 || res.Rejected != 1 {
			t.Fatalf("skip: %+v", res)
		}
		if r := res.Rejects[0]; r.Row != "4" || r.Code != "duplicate_subjects" {
			t.Errorf("reject %+v", r)
		}
		if d := e.lookup(t, "phone", "0912000011")[0].Data; d["name"] != "Đỗ Hải" {
			t.Errorf("skip changed Hải: %v", d["name"])
		}

		j := job("file-3")
		j.OnDuplicate = importer.Update
		res = e.mustRun(t, j, importer.Table(dupHeader, second))
		if res.Updated != 2 || res.Created != 0 || res.Rejected != 1 {
			t.Fatalf("update: %+v", res)
		}
		recs := e.lookup(t, "phone", "0912000011")
		if len(recs) != 1 || recs[0].Data["name"] != "Đỗ Văn Hải" || recs[0].Data["email"] != "hai@example.com" {
			t.Errorf("update: %v", recs[0].Data)
		}

		j = job("file-4")
		j.OnDuplicate = importer.Fail
		third := [][]string{
			{"Người Mới", "0912000014", "nm@example.com"},
			{"Mai Lan", "", "lan@example.com"},
			{"Sau", "0912000015", "sau@example.com"},
		}
		res, err := e.im.Run(context.Background(), j, importer.Table(dupHeader, third))
		if apperr.CodeOf(err) != "duplicate_row" || res.Status != importer.StatusFailed {
			t.Fatalf("fail: %v %+v", err, res)
		}
		// The counts add up to the rows read: the failing row is not one.
		if c := res.Counts; c.Rows != 1 || c.Created != 1 {
			t.Errorf("fail: counts %+v, want 1 row, 1 created", c)
		}
		if len(e.lookup(t, "email", "nm@example.com")) != 1 || len(e.lookup(t, "email", "sau@example.com")) != 0 {
			t.Errorf("fail: the rows before the duplicate stay, those after are not imported")
		}
		stored, err := e.im.GetImport(context.Background(), "file-4")
		if err != nil || stored.Status != importer.StatusFailed {
			t.Errorf("stored job %+v %v", stored, err)
		}
	})
}

// TestSharedPhoneIsNotAMatch: a row that matches a person only through a
// phone they share (an office line, an assistant's number) while its own
// e-mail address is new is someone else: rejected, never merged into or
// skipped as that person (QA: with --on-duplicate update one executive
// overwrote another), in the file and across files.
func TestSharedPhoneIsNotAMatch(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		e.mustRun(t, job("shared-1"), importer.Table(dupHeader, [][]string{{"Robert King", "0912000099", "robert@example.com"}}))
		for _, mode := range []importer.OnDuplicate{importer.Update, importer.Skip} {
			j := job("shared-2-" + string(mode))
			j.OnDuplicate = mode
			res := e.mustRun(t, j, importer.Table(dupHeader, [][]string{
				{"Susan Lee", "0912000099", "susan@example.com"},           // another person, same office line
				{"Robert K.", "0912000099", "robert@example.com"},          // Robert himself
				{"Mai", "0912000100", "mai@example.com"},                   // new
				{"Mai's husband", "0912000100", "mai.husband@example.com"}, // shares Mai's phone, in the same file
			}))
			// The update run creates Mai and updates Robert; the skip run,
			// after it, skips both.
			want := importer.Counts{Rows: 4, Created: 1, Updated: 1, Rejected: 2}
			if mode == importer.Skip {
				want = importer.Counts{Rows: 4, Skipped: 2, Rejected: 2}
			}
			if res.Counts != want {
				t.Fatalf("%s: %+v, want %+v", mode, res.Counts, want)
			}
			for _, rj := range res.Rejects {
				if rj.Code != "conflicting_match" {
					t.Errorf("%s: reject %+v", mode, rj)
				}
			}
			if d := e.lookup(t, "email", "robert@example.com")[0].Data; d["email"] != "robert@example.com" {
				t.Errorf("%s: Robert's record became %v", mode, d)
			}
			if got := e.lookup(t, "email", "susan@example.com"); len(got) != 0 {
				t.Errorf("%s: Susan imported as %v", mode, got)
			}
		}
	})
}
