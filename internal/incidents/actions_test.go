package incidents

import (
	"strings"
	"testing"
	"time"

	"custodia/internal/apperr"
)

// newRecord files an incident aware at aware with the given counts.
func newRecord(t *testing.T, aware time.Time, affected map[string]int) Record {
	t.Helper()
	in := Input{Description: "token leaked in a public repository", DetectedAt: aware.Add(-time.Hour), BecameAwareAt: aware,
		Window: &Window{From: aware.Add(-48 * time.Hour), To: aware}, Systems: []string{"sys_vault"}, Token: "crm-sync",
		Categories: []string{"user.contact.email", "user.name"}, Contact: "dpo@example.com"}
	if err := in.Validate(aware.Add(time.Minute), Default()); err != nil {
		t.Fatal(err)
	}
	cs := mustClocks(t, Default(), Facts{DetectedAt: in.DetectedAt, AwareAt: aware, Affected: affected})
	total := 0
	for _, n := range affected {
		total += n
	}
	return New("inc_test", in, "token:crm-sync", Affected{Total: total, Vault: total, ByJurisdiction: affected}, cs, "user:dpo", aware.Add(time.Minute))
}

func TestInputValidation(t *testing.T) {
	now := at(t, "2026-05-10T12:00:00Z")
	good := func() Input {
		return Input{Description: "laptop stolen", DetectedAt: now.Add(-2 * time.Hour), BecameAwareAt: now.Add(-time.Hour),
			Window: &Window{From: now.Add(-5 * time.Hour), To: now}, Systems: []string{"sys_vault", " sys_vault "}, Token: "t",
			Jurisdictions: []string{"de", "GDPR", "US-CA"}}
	}
	in := good()
	if err := in.Validate(now, Default()); err != nil {
		t.Fatal(err)
	}
	if strings.Join(in.Systems, ",") != "sys_vault" || strings.Join(in.Jurisdictions, ",") != "GDPR,CCPA" {
		t.Errorf("normalised: systems %v jurisdictions %v", in.Systems, in.Jurisdictions)
	}
	cases := map[string]func(*Input){
		"window_in_future":           func(in *Input) { in.Window.To = now.Add(time.Hour) },
		"aware_before_detected":      func(in *Input) { in.BecameAwareAt = in.DetectedAt.Add(-time.Second) },
		"detected_at_in_future":      func(in *Input) { in.DetectedAt, in.BecameAwareAt = now.Add(time.Hour), now.Add(2*time.Hour) },
		"became_aware_at_in_future":  func(in *Input) { in.BecameAwareAt = now.Add(time.Hour) },
		"invalid_detected_at":        func(in *Input) { in.DetectedAt = time.Time{} },
		"invalid_window":             func(in *Input) { in.Window.From = in.Window.To.Add(time.Second) },
		"window_required":            func(in *Input) { in.Window = nil },
		"token_and_actor":            func(in *Input) { in.Actor = "user:usr_x" },
		"invalid_actor":              func(in *Input) { in.Token, in.Actor = "", "root" },
		"invalid_systems":            func(in *Input) { in.Systems = nil },
		"invalid_categories":         func(in *Input) { in.Categories = []string{"email"} },
		"unknown_category":           func(in *Input) { in.Categories = []string{"user.totally.madeup"} },
		"unknown_jurisdiction":       func(in *Input) { in.Jurisdictions = []string{"Atlantis"} },
		"invalid_description":        func(in *Input) { in.Description = " " },
		"invalid_estimated_subjects": func(in *Input) { in.EstimatedSubjects = -1 },
		"invalid_jurisdiction_field": func(in *Input) { in.JurisdictionField = &FieldRef{Collection: "customers"} },
	}
	for code, mutate := range cases {
		in := good()
		mutate(&in)
		if err := in.Validate(now, Default()); apperr.CodeOf(err) != code || apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("%s: got %v", code, err)
		}
	}
}

