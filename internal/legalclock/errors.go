package legalclock

import "custodia/internal/apperr"

// Stable error codes of this package, carried by *apperr.Error values.
const (
	CodeUnknownJurisdiction = "unknown_jurisdiction"  // Invalid: not one of Jurisdictions()
	CodeUnknownRequestType  = "unknown_request_type"  // Invalid: not one of RequestTypes()
	CodeNoRule              = "no_rule"               // Unprocessable: the law sets no period for this type here
	CodeExtensionNotAllowed = "extension_not_allowed" // Unprocessable: more extensions than the rule allows
	CodeInvalidExtensions   = "invalid_extensions"    // Invalid: a negative number of extensions
	CodeInvalidLocation     = "invalid_location"      // Invalid: no time zone given
	CodeInvalidStart        = "invalid_start"         // Invalid: a zero start time, or one outside 1900-9000
	CodeInvalidRules        = "invalid_rules"         // Invalid: a rules file that does not parse or validate
	CodeInvalidHolidays     = "invalid_holidays"      // Invalid: a holiday file that does not parse or validate
	CodeUnknownCalendar     = "unknown_calendar"      // Invalid: no calendar of that name
	CodeTooLarge            = "too_large"             // TooLarge: a rules or holiday file over 1 MiB
)

func invalidRules(format string, args ...any) error {
	return apperr.Newf(apperr.Invalid, CodeInvalidRules, format, args...)
}

func invalidHolidays(format string, args ...any) error {
	return apperr.Newf(apperr.Invalid, CodeInvalidHolidays, format, args...)
}
