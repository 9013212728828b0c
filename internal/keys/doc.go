// Package keys owns Custodia's key hierarchy: the key-encryption key (KEK)
// keyset and its versions, per-subject data keys (DEKs) and the secrets
// derived for blind indexes, audit pseudonyms, the audit chain and API token
// hashing.
//
// The KEK is a Tink AES-256-GCM keyset kept in a key file (mode 0600) that is
// created on first start. Each Tink key is one KEK version; rotation adds a
// version, makes it primary, and later retires the old ones once every DEK
// has been re-wrapped. A DEK is 32 random bytes, wrapped by the KEK with the
// subject id as associated data, and used through Tink's AES-GCM primitive
// to seal field values. Destroying a wrapped DEK (crypto-shredding) makes
// every copy of that subject's ciphertext unreadable.
//
// The derived secrets come from a separate root secret in the key file via
// HKDF-SHA256 with distinct labels; they do not change on KEK rotation, so
// blind indexes and pseudonyms stay stable.
package keys
