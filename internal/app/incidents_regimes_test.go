package app_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// TestIncidentRegimes: HIPAA, DPDP and California's Attorney General
// clocks over HTTP, and their thresholds.
func TestIncidentRegimes(t *testing.T) {
	cfg := app.Config{TimeZone: "America/Los_Angeles"}
	t.Run("sqlite", func(t *testing.T) { incidentRegimeExamples(t, cfg) })
	t.Run("postgres", func(t *testing.T) {
		pg := cfg
		pg.DatabaseURL = testutil.MustPostgres(t)
		incidentRegimeExamples(t, pg)
	})
}

// patientsSchema is a clinic's patients: health data and a country field.
const patientsSchema = `{"name":"patients","kind":"persons","fields":[` +
	`{"name":"email","type":"email","category":"user.contact.email","purposes":["support"],"unique":true},` +
	`{"name":"name","type":"name","category":"user.name","purposes":["support"]},` +
	`{"name":"country","type":"text","category":"user.contact.address.country","purposes":["support"]},` +
	`{"name":"diagnosis","type":"text","category":"user.health_and_medical","purposes":["support"]}]}`

// patientsCSV has 501 patients living in California and 2 in India.
func patientsCSV() string {
	var b strings.Builder
	b.WriteString("name,email,country,diagnosis\n")
	for i := range 501 {
		fmt.Fprintf(&b, "Patient CA %d,ca%03d@example.com,US-CA,condition %d\n", i, i, i%7)
	}
	for i := range 2 {
		fmt.Fprintf(&b, "Patient IN %d,in%03d@example.com,IN,condition %d\n", i, i, i)
	}
	return b.String()
}

