// Package access decides who may read or write what, and why.
//
// A role grants management permissions (schema, tokens, users...) and, per
// collection and field, data access: read in full, read masked, write. A
// purpose carries a GDPR Art. 6 legal basis and names the roles that may
// invoke it. The Engine combines them with the caller and the subject's
// consent into a decision for every field of every read, and for every
// field of every write. Built-in roles and default purposes are seeded on
// first start; custom ones are stored by the API.
//
// Decisions are cheap: a role's grants are compiled once per collection
// version into a per-field table, so a read costs a map lookup per field,
// plus one ledger query per subject when the purpose rests on consent.
package access
