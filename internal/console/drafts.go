package console

import (
	"encoding/base64"
	"net/http"
)

// draftScope is the short value drafts of the person with userID are
// stored under in the browser: a keyed hash of the id, so the page
// names neither the e-mail address nor the id, and the value cannot be
// guessed for another person.
func (c *Console) draftScope(userID string) string {
	return base64.RawURLEncoding.EncodeToString(c.opts.CSRFKey.MAC([]byte("draft-scope"), []byte(userID))[:9])
}

// clearSiteStorage asks the browser to drop what the console's pages
// stored in it (drafts in sessionStorage): sent when someone signs out,
// so the next person in the same tab finds nothing of theirs.
// console.js drops the drafts too, for browsers that ignore the header.
func clearSiteStorage(h http.Header) {
	h.Set("Clear-Site-Data", `"storage"`)
}
