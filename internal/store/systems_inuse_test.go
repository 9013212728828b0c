package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/cleanup"
	"custodia/internal/datamap"
	"custodia/internal/incidents"
)

// TestDeleteSystemInUse: a system an open incident names, or whose
// migrated copy has an open clean-up task, cannot be deleted (the breach
// record or the clean-up trail would lose it); once the incident is
// closed and the task closed with evidence, it can.
func TestDeleteSystemInUse(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		for _, s := range []datamap.System{
			{ID: "sys_sheet", Name: "Lan's customers.xlsx", Kind: "spreadsheet", Status: datamap.StatusShadow},
			{ID: "sys_crm", Name: "CRM", Kind: "database", Status: datamap.StatusOfficial},
			{ID: "sys_free", Name: "Old mailbox", Kind: "mailbox", Status: datamap.StatusShadow},
		} {
			s.Holders, s.Categories, s.CreatedAt, s.UpdatedAt = []string{}, []datamap.Category{}, now, now
			if err := e.db.PutSystem(ctx, s, &audit.Entry{Actor: "test", Action: "system.create"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.db.OpenCleanupTask(ctx, cleanup.Task{ID: "cln_sheet", SystemID: "sys_sheet", ImportID: "job-1", Title: "destroy the copy",
			State: cleanup.StateOpen, CreatedAt: now}, nil); err != nil {
			t.Fatal(err)
		}
		in := incidents.Input{Description: "CRM export mailed out", DetectedAt: now.Add(-2 * time.Hour), BecameAwareAt: now.Add(-time.Hour),
			Systems: []string{"sys_crm", "sys_vault"}, Jurisdictions: []string{"GDPR"}}
		if err := in.Validate(now, incidents.Default()); err != nil {
			t.Fatal(err)
		}
		aff, facts := incidents.Default().Count(incidents.Scope{Always: in.Jurisdictions, Estimated: 3})
		cs, err := incidents.Default().Clocks(incidents.Facts{DetectedAt: in.DetectedAt, AwareAt: in.BecameAwareAt, Affected: facts})
		if err != nil {
			t.Fatal(err)
		}
		rec := incidents.New("inc_crm", in, "", aff, cs, "user:dpo", now)
		if err := e.db.CreateIncident(ctx, rec, nil); err != nil {
			t.Fatal(err)
		}

		refused := func(id, mentions string) {
			t.Helper()
			err := e.db.DeleteSystem(ctx, id, &audit.Entry{Actor: "test", Action: "system.delete", RecordID: id})
			if apperr.CodeOf(err) != "system_in_use" || !strings.Contains(err.Error(), mentions) {
				t.Errorf("delete %s: %v, want system_in_use naming %q", id, err, mentions)
			}
			if _, err := e.db.GetSystem(ctx, id); err != nil {
				t.Errorf("%s after a refused delete: %v", id, err)
			}
		}
		refused("sys_sheet", "clean-up task")
		refused("sys_crm", "inc_crm")
		if err := e.db.DeleteSystem(ctx, "sys_free", nil); err != nil {
			t.Errorf("delete a system nothing names: %v", err)
		}

		if _, err := e.db.CloseCleanupTask(ctx, "cln_sheet", "file shredded", "", "user:lan", now, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.UpdateIncident(ctx, "inc_crm", func(r *incidents.Record) ([]incidents.Event, error) {
			closedAt := now
			r.Status, r.ClosedAt = incidents.StatusClosed, &closedAt
			return nil, nil
		}, nil); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"sys_sheet", "sys_crm"} {
			if err := e.db.DeleteSystem(ctx, id, nil); err != nil {
				t.Errorf("delete %s once nothing open names it: %v", id, err)
			}
		}
	})
}
