package app_test

import (
	"net/url"
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// TestUnicodeForms: an e-mail address typed composed (NFC) and decomposed
// (NFD, as macOS writes it) is one address: the second create is a
// duplicate, and a lookup in either form finds the record.
func TestUnicodeForms(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	const composed, decomposed = "nguy\u1ec5n@v\u00ed-d\u1ee5.vn", "nguye\u0302\u0303n@vi\u0301-du\u0323.vn"
	rec := dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": composed, "name": "Nguye\u0302\u0303n An"}).JSON()
	if r := dpo.Do("POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": decomposed}); r.Status != 409 || r.Code() != "duplicate_value" {
		t.Errorf("decomposed duplicate: %d %s", r.Status, r.Body)
	}
	for _, form := range []string{composed, decomposed} {
		got := dpo.Must(200, "GET", "/v1/collections/customers/records?purpose=support&email="+url.QueryEscape(form), nil).JSON()
		recs := got["records"].([]any)
		if len(recs) != 1 || recs[0].(map[string]any)["id"] != rec["id"] {
			t.Errorf("lookup by %+q: %v", form, got)
			continue
		}
		if name := recs[0].(map[string]any)["data"].(map[string]any)["name"]; name != "Nguy\u1ec5n An" {
			t.Errorf("stored name %+q, want the composed form", name)
		}
	}
}
