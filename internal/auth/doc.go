// Package auth authenticates API callers and describes what they may do.
//
// In this first version callers hold API tokens. A token names a role and
// may be narrowed to some collections and purposes, and may expire. Only a
// keyed hash of the token secret is stored; the secret is shown once, when
// the token is created. The Principal type is what the rest of the program
// sees, so users with passwords and MFA can later authenticate to the same
// shape.
package auth
