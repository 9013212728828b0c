// Package console is the web console of custodia serve, at /console/.
//
// Pages are rendered on the server with html/template; the little
// JavaScript there is (static/console.js) only keeps half-filled forms
// across an expired session, for the person who typed them (signing out
// drops them, with a Clear-Site-Data header too). Every page gets its data by calling the
// HTTP API in-process with the signed-in person's session token, so the
// console obeys exactly the API's rules: its roles, masks, purpose and
// consent checks, MFA and audit log. There is no second code path for any
// rule; the console decides only what to show and how.
//
// Security: the session token lives in an HttpOnly, SameSite=Strict
// cookie (Secure over TLS); every form carries a CSRF token, an HMAC of
// the session token under a key derived from the key file, so it holds
// across restarts and replicas; every response carries a strict
// Content-Security-Policy (no inline script or style), nosniff, a
// no-referrer policy and frame-ancestors 'none'; pages are never cached.
//
// Languages: English and Vietnamese (catalog_vi.go), chosen per person
// and remembered in a cookie; dates and numbers follow the language.
package console
