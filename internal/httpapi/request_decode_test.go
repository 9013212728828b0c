package httpapi

import (
	"strings"
	"testing"
	"time"

	"custodia/internal/apperr"
)

// TestDecodeNamesTheBadField: a date-time that is not RFC 3339 and an
// unknown member are answered with the field's name, not a generic
// "not valid JSON".
func TestDecodeNamesTheBadField(t *testing.T) {
	type window struct {
		From time.Time `json:"from"`
	}
	var v struct {
		Name   string     `json:"name"`
		Signed *time.Time `json:"dpa_signed_at"`
		Window window     `json:"window"`
	}
	for _, c := range []struct{ body, code, want string }{
		{`{"dpa_signed_at":"2026-05-01"}`, "invalid_time", `field "dpa_signed_at" is not an RFC 3339 date-time`},
		{`{"name":"x","window":{"from":"23/11/2026 10:00"}}`, "invalid_time", `field "window.from"`},
		{`{"colour":"red"}`, "malformed_json", `unknown member "colour"`},
		{`{"name":1}`, "malformed_json", `field "name" has the wrong JSON type`},
	} {
		err := decodeBytes([]byte(c.body), &v)
		ae, ok := apperr.As(err)
		if !ok || ae.Code != c.code || !strings.Contains(ae.Message, c.want) {
			t.Errorf("%s: %v, want %s with %q", c.body, err, c.code, c.want)
		}
	}
}
