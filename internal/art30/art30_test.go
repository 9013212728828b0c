package art30

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"custodia/internal/access"
	"custodia/internal/datamap"
	"custodia/internal/processors"
	"custodia/internal/retention"
	"custodia/internal/vault"
)

func TestBuildAndRender(t *testing.T) {
	in := Inputs{
		Purposes: []access.Purpose{{Name: "marketing", Description: "newsletters <b>", LegalBasis: "consent", Roles: []string{"marketing"}},
			{Name: "support", LegalBasis: "contract", Roles: []string{"support", "dpo"}}},
		Collections: []*vault.Collection{{Name: "customers", Kind: "persons", Fields: []vault.Field{
			{Name: "email", Category: "user.contact.email", Purposes: []string{"support", "marketing"}},
			{Name: "phone", Category: "user.contact.phone_number", Purposes: []string{"support"}}}}},
		Systems: []datamap.System{{ID: "sys_1", Name: "Zalo OA", Status: "official", Purposes: []string{"support"}, Transfers: []string{"SG"},
			Categories: []datamap.Category{{Category: "user.name"}}, Retention: "6 months"}},
		Processors: []processors.Processor{{Vendor: "Brevo", Service: "newsletters", Country: "FR", DPAStatus: "signed", Purposes: []string{"marketing"},
			SubProcessors: []processors.SubProcessor{{Name: "OVH", Country: "FR"}}}},
		Rules: []retention.Rule{{Collection: "customers", Purpose: "marketing", Anchor: "consent_withdrawn", Keep: retention.Keep{N: 0, Unit: "days"}, Action: "delete"}},
	}
	acts := Build(in)
	if len(acts) != 2 || acts[0].Purpose != "marketing" {
		t.Fatalf("activities %+v", acts)
	}
	m, s := acts[0], acts[1]
	if strings.Join(m.Categories, ",") != "user.contact.email" || strings.Join(m.Transfers, ",") != "FR" ||
		strings.Join(m.Retention, ",") != "customers: delete records 0 days after consent withdrawn" ||
		!strings.Contains(strings.Join(m.Recipients, ","), "processor: Brevo newsletters (FR, DPA signed)") {
		t.Errorf("marketing %+v", m)
	}
	if strings.Join(s.Categories, ",") != "user.contact.email,user.contact.phone_number,user.name" || strings.Join(s.Transfers, ",") != "SG" ||
		len(s.Systems) != 2 || strings.Join(s.Retention, ",") != "Zalo OA: 6 months" {
		t.Errorf("support %+v", s)
	}
	var c bytes.Buffer
	if strings.Join(m.Subjects, ",") != "customers" {
		t.Errorf("data subjects %v, want the collection of people", m.Subjects)
	}
	if err := WriteCSV(&c, "Hoa Mai Co.", acts); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&c).ReadAll()
	if err != nil || len(rows) != 3 || rows[0][0] != "purpose" || rows[1][4] != "user.contact.email" || rows[1][10] != "Hoa Mai Co." {
		t.Errorf("csv %v %q", err, rows)
	}
	var h bytes.Buffer
	if err := WriteHTML(&h, "Hoa Mai Co.", acts, time.Now()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h.String(), "<b>") || !strings.Contains(h.String(), "newsletters &lt;b&gt;") || !strings.Contains(h.String(), "Hoa Mai Co.") {
		t.Errorf("html not escaped or incomplete")
	}
}

// TestUnrecordedSystems: a system holding personal data for no recorded
// purpose (a shadow copy a scan found) is listed in an activity of its
// own, not left out of the record.
func TestUnrecordedSystems(t *testing.T) {
	acts := Build(Inputs{
		Purposes: []access.Purpose{{Name: "support", LegalBasis: "contract"}},
		Systems: []datamap.System{
			{ID: "sys_1", Name: "shared drive", Status: "shadow", Categories: []datamap.Category{{Category: "user.government_id"}, {Category: "user.financial.credit_card"}}},
			{ID: "sys_2", Name: "empty share", Status: "shadow"},
			{ID: "sys_3", Name: "CRM", Status: "official", Purposes: []string{"support"}, Categories: []datamap.Category{{Category: "user.name"}}},
		},
	})
	if len(acts) != 2 {
		t.Fatalf("activities %+v", acts)
	}
	a := acts[1]
	if a.Purpose != NoPurpose || strings.Join(a.Systems, ",") != "shared drive (shadow)" ||
		strings.Join(a.Categories, ",") != "user.financial.credit_card,user.government_id" {
		t.Errorf("unrecorded activity %+v", a)
	}
}

