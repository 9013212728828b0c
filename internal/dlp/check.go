package dlp

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"

	"custodia/internal/scan"
	"custodia/internal/scan/detect"
	"custodia/internal/scan/source"
)

// MaxPreviews is how many distinct masked previews a result keeps per
// entity.
const MaxPreviews = 5

// maxContacts bounds the distinct contact values remembered by one check.
const maxContacts = 1_000_000

// Input is what a check reads: a text, files, or both.
type Input struct {
	// Text is scanned as free text.
	Text []byte
	// Paths are files or directories read as `custodia scan` reads them
	// (package source), archives and attachments included.
	Paths []string
	// Source sets the readers' limits for Paths.
	Source source.Options
}

// Finding sums up the findings of one entity. It never holds a found
// value: Previews are masked (e.g. "**** **** **** 1111").
type Finding struct {
	Entity        scan.Entity `json:"entity"`
	Category      string      `json:"category"` // fideslang data category
	Count         int         `json:"count"`
	MaxConfidence float64     `json:"max_confidence"`
	Previews      []string    `json:"previews"` // at most MaxPreviews, distinct
}

// Result is the answer of a check.
type Result struct {
	Decision Decision `json:"decision"`
	// Reasons name the rules that gave the decision, strictest first,
	// e.g. "CREDIT_CARD found (block)"; empty when allowed.
	Reasons []string `json:"reasons"`
	// Findings are per entity, in the order of scan.Entities: every
	// entity found at or above the policy's confidence, also those the
	// policy allows.
	Findings []Finding `json:"findings"`
	// Policy is the name of the policy applied.
	Policy string `json:"policy"`
	// Contacts is how many distinct e-mail addresses and phone numbers
	// were found.
	Contacts int `json:"distinct_contacts"`
	// Unreadable counts the files, or parts of files, that could not be
	// read.
	Unreadable int `json:"unreadable"`
}

// Summary renders the result for the audit log: the decision and the
// counts, never a value or a preview, e.g.
// "block CREDIT_CARD=1 EMAIL_ADDRESS=2 contacts=2".
func (r Result) Summary() string {
	var b strings.Builder
	b.WriteString(string(r.Decision))
	for _, f := range r.Findings {
		fmt.Fprintf(&b, " %s=%d", f.Entity, f.Count)
	}
	if r.Contacts > 0 {
		fmt.Fprintf(&b, " contacts=%d", r.Contacts)
	}
	if r.Unreadable > 0 {
		fmt.Fprintf(&b, " unreadable=%d", r.Unreadable)
	}
	return b.String()
}

// ErrInput is returned when the input could not be walked for another
// reason than the context ending.
var ErrInput = errors.New("dlp: the input could not be read")

// Check scans in with s and applies p. A nil s is built from p's scanner
// options (build it once and share it: it is safe for concurrent use).
// It fails only when ctx ends (ctx.Err()) or the files cannot be walked
// at all (ErrInput); unreadable parts of files count in the result.
// Errors never carry a value, a file name or an archive entry's name.
func Check(ctx context.Context, p *Policy, s *detect.Scanner, in Input) (Result, error) {
	if s == nil {
		s = detect.New(p.ScannerOptions())
	}
	c := &counter{p: p, seed: maphash.MakeSeed(), byEntity: map[scan.Entity]*Finding{}, contacts: map[uint64]struct{}{}}
	if len(in.Text) > 0 {
		s.Scan(in.Text, "", func(f scan.Finding) { c.add(in.Text, f) })
	}
	if len(in.Paths) > 0 {
		ss := s.NewSession()
		err := source.Walk(ctx, in.Paths, in.Source, func(u source.Unit) error {
			ss.Scan(u.Text, u.Hint, func(f scan.Finding) { c.add(u.Text, f) })
			return nil
		}, func(source.FileError) { c.unreadable++ })
		if err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return Result{}, cerr
			}
			return Result{}, ErrInput
		}
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	c.buf = nil
	return c.result(), nil
}

// counter gathers the findings of one check.
type counter struct {
	p          *Policy
	seed       maphash.Seed
	byEntity   map[scan.Entity]*Finding
	contacts   map[uint64]struct{} // keyed hashes of distinct contact values
	unreadable int
	buf        []byte
}

