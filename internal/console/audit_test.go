package console_test

import (
	"encoding/csv"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"custodia/internal/demo"
	"custodia/internal/testutil"
)

// auditRows returns the entry rows of an audit page (their HTML).
var auditRowRE = regexp.MustCompile(`(?s)<tr class="entry" data-seq="\d+">(.*?)</tr>`)

var purposeRE = regexp.MustCompile(`<td class="purpose"[^>]*>([^<]*)</td>`)

// purposeCell is the purpose an audit row shows.
func purposeCell(row string) string {
	if m := purposeRE.FindStringSubmatch(row); m != nil {
		return m[1]
	}
	return ""
}

func auditRows(body string) []string {
	var rows []string
	for _, m := range auditRowRE.FindAllStringSubmatch(body, -1) {
		rows = append(rows, html.UnescapeString(m[1]))
	}
	return rows
}

// auditTraffic makes two named dpo tokens read demo customers under two
// purposes, and one denied call, so the log has something to filter.
func auditTraffic(t *testing.T, e *env) (alpha, beta *testutil.Client) {
	t.Helper()
	mk := func(name string) *testutil.Client {
		r := e.admin.Must(201, "POST", "/v1/tokens", map[string]any{"name": name, "role": "dpo"})
		return e.admin.With(r.JSON()["token"].(string))
	}
	alpha, beta = mk("reader-alpha"), mk("reader-beta")
	alpha.Must(200, "GET", "/v1/collections/customers/records?purpose=support&limit=3", nil)
	beta.Must(200, "GET", "/v1/collections/customers/records?purpose=marketing&limit=2", nil)
	// Refused: the purpose is not registered.
	if r := beta.Do("GET", "/v1/collections/customers/records?purpose=no-such-purpose&limit=1", nil); r.Status/100 != 4 {
		t.Fatalf("read under an unknown purpose: %d", r.Status)
	}
	return alpha, beta
}

