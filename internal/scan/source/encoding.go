package source

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// textEncoding names the encodings the readers decode.
type textEncoding int

// The encodings.
const (
	encUTF8 textEncoding = iota
	encUTF8BOM
	encUTF16LE
	encUTF16BE
	encWindows1252
	encWindows1258
)

// String names the encoding, for tests.
func (e textEncoding) String() string {
	return [...]string{"utf-8", "utf-8 bom", "utf-16le", "utf-16be", "windows-1252", "windows-1258"}[e]
}

// headLen is how much of a file is peeked at to choose a format and an
// encoding, and the size of the read buffers.
const headLen = 64 << 10

// bomOf returns the encoding a byte order mark at the start of head
// announces, encUTF8 when there is none.
func bomOf(head []byte) textEncoding {
	switch {
	case bytes.HasPrefix(head, []byte{0xef, 0xbb, 0xbf}):
		return encUTF8BOM
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}):
		return encUTF16LE
	case bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		return encUTF16BE
	}
	return encUTF8
}

// bomlessUTF16 recognises UTF-16 written without a byte order mark (some
// Windows exports): in text that is mostly ASCII, one byte of each pair is
// NUL, always the same one. It returns encUTF16LE or encUTF16BE, or encUTF8
// when head does not look so.
func bomlessUTF16(head []byte) textEncoding {
	n := min(len(head), 4096) &^ 1
	if n < 32 {
		return encUTF8
	}
	var zeroEven, zeroOdd int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			zeroEven++
		}
		if head[i+1] == 0 {
			zeroOdd++
		}
	}
	pairs := n / 2
	switch {
	case zeroOdd*2 > pairs && zeroEven*50 < pairs:
		return encUTF16LE
	case zeroEven*2 > pairs && zeroOdd*50 < pairs:
		return encUTF16BE
	}
	return encUTF8
}

// detectEncoding chooses the encoding of a file from its first bytes
// (head, all of the file when complete): the byte order mark's, else UTF-8
// when they are valid UTF-8, else the Windows code page, 1258 (Vietnamese)
// or 1252 (Western), whose letters fit them better.
func detectEncoding(head []byte, complete bool) textEncoding {
	if e := bomOf(head); e != encUTF8 {
		return e
	}
	if e := bomlessUTF16(head); e != encUTF8 {
		return e
	}
	if complete && utf8.Valid(head) || !complete && validUTF8Prefix(head) {
		return encUTF8
	}
	if vietnameseScore(head) > 0 {
		return encWindows1258
	}
	return encWindows1252
}

// validUTF8Prefix reports whether head is valid UTF-8 but for a sequence
// cut short at its very end.
func validUTF8Prefix(head []byte) bool {
	for k := 1; k <= utf8.UTFMax-1 && k <= len(head); k++ {
		if utf8.RuneStart(head[len(head)-k]) {
			if !utf8.FullRune(head[len(head)-k:]) {
				head = head[:len(head)-k]
			}
			break
		}
	}
	return utf8.Valid(head)
}

// Bytes that read as Vietnamese in Windows-1258 but as other letters in
// Windows-1252.
const (
	cp1258Letters   = "\xc3\xe3\xd0\xf0\xd5\xf5\xdd\xfd" // Ă ă Đ đ Ơ ơ Ư ư
	cp1258Combining = "\xcc\xec\xde\xd2\xf2"             // grave, acute, tilde, hook above, dot below
	cp1258Vowels    = "aeiouyAEIOUY\xe2\xea\xf4\xc2\xca\xd4\xe3\xc3\xf5\xd5\xfd\xdd"
	// Letters of Windows-1252 (and 1258) that Vietnamese does not use:
	// ä ö ü ß ñ ç å æ ø ë ï ÿ and their capitals.
	westernLetters = "\xe4\xf6\xfc\xc4\xd6\xdc\xdf\xf1\xd1\xe7\xc7\xe5\xc5\xe6\xc6\xf8\xd8\xeb\xef\xff"
)

// vietnameseScore weighs the evidence that single-byte text is
// Windows-1258 Vietnamese rather than Windows-1252: tone marks combined
// after a vowel and the letters ă đ ơ ư count for it; letters Vietnamese
// does not use, and the Portuguese "ão"/"õe" that 1258 would read as "ăo"
// and "ơe", count against it. A positive score means Vietnamese.
func vietnameseScore(b []byte) int {
	score := 0
	for i, c := range b {
		if c < 0x80 {
			continue
		}
		var next byte
		if i+1 < len(b) {
			next = b[i+1]
		}
		switch {
		case strings.IndexByte(cp1258Combining, c) >= 0:
			if i > 0 && strings.IndexByte(cp1258Vowels, b[i-1]) >= 0 {
				score += 2
			} else {
				score--
			}
		case (c == 0xe3 || c == 0xc3 || c == 0xf5 || c == 0xd5) && (next == 'o' || next == 'e'):
			score--
		case strings.IndexByte(cp1258Letters, c) >= 0:
			score++
		case strings.IndexByte(westernLetters, c) >= 0:
			score--
		}
	}
	return score
}

// decoder returns the transformation from enc to UTF-8, nil for UTF-8.
// Windows-1258 text is brought to NFC, since the code page spells most
// Vietnamese letters as a base letter and a combining tone mark.
func decoder(enc textEncoding) transform.Transformer {
	var d *encoding.Decoder
	switch enc {
	case encUTF16LE:
		d = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()
	case encUTF16BE:
		d = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()
	case encWindows1252:
		d = charmap.Windows1252.NewDecoder()
	case encWindows1258:
		return transform.Chain(charmap.Windows1258.NewDecoder(), norm.NFC)
	default:
		return nil
	}
	return d
}

// decodeReader returns br's content as UTF-8 without a byte order mark,
// enc being the encoding detectEncoding chose for it.
func decodeReader(br *bufio.Reader, enc textEncoding) (*bufio.Reader, error) {
	bomLen := 0
	if head, _ := br.Peek(3); bomOf(head) == enc { // UTF-16 may come without one
		bomLen = map[textEncoding]int{encUTF8BOM: 3, encUTF16LE: 2, encUTF16BE: 2}[enc]
	}
	if _, err := br.Discard(bomLen); err != nil {
		return nil, fmt.Errorf("skip byte order mark: %w", err)
	}
	t := decoder(enc)
	if t == nil {
		return br, nil
	}
	return bufio.NewReaderSize(transform.NewReader(br, t), headLen), nil
}
