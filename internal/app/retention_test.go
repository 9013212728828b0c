package app_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

const newsletterSchema = `{"name":"newsletter","kind":"data","fields":[
 {"name":"topics","type":"text","category":"user.behavior.purchase_history","purposes":["marketing"]},
 {"name":"email","type":"email","category":"user.contact.email","purposes":["marketing"]}]}`

const transactionsSchema = `{"name":"transactions","kind":"data","fields":[
 {"name":"amount","type":"number","category":"user.financial","purposes":["billing"]},
 {"name":"product","type":"text","category":"user.behavior.purchase_history","purposes":["billing"]},
 {"name":"card","type":"text","category":"user.financial.bank_account","purposes":["billing"]}]}`

const ticketsSchema = `{"name":"tickets","kind":"data","fields":[
 {"name":"summary","type":"text","category":"user.content","purposes":["support"]},
 {"name":"resolved_on","type":"date","category":"system.operations","purposes":["support"]}]}`

type retEnv struct {
	srv        *testutil.Server
	admin, dpo *testutil.Client
}

func retSetup(t *testing.T, cfg app.Config) *retEnv {
	t.Helper()
	cfg.RetentionEvery = -1
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	for _, sc := range []string{testutil.CustomersSchema, newsletterSchema, transactionsSchema, ticketsSchema} {
		admin.Must(201, "POST", "/v1/collections", sc)
	}
	return &retEnv{srv: s, admin: admin, dpo: admin.With(admin.RoleToken("dpo"))}
}

func (e *retEnv) customer(t *testing.T, email string) string {
	t.Helper()
	return e.dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": email, "name": "Retention Person"}).JSON()["subject"].(string)
}

func (e *retEnv) add(t *testing.T, collection, purpose, subject string, data map[string]any) string {
	t.Helper()
	return e.dpo.Must(201, "POST", "/v1/collections/"+collection+"/records?purpose="+purpose, map[string]any{"subject": subject, "data": data}).JSON()["id"].(string)
}

func (e *retEnv) rule(t *testing.T, body map[string]any) string {
	t.Helper()
	return e.dpo.Must(201, "POST", "/v1/retention/rules", body).JSON()["id"].(string)
}

func (e *retEnv) exists(t *testing.T, collection, purpose, id string) bool {
	t.Helper()
	r := e.dpo.Do("GET", "/v1/collections/"+collection+"/records/"+id+"?purpose="+purpose, nil)
	if r.Status != 200 && r.Status != 404 {
		t.Fatalf("read %s: %d %s", id, r.Status, r.Body)
	}
	return r.Status == 200
}

// TestRetentionExamples: the three policies of the background documents,
// on both storage engines.
func TestRetentionExamples(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { retentionExamples(t, app.Config{}) })
	t.Run("postgres", func(t *testing.T) { retentionExamples(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}) })
}

