package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// reqEnv is a server with customers, a dpo token and one customer.
type reqEnv struct {
	srv        *testutil.Server
	admin, dpo *testutil.Client
	id, sub    string
}

func reqSetup(t *testing.T) *reqEnv { return reqSetupWith(t, app.Config{}) }

func reqSetupWith(t *testing.T, cfg app.Config) *reqEnv {
	t.Helper()
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	r := dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support",
		map[string]any{"email": "minh.tran@example.com", "phone": "+84987654321", "name": "Trần Văn Minh", "address": "3 Đồng Khởi"})
	return &reqEnv{srv: s, admin: admin, dpo: dpo, id: r.JSON()["id"].(string), sub: r.JSON()["subject"].(string)}
}

func (e *reqEnv) file(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	return e.dpo.Must(201, "POST", "/v1/requests", body).JSON()
}

func (e *reqEnv) move(t *testing.T, id, to string) map[string]any {
	t.Helper()
	return e.dpo.Must(200, "POST", "/v1/requests/"+id+"/transitions", map[string]any{"to": to, "reason": "step to " + to}).JSON()
}

// TestErasureRequestEndToEnd: request, verify identity, shred, tasks
// closed, deletion record, audit chain intact, and the subject unreadable
// even from a backup taken before.
func TestErasureRequestEndToEnd(t *testing.T) {
	e := reqSetup(t)
	backup := filepath.Join(t.TempDir(), "before.backup")
	f, err := os.Create(backup)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.DB.Backup(context.Background(), f, keyCheck(e.srv), false); err != nil {
		t.Fatal(err)
	}
	f.Close()

	req := e.file(t, map[string]any{"type": "erasure", "subject_lookup": map[string]any{"email": "Minh.Tran@example.com"},
		"jurisdiction": "GDPR", "channel": "email"})
	id := req["id"].(string)
	if req["state"] != "received" || req["subject"] != e.sub || req["due_at"] == "" || req["rule_source"] == "" {
		t.Fatalf("filed request: %v", req)
	}
	if raw, _ := json.Marshal(req); strings.Contains(string(raw), "minh.tran") {
		t.Errorf("the request stores the lookup value: %s", raw)
	}
	if got := e.dpo.Must(200, "GET", "/v1/requests/"+id, nil).JSON(); got["due_at"] != req["due_at"] || got["acknowledge_by"] != req["acknowledge_by"] {
		t.Errorf("deadlines as filed %v %v, as read %v %v", req["due_at"], req["acknowledge_by"], got["due_at"], got["acknowledge_by"])
	}
	// A second open erasure for the same person is a duplicate.
	if r := e.dpo.Do("POST", "/v1/requests", map[string]any{"type": "erasure", "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "GDPR"}); r.Status != 409 || r.Code() != "duplicate_request" {
		t.Errorf("duplicate: %d %q", r.Status, r.Code())
	}
	if r := e.dpo.Do("POST", "/v1/requests/"+id+"/execute", nil); r.Status != 409 {
		t.Errorf("execute before verification: %d, want 409", r.Status)
	}
	e.move(t, id, "verifying_identity")
	e.move(t, id, "in_progress")
	task := e.dpo.Must(201, "POST", "/v1/requests/"+id+"/tasks", map[string]any{"system": "Zalo OA export (sales team)", "description": "delete the chat export rows"}).JSON()
	e.dpo.Must(200, "POST", "/v1/requests/"+id+"/execute", nil)
	if r := e.dpo.Do("GET", "/v1/collections/customers/records/"+e.id+"?purpose=support", nil); r.Status != 404 {
		t.Errorf("record after erasure: %d, want 404", r.Status)
	}
	if r := e.dpo.Do("POST", "/v1/requests/"+id+"/transitions", map[string]any{"to": "completed", "reason": "done"}); r.Status != 409 || r.Code() != "tasks_open" {
		t.Errorf("complete with an open task: %d %q, want 409 tasks_open", r.Status, r.Code())
	}
	if r := e.dpo.Do("POST", "/v1/requests/"+id+"/tasks/"+task["id"].(string)+"/close", map[string]any{"evidence": strings.Repeat("x", 5001)}); r.Code() != "evidence_too_long" {
		t.Errorf("evidence over 5000 characters: %d %s", r.Status, r.Body)
	}
	e.dpo.Must(200, "POST", "/v1/requests/"+id+"/tasks/"+task["id"].(string)+"/close", map[string]any{"evidence": "rows deleted by the sales lead",
		"attachment": base64.StdEncoding.EncodeToString([]byte("screenshot bytes"))})
	if r := e.dpo.Do("POST", "/v1/requests/"+id+"/tasks/"+task["id"].(string)+"/close", map[string]any{"evidence": "again"}); r.Status != 409 || r.Code() != "task_closed" {
		t.Errorf("closing a closed task: %d %s, want 409 task_closed", r.Status, r.Body)
	}
	if r := e.dpo.Do("POST", "/v1/requests/"+id+"/tasks/tsk_nope/close", map[string]any{"evidence": "x"}); r.Status != 404 {
		t.Errorf("closing no task: %d %s, want 404", r.Status, r.Body)
	}
	done := e.move(t, id, "completed")
	if done["state"] != "completed" || done["closed_at"] == nil {
		t.Fatalf("completed: %v", done)
	}
	view := e.dpo.Must(200, "GET", "/v1/requests/"+id, nil).JSON()
	if h := view["history"].([]any); len(h) < 5 {
		t.Errorf("history: %v", h)
	}
	if ts := view["tasks"].([]any); ts[0].(map[string]any)["attachment_sha256"] == "" {
		t.Errorf("task evidence: %v", ts)
	}

	// The purge of the unreadable rows runs in the background; its deletion
	// record appears when it is done.
	var dels []any
	for deadline := time.Now().Add(10 * time.Second); len(dels) == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		dels = e.dpo.Must(200, "GET", "/v1/deletions?kind=erasure", nil).JSON()["deletions"].([]any)
	}
	if len(dels) != 1 {
		t.Fatalf("deletion records: %v", dels)
	}
	d := dels[0].(map[string]any)
	if d["cause"] != "request:"+id || d["records_deleted"] != 1.0 || !strings.HasPrefix(d["subject_pseudonym"].(string), "ps_") || !strings.Contains(toJSON(d["collections"]), "customers") {
		t.Errorf("deletion record: %v", d)
	}
	if rep := e.admin.Must(200, "POST", "/v1/audit/verify", nil).JSON(); rep["ok"] != true {
		t.Errorf("audit chain: %v", rep)
	}

	// Restore the backup taken before the erasure into a new data
	// directory with the live key file: the subject's data stays unreadable.
	e.srv.Stop(t)
	dir := t.TempDir()
	key, err := os.ReadFile(e.srv.Config.KeyFilePath())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "custodia.key"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	restored := testutil.MustServe(t, app.Config{DataDir: dir})
	bf, _ := os.Open(backup)
	defer bf.Close()
	if _, err := restored.DB.Restore(context.Background(), bf, keyCheck(restored), true, nil); err != nil {
		t.Fatal(err)
	}
	rc := restored.Client(t)
	rd := rc.With(rc.RoleToken("dpo"))
	if r := rd.Do("GET", "/v1/collections/customers/records/"+e.id+"?purpose=support", nil); r.Status < 400 || strings.Contains(string(r.Body), "minh.tran") {
		t.Errorf("erased subject read from the old backup: %d %s", r.Status, r.Body)
	}
}

