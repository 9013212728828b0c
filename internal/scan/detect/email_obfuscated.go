package detect

// Obfuscated addresses: people hide an address from harvesters by writing
// the '@' and the dots as words in brackets, "lan.nguyen [at] gmail [dot]
// com" or "an(at)example(dot)vn". Only bracketed words count: a bare
// "at" or "dot" is ordinary English ("meet at google.com").

// obfuscatedWord reports the length of word ("at" or "dot") in brackets
// at text[i]: "[at]", "(at)" or "{at}" in any case; 0 when there is none.
func obfuscatedWord(text []byte, i int, word string) int {
	if i >= len(text) {
		return 0
	}
	var closing byte
	switch text[i] {
	case '[':
		closing = ']'
	case '(':
		closing = ')'
	case '{':
		closing = '}'
	default:
		return 0
	}
	n := len(word)
	if i+n+2 > len(text) || text[i+n+1] != closing {
		return 0
	}
	for k := 0; k < n; k++ {
		if lowerASCII(text[i+1+k]) != word[k] {
			return 0
		}
	}
	return n + 2
}

// obfuscatedSep reports the length of a domain separator at text[i]: a
// dot, or a bracketed "dot" with at most one space on each side; 0 when
// there is none.
func obfuscatedSep(text []byte, i int) int {
	if i < len(text) && text[i] == '.' {
		return 1
	}
	j := i
	if j < len(text) && text[j] == ' ' {
		j++
	}
	w := obfuscatedWord(text, j, "dot")
	if w == 0 {
		return 0
	}
	j += w
	if j < len(text) && text[j] == ' ' {
		j++
	}
	return j - i
}

// obfuscatedEmail reads an address whose '@' is the bracketed "at" at
// text[b]: the local part before it (at most one space between), the
// domain after it, its labels separated by dots or bracketed "dot"s. 0.85.
// It returns where the main loop goes on.
func (st *state) obfuscatedEmail(b int) int {
	text := st.text
	w := obfuscatedWord(text, b, "at")
	if w == 0 {
		return b + 1
	}
	le := b
	if le > 0 && text[le-1] == ' ' {
		le--
	}
	s, ok := localPart(text, le)
	if !ok {
		return b + w
	}
	// Not the tail of a non-ASCII word (the leading dots localPart
	// skipped are local characters).
	r := s
	for r > 0 && isLocalChar(text[r-1]) {
		r--
	}
	if r > 0 && text[r-1] >= 0x80 {
		return b + w
	}
	// The domain, normalised into st.buf with plain dots.
	d := b + w
	if d < len(text) && text[d] == ' ' {
		d++
	}
	st.buf = st.buf[:0]
	e := d
	for len(st.buf) <= maxDomain {
		l := e
		for e < len(text) && (isAlnum(text[e]) || text[e] == '-') {
			e++
		}
		if e == l {
			break
		}
		st.buf = append(st.buf, text[l:e]...)
		sep := obfuscatedSep(text, e)
		if sep == 0 || e+sep >= len(text) || !isAlnum(text[e+sep]) {
			break
		}
		st.buf = append(st.buf, '.')
		e += sep
	}
	if wordCharAt(text, e) || !validDomain(st.buf) || fileExtension(st.buf) {
		return b + w
	}
	st.add(hit{ent: entEmail, start: s, end: e, conf: 0.85})
	return e
}

// appendObfuscatedPreview appends the preview of an obfuscated address v
// (as obfuscatedEmail found it): its first character, "***@" and the
// domain with plain dots, in lower case.
func appendObfuscatedPreview(b, v []byte) []byte {
	at := 0
	for at < len(v) && obfuscatedWord(v, at, "at") == 0 {
		at++
	}
	if at == 0 || at == len(v) {
		return append(b, masked...)
	}
	b = append(b, lowerASCII(v[0]))
	b = append(b, "***@"...)
	d := at + obfuscatedWord(v, at, "at")
	if d < len(v) && v[d] == ' ' {
		d++
	}
	for d < len(v) {
		if sep := obfuscatedSep(v, d); sep > 0 {
			b = append(b, '.')
			d += sep
			continue
		}
		b = append(b, lowerASCII(v[d]))
		d++
	}
	return b
}
