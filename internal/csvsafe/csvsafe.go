// Package csvsafe defuses spreadsheet formulas in CSV files the server or
// the command line writes: a cell whose text a caller or a customer chose
// ("=HYPERLINK(…)", "+cmd|…") must not run when the file is opened in a
// spreadsheet (CSV injection, OWASP).
package csvsafe

// Cell returns s prefixed with a quote when it starts with = + - @, a tab
// or a carriage return, which spreadsheets read as the start of a
// formula; any other s is returned as is. A plain signed number
// ("-12.50", or a phone number in E.164 form, "+84912345678") is returned
// as is too: it names no function, cell or command, so it cannot run
// anything, and quoting it would alter the value a person gets back.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return "'" + s
	case '+', '-':
		if !signedNumber(s) {
			return "'" + s
		}
	}
	return s
}

// signedNumber reports whether s is a sign, then digits, then at most one
// '.' followed by digits.
func signedNumber(s string) bool {
	digits, dot := 0, false
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot && digits > 0 && i < len(s)-1:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// Row applies Cell to every cell of row, in place, and returns it.
func Row(row []string) []string {
	for i := range row {
		row[i] = Cell(row[i])
	}
	return row
}