func TestAccessPackage(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { accessPackage(t, reqSetup(t)) })
	t.Run("postgres", func(t *testing.T) {
		accessPackage(t, reqSetupWith(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}))
	})
}

func accessPackage(t *testing.T, e *reqEnv) {
	e.dpo.Must(201, "POST", "/v1/subjects/"+e.sub+"/consents", grantBody("marketing"))
	req := e.file(t, map[string]any{"type": "access", "subject_lookup": map[string]any{"phone": "+84 98 765 4321"}, "jurisdiction": "VN"})
	id := req["id"].(string)
	if req["acknowledge_by"] == nil {
		t.Errorf("VN requests have an acknowledgement deadline: %v", req)
	}
	if r := e.dpo.Do("GET", "/v1/requests/"+id+"/package", nil); r.Status != 409 {
		t.Errorf("package before execution: %d", r.Status)
	}
	e.move(t, id, "verifying_identity")
	e.move(t, id, "in_progress")
	e.dpo.Must(200, "POST", "/v1/requests/"+id+"/execute", nil)
	r := e.dpo.Must(200, "GET", "/v1/requests/"+id+"/package", nil)
	if r.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("content type %q", r.Header.Get("Content-Type"))
	}
	zr, err := zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(b)
	}
	var pkg struct {
		Records []struct {
			Data map[string]any `json:"data"`
		} `json:"records"`
		Consents struct {
			History []any `json:"history"`
			Notices []any `json:"notices"`
		} `json:"consents"`
		AccessLog []struct {
			Actor, Action, Purpose string
		} `json:"access_log"`
		Systems []any `json:"systems"`
	}
	if err := json.Unmarshal([]byte(files["subject.json"]), &pkg); err != nil {
		t.Fatalf("subject.json: %v", err)
	}
	if len(pkg.Records) != 1 || pkg.Records[0].Data["phone"] != "+84987654321" || pkg.Records[0].Data["name"] != "Trần Văn Minh" {
		t.Errorf("records: %+v", pkg.Records)
	}
	if len(pkg.Consents.History) != 1 || len(pkg.Consents.Notices) != 1 || pkg.Systems == nil {
		t.Errorf("consents or systems: %+v", pkg)
	}
	readers := 0
	for _, a := range pkg.AccessLog {
		if a.Action == "record.create" || a.Action == "consent.record" {
			readers++
		}
	}
	if readers < 2 {
		t.Errorf("access log lacks the create and the consent: %+v", pkg.AccessLog)
	}
	for _, name := range []string{"records.csv", "consents.csv", "access_log.csv", "README.txt"} {
		if files[name] == "" {
			t.Errorf("package lacks %s", name)
		}
	}
	if !strings.Contains(files["records.csv"], "minh.tran@example.com") {
		t.Errorf("records.csv: %s", files["records.csv"])
	}
}

