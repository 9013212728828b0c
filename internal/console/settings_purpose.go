package console

import (
	"net/http"
	"slices"
	"strings"

	"custodia/internal/access"
	"custodia/internal/auth"
)

func init() {
	extraRoutes = append(extraRoutes, func(c *Console) {
		c.handle("GET /console/settings/purposes/{name}", c.editPurposePage)
		c.handleForm("POST /console/settings/purposes/{name}", c.updatePurpose)
	})
}

// purposeEditView is the data of settings_purpose.html: a purpose and
// the choices of its form.
type purposeEditView struct {
	access.Purpose
	Bases []option
	Roles []access.Role
}

// MayInvoke reports whether the purpose lists role r (the form's ticks).
func (v purposeEditView) MayInvoke(r string) bool { return slices.Contains(v.Purpose.Roles, r) }

// editPurposePage shows a purpose's form, filled in (purposes:manage).
func (c *Console) editPurposePage(rc *reqCtx) error {
	if err := rc.need(auth.PermPurposesManage); err != nil {
		return err
	}
	var p access.Purpose
	if err := rc.call(http.MethodGet, "/v1/purposes/"+seg(rc.r.PathValue("name")), nil, &p); err != nil {
		return err
	}
	v := purposeEditView{Purpose: p}
	for _, b := range access.LegalBases {
		v.Bases = append(v.Bases, option{string(b), rc.L.T(legalBasisLabels[b])})
	}
	roles, err := rc.roles()
	if err != nil {
		return err
	}
	v.Roles = roles
	return rc.render(http.StatusOK, "settings_purpose", rc.L.T("Purpose %s", p.Name), v)
}

// updatePurpose replaces a purpose's description, legal basis and roles
// (PUT /v1/purposes/{name}).
func (c *Console) updatePurpose(rc *reqCtx) error {
	name := rc.r.PathValue("name")
	f := rc.r.PostForm
	p := access.Purpose{Name: name, Description: strings.TrimSpace(f.Get("description")),
		LegalBasis: access.LegalBasis(f.Get("legal_basis")), Roles: f["roles"]}
	if p.Roles == nil {
		p.Roles = []string{}
	}
	if err := rc.call(http.MethodPut, "/v1/purposes/"+seg(name), p, nil); err != nil {
		return err
	}
	return rc.done("/console/settings/purposes", rc.L.T("Purpose %s changed.", name))
}
