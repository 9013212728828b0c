package source

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// got is what a walk reported.
type got struct {
	units []Unit
	errs  []FileError
}

// collect walks roots and returns the units (their text copied) and the
// file errors; the walk itself must succeed.
func collect(t testing.TB, roots []string, opts Options) got {
	t.Helper()
	var g got
	err := Walk(context.Background(), roots, opts, func(u Unit) error {
		u.Text = append([]byte(nil), u.Text...)
		g.units = append(g.units, u)
		return nil
	}, func(e FileError) { g.errs = append(g.errs, e) })
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return g
}

// scanFile writes content to a file called name in a fresh directory and
// walks that directory.
func scanFile(t testing.TB, name string, content []byte, opts Options) got {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, name), content)
	return collect(t, []string{dir}, opts)
}

// write creates a file and its directories.
func write(t testing.TB, name string, content []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, content, 0o644); err != nil {
		t.Fatal(err)
	}
}

// cell is the part of a unit the format tests compare.
type cell struct {
	Line   int
	Column string
	Hint   string
	Text   string
}

// cells returns the comparable part of units.
func cells(units []Unit) []cell {
	out := make([]cell, 0, len(units))
	for _, u := range units {
		out = append(out, cell{u.Line, u.Column, u.Hint, string(u.Text)})
	}
	return out
}
