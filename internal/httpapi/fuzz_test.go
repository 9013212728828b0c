package httpapi

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"custodia/internal/access"
	"custodia/internal/apperr"
	"custodia/internal/auth"
	"custodia/internal/consent"
)

// FuzzDecodeBodies feeds arbitrary bytes to the strict decoder of every
// request body the access routes take: it must never panic, and every
// refusal must be a 400 or 413 problem, never an internal error.
func FuzzDecodeBodies(f *testing.F) {
	for _, s := range []string{
		`{"email":"a@example.com","password":"correct horse battery","totp_code":"123456"}`,
		`{"email":"a@example.com","display_name":"A","role":"support","password":null,"disabled":true}`,
		`{"name":"t","role":"dpo","collections":["customers"],"purposes":["support"],"ttl":"1h","rate_limit":5}`,
		`{"person":"usr_x","course":"GDPR","completed_at":"2026-01-01T00:00:00Z","expires_at":null}`,
		`{"purpose":"marketing","action":"grant","method":"m","notice_version":"v1","notice_text":"t","channel":"web","collected_by":"x","ip":"1.2.3.4"}`,
		`{"name":"r","permissions":["schema:read"],"grants":[{"collection":"*","category":"user.contact","access":"read_masked"}],"require_mfa":false}`,
		`{"name":"p","description":"d","legal_basis":"consent","roles":["dpo"]}`,
		`{"code":"123 456"}`, `{}`, `[]`, `null`, `{"email":1}`, `{"a":"b"}{}`, "", "\xff",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		targets := []any{&auth.LoginRequest{}, &auth.UserRequest{}, &auth.CreateRequest{}, &trainingRequest{},
			&consent.Request{}, &access.Role{}, &access.Purpose{}, &struct {
				Code string `json:"code"`
			}{}}
		for _, v := range targets {
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 1<<16)
			err := decodeStrict(r, v)
			if err == nil {
				continue
			}
			if k := apperr.KindOf(err); k != apperr.Invalid && k != apperr.TooLarge {
				t.Fatalf("decode %T: error kind %v (%v), want invalid or too large", v, k, err)
			}
		}
		var role access.Role
		if decodeStrict(httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)), &role) == nil {
			_ = role.Normalize() // must not panic on any decoded role
		}
	})
}
