package source

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// encode returns s in an encoding, failing the test on runes it lacks.
func encode(t *testing.T, s string, enc interface {
	Bytes([]byte) ([]byte, error)
}) []byte {
	t.Helper()
	b, err := enc.Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

func TestCSV(t *testing.T) {
	utf16 := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder()
	// Windows-1258 has no "ọ" or "ễ": they are a base letter and a
	// combining tone mark, which the reader composes back (NFC).
	cp1258 := charmap.Windows1258.NewEncoder()
	for _, tc := range []struct {
		name    string
		file    string
		content []byte
		opts    Options
		want    []cell
		errs    []string // substrings of the reasons, in order
	}{
		{
			name:    "semicolons and a UTF-8 BOM",
			file:    "danh-ba.csv",
			content: []byte("\xef\xbb\xbfHọ tên;Email;SĐT\r\nNguyễn Văn An;an@example.com;0912 345 678\r\nTrần Thị Bình;binh@example.vn;0987654321\r\n"),
			want: []cell{
				{2, "Họ tên", "Họ tên", "Nguyễn Văn An"}, {2, "Email", "Email", "an@example.com"}, {2, "SĐT", "SĐT", "0912 345 678"},
				{3, "Họ tên", "Họ tên", "Trần Thị Bình"}, {3, "Email", "Email", "binh@example.vn"}, {3, "SĐT", "SĐT", "0987654321"},
			},
		},
		{
			name:    "UTF-16LE with a BOM, tab-separated as Excel saves it",
			file:    "export.csv",
			content: encode(t, "Họ tên\tSĐT\r\nNguyễn Văn An\t0912345678\r\n", utf16),
			want:    []cell{{2, "Họ tên", "Họ tên", "Nguyễn Văn An"}, {2, "SĐT", "SĐT", "0912345678"}},
		},
		{
			name:    "Windows-1258 with Vietnamese headers",
			file:    "cp1258.csv",
			content: encode(t, "Ho\u0323 tên;SĐT\r\nNguyê\u0303n Văn An;0912345678\r\n", cp1258),
			want:    []cell{{2, "Họ tên", "Họ tên", "Nguyễn Văn An"}, {2, "SĐT", "SĐT", "0912345678"}},
		},
		{
			name:    "Windows-1252",
			file:    "west.csv",
			content: encode(t, "Name,Straße\nJürgen,Münchner Straße 1\nJosé,Calle Año 2\n", charmap.Windows1252.NewEncoder()),
			want: []cell{
				{1, "", "", "Name"}, {1, "", "", "Straße"},
				{2, "Name", "Name", "Jürgen"}, {2, "Straße", "Straße", "Münchner Straße 1"},
				{3, "Name", "Name", "José"}, {3, "Straße", "Straße", "Calle Año 2"},
			},
		},
		{
			name:    "a title row above the header",
			file:    "bao-cao.csv",
			content: []byte("Danh sách khách hàng tháng 3,,\nHọ tên,SĐT,Email\nNguyễn Văn An,0912345678,an@example.com\nTrần Thị Bình,0987654321,binh@example.vn\n"),
			want: []cell{
				{1, "", "", "Danh sách khách hàng tháng 3"},
				{3, "Họ tên", "Họ tên", "Nguyễn Văn An"}, {3, "SĐT", "SĐT", "0912345678"}, {3, "Email", "Email", "an@example.com"},
				{4, "Họ tên", "Họ tên", "Trần Thị Bình"}, {4, "SĐT", "SĐT", "0987654321"}, {4, "Email", "Email", "binh@example.vn"},
			},
		},
		{
			name:    "a title, a blank line, then the header",
			file:    "bao-cao-11.csv",
			content: []byte("DANH SÁCH KHÁCH HÀNG THÁNG 11/2026,,,\n,,,\nSTT,Họ tên,SĐT,Email\n1,Nguyễn Văn An,0912345678,an@example.com\n2,Trần Thị Bình,0987654321,binh@example.vn\n"),
			want: []cell{
				{1, "", "", "DANH SÁCH KHÁCH HÀNG THÁNG 11/2026"},
				{4, "STT", "STT", "1"}, {4, "Họ tên", "Họ tên", "Nguyễn Văn An"}, {4, "SĐT", "SĐT", "0912345678"}, {4, "Email", "Email", "an@example.com"},
				{5, "STT", "STT", "2"}, {5, "Họ tên", "Họ tên", "Trần Thị Bình"}, {5, "SĐT", "SĐT", "0987654321"}, {5, "Email", "Email", "binh@example.vn"},
			},
		},
		{
			name:    "two title rows, one with a date",
			file:    "bao-cao-2.csv",
			content: []byte("Báo cáo khách hàng,,\nXuất ngày 15/03/2024,,\nHọ tên,Ngày sinh,SĐT\nNguyễn Văn An,01/02/1970,0912345678\nTrần Thị Bình,03/04/1971,0987654321\n"),
			want: []cell{
				{1, "", "", "Báo cáo khách hàng"}, {2, "", "", "Xuất ngày 15/03/2024"},
				{4, "Họ tên", "Họ tên", "Nguyễn Văn An"}, {4, "Ngày sinh", "Ngày sinh", "01/02/1970"}, {4, "SĐT", "SĐT", "0912345678"},
				{5, "Họ tên", "Họ tên", "Trần Thị Bình"}, {5, "Ngày sinh", "Ngày sinh", "03/04/1971"}, {5, "SĐT", "SĐT", "0987654321"},
			},
		},
		{
			name:    "a one-column list keeps its header",
			file:    "emails.csv",
			content: []byte("email\nan@example.com\nbinh@example.vn\n"),
			want:    []cell{{2, "email", "email", "an@example.com"}, {3, "email", "email", "binh@example.vn"}},
		},
		{
			name:    "TSV",
			file:    "people.tsv",
			content: []byte("name\tphone\nAn\t0912345678\nBình\t0987654321\n"),
			want: []cell{
				{2, "name", "name", "An"}, {2, "phone", "phone", "0912345678"},
				{3, "name", "name", "Bình"}, {3, "phone", "phone", "0987654321"},
			},
		},
		{
			name:    "pipes",
			file:    "p.csv",
			content: []byte("id|email\n1|a@example.com\n2|b@example.com\n"),
			want: []cell{
				{2, "id", "id", "1"}, {2, "email", "email", "a@example.com"},
				{3, "id", "id", "2"}, {3, "email", "email", "b@example.com"},
			},
		},
		{
			name:    "ragged rows",
			file:    "ragged.csv",
			content: []byte("a,b\n1,2,3\nx\n\n,,\n"),
			want:    []cell{{2, "a", "a", "1"}, {2, "b", "b", "2"}, {2, "", "", "3"}, {3, "a", "a", "x"}},
		},
		{
			name:    "bare quotes",
			file:    "quotes.csv",
			content: []byte("name,phone,note\nAn,0912345678,say \"hi\" now\nBình,0987654321,5\" screen\n"),
			want: []cell{
				{2, "name", "name", "An"}, {2, "phone", "phone", "0912345678"}, {2, "note", "note", `say "hi" now`},
				{3, "name", "name", "Bình"}, {3, "phone", "phone", "0987654321"}, {3, "note", "note", `5" screen`},
			},
		},
		{
			name:    "a quoted field over two lines; a header that may be data is scanned too",
			file:    "multi.csv",
			content: []byte("name,address\n\"An\",\"12 Lê Lợi\nQuận 1\"\nBình,3 Hai Bà Trưng\n"),
			want: []cell{
				{1, "", "", "name"}, {1, "", "", "address"},
				{2, "name", "name", "An"}, {2, "address", "address", "12 Lê Lợi\nQuận 1"},
				{4, "name", "name", "Bình"}, {4, "address", "address", "3 Hai Bà Trưng"},
			},
		},
		{
			name:    "no header",
			file:    "nohead.csv",
			content: []byte("0912345678,an@example.com\n0987654321,binh@example.com\n"),
			want: []cell{
				{1, "", "", "0912345678"}, {1, "", "", "an@example.com"},
				{2, "", "", "0987654321"}, {2, "", "", "binh@example.com"},
			},
		},
		{
			name:    "decimal commas do not fool the delimiter",
			file:    "amounts.csv",
			content: []byte("khách;số tiền\nAn;1,5\nBình;2,75\n"),
			want:    []cell{{2, "khách", "khách", "An"}, {2, "số tiền", "số tiền", "1,5"}, {3, "khách", "khách", "Bình"}, {3, "số tiền", "số tiền", "2,75"}},
		},
		{
			name:    "a long cell is split, a record over the cap ends the file",
			file:    "long.csv",
			content: []byte("phone,note\n0912345678,aaaa bbbb cccc dddd eeee\n0987654321,\"" + strings.Repeat("z", 100) + "\"\n0900000000,after\n"),
			opts:    Options{MaxLineBytes: 16},
			want: []cell{
				{2, "phone", "phone", "0912345678"}, {2, "note", "note", "aaaa bbbb cccc"}, {2, "note", "note", "dddd eeee"},
			},
			errs: []string{"record after line 2 longer than 64 bytes"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := scanFile(t, tc.file, tc.content, tc.opts)
			if got := cells(g.units); !slices.Equal(got, tc.want) {
				t.Errorf("units\n got %+v\nwant %+v", got, tc.want)
			}
			if len(g.errs) != len(tc.errs) {
				t.Fatalf("errors %v, want %q", g.errs, tc.errs)
			}
			for i, e := range g.errs {
				if e.Path != tc.file || !strings.Contains(e.Reason, tc.errs[i]) {
					t.Errorf("error %v, want %q", e, tc.errs[i])
				}
			}
		})
	}
}

func TestDetectDelimiter(t *testing.T) {
	for _, tc := range []struct {
		head     string
		complete bool
		want     byte
	}{
		{"a,b,c\n1,2,3\n", true, ','},
		{"a;b;c\n1;2;3\n", true, ';'},
		{"a\tb\n1\t2\n", true, '\t'},
		{"a|b\n1|2\n", true, '|'},
		{"name;note\nAn;\"x, y, z\"\nB;\"p, q\"\n", true, ';'},
		{"single", true, ','},
		{"a;b\n1;2\n3;4,5,6,7,8,9,10", false, ';'}, // the cut last line is ignored
	} {
		if got := detectDelimiter([]byte(tc.head), tc.complete, []byte{',', ';', '\t', '|'}); got != tc.want {
			t.Errorf("detectDelimiter(%q) = %q, want %q", tc.head, got, tc.want)
		}
	}
}

func TestJudgeHeader(t *testing.T) {
	rows := func(s string) [][]string {
		var out [][]string
		for _, l := range strings.Split(s, "\n") {
			out = append(out, strings.Split(l, ","))
		}
		return out
	}
	for _, tc := range []struct {
		name string
		rows string
		want headerKind
	}{
		{"numbers under names", "name,phone\nAn,0912345678\nBình,0987654321", headerSure},
		{"addresses under a name", "Email\na@x.vn\nb@y.vn", headerSure},
		{"fixed-width codes", "code,city\nAB12CD,Huế\nXY98ZZ,Hà Nội", headerSure},
		{"text only", "name,city\nAn,Huế\nBình,Hà Nội", headerSoft},
		{"digits in the first row", "0912345678,An\n0987654321,Bình", headerNone},
		{"repeated names", "x,x\n1,2", headerNone},
		{"the name recurs as a value", "An,Huế\nAn,Đà Nẵng", headerNone},
		{"a single row", "name,phone", headerNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rows(tc.rows)
			if got := judgeHeader(r[0], r[1:]); got != tc.want {
				t.Errorf("judgeHeader = %d, want %d", got, tc.want)
			}
		})
	}
}
