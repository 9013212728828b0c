package detect

import "unicode/utf8"

// lexEntry is what the word lists say about one folded word.
type lexEntry struct {
	hash   uint64
	name   uint16 // nVNStrong, nFirst, ... (names.go)
	street uint8  // swPrefix, swSuffix, ... (address.go)
	month  uint8  // 1-12 for a month name
	place  bool   // folds like a vnPlaceWords entry: compare as written
}

// lexicon is an open-addressing table of lexEntry by the 64-bit hash of
// the folded word: one pass over a word's bytes, no string is built.
type lexicon struct {
	slots []lexEntry
	mask  uint64
}

// FNV-1a parameters.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// hashFolded returns the hash of the folded form of b (as appendFolded
// would produce it).
func hashFolded(b []byte) uint64 {
	return hashFoldedFrom(fnvOffset, b)
}

// hashFoldedFrom continues hash h with the folded form of b.
func hashFoldedFrom(h uint64, b []byte) uint64 {
	for i := 0; i < len(b); {
		var sym uint8
		if c := b[i]; c < utf8.RuneSelf {
			sym = asciiSym[c]
			i++
		} else {
			var n int
			sym, n = symAt(b, i)
			i += n
		}
		switch {
		case sym >= 1 && sym <= 26:
			h = (h ^ uint64('a'+sym-1)) * fnvPrime
		case sym == symOther:
			h = (h ^ '?') * fnvPrime
		}
	}
	return h
}

// lookupWord returns the entry of the folded word b (zero if none).
func lookupWord(b []byte) lexEntry {
	return lex.find(hashFolded(b))
}

// find returns the entry with hash h.
func (l *lexicon) find(h uint64) lexEntry {
	for i := h & l.mask; ; i = (i + 1) & l.mask {
		e := l.slots[i]
		if e.hash == h || e.hash == 0 {
			if e.hash == 0 {
				return lexEntry{}
			}
			return e
		}
	}
}

// slot returns the entry for h, adding it if new.
func (l *lexicon) slot(h uint64) *lexEntry {
	for i := h & l.mask; ; i = (i + 1) & l.mask {
		e := &l.slots[i]
		if e.hash == h || e.hash == 0 {
			e.hash = h
			return e
		}
	}
}

// lex holds every word of the name, street and month lists.
var lex = func() *lexicon {
	l := &lexicon{slots: make([]lexEntry, 1<<13), mask: 1<<13 - 1}
	for w, f := range nameFlags {
		l.slot(hashFolded([]byte(w))).name |= f
	}
	for w, f := range streetFlags {
		l.slot(hashFolded([]byte(w))).street |= f
	}
	for w, m := range monthNames {
		l.slot(hashFolded([]byte(w))).month = uint8(m)
	}
	for _, w := range vnPlaceWords {
		l.slot(hashFolded([]byte(w))).place = true
	}
	return l
}()
