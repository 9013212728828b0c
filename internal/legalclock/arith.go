package legalclock

// add returns the date a period of n units ends, counted from start (the
// start date itself is not counted), before any roll to a working day.
func add(start date, n int, u Unit, w *days) date {
	switch u {
	case Months:
		return start.addMonths(n)
	case BusinessDays:
		d := start
		for n > 0 {
			d = d.addDays(1)
			if w.working(d) {
				n--
			}
		}
		return d
	default: // CalendarDays; units are validated before we get here
		return start.addDays(n)
	}
}

// roll returns d, or the next working day when d is not one.
func roll(d date, w *days) date {
	for !w.working(d) {
		d = d.addDays(1)
	}
	return d
}

// end returns the date a period ends: add, then roll when asked.
func end(start date, p Period, rollForward bool, w *days) date {
	d := add(start, p.N, p.Unit, w)
	if rollForward {
		d = roll(d, w)
	}
	return d
}

// extended returns the date the period ends after k extensions. When the
// extension is counted in the period's own unit the periods add up and are
// counted from the start (one month extended by two is three months from
// receipt, as Reg. 1182/71 counts a period of months); otherwise each
// extension runs from the unrolled end of what came before. The roll to a
// working day, if any, applies once, to the final date.
func extended(start date, r Rule, k int, w *days) date {
	if k == 0 {
		return end(start, r.Period, r.RollToWorkingDay, w)
	}
	x := r.Extension.Period
	var d date
	if x.Unit == r.Period.Unit {
		d = add(start, r.Period.N+k*x.N, x.Unit, w)
	} else {
		d = add(start, r.Period.N, r.Period.Unit, w)
		d = add(d, k*x.N, x.Unit, w)
	}
	if r.RollToWorkingDay {
		d = roll(d, w)
	}
	return d
}
