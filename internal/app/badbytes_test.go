package app_test

import (
	"fmt"
	"sync"
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// TestBadBytesAre400sOnEveryEngine: a NUL or bytes that are not UTF-8 in a
// path, a query or a JSON body are refused with the same 400 on SQLite and
// PostgreSQL (which cannot store either in text: it answered 500, and an
// audit entry holding them failed the group commit of other callers'
// writes). Good writes sent at the same time all succeed.
func TestBadBytesAre400sOnEveryEngine(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { badBytes(t, app.Config{}) })
	t.Run("postgres", func(t *testing.T) { badBytes(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}) })
}

func badBytes(t *testing.T, cfg app.Config) {
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	recs := "/v1/collections/customers/records"
	for _, tc := range []struct {
		method, path string
		body         any
		code         string
	}{
		{"GET", recs + "/%FF?purpose=support", nil, "invalid_path"},
		{"GET", recs + "/rec%00x?purpose=support", nil, "invalid_path"},
		{"GET", recs + "?purpose=%FF", nil, "invalid_query"},
		{"GET", recs + "?purpose=support&email=a%00@example.com", nil, "invalid_query"},
		{"GET", "/v1/audit?actor=%00", nil, "invalid_query"},
		{"POST", "/v1/tokens", map[string]any{"name": "a\u0000b", "role": "support"}, "invalid_text"},
		{"POST", "/v1/sessions", map[string]any{"email": "x\u0000@example.com", "password": "whatever it is"}, "invalid_text"},
	} {
		c := dpo
		if tc.path == "/v1/tokens" {
			c = admin
		}
		if r := c.Do(tc.method, tc.path, tc.body); r.Status != 400 || r.Code() != tc.code {
			t.Errorf("%s %s: %d %s, want 400 %s", tc.method, tc.path, r.Status, r.Body, tc.code)
		}
	}
	// Bad paths and good writes at once: every write succeeds.
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := range 30 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			dpo.Do("GET", recs+"/%FF?purpose=marketing", nil)
		}()
		go func() {
			defer wg.Done()
			if r := dpo.Do("POST", recs+"?purpose=support", map[string]any{"email": fmt.Sprintf("good%d@example.com", i)}); r.Status != 201 {
				errs <- fmt.Sprintf("%d %s", r.Status, r.Body)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("a good write failed beside bad requests: %s", e)
	}
	if r := admin.Must(200, "POST", "/v1/audit/verify", nil).JSON(); r["ok"] != true {
		t.Errorf("audit chain: %v", r)
	}
}
