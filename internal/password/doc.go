// Package password hashes and verifies account passwords with argon2id and
// checks new passwords against a minimal strength policy.
//
// Hashes are stored in the PHC string format used by the argon2 reference
// implementation, for example
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>
//
// where salt and key are unpadded standard base64. The cost parameters live
// in the string, so [Verify] keeps working after [Default] changes and
// [NeedsRehash] tells the caller when to store a fresh hash after a
// successful login.
//
// Nothing in this package puts a password, or any part of one, into an error
// or a log line.
package password
