package source

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// facebookEscape writes s as Facebook's "Download your information"
// writes strings: every byte of a non-ASCII character's UTF-8 escaped on
// its own as \u00XX.
func facebookEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 {
			fmt.Fprintf(&b, `\u%04x`, c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// facebookExport is a message_1.json of a Messenger thread, its names and
// texts in Facebook's mojibake.
var facebookExport = facebookEscape(`{
  "participants": [
    {
      "name": "Nguyễn Văn An"
    },
    {
      "name": "Trần Thị Bình"
    }
  ],
  "messages": [
    {
      "sender_name": "Nguyễn Văn An",
      "timestamp_ms": 1609451465000,
      "content": "Số của mình là 0912 345 678 nhé",
      "reactions": [
        {
          "reaction": "😆",
          "actor": "Trần Thị Bình"
        }
      ],
      "is_geoblocked_for_viewer": false
    },
    {
      "sender_name": "Trần Thị Bình",
      "timestamp_ms": 1609451400000,
      "photos": [
        {
          "uri": "messages/inbox/nguyenvanan_1234567890/photos/123_456.jpg",
          "creation_timestamp": 1609451400
        }
      ],
      "is_geoblocked_for_viewer": false
    },
    {
      "sender_name": "Trần Thị Bình",
      "timestamp_ms": 1609451300000,
      "content": "Caf\u00e9 \u1ec5 ok",
      "type": "Generic"
    }
  ],
  "title": "Nguyễn Văn An",
  "is_still_participant": true,
  "thread_path": "inbox/nguyenvanan_1234567890",
  "magic_words": []
}`)

// telegramExport is a Telegram Desktop result.json of one personal chat.
const telegramExport = `{
 "name": "Nguyễn Văn An",
 "type": "personal_chat",
 "id": 123456789,
 "messages": [
  {
   "id": 1,
   "type": "message",
   "date": "2020-12-31T21:41:05",
   "date_unixtime": "1609425665",
   "from": "Nguyễn Văn An",
   "from_id": "user123456789",
   "text": "Chào bạn",
   "text_entities": [
    {
     "type": "plain",
     "text": "Chào bạn"
    }
   ]
  },
  {
   "id": 2,
   "type": "message",
   "date": "2020-12-31T21:42:10",
   "date_unixtime": "1609425730",
   "from": "Trần Thị Bình",
   "from_id": "user987654321",
   "reply_to_message_id": 1,
   "text": [
    "Gọi mình số ",
    {
     "type": "phone",
     "text": "+84 912 345 678"
    },
    " hoặc mail ",
    {
     "type": "email",
     "text": "binh.tran@example.com"
    },
    {
     "type": "mention_name",
     "text": "An",
     "user_id": 123456789
    }
   ],
   "text_entities": [
    {
     "type": "plain",
     "text": "Gọi mình số "
    },
    {
     "type": "phone",
     "text": "+84 912 345 678"
    },
    {
     "type": "plain",
     "text": " hoặc mail "
    },
    {
     "type": "email",
     "text": "binh.tran@example.com"
    },
    {
     "type": "mention_name",
     "text": "An",
     "user_id": 123456789
    }
   ]
  },
  {
   "id": 3,
   "type": "service",
   "date": "2020-12-31T21:50:00",
   "date_unixtime": "1609426200",
   "actor": "Trần Thị Bình",
   "actor_id": "user987654321",
   "action": "phone_call",
   "duration_seconds": 42,
   "text": "",
   "text_entities": []
  }
 ]
}`

// telegramFullExport is the start of a Telegram Desktop export of all
// chats.
const telegramFullExport = `{
 "about": "Here is the data you requested. Remember: Telegram is ad free, it doesn't sell your data.",
 "personal_information": {
  "user_id": 123456789,
  "first_name": "An",
  "last_name": "Nguyễn",
  "phone_number": "+84 912 345 678",
  "bio": ""
 },
 "chats": {
  "about": "This page lists all chats from this export.",
  "list": [
   {
    "name": "Trần Thị Bình",
    "type": "personal_chat",
    "id": 987654321,
    "messages": [
     {
      "id": 7,
      "type": "message",
      "date": "2021-01-01T08:00:00",
      "from": "Trần Thị Bình",
      "from_id": "user987654321",
      "text": "Chúc mừng năm mới"
     }
    ]
   }
  ]
 }
}`

// zaloExport is Zalo PC message objects as a backup tool writes them.
const zaloExport = `{
  "conversationName": "Nguyễn Văn An",
  "messages": [
    {"msgId": "7012345678901", "cliMsgId": "1609425665000", "msgType": "webchat",
     "uidFrom": "5123456789012345678", "idTo": "0", "dName": "Nguyễn Văn An",
     "ts": "1609425665000", "content": "Số mình 0912345678"},
    {"msgId": "7012345678902", "msgType": "chat.recommended", "uidFrom": "0",
     "dName": "Trần Thị Bình", "ts": "1609425700000",
     "content": {"title": "Trần Thị Bình", "description": "0987654321",
                 "href": "https://zalo.me/0987654321", "params": "{\"phone\":\"0987654321\"}"}},
    {"msgId": "7012345678903", "uidFrom": "5123456789012345678", "dName": "Nguyễn Văn An",
     "content": "ok", "quote": {"ownerId": "0", "fromD": "Trần Thị Bình", "msg": "gọi nhé", "ts": 1609425700000},
     "mentions": [{"uid": "0", "pos": 0, "len": 4}]}
  ]
}`

// zaloArrayExport is Zalo message objects as a top-level array, with the
// other names of the sender's keys.
const zaloArrayExport = `[
  {"fromUid": "5123456789012345678", "fromName": "Lê Văn Cường", "sendDttm": "1609425665000",
   "groupName": "Gia đình", "content": "Email: cuong@example.com"},
  {"fromUid": "5123456789012345679", "senderName": "Phạm Thu Dung", "sendDttm": "1609425700000",
   "threadName": "Gia đình", "content": "Đã nhận"}
]`

func TestChatJSON(t *testing.T) {
	for _, tc := range []struct {
		name    string
		file    string
		content string
		want    []cell
	}{
		{
			name:    "Facebook: mojibake undone, name hints, timestamps left out",
			file:    "messages/inbox/nguyenvanan_1234567890/message_1.json",
			content: facebookExport,
			want: []cell{
				{4, "participants[0].name", hintParticipant, "Nguyễn Văn An"},
				{7, "participants[1].name", hintParticipant, "Trần Thị Bình"},
				{12, "messages[0].sender_name", hintSender, "Nguyễn Văn An"},
				{14, "messages[0].content", "content", "Số của mình là 0912 345 678 nhé"},
				{17, "messages[0].reactions[0].reaction", "reaction", "😆"},
				{18, "messages[0].reactions[0].actor", hintActor, "Trần Thị Bình"},
				{24, "messages[1].sender_name", hintSender, "Trần Thị Bình"},
				{28, "messages[1].photos[0].uri", "uri", "messages/inbox/nguyenvanan_1234567890/photos/123_456.jpg"},
				{35, "messages[2].sender_name", hintSender, "Trần Thị Bình"},
				// Not mojibake: a lone Latin-1 "é", and a character
				// past U+00FF, are kept as they are.
				{37, "messages[2].content", "content", "Café ễ ok"},
				{41, "title", hintConversation, "Nguyễn Văn An"},
				{43, "thread_path", "thread_path", "inbox/nguyenvanan_1234567890"},
			},
		},
		{
			name:    "Telegram: name hints, entity hints, text_entities not repeated",
			file:    "ChatExport_2021-01-01/result.json",
			content: telegramExport,
			want: []cell{
				{2, "name", hintConversation, "Nguyễn Văn An"},
				{11, "messages[0].from", hintSender, "Nguyễn Văn An"},
				{12, "messages[0].from_id", hintUserID, "user123456789"},
				{13, "messages[0].text", "text", "Chào bạn"},
				{26, "messages[1].from", hintSender, "Trần Thị Bình"},
				{27, "messages[1].from_id", hintUserID, "user987654321"},
				{30, "messages[1].text[0]", "text", "Gọi mình số"},
				{33, "messages[1].text[1].text", "phone", "+84 912 345 678"},
				{35, "messages[1].text[2]", "text", "hoặc mail"},
				{38, "messages[1].text[3].text", "email", "binh.tran@example.com"},
				{42, "messages[1].text[4].text", hintMentioned, "An"},
				{43, "messages[1].text[4].user_id", hintUserID, "123456789"},
				{75, "messages[2].actor", hintActor, "Trần Thị Bình"},
				{76, "messages[2].actor_id", hintUserID, "user987654321"},
				{77, "messages[2].action", "action", "phone_call"},
				{78, "messages[2].duration_seconds", "duration_seconds", "42"},
			},
		},
		{
			name:    "Telegram: a full export",
			file:    "result.json",
			content: telegramFullExport,
			want: []cell{
				{2, "about", "about", "Here is the data you requested. Remember: Telegram is ad free, it doesn't sell your data."},
				{4, "personal_information.user_id", hintUserID, "123456789"},
				{5, "personal_information.first_name", "first_name", "An"},
				{6, "personal_information.last_name", "last_name", "Nguyễn"},
				{7, "personal_information.phone_number", "phone_number", "+84 912 345 678"},
				{11, "chats.about", "about", "This page lists all chats from this export."},
				{14, "chats.list[0].name", hintConversation, "Trần Thị Bình"},
				{22, "chats.list[0].messages[0].from", hintSender, "Trần Thị Bình"},
				{23, "chats.list[0].messages[0].from_id", hintUserID, "user987654321"},
				{24, "chats.list[0].messages[0].text", "text", "Chúc mừng năm mới"},
			},
		},
		{
			name:    "Zalo: an object with messages",
			file:    "zalo_backup.json",
			content: zaloExport,
			want: []cell{
				{2, "conversationName", hintConversation, "Nguyễn Văn An"},
				{5, "messages[0].uidFrom", hintUserID, "5123456789012345678"},
				{5, "messages[0].idTo", hintUserID, "0"},
				{5, "messages[0].dName", hintSender, "Nguyễn Văn An"},
				{6, "messages[0].content", hintContent, "Số mình 0912345678"},
				{7, "messages[1].uidFrom", hintUserID, "0"},
				{8, "messages[1].dName", hintSender, "Trần Thị Bình"},
				{9, "messages[1].content.title", hintContent, "Trần Thị Bình"},
				{9, "messages[1].content.description", hintContent, "0987654321"},
				{10, "messages[1].content.href", "href", "https://zalo.me/0987654321"},
				{10, "messages[1].content.params", hintContent, `{"phone":"0987654321"}`},
				{11, "messages[2].uidFrom", hintUserID, "5123456789012345678"},
				{11, "messages[2].dName", hintSender, "Nguyễn Văn An"},
				{12, "messages[2].content", hintContent, "ok"},
				{12, "messages[2].quote.ownerId", hintUserID, "0"},
				{12, "messages[2].quote.fromD", hintSender, "Trần Thị Bình"},
				{12, "messages[2].quote.msg", hintContent, "gọi nhé"},
				{13, "messages[2].mentions[0].uid", hintUserID, "0"},
			},
		},
		{
			name:    "Zalo: a top-level array",
			file:    "zalo.json",
			content: zaloArrayExport,
			want: []cell{
				{2, "[0].fromUid", hintUserID, "5123456789012345678"},
				{2, "[0].fromName", hintSender, "Lê Văn Cường"},
				{3, "[0].groupName", hintConversation, "Gia đình"},
				{3, "[0].content", hintContent, "Email: cuong@example.com"},
				{4, "[1].fromUid", hintUserID, "5123456789012345679"},
				{4, "[1].senderName", hintSender, "Phạm Thu Dung"},
				{5, "[1].threadName", hintConversation, "Gia đình"},
				{5, "[1].content", hintContent, "Đã nhận"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := scanFile(t, tc.file, []byte(tc.content), Options{})
			if len(g.errs) > 0 {
				t.Errorf("errors: %v", g.errs)
			}
			for _, u := range g.units {
				if u.Path != tc.file {
					t.Errorf("path %q, want %q", u.Path, tc.file)
				}
			}
			if got := cells(g.units); !slices.Equal(got, tc.want) {
				t.Errorf("units\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestChatJSONFallsBack(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content string
		want    []cell
	}{
		{
			// A sender_name alone does not make a Facebook export: the
			// file is read as JSON, its strings as they are.
			name:    "generic JSON with a sender_name",
			content: `{"sender_name": "Ã©", "note": "Nguy\u00e1\u00bb\u0085n", "timestamp": 5}`,
			want: []cell{
				{1, "sender_name", "sender_name", "Ã©"},
				{1, "note", "note", "Nguyá»\u0085n"},
				{1, "timestamp", "timestamp", "5"},
			},
		},
		{
			// A Facebook export someone already repaired keeps its text.
			name:    "a repaired Facebook export",
			content: `{"participants": [{"name": "Nguyễn Văn An"}], "messages": [{"sender_name": "Nguyễn Văn An", "content": "Xin chào"}]}`,
			want: []cell{
				{1, "participants[0].name", hintParticipant, "Nguyễn Văn An"},
				{1, "messages[0].sender_name", hintSender, "Nguyễn Văn An"},
				{1, "messages[0].content", "content", "Xin chào"},
			},
		},
		{
			// A Telegram export cut short is reported as JSON is, with
			// what came before the cut.
			name:    "a truncated Telegram export",
			content: `{"name": "An", "type": "personal_chat", "messages": [{"from": "An", "text": "hi"`,
			want: []cell{
				{1, "name", hintConversation, "An"},
				{1, "messages[0].from", hintSender, "An"},
				{1, "messages[0].text", "text", "hi"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := scanFile(t, "message_1.json", []byte(tc.content), Options{})
			if got := cells(g.units); !slices.Equal(got, tc.want) {
				t.Errorf("units\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestChatJSONFormat(t *testing.T) {
	for _, tc := range []struct {
		name, head string
		want       format
	}{
		{"facebook", facebookExport, formatFacebookJSON},
		{"facebook, participants first", `{"participants": [{"name": "A"}], "messages": [{"sender_name": "A"`, formatFacebookJSON},
		{"instagram", `{"messages": [{"sender_name": "a", "timestamp_ms": 1, "content": "x"}]}`, formatFacebookJSON},
		{"telegram chat", telegramExport, formatTelegramJSON},
		{"telegram full", telegramFullExport, formatTelegramJSON},
		{"telegram, compact", `{"messages":[{"id":1,"type":"message","from":"A","from_id":"user1","text":"x"}]}`, formatTelegramJSON},
		{"zalo object", zaloExport, formatZaloJSON},
		{"zalo array", zaloArrayExport, formatZaloJSON},
		{"plain JSON", `{"name": "An", "phone": "0912345678"}`, formatJSON},
		{"a key only in a value", `{"note": "\"sender_name\": x \"participants\": y"}`, formatJSON},
		{"one Zalo key", `{"msgId": 5, "content": "x"}`, formatJSON},
	} {
		if got, ok := chooseFormat("x.json", []byte(tc.head)); got != tc.want || !ok {
			t.Errorf("%s: chooseFormat = %v %v, want %v", tc.name, got, ok, tc.want)
		}
	}
}

func TestAppendUnMojibake(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Nguy\u00e1\u00bb\u0085n V\u00c4\u0083n An", "Nguyễn Văn An"},
		{"\u00f0\u009f\u0098\u0086", "😆"},
		{"plain ASCII", "plain ASCII"},
		{"caf\u00e9", "café"},                            // not valid UTF-8 as bytes: kept
		{"Nguy\u00e1\u00bb\u0085n ễ", "Nguyá»\u0085n ễ"}, // a rune past U+00FF: kept
		{"", ""},
		{"\u00c3", "Ã"}, // a sequence cut short: kept
	} {
		if got := string(appendUnMojibake([]byte("x"), tc.in)); got != "x"+tc.want {
			t.Errorf("appendUnMojibake(%q) = %q, want %q", tc.in, got, "x"+tc.want)
		}
	}
}
