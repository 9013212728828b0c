package source

import (
	"strings"
	"unicode"
)

// headerKind is the verdict on a CSV file's first row.
type headerKind int

// The verdicts.
const (
	headerNone headerKind = iota // data: scanned like any row
	headerSure                   // a header: named columns, not scanned
	headerSoft                   // likely a header: names the columns, and is scanned too
)

// maxHeaderCell is the longest cell a header row may hold.
const maxHeaderCell = 128

// cellKind classifies a cell for the header guess.
type cellKind int

// The kinds.
const (
	cellEmpty cellKind = iota
	cellText
	cellNumeric // digits-heavy: numbers, phone numbers, dates, identifiers
	cellEmail   // holds an @
)

// classify returns the kind of cell.
func classify(cell string) cellKind {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return cellEmpty
	}
	if strings.ContainsRune(cell, '@') {
		return cellEmail
	}
	digits, letters := 0, 0
	for _, r := range cell {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case unicode.IsLetter(r):
			letters++
		}
	}
	if digits > 0 && digits*2 >= digits+letters {
		return cellNumeric
	}
	return cellText
}

// judgeHeader decides whether first, a CSV file's first row, is a header,
// given the rows that follow it (a sample). A header holds distinct,
// short, text cells, neither digits-heavy nor e-mail addresses. It is
// sure when some column's values are mostly numbers or addresses, or all
// of one length that its name lacks, while no column name recurs among
// its values; with no such evidence either way it is soft (its cells name
// the columns and are scanned too, lest a row of data be lost); with no
// sample rows, or evidence against, it is data.
func judgeHeader(first []string, sample [][]string) headerKind {
	seen := make(map[string]bool, len(first))
	nonEmpty := 0
	for _, c := range first {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if len(c) > maxHeaderCell || seen[c] || classify(c) != cellText {
			return headerNone
		}
		seen[c] = true
		nonEmpty++
	}
	if nonEmpty == 0 || len(sample) == 0 {
		return headerNone
	}
	votes := 0
	for j, name := range first {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		typed, values, length := 0, 0, -1
		sameLength := true
		for _, row := range sample {
			if j >= len(row) {
				continue
			}
			v := strings.TrimSpace(row[j])
			k := classify(v)
			if k == cellEmpty {
				continue
			}
			if v == name {
				return headerNone
			}
			values++
			if k == cellNumeric || k == cellEmail {
				typed++
			}
			if length == -1 {
				length = len(v)
			} else if len(v) != length {
				sameLength = false
			}
		}
		switch {
		case values == 0:
		case typed*5 >= values*4:
			votes++
		case values > 1 && sameLength && len(name) != length:
			votes++
		}
	}
	if votes > 0 {
		return headerSure
	}
	return headerSoft
}

// maxTitleRows bounds the title rows looked for above a table.
const maxTitleRows = 3

// titleRows returns how many rows at the top of a table are titles, not
// its header: each holds a single cell of words ("Danh sách khách hàng
// tháng 3", "Xuất ngày 15/03/2024") or nothing (the blank line a sheet leaves under its title), at most
// maxTitleRows of them hold a title, and the row below them holds two
// cells or more. The header is then judged on the row after the titles.
func titleRows(rows [][]string) int {
	titles := 0
	for t := 0; t < len(rows) && t <= 2*maxTitleRows; t++ {
		switch n, _ := nonEmptyCells(rows[t]); {
		case n == 0:
		case n == 1 && titleCell(rows[t]):
			if titles++; titles > maxTitleRows {
				return 0
			}
		case n >= 2 && titles > 0:
			return t
		default:
			return 0
		}
	}
	return 0
}

// titleCell reports whether a row's one non-blank cell reads as a title:
// words, perhaps with a date or number in them ("Xuất ngày 15/03/2024"),
// not a bare number or an e-mail address.
func titleCell(row []string) bool {
	for _, c := range row {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if strings.ContainsRune(c, '@') {
			return false
		}
		letters := 0
		for _, r := range c {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		return letters >= 3
	}
	return false
}

// nonEmptyCells counts the cells of row that are not blank, and gives the
// kind of the last of them.
func nonEmptyCells(row []string) (n int, kind cellKind) {
	for _, c := range row {
		if k := classify(c); k != cellEmpty {
			n, kind = n+1, k
		}
	}
	return n, kind
}
