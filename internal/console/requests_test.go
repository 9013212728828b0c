package console_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"custodia/internal/testutil"
)

// reqCustomer is a customer created for a test through the API.
type reqCustomer struct{ Email, Subject string }

// reqFixture is a server with a dpo API client and two customers of
// known e-mail addresses.
type reqFixture struct {
	*env
	dpo  *testutil.Client
	a, b reqCustomer
}

var reqSeq atomic.Int64

func newReqFixture(t *testing.T) *reqFixture {
	t.Helper()
	e := newEnv(t)
	f := &reqFixture{env: e, dpo: e.srv.DataClient(t)}
	f.a = f.customer(t, "Nguyễn Thị An")
	f.b = f.customer(t, "Trần Văn Bình")
	return f
}

func (f *reqFixture) customer(t *testing.T, name string) reqCustomer {
	t.Helper()
	n := reqSeq.Add(1)
	email := fmt.Sprintf("dsr.person%d.%d@example.org", n, time.Now().UnixNano()%1e6)
	r := f.dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support",
		map[string]any{"email": email, "phone": fmt.Sprintf("+849012345%02d", n%100), "name": name})
	return reqCustomer{Email: email, Subject: r.JSON()["subject"].(string)}
}

// file files a request through the API and returns its JSON.
func (f *reqFixture) file(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	return f.dpo.Must(201, "POST", "/v1/requests", body).JSON()
}

// get reads a request through the API.
func (f *reqFixture) get(t *testing.T, id string) map[string]any {
	t.Helper()
	return f.dpo.Must(200, "GET", "/v1/requests/"+id, nil).JSON()
}

// move moves a request through the API.
func (f *reqFixture) move(t *testing.T, id, to string) {
	t.Helper()
	f.dpo.Must(200, "POST", "/v1/requests/"+id+"/transitions", map[string]any{"to": to, "reason": "test step to " + to})
}

