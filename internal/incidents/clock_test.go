package incidents

import (
	"strings"
	"testing"
	"time"

	"custodia/internal/legalclock"
)

// at parses an RFC 3339 time or fails the test.
func at(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatalf("parse %s: %v", s, err)
	}
	return t
}

// endOfDay is the last instant of an ISO date in loc.
func endOfDay(tb testing.TB, iso string, loc *time.Location) time.Time {
	tb.Helper()
	d, err := time.ParseInLocation(time.DateOnly, iso, loc)
	if err != nil {
		tb.Fatalf("parse %s: %v", iso, err)
	}
	return d.AddDate(0, 0, 1).Add(-time.Nanosecond)
}

// mustClocks computes clocks or fails the test.
func mustClocks(tb testing.TB, t *Table, f Facts) []Clock {
	tb.Helper()
	cs, err := t.Clocks(f)
	if err != nil {
		tb.Fatalf("Clocks: %v", err)
	}
	return cs
}

// find returns the clock of a regime and recipient, or nil.
func find(cs []Clock, regime, recipient string) *Clock {
	for i := range cs {
		if cs[i].Regime == regime && cs[i].Recipient == recipient {
			return &cs[i]
		}
	}
	return nil
}

// recipients lists "REGIME recipient" of each clock.
func recipients(cs []Clock) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Regime+" "+c.Recipient)
	}
	return strings.Join(out, ", ")
}

func TestGDPR72HoursFromAwareness(t *testing.T) {
	f := Facts{DetectedAt: at(t, "2026-03-02T08:00:00Z"), AwareAt: at(t, "2026-03-02T10:15:00Z"), Affected: map[string]int{"GDPR": 3}}
	cs := mustClocks(t, Default(), f)
	c := find(cs, "GDPR", "supervisory_authority")
	if c == nil {
		t.Fatalf("no supervisory authority clock: %s", recipients(cs))
	}
	if want := at(t, "2026-03-05T10:15:00Z"); !c.DueAt.Equal(want) || c.Audience != AudienceAuthority {
		t.Errorf("due %v (%s), want %v from awareness, not detection", c.DueAt, c.Audience, want)
	}
	if !strings.Contains(c.Source, "Art. 33(1)") || c.Affected != 3 || c.Period != "72 hours" {
		t.Errorf("clock %+v", c)
	}
	if find(cs, "GDPR", "data_subjects") != nil {
		t.Error("data subjects clock without high risk")
	}
	f.HighRisk = true
	cs = mustClocks(t, Default(), f)
	if c := find(cs, "GDPR", "data_subjects"); c == nil || !c.DueAt.Equal(f.AwareAt) {
		t.Errorf("high risk: data subjects clock %v, want due at once", c)
	}
}

