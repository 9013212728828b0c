package source

import "testing"

// FuzzWhatsApp: WhatsApp chat exports, well formed or not.
func FuzzWhatsApp(f *testing.F) {
	f.Add([]byte(whatsAppAndroidUS))
	f.Add([]byte(whatsAppIOS))
	f.Add([]byte(whatsAppGerman))
	f.Add([]byte("12/31/20, 9:41 PM - : x\n12/31/20, 9:41 PM -\n[1/1/21, 1:01:01] ~ : \u200e\n"))
	f.Add([]byte("[2020-12-31 21:41:05] An: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbb\nzzz"))
	f.Add([]byte("\xff\xfe1\x002\x00/\x003\x001\x00/\x002\x000\x00,\x00 \x009\x00:\x004\x001\x00 \x00-\x00 \x00A\x00:\x00 \x00h\x00i\x00\n\x00"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "chat.txt", data) })
}

// FuzzChatJSON: Facebook, Telegram and Zalo JSON exports, well formed or
// not.
func FuzzChatJSON(f *testing.F) {
	f.Add([]byte(facebookExport))
	f.Add([]byte(telegramExport))
	f.Add([]byte(telegramFullExport))
	f.Add([]byte(zaloExport))
	f.Add([]byte(zaloArrayExport))
	f.Add([]byte(`{"participants":[],"messages":[{"sender_name":"\u00c3","timestamp_ms":1,"content":"\u00e1\u00bb"}]}`))
	f.Add([]byte(`{"type":"personal_chat","messages":[{"text":[{"type":"phone","text":{"type":"email","text":["x"]}}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, "message_1.json", data)
		fuzzRead(t, "result.json", data)
	})
}