// reqRow returns the queue's row of a request ("" when absent).
func reqRow(body, id string) string {
	m := regexp.MustCompile(`(?s)<tr data-request="` + regexp.QuoteMeta(id) + `">(.*?)</tr>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// reqPostFile posts a multipart form with one file, with the CSRF token
// of the last page loaded.
func reqPostFile(w *web, path string, fields map[string]string, field, name string, content []byte) page {
	w.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if _, ok := fields["csrf"]; !ok {
		_ = mw.WriteField("csrf", w.csrf)
	}
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		w.t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, w.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return w.do(req)
}

// reqPost posts a form and fails unless the console redirects (303) to
// want; it returns the page it lands on.
func reqPost(t *testing.T, w *web, path string, form url.Values, want string) page {
	t.Helper()
	r := w.Post(path, form)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, want) {
		t.Fatalf("POST %s %v: %d %q\n%s", path, form, r.Status, r.Location, r.Body)
	}
	return w.Get(r.Location)
}

// TestRequestQueue: the queue lists requests by due date with their
// jurisdiction, type, state and days left (red when overdue), filters by
// state, type, open and overdue, and files a new request by e-mail.
func TestRequestQueue(t *testing.T) {
	f := newReqFixture(t)
	c := f.customer(t, "Lê Minh Châu")
	now := time.Now().UTC()
	overdue := f.file(t, map[string]any{"type": "erasure", "subject_lookup": map[string]any{"subject": f.a.Subject}, "jurisdiction": "GDPR",
		"channel": "email", "received_at": now.AddDate(0, 0, -45).Format(time.RFC3339)})
	later := f.file(t, map[string]any{"type": "access", "subject_lookup": map[string]any{"email": f.b.Email}, "jurisdiction": "CCPA",
		"channel": "web", "received_at": now.AddDate(0, 0, -2).Format(time.RFC3339)})
	soon := f.file(t, map[string]any{"type": "withdraw_consent", "subject_lookup": map[string]any{"subject": c.Subject}, "jurisdiction": "VN", "channel": "zalo"})
	rejected := f.file(t, map[string]any{"type": "access", "subject_lookup": map[string]any{"email": "no.such.person@example.org"}, "jurisdiction": "GDPR"})
	if rejected["state"] != "rejected" || overdue["overdue"] != true {
		t.Fatalf("fixtures: rejected %v, overdue %v", rejected["state"], overdue["overdue"])
	}
	ids := []string{overdue["id"].(string), soon["id"].(string), later["id"].(string)}

	dpo := f.newPerson(t, "dpo")
	w := f.web(t)
	w.SignIn(dpo)
	r := w.Get("/console/requests")
	if r.Status != 200 {
		t.Fatalf("queue: %d %s", r.Status, r.Body)
	}
	// Sorted by due date: the overdue GDPR erasure, the 15-day VN
	// withdrawal, then the 45-day CCPA access.
	last := -1
	for _, id := range ids {
		i := strings.Index(r.Body, `data-request="`+id+`"`)
		if i < 0 || i < last {
			t.Fatalf("queue order: %s at %d after %d\n%s", id, i, last, r.Body)
		}
		last = i
	}
	if strings.Contains(r.Body, rejected["id"].(string)) {
		t.Errorf("the open queue lists a rejected request")
	}
	for _, req := range []map[string]any{overdue, soon, later} {
		id := req["id"].(string)
		api := f.get(t, id)
		row := reqRow(r.Body, id)
		want := fmt.Sprintf(`data-days="%d"`, int(api["days_left"].(float64)))
		if !strings.Contains(row, want) || !strings.Contains(row, api["jurisdiction"].(string)) || !strings.Contains(row, ">"+typeLabels[api["type"].(string)]+"</a>") ||
			!strings.Contains(row, "state-"+api["state"].(string)) {
			t.Errorf("row of %s (API days_left %v): want %s, jurisdiction, type, state\n%s", id, api["days_left"], want, row)
		}
	}
	if row := reqRow(r.Body, ids[0]); !strings.Contains(row, `class="due overdue days-left"`) {
		t.Errorf("the overdue request is not red: %s", row)
	}
	if row := reqRow(r.Body, ids[2]); strings.Contains(row, "overdue") {
		t.Errorf("a request with weeks left is marked overdue: %s", row)
	}
	if !strings.Contains(r.Body, `id="overdue-count">1 overdue`) {
		t.Errorf("overdue count missing")
	}

	// Filters.
	filters := []struct {
		q        string
		in, out  []string
		selected string
	}{
		{"?show=overdue", ids[:1], append(ids[1:], rejected["id"].(string)), `<option value="overdue" selected>`},
		{"?show=all", append(ids, rejected["id"].(string)), nil, `<option value="all" selected>`},
		{"?overdue=true", ids[:1], ids[1:], `<option value="overdue" selected>`},
		{"?state=rejected", []string{rejected["id"].(string)}, ids, `<option value="rejected" selected>`},
		{"?type=access&show=all", []string{later["id"].(string), rejected["id"].(string)}, []string{ids[0], ids[1]}, `<option value="access" selected>`},
		{"?type=access", []string{later["id"].(string)}, []string{ids[0], ids[1], rejected["id"].(string)}, `<option value="access" selected>`},
		{"?state=received&type=erasure", ids[:1], ids[1:], `<option value="erasure" selected>`},
	}
	for _, fl := range filters {
		r := w.Get("/console/requests" + fl.q)
		if r.Status != 200 || !strings.Contains(r.Body, fl.selected) {
			t.Errorf("%s: %d, filter not shown as selected", fl.q, r.Status)
		}
		for _, id := range fl.in {
			if reqRow(r.Body, id) == "" {
				t.Errorf("%s: %s missing", fl.q, id)
			}
		}
		for _, id := range fl.out {
			if reqRow(r.Body, id) != "" {
				t.Errorf("%s: %s listed", fl.q, id)
			}
		}
	}
	if r := w.Get("/console/requests?state=paused"); r.Status != 200 || !strings.Contains(r.Body, `id="no-requests"`) {
		t.Errorf("empty filter: %d", r.Status)
	}
	if r := w.Get("/console/requests?state=bogus&type=%3Cscript%3E&show=x"); r.Status != 200 || strings.Contains(r.Body, "<script>") {
		t.Errorf("bad filter values: %d", r.Status)
	}

	// Filing by e-mail through the form: the request page shows it.
	r = w.Get("/console/requests")
	if !strings.Contains(r.Body, `id="file-request-form"`) {
		t.Fatalf("no filing form for a dpo")
	}
	p := reqPost(t, w, "/console/requests", url.Values{"lookup_kind": {"email"}, "lookup_value": {strings.ToUpper(c.Email)}, "type": {"access"},
		"jurisdiction": {"LGPD"}, "channel": {"email"}, "note": {"asked by e-mail"}}, "/console/requests/req_")
	if !strings.Contains(p.Body, "Request filed.") || !strings.Contains(p.Body, c.Subject) || !strings.Contains(p.Body, "LGPD") {
		t.Errorf("filed request page: %s", p.Body)
	}
	var out struct {
		Requests []struct {
			ID, Type, Jurisdiction, State string
			Subject                       string `json:"subject"`
		} `json:"requests"`
	}
	if err := json.Unmarshal(f.dpo.Must(200, "GET", "/v1/requests?subject="+c.Subject+"&type=access", nil).Body, &out); err != nil || len(out.Requests) != 1 ||
		out.Requests[0].Jurisdiction != "LGPD" || out.Requests[0].State != "received" {
		t.Errorf("API after filing: %+v %v", out, err)
	}
	// A lookup that matches no one is recorded and rejected, with its reason.
	p = reqPost(t, w, "/console/requests", url.Values{"lookup_kind": {"phone"}, "lookup_value": {"+84 900 000 999"}, "type": {"erasure"},
		"jurisdiction": {"VN"}, "channel": {"phone"}}, "/console/requests/req_")
	if !strings.Contains(p.Body, "recorded and rejected") || !strings.Contains(p.Body, "no subject matches the lookup") || strings.Contains(p.Body, "900 000 999") {
		t.Errorf("unmatched request page: %s", p.Body)
	}
	// A received date in the past starts the clock then.
	p = reqPost(t, w, "/console/requests", url.Values{"lookup_kind": {"subject"}, "lookup_value": {f.b.Subject}, "type": {"objection"},
		"jurisdiction": {"GDPR"}, "channel": {"web"}, "received_at": {now.AddDate(0, 0, -3).Format("2006-01-02")}, "purposes": {"marketing"}}, "/console/requests/req_")
	if !strings.Contains(p.Body, "marketing") {
		t.Errorf("objection page lacks its purposes")
	}
}

// TestAccessRequestLifecycle: an access request filed, verified, carried
// out, downloaded and completed through the console's forms; the package
// is a real zip holding the subject's data and no one else's, and only a
// role with requests:manage may download it.
func TestAccessRequestLifecycle(t *testing.T) {
	f := newReqFixture(t)
	dpo, auditor := f.newPerson(t, "dpo"), f.newPerson(t, "auditor")
	w := f.web(t)
	w.SignIn(dpo)
	w.Get("/console/requests")
	p := reqPost(t, w, "/console/requests", url.Values{"lookup_kind": {"email"}, "lookup_value": {f.a.Email}, "type": {"access"},
		"jurisdiction": {"GDPR"}, "channel": {"email"}}, "/console/requests/req_")
	id := regexp.MustCompile(`id="request-id">(req_[^<]+)<`).FindStringSubmatch(p.Body)
	if id == nil {
		t.Fatalf("no request id on the page: %s", p.Body)
	}
	rid := id[1]
	base := "/console/requests/" + rid
	state := func() string { return f.get(t, rid)["state"].(string) }
	if !strings.Contains(p.Body, `id="move-verifying_identity"`) || strings.Contains(p.Body, `id="move-completed"`) || strings.Contains(p.Body, `id="execute-form"`) {
		t.Errorf("a received request offers the wrong steps")
	}
	if !strings.Contains(p.Body, "Not started.") || !strings.Contains(p.Body, "GDPR (EU) 2016/679") {
		t.Errorf("identity status or legal source missing")
	}

	p = reqPost(t, w, base+"/transitions", url.Values{"to": {"verifying_identity"}, "reason": {"asked for a reply from the address on file"}}, base)
	if state() != "verifying_identity" || !strings.Contains(p.Body, `id="move-in_progress"`) || !strings.Contains(p.Body, `id="move-rejected"`) ||
		strings.Contains(p.Body, `id="move-verifying_identity"`) {
		t.Fatalf("after starting verification: %s", state())
	}
	p = reqPost(t, w, base+"/transitions", url.Values{"to": {"in_progress"}, "reason": {"replied from the address on file"}}, base)
	if state() != "in_progress" || !strings.Contains(p.Body, "Identity verified on") || !strings.Contains(p.Body, `id="execute-form"`) ||
		!strings.Contains(p.Body, `id="move-completed"`) || !strings.Contains(p.Body, `id="move-extended"`) || !strings.Contains(p.Body, `id="move-paused"`) {
		t.Fatalf("after verification: %s\n%s", state(), p.Body)
	}
	if strings.Contains(p.Body, `id="package-link"`) {
		t.Errorf("a package link before the request was carried out")
	}

	p = reqPost(t, w, base+"/execute", url.Values{}, base)
	api := f.get(t, rid)
	if api["details"].(map[string]any)["executed_at"] == nil || !strings.Contains(p.Body, `id="package-link"`) || strings.Contains(p.Body, `id="execute-form"`) {
		t.Fatalf("after executing: %v", api["details"])
	}

	// The package: a zip with the subject's data only.
	req, _ := http.NewRequest(http.MethodGet, w.base+base+"/package", nil)
	res, err := w.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	zipBytes, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/zip" || len(zipBytes) == 0 ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("package: %d %q %q %d bytes", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"), len(zipBytes))
	}
	zr, err := zip.NewReader(bytes.NewReader(zipBytes), int64(len(zipBytes)))
	if err != nil {
		t.Fatalf("the package is not a zip: %v", err)
	}
	var subjectJSON string
	for _, zf := range zr.File {
		if zf.Name == "subject.json" {
			rd, _ := zf.Open()
			b, _ := io.ReadAll(rd)
			rd.Close()
			subjectJSON = string(b)
		}
	}
	if !strings.Contains(subjectJSON, f.a.Subject) || !strings.Contains(subjectJSON, f.a.Email) || strings.Contains(subjectJSON, f.b.Email) {
		t.Errorf("subject.json does not hold exactly the subject's data:\n%s", subjectJSON)
	}

	// An auditor reads the request but may not download or move it.
	wa := f.web(t)
	wa.SignIn(auditor)
	if r := wa.Get(base); r.Status != 200 || strings.Contains(r.Body, `id="package-link"`) || strings.Contains(r.Body, `action="`+base+`/transitions"`) {
		t.Errorf("auditor's request page: %d", r.Status)
	}
	if r := wa.Get(base + "/package"); r.Status != http.StatusForbidden || strings.Contains(r.Body, f.a.Email) || r.Header.Get("Content-Type") == "application/zip" {
		t.Errorf("auditor's package download: %d %q", r.Status, r.Header.Get("Content-Type"))
	}

	p = reqPost(t, w, base+"/transitions", url.Values{"to": {"completed"}, "reason": {"package sent by encrypted e-mail"}}, base)
	api = f.get(t, rid)
	if api["state"] != "completed" || api["closed_at"] == nil {
		t.Fatalf("completed: %v", api["state"])
	}
	if strings.Contains(p.Body, `id="move-`) || strings.Contains(p.Body, `id="task-form"`) || !strings.Contains(p.Body, `id="request-state">Completed`) {
		t.Errorf("a completed request still offers forms")
	}
	for _, reason := range []string{"filed through email", "asked for a reply from the address on file", "replied from the address on file", "The access package is ready to download.", "package sent by encrypted e-mail"} {
		if !strings.Contains(p.Body, reason) {
			t.Errorf("timeline lacks %q", reason)
		}
	}
	// Vietnamese: the same page in the other language.
	w.Post("/console/language", url.Values{"lang": {"vi"}, "back": {base}})
	if r := w.Get(base); !strings.Contains(r.Body, "Dòng thời gian") || !strings.Contains(r.Body, "Hoàn thành") {
		t.Errorf("Vietnamese request page")
	}
}

