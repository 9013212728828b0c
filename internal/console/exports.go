package console

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"custodia/internal/exports"
)

// The export register (/v1/exports): every bulk export and access package
// with who asked, why and what it holds; those waiting for a second
// person's approval are decided here by a person who may approve
// (exports:approve), never the one who asked.
func init() {
	extraRoutes = append(extraRoutes, func(c *Console) {
		c.handle("GET /console/exports", c.exportsPage)
		c.handleForm("POST /console/exports/{id}/approve", c.decideExport("approve"))
		c.handleForm("POST /console/exports/{id}/reject", c.decideExport("reject"))
	})
}

// exportsView is the data of exports.html.
type exportsView struct {
	Pending, Decided []exportRow
	CanDecide        bool
	Me               string // the person's principal key: their own exports are not theirs to decide
}

// exportRow is an entry of the register with what it is, in words.
type exportRow struct {
	exports.Export
	What string
}

// exportWhat says what an entry of the register is.
func exportWhat(l *Locale, x exports.Export) string {
	switch x.Kind {
	case exports.KindAccessPackage:
		return l.T("Access package of request %s", x.Request)
	case exports.KindBulkRead:
		return l.T("Bulk read of %d people's records", x.Subjects)
	case exports.KindAuditLog:
		return l.T("Audit log download")
	}
	return l.T("Export of %s", x.Collection)
}

// exportsPage lists the register, the exports waiting for approval first.
func (c *Console) exportsPage(rc *reqCtx) error {
	var out struct {
		Exports []exports.Export `json:"exports"`
	}
	if err := rc.call(http.MethodGet, query("/v1/exports", "limit", "200"), nil, &out); err != nil {
		return err
	}
	v := exportsView{CanDecide: rc.me.Can("exports:approve"), Me: "user:" + rc.me.User.ID}
	for _, x := range out.Exports {
		row := exportRow{Export: x, What: exportWhat(rc.L, x)}
		if x.Status == exports.StatusPending {
			v.Pending = append(v.Pending, row)
		} else {
			v.Decided = append(v.Decided, row)
		}
	}
	slices.SortStableFunc(v.Pending, func(a, b exportRow) int { return a.RequestedAt.Compare(b.RequestedAt) })
	return rc.render(http.StatusOK, "exports", rc.L.T("Exports"), v)
}

// decideExport approves or rejects an export waiting for approval, with
// the decider's reason.
func (c *Console) decideExport(verb string) handler {
	return func(rc *reqCtx) error {
		id := rc.r.PathValue("id")
		in := map[string]string{"reason": strings.TrimSpace(rc.r.PostFormValue("reason"))}
		if err := rc.call(http.MethodPost, "/v1/exports/"+seg(id)+"/"+verb, in, nil); err != nil {
			var p *APIError
			if errors.As(err, &p) {
				switch p.Code {
				case "reason_required":
					p.say(rc.L.T("Write the reason for the decision (at most 1,000 characters)."))
				case "four_eyes":
					p.say(rc.L.T("A second person must decide this export: not the one who asked for it."))
				}
			}
			return err
		}
		msg := rc.L.T("Export approved: the person who asked for it can download it once.")
		if verb == "reject" {
			msg = rc.L.T("Export rejected.")
		}
		return rc.done("/console/exports", msg)
	}
}
