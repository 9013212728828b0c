package console

import (
	"regexp"
	"strconv"
	"strings"
)

// tasksOpened is the tail an erasure's result gets when it opened tasks.
var tasksOpened = regexp.MustCompile(`^; (\d+) task\(s\) opened for systems outside the vault that may hold copies$`)

// Result says in the locale what carrying out a request did: the API
// records its outcome as an English sentence (the request's result, and
// the "executed: …" reason of its timeline); the known ones are said in
// the person's language, anything else is shown as it is.
func (l *Locale) Result(s string) string {
	switch {
	case strings.HasPrefix(s, "package available at "):
		return l.T("The access package is ready to download.")
	case strings.HasPrefix(s, "subject crypto-shredded"):
		out := l.T("The person's data was crypto-shredded.")
		if m := tasksOpened.FindStringSubmatch(strings.TrimPrefix(s, "subject crypto-shredded")); m != nil {
			n, _ := strconv.Atoi(m[1])
			out += " " + l.T("%d tasks opened for systems outside the vault that may hold copies.", n)
		}
		return out
	case strings.HasPrefix(s, "processing restricted to: "):
		return l.T("Processing restricted to: %s.", strings.TrimPrefix(s, "processing restricted to: "))
	case strings.HasPrefix(s, "objection recorded for: "):
		return l.T("Objection recorded for: %s.", strings.TrimPrefix(s, "objection recorded for: "))
	case s == "no active consent to withdraw":
		return l.T("There was no active consent to withdraw.")
	case strings.HasPrefix(s, "consent withdrawn for: "):
		return l.T("Consent withdrawn for: %s.", strings.TrimPrefix(s, "consent withdrawn for: "))
	case strings.HasPrefix(s, "record ") && strings.HasSuffix(s, " rectified"):
		return l.T("Record %s rectified.", strings.TrimSuffix(strings.TrimPrefix(s, "record "), " rectified"))
	}
	return s
}

// Reason is a timeline entry's reason in the locale: an execution's
// recorded result is said as Result says it; a person's words stay theirs.
func (l *Locale) Reason(s string) string {
	if rest, ok := strings.CutPrefix(s, "executed: "); ok {
		return l.Result(rest)
	}
	return s
}
