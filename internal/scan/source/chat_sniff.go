package source

import (
	"bytes"
)

// chatJSONFormat returns the chat export a JSON file's first bytes show it
// to be, formatJSON when none: a Facebook or Instagram message file, a
// Telegram Desktop export, or Zalo message objects.
func chatJSONFormat(head []byte) format {
	switch {
	case looksFacebookJSON(head):
		return formatFacebookJSON
	case looksTelegramJSON(head):
		return formatTelegramJSON
	case looksZaloJSON(head):
		return formatZaloJSON
	}
	return formatJSON
}

// looksFacebookJSON reports whether head starts a Facebook (or Instagram)
// "Download your information" message file: messages with a sender_name,
// and their timestamp_ms or the thread's participants.
func looksFacebookJSON(head []byte) bool {
	return hasJSONKey(head, "sender_name") && (hasJSONKey(head, "timestamp_ms") || hasJSONKey(head, "participants"))
}

// telegramChatTypes are the "type" values of a chat in Telegram's export.
var telegramChatTypes = []string{"personal_chat", "bot_chat", "private_group", "private_supergroup",
	"public_supergroup", "private_channel", "public_channel", "saved_messages"}

// looksTelegramJSON reports whether head starts a Telegram Desktop
// result.json: messages with a from_id, a chat of a Telegram chat type
// with its messages, or the personal information that opens a full export.
func looksTelegramJSON(head []byte) bool {
	if hasJSONKey(head, "from_id") && hasJSONKeyValue(head, "type", "message") {
		return true
	}
	if hasJSONKey(head, "messages") {
		for _, t := range telegramChatTypes {
			if hasJSONKeyValue(head, "type", t) {
				return true
			}
		}
	}
	return hasJSONKey(head, "personal_information") && hasJSONKey(head, "about") &&
		(hasJSONKey(head, "user_id") || hasJSONKey(head, "first_name"))
}

// zaloKeys are keys of Zalo's message objects that other exports hardly
// use.
var zaloKeys = []string{"msgId", "cliMsgId", "globalMsgId", "uidFrom", "fromUid", "idTo", "dName", "msgType", "sendDttm"}

// looksZaloJSON reports whether head starts Zalo message objects: two of
// their keys at least.
func looksZaloJSON(head []byte) bool {
	n := 0
	for _, k := range zaloKeys {
		if hasJSONKey(head, k) {
			n++
		}
	}
	return n >= 2
}

// hasJSONKey reports whether head holds key as an object key: quoted,
// then a colon after optional white space.
func hasJSONKey(head []byte, key string) bool {
	return jsonKeyValueAt(head, key) >= 0
}

// hasJSONKeyValue reports whether head holds key as an object key with the
// string value as its value.
func hasJSONKeyValue(head []byte, key, value string) bool {
	for len(head) > 0 {
		i := jsonKeyValueAt(head, key)
		if i < 0 {
			return false
		}
		head = head[i:]
		rest := head
		if len(rest) > 0 && rest[0] == '"' {
			rest = rest[1:]
			if bytes.HasPrefix(rest, []byte(value)) && bytes.HasPrefix(rest[len(value):], []byte{'"'}) {
				return true
			}
		}
	}
	return false
}

// jsonKeyValueAt returns the offset in head of the first value of key,
// past the key, the colon and the white space, or -1 when key is not
// there as an object key.
func jsonKeyValueAt(head []byte, key string) int {
	quoted := make([]byte, 0, len(key)+2)
	quoted = append(append(append(quoted, '"'), key...), '"')
	off := 0
	for {
		i := bytes.Index(head[off:], quoted)
		if i < 0 {
			return -1
		}
		j := off + i + len(quoted)
		for j < len(head) && isJSONSpace(head[j]) {
			j++
		}
		if j < len(head) && head[j] == ':' {
			j++
			for j < len(head) && isJSONSpace(head[j]) {
				j++
			}
			return j
		}
		off = off + i + 1
	}
}

// isJSONSpace reports whether c is JSON white space.
func isJSONSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
}

// waSniffLines is how many non-blank lines the WhatsApp sniffer reads.
const waSniffLines = 40

// looksWhatsApp reports whether a text file's first bytes (all of the
// file when shorter than headLen) are a WhatsApp chat export: its first
// non-blank line starts a message (a date and a time, then " - " or in
// brackets), and so do five lines or half of those read.
func looksWhatsApp(head []byte) bool {
	complete := len(head) < headLen
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	lines, matches := 0, 0
	for lines < waSniffLines && len(head) > 0 {
		line, rest, found := bytes.Cut(head, []byte{'\n'})
		if !found && !complete && lines > 0 {
			break // the head may end inside this line
		}
		head = rest
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		lines++
		after, ok := parseWhatsAppPrefix(line)
		switch {
		case ok && !startsWithLogLevel(after):
			matches++
		case lines == 1:
			return false
		}
	}
	return matches > 0 && (matches >= 5 || matches*2 >= lines)
}

// logLevels are the words that follow the date of a log line, where a
// WhatsApp message has its sender.
var logLevels = []string{"trace", "debug", "info", "notice", "warn", "warning", "error", "fatal", "critical"}

// startsWithLogLevel reports whether the text after a date and time is a
// log level ("INFO: ..."), so that the line is a log's, not a chat's.
func startsWithLogLevel(b []byte) bool {
	word := b
	if i := bytes.IndexAny(b, ": \t]"); i >= 0 {
		word = b[:i]
	}
	for _, l := range logLevels {
		if bytes.EqualFold(word, []byte(l)) {
			return true
		}
	}
	return false
}
