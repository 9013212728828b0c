package incidents

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/legalclock"
)

// minimalRules is a valid rules file with one rule.
const minimalRules = `version: 1
rules:
  - {regime: VN, recipient: authority, to: A05, audience: authority, start: detected, period: {n: 72, unit: hours}, source: Law 91/2025}
`

func TestDefaultRules(t *testing.T) {
	rules := Default().Rules()
	want := []string{"GDPR supervisory_authority", "CCPA residents", "CCPA attorney_general", "HIPAA individuals", "HIPAA hhs",
		"LGPD anpd", "VN authority", "DPDP data_principals", "DPDP board", "DPDP board_report"}
	var have []string
	for _, r := range rules {
		have = append(have, r.Regime+" "+r.Recipient)
		if err := r.validate(); err != nil {
			t.Errorf("%s %s: %v", r.Regime, r.Recipient, err)
		}
		if !strings.Contains(r.Source, "Art.") && !strings.Contains(r.Source, "CFR") && !strings.Contains(r.Source, "Code") && !strings.Contains(r.Source, "Rule") {
			t.Errorf("%s %s: source %q names no provision", r.Regime, r.Recipient, r.Source)
		}
	}
	for _, w := range want {
		if !slices.Contains(have, w) {
			t.Errorf("the default rules lack %s (have %s)", w, strings.Join(have, ", "))
		}
	}
	for name, regimes := range map[string][]string{"gdpr": {"GDPR"}, " de ": {"GDPR"}, "US-CA": {"CCPA"}, "California": {"CCPA"},
		"CA": {"PIPEDA"}, "BR": {"LGPD"}, "vn": {"VN"}, "IN_DPDP": {"DPDP"}, "HIPAA": {"HIPAA"}, "NO": {"GDPR"}} {
		if got, ok := Default().Resolve(name); !ok || !slices.Equal(got, regimes) {
			t.Errorf("Resolve(%q) = %v, %v; want %v", name, got, ok, regimes)
		}
	}
	if _, ok := Default().Resolve("US"); ok {
		t.Error("US resolves to a regime (federal law has no general breach rule here)")
	}
}

func TestLoadRefusesBadFiles(t *testing.T) {
	rule := func(fields string) string {
		return "version: 1\nrules:\n  - {" + fields + "}\n"
	}
	ok := "regime: VN, recipient: authority, to: A05, audience: authority, start: detected, period: {n: 72, unit: hours}, source: Law 91"
	cases := map[string]string{
		"not yaml":              "{{{",
		"unknown field":         "version: 1\nextra: 1\n" + strings.TrimPrefix(rule(ok), "version: 1\n"),
		"version 2":             strings.Replace(rule(ok), "version: 1", "version: 2", 1),
		"no rules":              "version: 1\nrules: []\n",
		"unknown regime":        rule(strings.Replace(ok, "regime: VN", "regime: XX", 1)),
		"bad recipient":         rule(strings.Replace(ok, "recipient: authority", "recipient: Auth ority", 1)),
		"bad audience":          rule(strings.Replace(ok, "audience: authority", "audience: press", 1)),
		"bad start":             rule(strings.Replace(ok, "start: detected", "start: received", 1)),
		"fractional n":          rule(strings.Replace(ok, "n: 72", "n: 1.5", 1)),
		"zero n":                rule(strings.Replace(ok, "n: 72", "n: 0", 1)),
		"huge n":                rule(strings.Replace(ok, "n: 72", "n: 100000", 1)),
		"unknown unit":          rule(strings.Replace(ok, "unit: hours", "unit: fortnights", 1)),
		"immediate with n":      rule(strings.Replace(ok, "unit: hours", "unit: immediate", 1)),
		"no period":             rule(strings.Replace(ok, ", period: {n: 72, unit: hours}", "", 1)),
		"no source":             rule(strings.Replace(ok, ", source: Law 91", "", 1)),
		"business days no cal":  rule(strings.Replace(ok, "unit: hours", "unit: business_days", 1)),
		"unknown calendar":      rule(strings.Replace(ok, "unit: hours}", "unit: business_days}, calendar: XX", 1)),
		"calendar with hours":   rule(ok + ", calendar: VN"),
		"after without target":  rule(strings.Replace(ok, "start: detected", "start: after, after: nobody", 1)),
		"after on plain start":  rule(ok + ", after: authority"),
		"below not above min":   rule(ok + ", when: {min_affected: 10, below_affected: 5}"),
		"negative min":          rule(ok + ", when: {min_affected: -1}"),
		"control char in notes": rule(ok + `, notes: "a\u0000b"`),
		"duplicate":             "version: 1\nrules:\n  - {" + ok + "}\n  - {" + ok + "}\n",
		"alias is a regime":     "version: 1\nregimes: {VN: [GDPR]}\nrules:\n  - {" + ok + "}\n",
		"alias of unknown":      "version: 1\nregimes: {XX: [Mars]}\nrules:\n  - {" + ok + "}\n",
	}
	for name, src := range cases {
		if _, err := Load(strings.NewReader(src), nil); apperr.CodeOf(err) != "invalid_rules" {
			t.Errorf("%s: got %v, want invalid_rules", name, err)
		}
	}
	big := bytes.Repeat([]byte("#"), maxFileSize+1)
	if _, err := Load(bytes.NewReader(big), nil); apperr.KindOf(err) != apperr.TooLarge {
		t.Errorf("a 1 MiB + 1 file: %v, want TooLarge", err)
	}
	tab, err := Load(strings.NewReader(minimalRules), nil)
	if err != nil || len(tab.Rules()) != 1 {
		t.Fatalf("minimal rules: %v", err)
	}
	if _, ok := tab.Resolve("DE"); ok {
		t.Error("a file without regimes: names should not carry over from the default")
	}
}

func TestWithChecksCalendars(t *testing.T) {
	cals, err := legalclock.LoadRules(strings.NewReader("version: 1\nrules:\n  - {jurisdiction: VN, request_type: \"*\", start: received, period: {n: 10, unit: calendar_days}, source: x}\n"))
	if err != nil {
		t.Fatal(err)
	}
	tab, err := Default().With(cals, time.FixedZone("ICT", 7*3600))
	if err != nil || tab.Location().String() != "ICT" {
		t.Fatalf("With: %v", err)
	}
	if Default().Location() != time.UTC {
		t.Error("With changed the default table")
	}
}
