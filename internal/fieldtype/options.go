package fieldtype

import "fmt"

// Options tune validation.
type Options struct {
	// DefaultRegion is the ISO 3166 alpha-2 region (such as "VN" or "US")
	// used for phone numbers written without a leading +. Empty means phone
	// numbers must be written in international format, starting with +.
	DefaultRegion string

	// Format is the per-field format hint. Only national_id uses it, and
	// accepts one of "vn_cccd", "vn_cmnd", "in_aadhaar", "in_pan", "us_ssn"
	// or "any"; "" means the same as "any": a value is accepted if it is
	// valid in any of the known formats.
	Format string
}

// National id formats accepted in Options.Format.
const (
	FormatAny       = "any"
	FormatVNCCCD    = "vn_cccd"
	FormatVNCMND    = "vn_cmnd"
	FormatINAadhaar = "in_aadhaar"
	FormatINPAN     = "in_pan"
	FormatUSSSN     = "us_ssn"
)

// NationalIDFormats lists the specific national id formats (all except
// "" and "any"), in the order they are tried when the format is "any".
func NationalIDFormats() []string {
	return []string{FormatVNCCCD, FormatVNCMND, FormatINAadhaar, FormatINPAN, FormatUSSSN}
}

// ValidateFormat checks a schema's (type, format) pair; it is used when a
// collection is defined. The type must be known; national_id accepts the
// formats listed on [Options]; every other type accepts only "".
func ValidateFormat(t Type, format string) error {
	if !t.valid() {
		return t.unknown()
	}
	if t == NationalID {
		if format == "" || format == FormatAny {
			return nil
		}
		for _, f := range NationalIDFormats() {
			if f == format {
				return nil
			}
		}
		return fmt.Errorf("fieldtype: unknown national_id format %q (known formats: any, vn_cccd, vn_cmnd, in_aadhaar, in_pan, us_ssn)", format)
	}
	if format != "" {
		return fmt.Errorf("fieldtype: field type %q takes no format, got %q", string(t), format)
	}
	return nil
}
