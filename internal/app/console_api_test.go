package app_test

import (
	"encoding/csv"
	"encoding/json"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// TestConsoleAPI covers the routes the web console reads through: finding
// subjects, a subject's records across collections, the audit log's
// filters and its CSV download.
func TestConsoleAPI(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { consoleAPIExamples(t, app.Config{}) })
	t.Run("postgres", func(t *testing.T) { consoleAPIExamples(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}) })
}

// consoleEnv is a server with three collections and two customers who
// share a phone number; the first has a support note and a newsletter
// record.
type consoleEnv struct {
	admin, dpo, support *testutil.Client
	subject, other      string // the customers' subject ids
	customerID, noteID  string
	// pii are the personal data values written; none may leave in the
	// audit log.
	pii []string
}

func consoleSetup(t *testing.T, cfg app.Config) *consoleEnv {
	t.Helper()
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	admin.Must(201, "POST", "/v1/collections", map[string]any{"name": "support_notes", "kind": "data", "fields": []any{
		map[string]any{"name": "note", "type": "text", "category": "user.content", "purposes": []string{"support"}}}})
	admin.Must(201, "POST", "/v1/collections", map[string]any{"name": "newsletter", "kind": "data", "fields": []any{
		map[string]any{"name": "topic", "type": "text", "category": "user.content", "purposes": []string{"marketing"}}}})
	e := &consoleEnv{admin: admin, dpo: admin.With(admin.RoleToken("dpo")), support: admin.With(admin.RoleToken("support"))}
	e.pii = []string{"tran.thi.mai@example.vn", "hoang.van.nam@example.vn", "+84987654321", "987654321", "Trần Thị Mai", "Hoàng Văn Nam", "12 Phố Huế", "asked about the refund of order"}
	r := e.dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support",
		map[string]any{"email": "tran.thi.mai@example.vn", "phone": "+84987654321", "name": "Trần Thị Mai", "address": "12 Phố Huế"})
	e.customerID, e.subject = r.JSON()["id"].(string), r.JSON()["subject"].(string)
	r = e.dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support",
		map[string]any{"email": "hoang.van.nam@example.vn", "phone": "+84987654321", "name": "Hoàng Văn Nam"})
	e.other = r.JSON()["subject"].(string)
	r = e.dpo.Must(201, "POST", "/v1/collections/support_notes/records?purpose=support",
		map[string]any{"subject": e.subject, "data": map[string]any{"note": "asked about the refund of order 7"}})
	e.noteID = r.JSON()["id"].(string)
	e.dpo.Must(201, "POST", "/v1/collections/newsletter/records?purpose=marketing",
		map[string]any{"subject": e.subject, "data": map[string]any{"topic": "spring offers"}})
	return e
}

func consoleAPIExamples(t *testing.T, cfg app.Config) {
	e := consoleSetup(t, cfg)
	t.Run("find subjects", func(t *testing.T) { consoleFindSubjects(t, e) })
	t.Run("subject records", func(t *testing.T) { consoleSubjectRecords(t, e) })
	t.Run("audit filters", func(t *testing.T) { consoleAuditFilters(t, e) })
	t.Run("audit csv", func(t *testing.T) { consoleAuditCSV(t, e) })
}

// subjectsOf returns the subject list of a GET /v1/subjects response.
func subjectsOf(t *testing.T, r testutil.Response) []string {
	t.Helper()
	var out struct {
		Subjects []string `json:"subjects"`
	}
	if err := json.Unmarshal(r.Body, &out); err != nil || out.Subjects == nil {
		t.Fatalf("GET /v1/subjects: %v %s", err, r.Body)
	}
	slices.Sort(out.Subjects)
	return out.Subjects
}

