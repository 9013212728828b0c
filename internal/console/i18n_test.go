package console

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"custodia/internal/access"
	"custodia/internal/consent"
	"custodia/internal/dsr"
)

// Texts the templates and handlers translate: literal arguments of T in
// templates ({{.L.T "…"}}, {{$L.T "…"}}) and in Go (L.T("…")).
var (
	templateText = regexp.MustCompile(`\.T\s+"((?:[^"\\]|\\.)*)"`)
	goText       = regexp.MustCompile(`\.T\(\s*"((?:[^"\\]|\\.)*)"`)
)

// codeTexts are values the templates translate by passing them to T:
// they must be translated too.
func codeTexts() []string {
	out := append([]string{}, dsr.Types...)
	out = append(out, dsr.StateReceived, dsr.StateVerifying, dsr.StateInProgress, dsr.StateExtended, dsr.StatePaused, dsr.StateCompleted, dsr.StateRejected)
	out = append(out, lookupKinds...)
	out = append(out, consent.Grant, consent.Withdraw)
	out = append(out, consent.Channels...)
	out = append(out, "pending_approval", "approved", "produced", "registered") // export register states
	out = append(out, "open", "met", "overdue", "waived", "due_now")            // incident clock states
	out = append(out, "queued", "running", "failed", "interrupted")             // import job states
	out = append(out, "copy_to_destroy", "destroyed")                           // system migration states
	out = append(out, alertKinds...)
	out = append(out, access.ReasonNoConsent, access.ReasonPurposeMismatch, access.ReasonRoleDenied, access.ReasonRoleMasked,
		access.ReasonTraining, access.ReasonNoTraining, access.ReasonRestricted, access.ReasonObjected) // why a field was withheld
	for _, it := range navSections {
		out = append(out, it.label)
	}
	return out
}

// TestEveryTextTranslated: every text the console shows has a Vietnamese
// translation that keeps its %-verbs.
func TestEveryTextTranslated(t *testing.T) {
	for _, c := range viConflicts {
		t.Errorf("two Vietnamese translations of %s", c)
	}
	texts := map[string]string{} // text -> where
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, path)
		for _, m := range templateText.FindAllStringSubmatch(string(b), -1) {
			texts[labelOf(unquote(t, m[1]))] = path
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	goFiles, _ := filepath.Glob("*.go")
	for _, f := range goFiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goText.FindAllStringSubmatch(string(b), -1) {
			texts[labelOf(unquote(t, m[1]))] = f
		}
	}
	for _, c := range codeTexts() {
		texts[labelOf(c)] = "code"
	}
	for code := range codeLabels {
		if !slices.Contains(codeTexts(), code) {
			t.Errorf("code %q has a label but is not among the codes checked", code)
		}
	}
	if len(texts) < 50 {
		t.Fatalf("found only %d texts: the patterns no longer match the sources", len(texts))
	}
	verbs := regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[dsvqxf%]`)
	var missing []string
	for text, where := range texts {
		vi, ok := viMessages[text]
		if !ok {
			missing = append(missing, where+": "+strconv.Quote(text))
			continue
		}
		a, b := verbs.FindAllString(text, -1), verbs.FindAllString(vi, -1)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("%q: the translation %q has verbs %v, the text %v", text, vi, b, a)
		}
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Errorf("no Vietnamese for %s", m)
	}
}

// labelOf is what T translates for a text: a code's label, else itself.
func labelOf(s string) string {
	if label, ok := codeLabels[s]; ok {
		return label
	}
	return s
}

func unquote(t *testing.T, s string) string {
	u, err := strconv.Unquote(`"` + s + `"`)
	if err != nil {
		t.Fatalf("bad string %q: %v", s, err)
	}
	return u
}

// TestLocaleFormats: numbers and dates follow the language.
func TestLocaleFormats(t *testing.T) {
	en, vi := newLocale("en"), newLocale("vi")
	if got := en.N(1234567); got != "1,234,567" {
		t.Errorf("en number: %q", got)
	}
	if got := vi.N(1234567); got != "1.234.567" {
		t.Errorf("vi number: %q", got)
	}
	if got := vi.T("Customers"); got == "Customers" || got == "" {
		t.Errorf("vi Customers: %q", got)
	}
	if got := newLocale("fr").Code; got != "en" {
		t.Errorf("unknown language falls back to %q", got)
	}
}
