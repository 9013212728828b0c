package console

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"custodia/internal/audit"
	"custodia/internal/detect"
	"custodia/internal/dsr"
	"custodia/internal/incidents"
	"custodia/internal/keys"
	"custodia/internal/report"
)

// dashboardView is the data of dashboard.html. A nil section is one the
// person's role does not open.
type dashboardView struct {
	Report    *report.Report
	Failing   []report.Item
	Requests  []dsr.Request
	Overdue   int
	Incidents []incidentClocks
	Alerts    []detect.Alert
	Keys      *keyStatus
	// Rotation is the report's word on the last key rotation.
	Rotation  *report.Item
	Chain     *chainCheck
	CanVerify bool
	// MyTasks are the open clean-up tasks assigned to the person, and
	// MyRequestTasks the open tasks of requests assigned to them.
	MyTasks        []cleanupRow
	MyRequestTasks []dsr.Task
	Txt            govText // words for codes (clock audiences)
}

// incidentClocks is an open incident with its notification clocks.
type incidentClocks struct {
	incidents.Incident
	Clocks []incidents.Clock
}

// keyStatus is GET /v1/keys.
type keyStatus struct {
	Primary  uint32             `json:"primary"`
	Versions []keys.VersionInfo `json:"versions"`
}

// chainCheck is the last verification of the audit chain run from this
// console process.
type chainCheck struct {
	At     time.Time
	Report audit.Report
}

// maybe runs a section's call; a section the role may not see is left
// out, not an error for the whole page.
func maybe(err error) (bool, error) {
	var apiErr *APIError
	if errors.As(err, &apiErr) && (apiErr.Status == http.StatusForbidden || apiErr.Status == http.StatusNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (c *Console) dashboard(rc *reqCtx) error {
	v := dashboardView{Txt: govText{L: rc.L}}
	if rc.me.Can("governance:read") {
		var rep report.Report
		if ok, err := maybe(rc.call(http.MethodGet, "/v1/report", nil, &rep)); err != nil {
			return err
		} else if ok {
			v.Report = &rep
			for _, it := range rep.Items {
				if it.Status != report.Pass {
					v.Failing = append(v.Failing, it)
				}
				if it.ID == "key_rotation" {
					v.Rotation = &it
				}
			}
		}
	}
	// Tasks of requests go to the people who hold a system's data too.
	var mine struct {
		RequestTasks []dsr.Task `json:"request_tasks"`
	}
	if _, err := maybe(rc.call(http.MethodGet, "/v1/users/me/tasks", nil, &mine)); err != nil {
		return err
	}
	v.MyRequestTasks = mine.RequestTasks
	// Anyone may hold a copy an import came from: the API lists a person
	// the tasks assigned to them (governance roles get all; the
	// dashboard keeps their own).
	if tasks, err := cleanupTasks(rc, query("/v1/cleanup-tasks", "state", "open"), nil); err != nil {
		if _, err := maybe(err); err != nil {
			return err
		}
	} else {
		v.MyTasks = slices.DeleteFunc(tasks, func(t cleanupRow) bool { return !cleanupMine(rc, t.Task) })
	}
	if rc.me.Can("requests:read") {
		var out struct {
			Requests []dsr.Request `json:"requests"`
		}
		if ok, err := maybe(rc.call(http.MethodGet, "/v1/requests?open=true&limit=200", nil, &out)); err != nil {
			return err
		} else if ok {
			slices.SortFunc(out.Requests, func(a, b dsr.Request) int { return a.DueAt.Compare(b.DueAt) })
			for _, r := range out.Requests {
				if r.Overdue {
					v.Overdue++
				}
			}
			v.Requests = out.Requests[:min(len(out.Requests), 10)]
		}
	}
	if rc.me.Can("incidents:read") {
		var out struct {
			Incidents []incidents.Incident `json:"incidents"`
		}
		if ok, err := maybe(rc.call(http.MethodGet, "/v1/incidents?open=true&limit=5", nil, &out)); err != nil {
			return err
		} else if ok {
			for _, inc := range out.Incidents {
				var rec incidents.Record
				if err := rc.call(http.MethodGet, "/v1/incidents/"+seg(inc.ID), nil, &rec); err != nil {
					return err
				}
				v.Incidents = append(v.Incidents, incidentClocks{Incident: rec.Incident, Clocks: rec.Clocks})
			}
		}
	}
	if rc.me.Can("alerts:read") {
		var out struct {
			Alerts []detect.Alert `json:"alerts"`
		}
		// Open alerts only: a cleared one is dealt with.
		if ok, err := maybe(rc.call(http.MethodGet, query("/v1/alerts", "open", "true"), nil, &out)); err != nil {
			return err
		} else if ok {
			v.Alerts = out.Alerts[:min(len(out.Alerts), 10)]
		}
	}
	if rc.me.Can("keys:manage") {
		var ks keyStatus
		if ok, err := maybe(rc.call(http.MethodGet, "/v1/keys", nil, &ks)); err != nil {
			return err
		} else if ok {
			v.Keys = &ks
		}
	}
	if rc.me.Can("audit:read") {
		v.CanVerify = true
		c.mu.Lock()
		v.Chain = c.lastVerify
		c.mu.Unlock()
	}
	return rc.render(http.StatusOK, "dashboard", rc.L.T("Dashboard"), v)
}

// verifyChain verifies the audit chain (POST /v1/audit/verify) and keeps
// the result for the dashboard.
func (c *Console) verifyChain(rc *reqCtx) error {
	var rep audit.Report
	if err := rc.call(http.MethodPost, "/v1/audit/verify", nil, &rep); err != nil {
		return err
	}
	c.mu.Lock()
	c.lastVerify = &chainCheck{At: time.Now().UTC(), Report: rep}
	c.mu.Unlock()
	msg := rc.L.T("The audit chain is intact.")
	if !rep.OK {
		msg = rc.L.T("The audit chain is BROKEN: see the audit log page.")
	}
	return rc.done(backTo(rc.r), msg)
}

// alertKinds are the alert kinds the dashboard names in words (others
// show as they are).
var alertKinds = []string{detect.KindBruteForceAccount, detect.KindBruteForceAddress, detect.KindBulkRead, detect.KindLookupMisses, detect.KindRateLimited, detect.KindAuditChain,
	"request_overdue", "request_unacknowledged", "dpa_missing", "dpa_expired", "dpa_expiring", "incident_clock"}

func init() {
	extraRoutes = append(extraRoutes, func(c *Console) {
		c.handleForm("POST /console/alerts/{id}/clear", c.clearAlert)
	})
}

// clearAlert closes an alert once dealt with; clearing a bulk-read alert
// that blocked its token or person lifts the block (POST /v1/alerts/{id}/clear).
func (c *Console) clearAlert(rc *reqCtx) error {
	if err := rc.call(http.MethodPost, "/v1/alerts/"+seg(rc.r.PathValue("id"))+"/clear", nil, nil); err != nil {
		return err
	}
	return rc.done("/console/", rc.L.T("Alert cleared."))
}
