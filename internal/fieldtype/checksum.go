package fieldtype

import "custodia/internal/checksum"

// luhnValid reports whether the digit string s has a valid Luhn check digit.
func luhnValid(s string) bool { return checksum.Luhn(s) }

// verhoeffValid reports whether the digit string s (check digit last) has a
// valid Verhoeff check digit.
func verhoeffValid(s string) bool { return checksum.Verhoeff(s) }

// mod97 returns the ISO 7064 MOD 97-10 remainder of s, an upper-case
// alphanumeric string in which letters count as 10 (A) to 35 (Z).
func mod97(s string) int { return checksum.Mod97(s) }
