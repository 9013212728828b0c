package importer_test

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"custodia/internal/importer"
)

func TestParseMapping(t *testing.T) {
	good := map[string]importer.Mapping{
		"Họ tên=name,SĐT=phone,Email=email":   {"Họ tên": "name", "SĐT": "phone", "Email": "email"},
		" First Name = name , Last Name=name": {"First Name": "name", "Last Name": "name"},
		`"Name, full"=name,Ghi chú=-`:         {"Name, full": "name", "Ghi chú": "-"},
		`"Say ""hi"""=greeting,`:              {`Say "hi"`: "greeting"},
		"a=b=c":                               {"a=b": "c"},
	}
	for in, want := range good {
		got, err := importer.ParseMapping(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseMapping(%q) = %v, %v; want %v", in, got, err, want)
		}
		back, err := importer.ParseMapping(got.String())
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Errorf("String round trip of %q: %v %v", in, back, err)
		}
	}
	for _, in := range []string{"", ",", "Email", "=email", "Email=", "Email=e mail", "Email=1x", "A=a,A=b", `"unterminated=x`, `"A" x=a`, strings.Repeat("x", 200) + "=a"} {
		if m, err := importer.ParseMapping(in); err == nil {
			t.Errorf("ParseMapping(%q) = %v, want an error", in, m)
		}
	}
}

// FuzzParseMapping: any input parses or fails cleanly; what parses has
// valid headers and fields, and its String form parses back to it.
func FuzzParseMapping(f *testing.F) {
	for _, s := range []string{"Họ tên=name,SĐT=phone,Email=email", `"Name, full"=name,x=-`, "a=b", `""=x`, `"a""b"=c`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := importer.ParseMapping(s)
		if err != nil {
			if strings.Contains(err.Error(), s) && len(s) > 3 {
				t.Fatalf("error quotes the input: %v", err)
			}
			return
		}
		if len(m) == 0 {
			t.Fatal("empty mapping without an error")
		}
		for h, field := range m {
			if h == "" || strings.TrimSpace(h) != h || len(h) > 128 || !utf8.ValidString(h) {
				t.Fatalf("bad header %q", h)
			}
			if field == "" {
				t.Fatalf("empty field for %q", h)
			}
		}
		back, err := importer.ParseMapping(m.String())
		if err != nil || !reflect.DeepEqual(back, m) {
			t.Fatalf("round trip of %q via %q: %v %v", s, m.String(), back, err)
		}
	})
}
