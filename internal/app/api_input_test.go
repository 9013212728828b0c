package app_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// inputVisitsSchema is a data collection with a date field.
const inputVisitsSchema = `{"name":"visits","kind":"data","fields":[{"name":"visited_on","type":"date","category":"system.operations","purposes":["support"]},{"name":"note","type":"text","category":"user.content","purposes":["support"]}]}`

// inputAssertProblem checks an RFC 9457 problem answer and that none of the
// personal values sent appears in it.
func inputAssertProblem(t *testing.T, r testutil.Response, status int, code string, personal ...string) {
	t.Helper()
	if r.Status != status || r.Code() != code {
		t.Errorf("status %d code %q, want %d %q; body %s", r.Status, r.Code(), status, code, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	m := r.JSON()
	if typ, _ := m["type"].(string); typ == "" {
		t.Errorf("problem has no type: %s", r.Body)
	}
	if title, _ := m["title"].(string); title != http.StatusText(r.Status) {
		t.Errorf("problem title %q, want %q", title, http.StatusText(r.Status))
	}
	if st, _ := m["status"].(float64); int(st) != r.Status {
		t.Errorf("problem status %v, HTTP status %d", m["status"], r.Status)
	}
	for _, p := range personal {
		if p != "" && strings.Contains(strings.ToLower(string(r.Body)), strings.ToLower(p)) {
			t.Errorf("the answer contains the submitted value %q: %s", p, r.Body)
		}
	}
}

// inputRecords returns the ids in a records answer.
func inputRecords(t *testing.T, r testutil.Response) []string {
	t.Helper()
	recs, ok := r.JSON()["records"].([]any)
	if !ok {
		t.Fatalf("no records array in %s", r.Body)
	}
	var ids []string
	for _, x := range recs {
		m, _ := x.(map[string]any)
		id, _ := m["id"].(string)
		ids = append(ids, id)
	}
	return ids
}

// inputCreate creates a customer with the admin and returns its id and subject.
func inputCreate(t *testing.T, c *testutil.Client, body map[string]any) (id, subject string) {
	t.Helper()
	m := c.Must(201, "POST", "/v1/collections/customers/records?purpose=support", body).JSON()
	id, _ = m["id"].(string)
	subject, _ = m["subject"].(string)
	return id, subject
}

func TestBadInput(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	c := s.Client(t)
	c.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	c.Must(201, "POST", "/v1/collections", inputVisitsSchema)
	admin := c // schema and tokens are the admin's; records need a data role
	c = c.With(c.RoleToken("dpo"))
	const taken = "taken.person@example.com"
	firstID, subject := inputCreate(t, c, map[string]any{"email": taken, "phone": "+84912345678", "name": "Trần Thị Bình"})
	created := []string{firstID}

	const recs = "/v1/collections/customers/records"
	const q = "?purpose=support"
	oversize := `{"email":"oversize.person@example.com","address":"` + strings.Repeat("Oversize Street 12, ", (1<<20)/20+10) + `"}`
	changedType := strings.Replace(testutil.CustomersSchema, `"name":"phone","type":"phone"`, `"name":"phone","type":"text"`, 1)
	field := func(f string) string {
		return `{"name":"bad_col","kind":"persons","fields":[` + f + `]}`
	}

	cases := []struct {
		name         string
		method, path string
		body         any
		status       int
		code         string
		personal     []string // values that must not be echoed
		rejected     string   // an e-mail that must not end up stored
	}{
		{"malformed json", "POST", recs + q, `{"email":"broken.json@example.com",`, 400, "malformed_json", []string{"broken.json@example.com"}, "broken.json@example.com"},
		{"empty body", "POST", recs + q, "", 400, "malformed_json", nil, ""},
		// QA: invalid bytes were stored as U+FFFD, and a field named twice
		// kept its last value, silently.
		{"invalid utf-8", "POST", recs + q, "{\"email\":\"bad.bytes@example.com\",\"name\":\"\xff\xfe\"}", 400, "invalid_utf8", []string{"bad.bytes@example.com"}, "bad.bytes@example.com"},
		{"field twice", "POST", recs + q, `{"email":"first.twice@example.com","email":"second.twice@example.com"}`, 400, "duplicate_member", []string{"first.twice@example.com", "second.twice@example.com"}, "second.twice@example.com"},
		{"token member twice", "POST", "/v1/tokens", `{"name":"one","role":"support","name":"two"}`, 400, "duplicate_member", nil, ""},
		{"array body", "POST", recs + q, `[{"email":"array.body@example.com"}]`, 400, "malformed_json", []string{"array.body@example.com"}, "array.body@example.com"},
		{"trailing data", "POST", recs + q, `{"email":"trailing.one@example.com"} {"email":"trailing.two@example.com"}`, 400, "malformed_json", []string{"trailing.one@example.com", "trailing.two@example.com"}, "trailing.one@example.com"},
		{"oversize body", "POST", recs + q, oversize, 413, "body_too_large", []string{"oversize.person@example.com", "Oversize Street"}, "oversize.person@example.com"},
		{"unknown collection", "POST", "/v1/collections/nope/records" + q, map[string]any{"email": "nope.person@example.com"}, 404, "collection_not_found", []string{"nope.person@example.com"}, ""},
		{"unknown field", "POST", recs + q, map[string]any{"email": "unknown.field@example.com", "shoe_size": "Size 42 wide"}, 422, "unknown_field", []string{"unknown.field@example.com", "Size 42 wide"}, "unknown.field@example.com"},
		{"wrong kind", "POST", recs + q, map[string]any{"email": "wrong.kind@example.com", "name": 123456789}, 422, "wrong_kind", []string{"wrong.kind@example.com", "123456789"}, "wrong.kind@example.com"},
		{"invalid email", "POST", recs + q, map[string]any{"email": "not-an-email@@bad-domain", "name": "Lê Văn Cường"}, 422, "invalid_email", []string{"not-an-email@@bad-domain", "Lê Văn Cường"}, ""},
		{"invalid phone", "POST", recs + q, map[string]any{"email": "invalid.phone@example.com", "phone": "+84 000 111 222"}, 422, "invalid_phone", []string{"invalid.phone@example.com", "+84 000 111 222", "84000111222"}, "invalid.phone@example.com"},
		{"invalid date", "POST", "/v1/collections/visits/records" + q, map[string]any{"subject": subject, "visited_on": "1987-02-30", "note": "private note"}, 422, "invalid_date", []string{"1987-02-30", "private note"}, ""},
		{"duplicate unique email", "POST", recs + q, map[string]any{"email": strings.ToUpper(taken), "name": "Phạm Duy"}, 409, "duplicate_value", []string{taken, "Phạm Duy"}, ""},
		{"missing purpose", "POST", recs, map[string]any{"email": "no.purpose@example.com"}, 400, "purpose_required", []string{"no.purpose@example.com"}, "no.purpose@example.com"},
		{"undeclared purpose", "POST", recs + "?purpose=billing", map[string]any{"email": "billing.purpose@example.com"}, 400, "purpose_not_declared", []string{"billing.purpose@example.com"}, "billing.purpose@example.com"},
		{"two purposes", "GET", recs + q + "&purpose=marketing&email=" + url.QueryEscape(taken), nil, 400, "conflicting_purposes", []string{taken}, ""},
		{"lookup non-indexed field", "GET", recs + q + "&name=" + url.QueryEscape("Trần Thị Bình"), nil, 400, "field_not_indexed", []string{"Trần Thị Bình"}, ""},
		{"two lookups", "GET", recs + q + "&email=" + url.QueryEscape(taken) + "&phone=%2B84912345678", nil, 400, "one_lookup", []string{taken, "84912345678"}, ""},
		{"unknown record", "GET", recs + "/rec_doesnotexist" + q, nil, 404, "record_not_found", nil, ""},
		{"data record without subject", "POST", "/v1/collections/visits/records" + q, map[string]any{"visited_on": "2024-05-01", "note": "secret visit note"}, 422, "subject_required", []string{"secret visit note"}, ""},
		{"unknown field type", "POST", "/v1/collections", field(`{"name":"x","type":"blob","category":"user.content","purposes":["support"]}`), 422, "invalid_field_type", nil, ""},
		{"bad collection name", "POST", "/v1/collections", strings.Replace(testutil.CustomersSchema, `"name":"customers"`, `"name":"bad name!"`, 1), 422, "invalid_collection_name", nil, ""},
		{"unknown category", "POST", "/v1/collections", field(`{"name":"x","type":"text","category":"nosuch.category","purposes":["support"]}`), 422, "invalid_category", nil, ""},
		{"reserved field name", "POST", "/v1/collections", field(`{"name":"id","type":"text","category":"user.content","purposes":["support"]}`), 422, "reserved_field_name", nil, ""},
		{"no purposes", "POST", "/v1/collections", field(`{"name":"x","type":"text","category":"user.content","purposes":[]}`), 422, "missing_purposes", nil, ""},
		{"collection twice", "POST", "/v1/collections", testutil.CustomersSchema, 409, "collection_exists", nil, ""},
		{"put changes a type", "PUT", "/v1/collections/customers", changedType, 409, "schema_incompatible", nil, ""},
		{"wrong method", "PUT", "/v1/tokens", map[string]any{"name": "x", "role": "admin"}, 405, "method_not_allowed", nil, ""},
		{"unknown path", "GET", "/v1/nope", nil, 404, "no_route", nil, ""},
		{"empty path segment", "GET", "/v1/exports//download", nil, 404, "no_route", nil, ""},
		{"dot-dot path segment", "DELETE", "/v1/collections/customers/records/../x", nil, 404, "no_route", nil, ""},
		{"erase unknown subject", "DELETE", "/v1/subjects/sub_doesnotexist", nil, 404, "subject_not_found", nil, ""},
		{"token with invalid role", "POST", "/v1/tokens", map[string]any{"name": "bad-role", "role": "superuser"}, 400, "invalid_role", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cl := c
			if !strings.Contains(tc.path, "/records") && !strings.HasPrefix(tc.path, "/v1/subjects") {
				cl = admin
			}
			r := cl.Do(tc.method, tc.path, tc.body)
			inputAssertProblem(t, r, tc.status, tc.code, tc.personal...)
			if tc.status == 405 {
				allow := strings.Split(r.Header.Get("Allow"), ", ")
				slices.Sort(allow)
				if !slices.Equal(allow, []string{"GET", "POST"}) {
					t.Errorf("Allow = %q, want GET, POST", r.Header.Get("Allow"))
				}
			}
			if tc.rejected != "" {
				got := inputRecords(t, c.Must(200, "GET", recs+q+"&email="+url.QueryEscape(tc.rejected), nil))
				if len(got) != 0 {
					t.Errorf("the rejected record was stored: lookup finds %v", got)
				}
			}
		})
	}

	// Nothing half-written: the duplicate did not replace the original, the
	// rejected schema changes did not apply, and only created records list.
	if got := inputRecords(t, c.Must(200, "GET", recs+q+"&email="+url.QueryEscape(taken), nil)); !slices.Equal(got, []string{firstID}) {
		t.Errorf("lookup of the taken e-mail: %v, want only %s", got, firstID)
	}
	okID, _ := inputCreate(t, c, map[string]any{"email": "accepted.person@example.com"})
	created = append(created, okID)
	got := inputRecords(t, c.Must(200, "GET", recs+q, nil))
	slices.Sort(got)
	slices.Sort(created)
	if !slices.Equal(got, created) {
		t.Errorf("listing the collection: %v, want only %v", got, created)
	}
	if r := c.Must(200, "GET", "/v1/collections/visits/records"+q, nil); len(inputRecords(t, r)) != 0 {
		t.Errorf("a rejected visit was stored: %s", r.Body)
	}
	if r := c.Do("GET", "/v1/collections/bad_col", nil); r.Status != 404 {
		t.Errorf("a rejected collection exists: %d", r.Status)
	}
	col := c.Must(200, "GET", "/v1/collections/customers", nil)
	if !strings.Contains(string(col.Body), `"type":"phone"`) {
		t.Errorf("the rejected PUT changed the phone field: %s", col.Body)
	}
	// The audit log recorded the rejections without the values.
	audit := c.Must(200, "GET", "/v1/audit?limit=1000", nil)
	for _, tc := range cases {
		for _, p := range tc.personal {
			if i := strings.Index(strings.ToLower(string(audit.Body)), strings.ToLower(p)); i >= 0 {
				t.Errorf("the audit log contains the submitted value %q: ...%s...", p, audit.Body[max(0, i-300):min(len(audit.Body), i+100)])
			}
		}
	}
}

func TestPatchAndDelete(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	c := s.Client(t)
	c.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	c = c.With(c.RoleToken("dpo"))
	const recs = "/v1/collections/customers/records"
	const q = "?purpose=support"
	lookup := func(field, value string) []string {
		t.Helper()
		return inputRecords(t, c.Must(200, "GET", recs+q+"&"+field+"="+url.QueryEscape(value), nil))
	}

	a, _ := inputCreate(t, c, map[string]any{"email": "old.address@example.com", "phone": "+84912000111", "name": "Ngô Thị Lan", "address": "5 Hàng Bài"})
	b, _ := inputCreate(t, c, map[string]any{"email": "other.person@example.com", "phone": "+84912000111", "name": "Đỗ Văn Nam"})

	t.Run("shared phone", func(t *testing.T) {
		got := lookup("phone", "+84912000111")
		slices.Sort(got)
		want := []string{a, b}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("lookup by a shared phone: %v, want %v", got, want)
		}
	})

	t.Run("patch email moves the index", func(t *testing.T) {
		r := c.Must(200, "PATCH", recs+"/"+a+q, map[string]any{"email": "New.Address@example.com"})
		if d, _ := r.JSON()["data"].(map[string]any); d["email"] != "new.address@example.com" || d["name"] != "Ngô Thị Lan" {
			t.Errorf("PATCH answer data = %v", d)
		}
		if got := lookup("email", "old.address@example.com"); len(got) != 0 {
			t.Errorf("lookup by the old e-mail: %v, want none", got)
		}
		if got := lookup("email", "new.address@example.com"); !slices.Equal(got, []string{a}) {
			t.Errorf("lookup by the new e-mail: %v, want [%s]", got, a)
		}
		// The old e-mail is free again.
		id, _ := inputCreate(t, c, map[string]any{"email": "old.address@example.com"})
		c.Must(204, "DELETE", recs+"/"+id+q, nil)
	})

	t.Run("patch null removes a field", func(t *testing.T) {
		c.Must(200, "PATCH", recs+"/"+a+q, map[string]any{"address": nil})
		d, _ := c.Must(200, "GET", recs+"/"+a+q, nil).JSON()["data"].(map[string]any)
		if _, ok := d["address"]; ok {
			t.Errorf("address still present after PATCH null: %v", d)
		}
		if d["email"] != "new.address@example.com" || d["phone"] != "+84912000111" {
			t.Errorf("other fields changed: %v", d)
		}
	})

	t.Run("patch may not empty a record", func(t *testing.T) {
		id, _ := inputCreate(t, c, map[string]any{"email": "only.email@example.com", "phone": "+84912000222"})
		c.Must(200, "PATCH", recs+"/"+id+q, map[string]any{"phone": nil})
		if r := c.Do("PATCH", recs+"/"+id+q, map[string]any{"email": nil}); r.Status != 422 || r.Code() != "empty_record" {
			t.Errorf("PATCH removing the last field: %d %s", r.Status, r.Body)
		}
		if d, _ := c.Must(200, "GET", recs+"/"+id+q, nil).JSON()["data"].(map[string]any); d["email"] != "only.email@example.com" {
			t.Errorf("record after the refused PATCH: %v", d)
		}
	})

	t.Run("patch to a taken email", func(t *testing.T) {
		r := c.Do("PATCH", recs+"/"+a+q, map[string]any{"email": "other.person@example.com"})
		inputAssertProblem(t, r, 409, "duplicate_value", "other.person@example.com")
		if got := lookup("email", "other.person@example.com"); !slices.Equal(got, []string{b}) {
			t.Errorf("lookup by b's e-mail: %v, want [%s]", got, b)
		}
		if got := lookup("email", "new.address@example.com"); !slices.Equal(got, []string{a}) {
			t.Errorf("a lost its e-mail after the refused PATCH: %v", got)
		}
	})

	t.Run("delete", func(t *testing.T) {
		c.Must(204, "DELETE", recs+"/"+b+q, nil)
		inputAssertProblem(t, c.Do("GET", recs+"/"+b+q, nil), 404, "record_not_found")
		inputAssertProblem(t, c.Do("DELETE", recs+"/"+b+q, nil), 404, "record_not_found")
		if got := lookup("email", "other.person@example.com"); len(got) != 0 {
			t.Errorf("lookup finds the deleted record: %v", got)
		}
		if got := lookup("phone", "+84912000111"); !slices.Equal(got, []string{a}) {
			t.Errorf("lookup by phone after delete: %v, want [%s]", got, a)
		}
	})
}