// TestRequestTasksAndExtension: a task for a system outside the vault,
// closed with an uploaded evidence file whose SHA-256 the page shows; an
// extension with its notice text; an erasure carried out only once
// confirmed.
func TestRequestTasksAndExtension(t *testing.T) {
	f := newReqFixture(t)
	req := f.file(t, map[string]any{"type": "erasure", "subject_lookup": map[string]any{"subject": f.b.Subject}, "jurisdiction": "GDPR", "channel": "email"})
	rid := req["id"].(string)
	base := "/console/requests/" + rid
	f.move(t, rid, "verifying_identity")
	f.move(t, rid, "in_progress")

	dpo := f.newPerson(t, "dpo")
	w := f.web(t)
	w.SignIn(dpo)
	p := w.Get(base)
	if !strings.Contains(p.Body, `id="no-tasks"`) || !strings.Contains(p.Body, `id="task-form"`) {
		t.Fatalf("request page without tasks: %s", p.Body)
	}
	p = reqPost(t, w, base+"/tasks", url.Values{"system": {"Zalo OA export (sales team)"}, "description": {"delete the chat export rows"},
		"assignee": {"Sales.Lead@example.com"}}, base)
	tasks := f.get(t, rid)["tasks"].([]any)
	if len(tasks) != 1 {
		t.Fatalf("tasks after adding: %v", tasks)
	}
	task := tasks[0].(map[string]any)
	tid := task["id"].(string)
	if task["assignee"] != "sales.lead@example.com" || !strings.Contains(p.Body, "Zalo OA export (sales team)") || !strings.Contains(p.Body, `id="close-`+tid+`"`) ||
		!strings.Contains(p.Body, `enctype="multipart/form-data"`) {
		t.Errorf("task: %v", task)
	}
	if !strings.Contains(p.Body, "Tasks still open: 1.") {
		t.Errorf("completion checklist does not name the open task")
	}
	// Completing before carrying out: the API refuses, and says why.
	r := w.Post(base+"/transitions", url.Values{"to": {"completed"}, "reason": {"too early"}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "carry the request out") {
		t.Errorf("complete before carrying out: %d", r.Status)
	}

	// Close the task with an evidence file.
	w.Get(base)
	evidence := []byte("%PDF-1.4 screenshot of the deleted rows\x00\x01\x02")
	sum := sha256.Sum256(evidence)
	want := hex.EncodeToString(sum[:])
	r = reqPostFile(w, base+"/tasks/"+tid+"/close", map[string]string{"state": "closed", "evidence": "rows deleted by the sales lead"}, "attachment", "proof.pdf", evidence)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("close task: %d %s", r.Status, r.Body)
	}
	p = w.Get(r.Location)
	task = f.get(t, rid)["tasks"].([]any)[0].(map[string]any)
	if task["state"] != "closed" || task["attachment_sha256"] != want || task["evidence"] != "rows deleted by the sales lead" {
		t.Fatalf("closed task: %v", task)
	}
	if !strings.Contains(p.Body, `<code class="sha256">`+want+`</code>`) || !strings.Contains(p.Body, want) || strings.Contains(p.Body, `id="close-`+tid+`"`) {
		t.Errorf("the page does not show the evidence hash %s", want)
	}

	// Extension: the form carries a draft notice naming the rule; the
	// notice is kept as the reason and shown with the new due date.
	if !strings.Contains(p.Body, `id="move-extended"`) || !strings.Contains(p.Body, "as the law allows (GDPR (EU) 2016/679") {
		t.Fatalf("no extension form with a notice draft")
	}
	dueBefore := f.get(t, rid)["due_at"].(string)
	notice := "We need two more months to answer: the request covers many systems."
	p = reqPost(t, w, base+"/transitions", url.Values{"to": {"extended"}, "reason": {notice}}, base)
	api := f.get(t, rid)
	if api["state"] != "extended" || api["extensions"] != 1.0 || api["due_at"] == dueBefore {
		t.Fatalf("extended: %v %v %v", api["state"], api["extensions"], api["due_at"])
	}
	if !strings.Contains(p.Body, `class="notice-text">`+notice) || !strings.Contains(p.Body, `id="extended-due"`) || strings.Contains(p.Body, `id="move-extended"`) ||
		!strings.Contains(p.Body, "1 of 1 used, 0 left") || !strings.Contains(p.Body, "Extended: the new due date is") {
		t.Errorf("extension page: %s", p.Body)
	}
	// No extension is left: the API refuses a second, and the page says why.
	r = w.Post(base+"/transitions", url.Values{"to": {"extended"}, "reason": {"again"}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "no further extension") {
		t.Errorf("second extension: %d", r.Status)
	}

	// Erasure needs its confirmation; then it shreds the subject.
	w.Get(base)
	r = w.Post(base+"/execute", url.Values{})
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "Tick the box") {
		t.Errorf("erasure without confirmation: %d", r.Status)
	}
	if f.get(t, rid)["details"].(map[string]any)["executed_at"] != nil {
		t.Fatalf("the erasure ran without confirmation")
	}
	w.Get(base)
	reqPost(t, w, base+"/execute", url.Values{"confirm": {"yes"}}, base)
	if r := f.dpo.Do("GET", "/v1/subjects/"+f.b.Subject+"/records?purpose=support", nil); r.Status == 200 && strings.Contains(string(r.Body), f.b.Email) {
		t.Errorf("the subject is still readable after the erasure")
	}
	p = reqPost(t, w, base+"/transitions", url.Values{"to": {"completed"}, "reason": {"erased; confirmation sent"}}, base)
	if f.get(t, rid)["state"] != "completed" || strings.Contains(p.Body, `id="move-`) {
		t.Errorf("erasure not completed")
	}
}

