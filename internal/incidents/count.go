package incidents

import "slices"

// Scope is what an incident's affected subjects and their jurisdictions
// are computed from.
type Scope struct {
	// Subjects are the affected vault subjects, by audit pseudonym.
	Subjects []string
	// Values are each subject's values of the incident's jurisdiction
	// field (countries or regimes), by pseudonym.
	Values map[string][]string
	// Declared are the jurisdictions the data map declares for the
	// systems involved: they apply to a subject with no value of its own.
	Declared []string
	// Always are the incident's own jurisdictions: they apply to every
	// affected subject.
	Always []string
	// Estimated subjects are affected outside the vault; they count under
	// Declared and Always.
	Estimated int
}

// Count counts the affected subjects per regime, and returns the facts'
// affected map: the same counts, or, when the incident counts no subject
// at all, every declared regime with a count of 0, so that the clocks of
// the regimes involved start while the scope is being established.
func (t *Table) Count(s Scope) (Affected, map[string]int) {
	a := Affected{Vault: len(s.Subjects), Estimated: s.Estimated, ByJurisdiction: map[string]int{}}
	a.Total = a.Vault + a.Estimated
	declared := t.resolveAll(s.Declared)
	always := t.resolveAll(s.Always)
	fallback := union(declared, always)
	for _, subj := range s.Subjects {
		var regs []string
		for _, v := range s.Values[subj] {
			rs, _ := t.Resolve(v)
			regs = union(regs, rs)
		}
		if len(regs) == 0 {
			regs = declared
		}
		regs = union(regs, always)
		if len(regs) == 0 {
			a.Unknown++
		}
		for _, r := range regs {
			a.ByJurisdiction[r]++
		}
	}
	if s.Estimated > 0 {
		if len(fallback) == 0 {
			a.Unknown += s.Estimated
		}
		for _, r := range fallback {
			a.ByJurisdiction[r] += s.Estimated
		}
	}
	facts := make(map[string]int, len(a.ByJurisdiction))
	for r, n := range a.ByJurisdiction {
		facts[r] = n
	}
	if a.Total == 0 {
		for _, r := range fallback {
			facts[r] = 0
		}
	}
	return a, facts
}

// resolveAll resolves names to regimes, dropping names no regime claims.
func (t *Table) resolveAll(names []string) []string {
	var out []string
	for _, n := range names {
		rs, _ := t.Resolve(n)
		out = union(out, rs)
	}
	return out
}

// union appends to a the elements of b it lacks.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
