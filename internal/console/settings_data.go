package console

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"custodia/internal/access"
	"custodia/internal/auth"
	"custodia/internal/retention"
)

func init() {
	extraRoutes = append(extraRoutes, func(c *Console) {
		c.handle("GET /console/settings/purposes", c.settingsPurposes)
		c.handleForm("POST /console/settings/purposes", c.createPurpose)
		c.handle("GET /console/settings/retention", c.settingsRetention)
		c.handleForm("POST /console/settings/retention", c.createRetentionRule)
		c.handleForm("POST /console/settings/retention/{id}/delete", c.deleteRetentionRule)
		c.handleForm("POST /console/settings/retention/run", c.runRetention)
		c.handle("GET /console/settings/holds", c.settingsHolds)
		c.handleForm("POST /console/settings/holds", c.createHold)
		c.handleForm("POST /console/settings/holds/{id}/release", c.releaseHold)
		c.handle("GET /console/settings/training", c.settingsTraining)
		c.handleForm("POST /console/settings/training", c.addTraining)
	})
}

// legalBasisLabels name the lawful bases of GDPR Art. 6(1).
var legalBasisLabels = map[access.LegalBasis]string{
	access.BasisConsent:             "Consent — Art. 6(1)(a)",
	access.BasisContract:            "Contract — Art. 6(1)(b)",
	access.BasisLegalObligation:     "Legal obligation — Art. 6(1)(c)",
	access.BasisVitalInterests:      "Vital interests — Art. 6(1)(d)",
	access.BasisPublicTask:          "Public task — Art. 6(1)(e)",
	access.BasisLegitimateInterests: "Legitimate interests — Art. 6(1)(f)",
}

// purposeRow is a purpose with its legal basis named.
type purposeRow struct {
	access.Purpose
	Basis string
}

// purposesView is the data of settings_purposes.html.
type purposesView struct {
	Purposes []purposeRow
	Bases    []option
	Roles    []access.Role
}

// settingsPurposes lists the purposes; those who manage them (purposes:
// manage) also get the form. Others who may open the settings see the
// list read-only.
func (c *Console) settingsPurposes(rc *reqCtx) error {
	if err := rc.need(settingsPerms...); err != nil {
		return err
	}
	ps, err := rc.purposes()
	if err != nil {
		return err
	}
	var v purposesView
	for _, p := range ps {
		v.Purposes = append(v.Purposes, purposeRow{Purpose: p, Basis: rc.L.T(legalBasisLabels[p.LegalBasis])})
	}
	for _, b := range access.LegalBases {
		v.Bases = append(v.Bases, option{string(b), rc.L.T(legalBasisLabels[b])})
	}
	if v.Roles, err = rc.roles(); err != nil {
		return err
	}
	return rc.render(http.StatusOK, "settings_purposes", rc.L.T("Purposes"), v)
}

// createPurpose registers a purpose (POST /v1/purposes).
func (c *Console) createPurpose(rc *reqCtx) error {
	f := rc.r.PostForm
	p := access.Purpose{Name: strings.TrimSpace(f.Get("name")), Description: strings.TrimSpace(f.Get("description")),
		LegalBasis: access.LegalBasis(f.Get("legal_basis")), Roles: f["roles"]}
	if err := rc.call(http.MethodPost, "/v1/purposes", p, nil); err != nil {
		return err
	}
	return rc.done("/console/settings/purposes", rc.L.T("Purpose %s registered.", p.Name))
}

