package vault

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"strings"
	"sync"
)

// fideslangCategories is the fideslang data-category vocabulary (CC BY 4.0,
// see taxonomy/NOTICE.md).
//
//go:embed taxonomy/data_categories.csv
var fideslangCategories []byte

var categories = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	rows, err := csv.NewReader(bytes.NewReader(fideslangCategories)).ReadAll()
	if err != nil {
		panic("embedded fideslang categories: " + err.Error()) // a build defect, caught by tests
	}
	for _, r := range rows[1:] {
		if len(r) > 0 && r[0] != "data_category" {
			out[r[0]] = true
		}
	}
	return out
})

// PersonalCategory reports whether a category describes personal data
// (fideslang's user.* branch): system.* and the rest describe the
// organisation's own data, which registers, the data map and the Art. 30
// record leave out.
func PersonalCategory(c string) bool { return c == "user" || strings.HasPrefix(c, "user.") }

// FideslangCategory reports whether key is a category of the fideslang
// vocabulary itself, not an extension of one.
func FideslangCategory(key string) bool { return categories()[key] }

// KnownCategory reports whether key is a fideslang data category, or an
// organisation's extension of one ("user.contact.email.work").
func KnownCategory(key string) bool {
	cats := categories()
	if cats[key] {
		return true
	}
	for i := strings.LastIndexByte(key, '.'); i > 0; i = strings.LastIndexByte(key[:i], '.') {
		if cats[key[:i]] && validExtension(key[i+1:]) {
			return true
		}
	}
	return false
}

func validExtension(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.') {
			return false
		}
	}
	return !strings.Contains(s, "..") && !strings.HasSuffix(s, ".")
}
