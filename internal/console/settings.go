package console

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"custodia/internal/access"
	"custodia/internal/auth"
)

func init() {
	extraRoutes = append(extraRoutes, func(c *Console) {
		c.handle("GET /console/settings", c.settingsIndex)
		c.handle("GET /console/settings/users", c.settingsUsers)
		c.handleForm("POST /console/settings/users", c.createUser)
		c.handleForm("POST /console/settings/users/{id}/disable", c.disableUser)
		c.handleForm("POST /console/settings/users/{id}/role", c.changeUserRole)
		c.handle("GET /console/settings/roles", c.settingsRoles)
		c.handleForm("POST /console/settings/roles", c.createRole)
	})
}

// settingsSection is one section of the settings, open to the people
// holding any of its permissions.
type settingsSection struct {
	Path, Title, About string
	perms              []auth.Permission
}

// settingsSections lists the sections in the order the index shows them.
var settingsSections = []settingsSection{
	{"/console/settings/users", "Users", "Who may sign in to Custodia, with which role; disable an account.",
		[]auth.Permission{auth.PermUsersManage}},
	{"/console/settings/roles", "Roles", "What each role may do and which fields it reads, masked or in full.",
		[]auth.Permission{auth.PermRolesManage, auth.PermUsersManage}},
	{"/console/settings/tokens", "API tokens", "Credentials of the systems that call the API; create and revoke them.",
		[]auth.Permission{auth.PermTokensManage}},
	{"/console/settings/purposes", "Purposes", "The registered reasons for processing, each with its legal basis.",
		[]auth.Permission{auth.PermPurposesManage}},
	{"/console/settings/retention", "Retention rules", "How long data is kept, and what happens after; run the rules now.",
		[]auth.Permission{auth.PermRetention}},
	{"/console/settings/holds", "Legal holds", "Holds that stop deletion of a person's or a collection's data.",
		[]auth.Permission{auth.PermRetention}},
	{"/console/settings/training", "Training records", "Privacy training completed by staff, and when it lapses.",
		[]auth.Permission{auth.PermTrainingManage}},
	{"/console/settings/keys", "Key rotation", "The key-encryption key in use; rotate it.",
		[]auth.Permission{auth.PermKeysManage}},
}

// settingsPerms are the permissions that open the settings at all.
var settingsPerms = []auth.Permission{auth.PermUsersManage, auth.PermTokensManage, auth.PermPurposesManage,
	auth.PermRetention, auth.PermTrainingManage, auth.PermKeysManage, auth.PermRolesManage}

// canAny reports whether the person holds any of perms.
func (rc *reqCtx) canAny(perms ...auth.Permission) bool {
	return slices.ContainsFunc(perms, func(p auth.Permission) bool { return rc.me.Can(string(p)) })
}

// errForbidden is the 403 page of a section the role does not open (the
// API would refuse its calls too; this keeps readable lists closed).
var errForbidden = &APIError{Status: http.StatusForbidden, Code: "forbidden"}

// need refuses a page unless the person holds one of perms.
func (rc *reqCtx) need(perms ...auth.Permission) error {
	if !rc.canAny(perms...) {
		return errForbidden
	}
	return nil
}

// badInput is a 400 page with a message in the person's language.
func badInput(code, message string) error {
	return &APIError{Status: http.StatusBadRequest, Code: code, Detail: message}
}

// splitList reads a comma- or newline-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// formDay reads an optional day (YYYY-MM-DD) in the console's zone; nil
// when empty.
func (rc *reqCtx) formDay(name string) (*time.Time, error) {
	v := strings.TrimSpace(rc.r.PostFormValue(name))
	if v == "" {
		return nil, nil
	}
	t, err := time.ParseInLocation("2006-01-02", v, rc.c.opts.Location)
	if err != nil {
		return nil, badInput("invalid_date", rc.L.T("The date is not valid."))
	}
	return &t, nil
}

// sectionLink is one entry of the settings index.
type sectionLink struct{ Path, Title, About string }

func (c *Console) settingsIndex(rc *reqCtx) error {
	var v []sectionLink
	for _, s := range settingsSections {
		if rc.canAny(s.perms...) {
			v = append(v, sectionLink{s.Path, rc.L.T(s.Title), rc.L.T(s.About)})
		}
	}
	if len(v) == 0 {
		return errForbidden
	}
	return rc.render(http.StatusOK, "settings", rc.L.T("Settings"), v)
}

// roleNames lists the roles for a select (schema:read); nil when the
// role may not list them.
func (rc *reqCtx) roles() ([]access.Role, error) {
	var out struct {
		Roles []access.Role `json:"roles"`
	}
	if _, err := maybe(rc.call(http.MethodGet, "/v1/roles", nil, &out)); err != nil {
		return nil, err
	}
	return out.Roles, nil
}

