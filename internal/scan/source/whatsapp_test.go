package source

import (
	"slices"
	"testing"
)

// WhatsApp exports in the three date styles: Android in US English,
// iOS, and Android in German.
const (
	whatsAppAndroidUS = "12/31/20, 9:38 PM - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.\n" +
		"12/31/20, 9:41 PM - Nguyễn Văn An: Chúc mừng năm mới!\n" +
		"12/31/20, 9:42 PM - Trần Thị Bình: Số mới của mình: 0912 345 678\n" +
		"nhớ lưu nhé\n" +
		"\n" +
		"12/31/20, 9:43 PM - Nguyễn Văn An: <Media omitted>\n" +
		"1/1/21, 12:01\u202fAM - +84 98 765 43 21: Happy new year\n" +
		"1/1/21, 12:02 AM - Nguyễn Văn An added ~\u202fLê Văn Cường\n"
	whatsAppIOS = "\ufeff[31/12/2020, 21:41:05] Gia đình: \u200eMessages and calls are end-to-end encrypted.\r\n" +
		"[31/12/2020, 21:41:05] Nguyễn Văn An: Chào cả nhà\r\n" +
		"[31/12/2020, 21:42:10] Trần Thị Bình: \u200eimage omitted\r\n" +
		"[31/12/2020, 21:43:00] ~\u202fLê Văn Cường: Email mình là cuong@example.com\r\n" +
		"và số 0987 654 321\r\n" +
		"\u200e[31/12/2020, 21:44:00] Nguyễn Văn An: \u200e<attached: 00000012-PHOTO-2020-12-31-21-44-00.jpg>\r\n"
	whatsAppGerman = "31.12.20, 21:40 - Nguyễn Văn An hat die Gruppe \u201eFamilie\u201c erstellt\n" +
		"31.12.20, 21:41 - An: Hallo\n" +
		"zweite Zeile\n" +
		"dritte Zeile: mit Doppelpunkt\n" +
		"31.12.20, 21:42 - Bình: Tschüss"
)

