package fieldtype

import (
	"strings"
	"time"
)

// Accepted year range for dates.
const (
	minYear = 1800
	maxYear = 2200
)

// normalizeDate accepts "YYYY-MM-DD" or an RFC 3339 timestamp and returns
// the date as written (an RFC 3339 timestamp is not converted to UTC: the
// date is the one in the timestamp's own offset).
func normalizeDate(s string) (string, *Error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fail(errEmpty)
	}
	if len(s) > len("2006-01-02") {
		if len(s) > 64 {
			return "", fail(errDate)
		}
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return "", fail(errDate)
		}
		s = s[:len("2006-01-02")]
	}
	if !isISODate(s) {
		return "", fail(errDate)
	}
	y := atoi(s[0:4])
	m := atoi(s[5:7])
	d := atoi(s[8:10])
	if y < minYear || y > maxYear || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return "", fail(errDateRange)
	}
	return s, nil
}

// isISODate reports whether s has the shape DDDD-DD-DD.
func isISODate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i != 4 && i != 7 && !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