func retentionExamples(t *testing.T, cfg app.Config) {
	e := retSetup(t, cfg)

	// 1. Marketing data lives as long as the consent: deleted at withdrawal.
	stays, goes := e.customer(t, "stays@example.com"), e.customer(t, "goes@example.com")
	for _, s := range []string{stays, goes} {
		e.dpo.Must(201, "POST", "/v1/subjects/"+s+"/consents", grantBody("marketing"))
	}
	nStays := e.add(t, "newsletter", "marketing", stays, map[string]any{"topics": "shoes", "email": "stays@example.com"})
	nGoes := e.add(t, "newsletter", "marketing", goes, map[string]any{"topics": "bags", "email": "goes@example.com"})
	e.dpo.Must(201, "POST", "/v1/subjects/"+goes+"/consents", map[string]any{"purpose": "marketing", "action": "withdraw",
		"method": "unsubscribe link", "notice_version": "v1", "channel": "email", "collected_by": "mailer"})
	e.rule(t, map[string]any{"collection": "newsletter", "purpose": "marketing", "anchor": "consent_withdrawn", "keep": map[string]any{"n": 0, "unit": "days"},
		"action": "delete", "description": "marketing data only while consent lasts"})

	// 2. Transaction data: 7 years after creation.
	txn := e.add(t, "transactions", "billing", stays, map[string]any{"amount": 120, "product": "boots", "card": "1234"})
	e.rule(t, map[string]any{"collection": "transactions", "anchor": "created", "keep": map[string]any{"n": 7, "unit": "years"}, "description": "accounting law"})

	// 3. Customer service data: 3 years after resolution.
	now := time.Now().UTC()
	oldTicket := e.add(t, "tickets", "support", stays, map[string]any{"summary": "late parcel", "resolved_on": now.AddDate(-4, 0, 0).Format(time.DateOnly)})
	newTicket := e.add(t, "tickets", "support", stays, map[string]any{"summary": "wrong size", "resolved_on": now.AddDate(-1, 0, 0).Format(time.DateOnly)})
	e.rule(t, map[string]any{"collection": "tickets", "anchor": "request_resolved", "anchor_field": "resolved_on", "keep": map[string]any{"n": 3, "unit": "years"}})

	// A dry run lists what would go and why, and changes nothing.
	dry := e.dpo.Must(200, "POST", "/v1/retention/run", map[string]any{"dry_run": true}).JSON()
	if dry["items_total"] != 2.0 || !e.exists(t, "newsletter", "marketing", nGoes) || !e.exists(t, "tickets", "support", oldTicket) {
		t.Fatalf("dry run: %v", dry)
	}
	if !strings.Contains(toJSON(dry["items"]), "request_resolved before") {
		t.Errorf("dry run items give no reason: %v", dry["items"])
	}
	rep := e.dpo.Must(200, "POST", "/v1/retention/run", nil).JSON()
	if rep["records_deleted"] != 2.0 {
		t.Fatalf("run: %v", rep)
	}
	for _, c := range []struct {
		collection, purpose, id string
		want                    bool
	}{{"newsletter", "marketing", nStays, true}, {"newsletter", "marketing", nGoes, false}, {"transactions", "billing", txn, true},
		{"tickets", "support", oldTicket, false}, {"tickets", "support", newTicket, true}} {
		if got := e.exists(t, c.collection, c.purpose, c.id); got != c.want {
			t.Errorf("%s %s: exists %v, want %v", c.collection, c.id, got, c.want)
		}
	}
	// Seven years and a day later, the transaction goes too.
	e.srv.Retention.Now = func() time.Time { return now.AddDate(7, 0, 1) }
	rep = e.dpo.Must(200, "POST", "/v1/retention/run", nil).JSON()
	if e.exists(t, "transactions", "billing", txn) {
		t.Errorf("transaction kept after 7 years: %v", rep)
	}
	dels := e.dpo.Must(200, "GET", "/v1/deletions?kind=retention", nil).JSON()["deletions"].([]any)
	if len(dels) < 3 {
		t.Fatalf("deletion records: %v", dels)
	}
	body := toJSON(dels)
	if !strings.Contains(body, `"cause":"rule:ret_`) || strings.Contains(body, "goes@example.com") || strings.Contains(body, "late parcel") {
		t.Errorf("deletion records: %s", body)
	}
	if rep := e.admin.Must(200, "POST", "/v1/audit/verify", nil).JSON(); rep["ok"] != true {
		t.Errorf("audit chain: %v", rep)
	}
}

func TestRetentionHoldsConflictsAnonymise(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { retentionHolds(t, app.Config{}) })
	t.Run("postgres", func(t *testing.T) { retentionHolds(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}) })
}

