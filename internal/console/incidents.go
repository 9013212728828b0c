package console

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"custodia/internal/datamap"
	"custodia/internal/incidents"
)

// Incidents: the breaches, each with its affected subjects (counted), one
// notification clock per regime and recipient, tasks, drafts to copy,
// evidence kept by hash, and the timeline. Everything comes from
// /v1/incidents; the clocks are the API's, computed from the breach rules.
func init() {
	extraRoutes = append(extraRoutes, func(c *Console) {
		c.handle("GET /console/incidents", c.incidentsPage)
		c.handleForm("POST /console/incidents", c.createIncident)
		c.handle("GET /console/incidents/{id}", c.incidentPage)
		c.handleForm("POST /console/incidents/{id}/tasks/{task}/close", c.closeIncidentTask)
		c.handleForm("POST /console/incidents/{id}/notifications", c.recordNotification)
		c.handleForm("POST /console/incidents/{id}/evidence", c.addIncidentEvidence)
	})
}

// incRegimes are the regimes the breach rules know, offered as boxes to
// tick; other names (countries) go in a text field.
var incRegimes = []string{"GDPR", "CCPA", "LGPD", "VN", "DPDP", "PIPEDA", "HIPAA"}

// incOpenShown bounds how many open incidents the list reads the clocks of.
const incOpenShown = 25

// incidentRow is an incident of the list with its next open clock.
type incidentRow struct {
	incidents.Incident
	Next *incidents.Clock
}

// incCollection is a vault collection and its fields, for the form.
type incCollection struct {
	Name   string `json:"name"`
	Fields []struct {
		Name     string `json:"name"`
		Type     string `json:"type"`
		Category string `json:"category"`
	} `json:"fields"`
}

// CountryFields are the fields that can say where a person lives: a
// country (by category) or a phone number (its country code). The form
// offers only these as the jurisdiction field (QA: it offered e-mail and
// name too, which count everyone as of no known jurisdiction).
func (c incCollection) CountryFields() []string {
	var out []string
	for _, f := range c.Fields {
		if f.Type == "phone" || strings.Contains(f.Category, "country") {
			out = append(out, f.Name)
		}
	}
	return out
}

// incidentForm is what the filing form offers; a nil list is typed in.
type incidentForm struct {
	Systems     []datamap.System
	Collections []incCollection
	// SystemsKnown and CollectionsKnown: the role may list them (else
	// their ids are typed in).
	SystemsKnown, CollectionsKnown bool
	Regimes                        []string
	Zone                           string // the zone times are typed in
}

// incidentsView is the data of incidents.html. Form is nil for a role
// that may not file incidents.
type incidentsView struct {
	Incidents []incidentRow
	Open      int
	Form      *incidentForm
	Txt       govText
}

// incidentsPage lists the incidents, open first, with the filing form.
func (c *Console) incidentsPage(rc *reqCtx) error {
	var out struct {
		Incidents []incidents.Incident `json:"incidents"`
	}
	if err := rc.call(http.MethodGet, "/v1/incidents?limit=200", nil, &out); err != nil {
		return err
	}
	// The API lists newest first; open ones go first, keeping that order.
	slices.SortStableFunc(out.Incidents, func(a, b incidents.Incident) int {
		return govBool(b.Status == incidents.StatusOpen) - govBool(a.Status == incidents.StatusOpen)
	})
	v := incidentsView{Txt: govText{rc.L}}
	for _, inc := range out.Incidents {
		row := incidentRow{Incident: inc}
		if inc.Status == incidents.StatusOpen && v.Open < incOpenShown {
			v.Open++
			var rec incidents.Record
			if err := rc.call(http.MethodGet, "/v1/incidents/"+seg(inc.ID), nil, &rec); err != nil {
				return err
			}
			for i, cl := range rec.Clocks {
				if (cl.Status == incidents.ClockOpen || cl.Status == incidents.ClockOverdue || cl.Status == incidents.ClockDueNow) && (row.Next == nil || cl.DueAt.Before(row.Next.DueAt)) {
					row.Next = &rec.Clocks[i]
				}
			}
		}
		v.Incidents = append(v.Incidents, row)
	}
	if rc.me.Can("incidents:manage") {
		f, err := incFormData(rc)
		if err != nil {
			return err
		}
		v.Form = f
	}
	return rc.render(http.StatusOK, "incidents", rc.L.T("Incidents"), v)
}

