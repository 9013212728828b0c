package detect

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"custodia/internal/scan"
)

// Scanner finds personal data in text. It is safe for concurrent use.
type Scanner struct {
	minConf float64
	phones  []*phoneRegion // the configured regions, in order
	vn, in  bool           // VN and IN national ids enabled
	us      bool           // US SSN enabled

	// The date used to judge birth dates (age 0 to 120).
	nowY, nowM, nowD int

	hints  sync.Map // hint string -> ctxMask
	nhints atomic.Int32
	pool   sync.Pool
}

// maxHintCache bounds the number of distinct hints remembered.
const maxHintCache = 4096

// New returns a Scanner for opts. Unknown regions are ignored and
// MinConfidence is clamped to [0, 1]; see Options.Validate.
func New(opts Options) *Scanner {
	s := &Scanner{minConf: min(max(opts.MinConfidence, 0), 1)}
	if opts.MinConfidence != opts.MinConfidence { // NaN
		s.minConf = 0
	}
	t := phoneData()
	for _, r := range opts.regions() {
		if pr := t.byRegion[r]; pr != nil {
			s.phones = append(s.phones, pr)
			pr.once.Do(pr.compile)
		}
		switch r {
		case "VN":
			s.vn = true
		case "IN":
			s.in = true
		case "US":
			s.us = true
		}
	}
	now := time.Now()
	s.nowY, s.nowM, s.nowD = now.Year(), int(now.Month()), now.Day()
	s.pool.New = func() any { return &state{} }
	return s
}

// Scan reports the findings in text, in order of their start offset, by
// calling fn for each. hint is context from the structure around the
// text: a CSV column header, a JSON key, "" for free text; it counts as
// context words do (and a name or address hint makes the whole text a
// candidate). Scan never keeps text or passes it to fn: findings carry
// offsets and a masked preview only.
func (s *Scanner) Scan(text []byte, hint string, fn func(scan.Finding)) {
	st := s.pool.Get().(*state)
	st.scan(s, text, s.hintMask(hint), fn)
	s.pool.Put(st)
}

// scan is one call of Scan on st.
func (st *state) scan(s *Scanner, text []byte, hint ctxMask, fn func(scan.Finding)) {
	st.reset(s, text, hint, fn)
	st.wholeCell()
	st.run()
	st.flush(len(text) + 1)
	st.text, st.fn = nil, nil
}

// Session scans texts one after another on one goroutine, reusing its
// state and a cache of hints across calls: cheaper than Scan for many
// small texts such as the cells of a table. It is not safe for concurrent
// use; give each goroutine its own.
type Session struct {
	s     *Scanner
	st    state
	hints map[string]ctxMask
}

// NewSession returns a Session of s.
func (s *Scanner) NewSession() *Session {
	return &Session{s: s, hints: make(map[string]ctxMask)}
}

// Scan is Scanner.Scan.
func (ss *Session) Scan(text []byte, hint string, fn func(scan.Finding)) {
	var m ctxMask
	if hint != "" {
		var ok bool
		if m, ok = ss.hints[hint]; !ok {
			m = ss.s.hintMask(hint)
			if len(ss.hints) < maxHintCache {
				ss.hints[hint] = m
			}
		}
	}
	ss.st.scan(ss.s, text, m, fn)
}

// hintMask returns the context kinds of a hint, cached.
func (s *Scanner) hintMask(hint string) ctxMask {
	if hint == "" {
		return 0
	}
	if m, ok := s.hints.Load(hint); ok {
		return m.(ctxMask)
	}
	m := hintMask(hint)
	// "Họ" (family name) and "Tên" (given name) alone are column headers
	// of Vietnamese exports; in running text they are too ambiguous ("hồ"
	// is a lake, "ten" a number) to be context words.
	switch foldString(hint) {
	case "ho":
		m |= ctxName | ctxLastName
	case "ten":
		m |= ctxName | ctxFirstName
	}
	if s.nhints.Load() < maxHintCache {
		s.nhints.Add(1)
		s.hints.Store(hint, m)
	}
	return m
}

// state is the per-call scanning state, pooled.
type state struct {
	s    *Scanner
	text []byte
	hint ctxMask
	fn   func(scan.Finding)
	ctx  ctxScanner

	pending []hit
	nr      numRun
	sp      span
	memoPos int // 1 + the start whose context is memo
	memo    ctxMask
	lastEnd int    // the end of the latest finding added by the main loop
	buf     []byte // scratch for folded words and digits
	pbuf    []byte // scratch for previews
	arena   []byte // previews handed out, never overwritten (see intern)
}

// reset prepares st for a call.
func (st *state) reset(s *Scanner, text []byte, hint ctxMask, fn func(scan.Finding)) {
	st.s, st.text, st.hint, st.fn = s, text, hint, fn
	st.ctx.reset(text)
	st.pending = st.pending[:0]
	st.memoPos = 0
	st.lastEnd = 0
}

// context returns the context kinds for a candidate starting at start:
// the words in the window before it, back to the end of the previous
// finding at most (in "SĐT 0912345678, CCCD 079190012345" the CCCD's
// label is "CCCD" only), and the hint.
func (st *state) context(start int) ctxMask {
	from := start - ctxWindow
	if st.lastEnd <= start {
		from = max(from, st.lastEnd)
	}
	return st.ctx.at(from, start) | st.hint
}

