package evalgen

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"custodia/internal/scan"
)

// corpusForTests is generated once; the tests only read it.
var corpusForTests = Generate(7, 400)

func TestGenerateIsDeterministic(t *testing.T) {
	tests := []struct {
		name string
		a, b []Doc
		same bool
	}{
		{"same seed", Generate(42, 40), Generate(42, 40), true},
		{"prefix of a longer run", Generate(42, 10), Generate(42, 40)[:10], true},
		{"other seed", Generate(42, 40), Generate(43, 40), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := reflect.DeepEqual(tt.a, tt.b); got != tt.same {
				t.Errorf("DeepEqual = %v, want %v", got, tt.same)
			}
		})
	}
}

func TestGenerateEdgeCounts(t *testing.T) {
	for _, n := range []int{-1, 0, 1} {
		if got := len(Generate(1, n)); got != max(n, 0) {
			t.Errorf("len(Generate(1, %d)) = %d", n, got)
		}
	}
}

func TestGenerateCoversTheMix(t *testing.T) {
	names := map[string]bool{}
	kinds := map[string]int{}
	entities := map[scan.Entity]int{}
	decoys := map[decoyKind]int{}
	hints := 0
	for _, d := range corpusForTests {
		if names[d.Name] {
			t.Errorf("duplicate name %s", d.Name)
		}
		names[d.Name] = true
		kinds[d.Format+"/"+d.Lang]++
		for _, l := range d.Labels {
			entities[l.Entity]++
			if l.Hint != "" {
				hints++
			}
		}
		for _, x := range d.decoys {
			decoys[x.kind]++
		}
	}
	for _, f := range []string{"csv", "chat", "email", "text"} {
		for _, l := range []string{"en", "vi"} {
			if kinds[f+"/"+l] == 0 {
				t.Errorf("no %s document in %s", f, l)
			}
		}
	}
	for _, e := range scan.Entities {
		if entities[e] < 10 {
			t.Errorf("%s labelled %d times, want at least 10", e, entities[e])
		}
	}
	for _, k := range []decoyKind{decoyBadLuhn, decoyBadIBAN, decoyBadAadhaar, decoyOrderNumber, decoyBusinessDate,
		decoyProductCode, decoyVersion, decoyBuild, decoyFakeEmail} {
		if decoys[k] < 5 {
			t.Errorf("near miss %s written %d times, want at least 5", k, decoys[k])
		}
	}
	if hints == 0 {
		t.Error("no label carries a CSV column hint")
	}
}

func TestLabelSpans(t *testing.T) {
	for _, d := range corpusForTests {
		end := 0
		for _, l := range d.Labels {
			if l.Start < end || l.End <= l.Start || l.End > len(d.Content) {
				t.Fatalf("%s: label %+v out of order or outside [0,%d)", d.Name, l, len(d.Content))
			}
			end = l.End
			text := d.Content[l.Start:l.End]
			if !utf8.Valid(text) || strings.TrimSpace(string(text)) != string(text) {
				t.Errorf("%s: label %s %q is not a clean span", d.Name, l.Entity, text)
			}
			if (l.Hint != "") != (d.Format == "csv") {
				t.Errorf("%s: label %s %q has hint %q in a %s document", d.Name, l.Entity, text, l.Hint, d.Format)
			}
		}
		for _, x := range d.decoys {
			for _, l := range d.Labels {
				if x.start < l.End && l.Start < x.end {
					t.Errorf("%s: near miss %q overlaps label %s %q", d.Name, d.Content[x.start:x.end], l.Entity, d.Content[l.Start:l.End])
				}
			}
		}
	}
}

func TestCSVHintsAreHeaders(t *testing.T) {
	for _, d := range corpusForTests {
		if d.Format != "csv" {
			continue
		}
		header, _, _ := strings.Cut(strings.TrimPrefix(string(d.Content), "\ufeff"), "\n")
		cols := strings.Split(strings.TrimSuffix(header, "\r"), ",")
		for _, l := range d.Labels {
			if !slices.Contains(cols, l.Hint) {
				t.Errorf("%s: hint %q is not a header of %q", d.Name, l.Hint, header)
			}
		}
	}
}

func TestLabelledValuesAreValid(t *testing.T) {
	for _, d := range corpusForTests {
		for _, l := range d.Labels {
			text := string(d.Content[l.Start:l.End])
			check, ok := validators[l.Entity]
			if !ok {
				t.Fatalf("no validator for %s", l.Entity)
			}
			if why := check(text); why != "" {
				t.Errorf("%s: %s %q: %s", d.Name, l.Entity, text, why)
			}
		}
	}
}

// TestValueGeneratorsAreValid draws many values straight from the
// generators, beyond what a few hundred documents hold.
func TestValueGeneratorsAreValid(t *testing.T) {
	g := newGen(99, 1)
	regions := []region{regionVN, regionIN, regionUS, regionGB, regionDE, regionFR, regionBR, regionSG}
	tests := []struct {
		entity scan.Entity
		draw   func(i int) string
	}{
		{scan.CreditCard, func(int) string { return formatCard(g, newCardDigits(g)) }},
		{scan.IBANCode, func(int) string { return formatIBAN(g, newIBANCompact(g)) }},
		{scan.USSSN, func(i int) string { return formatSSN(newSSN(g), i%2 == 0) }},
		{scan.VNCCCD, func(i int) string { return newCCCD(g, newBirthDate(g).y, i%2 == 0) }},
		{scan.VNCMND, func(int) string { return newCMND(g) }},
		{scan.INAadhaar, func(int) string { return formatAadhaar(g, newAadhaar(g)) }},
		{scan.INPAN, func(int) string { return newPAN(g, pick(g, names[regionIN].last)) }},
		{scan.Passport, func(i int) string { return newPassport(g, regions[i%len(regions)]) }},
		{scan.PhoneNumber, func(i int) string { return newPhone(g, regions[i%len(regions)]) }},
		{scan.DateOfBirth, func(i int) string { return formatDate(g, regions[i%len(regions)], newBirthDate(g)) }},
		{scan.IPAddress, func(i int) string {
			if i%2 == 0 {
				return newIPv4(g)
			}
			return newIPv6(g)
		}},
		{scan.EmailAddress, func(i int) string {
			r := regions[i%len(regions)]
			return newEmail(g, newName(g, r), r, 1990, "")
		}},
		{scan.StreetAddress, func(i int) string { return newAddress(g, regions[i%len(regions)]) }},
		{scan.Person, func(i int) string { return newName(g, regions[i%len(regions)]).full }},
	}
	for _, tt := range tests {
		t.Run(string(tt.entity), func(t *testing.T) {
			for i := range 2000 {
				v := tt.draw(i)
				if why := validators[tt.entity](v); why != "" {
					t.Fatalf("%q: %s", v, why)
				}
			}
		})
	}
}