func consoleFindSubjects(t *testing.T, e *consoleEnv) {
	find := func(c *testutil.Client, query string) []string {
		t.Helper()
		return subjectsOf(t, c.Must(200, "GET", "/v1/subjects?"+query, nil))
	}
	if got := find(e.support, "email="+url.QueryEscape("TRAN.Thi.Mai@Example.VN")); !slices.Equal(got, []string{e.subject}) {
		t.Errorf("by e-mail: %v, want [%s]", got, e.subject)
	}
	both := []string{e.subject, e.other}
	slices.Sort(both)
	if got := find(e.dpo, "phone="+url.QueryEscape("+84987654321")); !slices.Equal(got, both) {
		t.Errorf("by phone: %v, want %v", got, both)
	}
	if got := find(e.dpo, "phone=+84987654321"); !slices.Equal(got, both) { // the "+" unencoded arrives as a space
		t.Errorf("by phone, + unencoded: %v, want %v", got, both)
	}
	if got := find(e.dpo, "email=nobody%40example.vn"); len(got) != 0 {
		t.Errorf("no match: %v, want []", got)
	}
	if r := e.dpo.Must(200, "GET", "/v1/subjects?email=nobody%40example.vn", nil); !strings.Contains(string(r.Body), `"subjects":[]`) {
		t.Errorf("no match is not an empty list: %s", r.Body)
	}
	if got := find(e.dpo, "national_id=079123456789"); len(got) != 0 { // no collection indexes one
		t.Errorf("by national id: %v, want []", got)
	}
	for _, q := range []string{"", "email=a%40example.vn&phone=%2B84987654321", "email=a%40example.vn&email=b%40example.vn", "name=Mai", "subject=" + e.subject} {
		if r := e.dpo.Do("GET", "/v1/subjects?"+q, nil); r.Status != 400 || r.Code() != "one_lookup" {
			t.Errorf("GET /v1/subjects?%s: %d %q, want 400 one_lookup", q, r.Status, r.Code())
		}
	}
	const bad = "not-an-email-address-xyz"
	r := e.dpo.Do("GET", "/v1/subjects?email="+bad, nil)
	if r.Status != 400 || r.Code() != "invalid_lookup" || strings.Contains(string(r.Body), bad) {
		t.Errorf("invalid e-mail: %d %q %s, want 400 invalid_lookup without the value", r.Status, r.Code(), r.Body)
	}
	// A token limited to some collections finds subjects only through them.
	scoped := e.admin.With(newToken(t, e.admin, map[string]any{"name": "scoped-find", "role": "dpo", "collections": []string{"newsletter"}}))
	if got := find(scoped, "phone="+url.QueryEscape("+84987654321")); len(got) != 0 {
		t.Errorf("scoped to the newsletter, by a customers field: %v, want []", got)
	}
	scoped = e.admin.With(newToken(t, e.admin, map[string]any{"name": "scoped-customers", "role": "dpo", "collections": []string{"customers"}}))
	if got := find(scoped, "phone="+url.QueryEscape("+84987654321")); !slices.Equal(got, both) {
		t.Errorf("scoped to customers: %v, want %v", got, both)
	}
	// The audit log names the subjects found, never the value looked up.
	r = e.admin.Must(200, "GET", "/v1/audit?action=subject.find&limit=1000", nil)
	for _, v := range []string{"tran.thi.mai", "TRAN.Thi", "84987654321", bad, "079123456789"} {
		if strings.Contains(string(r.Body), v) {
			t.Errorf("the audit log holds a looked-up value %q", v)
		}
	}
	found := 0
	for _, en := range entriesOf(t, r) {
		if en["subject"] != nil && en["decision"] == "allow find" {
			found++
		}
	}
	if found < 5 {
		t.Errorf("audit entries naming the subjects found: %d, want at least 5", found)
	}
}

// newToken has the admin create a token and returns its secret.
func newToken(t *testing.T, admin *testutil.Client, body map[string]any) string {
	t.Helper()
	tok, _ := admin.Must(201, "POST", "/v1/tokens", body).JSON()["token"].(string)
	if tok == "" {
		t.Fatal("no token secret")
	}
	return tok
}

// subjectRecords decodes a GET /v1/subjects/{subject}/records response
// into collection name -> records.
func subjectRecords(t *testing.T, r testutil.Response) (string, []string, map[string][]map[string]any) {
	t.Helper()
	var out struct {
		Subject     string `json:"subject"`
		Collections []struct {
			Collection string           `json:"collection"`
			Records    []map[string]any `json:"records"`
		} `json:"collections"`
	}
	if err := json.Unmarshal(r.Body, &out); err != nil || out.Collections == nil {
		t.Fatalf("subject records: %v %s", err, r.Body)
	}
	names := []string{}
	byName := map[string][]map[string]any{}
	for _, c := range out.Collections {
		names = append(names, c.Collection)
		byName[c.Collection] = c.Records
	}
	return out.Subject, names, byName
}

