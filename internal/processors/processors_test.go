package processors

import (
	"testing"
	"time"

	"custodia/internal/apperr"
)

func TestValidate(t *testing.T) {
	signed := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	before := signed.Add(-time.Hour)
	for name, tc := range map[string]struct {
		p    Processor
		code string
	}{
		"ok":               {Processor{Vendor: "Mailer", Service: "newsletters", Country: "US", DPAStatus: DPANone}, ""},
		"country":          {Processor{Vendor: "Mailer", Service: "x", Country: "USA", DPAStatus: DPANone}, "invalid_country"},
		"signed no date":   {Processor{Vendor: "Mailer", Service: "x", Country: "US", DPAStatus: DPASigned}, "dpa_signed_at_required"},
		"expiry < signed":  {Processor{Vendor: "Mailer", Service: "x", Country: "US", DPAStatus: DPASigned, DPASignedAt: &signed, DPAExpiresAt: &before}, "invalid_dpa_expires_at"},
		"draft with date":  {Processor{Vendor: "Mailer", Service: "x", Country: "US", DPAStatus: DPADraft, DPASignedAt: &signed}, "dpa_not_signed"},
		"bad hash":         {Processor{Vendor: "Mailer", Service: "x", Country: "US", DPAStatus: DPANone, DPADocument: "abc"}, "invalid_dpa_document_sha256"},
		"bad category":     {Processor{Vendor: "Mailer", Service: "x", Country: "US", DPAStatus: DPANone, Categories: []string{"emails"}}, "invalid_categories"},
		"made-up category": {Processor{Vendor: "Mailer", Service: "x", Country: "US", DPAStatus: DPANone, Categories: []string{"user.totally.madeup"}}, "unknown_category"},
		"bad sub":          {Processor{Vendor: "Mailer", Service: "x", Country: "US", DPAStatus: DPANone, SubProcessors: []SubProcessor{{Name: "AWS"}}}, "invalid_sub_processors"},
	} {
		err := tc.p.Validate()
		if got := apperr.CodeOf(err); got != tc.code && !(tc.code == "" && err == nil) {
			t.Errorf("%s: %v, want %q", name, err, tc.code)
		}
	}
}

func TestCheck(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	at := func(days int) *time.Time { x := now.AddDate(0, 0, days); return &x }
	for name, tc := range map[string]struct {
		p     Processor
		flows bool
		want  string
	}{
		"no flow, no dpa":        {Processor{DPAStatus: DPANone}, false, ""},
		"flow by system":         {Processor{DPAStatus: DPADraft}, true, "dpa_missing"},
		"flow by categories":     {Processor{DPAStatus: DPANone, Categories: []string{"user.contact.email"}}, false, "dpa_missing"},
		"signed, current":        {Processor{DPAStatus: DPASigned, DPASignedAt: at(-100), DPAExpiresAt: at(200)}, true, ""},
		"signed, no expiry":      {Processor{DPAStatus: DPASigned, DPASignedAt: at(-100)}, true, ""},
		"expires in 20 days":     {Processor{DPAStatus: DPASigned, DPASignedAt: at(-100), DPAExpiresAt: at(20)}, false, "dpa_expiring"},
		"expired with flow":      {Processor{DPAStatus: DPASigned, DPASignedAt: at(-100), DPAExpiresAt: at(-1)}, true, "dpa_expired"},
		"expired without a flow": {Processor{DPAStatus: DPASigned, DPASignedAt: at(-100), DPAExpiresAt: at(-1)}, false, ""},
		"expires in 31 days, ok": {Processor{DPAStatus: DPASigned, DPASignedAt: at(-100), DPAExpiresAt: at(31)}, true, ""},
	} {
		ps := tc.p.Check(tc.flows, now)
		got := ""
		if len(ps) > 0 {
			got = ps[0].Kind
		}
		if got != tc.want {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
		}
	}
}