func retentionHolds(t *testing.T, cfg app.Config) {
	e := retSetup(t, cfg)
	held, free := e.customer(t, "held@example.com"), e.customer(t, "free@example.com")
	old := time.Now().UTC().AddDate(-5, 0, 0).Format(time.DateOnly)
	hTicket := e.add(t, "tickets", "support", held, map[string]any{"summary": "dispute", "resolved_on": old})
	fTicket := e.add(t, "tickets", "support", free, map[string]any{"summary": "question", "resolved_on": old})
	hold := e.dpo.Must(201, "POST", "/v1/holds", map[string]any{"subject": held, "reason": "litigation 2026-17"}).JSON()
	// Two rules on the same scope: 2 and 4 years; the longer wins.
	r2 := e.rule(t, map[string]any{"collection": "tickets", "anchor": "request_resolved", "anchor_field": "resolved_on", "keep": map[string]any{"n": 2, "unit": "years"}})
	r4 := e.rule(t, map[string]any{"collection": "tickets", "anchor": "request_resolved", "anchor_field": "resolved_on", "keep": map[string]any{"n": 4, "unit": "years"}})
	rep := e.dpo.Must(200, "POST", "/v1/retention/run", nil).JSON()
	if !strings.Contains(toJSON(rep["conflicts"]), r4+", applies") || !strings.Contains(toJSON(rep["overridden_rules"]), r2) {
		t.Errorf("conflict report: %v", rep)
	}
	if !e.exists(t, "tickets", "support", hTicket) || e.exists(t, "tickets", "support", fTicket) {
		t.Errorf("hold: held ticket kept %v, free ticket kept %v", e.exists(t, "tickets", "support", hTicket), e.exists(t, "tickets", "support", fTicket))
	}
	if h := rep["held"].([]any); len(h) != 1 || h[0].(map[string]any)["hold"] != hold["id"] {
		t.Errorf("held: %v", rep["held"])
	}
	// An erasure of a held subject is refused, naming the hold.
	r := e.dpo.Do("DELETE", "/v1/subjects/"+held, nil)
	if r.Status != 409 || r.Code() != "legal_hold" || !strings.Contains(string(r.Body), hold["id"].(string)) || strings.Contains(string(r.Body), "litigation") {
		t.Errorf("erasure under hold: %d %s, want 409 legal_hold naming the hold but not its reason", r.Status, r.Body)
	}
	// So is the deletion of one of its records, or a change to it, and
	// the record stays as it was.
	r = e.dpo.Do("DELETE", "/v1/collections/tickets/records/"+hTicket+"?purpose=support", nil)
	if r.Status != 409 || r.Code() != "legal_hold" || !e.exists(t, "tickets", "support", hTicket) {
		t.Errorf("record deletion under a subject hold: %d %s", r.Status, r.Body)
	}
	r = e.dpo.Do("PATCH", "/v1/collections/tickets/records/"+hTicket+"?purpose=support", map[string]any{"summary": "rewritten"})
	if r.Status != 409 || r.Code() != "legal_hold" {
		t.Errorf("record change under a subject hold: %d %s", r.Status, r.Body)
	}
	if got := e.dpo.Must(200, "GET", "/v1/collections/tickets/records/"+hTicket+"?purpose=support", nil).JSON()["data"].(map[string]any)["summary"]; got != "dispute" {
		t.Errorf("held record's summary is %v", got)
	}
	// A hold on a collection covers every subject's records in it.
	other := e.add(t, "tickets", "support", free, map[string]any{"summary": "kept", "resolved_on": old})
	colHold := e.dpo.Must(201, "POST", "/v1/holds", map[string]any{"collection": "tickets", "reason": "audit 2026"}).JSON()
	if r := e.dpo.Do("DELETE", "/v1/collections/tickets/records/"+other+"?purpose=support", nil); r.Status != 409 || r.Code() != "legal_hold" {
		t.Errorf("record deletion under a collection hold: %d %s", r.Status, r.Body)
	}
	// Releasing needs a reason, kept with the hold; an unknown hold is
	// not found whatever the body.
	for _, body := range []map[string]any{nil, {}, {"reason": "  "}} {
		if r := e.dpo.Do("POST", "/v1/holds/"+colHold["id"].(string)+"/release", body); r.Status != 400 || r.Code() != "reason_required" {
			t.Errorf("release with %v: %d %s", body, r.Status, r.Body)
		}
	}
	if r := e.dpo.Do("POST", "/v1/holds/hld_nope/release", nil); r.Status != 404 || r.Code() != "hold_not_found" {
		t.Errorf("release of an unknown hold: %d %s", r.Status, r.Body)
	}
	e.dpo.Must(204, "POST", "/v1/holds/"+colHold["id"].(string)+"/release", map[string]any{"reason": "Audit 2026 closed: kết thúc kiểm toán"})
	for _, h := range e.dpo.Must(200, "GET", "/v1/holds", nil).JSON()["holds"].([]any) {
		if m := h.(map[string]any); m["id"] == colHold["id"] && (m["release_reason"] != "Audit 2026 closed: kết thúc kiểm toán" || m["released_at"] == nil) {
			t.Errorf("released hold: %v", m)
		}
	}
	if r := e.dpo.Do("POST", "/v1/holds/"+colHold["id"].(string)+"/release", map[string]any{"reason": "again"}); r.Status != 404 {
		t.Errorf("second release: %d %s", r.Status, r.Body)
	}
	e.dpo.Must(204, "DELETE", "/v1/collections/tickets/records/"+other+"?purpose=support", nil)
	e.dpo.Must(204, "POST", "/v1/holds/"+hold["id"].(string)+"/release", map[string]any{"reason": "case closed"})
	e.dpo.Must(200, "DELETE", "/v1/subjects/"+held, nil)

	// Anonymise: identifying fields go, the rest stays.
	txn := e.add(t, "transactions", "billing", free, map[string]any{"amount": 99, "product": "hat", "card": "4321"})
	e.rule(t, map[string]any{"collection": "transactions", "anchor": "created", "keep": map[string]any{"n": 0, "unit": "days"}, "action": "anonymise"})
	e.srv.Retention.Now = func() time.Time { return time.Now().Add(time.Minute) }
	e.dpo.Must(200, "POST", "/v1/retention/run", nil)
	d := e.dpo.Must(200, "GET", "/v1/collections/transactions/records/"+txn+"?purpose=billing", nil).JSON()["data"].(map[string]any)
	if d["product"] != "hat" || d["amount"] != nil || d["card"] != nil {
		t.Errorf("anonymised transaction: %v", d)
	}
	// Anonymised once, it is no longer an item of the rule.
	if dry := e.dpo.Must(200, "POST", "/v1/retention/run", map[string]any{"dry_run": true}).JSON(); strings.Contains(toJSON(dry["items"]), txn) {
		t.Errorf("the anonymised record is still an item: %v", dry["items"])
	}

	for _, bad := range []map[string]any{
		{"collection": "nosuch", "anchor": "created", "keep": map[string]any{"n": 1, "unit": "years"}},
		{"collection": "tickets", "anchor": "someday", "keep": map[string]any{"n": 1, "unit": "years"}},
		{"collection": "tickets", "anchor": "request_resolved", "keep": map[string]any{"n": 1, "unit": "years"}},
		{"collection": "tickets", "anchor": "request_resolved", "anchor_field": "summary", "keep": map[string]any{"n": 1, "unit": "years"}},
		{"collection": "tickets", "anchor": "created", "keep": map[string]any{"n": 1, "unit": "weeks"}},
		{"collection": "newsletter", "anchor": "consent_withdrawn", "keep": map[string]any{"n": 0, "unit": "days"}},
	} {
		if r := e.dpo.Do("POST", "/v1/retention/rules", bad); r.Status != 400 {
			t.Errorf("bad rule %v: %d %q", bad, r.Status, r.Code())
		}
	}
}