// TestAuditLogFilters: each filter of the audit page narrows the rows it
// shows to the matching entries; a bad day is the API's 400, not a 500.
func TestAuditLogFilters(t *testing.T) {
	e := newEnv(t)
	today := time.Now().UTC().Format("2006-01-02") // the console shows days in UTC (app.Config{})
	alpha, _ := auditTraffic(t, e)
	dpo := e.newPerson(t, "dpo")
	w := e.web(t)
	w.SignIn(dpo)

	all := w.Get("/console/audit")
	if all.Status != 200 || len(auditRows(all.Body)) == 0 {
		t.Fatalf("audit log: %d, %d rows\n%s", all.Status, len(auditRows(all.Body)), all.Body)
	}

	check := func(name, path string, want func(row string) bool) []string {
		t.Helper()
		r := w.Get(path)
		rows := auditRows(r.Body)
		if r.Status != 200 || len(rows) == 0 {
			t.Fatalf("%s: %d, %d rows\n%s", name, r.Status, len(rows), r.Body)
		}
		for _, row := range rows {
			if !want(row) {
				t.Errorf("%s: a row does not match: %s", name, row)
			}
		}
		return rows
	}
	has := func(s string) func(string) bool { return func(row string) bool { return strings.Contains(row, s) } }

	alphaRows := check("actor", "/console/audit?actor=token:reader-alpha", has("token:reader-alpha"))
	if len(alphaRows) >= len(auditRows(all.Body)) {
		t.Errorf("the actor filter did not narrow the log: %d of %d", len(alphaRows), len(auditRows(all.Body)))
	}
	check("purpose", "/console/audit?purpose=marketing", func(row string) bool {
		return purposeCell(row) == "marketing"
	})
	check("actor and purpose", "/console/audit?actor=token:reader-beta&purpose=marketing", func(row string) bool {
		return strings.Contains(row, "token:reader-beta") && purposeCell(row) == "marketing"
	})
	check("outcome", "/console/audit?outcome=invalid&actor=token:reader-beta", has("Rejected (invalid input)"))
	check("action", "/console/audit?action=token.create", has("token.create"))

	// The pseudonym of a subject alpha read, from the API.
	var out struct {
		Entries []struct {
			Subject string `json:"subject"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(alpha.Must(200, "GET", "/v1/audit?actor=token:reader-alpha", nil).Body, &out); err != nil {
		t.Fatal(err)
	}
	pseudonym := ""
	for _, en := range out.Entries {
		if en.Subject != "" {
			pseudonym = en.Subject
		}
	}
	if pseudonym == "" {
		t.Fatalf("no subject pseudonym in alpha's entries")
	}
	rows := check("pseudonym", "/console/audit?pseudonym="+url.QueryEscape(pseudonym), has("pseudonym="+pseudonym))
	if len(rows) >= len(auditRows(all.Body)) {
		t.Errorf("the pseudonym filter did not narrow the log")
	}

	// Days: today holds the traffic, tomorrow nothing yet.
	tomorrow := time.Now().UTC().AddDate(0, 0, 2).Format("2006-01-02")
	check("from today", "/console/audit?actor=token:reader-alpha&from="+today, has("token:reader-alpha"))
	check("to today", "/console/audit?actor=token:reader-alpha&to="+today, has("token:reader-alpha"))
	if r := w.Get("/console/audit?from=" + tomorrow); r.Status != 200 || len(auditRows(r.Body)) != 0 || !strings.Contains(r.Body, `id="audit-empty"`) {
		t.Errorf("from tomorrow: %d, %d rows", r.Status, len(auditRows(r.Body)))
	}
	if r := w.Get("/console/audit?to=2000-01-01"); r.Status != 200 || len(auditRows(r.Body)) != 0 {
		t.Errorf("to 2000: %d, %d rows", r.Status, len(auditRows(r.Body)))
	}

	// Bad input: the API's reason, a 4xx, the form still there.
	for _, path := range []string{"/console/audit?from=31-12-2025", "/console/audit?to=yesterday", "/console/audit?outcome=maybe"} {
		r := w.Get(path)
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `id="audit-error"`) || !strings.Contains(r.Body, `id="audit-filter"`) {
			t.Errorf("%s: %d\n%s", path, r.Status, r.Body)
		}
	}
	if r := w.Get("/console/audit?from=31-12-2025"); !strings.Contains(r.Body, "RFC 3339") {
		t.Errorf("a bad day should show the API's reason: %s", r.Body)
	}
	if r := w.Get("/console/audit.csv?to=yesterday"); r.Status != http.StatusBadRequest {
		t.Errorf("CSV with a bad day: %d", r.Status)
	}
}

// TestAuditLogPages: the log opens on the newest entries and pages back.
func TestAuditLogPages(t *testing.T) {
	e := newEnv(t)
	dc := e.srv.DataClient(t)
	for range 30 {
		dc.Must(200, "GET", "/v1/collections/customers/records?purpose=support&limit=3", nil)
	}
	dpo := e.newPerson(t, "dpo")
	w := e.web(t)
	w.SignIn(dpo)
	first := w.Get("/console/audit")
	rows := auditRows(first.Body)
	if len(rows) != 50 || !strings.Contains(first.Body, `id="audit-next"`) {
		t.Fatalf("first page: %d rows", len(rows))
	}
	next := regexp.MustCompile(`href="([^"]+)" id="audit-next"`).FindStringSubmatch(first.Body)
	second := w.Get(html.UnescapeString(next[1]))
	rows2 := auditRows(second.Body)
	if second.Status != 200 || len(rows2) == 0 || rows2[0] == rows[0] {
		t.Fatalf("second page: %d, %d rows", second.Status, len(rows2))
	}
	seqs := regexp.MustCompile(`data-seq="(\d+)"`)
	all1 := seqs.FindAllStringSubmatch(first.Body, -1)
	last, _ := strconv.Atoi(all1[len(all1)-1][1])
	next2, _ := strconv.Atoi(seqs.FindStringSubmatch(second.Body)[1])
	top, _ := strconv.Atoi(all1[0][1])
	if top <= last || next2 >= last {
		t.Errorf("pages should run newest first: the first from %d to %d, the second from %d", top, last, next2)
	}
}

