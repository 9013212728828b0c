package detect

import (
	"testing"

	"custodia/internal/fieldtype"
	"custodia/internal/scan"
)

func TestIBAN(t *testing.T) {
	runCases(t, []entityCase{
		{name: "DE grouped", text: "IBAN: DE89 3704 0044 0532 0130 00.", want: []string{"IBAN_CODE=DE89 3704 0044 0532 0130 00"}},
		{name: "DE bare", text: "DE89370400440532013000", want: []string{"IBAN_CODE=DE89370400440532013000"}},
		{name: "GB with letters", text: "to GB82 WEST 1234 5698 7654 32 please", want: []string{"IBAN_CODE=GB82 WEST 1234 5698 7654 32"}},
		{name: "FR", text: "FR14 2004 1010 0505 0001 3M02 606", want: []string{"IBAN_CODE=FR14 2004 1010 0505 0001 3M02 606"}},
		{name: "NL", text: "NL91ABNA0417164300", want: []string{"IBAN_CODE=NL91ABNA0417164300"}},
		{name: "BR", text: "BR1800360305000010009795493C1", want: []string{"IBAN_CODE=BR1800360305000010009795493C1"}},
		{name: "wrong checksum", text: "DE89 3704 0044 0532 0130 01", not: []scan.Entity{scan.IBANCode}},
		{name: "wrong check digits", text: "DE88370400440532013000", not: []scan.Entity{scan.IBANCode}},
		{name: "too long", text: "DE893704004405320130001", not: []scan.Entity{scan.IBANCode}},
		{name: "too short", text: "DE8937040044053201300", not: []scan.Entity{scan.IBANCode}},
		{name: "unknown country", text: "XX89370400440532013000", not: []scan.Entity{scan.IBANCode}},
		{name: "not a word start", text: "ADE89370400440532013000", not: []scan.Entity{scan.IBANCode}},
		// Lower case, as people type them in chats.
		{name: "lower grouped", text: "iban de89 3704 0044 0532 0130 00 nhé", want: []string{"IBAN_CODE=de89 3704 0044 0532 0130 00"}},
		{name: "lower with letters", text: "my iban is gb82west12345698765432 thanks", want: []string{"IBAN_CODE=gb82west12345698765432"}},
		{name: "german account with letters", text: "IBAN DE583704004405320130AB", not: []scan.Entity{scan.IBANCode}},
		{name: "lower dashed", text: "fr14-2004-1010-0505-0001-3m02-606", want: []string{"IBAN_CODE=fr14-2004-1010-0505-0001-3m02-606"}},
		{name: "lower wrong checksum", text: "de89 3704 0044 0532 0130 01", not: []scan.Entity{scan.IBANCode}},
		{name: "lower not a word start", text: "xde89370400440532013000", not: []scan.Entity{scan.IBANCode}},
		{name: "lower unknown country", text: "ab12 3456 7890 1234 5678 90", not: []scan.Entity{scan.IBANCode}},
	})
}

// TestIBANMatchesFieldtype checks the local mod-97 against the vault's
// IBAN validation.
func TestIBANMatchesFieldtype(t *testing.T) {
	g := newGen(8)
	for i := 0; i < 2000; i++ {
		s := ibanComplete("DE", g.digits(18))
		if i%2 == 1 {
			s = s[:10] + g.digits(1) + s[11:]
		}
		_, err := fieldtype.IBAN.Normalize(s, fieldtype.Options{})
		if ibanValid([]byte(s)) != (err == nil) {
			t.Fatalf("%s: local %v, fieldtype error %v", s, ibanValid([]byte(s)), err)
		}
	}
}

// TestBBANShapesFitLengths: each country's account shape fits its IBAN
// length (QA: Italy's had one character too many, so no Italian IBAN was
// ever found), and an IBAN of that shape is found.
func TestBBANShapesFitLengths(t *testing.T) {
	for cc, shape := range bbanShapes {
		want := int(ibanLengths[ibanCountry(cc[0], cc[1])])
		if len(shape)+4 != want {
			t.Errorf("%s: shape of %d characters, IBAN length %d", cc, len(shape), want)
			continue
		}
		bban := make([]byte, len(shape))
		for i, k := range shape {
			bban[i] = map[rune]byte{'n': '7', 'a': 'K', 'c': 'X'}[k]
		}
		runCases(t, []entityCase{{name: cc, text: "IBAN: " + ibanComplete(cc, string(bban)), want: []string{"IBAN_CODE=" + ibanComplete(cc, string(bban))}}})
	}
	runCases(t, []entityCase{{name: "IT registry example", text: "IBAN: IT60 X054 2811 1010 0000 0123 456", want: []string{"IBAN_CODE=IT60 X054 2811 1010 0000 0123 456"}}})
}
