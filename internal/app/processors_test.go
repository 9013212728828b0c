package app_test

import (
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

func TestProcessorsAndDPAAlerts(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { processorExamples(t, app.Config{}) })
	t.Run("postgres", func(t *testing.T) { processorExamples(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}) })
}

// processorExamples: personal data flowing to a processor without a signed
// DPA alerts once; signing clears the problem; a DPA expiring within 30
// days alerts; bad input is refused with nothing written.
func processorExamples(t *testing.T, cfg app.Config) {
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	dpo := admin.With(admin.RoleToken("dpo"))
	alerts := func(kind string) int {
		n := 0
		for _, a := range dpo.Must(200, "GET", "/v1/alerts", nil).JSON()["alerts"].([]any) {
			if a.(map[string]any)["kind"] == kind {
				n++
			}
		}
		return n
	}
	// Registered without a DPA and with no flow: no problem, no alert.
	p := dpo.Must(201, "POST", "/v1/processors", map[string]any{"vendor": "Chatwoot", "service": "support inbox", "country": "US", "dpa_status": "none"}).JSON()
	id := p["id"].(string)
	if len(p["problems"].([]any)) != 0 || alerts("dpa_missing") != 0 {
		t.Fatalf("a processor with no flow has problems: %v", p)
	}
	// A system sends it data: dpa_missing, alerted once.
	sys := dpo.Must(201, "POST", "/v1/systems", map[string]any{"name": "Support mailbox", "kind": "mailbox", "processors": []string{id},
		"categories": []string{"user.contact.email"}}).JSON()
	got := dpo.Must(200, "GET", "/v1/processors/"+id, nil).JSON()
	if ps := got["problems"].([]any); len(ps) != 1 || ps[0].(map[string]any)["kind"] != "dpa_missing" {
		t.Fatalf("problems: %v", got)
	}
	if n := alerts("dpa_missing"); n != 1 {
		t.Fatalf("dpa_missing alerts: %d, want 1", n)
	}
	s.App.API.CheckDPAs(t.Context()) // the periodic check does not repeat it
	if n := alerts("dpa_missing"); n != 1 {
		t.Errorf("dpa_missing alerts after a second check: %d, want 1", n)
	}
	// Signing a current DPA clears the problem.
	signed := time.Now().UTC().AddDate(-1, 0, 0).Format(time.RFC3339)
	body := map[string]any{"vendor": "Chatwoot", "service": "support inbox", "country": "US", "dpa_status": "signed", "dpa_signed_at": signed,
		"dpa_expires_at": time.Now().UTC().AddDate(2, 0, 0).Format(time.RFC3339), "dpa_document_sha256": strings.Repeat("ab", 32),
		"sub_processors": []any{map[string]any{"name": "AWS", "country": "US"}}, "categories": []string{"user.contact.email"}}
	if got := dpo.Must(200, "PUT", "/v1/processors/"+id, body).JSON(); len(got["problems"].([]any)) != 0 {
		t.Errorf("problems after signing: %v", got)
	}
	// A DPA that expires in 10 days: dpa_expiring.
	body["dpa_expires_at"] = time.Now().UTC().AddDate(0, 0, 10).Format(time.RFC3339)
	got = dpo.Must(200, "PUT", "/v1/processors/"+id, body).JSON()
	if ps := got["problems"].([]any); len(ps) != 1 || ps[0].(map[string]any)["kind"] != "dpa_expiring" || alerts("dpa_expiring") != 1 {
		t.Errorf("expiring: %v, alerts %d", got, alerts("dpa_expiring"))
	}
	// Replacing it with a DPA that expires before it was signed is a 400
	// problem and changes nothing; PATCH is not a way around it.
	stored := dpo.Must(200, "GET", "/v1/processors/"+id, nil).JSON()
	for _, expires := range []string{"2020-01-01T00:00:00Z", signed} {
		bad := maps.Clone(body)
		bad["dpa_expires_at"], bad["service"] = expires, "renamed"
		r := dpo.Do("PUT", "/v1/processors/"+id, bad)
		if r.Status != 400 || r.Code() != "invalid_dpa_expires_at" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("PUT expiring %s, before or at the signature: %d %q %s, want a 400 invalid_dpa_expires_at problem",
				expires, r.Status, r.Header.Get("Content-Type"), r.Body)
		}
	}
	patch := dpo.Do("PATCH", "/v1/processors/"+id, map[string]any{"dpa_expires_at": "2020-01-01T00:00:00Z"})
	if patch.Status/100 != 4 || !strings.HasPrefix(patch.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("PATCH expiring before the signature: %d %s", patch.Status, patch.Body)
	}
	if after := dpo.Must(200, "GET", "/v1/processors/"+id, nil).JSON(); !reflect.DeepEqual(after, stored) {
		t.Errorf("a refused update changed the processor:\n%v\nwas\n%v", after, stored)
	}

	// The picture names the processor.
	if svg := dpo.Must(200, "GET", "/v1/datamap.svg", nil); !strings.Contains(string(svg.Body), "processor: Chatwoot support inbox") {
		t.Errorf("datamap.svg lacks the processor flow")
	}

	// Bad input.
	before := len(dpo.Must(200, "GET", "/v1/processors", nil).JSON()["processors"].([]any))
	bad := map[string]map[string]any{
		"expiry before signature": {"vendor": "X", "service": "y", "country": "US", "dpa_status": "signed", "dpa_signed_at": signed, "dpa_expires_at": "2020-01-01T00:00:00Z"},
		"signed without a date":   {"vendor": "X", "service": "y", "country": "US", "dpa_status": "signed"},
		"country name":            {"vendor": "X", "service": "y", "country": "Vietnam", "dpa_status": "none"},
		"duplicate":               {"vendor": "Chatwoot", "service": "support inbox", "country": "US", "dpa_status": "none"},
		"read-only id":            {"id": "prc_mine", "vendor": "X", "service": "y", "country": "US", "dpa_status": "none"},
	}
	for name, b := range bad {
		if r := dpo.Do("POST", "/v1/processors", b); r.Status/100 != 4 || r.Code() == "" {
			t.Errorf("%s: %d %s", name, r.Status, r.Code())
		}
	}
	if after := len(dpo.Must(200, "GET", "/v1/processors", nil).JSON()["processors"].([]any)); after != before {
		t.Errorf("processors after bad input: %d, want %d", after, before)
	}
	if r := dpo.Do("POST", "/v1/systems", map[string]any{"name": "CRM", "kind": "crm", "processors": []string{"prc_unknown"}}); r.Status != 400 || r.Code() != "unknown_processor" {
		t.Errorf("unknown processor: %d %s", r.Status, r.Code())
	}
	if r := dpo.Do("DELETE", "/v1/processors/"+id, nil); r.Status != 409 || r.Code() != "processor_in_use" {
		t.Errorf("delete in use: %d %s", r.Status, r.Code())
	}
	dpo.Must(204, "DELETE", "/v1/systems/"+sys["id"].(string), nil)
	dpo.Must(204, "DELETE", "/v1/processors/"+id, nil)
	if r := dpo.Do("GET", "/v1/processors/"+id, nil); r.Status != 404 || r.Code() != "processor_not_found" {
		t.Errorf("deleted processor: %d %s", r.Status, r.Code())
	}
}
