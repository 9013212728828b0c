package app_test

import (
	"context"
	"testing"
	"time"

	"custodia/internal/app"
	"custodia/internal/importer"
	"custodia/internal/testutil"
)

// TestImportLeftRunningShowsInterrupted: a job stored as running that no
// process runs (its process crashed) shows as interrupted, in the job and
// in the list, so no one waits on it; posting it again resumes it.
func TestImportLeftRunningShowsInterrupted(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	now := time.Now().UTC()
	if _, _, err := s.DB.CreateImport(context.Background(), importer.Import{ID: "crashed-job", Collection: "customers", Purpose: "support",
		Source: "leads.csv", LegalBasis: "contract", OnDuplicate: importer.Skip, Status: importer.StatusRunning, StartedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	dpo := admin.With(admin.RoleToken("dpo"))
	if got := dpo.Must(200, "GET", "/v1/imports/crashed-job", nil).JSON()["status"]; got != "interrupted" {
		t.Errorf("a job no process runs shows %v, want interrupted", got)
	}
	for _, im := range dpo.Must(200, "GET", "/v1/imports", nil).JSON()["imports"].([]any) {
		if im := im.(map[string]any); im["id"] == "crashed-job" && im["status"] != "interrupted" {
			t.Errorf("listed as %v, want interrupted", im["status"])
		}
	}
}