// TestRequestBadInput: unknown requests, invalid transitions and bad
// forms give clear error pages with the API's reason, never a 500.
func TestRequestBadInput(t *testing.T) {
	f := newReqFixture(t)
	req := f.file(t, map[string]any{"type": "erasure", "subject_lookup": map[string]any{"subject": f.a.Subject}, "jurisdiction": "GDPR"})
	rid := req["id"].(string)
	base := "/console/requests/" + rid
	dpo := f.newPerson(t, "dpo")
	w := f.web(t)
	w.SignIn(dpo)

	for _, path := range []string{"/console/requests/req_doesnotexist", "/console/requests/req_doesnotexist/package", "/console/requests/%3Cb%3E"} {
		if r := w.Get(path); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "There is nothing here") {
			t.Errorf("%s: %d", path, r.Status)
		}
	}
	w.Get(base)
	cases := []struct {
		path     string
		form     url.Values
		status   int
		contains string
	}{
		{base + "/transitions", url.Values{"to": {"completed"}, "reason": {"skip ahead"}}, http.StatusConflict, "cannot move to"},
		{base + "/transitions", url.Values{"to": {"nowhere"}, "reason": {"x"}}, http.StatusBadRequest, "to must be one of"},
		{base + "/transitions", url.Values{"to": {"verifying_identity"}, "reason": {"  "}}, http.StatusBadRequest, "needs a reason"},
		{base + "/execute", url.Values{"confirm": {"yes"}}, http.StatusConflict, "identity is verified"},
		{base + "/tasks", url.Values{"system": {""}}, http.StatusBadRequest, "names its system"},
		{base + "/tasks", url.Values{"system": {"CRM"}, "assignee": {"not-an-email"}}, http.StatusBadRequest, "assignee must be an e-mail"},
		{base + "/tasks/tsk_nope/close", url.Values{"evidence": {""}}, http.StatusBadRequest, "needs evidence"},
		{"/console/requests/req_doesnotexist/transitions", url.Values{"to": {"rejected"}, "reason": {"x"}}, http.StatusNotFound, "There is nothing here"},
		{"/console/requests", url.Values{"lookup_kind": {"passport"}, "lookup_value": {"x"}, "type": {"access"}, "jurisdiction": {"GDPR"}}, http.StatusBadRequest, "Choose how to find the person"},
		{"/console/requests", url.Values{"lookup_kind": {"email"}, "lookup_value": {f.b.Email}, "type": {"gossip"}, "jurisdiction": {"GDPR"}}, http.StatusBadRequest, "type must be one of"},
		{"/console/requests", url.Values{"lookup_kind": {"email"}, "lookup_value": {f.b.Email}, "type": {"access"}, "jurisdiction": {"GDPR"}, "received_at": {"31/12/2025"}}, http.StatusBadRequest, "The date is not valid."},
		{"/console/requests", url.Values{"lookup_kind": {"subject"}, "lookup_value": {f.a.Subject}, "type": {"erasure"}, "jurisdiction": {"GDPR"}}, http.StatusConflict, "already exists"},
		{"/console/requests", url.Values{"lookup_kind": {"email"}, "lookup_value": {f.b.Email}, "type": {"access"}, "jurisdiction": {"MARS"}}, http.StatusBadRequest, ""},
	}
	for _, c := range cases {
		r := w.Post(c.path, c.form)
		if r.Status != c.status || !strings.Contains(r.Body, c.contains) {
			t.Errorf("POST %s %v: %d, want %d with %q\n%s", c.path, c.form, r.Status, c.status, c.contains, r.Body)
		}
		if r.Status >= 500 {
			t.Errorf("POST %s: server error", c.path)
		}
	}
	if got := f.get(t, rid)["state"]; got != "received" {
		t.Errorf("bad input changed the request: %v", got)
	}
	// The package of an erasure request does not exist.
	f.move(t, rid, "verifying_identity")
	f.move(t, rid, "in_progress")
	if r := w.Get(base + "/package"); r.Status != http.StatusConflict || !strings.Contains(r.Body, "only access and portability") {
		t.Errorf("package of an erasure: %d", r.Status)
	}
	// Rectification values must be field = value lines.
	rect := f.file(t, map[string]any{"type": "rectification", "subject_lookup": map[string]any{"subject": f.b.Subject}, "jurisdiction": "GDPR"})
	f.move(t, rect["id"].(string), "verifying_identity")
	f.move(t, rect["id"].(string), "in_progress")
	w.Get("/console/requests/" + rect["id"].(string))
	if r := w.Post("/console/requests/"+rect["id"].(string)+"/execute", url.Values{"collection": {"customers"}, "record": {"rec_x"}, "purpose": {"support"}, "values": {"no equals sign"}}); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "field = value") {
		t.Errorf("bad rectification values: %d", r.Status)
	}
}

