package demo_test

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"custodia/internal/demo"
)

// phoneRE holds a strict E.164 pattern per country, limited to the mobile
// (or, for the US, geographic) ranges libphonenumber accepts as valid.
var phoneRE = map[string]*regexp.Regexp{
	"VN": regexp.MustCompile(`^\+84(?:(?:9[0134678]|3[2-9]|7[06-9]|8[1-68])\d{7}|89[6-9]\d{6})$`),
	"IN": regexp.MustCompile(`^\+91[6-9]\d{9}$`),
	"US": regexp.MustCompile(`^\+1(?:212|415|312|617|206|512)[2-9]\d{6}$`),
	"DE": regexp.MustCompile(`^\+49(?:15[127]|160|17[069])\d{8}$`),
	"FR": regexp.MustCompile(`^\+336[0-24-8]\d{7}$`),
	"ES": regexp.MustCompile(`^\+346\d{8}$`),
	"IT": regexp.MustCompile(`^\+393\d{9}$`),
	"PL": regexp.MustCompile(`^\+48(?:5[0137]|6[069]|7[2389]|88)\d{7}$`),
}

// emailRE accepts dot-separated lower-case ASCII local parts on the
// reserved example.com/.net/.org domains and their subdomains.
var emailRE = regexp.MustCompile(`^[a-z0-9]+(?:\.[a-z0-9]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*example\.(?:com|net|org)$`)

func TestCustomersDeterministic(t *testing.T) {
	a, b := demo.Customers(7, 300), demo.Customers(7, 300)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different customers")
	}
	if reflect.DeepEqual(a, demo.Customers(8, 300)) {
		t.Fatal("different seeds gave identical customers")
	}
	if prefix := demo.Customers(7, 45); !reflect.DeepEqual(prefix, a[:45]) {
		t.Fatal("Customers(seed, m) is not a prefix of Customers(seed, n)")
	}
	if got := demo.Customers(7, 0); len(got) != 0 {
		t.Fatalf("n=0 gave %d customers", len(got))
	}
	if got := demo.Customers(7, -1); len(got) != 0 {
		t.Fatalf("n=-1 gave %d customers", len(got))
	}
}

func TestSupportNoteDeterministic(t *testing.T) {
	for i := range 50 {
		a, b := demo.SupportNote(3, i, "subj-1"), demo.SupportNote(3, i, "subj-1")
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("note %d: same seed gave different notes", i)
		}
	}
}

func TestEmailsValidAndUnique(t *testing.T) {
	for _, seed := range []uint64{0, 1, 42, 1 << 60} {
		seen := map[string]bool{}
		for _, c := range demo.Customers(seed, 1000) {
			if !emailRE.MatchString(c.Email) {
				t.Errorf("seed %d: invalid e-mail %q", seed, c.Email)
			}
			if local, _, _ := strings.Cut(c.Email, "@"); len(local) > 64 {
				t.Errorf("seed %d: local part too long in %q", seed, c.Email)
			}
			if seen[c.Email] {
				t.Errorf("seed %d: duplicate e-mail %q", seed, c.Email)
			}
			seen[c.Email] = true
		}
	}
}

func TestPhonesValid(t *testing.T) {
	for _, seed := range []uint64{0, 1, 42, 99} {
		for _, c := range demo.Customers(seed, 1000) {
			re, ok := phoneRE[c.Country]
			if !ok {
				t.Fatalf("unexpected country %q", c.Country)
			}
			if !re.MatchString(c.Phone) {
				t.Errorf("%s: phone %q does not match %s", c.Country, c.Phone, re)
			}
			if c.Country == "US" {
				exchange := c.Phone[5:8]
				if exchange == "555" || exchange[1:] == "11" {
					t.Errorf("US phone %q uses reserved exchange %s", c.Phone, exchange)
				}
			}
		}
	}
}

func TestCountrySpread(t *testing.T) {
	const n = 1000
	count := map[string]int{}
	for _, c := range demo.Customers(11, n) {
		region := c.Country
		switch region {
		case "DE", "FR", "ES", "IT", "PL":
			count[region]++
			region = "EU"
		}
		count[region]++
	}
	for region, want := range map[string]float64{"VN": 0.4, "IN": 0.2, "US": 0.2, "EU": 0.2} {
		got := float64(count[region]) / n
		if got < want-0.03 || got > want+0.03 {
			t.Errorf("%s share %.3f, want about %.2f", region, got, want)
		}
	}
	for _, eu := range []string{"DE", "FR", "ES", "IT", "PL"} {
		if count[eu] == 0 {
			t.Errorf("no customers from %s", eu)
		}
	}
	// Even a small demo set has the full mix.
	small := map[string]int{}
	for _, c := range demo.Customers(5, 10) {
		small[c.Country]++
	}
	if small["VN"] != 4 || small["IN"] != 2 || small["US"] != 2 {
		t.Errorf("10 customers: got mix %v, want 4 VN, 2 IN, 2 US, 2 EU", small)
	}
}

