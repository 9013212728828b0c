// Package scan finds personal data outside the vault: in files, chat
// exports, mailboxes and databases. Subpackages split the work:
//
//   - detect: the detectors (cheap byte-level candidate scans, then
//     validation and a confidence in [0,1], context words in English and
//     Vietnamese);
//   - source: the readers, which turn files and databases into text units
//     with their location and context (a column header, a JSON key);
//   - evalgen: the seeded generator of labelled evaluation data and the
//     precision/recall/F2 scorer.
//
// This file holds the types they share.
package scan

// Entity names a kind of personal data, as Presidio names its entities.
type Entity string

// The entities the detectors report.
const (
	EmailAddress  Entity = "EMAIL_ADDRESS"
	PhoneNumber   Entity = "PHONE_NUMBER"
	CreditCard    Entity = "CREDIT_CARD"
	IBANCode      Entity = "IBAN_CODE"
	USSSN         Entity = "US_SSN"
	VNCCCD        Entity = "VN_CCCD"
	VNCMND        Entity = "VN_CMND"
	INAadhaar     Entity = "IN_AADHAAR"
	INPAN         Entity = "IN_PAN"
	Passport      Entity = "PASSPORT"
	DateOfBirth   Entity = "DATE_OF_BIRTH"
	IPAddress     Entity = "IP_ADDRESS"
	Person        Entity = "PERSON"
	StreetAddress Entity = "STREET_ADDRESS"
)

// Entities lists every entity.
var Entities = []Entity{EmailAddress, PhoneNumber, CreditCard, IBANCode, USSSN, VNCCCD, VNCMND, INAadhaar, INPAN, Passport,
	DateOfBirth, IPAddress, Person, StreetAddress}

// Finding is one detected value in a piece of text. Start and End are byte
// offsets in the text scanned; the value itself is never kept, only a
// masked Preview.
type Finding struct {
	Entity     Entity  `json:"entity"`
	Start      int     `json:"-"`
	End        int     `json:"-"`
	Confidence float64 `json:"confidence"`
	Category   string  `json:"category"` // fideslang data category
	Preview    string  `json:"preview"`
}
