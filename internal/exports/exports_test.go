package exports

import "testing"

func TestApproval(t *testing.T) {
	for _, tc := range []struct {
		records, threshold int
		cats               []string
		want               string
	}{
		{10, 500, []string{"user.contact.email"}, ""},
		{500, 500, []string{"user.contact.email"}, "holds 500 records, the approval threshold is 500"},
		{1, 500, []string{"user.name", "user.government_id.national_identification_number"}, "holds sensitive categories: user.government_id.national_identification_number"},
		{1, 500, []string{"user.financial"}, "holds sensitive categories: user.financial"},
		{1, 0, []string{"user.childrens"}, "holds sensitive categories: user.childrens"},
		{100000, 0, []string{"user.contact"}, ""},
		{1, 500, []string{"user.financialish"}, ""},
	} {
		if got := Approval(tc.records, tc.threshold, tc.cats); got != tc.want {
			t.Errorf("Approval(%d, %d, %v) = %q, want %q", tc.records, tc.threshold, tc.cats, got, tc.want)
		}
	}
}
