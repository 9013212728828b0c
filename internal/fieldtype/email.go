package fieldtype

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// E-mail length limits from RFC 5321.
const (
	maxEmailLen  = 254
	maxLocalLen  = 64
	maxDomainLen = 253
	maxLabelLen  = 63
)

// normalizeEmail validates an e-mail address and returns it trimmed and
// lower-cased (local part included: addresses are treated
// case-insensitively).
func normalizeEmail(s string) (string, *Error) {
	s = nfc(strings.TrimSpace(s))
	if s == "" {
		return "", fail(errEmpty)
	}
	if len(s) > maxEmailLen {
		return "", fail(errEmailLong)
	}
	if err := checkEmail(s); err != nil {
		return "", err
	}
	out := nfc(strings.ToLower(s))
	if out == s {
		return out, nil
	}
	// Unicode lower-casing can change the length of a string and, for a few
	// characters, is not idempotent or leaves a form to compose; the stored
	// form must itself be valid and canonical.
	if len(out) > maxEmailLen {
		return "", fail(errEmailLong)
	}
	if err := checkEmail(out); err != nil || nfc(strings.ToLower(out)) != out {
		return "", fail(errEmail)
	}
	return out, nil
}

// checkEmail checks the syntax of a trimmed address.
func checkEmail(s string) *Error {
	if !utf8.ValidString(s) {
		return fail(errEmail)
	}
	if strings.ContainsAny(s, "<>") {
		return fail(errEmailName)
	}
	if strings.Count(s, "@") != 1 {
		return fail(errEmailAt)
	}
	// net/mail's own error messages quote the input, so they are dropped.
	addr, err := mail.ParseAddress(s)
	if err != nil {
		return fail(errEmail)
	}
	if addr.Name != "" {
		return fail(errEmailName)
	}
	if addr.Address != s {
		// Quoted local parts, comments and the like: legal in RFC 5322,
		// but not in the bare form we store.
		return fail(errEmail)
	}
	local, domain, _ := strings.Cut(s, "@")
	if len(local) > maxLocalLen {
		return fail(errEmailLocalLong)
	}
	for _, r := range local {
		if !unicode.IsGraphic(r) || unicode.IsSpace(r) {
			return fail(errEmail)
		}
	}
	if !validDomain(domain) {
		return fail(errEmailDomain)
	}
	return nil
}

// validDomain reports whether d is a host name with at least two labels.
// Internationalised (non-ASCII) labels are accepted as written.
func validDomain(d string) bool {
	if len(d) > maxDomainLen {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > maxLabelLen || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			switch {
			case r == '-', 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
			case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r)):
			default:
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	return strings.TrimLeft(tld, "0123456789") != ""
}
