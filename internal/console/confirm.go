package console

import (
	"net/http"
	"net/url"

	"custodia/internal/auth"
	"custodia/internal/retention"
)

func init() {
	extraRoutes = append(extraRoutes, func(c *Console) {
		c.handle("GET /console/settings/tokens/{id}/revoke", c.revokeTokenConfirm)
		c.handle("GET /console/settings/retention/{id}/delete", c.deleteRuleConfirm)
	})
}

// confirmView is the data of confirm.html: a destructive action asked
// again, with what it does, before its form posts confirm=yes.
type confirmView struct {
	Question    string
	Consequence string
	Action      string // the form's POST path
	Button      string
	Cancel      string // where Cancel goes
	// Version, when set, is posted back as "version": the state of the
	// thing as the page showed it, so that a reload of the result, which
	// posts the form again, is refused once the action changed it.
	Version string
}

// confirmed reports whether a destructive form was posted from its
// confirmation page; when not, the handler sends the browser there.
func confirmed(rc *reqCtx) bool { return rc.r.PostFormValue("confirm") == "yes" }

// revokeTokenConfirm asks before a token is revoked, naming it.
func (c *Console) revokeTokenConfirm(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	var out struct {
		Tokens []auth.Token `json:"tokens"`
	}
	if err := rc.call(http.MethodGet, "/v1/tokens", nil, &out); err != nil {
		return err
	}
	name := ""
	for _, t := range out.Tokens {
		if t.ID == id {
			name = t.Name
		}
	}
	if name == "" {
		return errNotFound
	}
	return rc.render(http.StatusOK, "confirm", rc.L.T("Revoke this token"), confirmView{
		Question:    rc.L.T("Revoke the token %s?", name),
		Consequence: rc.L.T("Every program that uses it loses access to the API at once. A revoked token cannot be restored: a new one must be created and installed."),
		Action:      "/console/settings/tokens/" + url.PathEscape(id) + "/revoke", Button: rc.L.T("Revoke"), Cancel: "/console/settings/tokens"})
}

// deleteRuleConfirm asks before a retention rule is deleted, naming its
// collection.
func (c *Console) deleteRuleConfirm(rc *reqCtx) error {
	if err := rc.need(auth.PermRetention); err != nil {
		return err // governance readers list the rules, but may not delete one
	}
	id := rc.r.PathValue("id")
	var out struct {
		Rules []retention.Rule `json:"rules"`
	}
	if err := rc.call(http.MethodGet, "/v1/retention/rules", nil, &out); err != nil {
		return err
	}
	var rule *retention.Rule
	for i := range out.Rules {
		if out.Rules[i].ID == id {
			rule = &out.Rules[i]
		}
	}
	if rule == nil {
		return errNotFound
	}
	return rc.render(http.StatusOK, "confirm", rc.L.T("Delete this retention rule"), confirmView{
		Question:    rc.L.T("Delete the retention rule of %s?", rule.Collection),
		Consequence: rc.L.T("Its data is then kept until another rule or an erasure removes it, and the compliance report may count the collection as without a rule."),
		Action:      "/console/settings/retention/" + url.PathEscape(id) + "/delete", Button: rc.L.T("Delete"), Cancel: "/console/settings/retention"})
}
