package app_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

func TestSensitivePackageFourEyes(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { sensitivePackageFourEyes(t, app.Config{}) })
	t.Run("postgres", func(t *testing.T) { sensitivePackageFourEyes(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}) })
}

// sensitivePackageFourEyes: the access package of a person whose record
// holds a national id waits for a second person's approval. The first
// download enters it in the register as waiting (202, once however often
// it is asked for); the asker may not approve it; once approved only the
// asker downloads it, once, under the approved entry's watermark; a new
// download needs a new approval. A package without sensitive data is
// produced at once.
func sensitivePackageFourEyes(t *testing.T, cfg app.Config) {
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", map[string]any{"name": "customers", "kind": "persons", "fields": []any{
		map[string]any{"name": "email", "type": "email", "category": "user.contact.email", "purposes": []string{"support"}, "unique": true},
		map[string]any{"name": "cccd", "type": "national_id", "format": "vn_cccd", "category": "user.government_id.national_identification_number", "purposes": []string{"support"}},
	}})
	dpo := admin.With(admin.RoleToken("dpo"))
	an := dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "an@example.vn", "cccd": "079203001234"}).JSON()["subject"]
	dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "binh@example.vn"})
	carriedOut := func(email string) string {
		req := dpo.Must(201, "POST", "/v1/requests", map[string]any{"type": "access", "subject_lookup": map[string]any{"email": email}, "jurisdiction": "GDPR"}).JSON()["id"].(string)
		for _, to := range []string{"verifying_identity", "in_progress"} {
			dpo.Must(200, "POST", "/v1/requests/"+req+"/transitions", map[string]any{"to": to, "reason": "step"})
		}
		dpo.Must(200, "POST", "/v1/requests/"+req+"/execute", nil)
		return req
	}
	watermark := func(r testutil.Response) string {
		t.Helper()
		zr, err := zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body)))
		if err != nil {
			t.Fatalf("package is not a zip: %v", err)
		}
		for _, f := range zr.File {
			if f.Name == "custodia-watermark.txt" {
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				return strings.TrimSpace(string(b))
			}
		}
		t.Fatal("package without watermark")
		return ""
	}

	// No sensitive data: produced at once, registered.
	plain := dpo.Must(200, "GET", "/v1/requests/"+carriedOut("binh@example.vn")+"/package", nil)
	if wm := plain.Header.Get("Custodia-Watermark"); wm == "" || !strings.Contains(watermark(plain), wm) {
		t.Errorf("plain package watermark %q", wm)
	}

	req := carriedOut("an@example.vn")
	first := dpo.Must(202, "GET", "/v1/requests/"+req+"/package", nil)
	x := first.JSON()
	id, _ := x["id"].(string)
	if x["status"] != "pending_approval" || x["sensitive"] != true || x["request"] != req || !strings.Contains(x["approval"].(string), "user.government_id") ||
		first.Header.Get("Location") != "/v1/exports/"+id || bytes.Contains(first.Body, []byte("079203001234")) {
		t.Fatalf("first package call: %s %v", first.Body, first.Header)
	}
	if again := dpo.Must(202, "GET", "/v1/requests/"+req+"/package", nil).JSON(); again["id"] != id {
		t.Errorf("a second call made another entry: %v", again)
	}
	if r := dpo.Do("POST", "/v1/exports/"+id+"/approve", map[string]any{"reason": "mine"}); r.Status != 403 || r.Code() != "four_eyes" {
		t.Errorf("self-approval: %d %s", r.Status, r.Code())
	}
	approver := admin.Approver()
	approver.Must(200, "POST", "/v1/exports/"+id+"/approve", map[string]any{"reason": "identity verified by the DPO, checked"})
	if r := admin.Do("GET", "/v1/requests/"+req+"/package", nil); r.Status != 403 {
		t.Errorf("someone else downloads the approved package: %d %s", r.Status, r.Code())
	}
	got := dpo.Must(200, "GET", "/v1/requests/"+req+"/package", nil)
	if got.Header.Get("Custodia-Watermark") != id || watermark(got) == "" || !strings.Contains(watermark(got), id) {
		t.Errorf("approved package watermark %q, want %s", got.Header.Get("Custodia-Watermark"), id)
	}
	if st := dpo.Must(200, "GET", "/v1/exports/"+id, nil).JSON(); st["status"] != "produced" || st["produced_at"] == nil {
		t.Errorf("entry after the download: %v", st)
	}
	next := dpo.Must(202, "GET", "/v1/requests/"+req+"/package", nil).JSON()
	if next["id"] == id || next["status"] != "pending_approval" {
		t.Errorf("a second download without a new approval: %v", next)
	}

	// An approval covers the categories it was shown: data of another
	// sensitive category written after it needs a new one.
	approver.Must(200, "POST", "/v1/exports/"+next["id"].(string)+"/approve", map[string]any{"reason": "checked again"})
	admin.Must(201, "POST", "/v1/collections", map[string]any{"name": "health", "kind": "data", "fields": []any{
		map[string]any{"name": "note", "type": "text", "category": "user.health_and_medical", "purposes": []string{"support"}},
	}})
	dpo.Must(201, "POST", "/v1/collections/health/records?purpose=support", map[string]any{"subject": an, "note": "allergy"})
	changed := dpo.Must(202, "GET", "/v1/requests/"+req+"/package", nil).JSON()
	if changed["id"] == next["id"] || !strings.Contains(fmt.Sprint(changed["categories"]), "user.health_and_medical") {
		t.Errorf("a package with a category its approval did not show: %v", changed)
	}
	// The approval it replaces is superseded, not left approved.
	if st := dpo.Must(200, "GET", "/v1/exports/"+next["id"].(string), nil).JSON(); st["status"] != "superseded" {
		t.Errorf("the replaced approval: %v", st["status"])
	}
	if again := dpo.Must(202, "GET", "/v1/requests/"+req+"/package", nil).JSON(); again["id"] != changed["id"] {
		t.Errorf("the next call answered %v, want the waiting entry %v", again["id"], changed["id"])
	}

	// Downloads asked at once share one waiting entry.
	dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "chi@example.vn", "cccd": "079203005678"})
	concurrent := carriedOut("chi@example.vn")
	ids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			if r := dpo.Do("GET", "/v1/requests/"+concurrent+"/package", nil); r.Status == 202 {
				ids[i], _ = r.JSON()["id"].(string)
			} else {
				ids[i] = fmt.Sprintf("status %d %s", r.Status, r.Code())
			}
		})
	}
	wg.Wait()
	pending := 0
	for _, x := range dpo.Must(200, "GET", "/v1/exports?limit=1000", nil).JSON()["exports"].([]any) {
		if m := x.(map[string]any); m["request"] == concurrent && m["status"] == "pending_approval" {
			pending++
		}
	}
	if pending != 1 || slices.ContainsFunc(ids, func(id string) bool { return id != ids[0] }) {
		t.Errorf("8 downloads at once: %d waiting entries, answers %v", pending, ids)
	}
}
