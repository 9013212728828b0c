package store

import (
	"context"
	"slices"
	"testing"

	"custodia/internal/keys"
)

// backupSkipped are the tables a backup leaves out on purpose: sessions
// (people sign in again), the key-encryption key's state and the ledger
// maintenance switch (the live server's own), the audit subject index
// (restore builds it again from the log), and the migration tool's.
var backupSkipped = []string{"sessions", "kek_state", "ledger_maintenance", "audit_subject_index", "audit_subject_indexed", "goose_db_version", "sqlite_sequence"}

// TestBackupCoversEveryTable: every table of the schema is in the backup
// with all its columns, each dumped as the type it holds, so that a new
// migration cannot silently leave its data out of backups.
func TestBackupCoversEveryTable(t *testing.T) {
	ctx := context.Background()
	key, err := keys.NewRandomSecret(32)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, Config{DataDir: t.TempDir(), AuditKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.query(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	specs := map[string]tableSpec{}
	for _, s := range backupTables {
		specs[s.name] = s
	}
	for _, name := range tables {
		if slices.Contains(backupSkipped, name) {
			continue
		}
		spec, ok := specs[name]
		if !ok {
			t.Errorf("table %s is not in backups", name)
			continue
		}
		cols, err := db.query(ctx, "SELECT name, type FROM pragma_table_info('"+name+"')")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for cols.Next() {
			var col, typ string
			if err := cols.Scan(&col, &typ); err != nil {
				t.Fatal(err)
			}
			n++
			switch {
			case !slices.Contains(spec.columns, col):
				t.Errorf("%s.%s is not in backups", name, col)
			case typ == "INTEGER" && !spec.isInteger(col):
				t.Errorf("%s.%s holds integers but is dumped as text", name, col)
			case typ == "REAL" && !floatColumns[col]:
				t.Errorf("%s.%s holds reals but is not a float column", name, col)
			case (typ == "TEXT") && (spec.isInteger(col) || floatColumns[col]):
				t.Errorf("%s.%s holds text but is dumped as a number", name, col)
			case typ == "BLOB" && !spec.blobs[col]:
				t.Errorf("%s.%s holds bytes but is not a blob column", name, col)
			}
		}
		cols.Close()
		if n != len(spec.columns) {
			t.Errorf("%s: %d columns in the schema, %d in backups", name, n, len(spec.columns))
		}
	}
}

// TestLaterColumnsAreTrailing: every column an older backup may lack is a
// column of its table's backup, and they come after the original ones, so
// that an older backup lacks them as a trailing run.
func TestLaterColumnsAreTrailing(t *testing.T) {
	seen := map[string]bool{}
	for _, spec := range backupTables {
		later := false
		for _, c := range spec.columns {
			name := spec.name + "." + c
			if laterColumns[name] {
				later, seen[name] = true, true
			} else if later {
				t.Errorf("%s: original column %s comes after a later one", spec.name, c)
			}
		}
	}
	for name := range laterColumns {
		if !seen[name] {
			t.Errorf("later column %s is not a column of a backed-up table", name)
		}
	}
}
