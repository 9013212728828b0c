package detect

// span is a candidate number: some consecutive groups of a numRun.
type span struct {
	start, end int    // bytes, a leading + or ( included
	digits     []byte // the digits only
	ng         int
	lens       [maxGroups]int
	seps       [maxGroups]byte // seps[k] is the separator before group k
	sep        byte            // the separator if all are the same, 'x' if mixed, 0 for one group
	plus       bool
	paren      bool
	// afterPlus: the run began with a + that this span leaves out (the
	// span starts after "+33"): the calling code was written, so the rest
	// is no number of its own.
	afterPlus bool
}

// grouped reports whether the span is written in groups.
func (sp *span) grouped() bool { return sp.ng > 1 || sp.paren }

// singleDigitGroups counts the groups of one digit.
func (sp *span) singleDigitGroups() int {
	n := 0
	for k := range sp.ng {
		if sp.lens[k] == 1 {
			n++
		}
	}
	return n
}

// maxGroup returns the length of the longest group.
func (sp *span) maxGroup() int {
	n := 0
	for k := range sp.ng {
		n = max(n, sp.lens[k])
	}
	return n
}

// lensAre reports whether the group lengths are exactly ls.
func (sp *span) lensAre(ls ...int) bool {
	if sp.ng != len(ls) {
		return false
	}
	for k, l := range ls {
		if sp.lens[k] != l {
			return false
		}
	}
	return true
}

// makeSpan builds the span of groups [g0, g1) of r into st.sp.
func (st *state) makeSpan(r *numRun, g0, g1 int) *span {
	sp := &st.sp
	sp.start = r.groups[g0].start
	sp.plus, sp.paren = false, false
	sp.afterPlus = r.plus && g0 > 0
	if g0 == 0 {
		sp.start = r.start
		sp.plus = r.plus
		sp.paren = r.paren && r.start < r.groups[0].start
	}
	sp.end = r.groups[g1-1].end
	sp.ng = g1 - g0
	sp.sep = 0
	st.buf = st.buf[:0]
	for k := 0; k < sp.ng; k++ {
		g := r.groups[g0+k]
		st.buf = append(st.buf, st.text[g.start:g.end]...)
		sp.lens[k] = g.end - g.start
		sp.seps[k] = 0
		if k > 0 {
			sp.seps[k] = g.sep
			if g.sep == 'p' {
				sp.paren = true
			}
			switch {
			case k == 1:
				sp.sep = g.sep
			case sp.sep != g.sep:
				sp.sep = 'x'
			}
		}
	}
	sp.digits = st.buf
	return sp
}

// spanCtx returns the context of the candidate starting at start,
// computed once per start.
func (st *state) spanCtx(start int) ctxMask {
	if st.memoPos != start+1 {
		st.memoPos = start + 1
		st.memo = st.context(start)
	}
	return st.memo
}

// classify reports whether groups [g0, g1) of r form a known shape; if it
// is personal data, the finding is added.
func (st *state) classify(r *numRun, g0, g1 int) bool {
	sp := st.makeSpan(r, g0, g1)
	nd := len(sp.digits)
	if nd > 19 {
		return false
	}
	var best hit
	found, known := false, false
	consider := func(h hit, ok bool) {
		if ok && (!found || h.conf > best.conf || (h.conf == best.conf && entRank[h.ent] > entRank[best.ent])) {
			best, found = h, true
		}
	}
	if sp.ng == 4 && sp.sep == '.' {
		h, ok, isIP := st.ipv4(sp)
		consider(h, ok)
		known = known || isIP
	}
	if sp.ng == 3 && (sp.sep == '/' || sp.sep == '-' || sp.sep == '.') || sp.ng == 1 && nd == 8 {
		h, ok, isDate := st.dateNumeric(sp)
		consider(h, ok)
		known = known || isDate
	}
	if !known {
		switch {
		case nd >= 13:
			consider(st.card(sp))
		case nd == 12:
			consider(st.aadhaar(sp))
			consider(st.cccd(sp))
		case nd == 11, nd == 10:
			consider(st.cccdUnpadded(sp))
		case nd == 9:
			consider(st.ssn(sp))
			consider(st.cmnd(sp))
			consider(st.passportDigits(sp))
			// 078-05-1120 is written as an SSN is: an invalid one is
			// no phone number either.
			known = sp.lensAre(3, 2, 4) && sp.sep == '-'
		}
		if nd >= 7 && nd <= 17 && !known {
			consider(st.phone(sp))
		}
	}
	if found {
		st.add(best)
	} else if known {
		// A date or a version number ends the previous value's context.
		st.lastEnd = max(st.lastEnd, sp.end)
	}
	return found || known
}
