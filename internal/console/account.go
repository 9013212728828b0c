package console

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"custodia/internal/auth"
)

func init() {
	extraRoutes = append(extraRoutes, func(c *Console) {
		c.handle("GET /console/account", c.accountPage)
		c.handleForm("POST /console/account/password", c.changeOwnPassword)
		c.handle("GET /console/settings/users/{id}/password", c.resetPasswordConfirm)
		c.handleForm("POST /console/settings/users/{id}/password", c.resetPassword)
	})
}

// accountView is the data of account.html.
type accountView struct {
	Error string
}

// accountPage shows the signed-in person's account: who they are, their
// two-factor authentication, and the form to change their password.
func (c *Console) accountPage(rc *reqCtx) error {
	return rc.render(http.StatusOK, "account", rc.L.T("Your account"), accountView{})
}

// changeOwnPassword changes the person's password (POST
// /v1/users/me/password). Every session of theirs ends, this one too, so
// the browser goes to the sign-in page with a word on why.
func (c *Console) changeOwnPassword(rc *reqCtx) error {
	f := rc.r.PostForm
	current, next := f.Get("current_password"), f.Get("new_password")
	if next != f.Get("new_password_again") {
		return rc.render(http.StatusBadRequest, "account", rc.L.T("Your account"),
			accountView{Error: rc.L.T("The two new passwords differ. Type the same new password twice.")})
	}
	err := rc.call(http.MethodPost, "/v1/users/me/password", map[string]string{"current_password": current, "new_password": next}, nil)
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusTooManyRequests:
		if apiErr.retryAfter != "" {
			rc.w.Header().Set("Retry-After", apiErr.retryAfter)
		}
		return rc.render(apiErr.Status, "account", rc.L.T("Your account"),
			accountView{Error: rc.L.T("Too many wrong passwords. Wait a few minutes before trying again.")})
	case errors.As(err, &apiErr) && apiErr.Code == "wrong_password":
		return rc.render(apiErr.Status, "account", rc.L.T("Your account"),
			accountView{Error: rc.L.T("Your current password is not right.")})
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest:
		return rc.render(apiErr.Status, "account", rc.L.T("Your account"), accountView{Error: apiErr.Text(rc.L)})
	case err != nil:
		return err
	}
	c.clearCookie(rc.w, rc.r, sessionCookie)
	return redirect("/console/sign-in?changed=1")
}

// resetPasswordConfirm asks before a person's password is replaced,
// naming them.
func (c *Console) resetPasswordConfirm(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	var u auth.User
	if err := rc.call(http.MethodGet, "/v1/users/"+seg(id), nil, &u); err != nil {
		return err
	}
	return rc.render(http.StatusOK, "confirm", rc.L.T("Reset a password"), confirmView{
		Question:    rc.L.T("Give %s a new password?", u.Email),
		Consequence: rc.L.T("Their current password stops working, every session of theirs ends and the API tokens they made are revoked. The new password is shown once, on the next page: give it to them through a safe channel. Their two-factor authentication stays as it is."),
		Action:      "/console/settings/users/" + url.PathEscape(id) + "/password", Button: rc.L.T("Reset the password"), Cancel: "/console/settings/users",
		Version: userVersion(u)})
}

// userVersion is a person's state as a page showed it: their last change.
func userVersion(u auth.User) string { return u.UpdatedAt.UTC().Format(time.RFC3339Nano) }

// resetPassword replaces a person's password with a random one (POST
// /v1/users/{id}/password) and shows it once.
func (c *Console) resetPassword(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	version := rc.r.PostFormValue("version")
	if !confirmed(rc) || version == "" {
		return redirect("/console/settings/users/" + url.PathEscape(id) + "/password")
	}
	var u auth.User
	if err := rc.call(http.MethodGet, "/v1/users/"+seg(id), nil, &u); err != nil {
		return err
	}
	if userVersion(u) != version {
		// A page older than the person's last change: above all the
		// reload of a reset's result, which posts the form again and
		// would replace the password just given out.
		return &APIError{Status: http.StatusConflict, Code: "reset_stale",
			Detail: rc.L.T("The person changed since this page was shown (their password may just have been reset): nothing was done. Open the users list to reset it again.")}
	}
	var out struct {
		User        auth.User `json:"user"`
		NewPassword string    `json:"new_password"`
	}
	if err := rc.call(http.MethodPost, "/v1/users/"+seg(id)+"/password", nil, &out); err != nil {
		return err
	}
	return rc.render(http.StatusOK, "settings_user_created", rc.L.T("Password reset"), userCreatedView{User: out.User, Password: out.NewPassword, Reset: true})
}
