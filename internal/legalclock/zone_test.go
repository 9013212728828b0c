package legalclock

import (
	"testing"
	"time"
)

func TestStartDateIsTakenInTheGivenZone(t *testing.T) {
	hcm := mustLoc(t, "Asia/Ho_Chi_Minh")
	// 23:30 on 31 January 2025 in Ho Chi Minh City is 16:30 UTC that day and
	// 01:30 on 1 February in Tokyo.
	start := time.Date(2025, 1, 31, 23, 30, 0, 0, hcm)
	gdpr := mustRule(t, GDPR, Access)
	cases := []struct {
		zone string
		want string
	}{
		{"Asia/Ho_Chi_Minh", "2025-02-28"},
		{"UTC", "2025-02-28"},
		{"America/Los_Angeles", "2025-02-28"},
		// 1 February + 1 month is Saturday 1 March: rolled to Monday.
		{"Asia/Tokyo", "2025-03-03"},
	}
	for _, c := range cases {
		t.Run(c.zone, func(t *testing.T) {
			loc := mustLoc(t, c.zone)
			d := mustDeadlines(t, gdpr, start, loc, 0)
			if got := dateOf(d.Due, loc); got != c.want {
				t.Fatalf("due %s in %s, want %s", got, c.zone, c.want)
			}
			if d.Due.Location() != loc {
				t.Fatalf("due in %v, want %v", d.Due.Location(), loc)
			}
			if h, m, s := d.Due.Clock(); h != 23 || m != 59 || s != 59 {
				t.Fatalf("due at %v, want the end of the day", d.Due)
			}
		})
	}
}

func TestDaysLeftAndOverdue(t *testing.T) {
	hcm := mustLoc(t, "Asia/Ho_Chi_Minh")
	d := mustDeadlines(t, mustRule(t, GDPR, Access), time.Date(2025, 3, 3, 9, 0, 0, 0, hcm), hcm, 0)
	// Due at the end of 3 April 2025 in Ho Chi Minh City (16:59:59.999 UTC).
	cases := []struct {
		name    string
		now     time.Time
		left    int
		overdue bool
	}{
		{"on receipt", time.Date(2025, 3, 3, 9, 0, 0, 0, hcm), 31, false},
		{"day before", time.Date(2025, 4, 2, 23, 0, 0, 0, hcm), 1, false},
		{"due day, morning", time.Date(2025, 4, 3, 8, 0, 0, 0, hcm), 0, false},
		{"due day, last instant", d.Due, 0, false},
		{"first instant after", d.Due.Add(time.Nanosecond), -1, true},
		// 18:00 UTC on 3 April is already 4 April in Ho Chi Minh City.
		{"next day there, same day in UTC", time.Date(2025, 4, 3, 18, 0, 0, 0, time.UTC), -1, true},
		{"a week late", time.Date(2025, 4, 10, 12, 0, 0, 0, hcm), -7, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := DaysLeft(d.Due, c.now, hcm); got != c.left {
				t.Errorf("DaysLeft = %d, want %d", got, c.left)
			}
			if got := Overdue(d.Due, c.now); got != c.overdue {
				t.Errorf("Overdue = %v, want %v", got, c.overdue)
			}
			clock := Clock{Rule: mustRule(t, GDPR, Access), Start: time.Date(2025, 3, 3, 9, 0, 0, 0, hcm),
				Location: hcm, Now: func() time.Time { return c.now }}
			left, err := clock.DaysLeft()
			over, err2 := clock.Overdue()
			if err != nil || err2 != nil || left != c.left || over != c.overdue {
				t.Errorf("Clock: left %d (%v), overdue %v (%v)", left, err, over, err2)
			}
		})
	}
	if got := DaysLeft(d.Due, d.Due, nil); got != 0 {
		t.Errorf("DaysLeft with nil zone (UTC) = %d, want 0", got)
	}
}

func TestClockPassesExtensions(t *testing.T) {
	c := Clock{Rule: mustRule(t, HIPAA, Access), Start: day(t, "2025-03-03"), Location: time.UTC, Extensions: 1}
	d, err := c.Deadlines()
	if err != nil || dateOf(d.Due, time.UTC) != "2025-05-02" {
		t.Fatalf("due %v, err %v", d.Due, err)
	}
	c.Extensions = 2
	if _, err := c.DaysLeft(); err == nil {
		t.Fatal("two HIPAA extensions accepted")
	}
}

// TestConcurrentUse computes deadlines and loads holidays from many
// goroutines at once; run with -race it checks the shared calendars' caches.
func TestConcurrentUse(t *testing.T) {
	tab := Default()
	done := make(chan error)
	for g := 0; g < 8; g++ {
		go func() {
			var err error
			for i := 0; i < 200 && err == nil; i++ {
				start := time.Date(2020+(g+i)%40, time.Month(1+i%12), 1+i%28, 12, 0, 0, 0, time.UTC)
				for _, r := range tab.Rules() {
					if _, err = r.Deadlines(start, time.UTC, 0); err != nil {
						break
					}
				}
			}
			done <- err
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// TestTableCountsInTheJurisdictionsZones: on a UTC server, a CCPA request
// received at 19:00 in California on 20 November is due 45 days after the
// 20th there (4 January), not after the 21st, the UTC date; a zone east of
// the jurisdiction's changes nothing that would make it later (QA).
func TestTableCountsInTheJurisdictionsZones(t *testing.T) {
	la := mustLoc(t, "America/Los_Angeles")
	received := time.Date(2026, 11, 20, 19, 0, 0, 0, la)
	r := mustRule(t, CCPA, Access)
	d, err := Default().Deadlines(r, received, time.UTC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := dateOf(d.Due, la); got != "2027-01-04" {
		t.Errorf("due %s in California (%v), want 2027-01-04", got, d.Due)
	}
	if d.Due.Location() != time.UTC {
		t.Errorf("due expressed in %v, want the server's zone", d.Due.Location())
	}
	utcOnly := mustDeadlines(t, r, received, time.UTC, 0)
	if !d.Due.Before(utcOnly.Due) {
		t.Errorf("the table's due %v is not earlier than UTC's alone %v", d.Due, utcOnly.Due)
	}
	// A server in the jurisdiction's own zone gets its own count.
	local, err := Default().Deadlines(r, received, la, 0)
	if err != nil || !local.Due.Equal(d.Due) {
		t.Errorf("in California: %v %v, want %v", local.Due, err, d.Due)
	}
}