func TestRequestsRestrictObjectWithdraw(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { restrictObjectWithdraw(t, reqSetup(t)) })
	t.Run("postgres", func(t *testing.T) {
		restrictObjectWithdraw(t, reqSetupWith(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}))
	})
}

func restrictObjectWithdraw(t *testing.T, e *reqEnv) {
	mkt := e.admin.With(e.admin.RoleToken("marketing"))
	e.dpo.Must(201, "POST", "/v1/subjects/"+e.sub+"/consents", grantBody("marketing"))
	if d := mkt.Must(200, "GET", "/v1/collections/customers/records/"+e.id+"?purpose=marketing", nil).JSON()["data"].(map[string]any); d["email"] == nil {
		t.Fatalf("marketing read after a grant: %v", d)
	}
	run := func(typ string) {
		t.Helper()
		id := e.file(t, map[string]any{"type": typ, "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "CCPA"})["id"].(string)
		e.move(t, id, "verifying_identity")
		e.move(t, id, "in_progress")
		e.dpo.Must(200, "POST", "/v1/requests/"+id+"/execute", nil)
		e.move(t, id, "completed")
	}
	run("objection")
	rec := mkt.Must(200, "GET", "/v1/collections/customers/records/"+e.id+"?purpose=marketing", nil).JSON()
	if fieldReasons(rec, "withheld")["email"] != "objected" {
		t.Errorf("after an objection: %v", rec)
	}
	run("withdraw_consent")
	proof := e.dpo.Must(200, "GET", "/v1/subjects/"+e.sub+"/consents", nil).JSON()
	if cur := proof["current"].([]any)[0].(map[string]any); cur["active"] != false {
		t.Errorf("consent after a withdrawal request: %v", cur)
	}
	run("restriction")
	rec = e.dpo.Must(200, "GET", "/v1/collections/customers/records/"+e.id+"?purpose=support", nil).JSON()
	if fieldReasons(rec, "withheld")["email"] != "restricted" {
		t.Errorf("after a restriction: %v", rec)
	}

	// The DPO lifts both, with a reason: the person consented to marketing
	// again, and the restriction's period ended.
	for _, path := range []string{"/v1/subjects/" + e.sub + "/restriction", "/v1/subjects/" + e.sub + "/objections/marketing"} {
		if r := e.dpo.Do("DELETE", path, nil); r.Status != 400 || r.Code() != "malformed_json" && r.Code() != "reason_required" {
			t.Errorf("DELETE %s without a reason: %d %q", path, r.Status, r.Code())
		}
		if r := mkt.Do("DELETE", path, map[string]any{"reason": "x"}); r.Status != 403 {
			t.Errorf("DELETE %s by marketing: %d, want 403", path, r.Status)
		}
		e.dpo.Must(204, "DELETE", path, map[string]any{"reason": "the person consented again; told on 2026-11-24"})
		if r := e.dpo.Do("DELETE", path, map[string]any{"reason": "again"}); r.Status != 404 {
			t.Errorf("DELETE %s twice: %d, want 404", path, r.Status)
		}
	}
	e.dpo.Must(201, "POST", "/v1/subjects/"+e.sub+"/consents", grantBody("marketing"))
	rec = mkt.Must(200, "GET", "/v1/collections/customers/records/"+e.id+"?purpose=marketing", nil).JSON()
	if d := rec["data"].(map[string]any); d["email"] == nil {
		t.Errorf("marketing read after lifting the objection and a new grant: %v", rec)
	}
	rec = e.dpo.Must(200, "GET", "/v1/collections/customers/records/"+e.id+"?purpose=support", nil).JSON()
	if d := rec["data"].(map[string]any); d["email"] == nil {
		t.Errorf("support read after lifting the restriction: %v", rec)
	}
	au := e.admin.Must(200, "GET", "/v1/audit?action=subject.unobject", nil)
	if !strings.Contains(string(au.Body), "consented again") {
		t.Errorf("the lift is not audited with its reason: %s", au.Body)
	}
}

func TestRequestBadInputAndClocks(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { requestBadInputAndClocks(t, reqSetup(t)) })
	t.Run("postgres", func(t *testing.T) {
		requestBadInputAndClocks(t, reqSetupWith(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}))
	})
}