func TestCustomerFields(t *testing.T) {
	from := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range demo.Customers(21, 1000) {
		d, err := time.Parse(time.DateOnly, c.BirthDate)
		if err != nil || d.Format(time.DateOnly) != c.BirthDate {
			t.Errorf("bad birth date %q: %v", c.BirthDate, err)
		} else if d.Before(from) || !d.Before(to) {
			t.Errorf("implausible birth date %q", c.BirthDate)
		}
		for _, s := range []string{c.Name, c.Address} {
			if s == "" || strings.TrimSpace(s) != s || strings.Contains(s, "  ") {
				t.Errorf("badly formed value %q", s)
			}
			checkText(t, s)
		}
		if len(strings.Fields(c.Name)) < 2 {
			t.Errorf("name %q has no family name", c.Name)
		}
	}
}

// checkText fails if s is not valid UTF-8 in precomposed (NFC-style) form,
// i.e. contains combining marks or control characters.
func checkText(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("invalid UTF-8 in %q", s)
	}
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) || unicode.IsControl(r) {
			t.Errorf("%q contains combining or control character %U", s, r)
		}
	}
}

func TestVietnameseNamesHaveDiacritics(t *testing.T) {
	var vn, accented int
	letters := map[rune]bool{}
	for _, c := range demo.Customers(33, 1000) {
		if c.Country != "VN" {
			continue
		}
		vn++
		hasAccent := false
		for _, r := range c.Name {
			if r > unicode.MaxASCII {
				hasAccent = true
				letters[unicode.ToLower(r)] = true
			}
		}
		if hasAccent {
			accented++
		}
		if !strings.Contains(c.Address, "Vietnam") || !strings.Contains(c.Address, "Phường") {
			t.Errorf("implausible Vietnamese address %q", c.Address)
		}
	}
	if vn == 0 {
		t.Fatal("no Vietnamese customers")
	}
	if share := float64(accented) / float64(vn); share < 0.9 {
		t.Errorf("only %.0f%% of Vietnamese names have diacritics", share*100)
	}
	for _, r := range "đươễ" {
		if !letters[r] {
			t.Errorf("Vietnamese names never use %q", r)
		}
	}
}

func TestAddressesMatchCountry(t *testing.T) {
	suffix := map[string]*regexp.Regexp{
		"VN": regexp.MustCompile(`, (?:TP\. [^,]+|Hà Nội), Vietnam$`),
		"IN": regexp.MustCompile(`, [A-Z][A-Za-z ]+ [1-9]\d{5}, India$`),
		"US": regexp.MustCompile(`, [A-Z]{2} \d{5}, USA$`),
		"DE": regexp.MustCompile(` \d+, \d{5} [^,]+, Germany$`),
		"FR": regexp.MustCompile(`, \d{5} [^,]+, France$`),
		"ES": regexp.MustCompile(`, \d+, \dº [A-D], \d{5} [^,]+, Spain$`),
		"IT": regexp.MustCompile(` \d+, \d{5} [^,]+ [A-Z]{2}, Italy$`),
		"PL": regexp.MustCompile(` \d+/\d+, \d{2}-\d{3} [^,]+, Poland$`),
	}
	for _, c := range demo.Customers(17, 1000) {
		if !suffix[c.Country].MatchString(c.Address) {
			t.Errorf("%s address %q has the wrong shape", c.Country, c.Address)
		}
	}
}

func TestCustomerData(t *testing.T) {
	c := demo.Customers(1, 1)[0]
	want := map[string]any{
		"email": c.Email, "phone": c.Phone, "name": c.Name,
		"address": c.Address, "birth_date": c.BirthDate,
	}
	if got := c.Data(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Data() = %v, want %v", got, want)
	}
	// Every key must be a field of the customers collection.
	fields := map[string]bool{}
	for _, f := range collection(t, "customers").Fields {
		fields[f.Name] = true
	}
	for k := range c.Data() {
		if !fields[k] {
			t.Errorf("Data() key %q is not a customers field", k)
		}
	}
	if len(c.Data()) != len(fields) {
		t.Errorf("Data() has %d keys, schema has %d fields", len(c.Data()), len(fields))
	}
}

var personalData = regexp.MustCompile(`@|\+?\d[\d .-]{6,}\d`)