// incFormData reads the systems and collections the filing form offers,
// when the role may see them.
func incFormData(rc *reqCtx) (*incidentForm, error) {
	f := &incidentForm{Regimes: incRegimes, Zone: rc.c.opts.Location.String()}
	var sys struct {
		Systems []datamap.System `json:"systems"`
	}
	if ok, err := maybe(rc.call(http.MethodGet, "/v1/systems", nil, &sys)); err != nil {
		return nil, err
	} else if ok {
		f.Systems, f.SystemsKnown = sys.Systems, true
	}
	var cols struct {
		Collections []incCollection `json:"collections"`
	}
	if ok, err := maybe(rc.call(http.MethodGet, "/v1/collections", nil, &cols)); err != nil {
		return nil, err
	} else if ok {
		f.Collections, f.CollectionsKnown = cols.Collections, true
	}
	return f, nil
}

// createIncident files a breach (POST /v1/incidents). Times are typed in
// the console's zone.
func (c *Console) createIncident(rc *reqCtx) error {
	f := rc.r.PostForm
	in := incidents.Input{Description: f.Get("description"), Token: strings.TrimSpace(f.Get("token")), HighRisk: f.Get("high_risk") != "",
		Contact: f.Get("contact"), Categories: govList(f.Get("categories"))}
	var err error
	if in.DetectedAt, err = govDateTime(rc, f.Get("detected_at")); err != nil {
		return err
	}
	if in.BecameAwareAt, err = govDateTime(rc, f.Get("became_aware_at")); err != nil {
		return err
	}
	from, err := govDateTime(rc, f.Get("window_from"))
	if err != nil {
		return err
	}
	to, err := govDateTime(rc, f.Get("window_to"))
	if err != nil {
		return err
	}
	if !from.IsZero() || !to.IsZero() {
		in.Window = &incidents.Window{From: from, To: to}
	}
	for _, s := range f["systems"] {
		in.Systems = append(in.Systems, govList(s)...)
	}
	for _, s := range f["collections"] {
		in.Collections = append(in.Collections, govList(s)...)
	}
	in.Jurisdictions = append(in.Jurisdictions, f["jurisdictions"]...)
	in.Jurisdictions = append(in.Jurisdictions, govList(f.Get("jurisdictions_other"))...)
	if jf := strings.TrimSpace(f.Get("jurisdiction_field")); jf != "" {
		col, field, ok := strings.Cut(jf, ".")
		if !ok {
			return &APIError{Status: http.StatusBadRequest, Code: "invalid_jurisdiction_field", Detail: rc.L.T("Name the jurisdiction field as collection.field, such as customers.country.")}
		}
		in.JurisdictionField = &incidents.FieldRef{Collection: col, Field: field}
	}
	if n := strings.TrimSpace(f.Get("estimated_subjects")); n != "" {
		if in.EstimatedSubjects, err = strconv.Atoi(n); err != nil {
			return &APIError{Status: http.StatusBadRequest, Code: "invalid_estimated_subjects", Detail: rc.L.T("The estimated number of people must be a whole number.")}
		}
	}
	var out incidents.Record
	if err := rc.call(http.MethodPost, "/v1/incidents", in, &out); err != nil {
		return err
	}
	return rc.done("/console/incidents/"+seg(out.ID), rc.L.T("Incident filed: its notification clocks are running."))
}

// incidentView is the data of incident.html.
type incidentView struct {
	incidents.Record
	SystemNames map[string]string
	OpenClocks  []incidents.Clock
	Tasks       []incidents.Task // all but the review
	Review      incidents.Task
	DraftsTo    []incDraft
	Txt         govText
}

// incDraft is a notification draft with whom it is for, in words.
type incDraft struct {
	incidents.Draft
	To string
}

