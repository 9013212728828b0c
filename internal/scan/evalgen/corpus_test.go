package evalgen

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

func TestCorpusSize(t *testing.T) {
	for _, n := range []int{4 << 10, 100 << 10, 1 << 20, 8 << 20} {
		c := Corpus(1, n)
		if len(c) > n || float64(len(c)) < 0.95*float64(n) {
			t.Errorf("Corpus(1, %d) is %d bytes, want within 5%% below", n, len(c))
		}
		if !utf8.Valid(c) {
			t.Errorf("Corpus(1, %d) is not valid UTF-8", n)
		}
	}
	if c := Corpus(1, 0); len(c) != 0 {
		t.Errorf("Corpus(1, 0) is %d bytes", len(c))
	}
}

func TestCorpusIsDeterministic(t *testing.T) {
	tests := []struct {
		name string
		a, b []byte
		same bool
	}{
		{"same seed", Corpus(5, 1<<20), Corpus(5, 1<<20), true},
		{"other seed", Corpus(5, 1<<20), Corpus(6, 1<<20), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bytes.Equal(tt.a, tt.b); got != tt.same {
				t.Errorf("equal = %v, want %v", got, tt.same)
			}
		})
	}
}

func TestCorpusMix(t *testing.T) {
	c := Corpus(2, 4<<20)
	for _, want := range []string{"Họ tên,SĐT,Email,CCCD", "Full name,Phone,Email,SSN", "Mã đơn hàng,", "Invoice no,", "Aadhaar", "timestamp,user,ip",
		"@gmail.com", "\n\n"} {
		if !bytes.Contains(c, []byte(want)) {
			t.Errorf("corpus lacks %q", want)
		}
	}
}

func BenchmarkCorpus(b *testing.B) {
	const n = 64 << 20
	b.SetBytes(n)
	for b.Loop() {
		Corpus(1, n)
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		Generate(1, 100)
	}
}
