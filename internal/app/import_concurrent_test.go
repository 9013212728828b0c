package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// TestImportJobsAtOnce: two jobs posted together into one collection, with
// the same people (same phones) under other names, take turns: the second
// matches what the first wrote and skips it, so nobody is created twice.
func TestImportJobsAtOnce(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	const people = 2000
	file := func(tag string) string {
		var b strings.Builder
		b.WriteString("Họ tên,SĐT\n")
		for i := range people {
			fmt.Fprintf(&b, "Khách %s %d,+8491%07d\n", tag, i, i)
		}
		return b.String()
	}
	for _, id := range []string{"team-a", "team-b"} {
		job := importJobJSON(id, map[string]any{"source": id, "mapping": "Họ tên=name,SĐT=phone"})
		if r := postImport(t, dpo, job, id+".csv", file(id)); r.Status != 202 {
			t.Fatalf("POST %s: %d %s", id, r.Status, r.Body)
		}
	}
	created, skipped := 0, 0
	for _, id := range []string{"team-a", "team-b"} {
		job, r := waitImport(t, dpo, id)
		if job.Status != "completed" {
			t.Fatalf("%s: %s", id, r.Body)
		}
		created += job.Counts["created"]
		skipped += job.Counts["skipped"]
	}
	_, subjects, err := s.DB.CountRecords(context.Background(), "customers")
	if err != nil {
		t.Fatal(err)
	}
	if created != people || skipped != people || subjects != people {
		t.Errorf("created %d, skipped %d, %d subjects; want %d, %d, %d", created, skipped, subjects, people, people, people)
	}
}
