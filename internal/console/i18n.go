package console

import (
	"math"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"custodia/internal/report"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Languages the console speaks, the first being the default.
var languages = []language.Tag{language.English, language.Vietnamese}

// languageNames name each language in itself, for the switcher.
var languageNames = map[string]string{"en": "English", "vi": "Tiếng Việt"}

var matcher = language.NewMatcher(languages)

// messages holds every translation; English texts are their own keys.
var messages = sync.OnceValue(func() catalog.Catalog {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for key, vi := range viMessages {
		if err := b.SetString(language.Vietnamese, key, vi); err != nil {
			panic("console: bad Vietnamese message for " + key + ": " + err.Error())
		}
	}
	return b
})

// Locale formats text, dates and numbers in one language.
type Locale struct {
	Code string // "en" or "vi"
	p    *message.Printer
	loc  *time.Location
}

// newLocale returns the locale of a language code ("en" when unknown).
func newLocale(code string) *Locale {
	tag := language.English
	if code == "vi" {
		tag = language.Vietnamese
	} else {
		code = "en"
	}
	return &Locale{Code: code, p: message.NewPrinter(tag, message.Catalog(messages())), loc: time.UTC}
}

// localeFor picks the language of a request: the person's choice (a
// cookie), else the browser's Accept-Language, else English.
func localeFor(r *http.Request) *Locale {
	if ck, err := r.Cookie(languageCookie); err == nil && (ck.Value == "en" || ck.Value == "vi") {
		return newLocale(ck.Value)
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	_, i, _ := matcher.Match(tags...)
	base, _ := languages[i].Base()
	return newLocale(base.String())
}

// T translates an English text; args fill its %-verbs, formatted in the
// language (numbers grouped as it groups them).
// A code of the API (see codeLabels) is shown as its label.
func (l *Locale) T(key string, args ...any) string {
	if label, ok := codeLabels[key]; ok {
		key = label
	}
	return l.p.Sprintf(key, args...)
}

// Phrases translates texts given as formats and arguments (a report
// item's detail), or returns fallback when there are none. Arguments
// decoded from JSON arrive as float64; whole ones are formatted as
// integers.
func (l *Locale) Phrases(ps []report.Phrase, fallback string) string {
	if len(ps) == 0 {
		return fallback
	}
	var b strings.Builder
	for _, p := range ps {
		args := make([]any, len(p.Args))
		for i, a := range p.Args {
			if f, ok := a.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
				a = int64(f)
			}
			// A day the report gives as YYYY-MM-DD is written as the
			// language writes days.
			if s, ok := a.(string); ok && len(s) == len(time.DateOnly) {
				if d, err := time.ParseInLocation(time.DateOnly, s, l.loc); err == nil {
					a = l.Date(d)
				}
			}
			args[i] = a
		}
		b.WriteString(l.p.Sprintf(p.Format, args...))
	}
	return upperFirst(b.String())
}

// N formats an integer with the language's digit grouping.
func (l *Locale) N(n int) string { return l.p.Sprintf("%d", n) }

// Date formats a day as the language writes it.
func (l *Locale) Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(l.loc)
	if l.Code == "vi" {
		return t.Format("02/01/2006")
	}
	return t.Format("2 Jan 2006")
}

// DateTime formats a moment, to the minute, with its zone.
func (l *Locale) DateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(l.loc)
	if l.Code == "vi" {
		return t.Format("15:04 02/01/2006 MST")
	}
	return t.Format("2 Jan 2006 15:04 MST")
}

// Names lists the languages for the switcher.
func (l *Locale) Names() map[string]string { return languageNames }

// setLanguage remembers the person's language for a year.
func (c *Console) setLanguage(rc *reqCtx) error {
	code := rc.r.PostFormValue("lang")
	if code != "en" && code != "vi" {
		return &APIError{Status: http.StatusBadRequest, Code: "unknown_language", Detail: rc.L.T("Unknown language.")}
	}
	c.setCookie(rc.w, rc.r, languageCookie, code, 365*24*time.Hour)
	return redirect(backTo(rc.r))
}

// upperFirst capitalises the first letter of a sentence built from
// phrases (a translation may start with a word the English leaves in
// lower case).
func upperFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}
