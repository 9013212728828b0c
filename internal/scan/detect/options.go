package detect

import (
	"strings"

	"custodia/internal/apperr"
	"github.com/nyaruka/phonenumbers"
)

// DefaultRegions are the regions used when Options.Regions is empty.
var DefaultRegions = []string{"VN", "IN", "US", "GB", "DE", "FR", "BR", "SG"}

// Options configure a Scanner.
type Options struct {
	// MinConfidence drops findings below it; 0 reports everything the
	// detectors accept.
	MinConfidence float64

	// Regions are the ISO 3166 alpha-2 regions whose national formats are
	// recognised: phone numbers written without a country code, and the
	// national ids of VN (CCCD, CMND), IN (Aadhaar, PAN) and US (SSN),
	// which are detected only when their region is listed. Phone numbers
	// in +E.164 form are recognised for every region. Empty means
	// DefaultRegions, in that order (the first region whose rules accept a
	// national number wins).
	Regions []string
}

// Validate reports an unusable option as an apperr.Invalid error: a
// MinConfidence outside [0, 1] or a region unknown to the phone number
// metadata. New accepts such options anyway (clamping the confidence and
// ignoring unknown regions); Validate is for configuration checks.
func (o Options) Validate() error {
	if o.MinConfidence < 0 || o.MinConfidence > 1 || o.MinConfidence != o.MinConfidence {
		return apperr.New(apperr.Invalid, "invalid_min_confidence", "min confidence must be between 0 and 1")
	}
	supported := phonenumbers.GetSupportedRegions()
	for _, r := range o.Regions {
		if !supported[strings.ToUpper(strings.TrimSpace(r))] {
			return apperr.Newf(apperr.Invalid, "invalid_region", "unknown region %q", r)
		}
	}
	return nil
}

// regions returns the normalised, de-duplicated, supported regions.
func (o Options) regions() []string {
	in := o.Regions
	if len(in) == 0 {
		in = DefaultRegions
	}
	supported := phonenumbers.GetSupportedRegions()
	var out []string
	seen := map[string]bool{}
	for _, r := range in {
		r = strings.ToUpper(strings.TrimSpace(r))
		if supported[r] && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}
