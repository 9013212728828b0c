// Package dlp is Custodia's data-loss-prevention check: mail gateways and
// chat bots hand it a text or a file before it leaves, and it answers
// allow, warn or block by policy, with the entities the scanner's
// detectors (package scan/detect) found: counts, the highest confidence
// and a few masked previews per entity, never a found value.
//
// # The default policy
//
//   - block when a government id or financial data is found: CREDIT_CARD,
//     IBAN_CODE, US_SSN, VN_CCCD, VN_CMND, IN_AADHAAR, IN_PAN, PASSPORT;
//   - block when more than 10 distinct contact values (e-mail addresses
//     and phone numbers together) are found: a customer list leaving;
//   - warn when EMAIL_ADDRESS, PHONE_NUMBER, DATE_OF_BIRTH,
//     STREET_ADDRESS, IP_ADDRESS or PERSON is found;
//   - warn when part of a file could not be read (an encrypted PDF, a
//     malformed or over-limit archive entry): what was not read was not
//     checked;
//   - allow otherwise.
//
// Findings below a confidence of 0.5 are ignored. Files are read as
// `custodia scan` reads them (CSV, XLSX, DOCX, PDF text layers, e-mail,
// ZIP, chat exports...); images and binary files are passed over, and a
// PDF without a text layer gives nothing (there is no OCR).
//
// # Policy files
//
// A YAML policy file replaces the default (custodia serve --dlp-policy).
// Every key is optional, and a key left out keeps the default's value,
// except that block and warn go together (give one and the other is
// empty):
//
//	name: mail-gateway        # shown in answers; default: the file name
//	min_confidence: 0.7       # ignore findings below (0 to 1; default 0.5)
//	bulk_threshold: 25        # block above this many distinct e-mails
//	                          # and phones; 0 turns the rule off (default 10)
//	unreadable: block         # when part of a file cannot be read:
//	                          # allow, warn or block (default warn)
//	regions: [VN, US]         # phone and national-id regions of the
//	                          # detectors (default VN IN US GB DE FR BR SG)
//	block: [CREDIT_CARD, IBAN_CODE, VN_CCCD, PASSPORT]
//	warn: [EMAIL_ADDRESS, PHONE_NUMBER, PERSON]
//
// An entity in neither list is reported in the findings but allowed. The
// file is checked strictly when the server starts: an unknown key, an
// unknown entity name, an entity in both lists or twice in one, a value
// of the wrong type or out of range, a key without a value, or a second
// YAML document is an error that names it.
//
// # Decisions
//
// A check's decision is the strictest its rules reach; its reasons say
// which rules, e.g. "CREDIT_CARD found (block)". Distinct contact values
// are told apart by the value (e-mail addresses in lower case, phone
// numbers by their digits, with the calling code and trunk prefix
// dropped when the scanner reports a calling code), counted in memory
// under a hash and forgotten when the check ends.
package dlp
