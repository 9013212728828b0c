package legalclock

import (
	"bytes"
	"io"
	"maps"
	"regexp"
	"strings"
	"unicode/utf8"

	"custodia/internal/apperr"
	"gopkg.in/yaml.v3"
)

// Limits on a holiday file.
const (
	maxHolidayDates   = 10000
	maxHolidayNameLen = 200
	defaultHolidayTag = "holiday (operator list)"
)

// LoadHolidays reads a holiday file (at most 1 MiB) and returns a new table
// whose named calendar also has those dates as holidays; t is unchanged.
// Loaded dates are taken as they are: none is moved off a weekend.
//
// The file is YAML:
//
//	calendar: VN
//	holidays:
//	  - {date: 2026-09-01, name: National Day (second day)}
//
// or a `calendar:` line followed by one ISO date per line, each with an
// optional name; blank lines and lines starting with # are skipped:
//
//	calendar: EU
//	2026-04-03 Good Friday
//	2026-10-03
//
// Errors are Invalid apperrs with code invalid_holidays, or
// unknown_calendar when the table has no calendar of that name.
func (t *Table) LoadHolidays(r io.Reader) (*Table, error) {
	src, err := readLimited(r)
	if err != nil {
		return nil, err
	}
	l, err := parseHolidays(src)
	if err != nil {
		return nil, err
	}
	cal, ok := t.calendars[l.calendar]
	if !ok {
		return nil, apperr.New(apperr.Invalid, CodeUnknownCalendar,
			"unknown calendar: want one of "+strings.Join(t.CalendarNames(), ", "))
	}
	nt := &Table{index: t.index, jurCal: t.jurCal, calendars: maps.Clone(t.calendars)}
	nt.calendars[l.calendar] = cal.withDates(l.dates)
	nt.rules = make([]Rule, len(t.rules))
	for i, r := range t.rules {
		r.cal = nt.calendars[r.Calendar]
		nt.rules[i] = r
	}
	return nt, nil
}

// holidayList is a parsed holiday file.
type holidayList struct {
	calendar string
	dates    map[date]string
}

var (
	calendarLine = regexp.MustCompile(`^calendar:[ \t]*([A-Za-z0-9_-]+)[ \t]*$`)
	dateLine     = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})(?:[ \t]+(.*))?$`)
)

func parseHolidays(src []byte) (holidayList, error) {
	if !utf8.Valid(src) {
		return holidayList{}, invalidHolidays("the holiday file is not UTF-8 text")
	}
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	var lines []string
	for _, ln := range strings.Split(string(src), "\n") {
		ln = strings.TrimSpace(ln)
		if ln != "" && !strings.HasPrefix(ln, "#") {
			lines = append(lines, ln)
		}
	}
	if len(lines) == 0 {
		return holidayList{}, invalidHolidays("the holiday file is empty")
	}
	if m := calendarLine.FindStringSubmatch(lines[0]); m != nil && allMatch(lines[1:], dateLine) {
		return parseHolidayLines(m[1], lines[1:])
	}
	return parseHolidayYAML(src)
}

func allMatch(lines []string, re *regexp.Regexp) bool {
	for _, ln := range lines {
		if !re.MatchString(ln) {
			return false
		}
	}
	return true
}

func parseHolidayLines(calendar string, lines []string) (holidayList, error) {
	l := holidayList{calendar: calendar, dates: map[date]string{}}
	for i, ln := range lines {
		m := dateLine.FindStringSubmatch(ln)
		if err := l.add(m[1], m[2]); err != nil {
			return holidayList{}, invalidHolidays("date line %d: %s", i+1, err)
		}
	}
	return l, l.check()
}

type holidayFile struct {
	Calendar string `yaml:"calendar"`
	Holidays []struct {
		Date string `yaml:"date"`
		Name string `yaml:"name"`
	} `yaml:"holidays"`
}

func parseHolidayYAML(src []byte) (holidayList, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	var f holidayFile
	if err := dec.Decode(&f); err != nil {
		return holidayList{}, &apperr.Error{Kind: apperr.Invalid, Code: CodeInvalidHolidays,
			Message: "the holiday file is neither date lines nor YAML of the expected shape", Cause: err}
	}
	if !validCalendarName(f.Calendar) {
		return holidayList{}, invalidHolidays("calendar must name a calendar")
	}
	l := holidayList{calendar: f.Calendar, dates: map[date]string{}}
	for i, h := range f.Holidays {
		if err := l.add(h.Date, h.Name); err != nil {
			return holidayList{}, invalidHolidays("holiday %d: %s", i+1, err)
		}
	}
	return l, l.check()
}

type holidayError string

func (e holidayError) Error() string { return string(e) }

func (l *holidayList) add(iso, name string) error {
	d, ok := parseDate(strings.TrimSpace(iso))
	if !ok {
		return holidayError("want an ISO date, YYYY-MM-DD")
	}
	if d.Y < minStartYear || d.Y > maxStartYear {
		return holidayError("the year is out of range")
	}
	name = strings.TrimSpace(name)
	if !ValidText(name, maxHolidayNameLen) || strings.ContainsAny(name, "\n\t") {
		return holidayError("the name is too long or has control characters")
	}
	if name == "" {
		name = defaultHolidayTag
	}
	if len(l.dates) >= maxHolidayDates {
		return holidayError("too many dates")
	}
	l.dates[d] = name
	return nil
}

func (l holidayList) check() error {
	if len(l.dates) == 0 {
		return invalidHolidays("the holiday file lists no dates")
	}
	return nil
}
