package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"custodia/internal/app"
)

// TestChangeOwnPassword: a person changes their password with the current
// one; every session ends; the old password no longer signs in, the new
// one does; weak, unchanged and wrong answers are refused with their codes,
// and wrong current passwords count against the sign-in limit.
func TestChangeOwnPassword(t *testing.T) {
	e := accessSetup(t, app.Config{LoginMaxFailures: 3})
	const pw, next = "correct horse battery staple", "a brand new passphrase 2026"
	e.admin.Must(201, "POST", "/v1/users", map[string]any{"email": "changer@example.com", "display_name": "Changer", "role": "auditor", "password": pw})
	anon := e.admin.With("")
	signIn := func(password string) (string, int) {
		r := anon.Do("POST", "/v1/sessions", map[string]any{"email": "changer@example.com", "password": password})
		tok, _ := r.JSON()["token"].(string)
		return tok, r.Status
	}
	tok, _ := signIn(pw)
	other, _ := signIn(pw)
	sess := e.admin.With(tok)

	for _, c := range []struct {
		body       map[string]any
		status     int
		code, note string
	}{
		{map[string]any{"current_password": pw}, 400, "password_fields_required", "no new password"},
		{map[string]any{"current_password": pw, "new_password": "short"}, 400, "weak_password", "too short"},
		{map[string]any{"current_password": pw, "new_password": "changer@example.com"}, 400, "password_is_email", "the e-mail address"},
		{map[string]any{"current_password": pw, "new_password": pw}, 400, "password_unchanged", "the same password"},
		{map[string]any{"current_password": pw, "new_password": next, "extra": 1}, 400, "malformed_json", "an unknown member"},
		{map[string]any{"current_password": "not my password at all", "new_password": next}, 403, "wrong_password", "a wrong current password"},
	} {
		if r := sess.Do("POST", "/v1/users/me/password", c.body); r.Status != c.status || r.Code() != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.note, r.Status, r.Body, c.status, c.code)
		} else if strings.Contains(string(r.Body), pw) || strings.Contains(string(r.Body), next) {
			t.Errorf("%s: the answer repeats a password: %s", c.note, r.Body)
		}
	}
	// An API token has no password of its own.
	if r := e.admin.Do("POST", "/v1/users/me/password", map[string]any{"current_password": pw, "new_password": next}); r.Status != 403 || r.Code() != "session_required" {
		t.Errorf("API token: %d %s, want 403 session_required", r.Status, r.Body)
	}

	sess.Must(204, "POST", "/v1/users/me/password", map[string]any{"current_password": pw, "new_password": next})
	for name, s := range map[string]string{"this session": tok, "another session": other} {
		if r := e.admin.With(s).Do("GET", "/v1/users/me", nil); r.Status != 401 {
			t.Errorf("%s after the change: %d, want 401", name, r.Status)
		}
	}
	if _, st := signIn(pw); st != 401 {
		t.Errorf("old password: %d, want 401", st)
	}
	tok, st := signIn(next)
	if st != 201 {
		t.Fatalf("new password: %d, want 201", st)
	}
	audit := string(e.admin.Must(200, "GET", "/v1/audit?action=user.password_change", nil).Body)
	if !strings.Contains(audit, `"outcome":"ok"`) || strings.Contains(audit, next) || strings.Contains(audit, pw) {
		t.Errorf("audit of the change: %s", audit)
	}

	// Wrong current passwords are sign-in failures: past the limit even
	// the right one is refused for a while, and an alert is raised.
	sess = e.admin.With(tok)
	for i := range 3 { // the change above cleared the earlier wrong answer
		if r := sess.Do("POST", "/v1/users/me/password", map[string]any{"current_password": "guess " + string(rune('a'+i)), "new_password": pw + "!"}); r.Status != 403 {
			t.Fatalf("guess %d: %d %s", i, r.Status, r.Body)
		}
	}
	r := sess.Do("POST", "/v1/users/me/password", map[string]any{"current_password": next, "new_password": pw + "!"})
	if r.Status != 429 || r.Code() != "too_many_failed_logins" || r.Header.Get("Retry-After") == "" {
		t.Fatalf("after 3 wrong passwords even the right one: %d %s, want 429 too_many_failed_logins", r.Status, r.Body)
	}
	if !strings.Contains(string(e.admin.Must(200, "GET", "/v1/alerts", nil).Body), "brute_force_account") {
		t.Error("no brute_force_account alert")
	}
}

