// Package freetext keeps customers' identifiers out of the free text
// staff type into governance records (a request's note, a task's
// description and evidence, a hold's reason, how a consent was collected,
// an incident's description and its tasks' evidence, an export's reason
// and its approval's, a retention rule's description, why a restriction
// or objection was lifted; with CheckWho, which lets staff be named by
// address, who collected a consent, an import's source, a clean-up
// task's or an offboarding's evidence). That text is stored as
// written: it is not sealed under the subject's key, so erasure cannot
// crypto-shred it and backups hold it. A text holding an e-mail address,
// a phone number, a card, a bank account or a national id is refused,
// naming the kind of value, never the value.
package freetext

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"custodia/internal/apperr"
	"custodia/internal/scan"
	"custodia/internal/scan/detect"
)

// minConfidence is the confidence a finding needs to refuse a text: only
// values the detectors are sure of, so that an order or ticket number is
// not taken for a phone.
const minConfidence = 0.75

// refused are the entities a free text may not hold. Names, addresses
// and dates are left out: they are too often the staff's own words
// ("called back Monday", "Lê Lợi office").
var refused = map[scan.Entity]bool{
	scan.EmailAddress: true, scan.PhoneNumber: true, scan.CreditCard: true, scan.IBANCode: true,
	scan.USSSN: true, scan.VNCCCD: true, scan.VNCMND: true, scan.INAadhaar: true, scan.INPAN: true,
	scan.Passport: true,
}

var (
	once    sync.Once
	scanner *detect.Scanner
)

// Check refuses text (the field named field) when it holds a customer's
// identifier: 400 personal_data_in_text.
func Check(field, text string) error { return check(field, text, "") }

// CheckWho is Check for a field that names who did something (a consent's
// collected_by): staff and systems are named by their e-mail address, so
// an address is allowed; a phone number, card or id number is not.
func CheckWho(field, text string) error { return check(field, text, scan.EmailAddress) }

// CheckContact is Check for the organisation's contact point (an
// incident's contact, written into the notifications): an e-mail address
// and a phone number belong there; a card, an account or an id does not.
func CheckContact(field, text string) error {
	return check(field, text, scan.EmailAddress, scan.PhoneNumber)
}

func check(field, text string, allowed ...scan.Entity) error {
	if text == "" {
		return nil
	}
	once.Do(func() { scanner = detect.New(detect.Options{MinConfidence: minConfidence}) })
	// Full-width and other compatibility forms read as what they stand
	// for: "ｖｕ＠ｅｘａｍｐｌｅ．ｏｒｇ" is an address too (QA).
	text = norm.NFKC.String(text)
	var found scan.Entity
	look := func(text string) {
		scanner.Scan([]byte(text), "", func(f scan.Finding) {
			if found == "" && refused[f.Entity] && !slices.Contains(allowed, f.Entity) {
				found = f.Entity
			}
		})
	}
	look(text)
	if found == "" {
		if unspaced, changed := unspell(text); changed {
			look(unspaced)
		}
	}
	if found == "" {
		return nil
	}
	return apperr.Newf(apperr.Invalid, "personal_data_in_text",
		"%s holds what reads as a customer's %s: free text is stored as written, outside the vault's encryption, and outlives an erasure; describe the person by their subject or request id instead", field, describe(found))
}

var (
	// spacedDigits is a number written a digit at a time: "0 9 1 2 3 4
	// 5 6 7 8", "0-9-1-2-…", "0, 9, 1, …", over a line break (seven
	// digits or more, so that "1 2 3" is left alone).
	spacedDigits = regexp.MustCompile(`\d(?:[\s.,_/-]{1,3}\d){6,}`)
	// spelledAddress is an e-mail address with "at" and "dot" written as
	// words: "minh.tran at example dot com". A "dot" after the "at" is
	// required, so that "meet at google.com" stays ordinary English.
	spelledAddress = regexp.MustCompile(`(?i)([\pL\pN._%+-]+)\s+at\s+([\pL\pN-]+(?:\s+dot\s+[\pL\pN-]+)+)`)
	spelledDot     = regexp.MustCompile(`(?i)\s+dot\s+`)
	// spacedAt is an "@" with space around it, "ada @ example.com", and a
	// dot with space in the domain after one: "ada@example .com".
	spacedAt  = regexp.MustCompile(`([\pL\pN._%+-])\s*@\s*([\pL\pN-])`)
	spacedDot = regexp.MustCompile(`(@[\pL\pN.-]*[\pL\pN])\s*\.\s*([\pL]{2,})`)
	// brokenNumber is a number split over lines: "0912\n345\n678".
	brokenNumber = regexp.MustCompile(`(\d)[ \t]*\r?\n[ \t]*(\d)`)
	// escapedAt is an "@" written as a URL or HTML escape.
	escapedAt = strings.NewReplacer("%40", "@", "&#64;", "@", "&#x40;", "@", "&commat;", "@")
)

// unspell undoes the ways staff write an identifier to get it past a
// check like this one, or from habit: invisible characters inside it,
// digits of another script or spaced apart, an "@" escaped or spaced,
// and "at" and "dot" in words. changed is false when the text holds none.
func unspell(text string) (out string, changed bool) {
	out = strings.Map(func(r rune) rune {
		switch {
		case unicode.Is(unicode.Cf, r): // zero-width spaces and joiners, marks of direction
			return -1
		case r > unicode.MaxASCII && unicode.IsDigit(r):
			return '0' + digitValue(r)
		}
		return r
	}, text)
	out = escapedAt.Replace(out)
	out = brokenNumber.ReplaceAllString(out, "$1 $2")
	out = spacedDigits.ReplaceAllStringFunc(out, func(m string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, m)
	})
	out = spelledAddress.ReplaceAllStringFunc(out, func(m string) string {
		sub := spelledAddress.FindStringSubmatch(m)
		return sub[1] + "@" + spelledDot.ReplaceAllString(sub[2], ".")
	})
	out = spacedAt.ReplaceAllString(out, "$1@$2")
	out = spacedDot.ReplaceAllString(out, "$1.$2")
	return out, out != text
}

// digitValue is the value of a decimal digit of any script: its offset
// in the run of ten the Unicode tables list it in (٣ is 3, ३ is 3).
func digitValue(r rune) rune {
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return (r - lo) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return (r - lo) % 10
		}
	}
	return 0
}

// describe names an entity in words.
func describe(e scan.Entity) string {
	switch e {
	case scan.EmailAddress:
		return "e-mail address"
	case scan.PhoneNumber:
		return "phone number"
	case scan.CreditCard:
		return "card number"
	case scan.IBANCode:
		return "bank account (IBAN)"
	case scan.Passport:
		return "passport number"
	}
	return "national id number (" + string(e) + ")"
}
