package legalclock

import (
	"strings"
	"testing"
)

func TestNoticeCitation(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Decree 356/2025/ND-CP Art. 5 (article believed, not verified), detailing Law 91/2025/QH15 Art. 4; Civil Code 2015 Arts. 147-148 for counting",
			"Decree 356/2025/ND-CP Art. 5, detailing Law 91/2025/QH15 Art. 4; Civil Code 2015 Arts. 147-148 for counting"},
		{"DPDP Act 2023 ss. 11-13; DPDP Rules 2025 Rule 14 (per secondary summaries)", "DPDP Act 2023 ss. 11-13; DPDP Rules 2025 Rule 14"},
		// Parentheses that are part of the citation stay.
		{"LGPD (Lei 13.709/2018) Art. 19, II", "LGPD (Lei 13.709/2018) Art. 19, II"},
		{"11 CCR 7027 (request to limit use and disclosure of sensitive personal information; Civ. Code 1798.121)",
			"11 CCR 7027 (request to limit use and disclosure of sensitive personal information; Civ. Code 1798.121)"},
		{"GDPR (EU) 2016/679 Art. 12(3); periods counted per Regulation (EEC, Euratom) No 1182/71 Art. 3",
			"GDPR (EU) 2016/679 Art. 12(3); periods counted per Regulation (EEC, Euratom) No 1182/71 Art. 3"},
		{"Act s. 5 (figure (b) not verified) and s. 6", "Act s. 5 and s. 6"},
		{"Act (unbalanced", "Act (unbalanced"},
	} {
		if got := NoticeCitation(c.in); got != c.want {
			t.Errorf("NoticeCitation(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// TestNoticeCitationOfEveryRule: no rule of the built-in table quotes a
// research note to a data subject.
func TestNoticeCitationOfEveryRule(t *testing.T) {
	for _, r := range Default().Rules() {
		got := strings.ToLower(NoticeCitation(r.Source))
		for _, m := range caveatMarkers {
			if strings.Contains(got, m) {
				t.Errorf("%s %s: the notice citation %q keeps %q", r.Jurisdiction, r.RequestType, got, m)
			}
		}
		if got == "" {
			t.Errorf("%s %s: empty notice citation of %q", r.Jurisdiction, r.RequestType, r.Source)
		}
	}
}
