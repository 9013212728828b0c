package evalgen

import (
	"fmt"
	"math/big"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/nyaruka/phonenumbers"

	"custodia/internal/scan"
)

// The checks in this file re-derive each validity rule independently of
// the generator's own code, so a bug there cannot hide itself.

// compact drops spaces, dashes and dots.
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '.' {
			return -1
		}
		return r
	}, s)
}

var allDigits = regexp.MustCompile(`^[0-9]+$`)

// checkLuhn is the textbook Luhn check: double every second digit from
// the right, subtract 9 from two-digit products, and sum to 0 mod 10.
func checkLuhn(d string) bool {
	sum := 0
	for i := range len(d) {
		n := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}

// checkMod97 computes the IBAN remainder with big integers.
func checkMod97(iban string) bool {
	var b strings.Builder
	for _, r := range iban[4:] + iban[:4] {
		if r >= 'A' && r <= 'Z' {
			fmt.Fprint(&b, int(r-'A')+10)
		} else {
			b.WriteRune(r)
		}
	}
	n, ok := new(big.Int).SetString(b.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

// checkVerhoeff computes the Verhoeff check from its definition: the
// dihedral group D5 and the permutation (0 1 5 8 9 4 2 7)(3 6).
func checkVerhoeff(d string) bool {
	mul := func(j, k int) int {
		switch {
		case j < 5 && k < 5:
			return (j + k) % 5
		case j < 5:
			return 5 + (j+k)%5
		case k < 5:
			return 5 + ((j-k)%5+5)%5
		default:
			return ((j-k)%5 + 5) % 5
		}
	}
	perm := [10]int{1, 5, 7, 6, 2, 8, 3, 0, 9, 4}
	c := 0
	for i := range len(d) {
		x := int(d[len(d)-1-i] - '0')
		for range i % 8 {
			x = perm[x]
		}
		c = mul(c, x)
	}
	return c == 0
}

// cardIIN reports whether a card number opens with a real IIN range of
// its length.
func cardIIN(d string) bool {
	p2, p4 := d[:2], d[:4]
	switch len(d) {
	case 15:
		return p2 == "34" || p2 == "37"
	case 16:
		return d[0] == '4' || (p2 >= "51" && p2 <= "55") || (p4 >= "2221" && p4 <= "2720") ||
			p4 == "6011" || p2 == "65" || (p4 >= "3528" && p4 <= "3589") || p2 == "62"
	}
	return false
}

var ibanLengths = map[string]int{"DE": 22, "GB": 22, "FR": 27, "NL": 18, "BE": 16, "AT": 20, "CH": 21}

// provinces are the CCCD province codes, typed anew from Circular
// 07/2016/TT-BCA.
var provinces = strings.Fields(`001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036
	037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 083 084 086
	087 089 091 092 093 094 095 096`)

var (
	dashedSSN = regexp.MustCompile(`^(\d{3})-(\d{2})-(\d{4})$`)
	bareSSN   = regexp.MustCompile(`^(\d{3})(\d{2})(\d{4})$`)
	panRE     = regexp.MustCompile(`^[A-Z]{3}[PCHFATBLJG][A-Z][0-9]{4}[A-Z]$`)
	passRE    = regexp.MustCompile(`^[A-Z0-9]{8,9}$`)
	emailRE   = regexp.MustCompile(`^[a-z0-9._%+-]+@([a-z0-9-]+\.)+([a-z]{2,})$`)
	tlds      = []string{"com", "net", "vn", "in", "uk", "de", "fr", "br", "sg"}
)

var dateLayouts = []string{"02/01/2006", "2/1/2006", "02-01-2006", "2006-01-02", "02.01.2006", "01/02/2006", "January 2, 2006", "2 Jan 2006"}

// parseAnyDate parses a date in any layout the generator writes.
func parseAnyDate(s string) (time.Time, bool) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// validPhone reports whether s is a valid number in one of the regions
// the generator draws numbers from.
func validPhone(s string) bool {
	for _, r := range []string{"VN", "IN", "US", "GB", "DE", "FR", "BR", "SG"} {
		if n, err := phonenumbers.Parse(s, r); err == nil && phonenumbers.IsValidNumberForRegion(n, r) {
			return true
		}
	}
	return false
}

// validators check a labelled value of each entity; an empty string means
// valid, otherwise the reason it is not.
var validators = map[scan.Entity]func(s string) string{
	scan.EmailAddress: func(s string) string {
		m := emailRE.FindStringSubmatch(s)
		if m == nil || !slices.Contains(tlds, m[2]) {
			return "not an address at a real domain"
		}
		return ""
	},
	scan.PhoneNumber: func(s string) string {
		if !validPhone(s) {
			return "not a valid number"
		}
		return ""
	},
	scan.CreditCard: func(s string) string {
		d := compact(s)
		switch {
		case !allDigits.MatchString(d):
			return "not digits"
		case !cardIIN(d):
			return "no card IIN"
		case !checkLuhn(d):
			return "fails Luhn"
		}
		return ""
	},
	scan.IBANCode: func(s string) string {
		d := compact(s)
		switch {
		case len(d) < 5 || ibanLengths[d[:2]] != len(d):
			return "wrong length for country"
		case !checkMod97(d):
			return "fails mod-97"
		}
		return ""
	},
	scan.USSSN: func(s string) string {
		m := dashedSSN.FindStringSubmatch(s)
		if m == nil {
			m = bareSSN.FindStringSubmatch(s)
		}
		switch {
		case m == nil:
			return "not an SSN shape"
		case m[1] == "000" || m[1] == "666" || m[1] >= "900":
			return "invalid area"
		case m[2] == "00":
			return "invalid group"
		case m[3] == "0000":
			return "invalid serial"
		}
		return ""
	},
	scan.VNCCCD: func(s string) string {
		switch {
		case len(s) != 12 || !allDigits.MatchString(s):
			return "not 12 digits"
		case !slices.Contains(provinces, s[:3]):
			return "unknown province"
		case s[3] > '3':
			return "century digit out of range"
		}
		year := 1900 + 100*int((s[3]-'0')/2) + int(s[4]-'0')*10 + int(s[5]-'0')
		if year < 1950 || year > 2007 {
			return "implausible birth year"
		}
		return ""
	},
	scan.VNCMND: func(s string) string {
		if len(s) != 9 || !allDigits.MatchString(s) {
			return "not 9 digits"
		}
		return ""
	},
	scan.INAadhaar: func(s string) string {
		d := strings.ReplaceAll(s, " ", "")
		switch {
		case len(d) != 12 || !allDigits.MatchString(d):
			return "not 12 digits"
		case d[0] < '2':
			return "starts with 0 or 1"
		case !checkVerhoeff(d):
			return "fails Verhoeff"
		}
		return ""
	},
	scan.INPAN: func(s string) string {
		if !panRE.MatchString(s) {
			return "not a PAN"
		}
		return ""
	},
	scan.Passport: func(s string) string {
		if !passRE.MatchString(s) || !strings.ContainsAny(s, "0123456789") {
			return "not a passport number"
		}
		return ""
	},
	scan.DateOfBirth: func(s string) string {
		t, ok := parseAnyDate(s)
		if !ok {
			return "not a date"
		}
		if t.Year() < 1950 || t.Year() > 2007 {
			return "implausible birth year"
		}
		return ""
	},
	scan.IPAddress: func(s string) string {
		if _, err := netip.ParseAddr(s); err != nil {
			return "not an IP address"
		}
		return ""
	},
	scan.Person: func(s string) string {
		for _, w := range strings.Fields(s) {
			r := []rune(w)
			if !unicode.IsUpper(r[0]) {
				return "word not capitalised"
			}
			for _, c := range r {
				if !unicode.IsLetter(c) {
					return "not letters"
				}
			}
		}
		if strings.TrimSpace(s) != s || s == "" {
			return "blank or padded"
		}
		return ""
	},
	scan.StreetAddress: func(s string) string {
		if !strings.ContainsAny(s, "0123456789") || !strings.Contains(s, ", ") || strings.ContainsAny(s, "\"\n") {
			return "not an address"
		}
		return ""
	},
}
