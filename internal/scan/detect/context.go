package detect

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// acMachine is a deterministic Aho-Corasick automaton over the folded
// symbol stream. Every pattern is " word(s) ": it starts and ends with a
// space symbol, so only whole words match. State 0 is "inside a word that
// cannot start a match"; boundary is the state after a space.
type acMachine struct {
	trans    []uint16 // state*nSyms + symbol; outFlag set if the state has output
	out      []ctxMask
	boundary uint16
}

// outFlag marks, in a transition, a target state with output; stateMask
// extracts the state.
const (
	outFlag   = 1 << 15
	stateMask = outFlag - 1
)

// contextMachine is built once from ctxWords.
var contextMachine = buildMachine()

// buildMachine compiles ctxWords.
func buildMachine() *acMachine {
	type node struct {
		next [nSyms]int32
		fail int32
		out  ctxMask
	}
	nodes := []node{{}}
	for i := range nodes[0].next {
		nodes[0].next[i] = -1
	}
	add := func(syms []uint8, mask ctxMask) {
		cur := int32(0)
		for _, s := range syms {
			if nodes[cur].next[s] < 0 {
				n := node{}
				for i := range n.next {
					n.next[i] = -1
				}
				nodes = append(nodes, n)
				nodes[cur].next[s] = int32(len(nodes) - 1)
			}
			cur = nodes[cur].next[s]
		}
		nodes[cur].out |= mask
	}
	for _, g := range ctxWords {
		for _, w := range strings.Split(g.words, "|") {
			add(foldSyms(w), g.mask)
		}
	}
	// Breadth-first failure links, then full transitions.
	queue := []int32{}
	for s := range nSyms {
		if nx := nodes[0].next[s]; nx >= 0 {
			nodes[nx].fail = 0
			queue = append(queue, nx)
		} else {
			nodes[0].next[s] = 0
		}
	}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		nodes[cur].out |= nodes[nodes[cur].fail].out
		for s := range nSyms {
			nx := nodes[cur].next[s]
			if nx < 0 {
				nodes[cur].next[s] = nodes[nodes[cur].fail].next[s]
				continue
			}
			nodes[nx].fail = nodes[nodes[cur].fail].next[s]
			queue = append(queue, nx)
		}
	}
	if len(nodes) > stateMask {
		panic("detect: too many context word states")
	}
	m := &acMachine{trans: make([]uint16, len(nodes)*nSyms), out: make([]ctxMask, len(nodes))}
	for i, n := range nodes {
		for s := range nSyms {
			t := uint16(n.next[s])
			if nodes[t].out != 0 {
				t |= outFlag
			}
			m.trans[i*nSyms+s] = t
		}
		m.out[i] = n.out
	}
	m.boundary = m.trans[symSpace] & stateMask
	return m
}

// foldSyms turns a context word into its pattern: a space, the folded
// letters with single spaces between words, a space.
func foldSyms(w string) []uint8 {
	syms := []uint8{symSpace}
	for _, r := range w {
		s := foldRune(r)
		if s == symSkip || (s == symSpace && syms[len(syms)-1] == symSpace) {
			continue
		}
		syms = append(syms, s)
	}
	if syms[len(syms)-1] != symSpace {
		syms = append(syms, symSpace)
	}
	return syms
}

// hintMask returns the context kinds that a hint (a column header or a
// JSON key such as "customerPhone" or "ngay_sinh") names. camelCase is
// split into words.
func hintMask(hint string) ctxMask {
	if hint == "" {
		return 0
	}
	m := contextMachine
	state := m.boundary
	var mask ctxMask
	last := uint8(symSpace)
	prevLower := false
	for _, r := range hint {
		if prevLower && unicode.IsUpper(r) {
			state = m.trans[int(state)*nSyms+symSpace] & stateMask
			mask |= m.out[state]
			last = symSpace
		}
		prevLower = unicode.IsLower(r)
		s := foldRune(r)
		if s == symSkip || (s == symSpace && last == symSpace) {
			continue
		}
		state = m.trans[int(state)*nSyms+int(s)] & stateMask
		mask |= m.out[state]
		last = s
	}
	state = m.trans[int(state)*nSyms+symSpace] & stateMask
	return mask | m.out[state]
}

// ctxHit is a context word found in the text, by the offset of the byte
// that ended it.
type ctxHit struct {
	end  int
	mask ctxMask
}

// ctxRing is how many recent hits a ctxScanner remembers.
const ctxRing = 8