// TestAuditCSVExport: the CSV download is text/csv with a header row,
// holds the filtered entries only, and is entered in the export register.
func TestAuditCSVExport(t *testing.T) {
	e := newEnv(t)
	auditTraffic(t, e)
	dpo := e.newPerson(t, "dpo")
	w := e.web(t)
	w.SignIn(dpo)
	page := w.Get("/console/audit?actor=token:reader-alpha")
	if !strings.Contains(page.Body, `href="/console/audit.csv?actor=token%3areader-alpha"`) &&
		!strings.Contains(page.Body, `href="/console/audit.csv?actor=token%3Areader-alpha"`) {
		t.Errorf("the CSV link should carry the filter")
	}
	r := w.Get("/console/audit.csv?actor=token:reader-alpha")
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s\n%s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	recs, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("CSV: %v, %d lines", err, len(recs))
	}
	if recs[0][0] != "seq" || !contains(recs[0], "actor") || !contains(recs[0], "purpose") || !contains(recs[0], "hash") {
		t.Errorf("CSV header: %v", recs[0])
	}
	actorCol := index(recs[0], "actor")
	for _, rec := range recs[1:] {
		if rec[actorCol] != "token:reader-alpha" {
			t.Errorf("CSV row of another actor: %v", rec)
		}
	}
	var xs struct {
		Exports []struct {
			Kind   string `json:"kind"`
			Reason string `json:"reason"`
			By     string `json:"requested_by"`
		} `json:"exports"`
	}
	if err := json.Unmarshal(e.admin.Must(200, "GET", "/v1/exports", nil).Body, &xs); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, x := range xs.Exports {
		if x.Kind == "audit_log" && strings.Contains(x.Reason, "actor=token:reader-alpha") && strings.HasPrefix(x.By, "user:") {
			found = true
		}
	}
	if !found {
		t.Errorf("the download is not in the export register: %+v", xs.Exports)
	}
}

func contains(ss []string, s string) bool { return index(ss, s) >= 0 }

func index(ss []string, s string) int {
	for i, x := range ss {
		if x == s {
			return i
		}
	}
	return -1
}

// TestAuditChainVerification: "Verify chain" runs the verification and
// the audit page shows the result in detail.
func TestAuditChainVerification(t *testing.T) {
	e := newEnv(t)
	auditTraffic(t, e)
	dpo := e.newPerson(t, "dpo")
	w := e.web(t)
	w.SignIn(dpo)
	before := w.Get("/console/audit?actor=token:reader-alpha")
	if !strings.Contains(before.Body, "Not verified since the server started.") {
		t.Errorf("no verification yet: %s", before.Body)
	}
	r := w.Post("/console/audit/verify", url.Values{"back": {"/console/audit?actor=token:reader-alpha"}})
	if r.Status != http.StatusSeeOther || r.Location != "/console/audit?actor=token:reader-alpha" {
		t.Fatalf("verify: %d %s", r.Status, r.Location)
	}
	after := w.Get(r.Location)
	status := regexp.MustCompile(`(?s)<p class="ok" id="chain-status">([^<]*)</p>`).FindStringSubmatch(after.Body)
	if status == nil || !strings.Contains(status[1], "Intact") {
		t.Fatalf("chain status: %s", after.Body)
	}
	if !strings.Contains(after.Body, "The audit chain is intact.") {
		t.Errorf("no flash after verification")
	}
	checked := regexp.MustCompile(`id="chain-checked">([0-9,]+)<`).FindStringSubmatch(after.Body)
	head := regexp.MustCompile(`id="chain-head">([0-9,]+)<`).FindStringSubmatch(after.Body)
	if checked == nil || head == nil || checked[1] == "0" || checked[1] != head[1] {
		t.Errorf("chain detail: checked %v, head %v", checked, head)
	}
	// Without the CSRF token nothing runs.
	if r := w.Post("/console/audit/verify", url.Values{"csrf": {""}}); r.Status != http.StatusForbidden {
		t.Errorf("verify without CSRF: %d", r.Status)
	}
}

// TestAuditorSeesNoPersonalData: the auditor reads the log and its CSV,
// which name people by pseudonym only; no demo customer's e-mail
// address, phone number or name appears.
func TestAuditorSeesNoPersonalData(t *testing.T) {
	e := newEnv(t)
	dc := e.srv.DataClient(t)
	dc.Must(200, "GET", "/v1/collections/customers/records?purpose=support&limit=100", nil)
	customers := demo.Customers(2026, 30)
	for _, cu := range customers[:5] {
		dc.Must(200, "GET", "/v1/subjects?email="+url.QueryEscape(cu.Email), nil)
	}
	auditor := e.newPerson(t, "auditor")
	w := e.web(t)
	w.SignIn(auditor)
	var bodies []string
	path := "/console/audit"
	for range 20 {
		r := w.Get(path)
		if r.Status != 200 {
			t.Fatalf("auditor %s: %d %s", path, r.Status, r.Body)
		}
		bodies = append(bodies, r.Body)
		next := regexp.MustCompile(`href="([^"]+)" id="audit-next"`).FindStringSubmatch(r.Body)
		if next == nil {
			break
		}
		path = html.UnescapeString(next[1])
	}
	pages := strings.Join(bodies, "\n")
	if !strings.Contains(pages, "subject.find") || !strings.Contains(pages, `"><a href="/console/audit?pseudonym=`) {
		t.Errorf("the auditor should see the reads, their subjects by pseudonym (%d pages)", len(bodies))
	}
	r := w.Get("/console/audit.csv")
	if r.Status != 200 {
		t.Fatalf("auditor CSV: %d", r.Status)
	}
	bodies = append(bodies, r.Body)
	all := strings.Join(bodies, "\n")
	for _, cu := range customers {
		for _, pd := range []string{cu.Email, cu.Phone, cu.Name} {
			if strings.Contains(all, pd) || strings.Contains(all, html.EscapeString(pd)) {
				t.Errorf("the auditor's audit pages show personal data: %q", pd)
			}
		}
	}
	// And the auditor's role still opens no settings.
	if r := w.Get("/console/settings"); r.Status != http.StatusForbidden {
		t.Errorf("auditor settings: %d", r.Status)
	}
}

