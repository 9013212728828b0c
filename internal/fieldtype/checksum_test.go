package fieldtype

import "testing"

func TestLuhn(t *testing.T) {
	tests := map[string]bool{
		"0":                true,
		"18":               true,
		"79927398713":      true,
		"79927398710":      false,
		"4111111111111111": true,
		"4111111111111121": false,
		"378282246310005":  true,
		"6011111111111117": true,
		"6011111111111171": false,
	}
	for s, want := range tests {
		if got := luhnValid(s); got != want {
			t.Errorf("luhnValid(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestVerhoeff(t *testing.T) {
	tests := map[string]bool{
		"2363":         true, // the textbook example: 236 has check digit 3
		"2364":         false,
		"2336":         false,
		"0":            true,
		"234123412346": true,
		"499118665246": true,
		"987654321096": true,
		"234123412347": false,
		"234123412364": false, // adjacent transposition is always caught
	}
	for s, want := range tests {
		if got := verhoeffValid(s); got != want {
			t.Errorf("verhoeffValid(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestMod97(t *testing.T) {
	tests := map[string]int{
		"370400440532013000DE89":          1,
		"WEST12345698765432GB82":          1,
		"0":                               0,
		"96":                              96,
		"97":                              0,
		"A":                               10,
		"Z":                               35,
		"MALT011000012345MTLCAST001SMT84": 1,
	}
	for s, want := range tests {
		if got := mod97(s); got != want {
			t.Errorf("mod97(%q) = %d, want %d", s, got, want)
		}
	}
}