// TestRequestRoles: roles without requests:read get the 403 page; a role
// that reads requests but may not manage them sees no action forms, and
// the API refuses its posts.
func TestRequestRoles(t *testing.T) {
	f := newReqFixture(t)
	req := f.file(t, map[string]any{"type": "access", "subject_lookup": map[string]any{"subject": f.a.Subject}, "jurisdiction": "GDPR"})
	rid := req["id"].(string)
	base := "/console/requests/" + rid

	sales := f.newPerson(t, "sales")
	ws := f.web(t)
	ws.SignIn(sales)
	for _, path := range []string{"/console/requests", base, base + "/package"} {
		if r := ws.Get(path); r.Status != http.StatusForbidden || strings.Contains(r.Body, f.a.Subject) || strings.Contains(r.Body, `data-request=`) ||
			!strings.Contains(r.Body, "Your role does not allow") {
			t.Errorf("sales %s: %d", path, r.Status)
		}
	}

	for _, role := range []string{"auditor", "support"} {
		p := f.newPerson(t, role)
		w := f.web(t)
		w.SignIn(p)
		r := w.Get("/console/requests")
		if r.Status != 200 || reqRow(r.Body, rid) == "" {
			t.Fatalf("%s queue: %d", role, r.Status)
		}
		if canFile := role == "support"; strings.Contains(r.Body, `id="file-request-form"`) != canFile {
			t.Errorf("%s: filing form shown = %v", role, !canFile)
		}
		r = w.Get(base)
		if r.Status != 200 || !strings.Contains(r.Body, rid) {
			t.Fatalf("%s request page: %d", role, r.Status)
		}
		for _, form := range []string{`action="` + base + `/transitions"`, `action="` + base + `/execute"`, `action="` + base + `/tasks"`, `id="move-`} {
			if strings.Contains(r.Body, form) {
				t.Errorf("%s sees %s", role, form)
			}
		}
		// Posting anyway (a valid CSRF token, a forged form): the API refuses.
		if r := w.Post(base+"/transitions", url.Values{"to": {"verifying_identity"}, "reason": {"not mine to do"}}); r.Status != http.StatusForbidden {
			t.Errorf("%s transition: %d", role, r.Status)
		}
		if r := w.Post(base+"/tasks", url.Values{"system": {"CRM"}}); r.Status != http.StatusForbidden {
			t.Errorf("%s task: %d", role, r.Status)
		}
	}
	if api := f.get(t, rid); api["state"] != "received" || len(api["tasks"].([]any)) != 0 {
		t.Errorf("the request changed: %v %v", api["state"], api["tasks"])
	}
}

