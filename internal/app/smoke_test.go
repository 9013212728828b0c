package app_test

import (
	"strings"
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

func TestSmoke(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	c := s.Client(t)
	c.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	c = c.With(c.RoleToken("dpo"))
	r := c.Must(201, "POST", "/v1/collections/customers/records?purpose=support", `{"email":"An.Nguyen@Example.com","phone":"+84912345678","name":"Nguyễn Văn An","address":"12 Lê Lợi"}`)
	id := r.JSON()["id"].(string)
	t.Logf("%s", r.Body)
	r = c.Must(200, "GET", "/v1/collections/customers/records/"+id+"?purpose=support", nil)
	t.Logf("%s", r.Body)
	r = c.Must(200, "GET", "/v1/collections/customers/records?email=an.nguyen@example.com&purpose=support", nil)
	t.Logf("%s", r.Body)
	r = c.Must(200, "POST", "/v1/audit/verify", nil)
	t.Logf("%s", r.Body)
}

// TestBootstrapTokenOnlySeedsEmptyDatabase: the bootstrap token works on
// first start and again on restart; a different one later creates nothing.
func TestBootstrapTokenOnlySeedsEmptyDatabase(t *testing.T) {
	dir := t.TempDir()
	s := testutil.MustServe(t, app.Config{DataDir: dir})
	s.Client(t).Must(200, "GET", "/v1/collections", nil)
	s.Stop(t)
	s2 := testutil.MustServe(t, app.Config{DataDir: dir, BootstrapToken: "another-token-0123456789"})
	s2.Client(t).Must(200, "GET", "/v1/collections", nil)
	s2.Client(t).With("another-token-0123456789").Must(401, "GET", "/v1/collections", nil)
}

// TestFriendlySchemaNames: camelCase and dashed names and common type
// aliases are accepted; aliases are stored as the canonical type.
func TestFriendlySchemaNames(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	c := s.Client(t)
	c.Must(201, "POST", "/v1/collections", `{"name":"support-notes","kind":"persons","fields":[
		{"name":"fullName","type":"string","category":"user.name","purposes":["support"]},
		{"name":"age","type":"integer","category":"user.demographic","purposes":["support"]},
		{"name":"vip","type":"boolean","category":"user","purposes":["support"]}]}`)
	col := c.Must(200, "GET", "/v1/collections/support-notes", nil).JSON()
	types := []string{}
	for _, f := range col["fields"].([]any) {
		types = append(types, f.(map[string]any)["type"].(string))
	}
	if strings.Join(types, ",") != "text,number,bool" {
		t.Fatalf("stored types: %v", types)
	}
	d := c.With(c.RoleToken("dpo"))
	id := d.Must(201, "POST", "/v1/collections/support-notes/records?purpose=support", `{"fullName":"Trần Thị Bình","age":34,"vip":true}`).JSON()["id"].(string)
	got := d.Must(200, "GET", "/v1/collections/support-notes/records/"+id+"?purpose=support", nil).JSON()["data"].(map[string]any)
	if got["fullName"] != "Trần Thị Bình" || got["age"] != float64(34) || got["vip"] != true {
		t.Fatalf("round trip: %v", got)
	}
	tok := c.Must(201, "POST", "/v1/tokens", `{"name":"t1","role":"support","expiry":"2999-01-01T00:00:00Z"}`).JSON()
	if tok["token"] == nil || tok["token"] != tok["secret"] || tok["expires_at"] != "2999-01-01T00:00:00Z" {
		t.Fatalf("token answer: %v", tok)
	}
}
