package dbsource_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"custodia/internal/scan/scanrun"
	"custodia/internal/testutil"
)

// TestBrokenViewErrorHidesValues samples a PostgreSQL database with views
// that fail on a row: the error for each view is reported, and holds
// neither the value that broke it nor any other.
func TestBrokenViewErrorHidesValues(t *testing.T) {
	u := testutil.MustPostgres(t)
	db, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range []string{
		"CREATE TABLE khach_hang (email text, sdt text)",
		"INSERT INTO khach_hang VALUES ('an.secret@example.com', '+84 987 654 321')",
		"CREATE VIEW v_email AS SELECT email::int AS e FROM khach_hang",
		"CREATE VIEW v_phone AS SELECT sdt::int AS p FROM khach_hang",
	} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := scanrun.Run(context.Background(), []string{u}, scanrun.Options{MinConfidence: 0.5, Sample: 10}, func(scanrun.Finding) {})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != 2 {
		t.Fatalf("errors: %+v, want one per broken view", rep.Errors)
	}
	for _, e := range rep.Errors {
		for _, v := range []string{"an.secret", "example.com", "987", "654 321"} {
			if strings.Contains(e.Error, v) {
				t.Errorf("error for %s shows a value: %s", e.Path, e.Error)
			}
		}
		if !strings.Contains(e.Error, "SQLSTATE 22P02") {
			t.Errorf("error for %s lost its code: %s", e.Path, e.Error)
		}
	}
}
