package detect

import (
	"net/netip"
	"unsafe"
)

// ipv4 validates a dotted quad: four groups of one to three digits, each
// at most 255, no leading zeros. isIP reports the shape; it is reported
// (0.85; 0.60 when every octet is one digit, like a section number; 0.95
// after an IP label) unless a version label precedes it, or it is a
// loopback (127.x.x.x) or the unspecified 0.0.0.0, which name this machine
// or none, and so no one.
func (st *state) ipv4(sp *span) (h hit, ok, isIP bool) {
	if sp.plus || sp.paren {
		return hit{}, false, false
	}
	d := sp.digits
	off := 0
	small := true
	for k := 0; k < 4; k++ {
		l := sp.lens[k]
		if l > 3 || (l > 1 && d[off] == '0') || atoi(d[off:off+l]) > 255 {
			return hit{}, false, false
		}
		small = small && l == 1
		off += l
	}
	if machineOnly4(d, sp.lens[0]) || st.networkOnly4(sp) {
		return hit{}, false, true
	}
	ctx := st.spanCtx(sp.start)
	conf := 0.85
	switch {
	case ctx&ctxIP != 0:
		conf = 0.95
	case ctx&ctxVersion != 0:
		return hit{}, false, true
	case small:
		conf = 0.60
	}
	return hit{ent: entIP, start: sp.start, end: sp.end, conf: conf}, true, true
}

// isHex reports whether c is a hexadecimal digit.
func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// maxIPv6Len bounds an IPv6 address in text (with an embedded IPv4).
const maxIPv6Len = 45

// ipv6 looks for an IPv6 address around the colon at text[i]: hex digits,
// colons and dots, at least two colons and either "::" or seven colons,
// accepted by net/netip. 0.90, 0.95 after an IP label. It returns where
// the main loop goes on.
func (st *state) ipv6(i int) int {
	text := st.text
	s := i
	for s > 0 && i-s < maxIPv6Len && (isHex(text[s-1]) || text[s-1] == ':') {
		s--
	}
	e := i + 1
	for e < len(text) && e-s < maxIPv6Len && (isHex(text[e]) || text[e] == ':' || text[e] == '.') {
		e++
	}
	for e > i+1 && (text[e-1] == '.' || text[e-1] == ':' && text[e-2] != ':') {
		e--
	}
	colons, double := 0, false
	for k := s; k < e; k++ {
		if text[k] == ':' {
			colons++
			double = double || k > s && text[k-1] == ':'
		}
	}
	if colons < 2 || !double && colons != 7 && colons != 6 || wordCharBefore(text, s) || wordCharAt(text, e) {
		return i + 1
	}
	// The text outlives the call and addr is dropped at once: no copy.
	addr, err := netip.ParseAddr(unsafe.String(&text[s], e-s))
	if err != nil || !addr.Is6() {
		return i + 1
	}
	if addr.IsLoopback() || addr.IsUnspecified() {
		return e // ::1 and :: name this machine or none, so no one
	}
	conf := 0.90
	labelled := st.context(s)&ctxIP != 0
	if labelled {
		conf = 0.95
	}
	if colons == 2 && !labelled && !hasDigit(text[s:e]) {
		return e // "a::b", "dead::beef" in code or logs: letters only need an IP label
	}
	st.add(hit{ent: entIP, start: s, end: e, conf: conf})
	return e
}

// hasDigit reports whether b holds an ASCII digit.
func hasDigit(b []byte) bool {
	for _, c := range b {
		if isDigit(c) {
			return true
		}
	}
	return false
}

// machineOnly4 reports whether the digits of a dotted quad (first octet
// firstLen digits long) are a loopback address, 127.0.0.0/8, or the
// unspecified 0.0.0.0.
// networkOnly4 reports whether the dotted quad names a network, not a
// host: a netmask (255.255.255.0) or a network address written with its
// prefix length (10.0.0.0/24, every host bit zero). Neither is anyone's
// address (QA).
func (st *state) networkOnly4(sp *span) bool {
	var q [4]int
	off := 0
	for k := range 4 {
		q[k] = atoi(sp.digits[off : off+sp.lens[k]])
		off += sp.lens[k]
	}
	v := uint32(q[0])<<24 | uint32(q[1])<<16 | uint32(q[2])<<8 | uint32(q[3])
	if q[0] == 255 && v&(^v>>1) == 0 { // ones, then zeros
		return true
	}
	rest := st.text[sp.end:]
	if len(rest) < 2 || rest[0] != '/' || !isDigit(rest[1]) {
		return false
	}
	n := int(rest[1] - '0')
	if len(rest) > 2 && isDigit(rest[2]) {
		n = n*10 + int(rest[2]-'0')
	}
	return n < 32 && v&(1<<(32-n)-1) == 0
}

func machineOnly4(d []byte, firstLen int) bool {
	if firstLen == 3 && d[0] == '1' && d[1] == '2' && d[2] == '7' {
		return true
	}
	return len(d) == 4 && d[0] == '0' && d[1] == '0' && d[2] == '0' && d[3] == '0'
}
