package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"custodia/internal/detect"
	"custodia/internal/incidents"
	"custodia/internal/store"
)

// KindIncidentClock is the kind of the alerts raised as an incident's
// notification clock nears its end or passes it.
const KindIncidentClock = "incident_clock"

// CheckIncidentClocks raises a critical alert once per open notification
// clock when less than a quarter of its time, or 12 hours, whichever is
// less, is left, and once more when it is overdue. The app calls it every
// minute; the API after filing an incident. Which alerts were raised is
// kept in the database, so each is raised once even with several
// replicas.
func (s *Server) CheckIncidentClocks(ctx context.Context) { s.CheckIncidentClocksAt(ctx, time.Now()) }

// CheckIncidentClocksAt is CheckIncidentClocks as if the time were now.
func (s *Server) CheckIncidentClocksAt(ctx context.Context, now time.Time) {
	clocks, err := s.db.OpenIncidentClocks(ctx)
	if err != nil {
		if ctx.Err() == nil {
			slog.Error("incident clock check failed", "err", err)
		}
		return
	}
	now = now.UTC().Truncate(time.Microsecond)
	for _, c := range clocks {
		var which, msg, status string
		switch {
		case (c.Overdue(now) || c.DueNow(now)) && c.OverdueAlerted == nil:
			which, msg, status = store.AlertOverdue, "a breach notification is overdue", store.AlertOverdue
			if c.Rule.Period.Unit == incidents.Immediate {
				// Urgent, never overdue (as the clock's own status says).
				msg, status = "a breach notification is due without delay", "due_now"
			}
		case c.NearEnd(now) && c.NearAlerted == nil:
			which, msg, status = store.AlertNearEnd, "a breach notification clock is nearing its end", store.AlertNearEnd
		default:
			continue
		}
		due := c.DueAt.UTC().Format(time.RFC3339)
		ev := incidents.Event{At: now, Kind: "alert_" + which, Actor: "system", Detail: fmt.Sprintf("%s %s due %s", c.Regime, c.Recipient, due)}
		claimed, err := s.db.ClaimIncidentAlert(context.WithoutCancel(ctx), c, which, now, ev)
		if err != nil {
			slog.Error("incident clock alert not recorded", "incident", c.IncidentID, "err", err)
			continue
		}
		if !claimed {
			continue
		}
		s.alerts.raise(ctx, detect.Alert{Kind: KindIncidentClock, Severity: detect.SeverityCritical, Principal: "incident:" + c.IncidentID,
			Message: msg, Data: map[string]string{"incident": c.IncidentID, "regime": c.Regime, "recipient": c.Recipient,
				"due_at": due, "status": status, "source": c.Source}})
	}
}
