package source

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// jsonDialect adapts the generic JSON reader to the export of one chat
// application: the key paths stay those of the generic reader, but the
// strings may be repaired and the hints say what the application's keys
// mean (a sender's name, a phone number in a message), so that the
// detectors weigh them as they would a column header.
type jsonDialect struct {
	// mojibake tells that the producer wrote each byte of a string's UTF-8
	// as a character of its own (Facebook's "Nguy\u00e1\u00bb\u0085n"),
	// which is undone string by string.
	mojibake bool
	// hints returns the hint of a value at the place stack describes, and
	// whether to leave the value out (timestamps, internal enums, a copy
	// of text read elsewhere). key is the last object key above the value,
	// the generic reader's hint.
	hints func(stack []jsonFrame, key string) (hint string, skip bool)
}

// Hints the chat dialects give: each holds a context word the detectors
// know ("name", "phone", "email", "card"), or none ("content", "user id").
const (
	hintSender       = "sender name"
	hintParticipant  = "participant name"
	hintConversation = "conversation name"
	hintMember       = "member name"
	hintActor        = "actor name"
	hintMentioned    = "mentioned name"
	hintUserID       = "user id"
	hintContent      = "content"
)

// maxKindLen bounds the "type" strings a dialect remembers.
const maxKindLen = 32

// The dialects, by format.
var (
	facebookDialect = &jsonDialect{mojibake: true, hints: facebookHint}
	telegramDialect = &jsonDialect{hints: telegramHint}
	zaloDialect     = &jsonDialect{hints: zaloHint}
)

// readChatJSON reads a JSON chat export of format f with its dialect.
func readChatJSON(s *sink, r io.Reader, f format) error {
	var d *jsonDialect
	switch f {
	case formatFacebookJSON:
		d = facebookDialect
	case formatTelegramJSON:
		d = telegramDialect
	case formatZaloJSON:
		d = zaloDialect
	default:
		return fmt.Errorf("no JSON dialect for format %v", f)
	}
	return readJSONDialect(s, r, d)
}

// text appends the string v to dst as the dialect reads it.
func (d *jsonDialect) text(dst []byte, v string) []byte {
	if d.mojibake {
		return appendUnMojibake(dst, v)
	}
	return append(dst, v...)
}

// hint returns the hint of the value at the place stack describes, and
// whether to leave the value out.
func (d *jsonDialect) hint(stack []jsonFrame) (string, bool) {
	return d.hints(stack, keyAbove(stack, 0))
}

// noteKind remembers the string v in the object that holds it when it is
// the value of the object's "type" key, for the dialect to read the keys
// that come after it in the object.
func (w *jsonWalker) noteKind(v string) {
	n := len(w.stack)
	if n == 0 {
		return
	}
	top := &w.stack[n-1]
	if !top.array && top.key == "type" && len(v) <= maxKindLen {
		top.kind = v
	}
}

// keyAbove returns the k-th object key above the value at the place stack
// describes, the nearest being 0, and "" when there are not that many.
func keyAbove(stack []jsonFrame, k int) string {
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i].array {
			continue
		}
		if k == 0 {
			return stack[i].key
		}
		k--
	}
	return ""
}

// UnMojibake returns v repaired as Facebook's exports need (see
// appendUnMojibake): UTF-8 that was read as Latin-1, read again.
func UnMojibake(v string) string { return string(appendUnMojibake(nil, v)) }

// appendUnMojibake appends v to dst, repaired when it is UTF-8 that was
// read as Latin-1: when every rune of v is below U+0100, one at least is
// U+0080 or above, and the runes taken as bytes are valid UTF-8, those
// bytes are appended; otherwise v as it is.
func appendUnMojibake(dst []byte, v string) []byte {
	start := len(dst)
	high := false
	for _, r := range v {
		if r >= 0x100 {
			return append(dst[:start], v...)
		}
		high = high || r >= 0x80
		dst = append(dst, byte(r))
	}
	if !high || !utf8.Valid(dst[start:]) {
		return append(dst[:start], v...)
	}
	return dst
}

