package source

import (
	"fmt"
	"path"
	"strings"
)

// globSet is a list of compiled patterns; see Options.Include.
type globSet [][]string

// compileGlobs splits each pattern into its elements and checks their
// syntax.
func compileGlobs(patterns []string) (globSet, error) {
	set := make(globSet, 0, len(patterns))
	for _, p := range patterns {
		p = strings.TrimPrefix(path.Clean("/"+p), "/")
		elems := strings.Split(p, "/")
		for _, e := range elems {
			if e == "**" {
				continue
			}
			if _, err := path.Match(e, ""); err != nil {
				return nil, fmt.Errorf("pattern %q: %w", p, err)
			}
		}
		set = append(set, elems)
	}
	return set, nil
}

// match reports whether the slash path rel matches one of the patterns.
func (g globSet) match(rel string) bool {
	if len(g) == 0 {
		return false
	}
	elems := strings.Split(rel, "/")
	for _, p := range g {
		if matchElems(p, elems) {
			return true
		}
	}
	return false
}

// matchElems matches path elements against pattern elements, "**" taking
// any number of path elements.
func matchElems(pat, elems []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			// Collapse runs of "**", then try every split point.
			for len(pat) > 0 && pat[0] == "**" {
				pat = pat[1:]
			}
			if len(pat) == 0 {
				return true
			}
			for i := range elems {
				if matchElems(pat, elems[i:]) {
					return true
				}
			}
			return false
		}
		if len(elems) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], elems[0]); !ok {
			return false
		}
		pat, elems = pat[1:], elems[1:]
	}
	return len(elems) == 0
}
