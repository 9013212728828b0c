package source

import "bytes"

// sniffLines is how many lines the delimiter and header guesses look at.
const sniffLines = 20

// detectDelimiter guesses the field delimiter of delimited text from its
// first lines (head; complete is false when head stops before the end of
// the file, so its last line may be cut): among the candidates, the one
// that appears the same number of times, more than zero, on most lines;
// ties go to the one that appears more often per line, then to the
// earlier candidate. It returns candidates[0] when none appears.
func detectDelimiter(head []byte, complete bool, candidates []byte) byte {
	lines := bytes.Split(head, []byte{'\n'})
	if !complete && len(lines) > 1 {
		lines = lines[:len(lines)-1]
	}
	var kept [][]byte
	for _, l := range lines {
		if len(bytes.TrimSpace(l)) > 0 {
			kept = append(kept, l)
		}
		if len(kept) == sniffLines {
			break
		}
	}
	best, bestAgree, bestMode := candidates[0], 0, 0
	for _, c := range candidates {
		counts := make(map[int]int)
		for _, l := range kept {
			counts[countOutsideQuotes(l, c)]++
		}
		mode, agree := 0, 0
		for n, k := range counts {
			if n > 0 && (k > agree || k == agree && n > mode) {
				mode, agree = n, k
			}
		}
		if agree > bestAgree || agree == bestAgree && mode > bestMode {
			best, bestAgree, bestMode = c, agree, mode
		}
	}
	return best
}

// countOutsideQuotes counts c in line outside double-quoted stretches.
func countOutsideQuotes(line []byte, c byte) int {
	n, quoted := 0, false
	for _, b := range line {
		switch {
		case b == '"':
			quoted = !quoted
		case b == c && !quoted:
			n++
		}
	}
	return n
}
