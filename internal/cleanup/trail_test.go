package cleanup_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/cleanup"
	"custodia/internal/datamap"
	"custodia/internal/importer"
	"custodia/internal/store"
	"custodia/internal/testutil"
	"custodia/internal/vault"
)

// The store is the trail's storage.
var _ cleanup.Store = (*store.DB)(nil)

// env is a real store and vault, an importer over them and the trail.
type env struct {
	db *store.DB
	im *importer.Importer
}

const customersSchema = `{"name":"customers","kind":"persons","fields":[
 {"name":"email","type":"email","category":"user.contact.email","purposes":["support"],"unique":true},
 {"name":"name","type":"name","category":"user.name","purposes":["support"]}]}`

func onEngines(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) { fn(t, mustEnv(t, engine)) })
	}
}

func mustEnv(t *testing.T, engine store.Engine) *env {
	t.Helper()
	ctx := context.Background()
	st := testutil.MustStore(t, engine)
	db, kr := st.DB, st.Keys
	v := vault.New(db, kr, vault.Options{DefaultRegion: "VN"})
	var c vault.Collection
	if err := json.Unmarshal([]byte(customersSchema), &c); err != nil {
		t.Fatal(err)
	}
	if _, err := v.PutCollection(ctx, &c, true); err != nil {
		t.Fatalf("collection: %v", err)
	}
	im := importer.New(v, db, nil)
	im.Trail = cleanup.NewTrail(db)
	return &env{db: db, im: im}
}

// rows are n customers, starting at the first'th.
func rows(first, n int) importer.Rows {
	var data [][]string
	for i := first; i < first+n; i++ {
		data = append(data, []string{fmt.Sprintf("khach.%d@example.vn", i), fmt.Sprintf("Khách %d", i)})
	}
	return importer.Table([]string{"email", "name"}, data)
}

func job(id, source, holder string) importer.Job {
	return importer.Job{ID: id, Collection: "customers", Purpose: "support", Source: source, Holder: holder, LegalBasis: "contract"}
}