// collectionInfo is the part of a collection the forms need.
type collectionInfo struct {
	Name   string `json:"name"`
	Fields []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"fields"`
}

func (rc *reqCtx) collections() ([]collectionInfo, error) {
	var out struct {
		Collections []collectionInfo `json:"collections"`
	}
	if _, err := maybe(rc.call(http.MethodGet, "/v1/collections", nil, &out)); err != nil {
		return nil, err
	}
	return out.Collections, nil
}

// retentionView is the data of settings_retention.html.
type retentionView struct {
	Rules       []ruleRow
	Collections []collectionInfo
	Purposes    []string
	Anchors     []option
	Units       []option
	Actions     []option
}

// anchorLabels name what a retention period runs from.
var anchorLabels = map[string]string{
	retention.AnchorCreated:          "the record's creation",
	retention.AnchorLastActivity:     "the record's last change",
	retention.AnchorConsentWithdrawn: "the withdrawal of consent for the purpose",
	retention.AnchorContractEnd:      "the end of the contract (a date field)",
	retention.AnchorRequestResolved:  "the resolution of a request (a date field)",
}

var keepUnits = []string{"days", "months", "years"}

// ruleRow is a rule with its anchor, period and action in words.
type ruleRow struct {
	retention.Rule
	AnchorLabel, UnitLabel, ActionLabel string
}

func (c *Console) settingsRetention(rc *reqCtx) error {
	var out struct {
		Rules []retention.Rule `json:"rules"`
	}
	if err := rc.call(http.MethodGet, "/v1/retention/rules", nil, &out); err != nil {
		return err
	}
	var v retentionView
	for _, r := range out.Rules {
		v.Rules = append(v.Rules, ruleRow{Rule: r, AnchorLabel: rc.L.T(anchorLabels[r.Anchor]), UnitLabel: rc.L.T(r.Keep.Unit), ActionLabel: rc.L.T(r.Action)})
	}
	var err error
	if v.Collections, err = rc.collections(); err != nil {
		return err
	}
	ps, err := rc.purposes()
	if err != nil {
		return err
	}
	for _, p := range ps {
		v.Purposes = append(v.Purposes, p.Name)
	}
	for _, a := range retention.Anchors {
		v.Anchors = append(v.Anchors, option{a, rc.L.T(anchorLabels[a])})
	}
	for _, u := range keepUnits {
		v.Units = append(v.Units, option{u, rc.L.T(u)})
	}
	v.Actions = []option{{retention.ActionDelete, rc.L.T(retention.ActionDelete)}, {retention.ActionAnonymise, rc.L.T(retention.ActionAnonymise)}}
	return rc.render(http.StatusOK, "settings_retention", rc.L.T("Retention rules"), v)
}

// createRetentionRule adds a rule (POST /v1/retention/rules).
func (c *Console) createRetentionRule(rc *reqCtx) error {
	f := rc.r.PostForm
	rule := retention.Rule{Collection: strings.TrimSpace(f.Get("collection")), Fields: splitList(f.Get("fields")),
		Purpose: strings.TrimSpace(f.Get("purpose")), Anchor: f.Get("anchor"), AnchorField: strings.TrimSpace(f.Get("anchor_field")),
		Keep: retention.Keep{Unit: f.Get("keep_unit")}, Action: f.Get("action"), Description: strings.TrimSpace(f.Get("description"))}
	n, err := strconv.Atoi(strings.TrimSpace(f.Get("keep_n")))
	if err != nil {
		return badInput("invalid_keep", rc.L.T("How long to keep the data must be a whole number."))
	}
	rule.Keep.N = n
	if err := rc.call(http.MethodPost, "/v1/retention/rules", rule, nil); err != nil {
		return err
	}
	return rc.done("/console/settings/retention", rc.L.T("Retention rule added."))
}

// deleteRetentionRule removes a rule (DELETE /v1/retention/rules/{id}).
func (c *Console) deleteRetentionRule(rc *reqCtx) error {
	if !confirmed(rc) {
		return redirect("/console/settings/retention/" + seg(rc.r.PathValue("id")) + "/delete")
	}
	if err := rc.call(http.MethodDelete, "/v1/retention/rules/"+seg(rc.r.PathValue("id")), nil, nil); err != nil {
		return err
	}
	return rc.done("/console/settings/retention", rc.L.T("Retention rule deleted."))
}

// runRetention applies the rules now (POST /v1/retention/run), or with
// dry_run only reports what would go, and shows the report.
func (c *Console) runRetention(rc *reqCtx) error {
	in := map[string]bool{"dry_run": rc.r.PostFormValue("dry_run") == "true"}
	var rep retention.Report
	if err := rc.call(http.MethodPost, "/v1/retention/run", in, &rep); err != nil {
		return err
	}
	title := rc.L.T("Retention run")
	if rep.DryRun {
		title = rc.L.T("Retention dry run")
	}
	v := retentionRunView{DryRun: rep.DryRun, At: rep.At, Deleted: int(rep.Deleted), Anonymised: int(rep.Anonymised), Thinned: int(rep.Thinned),
		ItemCount: rep.ItemCount, Held: rep.Held, Conflicts: rep.Conflicts}
	for _, it := range rep.Items {
		v.Items = append(v.Items, itemRow{Item: it, ActionLabel: rc.L.T(it.Action)})
	}
	return rc.render(http.StatusOK, "settings_retention_run", title, v)
}

// retentionRunView is the data of settings_retention_run.html.
type retentionRunView struct {
	DryRun                       bool
	At                           time.Time
	Deleted, Anonymised, Thinned int
	ItemCount                    int
	Items                        []itemRow
	Held                         []retention.Skipped
	Conflicts                    []string
}

// itemRow is one planned or applied action, its action in words.
type itemRow struct {
	retention.Item
	ActionLabel string
}

// holdsView is the data of settings_holds.html.
type holdsView struct {
	Active, Ended []retention.Hold
	Collections   []collectionInfo
	Today         string
}

func (c *Console) settingsHolds(rc *reqCtx) error {
	var out struct {
		Holds []retention.Hold `json:"holds"`
	}
	if err := rc.call(http.MethodGet, "/v1/holds", nil, &out); err != nil {
		return err
	}
	v := holdsView{Today: rc.now().In(rc.c.opts.Location).Format("2006-01-02")}
	now := rc.now()
	for _, h := range out.Holds {
		if h.Active(now) {
			v.Active = append(v.Active, h)
		} else {
			v.Ended = append(v.Ended, h)
		}
	}
	var err error
	if v.Collections, err = rc.collections(); err != nil {
		return err
	}
	return rc.render(http.StatusOK, "settings_holds", rc.L.T("Legal holds"), v)
}

// createHold places a legal hold (POST /v1/holds) on a person or a
// collection.
func (c *Console) createHold(rc *reqCtx) error {
	f := rc.r.PostForm
	in := map[string]any{"reason": f.Get("reason")}
	if s := strings.TrimSpace(f.Get("subject")); s != "" {
		in["subject"] = s
	}
	if col := strings.TrimSpace(f.Get("collection")); col != "" {
		in["collection"] = col
	}
	exp, err := rc.formDay("expires_at")
	if err != nil {
		return err
	}
	if exp != nil {
		in["expires_at"] = exp.UTC()
	}
	if err := rc.call(http.MethodPost, "/v1/holds", in, nil); err != nil {
		return err
	}
	return rc.done("/console/settings/holds", rc.L.T("Legal hold placed: deletion of the data it covers is blocked."))
}

// releaseHold releases a hold (POST /v1/holds/{id}/release).
func (c *Console) releaseHold(rc *reqCtx) error {
	in := map[string]string{"reason": strings.TrimSpace(rc.r.PostFormValue("reason"))}
	if err := rc.call(http.MethodPost, "/v1/holds/"+seg(rc.r.PathValue("id"))+"/release", in, nil); err != nil {
		return err
	}
	return rc.done("/console/settings/holds", rc.L.T("Legal hold released."))
}

// trainingRow is a training record with the person named.
type trainingRow struct {
	auth.TrainingRecord
	Person  string
	Lapsed  bool
	Expires *time.Time
}

// trainingView is the data of settings_training.html.
type trainingView struct {
	Records []trainingRow
	People  []option
	Today   string
}

func (c *Console) settingsTraining(rc *reqCtx) error {
	var out struct {
		Training []auth.TrainingRecord `json:"training"`
	}
	if err := rc.call(http.MethodGet, "/v1/training", nil, &out); err != nil {
		return err
	}
	names := rc.peopleNames()
	now := rc.now()
	v := trainingView{Today: now.In(rc.c.opts.Location).Format("2006-01-02")}
	slices.SortFunc(out.Training, func(a, b auth.TrainingRecord) int { return b.CompletedAt.Compare(a.CompletedAt) })
	for _, t := range out.Training {
		row := trainingRow{TrainingRecord: t, Person: t.UserID, Expires: t.ExpiresAt, Lapsed: t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)}
		if n := names[t.UserID]; n != "" {
			row.Person = n
		}
		v.Records = append(v.Records, row)
	}
	for id, email := range names {
		v.People = append(v.People, option{id, email})
	}
	slices.SortFunc(v.People, func(a, b option) int { return strings.Compare(a.Label, b.Label) })
	return rc.render(http.StatusOK, "settings_training", rc.L.T("Training records"), v)
}

// addTraining records a completed training (POST /v1/training).
func (c *Console) addTraining(rc *reqCtx) error {
	f := rc.r.PostForm
	completed, err := rc.formDay("completed_at")
	if err != nil {
		return err
	}
	if completed == nil {
		return badInput("invalid_completed_at", rc.L.T("Give the day the training was completed."))
	}
	expires, err := rc.formDay("expires_at")
	if err != nil {
		return err
	}
	in := map[string]any{"person": strings.TrimSpace(f.Get("person")), "course": strings.TrimSpace(f.Get("course")), "completed_at": completed.UTC()}
	if expires != nil {
		in["expires_at"] = expires.UTC()
	}
	if err := rc.call(http.MethodPost, "/v1/training", in, nil); err != nil {
		return err
	}
	return rc.done("/console/settings/training", rc.L.T("Training recorded."))
}
