package legalclock

import "strings"

// caveatMarkers are words that mark a parenthesised part of a rule's
// source as a research note for the people who maintain the table
// ("article believed, not verified", "per secondary summaries"), not as
// part of the citation.
var caveatMarkers = []string{"believed", "verified", "secondary", "summar", "to be checked"}

// NoticeCitation is source (a Rule's Source) as it may be quoted to a
// data subject: parenthesised research notes are left out; the rest of
// the citation, parenthesised parts that name or describe a provision
// included, is kept as written. Pages for the staff show Source itself.
func NoticeCitation(source string) string {
	var b strings.Builder
	rest := source
	for {
		open := strings.IndexByte(rest, '(')
		if open < 0 {
			b.WriteString(rest)
			break
		}
		end := closingParen(rest, open)
		if end < 0 { // unbalanced: keep the text as it is
			b.WriteString(rest)
			break
		}
		group := rest[open : end+1]
		if isCaveat(group) {
			b.WriteString(strings.TrimRight(rest[:open], " "))
		} else {
			b.WriteString(rest[:end+1])
		}
		rest = rest[end+1:]
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// closingParen returns the index of the parenthesis closing the one at
// open in s, or -1.
func closingParen(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

func isCaveat(group string) bool {
	g := strings.ToLower(group)
	for _, m := range caveatMarkers {
		if strings.Contains(g, m) {
			return true
		}
	}
	return false
}
