package console_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// govZone is the server's zone in the incident tests: typed times are
// read in it, not in UTC.
const govZone = "Asia/Ho_Chi_Minh"

// newZonedEnv is newEnv with the server's deadlines (and the console's
// dates) in govZone.
func newZonedEnv(t *testing.T) *env {
	t.Helper()
	srv := testutil.MustServe(t, app.Config{TimeZone: govZone})
	if _, err := srv.App.LoadDemo(context.Background(), 10); err != nil {
		t.Fatalf("load demo: %v", err)
	}
	return &env{srv: srv, admin: srv.Client(t)}
}

// govIncident files an incident through the API.
func govIncident(t *testing.T, c *testutil.Client, description string, jurisdictions ...string) string {
	t.Helper()
	now := time.Now().UTC()
	return c.Must(201, "POST", "/v1/incidents", map[string]any{"description": description, "detected_at": now.Add(-2 * time.Hour),
		"became_aware_at": now.Add(-time.Hour), "systems": []string{"sys_vault"}, "jurisdictions": jurisdictions,
		"estimated_subjects": 3}).JSON()["id"].(string)
}

var govClockRow = regexp.MustCompile(`<tr class="clock [a-z_]+" id="clock-([A-Z]+)-([a-z_]+)"`)

// TestIncidentFromConsole: an incident filed through the form, with times
// typed in the server's zone, shows one clock per regime and recipient
// due when the API says; tasks, notifications, evidence and the review
// recorded through the console are in the API after.
func TestIncidentFromConsole(t *testing.T) {
	e := newZonedEnv(t)
	loc, _ := time.LoadLocation(govZone)
	w := e.web(t)
	w.SignIn(e.newPerson(t, "dpo"))
	r := w.Get("/console/incidents")
	govExpect(t, "incidents page", r, 200, `id="incident-form"`, `value="sys_vault"`, `value="customers"`, `value="customers.phone"`,
		"No incident has been filed.", govZone)
	if strings.Contains(r.Body, `value="customers.email"`) {
		t.Error("the jurisdiction field offers an e-mail field, which says nothing of a country")
	}

	detected := time.Now().In(loc).Add(-3 * time.Hour).Truncate(time.Minute)
	aware := detected.Add(90 * time.Minute)
	form := url.Values{"description": {"A support laptop with an export of customer phone numbers was stolen from a car."},
		"detected_at": {detected.Format("2006-01-02T15:04")}, "became_aware_at": {aware.Format("2006-01-02T15:04")},
		"systems": {"sys_vault"}, "jurisdictions": {"GDPR", "VN"}, "jurisdictions_other": {"US-CA"}, "estimated_subjects": {"12"},
		"high_risk": {"true"}, "contact": {"dpo@example.com"}, "categories": {"user.contact.phone_number"}}
	r = w.Post("/console/incidents", form)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/console/incidents/inc_") {
		t.Fatalf("file incident: %d %s %s", r.Status, r.Location, r.Body)
	}
	id := strings.TrimPrefix(r.Location, "/console/incidents/")
	api := e.admin.Must(200, "GET", "/v1/incidents/"+id, nil).JSON()
	if at, _ := time.Parse(time.RFC3339Nano, api["detected_at"].(string)); !at.Equal(detected) {
		t.Errorf("detected_at %v, want %v (typed in %s)", api["detected_at"], detected, govZone)
	}
	if at, _ := time.Parse(time.RFC3339Nano, api["became_aware_at"].(string)); !at.Equal(aware) {
		t.Errorf("became_aware_at %v, want %v", api["became_aware_at"], aware)
	}
	if api["high_risk"] != true || api["affected"].(map[string]any)["total"].(float64) != 12 {
		t.Errorf("incident as stored: %v", api)
	}

	r = w.Get(r.Location)
	govExpect(t, "incident page", r, 200, "Incident filed: its notification clocks are running.", "stolen from a car",
		`<p class="score" id="affected-total">12</p>`, "user.contact.phone_number", "Custodia vault",
		detected.Format("2 Jan 2006 15:04"), aware.Format("2 Jan 2006 15:04"),
		`id="notification-form"`, `id="evidence-form"`, `id="review-form"`, `class="draft-text" readonly`)
	clocks := api["clocks"].([]any)
	var want, got []string
	regimes := map[string]bool{}
	for _, c := range clocks {
		c := c.(map[string]any)
		key := c["regime"].(string) + "-" + c["recipient"].(string)
		want = append(want, key)
		regimes[c["regime"].(string)] = true
		due, err := time.Parse(time.RFC3339Nano, c["due_at"].(string))
		if err != nil {
			t.Fatal(err)
		}
		row := govBetween(r.Body, `id="clock-`+key+`"`, "</tr>")
		switch {
		case c["status"] == "due_now":
			// Due without undue delay: a badge, no countdown to an hour.
			if !strings.Contains(row, `<span class="bad">Due now, without undue delay</span>`) || strings.Contains(row, "data-countdown") {
				t.Errorf("clock %s is due now: want the badge and no countdown:\n%s", key, row)
			}
		case !strings.Contains(row, `datetime="`+due.UTC().Format("2006-01-02T15:04:05Z07:00")+`" data-countdown`):
			t.Errorf("clock %s: the page's countdown is not due %v:\n%s", key, due, row)
		}
		if !strings.Contains(row, due.In(loc).Format("2 Jan 2006 15:04")) {
			t.Errorf("clock %s: the due time is not shown in %s:\n%s", key, govZone, row)
		}
	}
	for _, m := range govClockRow.FindAllStringSubmatch(r.Body, -1) {
		got = append(got, m[1]+"-"+m[2])
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("clocks on the page %v, in the API %v", got, want)
	}
	for _, regime := range []string{"GDPR", "VN", "CCPA"} {
		if !regimes[regime] {
			t.Errorf("no %s clock: %v", regime, want)
		}
	}
	if !slices.Contains(want, "GDPR-data_subjects") {
		t.Errorf("a high-risk GDPR breach has no clock for the data subjects: %v", want)
	}

	// A task closed through the console is closed in the API.
	r = w.Post("/console/incidents/"+id+"/tasks/contain/close", url.Values{"state": {"closed"}, "evidence": {"Laptop wiped remotely at 10:40; its sessions revoked."}})
	if r.Status != http.StatusSeeOther || r.Location != "/console/incidents/"+id {
		t.Fatalf("close task: %d %s %s", r.Status, r.Location, r.Body)
	}
	if st := govTask(t, e, id, "contain")["state"]; st != "closed" {
		t.Errorf("contain task is %v", st)
	}
	// Closing a notification task with clocks open is the API's conflict.
	w.Get("/console/incidents/" + id)
	r = w.Post("/console/incidents/"+id+"/tasks/notify_authority/close", url.Values{"state": {"closed"}, "evidence": {"done"}})
	govExpect(t, "close with clocks open", r, http.StatusConflict, "clock is still open")

	// A notification recorded meets its clock.
	w.Get("/console/incidents/" + id)
	r = w.Post("/console/incidents/"+id+"/notifications", url.Values{"clock": {"GDPR|supervisory_authority"}, "reference": {"CNIL-2026-0042"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("record notification: %d %s", r.Status, r.Body)
	}
	for _, c := range e.admin.Must(200, "GET", "/v1/incidents/"+id, nil).JSON()["clocks"].([]any) {
		c := c.(map[string]any)
		if c["regime"] == "GDPR" && c["recipient"] == "supervisory_authority" && (c["status"] != "met" || c["reference"] != "CNIL-2026-0042") {
			t.Errorf("GDPR authority clock after the notification: %v", c)
		}
	}
	r = w.Get("/console/incidents/" + id)
	govExpect(t, "after the notification", r, 200, "Notification recorded: the GDPR clock is met.", "CNIL-2026-0042", "notification sent")
	if row := govBetween(r.Body, `id="clock-GDPR-supervisory_authority"`, "</tr>"); strings.Contains(row, "data-countdown") {
		t.Errorf("a met clock still counts down: %s", row)
	}

	// Evidence: the file's SHA-256 is recorded.
	photo := []byte("police report no. 2026/114, photographed")
	sum := sha256.Sum256(photo)
	r = govPostFile(t, w, "/console/incidents/"+id+"/evidence", map[string]string{"description": "Police report"}, "file", "report.jpg", photo)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("evidence: %d %s", r.Status, r.Body)
	}
	ev := e.admin.Must(200, "GET", "/v1/incidents/"+id, nil).JSON()["evidence"].([]any)
	if len(ev) != 1 || ev[0].(map[string]any)["sha256"] != hex.EncodeToString(sum[:]) {
		t.Fatalf("evidence in the API: %v", ev)
	}
	w.Get("/console/incidents/" + id)
	r = govPostFile(t, w, "/console/incidents/"+id+"/evidence", map[string]string{"description": "nothing"}, "", "", nil)
	govExpect(t, "evidence without a file", r, 400, "Choose the evidence file")

	// The post-incident review is the review task, closed with its text.
	w.Get("/console/incidents/" + id)
	r = govPostFile(t, w, "/console/incidents/"+id+"/tasks/post_incident_review/close",
		map[string]string{"state": "closed", "evidence": "Exports to laptops are now refused by the DLP policy."}, "evidence_file", "review.md", []byte("# Review"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("review: %d %s", r.Status, r.Body)
	}
	review := govTask(t, e, id, "post_incident_review")
	rsum := sha256.Sum256([]byte("# Review"))
	if review["state"] != "closed" || review["evidence_sha256"] != hex.EncodeToString(rsum[:]) {
		t.Errorf("review task: %v", review)
	}
	r = w.Get("/console/incidents/" + id)
	govExpect(t, "reviewed", r, 200, `<p class="review-text">Exports to laptops are now refused by the DLP policy.</p>`, "evidence added", "task closed")
	if strings.Contains(r.Body, `id="review-form"`) {
		t.Error("the review form is still offered")
	}

	// Bad input: the API's reason with a 4xx; unknown ids are 404 pages.
	w.Get("/console/incidents")
	bad := url.Values{"detected_at": form["detected_at"], "became_aware_at": form["became_aware_at"], "systems": {"sys_vault"}}
	govExpect(t, "no description", w.Post("/console/incidents", bad), 400, "description must be 1 to 5000 characters")
	bad.Set("description", "x")
	bad.Set("detected_at", "last tuesday")
	govExpect(t, "bad time", w.Post("/console/incidents", bad), 400, "The date and time are not valid.")
	bad.Set("detected_at", time.Now().In(loc).Add(48*time.Hour).Format("2006-01-02T15:04"))
	govExpect(t, "future time", w.Post("/console/incidents", bad), 400, "detected_at is in the future")
	bad.Set("detected_at", form.Get("detected_at"))
	bad.Set("jurisdictions_other", "Atlantis")
	govExpect(t, "unknown jurisdiction", w.Post("/console/incidents", bad), 400, "jurisdictions must be regimes")
	govExpect(t, "unknown incident", w.Get("/console/incidents/inc_nope"), 404, "There is nothing here")
	w.Get("/console/incidents/" + id)
	govExpect(t, "unknown task", w.Post("/console/incidents/"+id+"/tasks/nope/close", url.Values{"evidence": {"x"}}), 404, "There is nothing here")
	govExpect(t, "no clock chosen", w.Post("/console/incidents/"+id+"/notifications", url.Values{}), 400, "Choose the clock")
	if n := len(e.admin.Must(200, "GET", "/v1/incidents", nil).JSON()["incidents"].([]any)); n != 1 {
		t.Errorf("%d incidents after bad input", n)
	}
	// In Vietnamese.
	w.Get("/console/incidents/" + id)
	if r := w.Post("/console/language", url.Values{"lang": {"vi"}, "back": {"/console/incidents/" + id}}); r.Status != http.StatusSeeOther {
		t.Fatalf("switch to Vietnamese: %d", r.Status)
	}
	govExpect(t, "incident in Vietnamese", w.Get("/console/incidents/"+id), 200, "Đồng hồ thời hạn thông báo", "Số người bị ảnh hưởng",
		"cơ quan giám sát có thẩm quyền", "Rà soát sau sự cố", "ghi nhận sự cố", detected.Format("15:04 02/01/2006"))
	govExpect(t, "incidents in Vietnamese", w.Get("/console/incidents"), 200, "Ghi nhận sự cố", "Vi phạm dữ liệu cá nhân")
}

// govTask returns a task of an incident as the API reports it.
func govTask(t *testing.T, e *env, id, name string) map[string]any {
	t.Helper()
	for _, x := range e.admin.Must(200, "GET", "/v1/incidents/"+id, nil).JSON()["tasks"].([]any) {
		if x := x.(map[string]any); x["task"] == name {
			return x
		}
	}
	t.Fatalf("incident %s has no task %s", id, name)
	return nil
}

// govBetween returns the text of s from the first from up to the next to.
func govBetween(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// TestIncidentListOpenFirst: open incidents come before closed ones,
// with their next deadline counting down.
func TestIncidentListOpenFirst(t *testing.T) {
	e := newEnv(t)
	older := govIncident(t, e.admin, "Older, still open: a shared mailbox forwarded to a personal address.", "VN")
	newer := govIncident(t, e.admin, "Newer, handled: a misaddressed newsletter.", "GDPR")
	for _, task := range []string{"contain", "investigate", "notify_authority", "notify_individuals", "remediate", "post_incident_review"} {
		e.admin.Must(200, "POST", "/v1/incidents/"+newer+"/tasks/"+task+"/close", map[string]any{"state": "justified", "evidence": "handled in the test"})
	}
	w := e.web(t)
	w.SignIn(e.newPerson(t, "dpo"))
	r := w.Get("/console/incidents")
	govExpect(t, "list", r, 200, "1 open")
	i, j := strings.Index(r.Body, `id="incident-`+older+`"`), strings.Index(r.Body, `id="incident-`+newer+`"`)
	if i < 0 || j < 0 || i > j {
		t.Fatalf("the open incident is not listed first (%d, %d)", i, j)
	}
	if row := govBetween(r.Body, `id="incident-`+older+`"`, "</tr>"); !strings.Contains(row, "data-countdown") || !strings.Contains(row, "VN") {
		t.Errorf("open incident row: %s", row)
	}
	if row := govBetween(r.Body, `id="incident-`+newer+`"`, "</tr>"); strings.Contains(row, "data-countdown") || !strings.Contains(row, "closed") {
		t.Errorf("closed incident row: %s", row)
	}
	r = w.Get("/console/incidents/" + newer)
	govExpect(t, "closed incident", r, 200, "Incident (closed)", "justified as not needed", "clock waived")
	if strings.Contains(r.Body, "data-countdown") || strings.Contains(r.Body, `id="notification-form"`) {
		t.Error("a closed incident still counts down or offers to record a notification")
	}
}

// TestGovernanceRoles: support and sales get the 403 page on the data map
// and incident pages; an auditor sees them without forms, and the API
// refuses the auditor's posts.
func TestGovernanceRoles(t *testing.T) {
	f := newGovFixture(t)
	e := f.e
	inc := govIncident(t, e.admin, "Role matrix incident: a token leaked in a chat group.", "VN")
	pages := []string{"/console/datamap", "/console/datamap.svg", "/console/datamap/systems/" + f.crm, "/console/processors",
		"/console/incidents", "/console/incidents/" + inc}
	for _, role := range []string{"support", "sales"} {
		w := e.web(t)
		w.SignIn(e.newPerson(t, role))
		for _, p := range pages {
			r := w.Get(p)
			govExpect(t, role+" "+p, r, http.StatusForbidden, "Your role does not allow this page or action.")
			for _, secret := range []string{"Sales CRM", "Zalo", "token leaked", "<svg"} {
				if strings.Contains(r.Body, secret) {
					t.Errorf("%s %s shows %q", role, p, secret)
				}
			}
		}
		w.Get("/console/")
		r := w.Post("/console/datamap/systems/"+f.proposed+"/confirm", url.Values{"status": {"shadow"}})
		govExpect(t, role+" confirms", r, http.StatusForbidden)
		r = w.Post("/console/incidents", url.Values{"description": {"x"}})
		govExpect(t, role+" files an incident", r, http.StatusForbidden)
	}

	w := e.web(t)
	w.SignIn(e.newPerson(t, "auditor"))
	for _, p := range pages {
		r := w.Get(p)
		if r.Status != 200 {
			t.Fatalf("auditor %s: %d %s", p, r.Status, r.Body)
		}
		for _, form := range []string{`id="system-form"`, "confirm-form", "dismiss-form", `id="processor-form"`, `id="incident-form"`,
			`id="notification-form"`, "task-form", `id="evidence-form"`, `id="review-form"`} {
			if strings.Contains(r.Body, form) {
				t.Errorf("auditor %s offers %s", p, form)
			}
		}
	}
	govExpect(t, "auditor data map", w.Get("/console/datamap"), 200, "Sales CRM", "laptop-7", "crm-01")
	govExpect(t, "auditor incident", w.Get("/console/incidents/"+inc), 200, "token leaked", "data-countdown", "Notification drafts")

	w.Get("/console/datamap")
	for _, post := range []struct {
		path string
		form url.Values
	}{
		{"/console/datamap/systems/" + f.proposed + "/confirm", url.Values{"status": {"shadow"}}},
		{"/console/datamap/systems/" + f.proposed + "/dismiss", nil},
		{"/console/datamap/systems", url.Values{"name": {"Auditor's system"}, "kind": {"crm"}}},
		{"/console/processors", url.Values{"vendor": {"V"}, "service": {"S"}, "country": {"VN"}, "dpa_status": {"none"}}},
		{"/console/incidents", url.Values{"description": {"auditor"}, "detected_at": {"2026-01-01T10:00"}, "became_aware_at": {"2026-01-01T10:00"}, "systems": {"sys_vault"}}},
		{"/console/incidents/" + inc + "/tasks/contain/close", url.Values{"evidence": {"x"}}},
		{"/console/incidents/" + inc + "/notifications", url.Values{"clock": {"VN|authority"}}},
	} {
		govExpect(t, "auditor posts "+post.path, w.Post(post.path, post.form), http.StatusForbidden, "Your role does not allow this page or action.")
	}
	if st := e.admin.Must(200, "GET", "/v1/systems/"+f.proposed, nil).JSON()["status"]; st != "proposed" {
		t.Errorf("the proposal is %v after the auditor's posts", st)
	}
	if st := govTask(t, e, inc, "contain")["state"]; st != "open" {
		t.Errorf("contain is %v after the auditor's post", st)
	}
	if n := len(e.admin.Must(200, "GET", "/v1/incidents", nil).JSON()["incidents"].([]any)); n != 1 {
		t.Errorf("%d incidents after the auditor's post", n)
	}
}
