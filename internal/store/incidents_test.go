package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/incidents"
	"custodia/internal/store"
)

// TestSubjectsReadBy: an actor's successful reads that disclosed data, in
// the window and only its own, name the affected subjects.
func TestSubjectsReadBy(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		entry := func(min int, actor, subject, decision, outcome string) *audit.Entry {
			return &audit.Entry{At: base.Add(time.Duration(min) * time.Minute), Actor: actor, Action: "record.read", Subject: subject,
				Decision: decision, Outcome: outcome, Status: 200}
		}
		entries := []*audit.Entry{
			entry(-1, "token:crm", "ps_before", "allow", audit.OutcomeOK),
			entry(0, "token:crm", "ps_a", "allow", audit.OutcomeOK),
			entry(1, "token:crm", "ps_b", "mask masked:phone=role", audit.OutcomeOK),
			entry(2, "token:crm", "ps_a", "allow", audit.OutcomeOK),
			entry(3, "token:crm", "ps_denied", "deny withheld:email=purpose", audit.OutcomeOK),
			entry(4, "token:crm", "ps_failed", "allow", audit.OutcomeError),
			entry(5, "token:crm", "", "", audit.OutcomeOK),
			entry(6, "token:other", "ps_other", "allow", audit.OutcomeOK),
			{At: base.Add(7 * time.Minute), Actor: "token:crm", Action: "record.update", Subject: "ps_written", Outcome: audit.OutcomeOK},
			entry(10, "token:crm", "ps_c", "allow export", audit.OutcomeOK),
			entry(11, "token:crm", "ps_after", "allow", audit.OutcomeOK),
		}
		if err := e.db.AppendAudit(ctx, entries...); err != nil {
			t.Fatal(err)
		}
		got, err := e.db.SubjectsReadBy(ctx, "token:crm", base, base.Add(10*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"ps_a", "ps_b", "ps_c"}; !slices.Equal(got, want) {
			t.Errorf("subjects read: %v, want %v", got, want)
		}
	})
}

// TestIncidentStore: an incident round-trips with its clocks, tasks and
// timeline; a change is stored whole or not at all; an alert is claimed
// once.
func TestIncidentStore(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		in := incidents.Input{Description: "lost laptop", DetectedAt: now.Add(-71 * time.Hour), BecameAwareAt: now.Add(-70 * time.Hour),
			Systems: []string{"sys_vault"}, Jurisdictions: []string{"GDPR", "VN"}}
		if err := in.Validate(now, incidents.Default()); err != nil {
			t.Fatal(err)
		}
		aff, facts := incidents.Default().Count(incidents.Scope{Always: in.Jurisdictions, Estimated: 12})
		cs, err := incidents.Default().Clocks(incidents.Facts{DetectedAt: in.DetectedAt, AwareAt: in.BecameAwareAt, Affected: facts})
		if err != nil {
			t.Fatal(err)
		}
		rec := incidents.New("inc_store", in, "", aff, cs, "user:dpo", now)
		if err := e.db.CreateIncident(ctx, rec, &audit.Entry{Actor: "user:dpo", Action: "incident.create", RecordID: rec.ID}); err != nil {
			t.Fatal(err)
		}
		got, err := e.db.GetIncident(ctx, rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Clocks) != 2 || len(got.Tasks) != 6 || len(got.Timeline) != len(rec.Timeline) || got.Affected.ByJurisdiction["VN"] != 12 ||
			got.Clocks[0].Rule.Source == "" || !got.DetectedAt.Equal(in.DetectedAt) {
			t.Fatalf("stored incident: %+v", got)
		}
		if _, err := e.db.GetIncident(ctx, "inc_none"); apperr.CodeOf(err) != "incident_not_found" {
			t.Errorf("unknown incident: %v", err)
		}
		// A failing change writes nothing.
		_, err = e.db.UpdateIncident(ctx, rec.ID, func(r *incidents.Record) ([]incidents.Event, error) {
			if _, err := r.CloseTask(incidents.TaskContain, incidents.CloseTaskInput{Evidence: "done"}, "user:dpo", now); err != nil {
				return nil, err
			}
			return r.CloseTask("nope", incidents.CloseTaskInput{Evidence: "x"}, "user:dpo", now)
		}, nil)
		if apperr.CodeOf(err) != "task_not_found" {
			t.Fatalf("failing change: %v", err)
		}
		if got, _ := e.db.GetIncident(ctx, rec.ID); got.Tasks[0].State != incidents.TaskOpen {
			t.Error("a failed change left a closed task")
		}
		out, err := e.db.UpdateIncident(ctx, rec.ID, func(r *incidents.Record) ([]incidents.Event, error) {
			return r.Notify(incidents.Default(), incidents.NotificationInput{Regime: "VN", Recipient: "authority", Reference: "A05-1"}, "user:dpo", now)
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, _ = e.db.GetIncident(ctx, rec.ID)
		if c := clockOf(got, "VN"); c.State != incidents.ClockMet || c.Reference != "A05-1" || len(got.Timeline) != len(out.Timeline) {
			t.Errorf("after notification: %+v", got.Clocks)
		}
		// The GDPR clock nears its end: claimed once.
		open, err := e.db.OpenIncidentClocks(ctx)
		if err != nil || len(open) != 1 || open[0].Regime != "GDPR" || !open[0].NearEnd(now) {
			t.Fatalf("open clocks: %v %+v", err, open)
		}
		ev := incidents.Event{At: now, Kind: "alert_near_end", Actor: "system"}
		for i, want := range []bool{true, false} {
			ok, err := e.db.ClaimIncidentAlert(ctx, open[0], store.AlertNearEnd, now, ev)
			if err != nil || ok != want {
				t.Errorf("claim %d: %v %v, want %v", i, ok, err, want)
			}
		}
		got, _ = e.db.GetIncident(ctx, rec.ID)
		if last := got.Timeline[len(got.Timeline)-1]; last.Kind != "alert_near_end" || clockOf(got, "GDPR").NearAlerted == nil {
			t.Errorf("after the claim: %+v", last)
		}
		list, err := e.db.ListIncidents(ctx, true, 10)
		if err != nil || len(list) != 1 || list[0].ID != rec.ID {
			t.Errorf("list: %v %v", err, list)
		}
	})
}

// clockOf returns the first clock of a regime, or the zero clock.
func clockOf(r incidents.Record, regime string) incidents.Clock {
	for _, c := range r.Clocks {
		if c.Regime == regime {
			return c
		}
	}
	return incidents.Clock{}
}
