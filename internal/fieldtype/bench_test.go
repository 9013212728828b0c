package fieldtype

import "testing"

func BenchmarkNormalizePhone(b *testing.B) {
	inputs := []struct {
		s    string
		opts Options
	}{
		{"0912 345 678", Options{DefaultRegion: "VN"}},
		{"+91 98765 43210", Options{}},
		{"(650) 253-0000", Options{DefaultRegion: "US"}},
		{"+49 1512 3456789", Options{}},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		in := inputs[i%len(inputs)]
		if _, err := Phone.Normalize(in.s, in.opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNormalizeEmail(b *testing.B) {
	inputs := []string{"alice@example.com", "Alice.Smith+News@Mail.Example.CO.UK", "nguyễn.an@ví-dụ.vn"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Email.Normalize(inputs[i%len(inputs)], Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNormalizePhoneVN normalizes Vietnamese mobile numbers only, the
// common case the fast path serves.
func BenchmarkNormalizePhoneVN(b *testing.B) {
	inputs := []string{"0912 345 678", "0389123456", "+84 977 123 456", "086-555-1234"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Phone.Normalize(inputs[i%len(inputs)], Options{DefaultRegion: "VN"}); err != nil {
			b.Fatal(err)
		}
	}
}