func TestPhoneLookupNormalises(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	c := s.Client(t)
	c.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	c = c.With(c.RoleToken("dpo"))
	const recs = "/v1/collections/customers/records"
	const q = "?purpose=support"
	id, _ := inputCreate(t, c, map[string]any{"email": "Mixed.Case@Example.COM", "phone": "+84 912 345 678", "name": "Hoàng Minh"})

	d, _ := c.Must(200, "GET", recs+"/"+id+q, nil).JSON()["data"].(map[string]any)
	if d["phone"] != "+84912345678" {
		t.Errorf("stored phone = %v, want E.164 +84912345678", d["phone"])
	}
	for _, lookup := range []string{
		"phone=%2B84912345678",
		"phone=+84912345678", // the unencoded plus arrives as a space
		"phone=%2B84%20912%20345%20678",
		"email=mixed.case@example.com",
		"email=MIXED.CASE@EXAMPLE.COM",
		"email=Mixed.Case@Example.COM",
	} {
		r := c.Must(200, "GET", recs+q+"&"+lookup, nil)
		if got := inputRecords(t, r); !slices.Equal(got, []string{id}) {
			t.Errorf("?%s: %v, want [%s]", lookup, got, id)
		}
	}
	if got := inputRecords(t, c.Must(200, "GET", recs+q+"&phone=%2B84912345679", nil)); len(got) != 0 {
		t.Errorf("another number finds the record: %v", got)
	}
}