func TestTasksNotificationsAndEvidence(t *testing.T) {
	aware := at(t, "2026-05-10T12:00:00Z")
	r := newRecord(t, aware, map[string]int{"GDPR": 2, "VN": 1})
	if len(r.Tasks) != 6 || r.Tasks[0].Name != TaskContain || len(r.Clocks) != 2 || r.Timeline[0].Kind != "detected" {
		t.Fatalf("new record: tasks %v clocks %s timeline %v", r.Tasks, recipients(r.Clocks), r.Timeline)
	}
	now := aware.Add(2 * time.Hour)
	if _, err := r.CloseTask(TaskContain, CloseTaskInput{}, "user:dpo", now); apperr.CodeOf(err) != "evidence_required" {
		t.Errorf("close without evidence: %v", err)
	}
	if _, err := r.CloseTask("nap", CloseTaskInput{Evidence: "x"}, "user:dpo", now); apperr.CodeOf(err) != "task_not_found" {
		t.Errorf("unknown task: %v", err)
	}
	ev, err := r.CloseTask(TaskContain, CloseTaskInput{Evidence: "token revoked", EvidenceSHA256: strings.Repeat("AB", 32)}, "user:dpo", now)
	if err != nil || len(ev) != 1 || r.Tasks[0].State != TaskClosed || r.Tasks[0].EvidenceSHA256 != strings.Repeat("ab", 32) {
		t.Fatalf("close contain: %v %v %+v", err, ev, r.Tasks[0])
	}
	if _, err := r.CloseTask(TaskContain, CloseTaskInput{Evidence: "again"}, "user:dpo", now); apperr.CodeOf(err) != "task_closed" {
		t.Errorf("close twice: %v", err)
	}
	if _, err := r.CloseTask(TaskNotifyAuthority, CloseTaskInput{Evidence: "sent"}, "user:dpo", now); apperr.CodeOf(err) != "clocks_open" {
		t.Errorf("close notify_authority with open clocks: %v", err)
	}
	// Notifications meet clocks.
	if _, err := r.Notify(Default(), NotificationInput{Regime: "GDPR", Recipient: "nobody"}, "user:dpo", now); apperr.CodeOf(err) != "clock_not_found" {
		t.Errorf("unknown clock: %v", err)
	}
	future := now.Add(time.Hour)
	if _, err := r.Notify(Default(), NotificationInput{Regime: "GDPR", Recipient: "supervisory_authority", SentAt: &future}, "user:dpo", now); apperr.CodeOf(err) != "sent_at_in_future" {
		t.Errorf("sent in the future: %v", err)
	}
	if _, err := r.Notify(Default(), NotificationInput{Regime: "GDPR", Recipient: "supervisory_authority", Reference: "case 42"}, "user:dpo", now); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Notify(Default(), NotificationInput{Regime: "GDPR", Recipient: "supervisory_authority"}, "user:dpo", now); apperr.CodeOf(err) != "clock_closed" {
		t.Errorf("notify twice: %v", err)
	}
	late := aware.Add(80 * time.Hour)
	if _, err := r.Notify(Default(), NotificationInput{Regime: "VN", Recipient: "authority", SentAt: &late}, "user:dpo", late); err != nil {
		t.Fatal(err)
	}
	r.Refresh(late)
	if c := find(r.Clocks, "GDPR", "supervisory_authority"); c.Status != ClockMet || c.Late || c.Reference != "case 42" {
		t.Errorf("GDPR clock %+v", c)
	}
	if c := find(r.Clocks, "VN", "authority"); c.Status != ClockMet || !c.Late {
		t.Errorf("VN clock notified after 72 hours from detection: %+v", c)
	}
	if _, err := r.CloseTask(TaskNotifyAuthority, CloseTaskInput{Evidence: "both sent"}, "user:dpo", late); err != nil {
		t.Errorf("close notify_authority once met: %v", err)
	}
	// Evidence by hash, once.
	sum := strings.Repeat("0f", 32)
	if _, _, err := r.AddEvidence(EvidenceInput{Description: "firewall log", SHA256: sum}, "user:dpo", late); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.AddEvidence(EvidenceInput{Description: "same file", SHA256: sum}, "user:dpo", late); apperr.CodeOf(err) != "evidence_exists" {
		t.Errorf("duplicate evidence: %v", err)
	}
	if _, _, err := r.AddEvidence(EvidenceInput{Description: "x", SHA256: "abc"}, "user:dpo", late); apperr.CodeOf(err) != "invalid_sha256" {
		t.Errorf("bad hash: %v", err)
	}
	// Closing the remaining tasks closes the incident.
	for _, name := range []string{TaskInvestigate, TaskNotifyIndividuals, TaskRemediate, TaskReview} {
		if _, err := r.CloseTask(name, CloseTaskInput{State: TaskJustified, Evidence: "done or not needed"}, "user:dpo", late); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if r.Status != StatusClosed || r.ClosedAt == nil {
		t.Errorf("incident after the last task: %s", r.Status)
	}
}

func TestJustifyingWaivesClocks(t *testing.T) {
	aware := at(t, "2026-05-10T12:00:00Z")
	r := newRecord(t, aware, map[string]int{"DPDP": 4})
	ev, err := r.CloseTask(TaskNotifyIndividuals, CloseTaskInput{State: TaskJustified, Evidence: "data encrypted, no risk"}, "user:dpo", aware)
	if err != nil || len(ev) != 2 || ev[0].Kind != "clock_waived" {
		t.Fatalf("justify: %v %+v", err, ev)
	}
	r.Refresh(aware.Add(time.Hour))
	if c := find(r.Clocks, "DPDP", "data_principals"); c.Status != ClockWaived || c.Overdue(aware.Add(time.Hour)) {
		t.Errorf("waived clock %+v", c)
	}
	if c := find(r.Clocks, "DPDP", "board"); c.Status != ClockDueNow {
		t.Errorf("the board's immediate clock: %s, want due_now", c.Status)
	}
}

func TestDraftsHoldNoPersonalData(t *testing.T) {
	aware := at(t, "2026-05-10T12:00:00Z")
	r := newRecord(t, aware, map[string]int{"GDPR": 120, "CCPA": 3})
	r.Description = "Nguyen Van A's token leaked; see ticket of alice@example.com"
	ds, err := r.RenderDrafts(SystemKinds{"sys_vault": "vault"}, time.UTC, aware)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 {
		t.Fatalf("drafts: %+v", ds)
	}
	for _, d := range ds {
		for _, leak := range []string{"Nguyen", "alice@", "crm-sync"} {
			if strings.Contains(d.Text, leak) {
				t.Errorf("%s %s draft contains %q:\n%s", d.Regime, d.Recipient, leak, d.Text)
			}
		}
		for _, want := range []string{"contact: email", "name", "our customer database", "API token", "dpo@example.com", "10 May 2026"} {
			if !strings.Contains(d.Text, want) {
				t.Errorf("%s %s draft lacks %q:\n%s", d.Regime, d.Recipient, want, d.Text)
			}
		}
	}
	if !strings.Contains(ds[0].Text, "Approximately 120 data subjects") || !strings.Contains(ds[0].Text, "Art. 33(1)") {
		t.Errorf("authority draft:\n%s", ds[0].Text)
	}
	if !strings.Contains(ds[1].Text, "Notice of Data Breach") || !strings.Contains(ds[1].Text, "What Information Was Involved") {
		t.Errorf("individuals draft:\n%s", ds[1].Text)
	}
}

func TestWaivingFollowsTheClockFollowed(t *testing.T) {
	aware := at(t, "2026-05-10T12:00:00Z")
	r := newRecord(t, aware, map[string]int{"CCPA": 900})
	if find(r.Clocks, "CCPA", "attorney_general") == nil {
		t.Fatal("no attorney general clock for 900 residents")
	}
	if _, err := r.CloseTask(TaskNotifyIndividuals, CloseTaskInput{State: TaskJustified, Evidence: "encrypted data, key not taken"}, "user:dpo", aware); err != nil {
		t.Fatal(err)
	}
	if c := find(r.Clocks, "CCPA", "attorney_general"); c.State != ClockWaived {
		t.Errorf("attorney general clock %s after the residents' notice was waived", c.State)
	}
}

// TestVietnameseDraft: the notification to Vietnam's authority is drafted
// in Vietnamese (QA: it was English), with the same facts and no
// personal data; another regime's stays English.
func TestVietnameseDraft(t *testing.T) {
	aware := at(t, "2026-05-10T12:00:00Z")
	r := newRecord(t, aware, map[string]int{"VN": 42, "GDPR": 3})
	r.Description = "Nguyen Van A's token leaked; see ticket of alice@example.com"
	ds, err := r.RenderDrafts(SystemKinds{"sys_vault": "vault"}, time.UTC, aware)
	if err != nil {
		t.Fatal(err)
	}
	var vn, gdpr string
	for _, d := range ds {
		switch d.Regime {
		case "VN":
			vn = d.Text
		case "GDPR":
			gdpr = d.Text
		}
	}
	for _, want := range []string{"Thông báo vi phạm", "Kính gửi", "A05", "cơ sở dữ liệu khách hàng của chúng tôi", "một token API",
		"thông tin liên hệ: địa chỉ e-mail", "họ tên", "Khoảng 42 chủ thể dữ liệu", "ngày 10/05/2026", "dpo@example.com"} {
		if !strings.Contains(vn, want) {
			t.Errorf("the VN draft lacks %q:\n%s", want, vn)
		}
	}
	for _, english := range []string{"Nature of the breach", "to be completed", "data subjects", "Nguyen", "alice@"} {
		if strings.Contains(vn, english) {
			t.Errorf("the VN draft holds %q:\n%s", english, vn)
		}
	}
	if !strings.Contains(gdpr, "Nature of the breach") {
		t.Errorf("the GDPR draft is not in English:\n%s", gdpr)
	}
}