// incidentRegimeExamples: a covered entity (jurisdictions HIPAA) loses its
// whole patients collection: 501 California residents and 2 Indian
// residents. HIPAA opens the individuals' and HHS's 60-day clocks from
// discovery, DPDP the Board's intimation without delay and its report
// within 72 hours of awareness, and California the residents' 30 days and
// the Attorney General's 15 days after them. Below the thresholds (499
// and 500 affected, counted from an estimate outside the vault) HHS and
// the Attorney General have no clock and the small-breach log has one.
func incidentRegimeExamples(t *testing.T, cfg app.Config) {
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		t.Fatal(err)
	}
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	dpo := admin.With(admin.RoleToken("dpo"))
	admin.Must(201, "POST", "/v1/collections", patientsSchema)
	started := time.Now()
	r := postImport(t, dpo, map[string]any{"collection": "patients", "purpose": "support", "source": "clinic export.csv",
		"holder": "front-desk@example.com", "legal_basis": "contract",
		"mapping": "name=name,email=email,country=country,diagnosis=diagnosis"}, "patients.csv", patientsCSV())
	if r.Status != 202 {
		t.Fatalf("POST /v1/imports: %d %s", r.Status, r.Body)
	}
	if job, jr := waitImport(t, dpo, decodeImport(t, r).ID); job.Status != "completed" || job.Counts["created"] != 503 {
		t.Fatalf("import: %s", jr.Body)
	}
	t.Logf("imported 503 patients in %v", time.Since(started))

	// endOfDay is the last instant of the day n days after start's, in
	// the server's zone (the clocks' day periods).
	endOfDay := func(start time.Time, n int) time.Time {
		y, m, d := start.In(loc).Date()
		return time.Date(y, m, d+n+1, 0, 0, 0, 0, loc).Add(-time.Nanosecond)
	}
	// Detected late in the evening yesterday (Los Angeles): the day
	// periods count from the server's calendar day, not UTC's.
	now := time.Now()
	detected := now.Add(-26 * time.Hour)
	aware := now.Add(-3 * time.Hour)
	inc := dpo.Must(201, "POST", "/v1/incidents", map[string]any{"description": "The clinic's patient export was left on a public share.",
		"detected_at": rfc(detected), "became_aware_at": rfc(aware), "systems": []string{"sys_vault"}, "collections": []string{"patients"},
		"jurisdiction_field": map[string]any{"collection": "patients", "field": "country"}, "jurisdictions": []string{"HIPAA"},
		"contact": "privacy@clinic.example"}).JSON()
	aff := inc["affected"].(map[string]any)
	if byJur := aff["by_jurisdiction"].(map[string]any); aff["vault"] != float64(503) || aff["total"] != float64(503) || aff["unknown"] != float64(0) ||
		len(byJur) != 3 || byJur["HIPAA"] != float64(503) || byJur["CCPA"] != float64(501) || byJur["DPDP"] != float64(2) {
		t.Fatalf("affected %v, want 503 patients: HIPAA 503, CCPA 501, DPDP 2", aff)
	}
	if cats := fmt.Sprint(inc["categories"]); !strings.Contains(cats, "user.health_and_medical") {
		t.Errorf("categories %s lack the health data", cats)
	}
	clocks := clockIndex(inc)
	want := []string{"CCPA attorney_general", "CCPA residents", "DPDP board", "DPDP board_report", "DPDP data_principals", "HIPAA hhs", "HIPAA individuals"}
	if got := slices.Sorted(maps.Keys(clocks)); !slices.Equal(got, want) {
		t.Fatalf("clocks %v, want %v (no HHS annual log at 500 or more, no GDPR)", got, want)
	}
	residentsDue := endOfDay(detected, 30)
	for key, c := range map[string]struct {
		start, due time.Time
		affected   int
		status     string
	}{
		"HIPAA individuals":     {detected, endOfDay(detected, 60), 503, "open"},
		"HIPAA hhs":             {detected, endOfDay(detected, 60), 503, "open"},
		"DPDP board":            {aware, aware, 2, "due_now"}, // without delay: due from awareness, never overdue
		"DPDP data_principals":  {aware, aware, 2, "due_now"}, // without delay: due from awareness, never overdue
		"DPDP board_report":     {aware, aware.Add(72 * time.Hour), 2, "open"},
		"CCPA residents":        {detected, residentsDue, 501, "open"},
		"CCPA attorney_general": {residentsDue, endOfDay(residentsDue, 15), 501, "open"},
	} {
		checkClock(t, key, clocks[key], c.start, c.due, c.affected, c.status)
	}
	if c := clocks["HIPAA hhs"]; c["audience"] != "authority" || !strings.Contains(c["source"].(string), "164.408") {
		t.Errorf("HIPAA hhs clock %v", c)
	}
	if c := clocks["CCPA attorney_general"]; c["after"] != "residents" || c["audience"] != "authority" {
		t.Errorf("CCPA attorney_general clock %v", c)
	}
	// The same incident read back has the same clocks.
	if got := clockIndex(dpo.Must(200, "GET", "/v1/incidents/"+inc["id"].(string), nil).JSON()); !slices.Equal(slices.Sorted(maps.Keys(got)), want) {
		t.Errorf("GET: clocks %v", slices.Sorted(maps.Keys(got)))
	}

	// Thresholds: paper intake forms of California patients, outside the
	// vault, estimated.
	forms := dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "Paper intake forms", "kind": "paper", "status": "official",
		"categories": []string{"user.health_and_medical"}, "jurisdictions": []string{"US-CA"}}).JSON()["id"].(string)
	estimate := func(n int) map[string]map[string]any {
		t.Helper()
		inc := dpo.Must(201, "POST", "/v1/incidents", map[string]any{"description": "A box of intake forms was lost in transit.",
			"detected_at": rfc(detected), "became_aware_at": rfc(aware), "systems": []string{forms}, "jurisdictions": []string{"HIPAA"},
			"estimated_subjects": n}).JSON()
		if byJur := inc["affected"].(map[string]any)["by_jurisdiction"].(map[string]any); len(byJur) != 2 ||
			byJur["HIPAA"] != float64(n) || byJur["CCPA"] != float64(n) {
			t.Fatalf("%d estimated: by jurisdiction %v", n, byJur)
		}
		return clockIndex(inc)
	}
	// 499: no HHS clock but the yearly log, 60 days after the year's end;
	// no Attorney General.
	small := estimate(499)
	if got := slices.Sorted(maps.Keys(small)); !slices.Equal(got, []string{"CCPA residents", "HIPAA hhs_annual_log", "HIPAA individuals"}) {
		t.Errorf("499 affected: clocks %v, want no HHS notice and no Attorney General", got)
	}
	yearEnd := time.Date(detected.In(loc).Year()+1, 1, 1, 0, 0, 0, 0, loc).Add(-time.Nanosecond)
	checkClock(t, "HIPAA hhs_annual_log", small["HIPAA hhs_annual_log"], yearEnd, endOfDay(yearEnd, 60), 499, "open")
	// 500: HHS ("500 or more"), no yearly log; still no Attorney General
	// ("more than 500").
	if got := slices.Sorted(maps.Keys(estimate(500))); !slices.Equal(got, []string{"CCPA residents", "HIPAA hhs", "HIPAA individuals"}) {
		t.Errorf("500 affected: clocks %v, want HHS and no Attorney General", got)
	}
	// 501: the Attorney General too.
	if got := slices.Sorted(maps.Keys(estimate(501))); !slices.Equal(got, []string{"CCPA attorney_general", "CCPA residents", "HIPAA hhs", "HIPAA individuals"}) {
		t.Errorf("501 affected: clocks %v, want HHS and the Attorney General", got)
	}
}

// checkClock checks a clock's start, due time (to the millisecond: a
// database may keep microseconds), affected count and status.
func checkClock(t *testing.T, key string, c map[string]any, start, due time.Time, affected int, status string) {
	t.Helper()
	if c == nil {
		t.Errorf("no %s clock", key)
		return
	}
	gotStart, _ := time.Parse(time.RFC3339Nano, c["start_at"].(string))
	gotDue, _ := time.Parse(time.RFC3339Nano, c["due_at"].(string))
	if gotStart.Sub(start).Abs() > time.Millisecond || gotDue.Sub(due).Abs() > time.Millisecond {
		t.Errorf("%s: starts %v, due %v; want %v and %v", key, gotStart, gotDue, start, due)
	}
	if c["affected"] != float64(affected) || c["status"] != status {
		t.Errorf("%s: affected %v, status %v; want %d %s", key, c["affected"], c["status"], affected, status)
	}
}
