package fieldtype

import (
	"errors"
	"strings"
	"testing"
)

// fuzzOptions are the option sets FuzzNormalize cycles through.
var fuzzOptions = []Options{
	{},
	{DefaultRegion: "VN"},
	{DefaultRegion: "US", Format: FormatUSSSN},
	{DefaultRegion: "IN", Format: FormatINAadhaar},
	{DefaultRegion: "DE", Format: FormatINPAN},
	{Format: FormatVNCCCD},
	{Format: FormatVNCMND},
}

// FuzzNormalize checks, for any type and string input, that Normalize does
// not panic, that it is idempotent, that errors are catalogue entries that
// never contain the input, and that Mask and Decode accept its output.
func FuzzNormalize(f *testing.F) {
	types := Known()
	for i := range types {
		for _, s := range []string{"", " ", "x", "Nguyễn Văn An"} {
			f.Add(uint8(i), s)
		}
	}
	f.Fuzz(func(t *testing.T, idx uint8, in string) {
		typ := types[int(idx)%len(types)]
		opts := fuzzOptions[(int(idx)/len(types))%len(fuzzOptions)]
		out, err := typ.Normalize(in, opts)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("%s: error %T %v is not *Error", typ, err, err)
			}
			if !inCatalogue(fe) {
				t.Fatalf("%s: error %q is not in the catalogue", typ, fe.Error())
			}
			if out != "" {
				t.Fatalf("%s: output %q returned with an error", typ, out)
			}
			if len(in) > 3 && strings.Contains(fe.Error(), in) && !catalogueMentions(in) {
				t.Fatalf("%s: error %q contains the input %q", typ, fe.Error(), in)
			}
			return
		}
		again, err := typ.Normalize(typ.Decode(out), opts)
		if err != nil {
			t.Fatalf("%s: Normalize(%q) = %q, which is rejected: %v", typ, in, out, err)
		}
		if again != out {
			t.Fatalf("%s: not idempotent: %q -> %q -> %q", typ, in, out, again)
		}
		_ = typ.Mask(out)
	})
}

// FuzzPhoneFastPath checks that every number the phone fast path takes,
// the parser takes too and formats the same.
func FuzzPhoneFastPath(f *testing.F) {
	for _, s := range []string{"0912345678", "+84 912 345 678", "091-234-5678", "0389.123.456", "+84912345678", "0121 234 5678"} {
		f.Add(s, "VN")
	}
	f.Fuzz(func(t *testing.T, s, region string) {
		fast, ok := vnMobileE164(s, region)
		if !ok {
			return
		}
		if slow, valid := slowPhone(s, region); !valid || slow != fast {
			t.Fatalf("%q in %q: fast path %q, parser %q (valid %v)", s, region, fast, slow, valid)
		}
	})
}