// Byte classes of the main loop.
const (
	clsNone    = iota
	clsDigit   // 0-9
	clsPlus    // + (an international phone number)
	clsParen   // ( (a phone number's area code, or an obfuscated "(at)")
	clsBracket // [ and { (an obfuscated address's "[at]")
	clsAt      // @ (an e-mail address)
	clsColon   // : (an IPv6 address)
	clsUpper   // A-Z, and the lead byte of Đ
)

// byteClass is the class of every byte.
var byteClass = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = clsDigit
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = clsUpper
	}
	t['+'] = clsPlus
	t['('] = clsParen
	t['['] = clsBracket
	t['{'] = clsBracket
	t['@'] = clsAt
	t[':'] = clsColon
	t[0xC4] = clsUpper // Đ is C4 90
	return t
}()

// run is the single pass over the text.
func (st *state) run() {
	text := st.text
	n := len(text)
	for i := 0; i < n; {
		k := byteClass[text[i]]
		if k == clsNone {
			i++
			continue
		}
		next := i + 1
		switch k {
		case clsDigit:
			next = st.number(i)
		case clsPlus, clsParen:
			if i+1 < n && isDigit(text[i+1]) {
				next = st.number(i)
			} else if k == clsParen {
				next = st.obfuscatedEmail(i)
			}
		case clsBracket:
			next = st.obfuscatedEmail(i)
		case clsAt:
			next = st.email(i)
		case clsColon:
			next = st.ipv6(i)
		case clsUpper:
			if !(text[i] == 0xC4 && (i+1 >= n || text[i+1] != 0x90) || wordCharBefore(text, i)) {
				next = st.upperWord(i)
			}
		}
		i = max(next, i+1)
		if len(st.pending) > 4 && st.pending[0].end <= i-flushLag {
			st.flush(i - flushLag)
		}
	}
}

// flushLag is how far behind the scan position a pending finding must end
// before it is reported: later candidates can reach back at most this far
// (an e-mail address's local part, 64 bytes, expanding to the left of its
// '@'; an IPv6 address, 45).
const flushLag = maxLocal + 16

// add records a finding, resolving overlaps: of two overlapping findings
// only the one that beats the other is kept.
func (st *state) add(h hit) {
	if h.end <= h.start {
		return
	}
	if h.ent == entAddress && st.joinAddress(h) {
		return
	}
	overlaps := false
	for k := len(st.pending) - 1; k >= 0; k-- {
		o := &st.pending[k]
		if o.start < h.end && h.start < o.end {
			if !h.beats(o) {
				return
			}
			overlaps = true
		}
	}
	out := st.pending
	if overlaps {
		out = out[:0]
		for _, o := range st.pending {
			if !(o.start < h.end && h.start < o.end) {
				out = append(out, o)
			}
		}
	}
	pos := len(out)
	for pos > 0 && out[pos-1].start > h.start {
		pos--
	}
	st.pending = slices.Insert(out, pos, h)
	if h.ent != entPerson && h.ent != entAddress {
		// A value ends the context of the label before it; a name does
		// not ("SSN of Mary Williams (536221234)").
		st.lastEnd = max(st.lastEnd, h.end)
	}
}

// joinAddress makes one finding of the parts of one address: a part
// inside an address already pending (the whole cell of an address
// column) raises its confidence, and a part that follows one with only a
// comma or spaces between ("Marienplatz 8, 80331 München") extends it
// (QA: one cell gave two findings, and the redacted copy kept the rest of
// the address). It reports whether h was taken in.
func (st *state) joinAddress(h hit) bool {
	for k := len(st.pending) - 1; k >= 0; k-- {
		o := &st.pending[k]
		if o.ent != entAddress {
			continue
		}
		switch {
		case o.start <= h.start && h.end <= o.end:
			o.conf = max(o.conf, h.conf)
			return true
		case o.end <= h.start && onlySeparators(st.text[o.end:h.start]) && !st.pendingBetween(o.end, h.start):
			o.end, o.conf = h.end, max(o.conf, h.conf)
			return true
		}
	}
	return false
}

// onlySeparators reports whether b is a comma and spaces only.
func onlySeparators(b []byte) bool {
	for _, c := range b {
		if c != ',' && c != ' ' {
			return false
		}
	}
	return true
}

// pendingBetween reports whether a pending finding lies between from and to.
func (st *state) pendingBetween(from, to int) bool {
	for _, o := range st.pending {
		if o.start < to && from < o.end {
			return true
		}
	}
	return false
}

// flush reports the pending findings that end before limit.
func (st *state) flush(limit int) {
	k := 0
	for ; k < len(st.pending); k++ {
		h := &st.pending[k]
		if h.end > limit {
			break
		}
		if round2(h.conf) < st.s.minConf { // as reported: 0.7-0.2 is 0.49999999999999994, shown and meant as 0.5
			continue
		}
		cat := h.cat
		if cat == "" {
			cat = entCategory[h.ent]
		}
		st.fn(scan.Finding{
			Entity:     entityOf[h.ent],
			Start:      h.start,
			End:        h.end,
			Confidence: round2(h.conf),
			Category:   cat,
			Preview:    st.preview(h),
		})
	}
	if k > 0 {
		st.pending = append(st.pending[:0], st.pending[k:]...)
	}
}

// round2 rounds a confidence to two decimals.
func round2(c float64) float64 {
	return float64(int(c*100+0.5)) / 100
}
