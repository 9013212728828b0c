package incidents

import (
	"strings"
	"testing"
	"time"
)

// TestWithoutDelayClocksAreDueNowNotOverdue: the "without delay" clocks
// (GDPR Art. 34 to data subjects of a high-risk breach, the DPDP board and
// data principals) are due_now from their start, for as long as they are
// open: never overdue, never counted by Overdue (what the report counts
// as passed deadlines), but DueNow (urgent). A clock with a fixed period
// still turns overdue. A "without delay" notification sent later is not
// late, and its draft does not say the legal time has passed.
func TestWithoutDelayClocksAreDueNowNotOverdue(t *testing.T) {
	aware := at(t, "2026-05-10T12:00:00Z")
	cs := mustClocks(t, Default(), Facts{DetectedAt: aware.Add(-time.Hour), AwareAt: aware, HighRisk: true,
		Affected: map[string]int{"GDPR": 10, "DPDP": 3}})
	immediate := [][2]string{{"GDPR", "data_subjects"}, {"DPDP", "data_principals"}, {"DPDP", "board"}}
	for _, later := range []time.Duration{0, time.Second, time.Hour, 100 * time.Hour} {
		now := aware.Add(later)
		for _, k := range immediate {
			c := find(cs, k[0], k[1])
			if c == nil {
				t.Fatalf("no %s %s clock: %s", k[0], k[1], recipients(cs))
			}
			c.Refresh(now)
			if c.Status != ClockDueNow || c.Overdue(now) || !c.DueNow(now) || c.NearEnd(now) {
				t.Errorf("%s %s at +%s: status %s, overdue %v, due now %v", k[0], k[1], later, c.Status, c.Overdue(now), c.DueNow(now))
			}
		}
	}
	// The GDPR authority's 72 hours still pass.
	sa := find(cs, "GDPR", "supervisory_authority")
	sa.Refresh(aware.Add(73 * time.Hour))
	if sa.Status != ClockOverdue || !sa.Overdue(aware.Add(73*time.Hour)) || sa.DueNow(aware.Add(73*time.Hour)) {
		t.Errorf("GDPR authority after 73 hours: %s", sa.Status)
	}

	// Met a day later: met, not late; the draft does not apologise for a
	// passed deadline.
	in := Input{Description: "laptop stolen", DetectedAt: aware.Add(-time.Hour), BecameAwareAt: aware, Systems: []string{"sys_vault"},
		Categories: []string{"user.contact.email"}}
	r := New("inc_t", in, "", Affected{Total: 13, Vault: 13, ByJurisdiction: map[string]int{"GDPR": 10, "DPDP": 3}}, cs, "user:dpo", aware)
	drafts, err := r.RenderDrafts(SystemKinds{"sys_vault": "vault"}, nil, aware.Add(30*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range drafts {
		if d.Regime == "DPDP" && d.Recipient == "board" && strings.Contains(d.Text, "after the time the law sets") {
			t.Errorf("the board's draft calls a without-delay notice late:\n%s", d.Text)
		}
		if d.Regime == "GDPR" && d.Recipient == "supervisory_authority" && strings.Contains(d.Text, "after the time the law sets") {
			t.Errorf("the authority's draft within 72 hours calls itself late")
		}
	}
	sent := aware.Add(24 * time.Hour)
	if _, err := r.Notify(Default(), NotificationInput{Regime: "DPDP", Recipient: "board", SentAt: &sent}, "user:dpo", sent); err != nil {
		t.Fatal(err)
	}
	r.Refresh(sent)
	if c := find(r.Clocks, "DPDP", "board"); c.Status != ClockMet || c.Late {
		t.Errorf("board notified a day later: %s late=%v", c.Status, c.Late)
	}
}

// TestDraftsListOnlyPersonalCategories: a system.* category stored on an
// incident never reaches a notice, and two categories in the same words
// are listed once.
func TestDraftsListOnlyPersonalCategories(t *testing.T) {
	aware := at(t, "2026-05-10T12:00:00Z")
	r := newRecord(t, aware, map[string]int{"GDPR": 5})
	r.Categories = []string{"user.contact.email", "system.operations", "system", "user.contact.email"}
	drafts, err := r.RenderDrafts(SystemKinds{"sys_vault": "vault"}, nil, aware)
	if err != nil || len(drafts) == 0 {
		t.Fatalf("drafts: %v %d", err, len(drafts))
	}
	for _, d := range drafts {
		if strings.Contains(d.Text, "operations") || strings.Contains(d.Text, "- system") || strings.Count(d.Text, "contact: email") != 1 {
			t.Errorf("%s %s draft:\n%s", d.Regime, d.Recipient, d.Text)
		}
	}
}
