package fieldtype

import (
	"testing"
	"unicode/utf8"
)

// TestIdempotentEveryRune places every Unicode scalar value in a few
// positions of otherwise valid values and checks that whatever Normalize
// accepts, it accepts again unchanged (upper/lower-case mappings that are
// not idempotent or that change lengths would show up here).
func TestIdempotentEveryRune(t *testing.T) {
	if testing.Short() {
		t.Skip("exhaustive over all runes")
	}
	templates := []struct {
		typ           Type
		before, after string
	}{
		{Email, "a", "b@example.com"},
		{Email, "ab@", "x.example.com"},
		{Email, "ab@example.", "x"},
		{Name, "An ", ""},
		{Text, "", "x"},
		{NationalID, "12345", "6789"},
		{IBAN, "DE89370400440532013", "000"},
		{Date, "1990-05-17T00:00:00", "Z"},
		{Phone, "+8491234567", "8"},
		{Card, "411111111111", "1111"},
		{Number, "1", "2"},
	}
	for _, tpl := range templates {
		for r := rune(0); r <= utf8.MaxRune; r++ {
			if !utf8.ValidRune(r) {
				continue
			}
			in := tpl.before + string(r) + tpl.after
			out, err := tpl.typ.Normalize(in, Options{DefaultRegion: "VN"})
			if err != nil {
				continue
			}
			again, err := tpl.typ.Normalize(tpl.typ.Decode(out), Options{DefaultRegion: "VN"})
			if err != nil || again != out {
				t.Errorf("%s: %q -> %q -> %q, %v", tpl.typ, in, out, again, err)
			}
		}
	}
}