// TestAuditAndSettingsForbidden: support, sales and marketing get the 403
// page, without data, on the audit log, its CSV and every settings page.
func TestAuditAndSettingsForbidden(t *testing.T) {
	e := newEnv(t)
	auditTraffic(t, e)
	paths := []string{"/console/audit", "/console/audit.csv", "/console/settings", "/console/settings/users",
		"/console/settings/roles", "/console/settings/roles/admin", "/console/settings/tokens", "/console/settings/purposes",
		"/console/settings/retention", "/console/settings/holds", "/console/settings/training", "/console/settings/keys",
		"/console/settings/keys/rotate"}
	for _, role := range []string{"support", "sales", "marketing"} {
		p := e.newPerson(t, role)
		w := e.web(t)
		w.SignIn(p)
		home := w.Get("/console/")
		if strings.Contains(home.Body, `href="/console/audit"`) || strings.Contains(home.Body, `href="/console/settings"`) {
			t.Errorf("%s: the menu offers the audit log or settings", role)
		}
		for _, path := range paths {
			r := w.Get(path)
			if r.Status != http.StatusForbidden || !strings.Contains(r.Body, `id="err-msg"`) {
				t.Errorf("%s %s: %d", role, path, r.Status)
			}
			if strings.Contains(r.Body, "reader-alpha") || strings.Contains(r.Body, "<table") {
				t.Errorf("%s %s: the 403 page shows data", role, path)
			}
		}
		forms := map[string]url.Values{
			"/console/settings/purposes":      {"name": {"sneaky"}, "description": {"x"}, "legal_basis": {"consent"}},
			"/console/settings/tokens":        {"name": {"sneaky"}, "role": {"admin"}},
			"/console/settings/keys/rotate":   {"confirm": {"rotate"}},
			"/console/settings/users":         {"email": {"sneaky@example.com"}, "display_name": {"S"}, "role": {"admin"}},
			"/console/settings/retention/run": {"dry_run": {"true"}},
		}
		for path, form := range forms {
			if r := w.Post(path, form); r.Status != http.StatusForbidden {
				t.Errorf("%s POST %s: %d", role, path, r.Status)
			}
		}
	}
	if r := e.admin.Do("GET", "/v1/purposes/sneaky", nil); r.Status != http.StatusNotFound {
		t.Errorf("a forbidden form created a purpose: %d", r.Status)
	}
}

// TestAuditFilterByEmail: a person's e-mail address typed in the actor
// filter finds their entries (the log records "user:<id>"), for a viewer
// who knows the people (QA: it found nothing).
func TestAuditFilterByEmail(t *testing.T) {
	e := newEnv(t)
	dpo := e.newPerson(t, "dpo")
	d := e.web(t)
	d.SignIn(dpo)
	d.Get("/console/customers")
	admin := e.web(t)
	admin.SignIn(e.newPerson(t, "admin"))
	r := admin.Get("/console/audit?actor=" + url.QueryEscape(dpo.Email))
	rows := auditRows(r.Body)
	if r.Status != 200 || len(rows) == 0 {
		t.Fatalf("filter by e-mail: %d, %d rows", r.Status, len(rows))
	}
	for _, row := range rows {
		if !strings.Contains(row, dpo.Email) && !strings.Contains(row, "user:") {
			t.Errorf("a row of someone else: %s", row)
		}
	}
}
