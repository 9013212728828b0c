package datamap

import (
	"path"
	"strings"
	"unicode"
)

// Matches reports whether a scan run on host over roots belongs to s.
func (s *System) Matches(host string, roots []string) bool {
	for _, h := range s.Match.Hosts {
		if strings.EqualFold(h, host) {
			return true
		}
	}
	for _, p := range s.Match.Paths {
		for _, r := range roots {
			if under(r, p) {
				return true
			}
		}
	}
	return false
}

// under reports whether root lies at or under prefix: the same database
// URL, or a path in the directory prefix.
func under(root, prefix string) bool {
	if strings.Contains(prefix, "://") || strings.Contains(root, "://") {
		return root == prefix
	}
	root, prefix = path.Clean(root), path.Clean(prefix)
	return root == prefix || strings.HasPrefix(root, strings.TrimSuffix(prefix, "/")+"/")
}

// Proposal is the shadow system a scan that matches no system proposes:
// named after its host and first root, of a kind guessed from the roots,
// matching that host and those roots.
func Proposal(host string, roots []string) Input {
	kind := "file_share"
	for _, r := range roots {
		if strings.Contains(r, "://") {
			kind = "database"
		}
	}
	name := host
	if len(roots) > 0 {
		name = host + ": " + roots[0]
		if len(roots) > 1 {
			name += " and others"
		}
	}
	// A name is one line of text: the host or a root may hold control
	// characters a scan report let through.
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || !xmlChar(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, "\uFFFD"))
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	return Input{Name: name, Kind: kind, Status: StatusProposed, Match: Match{Hosts: []string{}, Paths: append([]string{}, roots...)}}
}