func requestBadInputAndClocks(t *testing.T, e *reqEnv) {
	// Unknown subject: recorded, then rejected with a reason.
	r := e.file(t, map[string]any{"type": "access", "subject_lookup": map[string]any{"email": "nobody@example.com"}, "jurisdiction": "GDPR"})
	if r["state"] != "rejected" || r["outcome"] == "" || r["subject"] != nil {
		t.Errorf("unknown subject: %v", r)
	}
	for _, bad := range []map[string]any{
		{"type": "access", "subject_lookup": map[string]any{"email": "a@example.com"}, "jurisdiction": "ATLANTIS"},
		{"type": "teleport", "subject_lookup": map[string]any{"email": "a@example.com"}, "jurisdiction": "GDPR"},
		{"type": "access", "subject_lookup": map[string]any{}, "jurisdiction": "GDPR"},
		{"type": "access", "subject_lookup": map[string]any{"email": "a@example.com", "phone": "+84987654321"}, "jurisdiction": "GDPR"},
	} {
		if r := e.dpo.Do("POST", "/v1/requests", bad); r.Status != 400 {
			t.Errorf("%v: %d %q, want 400", bad, r.Status, r.Code())
		}
	}
	// A withdrawal or objection for a purpose that is not registered would
	// complete while nothing was withdrawn or stopped.
	for _, typ := range []string{"withdraw_consent", "objection", "restriction"} {
		bad := map[string]any{"type": typ, "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "GDPR", "purposes": []string{"nonexistent"}}
		if r := e.dpo.Do("POST", "/v1/requests", bad); r.Status != 400 || r.Code() != "unknown_purpose" {
			t.Errorf("%s for an unknown purpose: %d %q, want 400 unknown_purpose", typ, r.Status, r.Code())
		}
	}
	// GDPR: received 31 Jan 2025, due one month later: 28 Feb 2025 (a Friday).
	received := time.Date(2025, 1, 31, 10, 0, 0, 0, time.UTC)
	g := e.file(t, map[string]any{"type": "access", "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "GDPR", "received_at": received})
	if !strings.HasPrefix(g["due_at"].(string), "2025-02-28") || g["overdue"] != true || g["days_left"].(float64) >= 0 {
		t.Errorf("GDPR clock: %v", g)
	}
	// Extension: allowed for GDPR within the first month only; this one is late.
	id := g["id"].(string)
	e.move(t, id, "verifying_identity")
	e.move(t, id, "in_progress")
	if r := e.dpo.Do("POST", "/v1/requests/"+id+"/transitions", map[string]any{"to": "extended", "reason": "complex"}); r.Status != 409 || r.Code() != "extension_too_late" {
		t.Errorf("late extension: %d %q", r.Status, r.Code())
	}
	// CCPA received now: 45 days, once extendable by 45.
	c := e.file(t, map[string]any{"type": "erasure", "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "CCPA"})
	cid := c["id"].(string)
	e.move(t, cid, "verifying_identity")
	e.move(t, cid, "in_progress")
	ext := e.move(t, cid, "extended")
	due0, _ := time.Parse(time.RFC3339Nano, c["due_at"].(string))
	due1, _ := time.Parse(time.RFC3339Nano, ext["due_at"].(string))
	if d := due1.Sub(due0); d < 44*24*time.Hour || d > 46*24*time.Hour {
		t.Errorf("CCPA extension moved the due date by %v", d)
	}
	if r := e.dpo.Do("POST", "/v1/requests/"+cid+"/transitions", map[string]any{"to": "extended", "reason": "again"}); r.Status != 409 {
		t.Errorf("second CCPA extension: %d, want 409", r.Status)
	}
	over := e.dpo.Must(200, "GET", "/v1/requests?overdue=true", nil).JSON()["requests"].([]any)
	if len(over) != 1 || over[0].(map[string]any)["id"] != id {
		t.Errorf("overdue list: %v", over)
	}
	// The overdue check raises one alert per request.
	e.srv.CheckOverdue(context.Background())
	e.srv.CheckOverdue(context.Background())
	alerts := e.admin.Must(200, "GET", "/v1/alerts", nil).JSON()["alerts"].([]any)
	n := 0
	for _, a := range alerts {
		if a.(map[string]any)["kind"] == "request_overdue" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("overdue alerts: %d, want 1", n)
	}
	// A VN request received 5 days ago and still not acknowledged (the law
	// asks for 2 working days) is overdue for its acknowledgement, and
	// alerts once; moving it on acknowledges it.
	vn := e.file(t, map[string]any{"type": "rectification", "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "VN",
		"received_at": time.Now().Add(-5 * 24 * time.Hour).UTC()})
	vnID := vn["id"].(string)
	listed := false
	for _, x := range e.dpo.Must(200, "GET", "/v1/requests?overdue=true", nil).JSON()["requests"].([]any) {
		m := x.(map[string]any)
		listed = listed || m["id"] == vnID && m["acknowledgement_overdue"] == true
	}
	if !listed {
		t.Errorf("an unacknowledged VN request past its acknowledgement deadline is not listed overdue")
	}
	e.srv.CheckOverdue(context.Background())
	e.srv.CheckOverdue(context.Background())
	n = 0
	for _, a := range e.admin.Must(200, "GET", "/v1/alerts", nil).JSON()["alerts"].([]any) {
		if a.(map[string]any)["kind"] == "request_unacknowledged" && strings.Contains(fmt.Sprint(a), vnID) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("unacknowledged alerts: %d, want 1", n)
	}
	if m := e.move(t, vnID, "verifying_identity"); m["acknowledgement_overdue"] == true || m["details"].(map[string]any)["acknowledged_at"] == nil {
		t.Errorf("after moving on: %v", m)
	}
	// A support agent may file but not carry out requests.
	sup := e.admin.With(e.admin.RoleToken("support"))
	sr := sup.Must(201, "POST", "/v1/requests", map[string]any{"type": "portability", "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "GDPR"}).JSON()
	if r := sup.Do("POST", "/v1/requests/"+sr["id"].(string)+"/transitions", map[string]any{"to": "verifying_identity", "reason": "x"}); r.Status != 403 {
		t.Errorf("support moving a request: %d, want 403", r.Status)
	}
}

// keyCheck is the backup key check of a server's key file (as the CLI computes it).
func keyCheck(s *testutil.Server) string {
	return fmt.Sprintf("%x", s.Keys.Derived().BlindIndex.MAC([]byte("custodia/backup-key-check"))[:16])
}

// TestRequestDeadlinesInServerZone: with --time-zone, every answer shows
// a request's deadlines in that zone, whether just computed or read back.
func TestRequestDeadlinesInServerZone(t *testing.T) {
	e := reqSetupWith(t, app.Config{TimeZone: "Asia/Ho_Chi_Minh"})
	r := e.file(t, map[string]any{"type": "access", "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "GDPR"})
	id := r["id"].(string)
	for _, got := range []map[string]any{r, e.dpo.Must(200, "GET", "/v1/requests/"+id, nil).JSON(), e.move(t, id, "verifying_identity")} {
		if due, _ := got["due_at"].(string); !strings.HasSuffix(due, "+07:00") {
			t.Errorf("due_at %q, want the server's zone (+07:00)", due)
		}
	}
	for _, x := range e.dpo.Must(200, "GET", "/v1/requests", nil).JSON()["requests"].([]any) {
		if due, _ := x.(map[string]any)["due_at"].(string); !strings.HasSuffix(due, "+07:00") {
			t.Errorf("listed due_at %q, want +07:00", due)
		}
	}
}

// TestErasureRequestAfterAnotherErasure: a person erased by another call
// while their erasure request is open (a colleague's DELETE, a race) does
// not leave the request stuck with "rejected" as its only way out: it is
// carried out as already done, its tasks for systems outside the vault are
// opened, and it completes; so too after the purge has finished (QA).
func TestErasureRequestAfterAnotherErasure(t *testing.T) {
	e := reqSetup(t)
	e.dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "Sales team sheet", "kind": "spreadsheet", "status": "shadow",
		"categories": []string{"user.contact.email"}})
	id := e.file(t, map[string]any{"type": "erasure", "subject_lookup": map[string]any{"subject": e.sub}, "jurisdiction": "GDPR"})["id"].(string)
	e.move(t, id, "verifying_identity")
	e.move(t, id, "in_progress")
	e.dpo.Must(200, "DELETE", "/v1/subjects/"+e.sub, nil)
	// Wait for the purge, so the request finds the erasure in the register.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if dels := e.dpo.Must(200, "GET", "/v1/deletions?kind=erasure", nil).JSON()["deletions"].([]any); len(dels) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no deletion record after the DELETE")
		}
	}
	// The register answers for one person, and refuses a filter it does
	// not know rather than list everything (QA).
	if dels := e.dpo.Must(200, "GET", "/v1/deletions?subject="+e.sub, nil).JSON()["deletions"].([]any); len(dels) != 1 {
		t.Errorf("deletions of the subject: %v", dels)
	}
	if dels := e.dpo.Must(200, "GET", "/v1/deletions?subject=sub_someone_else", nil).JSON()["deletions"].([]any); len(dels) != 0 {
		t.Errorf("deletions of another subject: %v", dels)
	}
	for _, q := range []string{"since=2026-01-01", "subject=", "subject=" + e.sub + "&subject=sub_other"} {
		if r := e.dpo.Do("GET", "/v1/deletions?"+q, nil); r.Status != 400 || r.Code() != "invalid_parameter" {
			t.Errorf("?%s: %d %s", q, r.Status, r.Body)
		}
	}
	ex := e.dpo.Must(200, "POST", "/v1/requests/"+id+"/execute", nil).JSON()
	if res, _ := ex["details"].(map[string]any)["result"].(string); !strings.Contains(res, "already crypto-shredded") {
		t.Errorf("result: %v", ex)
	}
	view := e.dpo.Must(200, "GET", "/v1/requests/"+id, nil).JSON()
	tasks := view["tasks"].([]any)
	if len(tasks) != 1 || tasks[0].(map[string]any)["system"] != "Sales team sheet" {
		t.Fatalf("tasks for systems outside the vault: %v", tasks)
	}
	e.dpo.Must(200, "POST", "/v1/requests/"+id+"/tasks/"+tasks[0].(map[string]any)["id"].(string)+"/close", map[string]any{"evidence": "row deleted by the sales lead"})
	if done := e.move(t, id, "completed"); done["state"] != "completed" {
		t.Errorf("completed: %v", done)
	}
	// A subject that never existed is still no subject.
	other := e.dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "an.le@example.com"}).JSON()["subject"].(string)
	id2 := e.file(t, map[string]any{"type": "erasure", "subject_lookup": map[string]any{"subject": other}, "jurisdiction": "GDPR"})["id"].(string)
	e.move(t, id2, "verifying_identity")
	e.move(t, id2, "in_progress")
	e.dpo.Must(200, "POST", "/v1/requests/"+id2+"/execute", nil)
	if r := e.dpo.Do("POST", "/v1/requests/"+id2+"/execute", nil); r.Code() != "already_executed" {
		t.Errorf("a second execution: %d %s", r.Status, r.Body)
	}
}
