package detect

import (
	"encoding/binary"
	"regexp/syntax"
	"slices"
)

// digitDFA is a deterministic automaton over the digits 0-9 that accepts
// exactly the digit strings a regular expression matches in full. Phone
// number metadata patterns are compiled into these: walking ten digits
// through a table is far cheaper than running the regular expression.
type digitDFA struct {
	next   [][10]int32 // -1: no match possible
	accept []bool
}

// maxDFAStates bounds the subset construction.
const maxDFAStates = 1 << 15

// compileDigitDFA builds the automaton for pattern (matched in full); ok
// is false if the pattern does not parse or the automaton would be too
// large.
func compileDigitDFA(pattern string) (d *digitDFA, ok bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, false
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil, false
	}
	b := dfaBuilder{prog: prog, index: map[string]int32{}}
	d = &digitDFA{}
	first, acc := b.closure([]uint32{uint32(prog.Start)})
	b.add(d, first, acc)
	for i := 0; i < len(b.sets); i++ {
		for digit := range 10 {
			var seeds []uint32
			for _, pc := range b.sets[i] {
				in := &prog.Inst[pc]
				if in.MatchRune(rune('0' + digit)) {
					seeds = append(seeds, in.Out)
				}
			}
			if len(seeds) == 0 {
				d.next[i][digit] = -1
				continue
			}
			set, acc := b.closure(seeds)
			d.next[i][digit] = b.add(d, set, acc)
			if len(b.sets) > maxDFAStates {
				return nil, false
			}
		}
	}
	return d, true
}

// dfaBuilder holds the state of a subset construction.
type dfaBuilder struct {
	prog  *syntax.Prog
	sets  [][]uint32
	index map[string]int32
}

// closure returns the sorted set of rune instructions reachable from seeds
// without consuming input, and whether a match is.
func (b *dfaBuilder) closure(seeds []uint32) ([]uint32, bool) {
	seen := map[uint32]bool{}
	stack := slices.Clone(seeds)
	var set []uint32
	accept := false
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[pc] {
			continue
		}
		seen[pc] = true
		in := &b.prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Out, in.Arg)
		case syntax.InstCapture, syntax.InstNop, syntax.InstEmptyWidth:
			// Anchors are satisfied: matches are always of the whole string.
			stack = append(stack, in.Out)
		case syntax.InstMatch:
			accept = true
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			set = append(set, pc)
		}
	}
	slices.Sort(set)
	return set, accept
}

// add returns the state for set, creating it if new.
func (b *dfaBuilder) add(d *digitDFA, set []uint32, accept bool) int32 {
	key := make([]byte, 0, 4*len(set)+1)
	if accept {
		key = append(key, 1)
	} else {
		key = append(key, 0)
	}
	for _, pc := range set {
		key = binary.LittleEndian.AppendUint32(key, pc)
	}
	if id, ok := b.index[string(key)]; ok {
		return id
	}
	id := int32(len(b.sets))
	b.index[string(key)] = id
	b.sets = append(b.sets, set)
	d.next = append(d.next, [10]int32{})
	d.accept = append(d.accept, accept)
	return id
}

// match reports whether the automaton accepts digits (ASCII digits only).
func (d *digitDFA) match(digits []byte) bool {
	s := int32(0)
	for _, c := range digits {
		s = d.next[s][c-'0']
		if s < 0 {
			return false
		}
	}
	return d.accept[s]
}
