package evalgen

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// nearMissChecks confirm that a near miss of each class really is not the
// personal data it resembles; an empty string means it is a proper near
// miss.
var nearMissChecks = map[decoyKind]func(s string) string{
	decoyBadLuhn: func(s string) string {
		d := compact(s)
		switch {
		case len(d) != 16 || !allDigits.MatchString(d):
			return "not 16 digits"
		case !cardIIN(d):
			return "does not look like a card (no IIN)"
		case checkLuhn(d):
			return "passes Luhn"
		}
		return ""
	},
	decoyBadIBAN: func(s string) string {
		d := compact(s)
		switch {
		case len(d) < 5 || ibanLengths[d[:2]] != len(d):
			return "not IBAN-shaped"
		case checkMod97(d):
			return "passes mod-97"
		}
		return ""
	},
	decoyBadAadhaar: func(s string) string {
		d := strings.ReplaceAll(s, " ", "")
		switch {
		case len(d) != 12 || !allDigits.MatchString(d) || d[0] < '2':
			return "not Aadhaar-shaped"
		case checkVerhoeff(d):
			return "passes Verhoeff"
		}
		return ""
	},
	decoyOrderNumber: func(s string) string {
		switch {
		case len(s) != 12 || !allDigits.MatchString(s):
			return "not 12 digits"
		case slices.Contains(provinces, s[:3]):
			return "opens with a CCCD province code"
		case checkVerhoeff(s):
			return "passes Verhoeff"
		case !strings.HasPrefix(s, "202"):
			return "not dated"
		}
		return ""
	},
	decoyBusinessDate: func(s string) string {
		t, ok := parseAnyDate(s)
		if !ok && len(s) == len("2024-01-15T10:22:31Z") {
			t, ok = parseAnyDate(s[:10])
		}
		switch {
		case !ok:
			return "not a date"
		case t.Year() < 2023:
			return "not a recent date"
		}
		return ""
	},
	decoyProductCode: func(s string) string {
		if !allDigits.MatchString(s) || (len(s) != 13 && len(s) != 14) {
			return "not a 13- or 14-digit code"
		}
		for _, r := range []string{"VN", "IN", "US", "GB", "FR", "SG"} { // not DE, BR: variable length
			if n, err := phonenumbers.Parse(s, r); err == nil && phonenumbers.IsValidNumberForRegion(n, r) {
				return "is a valid phone number in " + r
			}
		}
		return ""
	},
	decoyVersion: func(s string) string {
		a, err := netip.ParseAddr(strings.TrimPrefix(s, "v"))
		if err != nil || !a.Is4() {
			return "not IPv4-shaped (belongs to the build class)"
		}
		return ""
	},
	decoyBuild: func(s string) string {
		if _, err := netip.ParseAddr(s); err == nil {
			return "parses as an IP address"
		}
		if strings.Count(s, ".") != 3 {
			return "not a dotted quad"
		}
		return ""
	},
	decoyFakeEmail: func(s string) string {
		_, domain, ok := strings.Cut(s, "@")
		if !ok {
			return "no @"
		}
		i := strings.LastIndexByte(domain, '.')
		if i >= 0 && slices.Contains(tlds, domain[i+1:]) {
			return "has a real top-level domain"
		}
		return ""
	},
}

func TestNearMissesInDocuments(t *testing.T) {
	for _, d := range corpusForTests {
		for _, x := range d.decoys {
			s := string(d.Content[x.start:x.end])
			if why := nearMissChecks[x.kind](s); why != "" {
				t.Errorf("%s: near miss %s %q: %s", d.Name, x.kind, s, why)
			}
		}
	}
}

func TestNearMissGenerators(t *testing.T) {
	g := newGen(3, 3)
	tests := []struct {
		kind decoyKind
		draw func() string
	}{
		{decoyBadLuhn, func() string { return newBadCard(g) }},
		{decoyBadIBAN, func() string { return newBadIBAN(g) }},
		{decoyBadAadhaar, func() string { return newBadAadhaar(g) }},
		{decoyOrderNumber, newOrderNumberFor(g)},
		{decoyBusinessDate, func() string { return newBusinessDateText(g, regionVN) }},
		{decoyProductCode, func() string { return newProductCode(g) }},
		{decoyVersion, func() string { return newVersion(g) }},
		{decoyBuild, func() string { return newBuild(g) }},
		{decoyFakeEmail, func() string { return newFakeEmail(g) }},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			for range 3000 {
				s := tt.draw()
				if why := nearMissChecks[tt.kind](s); why != "" {
					t.Fatalf("%q: %s", s, why)
				}
			}
		})
	}
}

// newOrderNumberFor adapts newOrderNumber to the table.
func newOrderNumberFor(g *gen) func() string {
	return func() string { return newOrderNumber(g) }
}

func TestProductCodesAreNotPhones(t *testing.T) {
	// The brief's example: a 14-digit code opening like a mobile number.
	n, err := phonenumbers.Parse("09123456789012", "VN")
	if err == nil && phonenumbers.IsValidNumber(n) {
		t.Fatal("09123456789012 parses as a valid Vietnamese number")
	}
}
