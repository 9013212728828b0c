package console

import "strings"

// pageAccess lists, for the console's pages, the permissions that open
// them: a person holding any of them gets the page, anyone else a 403.
// A page under none of these paths is open to every signed-in person.
// The menu, and the links and actions pages show, are drawn from it, so
// no one is offered a page that answers 403.
var pageAccess = []struct {
	path  string // a page, or with a trailing slash every page under it
	perms []string
}{
	{"/console/customers", []string{"records:read"}},
	// One person's page shows what the role may see: records, or
	// consents only.
	{"/console/customers/", []string{"records:read", "consents:read"}},
	{"/console/requests", []string{"requests:read"}},
	{"/console/requests/", []string{"requests:read"}},
	{"/console/datamap", []string{"governance:read"}},
	{"/console/datamap/", []string{"governance:read"}},
	{"/console/processors", []string{"governance:read"}},
	{"/console/processors/", []string{"governance:read"}},
	{"/console/imports", []string{"imports:run"}},
	{"/console/imports/", []string{"imports:run"}},
	{"/console/incidents", []string{"incidents:read"}},
	{"/console/incidents/", []string{"incidents:read"}},
	{"/console/audit", []string{"audit:read"}},
	{"/console/alerts/", []string{"alerts:manage"}},
	// The export register is read with audit:read; approving takes
	// exports:approve besides.
	{"/console/exports", []string{"audit:read"}},
	{"/console/exports/", []string{"exports:approve"}},
	{"/console/settings", settingsPermNames()},
	{"/console/settings/users", []string{"users:manage"}},
	{"/console/settings/users/", []string{"users:manage"}},
	{"/console/settings/roles", []string{"roles:manage", "users:manage"}},
	{"/console/settings/roles/", []string{"roles:manage", "users:manage"}},
	{"/console/settings/tokens", []string{"tokens:manage"}},
	{"/console/settings/purposes", settingsPermNames()},
	{"/console/settings/purposes/", []string{"purposes:manage"}},
	// Rules and holds are read by governance readers too (read-only).
	{"/console/settings/retention", []string{"retention:manage", "governance:read"}},
	{"/console/settings/retention/", []string{"retention:manage"}},
	{"/console/settings/holds", []string{"retention:manage", "governance:read"}},
	{"/console/settings/training", []string{"training:manage"}},
	{"/console/settings/keys", []string{"keys:manage"}},
	{"/console/settings/keys/", []string{"keys:manage"}},
}

func settingsPermNames() []string {
	out := make([]string, len(settingsPerms))
	for i, p := range settingsPerms {
		out[i] = string(p)
	}
	return out
}

// Opens reports whether the person may open the console page at path
// (its query ignored): templates use it to show a link only to those it
// leads somewhere for.
func (m *me) Opens(path string) bool {
	if m == nil {
		return false
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	best, bestLen := []string(nil), -1
	for _, a := range pageAccess {
		match := path == a.path || strings.HasSuffix(a.path, "/") && strings.HasPrefix(path, a.path)
		if match && len(a.path) > bestLen {
			best, bestLen = a.perms, len(a.path)
		}
	}
	if bestLen < 0 {
		return true
	}
	for _, p := range best {
		if m.Can(p) {
			return true
		}
	}
	return false
}