// facebookHint gives the hints of Facebook's and Instagram's
// "Download your information" message files (message_1.json): the names
// of the senders, of the participants and of the thread (usually the other
// person's), and of those who reacted; timestamps are left out.
func facebookHint(stack []jsonFrame, key string) (string, bool) {
	switch key {
	case "sender_name":
		return hintSender, false
	case "participants": // an older export lists the names as strings
		return hintParticipant, false
	case "name":
		if keyAbove(stack, 1) == "participants" {
			return hintParticipant, false
		}
	case "title":
		if len(stack) == 1 {
			return hintConversation, false
		}
	case "actor":
		return hintActor, false
	case "timestamp_ms", "timestamp", "creation_timestamp", "type":
		return "", true
	}
	return key, false
}

// telegramHint gives the hints of Telegram Desktop's result.json: the
// names of the senders and of the chats, the kinds of the text entities
// (a phone number, an e-mail address) of a message whose text is an
// array. text_entities repeats the text, and is left out; so are dates,
// message ids and kinds.
func telegramHint(stack []jsonFrame, key string) (string, bool) {
	if keyAbove(stack, 1) == "text_entities" {
		return "", true
	}
	switch key {
	case "from", "forwarded_from", "saved_from":
		return hintSender, false
	case "name":
		return hintConversation, false
	case "actor":
		return hintActor, false
	case "members":
		return hintMember, false
	case "from_id", "actor_id", "user_id":
		return hintUserID, false
	case "date", "date_unixtime", "edited", "edited_unixtime", "id", "reply_to_message_id", "type":
		return "", true
	case "text":
		return telegramTextHint(stack)
	}
	return key, false
}

// telegramTextHint gives the hint of a "text" value in Telegram's
// result.json: a piece of a message's text, or an entity of it.
func telegramTextHint(stack []jsonFrame) (string, bool) {
	if keyAbove(stack, 1) == "text" {
		if top := stack[len(stack)-1]; !top.array {
			return telegramEntityHint(top.kind), false
		}
	}
	return "text", false
}

// telegramEntityHint gives the hint of a Telegram text entity of a kind.
func telegramEntityHint(kind string) string {
	switch kind {
	case "phone":
		return "phone"
	case "email":
		return "email"
	case "bank_card":
		return "card number"
	case "mention_name":
		return hintMentioned
	}
	return "text"
}

// zaloHint gives the hints of Zalo PC/web message objects as backup tools
// write them (see the package documentation): the display names of the
// senders and of the conversation, the user ids; the text of an
// attachment's content reads as content; timestamps, message ids and
// kinds are left out.
func zaloHint(stack []jsonFrame, key string) (string, bool) {
	switch key {
	case "dName", "fromName", "senderName", "fromD":
		return hintSender, false
	case "conversationName", "groupName", "threadName":
		return hintConversation, false
	case "uidFrom", "fromUid", "idTo", "toUid", "ownerId", "uid", "userId":
		return hintUserID, false
	case "content":
		return hintContent, false
	case "title", "description", "params", "msg":
		if keyAbove(stack, 1) == "content" || keyAbove(stack, 1) == "quote" {
			return hintContent, false
		}
	case "ts", "sendDttm", "msgId", "cliMsgId", "globalMsgId", "msgType", "cliMsgType":
		return "", true
	case "pos", "len": // where a mention sits in the text
		if keyAbove(stack, 1) == "mentions" {
			return "", true
		}
	}
	return key, false
}

// KeyHint returns the hint a scan gives a string value under key in a
// JSON file of the named format ("telegram-json", "facebook-json",
// "zalo-json"; any other: the key itself), judged from the key alone, as
// a line-by-line reader such as the redactor sees it: a sender's name is
// judged as a name ("from": "Lan").
func KeyHint(format, key string) string {
	var hints func([]jsonFrame, string) (string, bool)
	switch format {
	case "facebook-json":
		hints = facebookHint
	case "telegram-json":
		hints = telegramHint
	case "zalo-json":
		hints = zaloHint
	default:
		return key
	}
	h, _ := hints(nil, key)
	return h
}
