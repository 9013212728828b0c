package evalgen

// enParagraphs are English free-text paragraphs: CRM notes, onboarding
// memos, KYC summaries, support tickets, release notes.
var enParagraphs = []tmpl{
	{"", "{name} (DOB {dob}) called to update their mailing address to {addr}. Best number to reach them: {phone}."},
	{"us", "Employee onboarding: {name}, SSN {ssn}, date of birth {dob}, home address {addr}."},
	{"us", "Please verify the social security number on file for {name} ({ssnbare}) before payroll runs on Friday."},
	{"in", "KYC complete for {name}: PAN {pan}, Aadhaar {aadhaar}, registered mobile {phone}."},
	{"in", "Aadhaar no. {aadhaar} linked to PAN {pan}; e-KYC OTP sent to {phone} for {given}."},
	{"", "Refund of {amount} issued to card {card} for order #{order}, placed on {bizdate}."},
	{"eu", "Invoice no. {order}, invoice date {bizdate}, billed to {name} <{email}>. Please pay to IBAN {iban}."},
	{"eu", "Wire rejected: the beneficiary IBAN {badiban} supplied by {name} could not be processed. Please re-confirm the account details."},
	{"", "Failed login for {email} from {ip} at {time}; the previous session came from {ip6}."},
	{"", "Release notes: version {version} fixes the sync bug, and build {build} is the last to support Android 9. Crash dumps go to {fakeemail}."},
	{"", "Tracking no. {badcard}: parcel for {name}, {addr}. Due date for return: {bizdate}."},
	{"", "Traveller {name}, passport number {passport}, date of birth {dob}, seat 14C."},
	{"in", "Consignment no. {badaadhaar} dispatched to {name}, {addr}."},
	{"", "SKU {sku} is back in stock; contact {given} on {phone} for bulk orders."},
	{"", "Member {name} becomes eligible for the senior plan: our records show a date of birth of {dob}. Corrections to {email}."},
}
