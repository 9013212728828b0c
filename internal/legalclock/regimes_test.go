package legalclock

import (
	"strings"
	"testing"
	"time"

	"custodia/internal/apperr"
)

// TestRequiredFigures pins each regime's figures for a request received on
// Monday 3 March 2025, counted in UTC.
func TestRequiredFigures(t *testing.T) {
	cases := []struct {
		jurisdiction, requestType  string
		due, ack, notice, extended string // extended: due after MaxExtensions
		maxExt                     int
	}{
		// GDPR Art. 12(3): one month, +2 months told within the first.
		{GDPR, Access, "2025-04-03", "", "2025-04-03", "2025-06-03", 1},
		{GDPR, Erasure, "2025-04-03", "", "2025-04-03", "2025-06-03", 1},
		// CCPA: 45 days, ack within 10 business days, once +45 (90 lands on a Sunday: no roll).
		{CCPA, Access, "2025-04-17", "2025-03-17", "2025-04-17", "2025-06-01", 1},
		{CCPA, Rectification, "2025-04-17", "2025-03-17", "2025-04-17", "2025-06-01", 1},
		{CCPA, Objection, "2025-03-24", "", "", "2025-03-24", 0},
		// LGPD Art. 19: 15 days.
		{LGPD, Access, "2025-03-18", "", "", "2025-03-18", 0},
		// VN: ack 2 working days; stop-processing 15 days; one extension of at most 15.
		{VN, WithdrawConsent, "2025-03-18", "2025-03-05", "2025-03-18", "2025-04-02", 1},
		{VN, Restriction, "2025-03-18", "2025-03-05", "2025-03-18", "2025-04-02", 1},
		{VN, Objection, "2025-03-18", "2025-03-05", "2025-03-18", "2025-04-02", 1},
		{VN, Access, "2025-03-13", "2025-03-05", "2025-03-13", "2025-03-28", 1},
		// 20 days lands on Sunday 23 March; 35 days on Hùng Kings' day 2025.
		{VN, Erasure, "2025-03-24", "2025-03-05", "2025-03-24", "2025-04-08", 1},
		// DPDP: 90 days (reported; verify).
		{DPDP, Access, "2025-06-01", "", "", "2025-06-01", 0},
		// PIPEDA s. 8(3)-(4): 30 days, +30 with notice within 30.
		{PIPEDA, Access, "2025-04-02", "", "2025-04-02", "2025-05-02", 1},
		// HIPAA 164.524(b)(2): 30 days, once +30, reasons within the first 30.
		{HIPAA, Access, "2025-04-02", "", "2025-04-02", "2025-05-02", 1},
		{HIPAA, Rectification, "2025-05-02", "", "2025-05-02", "2025-06-01", 1},
	}
	start := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	for _, c := range cases {
		t.Run(c.jurisdiction+" "+c.requestType, func(t *testing.T) {
			r := mustRule(t, c.jurisdiction, c.requestType)
			d := mustDeadlines(t, r, start, time.UTC, 0)
			got := [4]string{dateOf(d.Due, time.UTC), dateOf(d.AcknowledgeBy, time.UTC), dateOf(d.ExtendNoticeBy, time.UTC)}
			x := mustDeadlines(t, r, start, time.UTC, d.MaxExtensions)
			got[3] = dateOf(x.Due, time.UTC)
			want := [4]string{c.due, c.ack, c.notice, c.extended}
			if got != want || d.MaxExtensions != c.maxExt {
				t.Fatalf("%s:\n got due/ack/notice/extended %v, max %d\nwant %v, max %d", r, got, d.MaxExtensions, want, c.maxExt)
			}
		})
	}
}

func TestRulesCiteSources(t *testing.T) {
	for _, r := range Default().Rules() {
		if strings.TrimSpace(r.Source) == "" || strings.TrimSpace(r.Notes) == "" {
			t.Errorf("%s: empty source or notes", r)
		}
		if err := r.Validate(); err != nil {
			t.Errorf("%s: %v", r, err)
		}
	}
	// Figures from secondary summaries say so.
	for _, c := range [][2]string{{VN, Access}, {VN, Erasure}, {VN, Portability}, {DPDP, Access}} {
		r := mustRule(t, c[0], c[1])
		if n := strings.ToLower(r.Notes); !strings.Contains(n, "verify") {
			t.Errorf("%s: notes do not ask to verify", r)
		}
	}
	if n := mustRule(t, DPDP, Erasure).Notes; !strings.Contains(n, "90 days") || !strings.Contains(n, "2027-05-13") {
		t.Errorf("DPDP notes miss the 90 days or the 2027-05-13 start: %s", n)
	}
}