func TestSupportNote(t *testing.T) {
	channels := map[string]bool{"web": true, "zalo": true, "facebook": true, "phone": true, "email": true}
	fields := map[string]bool{}
	for _, f := range collection(t, "support_notes").Fields {
		fields[f.Name] = true
	}
	names := demo.Customers(1, 200)
	seenChannel := map[string]bool{}
	var vietnamese, english int
	for i := range 500 {
		rec := demo.SupportNote(9, i, "c-42")
		if len(rec) != 2 || rec["subject"] != "c-42" {
			t.Fatalf("note %d: bad envelope %v", i, rec)
		}
		data, ok := rec["data"].(map[string]any)
		if !ok {
			t.Fatalf("note %d: data is %T", i, rec["data"])
		}
		for k := range data {
			if !fields[k] {
				t.Errorf("note %d: key %q is not a support_notes field", i, k)
			}
		}
		ch, _ := data["channel"].(string)
		if !channels[ch] {
			t.Errorf("note %d: bad channel %q", i, ch)
		}
		seenChannel[ch] = true
		if on, _ := data["opened_on"].(string); !isDate(on) {
			t.Errorf("note %d: bad opened_on %q", i, on)
		}
		note, _ := data["note"].(string)
		if note == "" || strings.Contains(note, "%") {
			t.Errorf("note %d: bad text %q", i, note)
		}
		checkText(t, note)
		if personalData.MatchString(note) {
			t.Errorf("note %d looks like it holds contact data: %q", i, note)
		}
		for _, c := range names {
			if strings.Contains(note, c.Name) {
				t.Errorf("note %d contains the name %q", i, c.Name)
			}
		}
		if strings.IndexFunc(note, func(r rune) bool { return r > unicode.MaxASCII }) >= 0 {
			vietnamese++
		} else {
			english++
		}
	}
	if len(seenChannel) != len(channels) {
		t.Errorf("channels used: %v", seenChannel)
	}
	if vietnamese == 0 || english == 0 {
		t.Errorf("want both languages, got %d Vietnamese and %d English", vietnamese, english)
	}
}

func isDate(s string) bool {
	d, err := time.Parse(time.DateOnly, s)
	return err == nil && d.Format(time.DateOnly) == s
}

type collectionDef struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Description string `json:"description"`
	Fields      []struct {
		Name     string   `json:"name"`
		Type     string   `json:"type"`
		Category string   `json:"category"`
		Purposes []string `json:"purposes"`
		Unique   bool     `json:"unique"`
		Indexed  bool     `json:"indexed"`
	} `json:"fields"`
}

func collections(t *testing.T) []collectionDef {
	t.Helper()
	var out []collectionDef
	for i, raw := range demo.Collections() {
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		var c collectionDef
		if err := dec.Decode(&c); err != nil {
			t.Fatalf("collection %d: %v", i, err)
		}
		out = append(out, c)
	}
	return out
}

func collection(t *testing.T, name string) collectionDef {
	t.Helper()
	for _, c := range collections(t) {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no collection %q", name)
	return collectionDef{}
}

func TestCollections(t *testing.T) {
	cs := collections(t)
	var got []string
	for _, c := range cs {
		got = append(got, c.Name+"/"+c.Kind)
		if c.Description == "" || len(c.Fields) == 0 {
			t.Errorf("%s: missing description or fields", c.Name)
		}
		for _, f := range c.Fields {
			if f.Name == "" || f.Type == "" || f.Category == "" || len(f.Purposes) == 0 {
				t.Errorf("%s: incomplete field %+v", c.Name, f)
			}
		}
	}
	if want := []string{"customers/persons", "support_notes/data"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("collections %v, want %v", got, want)
	}
	types := map[string]string{}
	for _, f := range cs[0].Fields {
		types[f.Name] = f.Type
	}
	want := map[string]string{"email": "email", "phone": "phone", "name": "name", "address": "address", "birth_date": "date"}
	if !reflect.DeepEqual(types, want) {
		t.Errorf("customers field types %v, want %v", types, want)
	}
	// Callers get their own copies.
	demo.Collections()[0][0] = 'X'
	if demo.Collections()[0][0] == 'X' {
		t.Error("Collections returns shared memory")
	}
}

func TestCategoriesExistInFideslang(t *testing.T) {
	f, err := os.Open("../../../shared/reference/fideslang/data_categories.csv")
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("fideslang reference CSV not present")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	key, ok := col["fides_key"]
	if !ok {
		t.Fatal("CSV has no fides_key column")
	}
	deprecated, hasDeprecated := col["version_deprecated"]
	known := map[string]bool{}
	for _, row := range rows[1:] {
		known[row[key]] = !hasDeprecated || row[deprecated] == ""
	}
	for _, c := range collections(t) {
		for _, fld := range c.Fields {
			active, ok := known[fld.Category]
			switch {
			case !ok:
				t.Errorf("%s.%s: category %q not in fideslang", c.Name, fld.Name, fld.Category)
			case !active:
				t.Errorf("%s.%s: category %q is deprecated", c.Name, fld.Name, fld.Category)
			}
		}
	}
}
