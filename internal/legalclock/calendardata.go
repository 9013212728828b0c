package legalclock

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

//go:embed holidays.yaml
var holidaysYAML []byte

type calendarsFile struct {
	Calendars []calendarEntry `yaml:"calendars"`
}

type calendarEntry struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Observed    string `yaml:"observed"`
	Fixed       []struct {
		Date  string    `yaml:"date"`
		Name  string    `yaml:"name"`
		From  strictInt `yaml:"from"`
		Until strictInt `yaml:"until"`
	} `yaml:"fixed"`
	NthWeekday []struct {
		Month   strictInt `yaml:"month"`
		Weekday string    `yaml:"weekday"`
		N       strictInt `yaml:"n"`
		Name    string    `yaml:"name"`
		From    strictInt `yaml:"from"`
		Until   strictInt `yaml:"until"`
	} `yaml:"nth_weekday"`
	Easter []struct {
		Offset strictInt `yaml:"offset"`
		Name   string    `yaml:"name"`
		From   strictInt `yaml:"from"`
		Until  strictInt `yaml:"until"`
	} `yaml:"easter"`
	Dates []struct {
		Date string `yaml:"date"`
		Name string `yaml:"name"`
	} `yaml:"dates"`
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// parseCalendars reads the calendar definitions of holidays.yaml.
func parseCalendars(src []byte) (map[string]*Calendar, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	var f calendarsFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("holiday calendars: %w", err)
	}
	out := map[string]*Calendar{}
	for i, e := range f.Calendars {
		c, err := e.build()
		if err != nil {
			return nil, fmt.Errorf("calendar %d (%s): %w", i+1, e.Name, err)
		}
		if _, dup := out[c.name]; dup {
			return nil, fmt.Errorf("calendar %d: duplicate name %s", i+1, c.name)
		}
		out[c.name] = c
	}
	return out, nil
}

func (e calendarEntry) build() (*Calendar, error) {
	c := &Calendar{name: strings.TrimSpace(e.Name), desc: strings.TrimSpace(e.Description),
		dates: map[date]string{}, years: &sync.Map{}}
	if !validCalendarName(c.name) {
		return nil, fmt.Errorf("bad name")
	}
	switch o := observance(e.Observed); o {
	case observeNone, observeNearestWeekday, observeNextWorkingDay:
		c.observed = o
	default:
		return nil, fmt.Errorf("observed must be none, nearest_weekday or next_working_day")
	}
	for _, h := range e.Fixed {
		t, err := time.Parse("01-02", h.Date)
		if err != nil || h.Name == "" {
			return nil, fmt.Errorf("fixed holiday %q: want MM-DD and a name", h.Date)
		}
		c.fixed = append(c.fixed, fixedHoliday{t.Month(), t.Day(), h.Name, yearSpan{int(h.From), int(h.Until)}})
	}
	for _, h := range e.NthWeekday {
		wd, ok := weekdays[h.Weekday]
		if !ok || h.Month < 1 || h.Month > 12 || !(h.N >= 1 && h.N <= 4 || h.N == -1) || h.Name == "" {
			return nil, fmt.Errorf("nth_weekday %q: want month 1-12, a weekday, n 1-4 or -1, and a name", h.Name)
		}
		c.nth = append(c.nth, nthHoliday{time.Month(h.Month), wd, int(h.N), h.Name, yearSpan{int(h.From), int(h.Until)}})
	}
	for _, h := range e.Easter {
		if h.Offset < -100 || h.Offset > 100 || h.Name == "" {
			return nil, fmt.Errorf("easter %q: want an offset within 100 days and a name", h.Name)
		}
		c.easter = append(c.easter, easterHoliday{int(h.Offset), h.Name, yearSpan{int(h.From), int(h.Until)}})
	}
	for _, h := range e.Dates {
		d, ok := parseDate(h.Date)
		if !ok || h.Name == "" {
			return nil, fmt.Errorf("date %q: want YYYY-MM-DD and a name", h.Date)
		}
		c.dates[d] = h.Name
	}
	return c, nil
}

// validCalendarName accepts 1 to 32 ASCII letters, digits, '-' and '_'.
func validCalendarName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