func TestWhatsApp(t *testing.T) {
	for _, tc := range []struct {
		name, file, content string
		want                []cell
	}{
		{
			name: "Android, US dates, AM/PM", file: "WhatsApp Chat with Nguyễn Văn An.txt", content: whatsAppAndroidUS,
			want: []cell{
				{1, "message", "", "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more."},
				{2, "sender", "sender name", "Nguyễn Văn An"},
				{2, "message", "", "Chúc mừng năm mới!"},
				{3, "sender", "sender name", "Trần Thị Bình"},
				{3, "message", "", "Số mới của mình: 0912 345 678"},
				{4, "message", "", "nhớ lưu nhé"},
				{6, "sender", "sender name", "Nguyễn Văn An"},
				{7, "sender", "sender name", "+84 98 765 43 21"},
				{7, "message", "", "Happy new year"},
				{8, "message", "", "Nguyễn Văn An added ~\u202fLê Văn Cường"},
			},
		},
		{
			name: "iOS, bracketed dates, marks and attachments", file: "_chat.txt", content: whatsAppIOS,
			want: []cell{
				{1, "sender", "sender name", "Gia đình"},
				{1, "message", "", "Messages and calls are end-to-end encrypted."},
				{2, "sender", "sender name", "Nguyễn Văn An"},
				{2, "message", "", "Chào cả nhà"},
				{3, "sender", "sender name", "Trần Thị Bình"},
				{4, "sender", "sender name", "Lê Văn Cường"},
				{4, "message", "", "Email mình là cuong@example.com"},
				{5, "message", "", "và số 0987 654 321"},
				{6, "sender", "sender name", "Nguyễn Văn An"},
			},
		},
		{
			name: "Android, German dates, no extension", file: "chat", content: whatsAppGerman,
			want: []cell{
				{1, "message", "", "Nguyễn Văn An hat die Gruppe \u201eFamilie\u201c erstellt"},
				{2, "sender", "sender name", "An"},
				{2, "message", "", "Hallo"},
				{3, "message", "", "zweite Zeile"},
				{4, "message", "", "dritte Zeile: mit Doppelpunkt"},
				{5, "sender", "sender name", "Bình"},
				{5, "message", "", "Tschüss"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := scanFile(t, tc.file, []byte(tc.content), Options{})
			if len(g.errs) > 0 {
				t.Errorf("errors: %v", g.errs)
			}
			if got := cells(g.units); !slices.Equal(got, tc.want) {
				t.Errorf("units\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestWhatsAppLongLine(t *testing.T) {
	content := "12/31/20, 9:41 PM - An: aaaa bbbb cccc dddd eeee ffff\n12/31/20, 9:42 PM - Bình: ok\n"
	g := scanFile(t, "chat.txt", []byte(content), Options{MaxLineBytes: 32})
	want := []cell{
		{1, "sender", "sender name", "An"},
		{1, "message", "", "aaaa"},
		{1, "message", "", "bbbb cccc dddd eeee ffff"},
		{2, "sender", "sender name", "Bình"},
		{2, "message", "", "ok"},
	}
	if got := cells(g.units); !slices.Equal(got, want) {
		t.Errorf("units\n got %+v\nwant %+v", got, want)
	}
}

func TestLooksWhatsApp(t *testing.T) {
	for _, tc := range []struct {
		name, head string
		want       bool
	}{
		{"android US", whatsAppAndroidUS, true},
		{"iOS", whatsAppIOS, true},
		{"german", whatsAppGerman, true},
		{"ISO dates in brackets", "[2020-12-31 21:41:05] An: hi\n[2020-12-31 21:42:05] Bình: chào\n", true},
		{"one message", "31/12/2020, 21:41 - An: hi", true},
		{"iOS, an attachment first", "\u200e[31/12/2020, 21:40:00] Jane Doe: \u200eimage omitted\n[31/12/2020, 21:41:00] Jane Doe: hi\n", true},
		{"byte order mark", "\ufeff31/12/2020, 21:41 - An: hi\n31/12/2020, 21:42 - Bình: chào\n", true},
		{"a log", "[2020-12-31 21:41:05] INFO: started\n[2020-12-31 21:41:06] ERROR: failed\n", false},
		{"a log with dashes", "2020-12-31 21:41:05,123 - root - INFO - started\n", false},
		{"prose", "Meeting notes\n12/31/20, 9:41 PM - An: hi\n", false},
		{"mostly prose", "12/31/20, 9:41 PM - An: hi\nnotes\nmore notes\nand more\n", false},
		{"a date that is no date", "13/13/20, 9:41 PM - An: hi\n", false},
		{"no time", "12/31/20 - An: hi\n", false},
		{"empty", "", false},
	} {
		if got := looksWhatsApp([]byte(tc.head)); got != tc.want {
			t.Errorf("%s: looksWhatsApp = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestParseWhatsAppPrefix(t *testing.T) {
	for _, tc := range []struct {
		line, rest string
		ok         bool
	}{
		{"12/31/20, 9:41 PM - An: hi", "An: hi", true},
		{"12/31/20, 9:41\u202fp.m. - An: hi", "An: hi", true},
		{"31/12/2020, 21:41 - An: hi", "An: hi", true},
		{"31.12.20, 21:41 - An: hi", "An: hi", true},
		{"31-12-2020 21:41 \u2013 An: hi", "An: hi", true},
		{"[31/12/2020, 21:41:05] An: hi", "An: hi", true},
		{"[12/31/20, 9:41:05 PM] An: hi", "An: hi", true},
		{"[2020/12/31 21:41:05] An: hi", "An: hi", true},
		{"31/12/2020, 21:41 -", "", true},
		{"31/12/2020, 21:41 -An", "", false},
		{"31/12/2020, 21:41 An", "", false},
		{"[31/12/2020, 21:41:05 An", "", false},
		{"31/12/2020,21:41 - An: hi", "An: hi", true},
		{"31/12/2020x 21:41 - An: hi", "", false},
		{"31/12-2020, 21:41 - An: hi", "", false},
		{"123/12/2020, 21:41 - An: hi", "", false},
		{"31/12/2020, 25:41 - An: hi", "", false},
		{"31/12/2020, 21:4 - An: hi", "", false},
		{"2020-13-01, 21:41 - An: hi", "", false},
		{"31/12/2020, 9:41 p. m. - An: hi", "An: hi", true},
		{"31/12/2020, 9:41\u00a0p.\u00a0m. - An: hi", "An: hi", true},
		{"\u200e[31/12/2020, 21:41:05] An: \u200eimage omitted", "An: \u200eimage omitted", true},
		{"\ufeff31/12/2020, 21:41 - An: hi", "An: hi", true},
		{"31/12/2020, 9:41 p. An: hi", "", false},
		{"", "", false},
	} {
		rest, ok := parseWhatsAppPrefix([]byte(tc.line))
		if ok != tc.ok || string(rest) != tc.rest {
			t.Errorf("parseWhatsAppPrefix(%q) = %q %v, want %q %v", tc.line, rest, ok, tc.rest, tc.ok)
		}
	}
}
