package detect

import "custodia/internal/scan"

// Fideslang data categories (keys of the fideslang taxonomy).
const (
	catEmail      = "user.contact.email"
	catPhone      = "user.contact.phone_number"
	catCard       = "user.financial.credit_card"
	catBank       = "user.financial.bank_account"
	catNationalID = "user.government_id.national_identification_number"
	catPassport   = "user.government_id.passport_number"
	catDOB        = "user.demographic.date_of_birth"
	catIP         = "user.device.ip_address"
	catName       = "user.name"
	catFirstName  = "user.name.first"
	catLastName   = "user.name.last"
	catAddress    = "user.contact.address"
)

// categoryOf is the category of each entity (PERSON may be refined to the
// first or last name by a hint).
var categoryOf = map[scan.Entity]string{
	scan.EmailAddress:  catEmail,
	scan.PhoneNumber:   catPhone,
	scan.CreditCard:    catCard,
	scan.IBANCode:      catBank,
	scan.USSSN:         catNationalID,
	scan.VNCCCD:        catNationalID,
	scan.VNCMND:        catNationalID,
	scan.INAadhaar:     catNationalID,
	scan.INPAN:         catNationalID,
	scan.Passport:      catPassport,
	scan.DateOfBirth:   catDOB,
	scan.IPAddress:     catIP,
	scan.Person:        catName,
	scan.StreetAddress: catAddress,
}

// rankOf orders entities by how specific their validation is; when two
// findings overlap, the higher rank wins.
var rankOf = map[scan.Entity]int{
	scan.EmailAddress:  10,
	scan.IBANCode:      10,
	scan.CreditCard:    10,
	scan.INAadhaar:     8,
	scan.INPAN:         8,
	scan.USSSN:         8,
	scan.VNCCCD:        7,
	scan.Passport:      7,
	scan.DateOfBirth:   6,
	scan.IPAddress:     6,
	scan.PhoneNumber:   5,
	scan.VNCMND:        5,
	scan.StreetAddress: 3,
	scan.Person:        2,
}
