package console

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"custodia/internal/access"
	"custodia/internal/auth"
	"custodia/internal/keys"
)

func init() {
	extraRoutes = append(extraRoutes, func(c *Console) {
		c.handle("GET /console/settings/tokens", c.settingsTokens)
		c.handleForm("POST /console/settings/tokens", c.createToken)
		c.handleForm("POST /console/settings/tokens/{id}/revoke", c.revokeToken)
		c.handle("GET /console/settings/keys", c.settingsKeys)
		c.handle("GET /console/settings/keys/rotate", c.rotateConfirm)
		c.handleForm("POST /console/settings/keys/rotate", c.rotateKeys)
	})
}

// tokensView is the data of settings_tokens.html.
type tokensView struct {
	Tokens   []tokenRow
	Roles    []access.Role
	Purposes []string
}

// tokenRow is a token with its creator named.
type tokenRow struct {
	auth.Token
	Creator string
	Active  bool
}

func (c *Console) settingsTokens(rc *reqCtx) error {
	var out struct {
		Tokens []auth.Token `json:"tokens"`
	}
	if err := rc.call(http.MethodGet, "/v1/tokens", nil, &out); err != nil {
		return err
	}
	var v tokensView
	names := rc.peopleNames()
	now := rc.now()
	slices.SortFunc(out.Tokens, func(a, b auth.Token) int { return b.CreatedAt.Compare(a.CreatedAt) })
	for _, t := range out.Tokens {
		row := tokenRow{Token: t, Creator: t.CreatedBy, Active: t.Active(now)}
		if id, ok := strings.CutPrefix(t.CreatedBy, "user:"); ok && names[id] != "" {
			row.Creator = names[id]
		}
		v.Tokens = append(v.Tokens, row)
	}
	roles, err := rc.roles()
	if err != nil {
		return err
	}
	v.Roles = roles
	purposes, err := rc.purposes()
	if err != nil {
		return err
	}
	for _, p := range purposes {
		v.Purposes = append(v.Purposes, p.Name)
	}
	return rc.render(http.StatusOK, "settings_tokens", rc.L.T("API tokens"), v)
}

// tokenCreatedView is the data of settings_token_created.html: the
// secret, shown on this answer only (never stored, never in a cookie).
type tokenCreatedView struct {
	Token  auth.Token
	Secret string
}

// createToken issues an API token (POST /v1/tokens) and shows its secret
// once.
func (c *Console) createToken(rc *reqCtx) error {
	f := rc.r.PostForm
	in := auth.CreateRequest{Name: strings.TrimSpace(f.Get("name")), Role: auth.Role(f.Get("role")),
		Collections: splitList(f.Get("collections")), Purposes: f["purposes"]}
	exp, err := rc.formDay("expires_at")
	if err != nil {
		return err
	}
	if exp != nil {
		// "Expires on" a day: valid through that day, so today is a
		// valid choice (QA: it was refused as past).
		end := exp.AddDate(0, 0, 1).Add(-time.Second)
		exp = &end
	}
	in.ExpiresAt = exp
	if s := strings.TrimSpace(f.Get("rate_limit")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return badInput("invalid_rate_limit", rc.L.T("The rate limit must be a whole number of requests per second."))
		}
		in.RateLimit = n
	}
	var out struct {
		auth.Token
		Secret string `json:"token"`
	}
	if err := rc.call(http.MethodPost, "/v1/tokens", in, &out); err != nil {
		return err
	}
	rc.saved = rc.r.PostFormValue("form_id") // the form's draft may go: it was accepted
	return rc.render(http.StatusCreated, "settings_token_created", rc.L.T("Token created"), tokenCreatedView{Token: out.Token, Secret: out.Secret})
}

// revokeToken revokes a token (DELETE /v1/tokens/{id}).
func (c *Console) revokeToken(rc *reqCtx) error {
	if !confirmed(rc) {
		return redirect("/console/settings/tokens/" + seg(rc.r.PathValue("id")) + "/revoke")
	}
	if err := rc.call(http.MethodDelete, "/v1/tokens/"+seg(rc.r.PathValue("id")), nil, nil); err != nil {
		return err
	}
	return rc.done("/console/settings/tokens", rc.L.T("Token revoked: it no longer opens the API."))
}

// keysView is the data of settings_keys.html.
type keysView struct {
	Primary   uint32
	Versions  []keys.VersionInfo
	ByVersion []versionCount
	Confirm   bool          // the confirmation step
	Result    *rotationView // the rotation just done
}

// rotationView is the result of a rotation (keys.RotationResult).
type rotationView struct {
	NewVersion uint32
	Rewrapped  int
	Retired    []uint32
}

// versionCount is one key version: its state and how many data keys it
// wraps.
type versionCount struct {
	Version uint32
	Status  string
	Primary bool
	Keys    int
}

func (rc *reqCtx) keyStatus() (keysView, error) {
	var ks struct {
		Primary   uint32             `json:"primary"`
		Versions  []keys.VersionInfo `json:"versions"`
		ByVersion map[string]int64   `json:"data_keys_by_version"`
	}
	if err := rc.call(http.MethodGet, "/v1/keys", nil, &ks); err != nil {
		return keysView{}, err
	}
	v := keysView{Primary: ks.Primary, Versions: ks.Versions}
	seen := map[uint32]bool{}
	for _, kv := range ks.Versions {
		seen[kv.Version] = true
		v.ByVersion = append(v.ByVersion, versionCount{Version: kv.Version, Status: kv.Status, Primary: kv.Primary,
			Keys: int(ks.ByVersion[strconv.FormatUint(uint64(kv.Version), 10)])})
	}
	for k, n := range ks.ByVersion { // data keys under a version the key file no longer holds
		ver, err := strconv.ParseUint(k, 10, 32)
		if err != nil || seen[uint32(ver)] {
			continue
		}
		v.ByVersion = append(v.ByVersion, versionCount{Version: uint32(ver), Status: "MISSING", Keys: int(n)})
	}
	slices.SortFunc(v.ByVersion, func(a, b versionCount) int { return cmp.Compare(a.Version, b.Version) })
	return v, nil
}

func (c *Console) settingsKeys(rc *reqCtx) error {
	v, err := rc.keyStatus()
	if err != nil {
		return err
	}
	return rc.render(http.StatusOK, "settings_keys", rc.L.T("Key rotation"), v)
}

// rotateConfirm says what a rotation does before it is done.
func (c *Console) rotateConfirm(rc *reqCtx) error {
	v, err := rc.keyStatus()
	if err != nil {
		return err
	}
	v.Confirm = true
	return rc.render(http.StatusOK, "settings_keys", rc.L.T("Rotate the keys"), v)
}

// rotateKeys rotates the key-encryption key (POST /v1/keys/rotate) once
// the confirmation box is ticked, and shows the result.
func (c *Console) rotateKeys(rc *reqCtx) error {
	if rc.r.PostFormValue("confirm") != "rotate" {
		return badInput("not_confirmed", rc.L.T("Tick the box to confirm the rotation."))
	}
	var res keys.RotationResult
	if err := rc.call(http.MethodPost, "/v1/keys/rotate", nil, &res); err != nil {
		return err
	}
	v, err := rc.keyStatus()
	if err != nil {
		return err
	}
	v.Result = &rotationView{NewVersion: res.NewVersion, Rewrapped: int(res.Rewrapped), Retired: res.Retired}
	return rc.render(http.StatusOK, "settings_keys", rc.L.T("Key rotation"), v)
}
