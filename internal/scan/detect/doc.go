// Package detect holds the detectors of the scanner: it finds personal
// data (e-mail addresses, phone numbers, payment cards, IBANs, national
// ids, passports, dates of birth, IP addresses, names and street
// addresses) in text and reports each as a [scan.Finding] with a
// confidence, a fideslang data category and a masked preview.
//
// # How it works
//
// A [Scanner] reads the text once. A byte-class table picks out the few
// bytes that can start a candidate: a digit, '+' or '(' (numbers), '@'
// (e-mail), '[', '(' or '{' (an obfuscated "[at]"), ':' (IPv6) and
// upper-case letters at the start of a word (IBAN, PAN, passports, names,
// month names; a lower-case IBAN is caught at its first digit). Each candidate is expanded
// to its shape and validated with checksums and tables (Luhn and IIN
// ranges, mod-97 and the IBAN length per country, Verhoeff, the
// Vietnamese province codes, phone number metadata compiled into digit
// automata). No regular expression runs over the text.
//
// Context words (English and Vietnamese, any case, with or without
// diacritics) in the 40 bytes before a candidate, and the hint passed to
// [Scanner.Scan] (a column header or JSON key), raise or lower the
// confidence; some entities are reported only with context. The window
// stops at the previous value (a finding, a long number or code) and at a
// clause or cell break (, ; newline tab | ! ?), so that a label names only
// the value after it. They are found with one Aho-Corasick automaton over
// a folded form of the text, run lazily over the windows that candidates
// ask about.
//
// # Confidences
//
//	EMAIL_ADDRESS   0.95; 0.85 obfuscated with bracketed words
//	                (x [at] example [dot] com), never with bare ones
//	PHONE_NUMBER    +E.164 0.90 (00-dialled 0.50); with a trunk prefix
//	                0.80 grouped, 0.75 bare in the first region (VN mobiles
//	                through a fast path), 0.55 bare in another region
//	                (0.45, under the default threshold, when shorter than
//	                ten digits); 84xxxxxxxxx 0.60; no prefix: 0.60
//	                grouped, 0.75 for (415) 555-0132, bare only with
//	                context 0.80, and VN, GB, DE and FR numbers (always
//	                written with their 0) only with context; context
//	                raises to 0.95 (0.90 without a prefix). French pairs
//	                (06.12.34.56.78) and German slashes (030/1234567) name
//	                their country. Toll-free, premium-rate, shared-cost
//	                and UAN numbers (1800, 1900 hotlines) are a company's,
//	                not reported.
//	CREDIT_CARD     Luhn + IIN + length: 0.90 bare, 0.95 grouped, 0.99
//	                with context (Visa, Mastercard, Amex, Discover, JCB,
//	                UnionPay, Diners, RuPay, Vietnam's NAPAS 9704)
//	IBAN_CODE       mod-97 + country length: 0.95 (0.90 in lower case),
//	                0.99 with context
//	US_SSN          dashed 0.85, spaced 0.60, bare only with context 0.80;
//	                0.95 with context
//	VN_CCCD         province + century + birth year: 0.60 alone, 0.95
//	                with context; 0.85 for eleven or ten digits under a
//	                CCCD label (a spreadsheet dropped the leading zeros)
//	VN_CMND         9 digits, only with context: 0.85
//	IN_AADHAAR      Verhoeff: bare 0.70, grouped 4-4-4 0.85, 0.95 with
//	                context
//	IN_PAN          structure + holder type: 0.85, 0.95 with context
//	PASSPORT        only with context: 0.75-0.80
//	DATE_OF_BIRTH   only with context: 0.90 (0.85 for a two-digit year)
//	IP_ADDRESS      IPv4 0.85 (0.60 when every octet is one digit), IPv6
//	                0.90; 0.95 with context
//	PERSON          name lists and capitalisation: 0.50-0.80, +0.15 with
//	                context, a whole cell under a name hint 0.85
//	STREET_ADDRESS  house number + street word: 0.55-0.65, +0.20 with
//	                context, a whole cell under an address hint 0.80
//
// Words such as "order", "invoice", "sku" or "mã đơn" before a number
// (without a label of its own) lower or suppress the numeric entities.
//
// PERSON and STREET_ADDRESS are heuristics: they know common names and
// street words, not every name or address.
package detect
