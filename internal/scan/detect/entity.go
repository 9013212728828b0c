package detect

import "custodia/internal/scan"

// ent is the internal index of an entity.
type ent uint8

// The entities, in the order of entityOf.
const (
	entEmail ent = iota
	entPhone
	entCard
	entIBAN
	entSSN
	entCCCD
	entCMND
	entAadhaar
	entPAN
	entPassport
	entDOB
	entIP
	entPerson
	entAddress
	numEnts
)

// entityOf maps the internal index to the shared entity name.
var entityOf = [numEnts]scan.Entity{
	scan.EmailAddress, scan.PhoneNumber, scan.CreditCard, scan.IBANCode, scan.USSSN, scan.VNCCCD, scan.VNCMND,
	scan.INAadhaar, scan.INPAN, scan.Passport, scan.DateOfBirth, scan.IPAddress, scan.Person, scan.StreetAddress,
}

// entRank and entCategory are rankOf and categoryOf by index.
var (
	entRank     [numEnts]int
	entCategory [numEnts]string
)

func init() {
	for i, e := range entityOf {
		entRank[i] = rankOf[e]
		entCategory[i] = categoryOf[e]
	}
}

// hit is a finding before it is reported: the preview is built only for
// the hits that survive overlap resolution and the confidence threshold.
type hit struct {
	ent        ent
	start, end int
	conf       float64
	cat        string // "" for the entity's category
	cc         int    // phone: the calling code
	ccUnsure   bool   // phone: another calling code reads the digits too
	year       int    // date of birth: the year
}

// beats reports whether h should be kept over an overlapping o: the more
// specific entity, then the higher confidence, then the longer span.
func (h *hit) beats(o *hit) bool {
	if entRank[h.ent] != entRank[o.ent] {
		return entRank[h.ent] > entRank[o.ent]
	}
	if h.conf != o.conf {
		return h.conf > o.conf
	}
	return h.end-h.start > o.end-o.start
}