// typeLabels are the words the console shows for request types.
var typeLabels = map[string]string{"access": "Access", "portability": "Portability", "rectification": "Rectification", "erasure": "Erasure",
	"restriction": "Restriction", "objection": "Objection", "withdraw_consent": "Consent withdrawal"}

// TestSensitivePackageWaits: the access package of a person whose data
// holds a national id is not downloaded from the console until a second
// person approves it; the request page says so and names the export.
func TestSensitivePackageWaits(t *testing.T) {
	f := newReqFixture(t)
	f.admin.Must(201, "POST", "/v1/collections", map[string]any{"name": "kyc", "kind": "data", "fields": []any{
		map[string]any{"name": "cccd", "type": "national_id", "format": "vn_cccd", "category": "user.government_id.national_identification_number", "purposes": []string{"support"}},
	}})
	f.dpo.Must(201, "POST", "/v1/collections/kyc/records?purpose=support", map[string]any{"subject": f.a.Subject, "cccd": "079203001234"})
	rid := f.file(t, map[string]any{"type": "access", "subject_lookup": map[string]any{"subject": f.a.Subject}, "jurisdiction": "GDPR"})["id"].(string)
	f.move(t, rid, "verifying_identity")
	f.move(t, rid, "in_progress")
	f.dpo.Must(200, "POST", "/v1/requests/"+rid+"/execute", nil)

	w := f.web(t)
	w.SignIn(f.newPerson(t, "dpo"))
	r := w.Get("/console/requests/" + rid + "/package")
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/console/requests/"+rid || r.Header.Get("Content-Type") == "application/json" {
		t.Fatalf("sensitive package from the console: %d %v", r.Status, r.Header)
	}
	r = w.Get("/console/requests/" + rid)
	if r.Status != 200 || !strings.Contains(r.Body, "waits for a second person") ||
		strings.Contains(r.Body, "079203001234") {
		t.Fatalf("sensitive package from the console: %d %q\n%s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	var pending string
	for _, x := range f.admin.Must(200, "GET", "/v1/exports", nil).JSON()["exports"].([]any) {
		if m := x.(map[string]any); m["request"] == rid && m["status"] == "pending_approval" {
			pending = m["id"].(string)
		}
	}
	if pending == "" || !strings.Contains(r.Body, pending) {
		t.Errorf("the page does not name the waiting export %q", pending)
	}
}

// TestAssigneeClosesTaskFromDashboard: a request task assigned to a
// person whose role has no part in requests shows on their dashboard,
// and they close it there with evidence (QA: a sales person was assigned
// an erasure task and got 403 on the request and on closing it).
func TestAssigneeClosesTaskFromDashboard(t *testing.T) {
	e := newEnv(t)
	e.admin.Must(201, "POST", "/v1/roles", map[string]any{"name": "fieldagent", "require_mfa": false, "permissions": []string{"schema:read"}, "grants": []any{}})
	agent := e.newPerson(t, "fieldagent")
	dpo := e.admin.With(e.admin.RoleToken("dpo"))
	subject := e.srv.DataClient(t).Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "task.owner@example.vn", "name": "Chủ Nhiệm Vụ"}).JSON()["subject"].(string)
	id := dpo.Must(201, "POST", "/v1/requests", map[string]any{"type": "erasure", "subject_lookup": map[string]any{"subject": subject}, "jurisdiction": "GDPR"}).JSON()["id"].(string)
	task := dpo.Must(201, "POST", "/v1/requests/"+id+"/tasks", map[string]any{"system": "Zalo group", "description": "delete the chat", "assignee": agent.Email}).JSON()["id"].(string)

	w := e.web(t)
	w.SignIn(agent)
	p := w.Get("/console/")
	if !strings.Contains(p.Body, `id="my-task-`+task+`"`) || !strings.Contains(p.Body, `action="/console/tasks/`+id+`/`+task+`/close"`) {
		t.Fatalf("the assignee's dashboard lacks the task:\n%s", p.Body)
	}
	if r := w.Post("/console/tasks/"+id+"/"+task+"/close", url.Values{"evidence": {"chat deleted"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("close from the dashboard: %d %s", r.Status, r.Body)
	}
	tasks := dpo.Must(200, "GET", "/v1/requests/"+id, nil).JSON()["tasks"].([]any)
	if st := tasks[0].(map[string]any)["state"]; st != "closed" {
		t.Errorf("task after the assignee closed it: %v", tasks[0])
	}
	if p := w.Get("/console/"); strings.Contains(p.Body, `id="my-task-`+task+`"`) {
		t.Error("a closed task is still on the dashboard")
	}
}

// TestExtensionTooLate: a request past the deadline to tell the requester
// of an extension offers no extension form, which could only be refused
// (QA); it says why instead.
func TestExtensionTooLate(t *testing.T) {
	e := newEnv(t)
	dpoAPI := e.admin.With(e.admin.RoleToken("dpo"))
	subject := e.srv.DataClient(t).Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "late.request@example.vn", "name": "Trễ Hạn"}).JSON()["subject"].(string)
	received := time.Now().UTC().AddDate(0, 0, -60)
	id := dpoAPI.Must(201, "POST", "/v1/requests", map[string]any{"type": "access", "subject_lookup": map[string]any{"subject": subject}, "jurisdiction": "GDPR", "received_at": received}).JSON()["id"].(string)
	dpoAPI.Must(200, "POST", "/v1/requests/"+id+"/transitions", map[string]any{"to": "verifying_identity", "reason": "checked"})
	dpoAPI.Must(200, "POST", "/v1/requests/"+id+"/transitions", map[string]any{"to": "in_progress", "reason": "verified"})
	w := e.web(t)
	w.SignIn(e.newPerson(t, "dpo"))
	// The queue says how late it is in words (QA: "-30" on the queue).
	if q := w.Get("/console/requests"); !strings.Contains(q.Body, "days overdue") || strings.Contains(q.Body, `">-`) {
		t.Errorf("the queue does not say the request is overdue in words")
	}
	p := w.Get("/console/requests/" + id)
	if p.Status != 200 || !strings.Contains(p.Body, `id="extend-too-late"`) || strings.Contains(p.Body, `id="move-extended"`) {
		t.Errorf("an overdue request's page: %d, too-late note %v, extension form %v", p.Status,
			strings.Contains(p.Body, `id="extend-too-late"`), strings.Contains(p.Body, `id="move-extended"`))
	}
}

