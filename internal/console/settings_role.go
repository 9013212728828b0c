package console

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"custodia/internal/access"
	"custodia/internal/auth"
)

func init() {
	extraRoutes = append(extraRoutes, func(c *Console) {
		c.handle("GET /console/settings/roles/{name}", c.settingsRole)
		c.handleForm("POST /console/settings/roles/{name}", c.updateRole)
		c.handle("GET /console/settings/roles/{name}/delete", c.deleteRoleConfirm)
		c.handleForm("POST /console/settings/roles/{name}/delete", c.deleteRole)
	})
}

// roleView is the data of settings_role.html: the role, and for a custom
// role and a person who manages roles, its edit form filled in.
type roleView struct {
	access.Role
	Editable       bool
	AllPermissions []auth.Permission
	GrantsText     string
	MFA            string // "", "yes" or "no", as the form's select
}

// Has reports whether the role holds permission p (the form's ticks).
func (v roleView) Has(p auth.Permission) bool { return slices.Contains(v.Permissions, p) }

// settingsRole shows one role's permissions and grants; a custom role
// can be changed or deleted by a person who manages roles.
func (c *Console) settingsRole(rc *reqCtx) error {
	if err := rc.need(auth.PermRolesManage, auth.PermUsersManage); err != nil {
		return err
	}
	var role access.Role
	if err := rc.call(http.MethodGet, "/v1/roles/"+seg(rc.r.PathValue("name")), nil, &role); err != nil {
		return err
	}
	v := roleView{Role: role, Editable: !role.Builtin && rc.canAny(auth.PermRolesManage), AllPermissions: access.ManagementPermissions,
		GrantsText: grantsText(role.Grants)}
	if role.RequireMFA != nil {
		v.MFA = map[bool]string{true: "yes", false: "no"}[*role.RequireMFA]
	}
	return rc.render(http.StatusOK, "settings_role", rc.L.T("Role %s", role.Name), &v)
}

// grantsText writes grants one per line as the form reads them:
// collection, field or category, access.
func grantsText(gs []access.Grant) string {
	var b strings.Builder
	for _, g := range gs {
		sel := g.Category
		if sel == "" {
			sel = g.Field
		}
		if sel == "" {
			sel = "*"
		}
		fmt.Fprintf(&b, "%s %s %s\n", g.Collection, sel, grantAccess(g))
	}
	return b.String()
}

// grantAccess is a grant's access as the form writes it: read,
// read_masked, write (read and write), none, or read_masked+write and
// none+write for the grants the shorthand cannot say.
func grantAccess(g access.Grant) string {
	switch {
	case g.Write && g.Read == access.ReadFull:
		return "write"
	case g.Write:
		return map[access.ReadLevel]string{access.ReadMasked: "read_masked", access.ReadNone: "none"}[g.Read] + "+write"
	case g.Read == access.ReadFull:
		return "read"
	case g.Read == access.ReadMasked:
		return "read_masked"
	}
	return "none"
}

// roleFromForm reads the role form (create and edit): permissions ticked,
// grants one per line as "collection selector access".
func (rc *reqCtx) roleFromForm(name string) (access.Role, error) {
	f := rc.r.PostForm
	role := access.Role{Name: name, Description: strings.TrimSpace(f.Get("description")), RequireTraining: f.Get("require_training") == "true",
		Permissions: []auth.Permission{}, Grants: []access.Grant{}}
	for _, p := range f["permissions"] {
		role.Permissions = append(role.Permissions, auth.Permission(p))
	}
	switch f.Get("require_mfa") {
	case "yes":
		role.RequireMFA = new(true)
	case "no":
		role.RequireMFA = new(false)
	}
	for i, line := range strings.Split(f.Get("grants"), "\n") {
		parts := strings.Fields(line)
		if len(parts) == 0 {
			continue
		}
		if len(parts) != 3 {
			return role, badInput("invalid_grant", rc.L.T("Grant line %d: write a collection, a field or category, and an access (read, read_masked, write or none).", i+1))
		}
		g := access.Grant{Collection: parts[0], Access: parts[2]}
		if read, ok := strings.CutSuffix(parts[2], "+write"); ok {
			level, known := map[string]access.ReadLevel{"read": access.ReadFull, "read_masked": access.ReadMasked, "none": access.ReadNone}[read]
			if !known {
				return role, badInput("invalid_grant", rc.L.T("Grant line %d: write a collection, a field or category, and an access (read, read_masked, write or none).", i+1))
			}
			g.Access, g.Read, g.Write = "", level, true
		}
		if strings.Contains(parts[1], ".") {
			g.Category = parts[1]
		} else {
			g.Field = parts[1]
		}
		role.Grants = append(role.Grants, g)
	}
	return role, nil
}

// createRole defines a custom role (POST /v1/roles).
func (c *Console) createRole(rc *reqCtx) error {
	role, err := rc.roleFromForm(strings.TrimSpace(rc.r.PostForm.Get("name")))
	if err != nil {
		return err
	}
	if err := rc.call(http.MethodPost, "/v1/roles", role, nil); err != nil {
		return err
	}
	return rc.done("/console/settings/roles/"+seg(role.Name), rc.L.T("Role created."))
}

// updateRole redefines a custom role (PUT /v1/roles/{name}); the people
// who hold it sign in again.
func (c *Console) updateRole(rc *reqCtx) error {
	name := rc.r.PathValue("name")
	role, err := rc.roleFromForm(name)
	if err != nil {
		return err
	}
	if err := rc.call(http.MethodPut, "/v1/roles/"+seg(name), role, nil); err != nil {
		return err
	}
	return rc.done("/console/settings/roles/"+seg(name), rc.L.T("Role changed."))
}

// deleteRoleConfirm asks before a custom role is deleted, naming it.
func (c *Console) deleteRoleConfirm(rc *reqCtx) error {
	if err := rc.need(auth.PermRolesManage); err != nil {
		return err
	}
	name := rc.r.PathValue("name")
	var role access.Role
	if err := rc.call(http.MethodGet, "/v1/roles/"+seg(name), nil, &role); err != nil {
		return err
	}
	return rc.render(http.StatusOK, "confirm", rc.L.T("Delete this role"), confirmView{
		Question:    rc.L.T("Delete the role %s?", role.Name),
		Consequence: rc.L.T("A role that people, active tokens or purposes still name cannot be deleted: give them another role, and take it out of the purposes, first."),
		Action:      "/console/settings/roles/" + url.PathEscape(name) + "/delete", Button: rc.L.T("Delete"), Cancel: "/console/settings/roles/" + url.PathEscape(name)})
}

// deleteRole deletes a custom role (DELETE /v1/roles/{name}).
func (c *Console) deleteRole(rc *reqCtx) error {
	name := rc.r.PathValue("name")
	if !confirmed(rc) {
		return redirect("/console/settings/roles/" + url.PathEscape(name) + "/delete")
	}
	if err := rc.call(http.MethodDelete, "/v1/roles/"+seg(name), nil, nil); err != nil {
		return err
	}
	return rc.done("/console/settings/roles", rc.L.T("Role deleted."))
}