// TestResetPassword: an administrator gives a person who forgot their
// password a new one, shown once; the person's sessions end, the old
// password stops working and two-factor authentication stays on.
func TestResetPassword(t *testing.T) {
	e := accessSetup(t, app.Config{})
	const pw = "correct horse battery staple"
	u := e.admin.Must(201, "POST", "/v1/users", map[string]any{"email": "forgetful@example.com", "display_name": "Forgetful", "role": "admin", "password": pw})
	id := u.JSON()["user"].(map[string]any)["id"].(string)
	anon := e.admin.With("")
	sess := e.admin.With(anon.Must(201, "POST", "/v1/sessions", map[string]any{"email": "forgetful@example.com", "password": pw}).JSON()["token"].(string))
	secret := sess.Must(201, "POST", "/v1/users/me/totp", nil).JSON()["secret"].(string)
	code, _ := totp.GenerateCode(secret, time.Now())
	codes := sess.Must(200, "POST", "/v1/users/me/totp/confirm", map[string]any{"code": code}).JSON()["recovery_codes"].([]any)

	// A token the person made survives a password change of their own,
	// not a reset: a reset follows an account taken over.
	madeTok := sess.Must(201, "POST", "/v1/tokens", map[string]any{"name": "forgetful-job", "role": "auditor"}).JSON()
	if r := e.admin.Do("POST", "/v1/users/usr_nobody/password", nil); r.Status != 404 || r.Code() != "user_not_found" {
		t.Errorf("unknown person: %d %s, want 404 user_not_found", r.Status, r.Body)
	}
	if r := e.admin.Do("POST", "/v1/users/"+id+"/password", map[string]any{"password": "chosen by the admin"}); r.Status != 400 {
		t.Errorf("a body: %d %s, want 400", r.Status, r.Body)
	}
	r := e.admin.Must(200, "POST", "/v1/users/"+id+"/password", nil)
	fresh, _ := r.JSON()["new_password"].(string)
	if len(fresh) < 32 {
		t.Fatalf("new_password %q: want a long random password", fresh)
	}
	if got := r.JSON()["user"].(map[string]any); got["id"] != id || got["mfa_enabled"] != true {
		t.Errorf("user in the answer: %v, want the same person with MFA still on", got)
	}
	if r := sess.Do("GET", "/v1/users/me", nil); r.Status != 401 {
		t.Errorf("session after the reset: %d, want 401", r.Status)
	}
	if ids, _ := r.JSON()["revoked_tokens"].([]any); len(ids) != 1 || ids[0] != madeTok["id"] {
		t.Errorf("revoked_tokens %v, want [%v]", r.JSON()["revoked_tokens"], madeTok["id"])
	}
	if r := e.admin.With(madeTok["token"].(string)).Do("GET", "/v1/audit", nil); r.Status != 401 {
		t.Errorf("the person's token after the reset: %d, want 401", r.Status)
	}
	if r := anon.Do("POST", "/v1/sessions", map[string]any{"email": "forgetful@example.com", "password": pw}); r.Status != 401 {
		t.Errorf("old password after the reset: %d, want 401", r.Status)
	}
	// Two-factor authentication is kept: the new password alone is not enough.
	if r := anon.Do("POST", "/v1/sessions", map[string]any{"email": "forgetful@example.com", "password": fresh}); r.Status != 401 {
		t.Errorf("new password without a code: %d %s, want 401", r.Status, r.Body)
	}
	anon.Must(201, "POST", "/v1/sessions", map[string]any{"email": "forgetful@example.com", "password": fresh, "recovery_code": codes[0]})
	if audit := string(e.admin.Must(200, "GET", "/v1/audit?action=user.password_reset", nil).Body); strings.Contains(audit, fresh) || !strings.Contains(audit, id) {
		t.Errorf("audit of the reset: %s", audit)
	}

	// An administrator may not reset their own password, in a session or
	// with a token they made: that takes the current password (QA).
	const apw = "the administrator's own passphrase"
	aid := e.admin.Must(201, "POST", "/v1/users", map[string]any{"email": "boss@example.com", "display_name": "Boss", "role": "admin", "password": apw}).JSON()["user"].(map[string]any)["id"].(string)
	ares := anon.Must(201, "POST", "/v1/sessions", map[string]any{"email": "boss@example.com", "password": apw}).JSON()
	asess := e.admin.With(ares["token"].(string))
	asecret := asess.Must(201, "POST", "/v1/users/me/totp", nil).JSON()["secret"].(string)
	acode, _ := totp.GenerateCode(asecret, time.Now())
	asess.Must(200, "POST", "/v1/users/me/totp/confirm", map[string]any{"code": acode})
	if r := asess.Do("POST", "/v1/users/"+aid+"/password", nil); r.Status != 403 || r.Code() != "own_password" {
		t.Errorf("an administrator resets their own password: %d %s, want 403 own_password", r.Status, r.Body)
	}
	atok := asess.Must(201, "POST", "/v1/tokens", map[string]any{"name": "boss-script", "role": "admin"}).JSON()["token"].(string)
	if r := e.admin.With(atok).Do("POST", "/v1/users/"+aid+"/password", nil); r.Status != 403 || r.Code() != "own_password" {
		t.Errorf("a token the administrator made resets their password: %d %s, want 403 own_password", r.Status, r.Body)
	}
}