// incidentPage shows one incident: counts, clocks, tasks, drafts,
// evidence, timeline and review.
func (c *Console) incidentPage(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	v := incidentView{Txt: govText{rc.L}}
	if err := rc.call(http.MethodGet, "/v1/incidents/"+seg(id), nil, &v.Record); err != nil {
		return err
	}
	v.SystemNames = map[string]string{}
	if rc.me.Can("governance:read") {
		var sys struct {
			Systems []datamap.System `json:"systems"`
		}
		if ok, err := maybe(rc.call(http.MethodGet, "/v1/systems", nil, &sys)); err != nil {
			return err
		} else if ok {
			for _, s := range sys.Systems {
				v.SystemNames[s.ID] = s.Name
			}
		}
	}
	for _, cl := range v.Clocks {
		if cl.Status == incidents.ClockOpen || cl.Status == incidents.ClockOverdue || cl.Status == incidents.ClockDueNow {
			v.OpenClocks = append(v.OpenClocks, cl)
		}
	}
	for _, t := range v.Record.Tasks {
		if t.Name == incidents.TaskReview {
			v.Review = t
		} else {
			v.Tasks = append(v.Tasks, t)
		}
	}
	for _, dr := range v.Drafts {
		d := incDraft{Draft: dr, To: dr.Recipient}
		if i := slices.IndexFunc(v.Clocks, func(c incidents.Clock) bool { return c.Regime == dr.Regime && c.Recipient == dr.Recipient }); i >= 0 {
			d.To = v.Clocks[i].To
		}
		v.DraftsTo = append(v.DraftsTo, d)
	}
	slices.Reverse(v.Timeline) // newest first
	title := rc.L.T("Incident")
	if v.Status == incidents.StatusClosed {
		title = rc.L.T("Incident (closed)")
	}
	return rc.render(http.StatusOK, "incident", title, v)
}

// closeIncidentTask closes a task with evidence, or justifies leaving it
// undone (POST /v1/incidents/{id}/tasks/{task}/close). An attached file is
// kept by its hash.
func (c *Console) closeIncidentTask(rc *reqCtx) error {
	id, task := rc.r.PathValue("id"), rc.r.PathValue("task")
	in := incidents.CloseTaskInput{State: rc.r.PostFormValue("state"), Evidence: rc.r.PostFormValue("evidence")}
	var err error
	if in.EvidenceSHA256, err = govFileSHA256(rc, "evidence_file"); err != nil {
		return err
	}
	var out incidents.Record
	if err := rc.call(http.MethodPost, "/v1/incidents/"+seg(id)+"/tasks/"+seg(task)+"/close", in, &out); err != nil {
		return err
	}
	msg := rc.L.T("Task closed.")
	if out.Status == incidents.StatusClosed {
		msg = rc.L.T("Task closed. Every task is done: the incident is closed.")
	}
	return rc.done("/console/incidents/"+seg(id), msg)
}

// recordNotification records a notification sent, which meets its clock
// (POST /v1/incidents/{id}/notifications).
func (c *Console) recordNotification(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	regime, recipient, ok := strings.Cut(rc.r.PostFormValue("clock"), "|")
	if !ok {
		return &APIError{Status: http.StatusBadRequest, Code: "clock_required", Detail: rc.L.T("Choose the clock the notification meets.")}
	}
	in := incidents.NotificationInput{Regime: regime, Recipient: recipient, Reference: strings.TrimSpace(rc.r.PostFormValue("reference"))}
	sent, err := govDateTime(rc, rc.r.PostFormValue("sent_at"))
	if err != nil {
		return err
	}
	if !sent.IsZero() {
		in.SentAt = &sent
	}
	if err := rc.call(http.MethodPost, "/v1/incidents/"+seg(id)+"/notifications", in, nil); err != nil {
		return err
	}
	return rc.done("/console/incidents/"+seg(id), rc.L.T("Notification recorded: the %s clock is met.", regime))
}

// addIncidentEvidence records a file as evidence by its SHA-256
// (POST /v1/incidents/{id}/evidence); the file itself is not kept.
func (c *Console) addIncidentEvidence(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	sum, err := govFileSHA256(rc, "file")
	if err != nil {
		return err
	}
	if sum == "" {
		return &APIError{Status: http.StatusBadRequest, Code: "file_required", Detail: rc.L.T("Choose the evidence file: its SHA-256 is what is recorded.")}
	}
	in := incidents.EvidenceInput{Description: rc.r.PostFormValue("description"), SHA256: sum}
	if err := rc.call(http.MethodPost, "/v1/incidents/"+seg(id)+"/evidence", in, nil); err != nil {
		return err
	}
	return rc.done("/console/incidents/"+seg(id), rc.L.T("Evidence recorded by its SHA-256."))
}
