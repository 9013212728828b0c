package app_test

import (
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

func TestSmoke(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	c := s.Client(t)
	c.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
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
