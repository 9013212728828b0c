package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/cleanup"
	"custodia/internal/datamap"
	"custodia/internal/store"
)

// TestCleanupTasks: opening a clean-up task marks its system "copy to
// destroy" in the same write, once per import; closing it with evidence
// marks the system destroyed; a closed task cannot be closed again; each
// write is audited.
func TestCleanupTasks(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		sys := func(id, name string) datamap.System {
			return datamap.System{ID: id, Name: name, Kind: "spreadsheet", Status: datamap.StatusShadow, Owner: "lan@example.com",
				Holders: []string{"lan@example.com"}, Categories: []datamap.Category{}, CreatedAt: t0, UpdatedAt: t0}
		}
		for _, s := range []datamap.System{sys("sys_a", "Lan's customers.xlsx"), sys("sys_b", "Zalo group")} {
			if err := e.db.PutSystem(ctx, s, &audit.Entry{Actor: "test", Action: "system.create"}); err != nil {
				t.Fatal(err)
			}
		}
		task := func(id, system, job string, at time.Time) cleanup.Task {
			return cleanup.Task{ID: id, SystemID: system, ImportID: job, Title: "destroy the copy", Assignees: []string{"lan@example.com"},
				State: cleanup.StateOpen, CreatedAt: at}
		}
		open := func(tk cleanup.Task) cleanup.Task {
			t.Helper()
			got, err := e.db.OpenCleanupTask(ctx, tk, &audit.Entry{Actor: "system", Action: "cleanup.task.open", RecordID: tk.ID})
			if err != nil {
				t.Fatalf("open %s: %v", tk.ID, err)
			}
			return got
		}
		first := open(task("cln_1", "sys_a", "job-1", t0.Add(time.Hour)))
		if first.ID != "cln_1" || first.State != cleanup.StateOpen {
			t.Fatalf("opened %+v", first)
		}
		// The same import again (a job that re-runs its completion): no
		// second task, the first comes back.
		if again := open(task("cln_other", "sys_a", "job-1", t0.Add(2*time.Hour))); again.ID != "cln_1" {
			t.Errorf("a second task for one import: %+v", again)
		}
		s, err := e.db.GetSystem(ctx, "sys_a")
		if err != nil {
			t.Fatal(err)
		}
		if m := s.Migration; m == nil || m.State != datamap.MigrationCopyToDestroy || m.TaskID != "cln_1" || m.ImportID != "job-1" || !m.At.Equal(t0.Add(time.Hour)) || m.DestroyedAt != nil {
			t.Fatalf("migration after open: %+v", m)
		}
		// A caller's update of the system keeps the server's migration state.
		s.Description, s.UpdatedAt = "the sales team's sheet", t0.Add(90*time.Minute)
		if err := e.db.UpdateSystem(ctx, s, &audit.Entry{Actor: "test", Action: "system.put"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.db.GetSystem(ctx, "sys_a"); got.Migration == nil || got.Migration.TaskID != "cln_1" || got.Description != "the sales team's sheet" {
			t.Errorf("migration after a system update: %+v", got.Migration)
		}
		// A system that is not in the map: nothing is written.
		if _, err := e.db.OpenCleanupTask(ctx, task("cln_x", "sys_nope", "job-x", t0), nil); apperr.CodeOf(err) != "system_not_found" {
			t.Errorf("open for a missing system: %v", err)
		}
		if _, err := e.db.GetCleanupTask(ctx, "cln_x"); apperr.CodeOf(err) != "cleanup_task_not_found" {
			t.Errorf("task of a missing system stored: %v", err)
		}
		open(task("cln_2", "sys_b", "job-2", t0.Add(3*time.Hour)))
		open(task("cln_3", "sys_a", "job-3", t0.Add(4*time.Hour)))

		ids := func(f cleanup.Filter) []string {
			t.Helper()
			ts, err := e.db.ListCleanupTasks(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			out := []string{}
			for _, tk := range ts {
				out = append(out, tk.ID)
			}
			return out
		}
		if got := ids(cleanup.Filter{}); !slices.Equal(got, []string{"cln_3", "cln_2", "cln_1"}) {
			t.Errorf("all tasks, newest first: %v", got)
		}
		if got := ids(cleanup.Filter{SystemID: "sys_a"}); !slices.Equal(got, []string{"cln_3", "cln_1"}) {
			t.Errorf("tasks of sys_a: %v", got)
		}
		if got := ids(cleanup.Filter{ImportID: "job-2"}); !slices.Equal(got, []string{"cln_2"}) {
			t.Errorf("task of job-2: %v", got)
		}

		closeAt := t0.Add(24 * time.Hour)
		if _, err := e.db.CloseCleanupTask(ctx, "cln_1", "  ", "", "user:usr_lan", closeAt, nil); apperr.CodeOf(err) != "evidence_required" {
			t.Errorf("close without evidence: %v", err)
		}
		if _, err := e.db.CloseCleanupTask(ctx, "cln_1", "deleted", "abc", "user:usr_lan", closeAt, nil); apperr.CodeOf(err) != "invalid_evidence_sha256" {
			t.Errorf("close with a bad hash: %v", err)
		}
		if _, err := e.db.CloseCleanupTask(ctx, "cln_nope", "deleted", "", "user:usr_lan", closeAt, nil); apperr.CodeOf(err) != "cleanup_task_not_found" {
			t.Errorf("close a missing task: %v", err)
		}
		sha := strings.Repeat("AB", 32)
		closed, err := e.db.CloseCleanupTask(ctx, "cln_2", "deleted the Zalo group on 2026-11-03", sha, "user:usr_lan", closeAt,
			&audit.Entry{Actor: "user:usr_lan", Action: "cleanup.task.close", RecordID: "cln_2"})
		if err != nil {
			t.Fatal(err)
		}
		if closed.State != cleanup.StateClosed || closed.ClosedAt == nil || !closed.ClosedAt.Equal(closeAt) || closed.EvidenceSHA256 != strings.ToLower(sha) || closed.ClosedBy != "user:usr_lan" {
			t.Errorf("closed task: %+v", closed)
		}
		if got, _ := e.db.GetCleanupTask(ctx, "cln_2"); got.State != cleanup.StateClosed || got.Evidence != "deleted the Zalo group on 2026-11-03" || got.ClosedAt == nil {
			t.Errorf("stored closed task: %+v", got)
		}
		if b, _ := e.db.GetSystem(ctx, "sys_b"); b.Migration == nil || b.Migration.State != datamap.MigrationDestroyed || b.Migration.DestroyedAt == nil || !b.Migration.DestroyedAt.Equal(closeAt) {
			t.Errorf("system after close: %+v", b.Migration)
		}
		if _, err := e.db.CloseCleanupTask(ctx, "cln_2", "again", "", "user:usr_lan", closeAt, nil); apperr.CodeOf(err) != "task_closed" || apperr.KindOf(err) != apperr.Conflict {
			t.Errorf("close a closed task: %v", err)
		}
		// sys_a's migration is job-3's now: closing job-1's older task
		// leaves it to destroy.
		if _, err := e.db.CloseCleanupTask(ctx, "cln_1", "deleted the old sheet", "", "user:usr_lan", closeAt, nil); err != nil {
			t.Fatal(err)
		}
		if a, _ := e.db.GetSystem(ctx, "sys_a"); a.Migration == nil || a.Migration.State != datamap.MigrationCopyToDestroy || a.Migration.TaskID != "cln_3" {
			t.Errorf("sys_a after closing the older task: %+v", a.Migration)
		}
		if got := ids(cleanup.Filter{State: cleanup.StateOpen}); !slices.Equal(got, []string{"cln_3"}) {
			t.Errorf("open tasks: %v", got)
		}
		// The list of systems shows the states too.
		all, err := e.db.ListSystems(ctx)
		if err != nil {
			t.Fatal(err)
		}
		states := map[string]string{}
		for _, s := range all {
			if s.Migration != nil {
				states[s.ID] = s.Migration.State
			}
		}
		if states["sys_a"] != datamap.MigrationCopyToDestroy || states["sys_b"] != datamap.MigrationDestroyed {
			t.Errorf("migration states in the list: %v", states)
		}
		for _, action := range []string{"cleanup.task.open", "cleanup.task.close"} {
			entries, err := e.db.FindAudit(ctx, store.AuditFilter{Action: action, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) == 0 {
				t.Errorf("no %s audit entry", action)
			}
		}
	})
}
