package source

import (
	"bytes"
	"math"
	"sort"
	"unicode"
	"unicode/utf8"
)

// The layout of a page's text: the runs the interpreter places are joined
// into words, and grouped by baseline into lines read top to bottom, left
// to right.

// Text layout, in ems of the font size: runs this close on the same
// baseline are one word, this far apart are separated by a space, and
// baselines this close are one line.
const (
	pdfJoinGap  = 0.15
	pdfBackGap  = 0.3
	pdfLineSkew = 0.4
	pdfSameY    = 0.05
	pdfRunCost  = 64 // bytes of bookkeeping counted per run
)

// pdfRun is a piece of text shown on a page: from x0 to x1 on the
// baseline y, in a font of the given size, all in default user space.
type pdfRun struct {
	x0, x1, y, size float64
	text            []byte
}

// add records a run of text, joined to the previous run when it goes on
// from where that one ended.
func (p *pdfPage) add(x0, x1, y, size float64, text string) error {
	clean := cleanPDFText(nil, text)
	if len(clean) == 0 {
		return nil
	}
	x0, x1, y, size = finite(x0), finite(x1), finite(y), math.Abs(finite(size))
	if n := len(p.runs); n > 0 {
		last := &p.runs[n-1]
		em := max(last.size, size, 1)
		gap := x0 - last.x1
		if math.Abs(y-last.y) <= pdfSameY*em && gap >= -pdfBackGap*em && gap <= pdfJoinGap*em {
			p.held += len(clean)
			last.text = append(last.text, clean...)
			last.x1 = x1
			return p.checkHeld()
		}
	}
	p.held += len(clean) + pdfRunCost
	p.runs = append(p.runs, pdfRun{x0: x0, x1: x1, y: y, size: size, text: clean})
	return p.checkHeld()
}

// checkHeld returns errPDFPageText once the page holds too much text.
func (p *pdfPage) checkHeld() error {
	if p.held > maxPDFPageText {
		return errPDFPageText
	}
	return nil
}

// finite returns f, or 0 when it is not a finite number.
func finite(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

// pdfLigatures spells out the Latin ligatures fonts map their glyphs to
// (U+FB00 to U+FB06), so that "ﬁona@example.com" reads as an address.
var pdfLigatures = [...]string{"ff", "fi", "fl", "ffi", "ffl", "st", "st"}

// cleanPDFText appends s to dst as UTF-8 text: bytes that are not UTF-8
// are read as Latin-1, control characters become spaces, ligatures are
// spelled out, and replacement characters (codes the font does not map)
// are dropped.
func cleanPDFText(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			r = rune(s[i-1])
		case r == utf8.RuneError:
			continue
		case r >= 0xFB00 && r <= 0xFB06:
			dst = append(dst, pdfLigatures[r-0xFB00]...)
			continue
		}
		if unicode.IsControl(r) {
			r = ' '
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// lines calls fn with each line of the page, top to bottom: the runs whose
// baselines are close, left to right, with a space where they are apart.
func (p *pdfPage) lines(fn func(text []byte) error) error {
	runs := p.runs
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].y > runs[j].y })
	var line []byte
	for i := 0; i < len(runs); {
		j := i + 1
		for j < len(runs) && runs[i].y-runs[j].y <= pdfLineSkew*max(runs[i].size, runs[j].size, 1) {
			j++
		}
		group := runs[i:j]
		sort.SliceStable(group, func(a, b int) bool { return group[a].x0 < group[b].x0 })
		line = joinRuns(line[:0], group)
		if err := fn(line); err != nil {
			return err
		}
		i = j
	}
	return nil
}

// joinRuns appends the runs of one line to dst, left to right, with a
// space between two runs that are apart, and without a run that repeats
// the one before at almost the same place (text drawn twice for bold).
func joinRuns(dst []byte, group []pdfRun) []byte {
	end := math.Inf(-1)
	for k, r := range group {
		if k > 0 {
			prev := group[k-1]
			em := max(r.size, prev.size, 1)
			if bytes.Equal(r.text, prev.text) && math.Abs(r.x0-prev.x0) < pdfJoinGap*em {
				continue
			}
			if r.x0-end > pdfJoinGap*em && len(dst) > 0 && dst[len(dst)-1] != ' ' && r.text[0] != ' ' {
				dst = append(dst, ' ')
			}
		}
		dst = append(dst, r.text...)
		end = max(end, r.x0, r.x1)
	}
	return dst
}
