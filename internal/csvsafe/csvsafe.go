// Package csvsafe defuses spreadsheet formulas in CSV files the server or
// the command line writes: a cell whose text a caller or a customer chose
// ("=HYPERLINK(…)", "+cmd|…") must not run when the file is opened in a
// spreadsheet (CSV injection, OWASP).
package csvsafe

// Cell returns s prefixed with a quote when it starts with = + - @, a tab
// or a carriage return, which spreadsheets read as the start of a
// formula; any other s is returned as is.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Row applies Cell to every cell of row, in place, and returns it.
func Row(row []string) []string {
	for i := range row {
		row[i] = Cell(row[i])
	}
	return row
}