// TestRetentionPurposeScope: a consent_withdrawn rule for marketing on a
// collection that mixes purposes drops only the marketing-only fields.
func TestRetentionPurposeScope(t *testing.T) {
	s := testutil.MustServe(t, app.Config{RetentionEvery: -1})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", `{"name":"members","fields":[
	  {"name":"email","type":"email","category":"user.contact.email","purposes":["support","marketing"],"unique":true},
	  {"name":"interests","type":"text","category":"user.behavior.browsing_history","purposes":["marketing"]},
	  {"name":"name","type":"name","category":"user.name","purposes":["support"]}]}`)
	dpo := admin.With(admin.RoleToken("dpo"))
	r := dpo.Must(201, "POST", "/v1/collections/members/records?purpose=marketing", map[string]any{"email": "mixed@example.com", "interests": "running"}).JSON()
	id, sub := r["id"].(string), r["subject"].(string)
	dpo.Must(200, "PATCH", "/v1/collections/members/records/"+id+"?purpose=support", map[string]any{"name": "Mixed Person"})
	dpo.Must(201, "POST", "/v1/subjects/"+sub+"/consents", grantBody("marketing"))
	dpo.Must(201, "POST", "/v1/subjects/"+sub+"/consents", map[string]any{"purpose": "marketing", "action": "withdraw",
		"method": "unsubscribe link", "notice_version": "v1", "channel": "email", "collected_by": "mailer"})
	dpo.Must(201, "POST", "/v1/retention/rules", map[string]any{"collection": "members", "purpose": "marketing", "anchor": "consent_withdrawn", "keep": map[string]any{"n": 0, "unit": "days"}})
	s.Retention.Now = func() time.Time { return time.Now().Add(time.Minute) }
	dpo.Must(200, "POST", "/v1/retention/run", nil)
	d := dpo.Must(200, "GET", "/v1/collections/members/records/"+id+"?purpose=support", nil).JSON()["data"].(map[string]any)
	if d["email"] != "mixed@example.com" || d["name"] != "Mixed Person" {
		t.Errorf("support data lost: %v", d)
	}
	// Reads for marketing are withheld anyway (no consent); the export shows
	// what is stored.
	pkg, err := s.ExportSubject(context.Background(), sub)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkg.Records) != 1 || pkg.Records[0].Data["interests"] != nil || pkg.Records[0].Data["email"] != "mixed@example.com" {
		t.Errorf("stored after the withdrawal: %+v", pkg.Records)
	}
	dels := toJSON(dpo.Must(200, "GET", "/v1/deletions?kind=retention", nil).JSON()["deletions"])
	if !strings.Contains(dels, `"fields":["interests"]`) {
		t.Errorf("deletion record: %s", dels)
	}
}

// TestRetentionRunExclusive: while another process on the same PostgreSQL
// database holds the retention job lock, a real run through the API is
// refused with 409 retention_running and deletes nothing; a dry run still
// answers; once the lock is free the run goes ahead.
func TestRetentionRunExclusive(t *testing.T) {
	url := testutil.MustPostgres(t)
	e := retSetup(t, app.Config{DatabaseURL: url})
	sub := e.customer(t, "old@example.com")
	old := e.add(t, "tickets", "support", sub, map[string]any{"summary": "printer", "resolved_on": "2019-01-02"})
	e.rule(t, map[string]any{"collection": "tickets", "anchor": "request_resolved", "anchor_field": "resolved_on", "keep": map[string]any{"n": 2, "unit": "years"}})

	ctx := context.Background()
	other, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", app.RetentionLockKey); err != nil {
		t.Fatal(err)
	}
	r := e.dpo.Do("POST", "/v1/retention/run", nil)
	if r.Status != 409 || r.JSON()["code"] != "retention_running" {
		t.Fatalf("run while another replica applies the rules: %d %s", r.Status, r.Body)
	}
	if !e.exists(t, "tickets", "support", old) {
		t.Fatal("a refused run deleted a record")
	}
	if dry := e.dpo.Must(200, "POST", "/v1/retention/run", map[string]any{"dry_run": true}).JSON(); dry["items_total"] != float64(1) {
		t.Fatalf("dry run during the lock planned nothing: %v", dry)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", app.RetentionLockKey); err != nil {
		t.Fatal(err)
	}
	e.dpo.Must(200, "POST", "/v1/retention/run", nil)
	if e.exists(t, "tickets", "support", old) {
		t.Fatal("the run after the lock was freed kept an expired record")
	}
}

// TestFieldRuleLeavingNothingDeletesTheRecord: a field rule (here
// anonymise, on a record holding only identifying fields) that would
// leave a record with no field deletes it whole, and says so: the dry run
// lists it as a delete, the report counts it deleted, and the register
// has one retention entry citing the rule, no manual one (QA).
func TestFieldRuleLeavingNothingDeletesTheRecord(t *testing.T) {
	e := retSetup(t, app.Config{})
	rec := e.dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "whole@example.com", "name": "Whole Person"}).JSON()["id"].(string)
	rule := e.rule(t, map[string]any{"collection": "customers", "anchor": "created", "keep": map[string]any{"n": 0, "unit": "days"}, "action": "anonymise"})
	dry := e.dpo.Must(200, "POST", "/v1/retention/run", map[string]any{"dry_run": true}).JSON()
	items := dry["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["action"] != "delete" {
		t.Fatalf("dry run: %v", dry)
	}
	rep := e.dpo.Must(200, "POST", "/v1/retention/run", nil).JSON()
	if rep["records_deleted"] != float64(1) || rep["records_anonymised"] != float64(0) {
		t.Errorf("report: %v", rep)
	}
	if e.exists(t, "customers", "support", rec) {
		t.Error("the record is still there")
	}
	dels := e.dpo.Must(200, "GET", "/v1/deletions", nil).JSON()["deletions"].([]any)
	if len(dels) != 1 || dels[0].(map[string]any)["kind"] != "retention" || dels[0].(map[string]any)["cause"] != "rule:"+rule {
		t.Errorf("register: %v", dels)
	}
}
