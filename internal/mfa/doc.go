// Package mfa implements the second authentication factor: time-based
// one-time passwords (TOTP, RFC 6238) as shown by authenticator apps, and
// single-use recovery codes for when the authenticator is lost.
//
// TOTP parameters are fixed to what every authenticator app supports: HMAC-
// SHA1, 6 digits, a 30-second period and a 20-byte secret. [ValidateTOTP]
// accepts one step of clock skew either way and refuses to accept a step
// that is not newer than the last one used, so each code works at most once.
//
// The package is pure: it stores nothing. The caller keeps the secret (which
// is as sensitive as a password and belongs in the encrypted store), the
// last accepted step, and hashes of the unused recovery codes.
package mfa