// TestErasureRequestWarnsOfHold: an erasure request whose person is under
// a legal hold says so above the button that carries it out (QA: it was
// refused with a 409 only after the click).
func TestErasureRequestWarnsOfHold(t *testing.T) {
	e := newEnv(t)
	dpoAPI := e.admin.With(e.admin.RoleToken("dpo"))
	subject := e.srv.DataClient(t).Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "held.erasure@example.vn", "name": "Giữ Lại"}).JSON()["subject"].(string)
	id := dpoAPI.Must(201, "POST", "/v1/requests", map[string]any{"type": "erasure", "subject_lookup": map[string]any{"subject": subject}, "jurisdiction": "GDPR"}).JSON()["id"].(string)
	dpoAPI.Must(200, "POST", "/v1/requests/"+id+"/transitions", map[string]any{"to": "verifying_identity", "reason": "checked"})
	dpoAPI.Must(200, "POST", "/v1/requests/"+id+"/transitions", map[string]any{"to": "in_progress", "reason": "verified"})
	w := e.web(t)
	w.SignIn(e.newPerson(t, "dpo"))
	if p := w.Get("/console/requests/" + id); strings.Contains(p.Body, `id="execute-hold"`) {
		t.Fatal("a hold warning without a hold")
	}
	dpoAPI.Must(201, "POST", "/v1/holds", map[string]any{"subject": subject, "reason": "court case 2026-31"})
	p := w.Get("/console/requests/" + id)
	if !strings.Contains(p.Body, `id="execute-hold"`) || !strings.Contains(p.Body, "court case 2026-31") {
		t.Errorf("the erasure request under a hold does not warn of it")
	}
}
