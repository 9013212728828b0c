// Package fieldtype defines the typed field values stored in the custodia
// personal-data vault.
//
// A collection schema names a [Type] for each field (for example "email" or
// "national_id"). Before a value is encrypted, [Type.Normalize] validates it
// and reduces it to a canonical string, so that equal values produce equal
// blind-index entries; [Type.Decode] turns that canonical string back into a
// JSON value for API clients, and [Type.Mask] renders a redacted form that is
// safe to show in logs and user interfaces.
//
// The values handled here are personal data. Validation errors are returned
// as [*Error] values whose Code and Message are taken from a fixed catalogue:
// they describe what is wrong with a value and never contain the value, or
// any part of it.
package fieldtype
