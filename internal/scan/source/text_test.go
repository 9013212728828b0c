package source

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func TestText(t *testing.T) {
	for _, tc := range []struct {
		name    string
		file    string
		content []byte
		opts    Options
		want    []cell
	}{
		{
			name:    "lines, blank lines, CRLF, no final newline",
			file:    "notes.txt",
			content: []byte("first\r\n\r\n   \n\tsecond  \nthird"),
			want:    []cell{{1, "", "", "first"}, {4, "", "", "second"}, {5, "", "", "third"}},
		},
		{
			name:    "a long line is split at spaces, keeping its number",
			file:    "app.log",
			content: []byte("short\n" + strings.Repeat("word ", 8) + "\nend\n"),
			opts:    Options{MaxLineBytes: 16},
			want: []cell{
				{1, "", "", "short"}, {2, "", "", "word word word"}, {2, "", "", "word word word"},
				{2, "", "", "word word"}, {3, "", "", "end"},
			},
		},
		{
			name:    "a long line is never split inside a character",
			file:    "vi.md",
			content: []byte(strings.Repeat("ệ", 12)),
			opts:    Options{MaxLineBytes: 16},
			want:    []cell{{1, "", "", strings.Repeat("ệ", 5)}, {1, "", "", strings.Repeat("ệ", 5)}, {1, "", "", strings.Repeat("ệ", 2)}},
		},
		{
			name:    "UTF-16BE text",
			file:    "u16.txt",
			content: mustEncode(t, "Xin chào\nĐà Nẵng\n", unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder()),
			want:    []cell{{1, "", "", "Xin chào"}, {2, "", "", "Đà Nẵng"}},
		},
		{
			name:    "UTF-16LE text without a byte order mark",
			file:    "u16le.txt",
			content: mustEncode(t, "Khách hàng: Nguyễn Văn An\nSĐT: 0912 345 678\n", unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder()),
			want:    []cell{{1, "", "", "Khách hàng: Nguyễn Văn An"}, {2, "", "", "SĐT: 0912 345 678"}},
		},
		{
			name:    "UTF-16BE text without a byte order mark",
			file:    "u16be",
			content: mustEncode(t, "Customer: John Smith\nPhone: +1 415 555 0132\n", unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewEncoder()),
			want:    []cell{{1, "", "", "Customer: John Smith"}, {2, "", "", "Phone: +1 415 555 0132"}},
		},
		{
			name:    "a stray NUL does not make a log binary",
			file:    "app.log",
			content: []byte(strings.Repeat("login ok for an@example.com\n", 10) + "\x00\n" + "last line\n"),
			want: append(slices.Repeat([]cell{{0, "", "", "login ok for an@example.com"}}, 10),
				cell{11, "", "", "\x00"}, cell{12, "", "", "last line"}),
		},
		{
			name:    "Windows-1258 text of unknown kind",
			file:    "legacy",
			content: mustEncode(t, "Đi\u0323a chi\u0309: 12 Lê Lơ\u0323i\n", charmap.Windows1258.NewEncoder()),
			want:    []cell{{1, "", "", "Địa chỉ: 12 Lê Lợi"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := scanFile(t, tc.file, tc.content, tc.opts)
			for i := range tc.want {
				if tc.want[i].Line == 0 {
					tc.want[i].Line = i + 1
				}
			}
			if got := cells(g.units); !slices.Equal(got, tc.want) || len(g.errs) > 0 {
				t.Errorf("units\n got %+v\nwant %+v\nerrors %v", got, tc.want, g.errs)
			}
		})
	}
}

// mustEncode returns s in an encoding.
func mustEncode(t *testing.T, s string, enc interface{ Bytes([]byte) ([]byte, error) }) []byte {
	t.Helper()
	return encode(t, s, enc)
}

func TestCutPoint(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want int
	}{
		{"short", 16, 5},
		{strings.Repeat("x", 20), 16, 16},
		{"aaaaaaaaaaaaa bbbbbb", 16, 16}, // the space is before the last eighth (2 bytes)
		{"aaaaaaaaaaaaaa bbbb", 16, 15},  // a space just before the cut
		{"aaaaaaaaaaaaaaaệ", 16, 15},     // "ệ" straddles the cut
		{"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 16, 16},
		{"ệệệệệệ", 4, 3},
		{strings.Repeat("x", 100) + " 0912 345 678 tail", 112, 101}, // not inside the phone's digit groups
		{strings.Repeat("x", 60) + " 4111 1111 1111 1111", 64, 61},
		{strings.Repeat("1", 60) + " 2 3 4", 64, 63}, // only spaces between digits: the last one
	} {
		if got := cutPoint([]byte(tc.in), tc.max); got != tc.want {
			t.Errorf("cutPoint(%q, %d) = %d, want %d", tc.in, tc.max, got, tc.want)
		}
	}
}

func TestDetectEncoding(t *testing.T) {
	for _, tc := range []struct {
		name string
		head []byte
		want textEncoding
	}{
		{"ASCII", []byte("plain"), encUTF8},
		{"UTF-8", []byte("Nguyễn Văn An"), encUTF8},
		{"UTF-8 cut mid-rune by the window", []byte("Nguyễn")[:6], encUTF8},
		{"UTF-8 BOM", []byte("\xef\xbb\xbfx"), encUTF8BOM},
		{"UTF-16LE", []byte("\xff\xfex\x00"), encUTF16LE},
		{"UTF-16BE", []byte("\xfe\xff\x00x"), encUTF16BE},
		{"Windows-1258", mustEncode(t, "Ho\u0323 tên;SĐT", charmap.Windows1258.NewEncoder()), encWindows1258},
		{"Windows-1258 without tone marks", mustEncode(t, "Đươ\u0300ng Ưu Đàm", charmap.Windows1258.NewEncoder()), encWindows1258},
		{"Windows-1252 German", mustEncode(t, "Müller, Straße", charmap.Windows1252.NewEncoder()), encWindows1252},
		{"Windows-1252 Portuguese", mustEncode(t, "João, informações", charmap.Windows1252.NewEncoder()), encWindows1252},
		{"Windows-1252 Italian", mustEncode(t, "però", charmap.Windows1252.NewEncoder()), encWindows1252},
		{"Windows-1252 French", mustEncode(t, "café", charmap.Windows1252.NewEncoder()), encWindows1252},
	} {
		complete := !strings.Contains(tc.name, "window")
		if got := detectEncoding(tc.head, complete); got != tc.want {
			t.Errorf("%s: detectEncoding(%q) = %v, want %v", tc.name, tc.head, got, tc.want)
		}
	}
}

func TestChooseFormat(t *testing.T) {
	utf16 := mustEncode(t, "a,b\n", unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder())
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(i*7919>>3) | 0x80
	}
	for _, tc := range []struct {
		name   string
		head   []byte
		want   format
		wantOK bool
	}{
		{"a.CSV", utf16, formatCSV, true},
		{"a.tsv", []byte("\x00\x01"), formatTSV, true},
		{"a.JSON", []byte("{}"), formatJSON, true},
		{"a.jsonl", nil, formatNDJSON, true},
		{"a.htm", nil, formatHTML, true},
		{"a.txt", []byte("hello"), formatText, true},
		{"a.txt", []byte("hel\x00lo"), 0, false},
		{"a.log", append(bytes.Repeat([]byte("a line of text\n"), 20), 0), formatText, true},
		{"a.txt", mustEncode(t, "no byte order mark here, just text", unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder()), formatText, true},
		{"a.txt", utf16, formatText, true},
		{"a.bin", random, 0, false},
		{"a.bin", bytes.Repeat([]byte{1, 2, 3, 'a'}, 100), 0, false},
		{"page", []byte("\n  <!DOCTYPE HTML><html>"), formatHTML, true},
		{"page.txt", []byte("<html>"), formatText, true},
		{"README", []byte("# readme"), formatText, true},
		// A container under a text name is read for what it is.
		{"customers.csv", []byte("PK\x03\x04\x14\x00"), formatZIP, true},
		{"export.html", []byte("PK\x03\x04"), formatZIP, true},
		{"data.json", []byte("%PDF-1.7"), formatPDF, true},
		{"old.tsv", oleMagic, formatOLE, true},
		{"book.xlsx", []byte("PK\x03\x04"), formatXLSX, true},
	} {
		got, ok := chooseFormat(tc.name, tc.head)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("chooseFormat(%q, %q) = %v %v, want %v %v", tc.name, tc.head[:min(len(tc.head), 16)], got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestLineReaderPieces(t *testing.T) {
	// Every piece fits the cap and is valid UTF-8 when the input is;
	// joined back they give the input's lines.
	input := strings.Repeat("Nguyễn Văn An 0912345678 ", 40) + "\n\nend"
	s := &sink{maxLine: 32}
	lr := s.lineReader(strings.NewReader(input))
	var lines []string
	var cur strings.Builder
	for {
		piece, _, more, err := lr.next()
		if err != nil {
			break
		}
		if len(piece) > 32 || !utf8.Valid(piece) {
			t.Fatalf("piece %q", piece)
		}
		cur.Write(piece)
		if !more {
			lines = append(lines, cur.String())
			cur.Reset()
		}
	}
	if want := strings.Split(input, "\n"); !slices.Equal(lines, want) {
		t.Errorf("lines %q, want %q", lines, want)
	}
}