func TestFor(t *testing.T) {
	tab := Default()
	cases := []struct {
		jurisdiction, requestType string
		wantType                  string // the entry's type; "" when an error is expected
		kind                      apperr.Kind
		code                      string
	}{
		{GDPR, Erasure, AnyType, 0, ""},
		{"gdpr", " Access ", AnyType, 0, ""},
		{CCPA, Objection, Objection, 0, ""}, // the specific entry wins over "*"
		{CCPA, Portability, AnyType, 0, ""},
		{VN, Erasure, Erasure, 0, ""},
		{"EU", Access, "", apperr.Invalid, CodeUnknownJurisdiction},
		{"", Access, "", apperr.Invalid, CodeUnknownJurisdiction},
		{GDPR, "delete_everything", "", apperr.Invalid, CodeUnknownRequestType},
		{GDPR, AnyType, "", apperr.Invalid, CodeUnknownRequestType},
		{HIPAA, Erasure, "", apperr.Unprocessable, CodeNoRule},
		{LGPD, Erasure, "", apperr.Unprocessable, CodeNoRule},
		{PIPEDA, Rectification, "", apperr.Unprocessable, CodeNoRule},
	}
	for _, c := range cases {
		t.Run(c.jurisdiction+" "+c.requestType, func(t *testing.T) {
			r, err := tab.For(c.jurisdiction, c.requestType)
			if c.code != "" {
				wantCode(t, err, c.kind, c.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.RequestType != c.wantType {
				t.Fatalf("entry type %q, want %q", r.RequestType, c.wantType)
			}
		})
	}
}

func TestDeadlineErrors(t *testing.T) {
	start := day(t, "2025-03-03")
	cases := []struct {
		name  string
		rule  Rule
		start time.Time
		loc   *time.Location
		ext   int
		kind  apperr.Kind
		code  string
	}{
		{"two GDPR extensions", mustRule(t, GDPR, Access), start, time.UTC, 2, apperr.Unprocessable, CodeExtensionNotAllowed},
		{"LGPD has no extension", mustRule(t, LGPD, Access), start, time.UTC, 1, apperr.Unprocessable, CodeExtensionNotAllowed},
		{"negative extensions", mustRule(t, GDPR, Access), start, time.UTC, -1, apperr.Invalid, CodeInvalidExtensions},
		{"no zone", mustRule(t, GDPR, Access), start, nil, 0, apperr.Invalid, CodeInvalidLocation},
		{"zero start", mustRule(t, GDPR, Access), time.Time{}, time.UTC, 0, apperr.Invalid, CodeInvalidStart},
		{"start in year 1", mustRule(t, GDPR, Access), time.Date(1, 1, 1, 1, 0, 0, 0, time.UTC), time.UTC, 0, apperr.Invalid, CodeInvalidStart},
		{"zero rule", Rule{}, start, time.UTC, 0, apperr.Invalid, CodeInvalidRules},
		{"hand rule, unknown calendar", handRule(1, Months, true, "XX"), start, time.UTC, 0, apperr.Invalid, CodeUnknownCalendar},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.rule.Deadlines(c.start, c.loc, c.ext)
			wantCode(t, err, c.kind, c.code)
		})
	}
}

func TestHandRuleUsesJurisdictionCalendar(t *testing.T) {
	r := handRule(1, Months, true, "")
	d := mustDeadlines(t, r, day(t, "2026-11-25"), time.UTC, 0)
	if got := dateOf(d.Due, time.UTC); got != "2026-12-28" {
		t.Fatalf("due %s, want 2026-12-28 (EU calendar from the GDPR mapping)", got)
	}
}

// TestVNAcknowledgementOverTet pins a quirk of mixing units: over Tết, two
// working days to acknowledge can end after ten calendar days to complete.
// The table reports both as the law counts them; the caller should treat
// the earlier as binding in practice.
func TestVNAcknowledgementOverTet(t *testing.T) {
	d := mustDeadlines(t, mustRule(t, VN, Access), day(t, "2026-02-13"), time.UTC, 0)
	if dateOf(d.Due, time.UTC) != "2026-02-23" || dateOf(d.AcknowledgeBy, time.UTC) != "2026-02-24" {
		t.Fatalf("due %s, acknowledge by %s; want 2026-02-23 and 2026-02-24",
			dateOf(d.Due, time.UTC), dateOf(d.AcknowledgeBy, time.UTC))
	}
}

// TestVNTet2024: a VN access request received on 31 January 2024 is due
// ten days later, Saturday 10 February, rolled past the weekend and Tết
// 2024 (12 to 14 February) to Thursday 15 February.
func TestVNTet2024(t *testing.T) {
	d := mustDeadlines(t, mustRule(t, VN, Access), day(t, "2024-01-31"), time.UTC, 0)
	if got := dateOf(d.Due, time.UTC); got != "2024-02-15" {
		t.Fatalf("due %s, want 2024-02-15", got)
	}
}