func (e *env) systems(t *testing.T) []datamap.System {
	t.Helper()
	all, err := e.db.ListSystems(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func (e *env) tasks(t *testing.T, f cleanup.Filter) []cleanup.Task {
	t.Helper()
	all, err := e.db.ListCleanupTasks(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// TestTrailShadowSource: an import from a copy the data map does not list
// registers it as a shadow system held by the holder (not on a dry run);
// once the rows are in, the system is "copy to destroy" with an open task
// for the holder; closing the task with evidence marks it destroyed.
func TestTrailShadowSource(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		const source, holder = "Lan's customers.xlsx", "lan@example.com"

		dry := job("lan-2026-11", source, holder)
		dry.DryRun = true
		res, err := e.im.Run(ctx, dry, rows(1, 3))
		if err != nil {
			t.Fatal(err)
		}
		if res.SystemID != "" || res.CleanupTaskID != "" || res.Created != 3 {
			t.Errorf("dry run result: %+v", res)
		}
		if len(e.systems(t)) != 0 || len(e.tasks(t, cleanup.Filter{})) != 0 {
			t.Fatalf("a dry run wrote to the data map: %v %v", e.systems(t), e.tasks(t, cleanup.Filter{}))
		}

		res, err = e.im.Run(ctx, job("lan-2026-11", source, holder), rows(1, 3))
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != importer.StatusCompleted || res.Created != 3 || res.SystemID == "" || res.CleanupTaskID == "" {
			t.Fatalf("result: %+v", res)
		}
		sys, err := e.db.GetSystem(ctx, res.SystemID)
		if err != nil {
			t.Fatal(err)
		}
		if sys.Name != source || sys.Kind != "spreadsheet" || sys.Status != datamap.StatusShadow || sys.Owner != holder || len(sys.Holders) != 1 || sys.Holders[0] != holder {
			t.Errorf("registered system: %+v", sys)
		}
		// It holds the categories of the columns imported from it, so an
		// erasure asks its holder to delete the person's copy.
		if got := categoryNames(sys); fmt.Sprint(got) != "[user.contact.email user.name]" {
			t.Errorf("categories of the registered system: %v", got)
		}
		if m := sys.Migration; m == nil || m.State != datamap.MigrationCopyToDestroy || m.ImportID != "lan-2026-11" || m.TaskID != res.CleanupTaskID {
			t.Errorf("migration: %+v", m)
		}
		tk, err := e.db.GetCleanupTask(ctx, res.CleanupTaskID)
		if err != nil {
			t.Fatal(err)
		}
		if tk.State != cleanup.StateOpen || tk.SystemID != sys.ID || tk.ImportID != "lan-2026-11" || len(tk.Assignees) != 1 || tk.Assignees[0] != holder || tk.Title == "" {
			t.Errorf("task: %+v", tk)
		}
		stored, err := e.im.GetImport(ctx, "lan-2026-11")
		if err != nil || stored.SystemID != sys.ID || stored.CleanupTaskID != tk.ID {
			t.Errorf("stored job: %v %+v", err, stored)
		}
		// Every imported record keeps its provenance.
		prov, err := e.db.JobProvenance(ctx, "lan-2026-11")
		if err != nil || len(prov) != 3 || prov[0].Source != source || prov[0].RowRef == "" {
			t.Errorf("provenance: %v %+v", err, prov)
		}

		// Running the completed job again changes nothing.
		again, err := e.im.Run(ctx, job("lan-2026-11", source, holder), rows(1, 3))
		if err != nil || again.CleanupTaskID != tk.ID || again.SystemID != sys.ID {
			t.Errorf("re-run: %v %+v", err, again)
		}
		if n := len(e.tasks(t, cleanup.Filter{})); n != 1 {
			t.Errorf("%d tasks after the re-run", n)
		}

		// Another job from the same copy, named in other case: the same
		// system, a task of its own.
		other, err := e.im.Run(ctx, job("lan-2026-12", "LAN'S CUSTOMERS.XLSX", ""), rows(10, 2))
		if err != nil {
			t.Fatal(err)
		}
		if other.SystemID != sys.ID || other.CleanupTaskID == "" || other.CleanupTaskID == tk.ID {
			t.Errorf("second job from the same source: %+v", other)
		}
		if n := len(e.systems(t)); n != 1 {
			t.Errorf("%d systems, want 1", n)
		}

		closed, err := e.db.CloseCleanupTask(ctx, other.CleanupTaskID, "deleted the file from Lan's laptop and the shared drive", "", "user:usr_lan", time.Now(),
			&audit.Entry{Actor: "user:usr_lan", Action: "cleanup.task.close"})
		if err != nil || closed.State != cleanup.StateClosed {
			t.Fatalf("close: %v %+v", err, closed)
		}
		sys, _ = e.db.GetSystem(ctx, sys.ID)
		if m := sys.Migration; m == nil || m.State != datamap.MigrationDestroyed || m.DestroyedAt == nil || m.TaskID != other.CleanupTaskID {
			t.Errorf("migration after close: %+v", m)
		}
	})
}

// categoryNames are a system's categories, in order.
func categoryNames(s datamap.System) []string {
	var out []string
	for _, c := range s.Categories {
		out = append(out, c.Category)
	}
	return out
}

// TestTrailExistingSystem: a source that is a system's id is used as it is;
// its task goes to its holders, else its owner, else to no one (the DPO).
func TestTrailExistingSystem(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		put := func(id, name, owner string) {
			t.Helper()
			s := datamap.System{ID: id, Name: name, Kind: "crm", Status: datamap.StatusOfficial, Owner: owner, Holders: []string{},
				Categories: []datamap.Category{}, CreatedAt: now, UpdatedAt: now}
			if err := e.db.PutSystem(ctx, s, &audit.Entry{Actor: "test", Action: "system.create"}); err != nil {
				t.Fatal(err)
			}
		}
		put("sys_crm", "Old CRM", "binh@example.com")
		put("sys_orphan", "Forgotten mailbox", "")

		res, err := e.im.Run(ctx, job("crm-1", "sys_crm", "ignored@example.com"), rows(1, 2))
		if err != nil {
			t.Fatal(err)
		}
		if res.SystemID != "sys_crm" {
			t.Errorf("system: %q", res.SystemID)
		}
		tk, err := e.db.GetCleanupTask(ctx, res.CleanupTaskID)
		if err != nil || len(tk.Assignees) != 1 || tk.Assignees[0] != "binh@example.com" {
			t.Errorf("task of an owned system: %v %+v", err, tk)
		}
		if s, _ := e.db.GetSystem(ctx, "sys_crm"); s.Status != datamap.StatusOfficial || s.Owner != "binh@example.com" || s.Migration == nil ||
			fmt.Sprint(categoryNames(s)) != "[user.contact.email user.name]" {
			t.Errorf("the existing system (with the imported categories added): %+v", s)
		}
		// A system named by its name works too.
		res, err = e.im.Run(ctx, job("mail-1", "forgotten mailbox", ""), rows(5, 1))
		if err != nil || res.SystemID != "sys_orphan" {
			t.Fatalf("by name: %v %+v", err, res)
		}
		if tk, _ := e.db.GetCleanupTask(ctx, res.CleanupTaskID); tk.Assignees == nil || len(tk.Assignees) != 0 {
			t.Errorf("task of a system with no owner or holder: %+v", tk.Assignees)
		}
		if n := len(e.systems(t)); n != 2 {
			t.Errorf("%d systems, want 2", n)
		}
	})
}

// TestTrailRefusals: an unknown kind, the vault, a missing system id and
// an overlong name are refused before anything is written.
func TestTrailRefusals(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		long := make([]byte, 201)
		for i := range long {
			long[i] = 'x'
		}
		for _, tc := range []struct {
			name, source, kind, code string
			kindOf                   apperr.Kind
		}{
			{"unknown kind", "Zalo group", "telepathy", "invalid_source_kind", apperr.Invalid},
			{"the vault's kind", "Zalo group", "vault", "invalid_source_kind", apperr.Invalid},
			{"the vault", datamap.VaultID, "", "source_is_vault", apperr.Invalid},
			{"a missing system id", "sys_nope", "", "source_system_not_found", apperr.NotFound},
			{"a long name", string(long), "", "invalid_source_name", apperr.Invalid},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, dry := range []bool{true, false} {
					j := job("bad-1", tc.source, "lan@example.com")
					j.SourceKind, j.DryRun = tc.kind, dry
					_, err := e.im.Run(ctx, j, rows(1, 1))
					if apperr.CodeOf(err) != tc.code || apperr.KindOf(err) != tc.kindOf {
						t.Errorf("dry run %v: %v, want %s", dry, err, tc.code)
					}
				}
			})
		}
		if len(e.systems(t)) != 0 || len(e.tasks(t, cleanup.Filter{})) != 0 {
			t.Errorf("a refused import wrote to the data map")
		}
		tr := cleanup.NewTrail(e.db)
		if _, err := tr.Migrated(ctx, datamap.VaultID, importer.Import{ID: "x"}); apperr.CodeOf(err) != "source_is_vault" {
			t.Errorf("mark the vault migrated: %v", err)
		}
		if _, err := tr.Migrated(ctx, "sys_gone", importer.Import{ID: "x"}); !apperr.IsNotFound(err) {
			t.Errorf("mark a missing system migrated: %v", err)
		}
	})
}
