package detect

// isDigit reports whether c is an ASCII digit.
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isUpper reports whether c is an ASCII upper-case letter.
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

// isLower reports whether c is an ASCII lower-case letter.
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }

// isAlnum reports whether c is an ASCII letter or digit.
func isAlnum(c byte) bool { return isDigit(c) || isUpper(c) || isLower(c) }

// wordCharBefore reports whether the character before text[i] is part of
// a word: a letter, a digit or '_'.
func wordCharBefore(text []byte, i int) bool {
	if i == 0 {
		return false
	}
	c := text[i-1]
	if isAlnum(c) || c == '_' {
		return true
	}
	return c >= 0x80 && letterBefore(text, i)
}

// wordCharAt reports whether text[i] (if any) starts a word character.
func wordCharAt(text []byte, i int) bool {
	if i >= len(text) {
		return false
	}
	c := text[i]
	if isAlnum(c) || c == '_' {
		return true
	}
	return c >= 0x80 && isLetterAt(text, i)
}

// skipWord returns the offset after the run of word characters (letters,
// digits, '_') at i.
func skipWord(text []byte, i int) int {
	for i < len(text) && wordCharAt(text, i) {
		if text[i] < 0x80 {
			i++
			continue
		}
		_, n := symAt(text, i)
		i += n
	}
	return i
}

// atoi converts ASCII digits (checked by the caller).
func atoi(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	return n
}