func consoleSubjectRecords(t *testing.T, e *consoleEnv) {
	path := "/v1/subjects/" + e.subject + "/records"
	// Support: the collections declaring the purpose, the phone masked.
	subject, names, recs := subjectRecords(t, e.support.Must(200, "GET", path+"?purpose=support", nil))
	if subject != e.subject || !slices.Equal(names, []string{"customers", "support_notes"}) {
		t.Fatalf("support: subject %s, collections %v; want customers and support_notes (newsletter is not for support)", subject, names)
	}
	cust := recs["customers"][0]
	data := cust["data"].(map[string]any)
	if p, _ := data["phone"].(string); p == "+84987654321" || !strings.HasSuffix(p, "321") || fieldReasons(cust, "masked")["phone"] != "role_masked" {
		t.Errorf("support sees phone %q (%v), want it masked (role_masked)", p, cust["masked"])
	}
	if data["email"] != "tran.thi.mai@example.vn" {
		t.Errorf("support sees e-mail %v", data["email"])
	}
	// Every record is the one a GET of it returns for the same caller.
	same := func(c *testutil.Client, collection, id string, got map[string]any) {
		t.Helper()
		want := c.Must(200, "GET", "/v1/collections/"+collection+"/records/"+id+"?purpose=support", nil).JSON()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s/%s: subject records give %v, GET gives %v", collection, id, got, want)
		}
	}
	same(e.support, "customers", e.customerID, cust)
	same(e.support, "support_notes", e.noteID, recs["support_notes"][0])

	// The dpo sees the phone in full; marketing, for marketing, the
	// newsletter only as consent allows.
	_, _, recs = subjectRecords(t, e.dpo.Must(200, "GET", path+"?purpose=support", nil))
	if p := recs["customers"][0]["data"].(map[string]any)["phone"]; p != "+84987654321" {
		t.Errorf("dpo sees phone %v, want it unmasked", p)
	}
	same(e.dpo, "customers", e.customerID, recs["customers"][0])
	_, names, recs = subjectRecords(t, e.dpo.Must(200, "GET", path+"?purpose=marketing", nil))
	if !slices.Equal(names, []string{"customers", "newsletter"}) {
		t.Errorf("dpo for marketing: collections %v, want customers and newsletter", names)
	}
	if r := fieldReasons(recs["newsletter"][0], "withheld"); r["topic"] != "no_consent" {
		t.Errorf("newsletter without consent: %v, want topic withheld no_consent", recs["newsletter"][0])
	}

	// Refusals are the ones a GET gives when no collection may be read.
	mkt := e.admin.With(e.admin.RoleToken("marketing"))
	scoped := e.admin.With(newToken(t, e.admin, map[string]any{"name": "scoped-read", "role": "support", "collections": []string{"newsletter"}}))
	notes := e.admin.With(newToken(t, e.admin, map[string]any{"name": "notes-only", "role": "support", "collections": []string{"support_notes"}}))
	for name, c := range map[string]*testutil.Client{"marketing for support": mkt, "scoped to the newsletter": scoped} {
		get := c.Do("GET", "/v1/collections/customers/records/"+e.customerID+"?purpose=support", nil)
		all := c.Do("GET", path+"?purpose=support", nil)
		if get.Status < 400 || all.Status != get.Status || all.Code() != get.Code() {
			t.Errorf("%s: subject records %d %q, GET %d %q; want the same refusal", name, all.Status, all.Code(), get.Status, get.Code())
		}
	}
	// Nor may a refusal tell a customer from a stranger (QA): a caller
	// who may read nothing for the purpose gets the same refusal for an
	// unknown subject, and one who may read some collection, but none
	// the subject's records are in, the same 404 as for a stranger.
	for name, c := range map[string]*testutil.Client{"marketing for support": mkt, "scoped to the newsletter": scoped} {
		known := c.Do("GET", path+"?purpose=support", nil)
		stranger := c.Do("GET", "/v1/subjects/sub_nosuch/records?purpose=support", nil)
		if known.Status != stranger.Status || known.Code() != stranger.Code() || known.JSON()["detail"] != stranger.JSON()["detail"] {
			t.Errorf("%s: a customer %d %s, a stranger %d %s; want the same answer", name, known.Status, known.Body, stranger.Status, stranger.Body)
		}
	}
	other := e.dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "only.customer@example.com", "name": "Only Customer"}).JSON()["subject"].(string)
	mktNews := e.admin.With(newToken(t, e.admin, map[string]any{"name": "news-only", "role": "marketing", "collections": []string{"newsletter"}}))
	known := mktNews.Do("GET", "/v1/subjects/"+other+"/records?purpose=marketing", nil)
	stranger := mktNews.Do("GET", "/v1/subjects/sub_nosuch/records?purpose=marketing", nil)
	if known.Status != 404 || known.Code() != "subject_not_found" || stranger.Status != 404 || stranger.Code() != "subject_not_found" || known.JSON()["detail"] != stranger.JSON()["detail"] {
		t.Errorf("newsletter-only token, a customer with no newsletter record: %d %q, a stranger %d %q; want 404 subject_not_found for both",
			known.Status, known.Code(), stranger.Status, stranger.Code())
	}
	if _, names, _ := subjectRecords(t, notes.Must(200, "GET", path+"?purpose=support", nil)); !slices.Equal(names, []string{"support_notes"}) {
		t.Errorf("scoped to support notes: %v", names)
	}
	if r := e.support.Do("GET", path, nil); r.Status != 400 || r.Code() != "purpose_required" {
		t.Errorf("no purpose: %d %q, want 400 purpose_required", r.Status, r.Code())
	}
	get := e.support.Do("GET", "/v1/collections/customers/records/"+e.customerID+"?purpose=nosuch", nil)
	if r := e.support.Do("GET", path+"?purpose=nosuch", nil); r.Status != 400 || r.Code() != get.Code() {
		t.Errorf("unknown purpose: %d %q, want 400 %q as GET gives", r.Status, r.Code(), get.Code())
	}
	if r := e.support.Do("GET", "/v1/subjects/sub_nosuch/records?purpose=support", nil); r.Status != 404 || r.Code() != "subject_not_found" {
		t.Errorf("unknown subject: %d %s, want 404 subject_not_found as the other subject routes answer", r.Status, r.Body)
	}

	// Each read is audited with its collection, record and decision.
	entries := entriesOf(t, e.admin.Must(200, "GET", "/v1/audit?action=subject.records&subject="+e.subject+"&limit=1000", nil))
	var reads []string
	for _, en := range entries {
		reads = append(reads, str(en["actor"])+" "+str(en["collection"])+"/"+str(en["record_id"])+" "+str(en["decision"]))
	}
	for _, want := range []string{
		"customers/" + e.customerID + " mask masked:phone=role_masked",
		"support_notes/" + e.noteID + " allow",
		"newsletter/ deny purpose_not_declared",
	} {
		if !slices.ContainsFunc(reads, func(s string) bool { return strings.HasSuffix(s, want) }) {
			t.Errorf("no audit entry ending %q in %q", want, reads)
		}
	}
}