// ctxScanner runs contextMachine over a text lazily: only the windows
// before the candidates that ask for their context are read, each byte at
// most once, in increasing order.
type ctxScanner struct {
	text      []byte
	pos       int // next byte to read
	state     uint16
	lastSpace bool
	hits      [ctxRing]ctxHit
	nhits     int
	lastBreak int // the offset of the latest clause break read, or -1
	prevBreak int // the offset of the break before it, or -1
}

// isBreak reports whether c ends a clause or a cell: a label before it
// does not label what comes after ("Gift card,0801...": the CSV cell after
// a product named "card"; "confirmed receipt; 0912...").
func isBreak(c byte) bool {
	return c == ',' || c == ';' || c == '\n' || c == '|' || c == '\t' || c == '!' || c == '?'
}

// reset prepares the scanner for a new text.
func (c *ctxScanner) reset(text []byte) {
	c.text = text
	c.pos = 0
	c.state = contextMachine.boundary
	c.lastSpace = true
	c.nhits = 0
	c.lastBreak, c.prevBreak = -1, -1
}

// at returns the context kinds of the words that end in text[from:start]
// (from is at most ctxWindow bytes before start).
func (c *ctxScanner) at(from, start int) ctxMask {
	m := contextMachine
	from = max(from, start-ctxWindow)
	if c.pos < from-ctxLongest {
		c.jump(from - ctxLongest)
	}
	text := c.text
	if start > len(text) {
		start = len(text)
	}
	state, lastSpace := c.state, c.lastSpace
	i := c.pos
	for i < start {
		var s uint8
		if b := text[i]; b < utf8.RuneSelf {
			s = asciiSym[b]
			if s == symSpace && isBreak(b) {
				c.prevBreak, c.lastBreak = c.lastBreak, i
			}
			i++
			if lastSpace && '0' <= b && b <= '9' {
				// A number standing between words ends any phrase:
				// "Ngày sinh 12/05/1987, ngày mua" holds no "sinh ngày".
				// (A digit inside a word, "ipv4", is a space as before.)
				state, lastSpace = 0, false
				continue
			}
		} else {
			var n int
			s, n = symAt(text, i)
			i += n
			if s == symSkip {
				continue
			}
		}
		if s == symSpace {
			if lastSpace {
				continue
			}
			lastSpace = true
		} else {
			lastSpace = false
		}
		t := m.trans[int(state)*nSyms+int(s)]
		state = t & stateMask
		if t&outFlag != 0 {
			c.hits[c.nhits%ctxRing] = ctxHit{end: i - 1, mask: m.out[state]}
			c.nhits++
		}
	}
	c.pos = max(i, c.pos)
	c.state, c.lastSpace = state, lastSpace
	if c.lastBreak >= 0 && c.lastBreak >= from && c.lastBreak < start {
		if text[c.lastBreak] == '|' && blank(text[c.lastBreak+1:start]) {
			// The candidate opens the cell after a bar: the cell before
			// it is its label ("CMND | 123456789", a form's row read from
			// an HTML or DOCX table), and nothing before that.
			from = max(from, c.prevBreak+1)
		} else {
			from = c.lastBreak + 1
		}
	}
	var mask, nearest ctxMask
	if !lastSpace && c.pos < start+utf8.UTFMax {
		nearest = m.out[m.trans[int(state)*nSyms+symSpace]&stateMask]
		mask = nearest
	}
	n := min(c.nhits, ctxRing)
	for k := 0; k < n; k++ {
		h := c.hits[(c.nhits-1-k)%ctxRing]
		if h.end < from {
			break
		}
		if h.end < start {
			if nearest == 0 {
				nearest = h.mask
			}
			mask |= h.mask
		}
	}
	// A negative word counts only as the label nearest to the candidate:
	// "Order no. 0912345678" is not a phone number, "receipt. Phone
	// 0912345678" is.
	return mask&^ctxNegative | nearest&ctxNegative
}

// jump moves the scanner forward to from without reading what it skips.
func (c *ctxScanner) jump(from int) {
	for from < len(c.text) && !utf8.RuneStart(c.text[from]) {
		from++
	}
	c.pos = from
	if letterBefore(c.text, from) {
		c.state, c.lastSpace = 0, false
	} else {
		c.state, c.lastSpace = contextMachine.boundary, true
	}
}

// blank reports whether b holds only spaces and tabs.
func blank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}
