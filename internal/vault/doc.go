// Package vault is the encrypted customer-record vault: collections and
// their typed fields, records sealed field by field under the subject's data
// key, blind-index lookups, and erasure by crypto-shredding.
//
// Each field value is sealed with AES-256-GCM under its subject's DEK with
// associated data binding it to collection, record, field and key version,
// so a ciphertext moved to another row or field does not open. Indexed
// fields also get a blind index: an HMAC of the normalised value under a key
// derived for that purpose, scoped per collection and field.
package vault