// add counts one finding in text.
func (c *counter) add(text []byte, f scan.Finding) {
	if f.Confidence < c.p.MinConfidence {
		return
	}
	a := c.byEntity[f.Entity]
	if a == nil {
		a = &Finding{Entity: f.Entity, Category: f.Category, Previews: []string{}}
		c.byEntity[f.Entity] = a
	}
	a.Count++
	a.MaxConfidence = max(a.MaxConfidence, f.Confidence)
	if len(a.Previews) < MaxPreviews && f.Preview != "" && !slices.Contains(a.Previews, f.Preview) {
		a.Previews = append(a.Previews, strings.Clone(f.Preview))
	}
	if (f.Entity == scan.EmailAddress || f.Entity == scan.PhoneNumber) && len(c.contacts) < maxContacts &&
		f.Start >= 0 && f.Start <= f.End && f.End <= len(text) {
		c.buf = contactKey(c.buf[:0], f.Entity, text[f.Start:f.End], f.Preview)
		c.contacts[maphash.Bytes(c.seed, c.buf)] = struct{}{}
	}
}

// contactKey appends to b the form of a contact value that tells
// distinct values apart: an e-mail address in lower case; a phone number
// as its calling code (read from the masked preview, "+84 *** *** 678")
// and its digits without calling code or trunk prefix, or as its digits
// when the preview gives no calling code.
func contactKey(b []byte, e scan.Entity, v []byte, preview string) []byte {
	if e == scan.EmailAddress {
		b = append(b, 'e')
		for _, ch := range v {
			if 'A' <= ch && ch <= 'Z' {
				ch += 'a' - 'A'
			}
			b = append(b, ch)
		}
		return b
	}
	b = append(b, 'p')
	plus := false
	start := len(b)
	for _, ch := range v {
		switch {
		case ch == '+' && len(b) == start:
			plus = true
		case '0' <= ch && ch <= '9':
			b = append(b, ch)
		}
	}
	digits := b[start:]
	if !plus && len(digits) > 2 && digits[0] == '0' && digits[1] == '0' {
		digits, plus = digits[2:], true
	}
	cc := ""
	if sp := strings.IndexByte(preview, ' '); strings.HasPrefix(preview, "+") && sp > 1 {
		if _, err := strconv.Atoi(preview[1:sp]); err == nil {
			cc = preview[1:sp]
		}
	}
	if cc == "" {
		return b
	}
	if plus && strings.HasPrefix(string(digits), cc) {
		digits = digits[len(cc):]
	}
	if len(digits) > 0 && digits[0] == '0' {
		digits = digits[1:]
	}
	rest := string(digits) // copied before b is overwritten
	b = append(b[:start], cc...)
	b = append(b, ':')
	return append(b, rest...)
}

// result applies the policy to what was counted.
func (c *counter) result() Result {
	p := c.p
	r := Result{Decision: Allow, Reasons: []string{}, Findings: []Finding{}, Policy: p.Name,
		Contacts: len(c.contacts), Unreadable: c.unreadable}
	type reason struct {
		d    Decision
		text string
	}
	var reasons []reason
	for _, e := range scan.Entities {
		a := c.byEntity[e]
		if a == nil {
			continue
		}
		r.Findings = append(r.Findings, *a)
		if d := p.decisionFor(e); d != Allow {
			reasons = append(reasons, reason{d, fmt.Sprintf("%s found (%s)", e, d)})
		}
	}
	if p.BulkThreshold > 0 && r.Contacts > p.BulkThreshold {
		reasons = append(reasons, reason{Block, fmt.Sprintf("%d distinct e-mail addresses and phone numbers, more than %d (block)",
			r.Contacts, p.BulkThreshold)})
	}
	if c.unreadable > 0 && p.Unreadable != Allow {
		what := "files or parts of files"
		if c.unreadable == 1 {
			what = "file or part of a file"
		}
		reasons = append(reasons, reason{p.Unreadable, fmt.Sprintf("%d %s could not be read (%s)", c.unreadable, what, p.Unreadable)})
	}
	slices.SortStableFunc(reasons, func(a, b reason) int { return b.d.rank() - a.d.rank() })
	for _, rs := range reasons {
		r.Reasons = append(r.Reasons, rs.text)
		if rs.d.rank() > r.Decision.rank() {
			r.Decision = rs.d
		}
	}
	return r
}