func TestCalifornia30DaysAndAttorneyGeneral(t *testing.T) {
	f := Facts{DetectedAt: at(t, "2026-03-02T10:00:00Z"), AwareAt: at(t, "2026-03-04T09:00:00Z"), Affected: map[string]int{"CCPA": 500}}
	cs := mustClocks(t, Default(), f)
	res := find(cs, "CCPA", "residents")
	if res == nil || !res.DueAt.Equal(endOfDay(t, "2026-04-01", time.UTC)) {
		t.Fatalf("residents clock %v, want due at the end of 1 April (30 days from discovery)", res)
	}
	if find(cs, "CCPA", "attorney_general") != nil {
		t.Error("attorney general clock for 500 residents (only above 500)")
	}
	f.Affected["CCPA"] = 501
	cs = mustClocks(t, Default(), f)
	ag := find(cs, "CCPA", "attorney_general")
	if ag == nil || !ag.DueAt.Equal(endOfDay(t, "2026-04-16", time.UTC)) || ag.After != "residents" {
		t.Fatalf("attorney general clock %+v, want 15 days after the residents' due date", ag)
	}
	// Notifying the residents early moves the AG clock to 15 days after.
	r := Record{Incident: Incident{DetectedAt: f.DetectedAt}, Clocks: cs}
	sent := at(t, "2026-03-10T12:00:00Z")
	ev, err := r.Notify(Default(), NotificationInput{Regime: "ccpa", Recipient: "residents", SentAt: &sent}, "user:dpo", sent.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if ag := find(r.Clocks, "CCPA", "attorney_general"); !ag.DueAt.Equal(endOfDay(t, "2026-03-25", time.UTC)) || !ag.StartAt.Equal(sent) {
		t.Errorf("after notifying residents: AG due %v, want end of 25 March", ag.DueAt)
	}
	if len(ev) != 2 || ev[1].Kind != "clock_moved" {
		t.Errorf("events %+v", ev)
	}
}

func TestHIPAA60DaysAndHHS(t *testing.T) {
	det := at(t, "2026-05-04T15:00:00Z")
	cs := mustClocks(t, Default(), Facts{DetectedAt: det, AwareAt: det, Affected: map[string]int{"HIPAA": 500}})
	ind, hhs := find(cs, "HIPAA", "individuals"), find(cs, "HIPAA", "hhs")
	if ind == nil || !ind.DueAt.Equal(endOfDay(t, "2026-07-03", time.UTC)) {
		t.Fatalf("individuals %v, want end of 3 July (60 days)", ind)
	}
	if hhs == nil || !hhs.DueAt.Equal(ind.DueAt) || find(cs, "HIPAA", "hhs_annual_log") != nil {
		t.Errorf("500 individuals: HHS %v, want with the individuals and no yearly log (%s)", hhs, recipients(cs))
	}
	cs = mustClocks(t, Default(), Facts{DetectedAt: det, AwareAt: det, Affected: map[string]int{"HIPAA": 499}})
	log := find(cs, "HIPAA", "hhs_annual_log")
	if find(cs, "HIPAA", "hhs") != nil || log == nil || !log.DueAt.Equal(endOfDay(t, "2027-03-01", time.UTC)) {
		t.Errorf("499 individuals: %s; yearly log %v, want due 1 March 2027", recipients(cs), log)
	}
}

func TestLGPDThreeBusinessDays(t *testing.T) {
	// Aware on Thursday 2 April 2026: Friday 3 April is Good Friday, a
	// national holiday, then the weekend: Monday, Tuesday, Wednesday.
	f := Facts{DetectedAt: at(t, "2026-04-02T09:00:00Z"), AwareAt: at(t, "2026-04-02T11:00:00Z"), Affected: map[string]int{"LGPD": 10}}
	cs := mustClocks(t, Default(), f)
	if c := find(cs, "LGPD", "anpd"); c == nil || !c.DueAt.Equal(endOfDay(t, "2026-04-08", time.UTC)) {
		t.Fatalf("anpd %v, want end of Wednesday 8 April (Good Friday and the weekend skipped)", c)
	}
	// Aware on Thursday 9 April: Friday, Monday, Tuesday.
	later := Facts{DetectedAt: at(t, "2026-04-09T09:00:00Z"), AwareAt: at(t, "2026-04-09T11:00:00Z"), Affected: map[string]int{"LGPD": 10}}
	if c := find(mustClocks(t, Default(), later), "LGPD", "anpd"); c == nil || !c.DueAt.Equal(endOfDay(t, "2026-04-14", time.UTC)) {
		t.Fatalf("anpd %v, want end of Tuesday 14 April (weekend skipped)", c)
	}
	if c := find(cs, "LGPD", "data_subjects"); c == nil || c.Audience != AudienceIndividuals {
		t.Errorf("data subjects clock %v", c)
	}
	// With a municipal holiday loaded on top (Monday 6 April, made up for
	// this test), in São Paulo time: Tuesday, Wednesday, Thursday.
	cals, err := legalclock.Default().LoadHolidays(strings.NewReader("calendar: BR\n2026-04-06 Feriado municipal\n"))
	if err != nil {
		t.Fatal(err)
	}
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	tab, err := Default().With(cals, sp)
	if err != nil {
		t.Fatal(err)
	}
	cs = mustClocks(t, tab, f)
	if c := find(cs, "LGPD", "anpd"); !c.DueAt.Equal(endOfDay(t, "2026-04-09", sp)) {
		t.Errorf("anpd with a loaded holiday %v, want end of Thursday 9 April in São Paulo", c.DueAt)
	}
	// 23:30 on a Friday in São Paulo is Saturday in UTC: the start date is
	// taken in the table's zone.
	f.AwareAt = at(t, "2026-04-10T23:30:00-03:00")
	if c := find(mustClocks(t, tab, f), "LGPD", "anpd"); !c.DueAt.Equal(endOfDay(t, "2026-04-15", sp)) {
		t.Errorf("anpd from Friday night %v, want end of Wednesday 15 April", c.DueAt)
	}
}

func TestVietnam72HoursFromDetection(t *testing.T) {
	f := Facts{DetectedAt: at(t, "2026-02-13T23:00:00+07:00"), AwareAt: at(t, "2026-02-14T09:00:00+07:00"), Affected: map[string]int{"VN": 1}}
	c := find(mustClocks(t, Default(), f), "VN", "authority")
	if c == nil || !c.DueAt.Equal(at(t, "2026-02-16T23:00:00+07:00")) {
		t.Errorf("VN %v, want 72 hours after detection, Tết or not", c)
	}
}

func TestIndiaWithoutDelayAndReport(t *testing.T) {
	aware := at(t, "2026-06-01T06:00:00Z")
	cs := mustClocks(t, Default(), Facts{DetectedAt: aware.Add(-time.Hour), AwareAt: aware, Affected: map[string]int{"DPDP": 2}})
	for _, r := range []string{"data_principals", "board"} {
		if c := find(cs, "DPDP", r); c == nil || !c.DueAt.Equal(aware) || c.Period != "without delay" {
			t.Errorf("%s: %v, want due at awareness", r, c)
		}
	}
	rep := find(cs, "DPDP", "board_report")
	if rep == nil || !rep.DueAt.Equal(aware.Add(72*time.Hour)) {
		t.Fatalf("board report %v, want 72 hours after awareness", rep)
	}
	if rep.Overdue(aware.Add(71*time.Hour)) || !rep.NearEnd(aware.Add(61*time.Hour)) || rep.NearEnd(aware.Add(59*time.Hour)) {
		t.Error("board report: near its end from 12 hours before, overdue only after")
	}
	if c := find(cs, "DPDP", "board"); c.Overdue(aware.Add(time.Second)) || c.Overdue(aware.Add(1000*time.Hour)) || !c.DueNow(aware.Add(time.Second)) || c.NearEnd(aware) {
		t.Error("an immediate clock is due now from its start, never overdue, never merely near")
	}
}

func TestNearEndQuarterOrTwelveHours(t *testing.T) {
	start := at(t, "2026-01-01T00:00:00Z")
	short := Clock{State: ClockOpen, StartAt: start, DueAt: start.Add(8 * time.Hour)}
	if short.NearEnd(start.Add(5*time.Hour+59*time.Minute)) || !short.NearEnd(start.Add(6*time.Hour+time.Minute)) {
		t.Error("an 8-hour clock nears its end with 2 hours (a quarter) left")
	}
	long := Clock{State: ClockOpen, StartAt: start, DueAt: start.Add(30 * 24 * time.Hour)}
	if long.NearEnd(long.DueAt.Add(-13*time.Hour)) || !long.NearEnd(long.DueAt.Add(-11*time.Hour)) {
		t.Error("a 30-day clock nears its end with 12 hours left")
	}
	long.State = ClockMet
	if long.NearEnd(long.DueAt.Add(-time.Hour)) || long.Overdue(long.DueAt.Add(time.Hour)) {
		t.Error("a met clock neither nears its end nor is overdue")
	}
}

func TestCountByJurisdiction(t *testing.T) {
	s := Scope{
		Subjects: []string{"ps_a", "ps_b", "ps_c", "ps_d"},
		Values:   map[string][]string{"ps_a": {"de"}, "ps_b": {"VN"}, "ps_c": {"Mars"}},
		Declared: []string{"VN", "somewhere"},
		Always:   []string{"HIPAA"},
	}
	a, facts := Default().Count(s)
	want := map[string]int{"GDPR": 1, "VN": 3, "HIPAA": 4}
	if a.Total != 4 || a.Unknown != 0 || len(a.ByJurisdiction) != len(want) {
		t.Fatalf("affected %+v", a)
	}
	for r, n := range want {
		if a.ByJurisdiction[r] != n || facts[r] != n {
			t.Errorf("%s: %d (facts %d), want %d", r, a.ByJurisdiction[r], facts[r], n)
		}
	}
	a, facts = Default().Count(Scope{Declared: []string{"BR"}})
	if a.Total != 0 || len(a.ByJurisdiction) != 0 || len(facts) != 1 || facts["LGPD"] != 0 {
		t.Errorf("no subjects counted: %+v %v, want the declared regime with an unknown count", a, facts)
	}
	a, _ = Default().Count(Scope{Subjects: []string{"ps_x"}, Estimated: 7})
	if a.Unknown != 8 || a.Total != 8 {
		t.Errorf("no jurisdiction known: %+v", a)
	}
}