// peopleNames maps user ids to e-mail addresses when the person may list
// people (users:manage); others see ids.
func (rc *reqCtx) peopleNames() map[string]string {
	names := map[string]string{}
	if !rc.me.Can(string(auth.PermUsersManage)) {
		return names
	}
	var us struct {
		Users []auth.User `json:"users"`
	}
	if err := rc.call(http.MethodGet, "/v1/users", nil, &us); err != nil {
		return names // the names are a convenience
	}
	for _, u := range us.Users {
		names[u.ID] = u.Email
	}
	return names
}

// usersView is the data of settings_users.html.
type usersView struct {
	Users []auth.User
	Roles []access.Role
}

func (c *Console) settingsUsers(rc *reqCtx) error {
	var v usersView
	var out struct {
		Users []auth.User `json:"users"`
	}
	if err := rc.call(http.MethodGet, "/v1/users", nil, &out); err != nil {
		return err
	}
	slices.SortFunc(out.Users, func(a, b auth.User) int { return strings.Compare(a.Email, b.Email) })
	v.Users = out.Users
	roles, err := rc.roles()
	if err != nil {
		return err
	}
	v.Roles = roles
	return rc.render(http.StatusOK, "settings_users", rc.L.T("Users"), v)
}

// userCreatedView is the data of settings_user_created.html: the initial
// or reset password, shown once.
type userCreatedView struct {
	User     auth.User
	Password string
	Reset    bool // a reset password rather than an initial one
}

// createUser adds a person (POST /v1/users). Without a password the API
// generates one, shown on this answer only.
func (c *Console) createUser(rc *reqCtx) error {
	f := rc.r.PostForm
	name, role := strings.TrimSpace(f.Get("display_name")), auth.Role(f.Get("role"))
	in := auth.UserRequest{Email: strings.TrimSpace(f.Get("email")), DisplayName: &name, Role: &role}
	if pw := f.Get("password"); pw != "" {
		in.Password = &pw
	}
	var out struct {
		User            auth.User `json:"user"`
		InitialPassword string    `json:"initial_password"`
	}
	if err := rc.call(http.MethodPost, "/v1/users", in, &out); err != nil {
		return err
	}
	if out.InitialPassword == "" {
		return rc.done("/console/settings/users", rc.L.T("Person added: %s.", out.User.Email))
	}
	rc.saved = rc.r.PostFormValue("form_id") // the form's draft may go: it was accepted
	return rc.render(http.StatusCreated, "settings_user_created", rc.L.T("Person added"), userCreatedView{User: out.User, Password: out.InitialPassword})
}

// disableUser disables or enables an account (PATCH /v1/users/{id}).
func (c *Console) disableUser(rc *reqCtx) error {
	disabled := rc.r.PostFormValue("disabled") == "true"
	if err := rc.call(http.MethodPatch, "/v1/users/"+seg(rc.r.PathValue("id")), auth.UserRequest{Disabled: &disabled}, nil); err != nil {
		return err
	}
	msg := rc.L.T("Account enabled.")
	if disabled {
		msg = rc.L.T("Account disabled; its sessions have ended.")
	}
	return rc.done("/console/settings/users", msg)
}

// changeUserRole gives a person another role (PATCH /v1/users/{id}).
func (c *Console) changeUserRole(rc *reqCtx) error {
	role := auth.Role(rc.r.PostFormValue("role"))
	if err := rc.call(http.MethodPatch, "/v1/users/"+seg(rc.r.PathValue("id")), auth.UserRequest{Role: &role}, nil); err != nil {
		return err
	}
	return rc.done("/console/settings/users", rc.L.T("Role changed; the person signs in again."))
}

// rolesView is the data of settings_roles.html.
type rolesView struct {
	Roles       []access.Role
	Permissions []auth.Permission
}

func (c *Console) settingsRoles(rc *reqCtx) error {
	if err := rc.need(auth.PermRolesManage, auth.PermUsersManage); err != nil {
		return err
	}
	var out struct {
		Roles []access.Role `json:"roles"`
	}
	if err := rc.call(http.MethodGet, "/v1/roles", nil, &out); err != nil {
		return err
	}
	return rc.render(http.StatusOK, "settings_roles", rc.L.T("Roles"), rolesView{Roles: out.Roles, Permissions: access.ManagementPermissions})
}

// now is the present moment (a method so pages agree on one clock).
func (rc *reqCtx) now() time.Time { return time.Now() }

// purposes lists the registered purposes (schema:read); nil when the role
// may not list them.
func (rc *reqCtx) purposes() ([]access.Purpose, error) {
	var out struct {
		Purposes []access.Purpose `json:"purposes"`
	}
	if _, err := maybe(rc.call(http.MethodGet, "/v1/purposes", nil, &out)); err != nil {
		return nil, err
	}
	return out.Purposes, nil
}