// TestUnrecordedProcessors: a processor that receives data for no recorded
// purpose is a recipient of the unrecorded activity, with its country and
// its sub-processors' as transfers; alone, it still makes the activity.
func TestUnrecordedProcessors(t *testing.T) {
	acts := Build(Inputs{
		Purposes: []access.Purpose{{Name: "support", LegalBasis: "contract"}},
		Processors: []processors.Processor{
			{Vendor: "NameCo", Service: "enrichment", Country: "US", DPAStatus: "expired", Categories: []string{"user.name"},
				SubProcessors: []processors.SubProcessor{{Name: "CloudCo", Country: "IE"}}},
			{Vendor: "MailCo", Service: "mail", Country: "DE", DPAStatus: "signed", Purposes: []string{"support"}},
		},
	})
	if len(acts) != 2 {
		t.Fatalf("activities %+v", acts)
	}
	a := acts[1]
	if a.Purpose != NoPurpose || strings.Join(a.Recipients, ",") != "processor: NameCo enrichment (US, DPA expired)" ||
		strings.Join(a.Transfers, ",") != "IE,US" || strings.Join(a.Categories, ",") != "user.name" || len(a.Systems) != 0 {
		t.Errorf("unrecorded activity %+v", a)
	}
	if strings.Contains(strings.Join(acts[0].Recipients, ","), "NameCo") || !strings.Contains(strings.Join(acts[0].Recipients, ","), "MailCo") {
		t.Errorf("support activity %+v", acts[0])
	}
}

// TestExpiredDPAShownExpired: a signed DPA past its expiry is shown as
// expired in the record, not as signed.
func TestExpiredDPAShownExpired(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	signed, expired, later := now.AddDate(-2, 0, 0), now.AddDate(0, -1, 0), now.AddDate(1, 0, 0)
	acts := Build(Inputs{Now: now,
		Purposes: []access.Purpose{{Name: "support", LegalBasis: "contract"}},
		Processors: []processors.Processor{
			{Vendor: "OldCo", Service: "sms", Country: "VN", DPAStatus: "signed", DPASignedAt: &signed, DPAExpiresAt: &expired, Purposes: []string{"support"}},
			{Vendor: "NewCo", Service: "mail", Country: "DE", DPAStatus: "signed", DPASignedAt: &signed, DPAExpiresAt: &later, Purposes: []string{"support"}},
		},
	})
	got := strings.Join(acts[0].Recipients, ";")
	if got != "processor: NewCo mail (DE, DPA signed);processor: OldCo sms (VN, DPA expired 2026-02-01)" {
		t.Errorf("recipients %q", got)
	}
}

// TestOverriddenRuleLeftOut: of two rules on the same scope the longer
// applies, and only it is the record's time limit for erasure.
func TestOverriddenRuleLeftOut(t *testing.T) {
	in := Inputs{
		Purposes: []access.Purpose{{Name: "support", LegalBasis: "contract", Roles: []string{"support"}}},
		Collections: []*vault.Collection{{Name: "customers", Kind: "persons", Fields: []vault.Field{
			{Name: "email", Category: "user.contact.email", Purposes: []string{"support"}}}}},
		Rules: []retention.Rule{
			{ID: "ret_short", Collection: "customers", Anchor: "created", Keep: retention.Keep{N: 0, Unit: "days"}, Action: "delete"},
			{ID: "ret_long", Collection: "customers", Anchor: "created", Keep: retention.Keep{N: 5, Unit: "years"}, Action: "delete"},
		},
	}
	acts := Build(in)
	if len(acts) != 1 || strings.Join(acts[0].Retention, ",") != "customers: delete records 5 years after created" {
		t.Fatalf("retention of the record: %+v", acts)
	}
}
