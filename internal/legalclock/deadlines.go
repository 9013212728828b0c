package legalclock

import (
	"time"

	"custodia/internal/apperr"
)

// Deadlines are the instants by which a request must be handled. Each is
// the last instant (23:59:59.999999999) of its due date in the zone given
// to Rule.Deadlines.
type Deadlines struct {
	Due            time.Time // complete the request, with the extensions asked for
	AcknowledgeBy  time.Time // confirm receipt; zero if the rule sets no time
	ExtendNoticeBy time.Time // tell the requester of an extension; zero if none applies
	MaxExtensions  int       // how many extensions the rule allows
}

// The years a start instant may fall in.
const (
	minStartYear = 1900
	maxStartYear = 9000
)

// Deadlines computes the deadlines of a request that started (was received
// or verified, as r.Start says) at start, counting dates in loc, with
// extensions extensions taken. The start date is start's date in loc: a
// request received at 23:30 on 31 January in Asia/Ho_Chi_Minh started on
// 31 January there but on 1 February in Asia/Tokyo.
//
// Errors (apperr): Invalid with invalid_location for a nil loc,
// invalid_start for a zero start or one outside the years 1900 to 9000,
// invalid_extensions for a negative count, invalid_rules for a rule that
// does not validate; Unprocessable with extension_not_allowed when
// extensions is above MaxExtensions.
func (r Rule) Deadlines(start time.Time, loc *time.Location, extensions int) (Deadlines, error) {
	if loc == nil {
		return Deadlines{}, apperr.New(apperr.Invalid, CodeInvalidLocation, "a time zone is required")
	}
	if start.IsZero() || start.In(loc).Year() < minStartYear || start.In(loc).Year() > maxStartYear {
		return Deadlines{}, apperr.New(apperr.Invalid, CodeInvalidStart, "the start time is missing or out of range")
	}
	if extensions < 0 {
		return Deadlines{}, apperr.New(apperr.Invalid, CodeInvalidExtensions, "the number of extensions cannot be negative")
	}
	r, err := r.resolved()
	if err != nil {
		return Deadlines{}, err
	}
	if extensions > r.Extension.MaxTimes {
		return Deadlines{}, apperr.Newf(apperr.Unprocessable, CodeExtensionNotAllowed,
			"this rule allows at most %d extension(s)", r.Extension.MaxTimes)
	}
	w := newDays(r.cal)
	s := dateIn(start, loc)
	d := Deadlines{
		Due:           extended(s, r, extensions, w).endIn(loc),
		MaxExtensions: r.Extension.MaxTimes,
	}
	if !r.Acknowledge.IsZero() {
		d.AcknowledgeBy = end(s, r.Acknowledge, r.RollToWorkingDay, w).endIn(loc)
	}
	if r.Extension.MaxTimes > 0 && !r.Extension.NotifyWithin.IsZero() {
		d.ExtendNoticeBy = end(s, r.Extension.NotifyWithin, r.RollToWorkingDay, w).endIn(loc)
	}
	return d, nil
}

// resolved returns the rule with its calendar. A rule from a Table has it;
// one built by hand is validated and looked up in the embedded calendars.
func (r Rule) resolved() (Rule, error) {
	if r.cal != nil {
		return r, nil
	}
	if r.Calendar == "" {
		r.Calendar = defaultTable.jurCal[r.Jurisdiction]
	}
	if err := r.Validate(); err != nil {
		return Rule{}, err
	}
	cal, ok := builtinCalendars[r.Calendar]
	if !ok {
		return Rule{}, apperr.New(apperr.Invalid, CodeUnknownCalendar, "the rule names an unknown calendar")
	}
	r.cal = cal
	return r, nil
}

// DaysLeft returns the calendar days from now's date to due's date, both
// taken in loc (UTC when loc is nil): 0 on the due date, negative once it
// has passed.
func DaysLeft(due, now time.Time, loc *time.Location) int {
	if loc == nil {
		loc = time.UTC
	}
	return dateIn(now, loc).daysUntil(dateIn(due, loc))
}

// Overdue reports whether now is past the deadline due.
func Overdue(due, now time.Time) bool { return now.After(due) }
