package scanrun

import (
	"bytes"
	"testing"

	"custodia/internal/scan/detect"
)

// FuzzRedactLine feeds arbitrary lines to the line redactor in each of its
// modes (text, CSV with a header under title rows, JSON judged by key,
// WhatsApp): it must not panic, must keep the line when it finds nothing,
// and must only ever replace whole spans with placeholders.
func FuzzRedactLine(f *testing.F) {
	for _, s := range []string{
		`{"from": "Lan", "text": "số 0912 345 678"}`,
		`  "name": "Nguy\u1ec5n V\u0103n An",`,
		`"a":"b":"c"`, `"unterminated`, `"\\"`, `:"x"`,
		"1,Trần Thị Bình,\"45 Hai Bà Trưng, Hà Nội\",0912345678",
		"\"quoted cell\nthat runs on", "12/03/2024, 09:15 - Lan: 0912 345 678",
		"", "\n", "\r\n", "\xff\xfe", "a,\"b\"\"c\",d",
	} {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(1))
		f.Add([]byte(s), uint8(2))
		f.Add([]byte(s), uint8(3))
	}
	det := detect.New(detect.Options{MinConfidence: 0.5})
	f.Fuzz(func(t *testing.T, line []byte, mode uint8) {
		lr := &lineRedactor{det: det, headerAt: -1}
		switch mode % 4 {
		case 1:
			lr.delim, lr.header, lr.headerAt = ',', []string{"STT", "Họ tên", "SĐT"}, 1
		case 2:
			lr.json = "telegram-json"
			line = unescapeJSONStrings(nil, line, mode&4 != 0)
		case 3:
			lr.chat = true
		}
		in := bytes.Clone(line)
		out := lr.redact(line, false)
		if lr.n == 0 && !bytes.Equal(out, in) {
			t.Fatalf("nothing replaced, yet %q became %q", in, out)
		}
		if lr.n > 0 && bytes.Count(out, []byte("[")) < lr.n {
			t.Fatalf("%d values replaced, %q has fewer placeholders", lr.n, out)
		}
	})
}