func str(v any) string { s, _ := v.(string); return s }

// entriesOf returns the entries of an audit page.
func entriesOf(t *testing.T, r testutil.Response) []map[string]any {
	t.Helper()
	var page struct {
		Entries []map[string]any `json:"entries"`
	}
	if err := json.Unmarshal(r.Body, &page); err != nil {
		t.Fatalf("audit page: %v %s", err, r.Body)
	}
	return page.Entries
}

func seqOf(en map[string]any) int64 { f, _ := en["seq"].(float64); return int64(f) }

func consoleAuditFilters(t *testing.T, e *consoleEnv) {
	all := entriesOf(t, e.admin.Must(200, "GET", "/v1/audit?limit=1000", nil))
	if len(all) < 30 || len(all) == 1000 {
		t.Fatalf("%d audit entries; the test needs more than 30 and fewer than 1000", len(all))
	}
	last := seqOf(all[len(all)-1])
	pick := func(action string) map[string]any {
		for _, en := range all {
			if en["action"] == action && en["subject"] != nil {
				return en
			}
		}
		t.Fatalf("no %s entry with a subject", action)
		return nil
	}
	read := pick("subject.records")
	mid := all[len(all)/2]
	midAt, _ := time.Parse(time.RFC3339Nano, mid["at"].(string))
	at := func(en map[string]any) time.Time { v, _ := time.Parse(time.RFC3339Nano, en["at"].(string)); return v }
	ps := read["subject"].(string)
	for _, c := range []struct {
		name  string
		query url.Values
		match func(map[string]any) bool
	}{
		{"actor", url.Values{"actor": {str(read["actor"])}}, func(en map[string]any) bool { return en["actor"] == read["actor"] }},
		{"action", url.Values{"action": {"subject.find"}}, func(en map[string]any) bool { return en["action"] == "subject.find" }},
		{"purpose", url.Values{"purpose": {"marketing"}}, func(en map[string]any) bool { return en["purpose"] == "marketing" }},
		{"outcome", url.Values{"outcome": {"invalid"}}, func(en map[string]any) bool { return en["outcome"] == "invalid" }},
		{"outcome denied", url.Values{"outcome": {"denied"}}, func(en map[string]any) bool { return en["outcome"] == "denied" }},
		{"subject", url.Values{"subject": {e.subject}}, func(en map[string]any) bool { return en["subject"] == ps }},
		{"pseudonym", url.Values{"pseudonym": {ps}}, func(en map[string]any) bool { return en["subject"] == ps }},
		{"since", url.Values{"since": {mid["at"].(string)}}, func(en map[string]any) bool { return !at(en).Before(midAt) }},
		{"until", url.Values{"until": {mid["at"].(string)}}, func(en map[string]any) bool { return at(en).Before(midAt) }},
		{"action and subject", url.Values{"action": {"subject.records"}, "subject": {e.other}}, func(en map[string]any) bool { return false }},
		{"action, subject, purpose", url.Values{"action": {"subject.records"}, "subject": {e.subject}, "purpose": {"marketing"}},
			func(en map[string]any) bool {
				return en["action"] == "subject.records" && en["subject"] == ps && en["purpose"] == "marketing"
			}},
		{"after", url.Values{"after": {strconv.FormatInt(seqOf(mid), 10)}, "action": {"record.create"}},
			func(en map[string]any) bool { return seqOf(en) > seqOf(mid) && en["action"] == "record.create" }},
	} {
		c.query.Set("limit", "1000")
		var want, got []int64
		for _, en := range all {
			if c.match(en) {
				want = append(want, seqOf(en))
			}
		}
		for _, en := range entriesOf(t, e.admin.Must(200, "GET", "/v1/audit?"+c.query.Encode(), nil)) {
			if seqOf(en) <= last { // later entries are this test's own reads
				got = append(got, seqOf(en))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("filter %s (%s): seqs %v, want %v", c.name, c.query.Encode(), got, want)
		}
		if len(want) >= len(all) || (len(want) == 0 && c.name != "action and subject" && c.name != "after") {
			t.Errorf("filter %s does not narrow meaningfully: %d of %d", c.name, len(want), len(all))
		}
	}
	// Newest first, paging back with before.
	newest := entriesOf(t, e.admin.Must(200, "GET", "/v1/audit?order=desc&limit=3&before="+strconv.FormatInt(last+1, 10), nil))
	if len(newest) != 3 || seqOf(newest[0]) != last || seqOf(newest[1]) != last-1 || seqOf(newest[2]) != last-2 {
		t.Errorf("order=desc before %d: %v", last+1, newest)
	}
	if back := entriesOf(t, e.admin.Must(200, "GET", "/v1/audit?order=desc&limit=1&before="+strconv.FormatInt(seqOf(newest[2]), 10), nil)); len(back) != 1 || seqOf(back[0]) != last-3 {
		t.Errorf("the next page back: %v", back)
	}
	for q, code := range map[string]string{
		"order=sideways":             "invalid_parameter",
		"before=-2":                  "invalid_parameter",
		"since=yesterday":            "invalid_time",
		"until=2026-13-01T00:00:00Z": "invalid_time",
		"since=2026-01-01":           "invalid_time",
		"outcome=maybe":              "invalid_parameter",
		"after=-1":                   "invalid_parameter",
		"subject=" + e.subject + "&pseudonym=" + url.QueryEscape(ps): "one_subject",
		"actor=" + strings.Repeat("a", 201):                          "invalid_parameter",
	} {
		for _, p := range []string{"/v1/audit?", "/v1/audit.csv?"} {
			if r := e.admin.Do("GET", p+q, nil); r.Status != 400 || r.Code() != code {
				t.Errorf("GET %s%s: %d %q, want 400 %s", p, q, r.Status, r.Code(), code)
			}
		}
	}
}

var auditColumns = []string{"seq", "at", "actor", "action", "collection", "record_id", "subject", "purpose", "outcome", "status", "request_id", "detail", "decision", "prev_hash", "hash"}

// auditRows downloads the audit CSV with query and parses it.
func auditRows(t *testing.T, c *testutil.Client, query string) (testutil.Response, [][]string) {
	t.Helper()
	r := c.Must(200, "GET", "/v1/audit.csv"+query, nil)
	rows, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
	if err != nil || len(rows) == 0 || !slices.Equal(rows[0], auditColumns) {
		t.Fatalf("audit csv: %v, header %q", err, rows)
	}
	return r, rows[1:]
}

func consoleAuditCSV(t *testing.T, e *consoleEnv) {
	listed := entriesOf(t, e.admin.Must(200, "GET", "/v1/audit?limit=1000", nil))
	r, rows := auditRows(t, e.admin, "")
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	cd := r.Header.Get("Content-Disposition")
	if !regexp.MustCompile(`^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$`).MatchString(cd) || !strings.Contains(cd, time.Now().UTC().Format("2006-01-02")) {
		t.Errorf("Content-Disposition %q", cd)
	}
	if len(rows) <= len(listed) { // the listing itself is audited too
		t.Errorf("csv rows %d, listed %d", len(rows), len(listed))
	}
	for i, row := range rows[:len(listed)] {
		en := listed[i]
		if row[0] != strconv.FormatInt(seqOf(en), 10) || row[2] != en["actor"] || row[3] != en["action"] || row[6] != str(en["subject"]) ||
			row[12] != str(en["decision"]) || row[14] != en["hash"] || row[13] != en["prev_hash"] {
			t.Fatalf("row %d %q does not match entry %v", i, row, en)
		}
	}
	for _, v := range e.pii {
		if strings.Contains(string(r.Body), v) {
			t.Errorf("the audit csv holds personal data %q", v)
		}
	}
	firstRows := len(rows)
	id := r.Header.Get("Custodia-Watermark")
	if !strings.HasPrefix(id, "exp_") {
		t.Fatalf("watermark %q", id)
	}

	// Filtered: the rows the listing gives for the same filters.
	q := "?action=subject.records&subject=" + e.subject
	_, rows = auditRows(t, e.admin, q)
	want := entriesOf(t, e.admin.Must(200, "GET", "/v1/audit"+q+"&limit=1000", nil))
	if len(rows) == 0 || len(rows) != len(want) {
		t.Errorf("filtered csv: %d rows, the listing %d", len(rows), len(want))
	}
	for _, row := range rows {
		if row[3] != "subject.records" || row[6] != want[0]["subject"] {
			t.Errorf("filtered row %q", row)
		}
	}
	// An auditor may download; a limit truncates and says so.
	auditor := e.admin.With(e.admin.RoleToken("auditor"))
	tr, rows := auditRows(t, auditor, "?limit=2")
	if len(rows) != 2 || tr.Header.Get("Custodia-Truncated") != "true" {
		t.Errorf("limit 2: %d rows, truncated %q", len(rows), tr.Header.Get("Custodia-Truncated"))
	}
	if r := e.support.Do("GET", "/v1/audit.csv", nil); r.Status != 403 {
		t.Errorf("support downloads the audit log: %d", r.Status)
	}

	// Every download is in the export register, produced for its caller.
	var reg struct {
		Exports []map[string]any `json:"exports"`
	}
	if err := json.Unmarshal(e.admin.Must(200, "GET", "/v1/exports", nil).Body, &reg); err != nil {
		t.Fatal(err)
	}
	downloads := 0
	for _, x := range reg.Exports {
		if x["kind"] != "audit_log" {
			continue
		}
		downloads++
		if x["status"] != "produced" || x["requested_by"] == "" || x["decided_by"] != x["requested_by"] || x["produced_at"] == nil || x["requested_at"] == nil {
			t.Errorf("register entry %v", x)
		}
		if x["id"] == id && x["records"] != float64(firstRows) {
			t.Errorf("register entry %v: records, want the %d rows", x, firstRows)
		}
	}
	if downloads != 3 {
		t.Errorf("%d audit_log downloads in the register, want 3", downloads)
	}
	x := e.admin.Must(200, "GET", "/v1/exports/"+id, nil).JSON()
	if x["kind"] != "audit_log" || x["records"] != float64(firstRows) || !strings.HasPrefix(str(x["requested_by"]), "token:") {
		t.Errorf("the first download's register entry: %v", x)
	}
	// The download's own audit entry names the register entry.
	ex := entriesOf(t, e.admin.Must(200, "GET", "/v1/audit?action=audit.export&limit=1000", nil))
	if !slices.ContainsFunc(ex, func(en map[string]any) bool { return en["record_id"] == id && en["outcome"] == "ok" }) {
		t.Errorf("no audit.export entry for %s in %v", id, ex)
	}
}
