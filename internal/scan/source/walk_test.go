package source

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// buildTree makes the walk fixture and returns its root. Besides plain
// files it holds a binary file, an oversize file, a link out of the root,
// links inside it (to a directory and to a file), a link to an enclosing
// directory, and two links that point at each other.
func buildTree(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	root := filepath.Join(base, "root")
	outside := filepath.Join(base, "outside")
	write(t, filepath.Join(outside, "secret.txt"), []byte("outside-secret\n"))
	files := map[string]string{
		"a.txt":                "alpha\n\nsecond line\n",
		"sub/deep/notes.md":    "deep-notes\n",
		"sub/app.log":          "log-line\n",
		"sub/data.csv":         "name,phone\nAn,0912345678\n",
		"vendor/lib/x.txt":     "vendored\n",
		"big.txt":              strings.Repeat("x", 3000),
		"page.html":            "<p>html-text</p>",
		"unknown.dat":          "plain-unknown\n",
		"noext":                "<!doctype html><p>sniffed-html</p>",
		"sub/deep/more/m.json": `{"k":"json-value"}`,
	}
	for name, content := range files {
		write(t, filepath.Join(root, name), []byte(content))
	}
	write(t, filepath.Join(root, "bin.dat"), append([]byte("MZ\x00\x01binary-text"), bytes.Repeat([]byte{0, 0xff}, 100)...))
	links := map[string]string{
		"out":         outside,                              // a directory outside: not followed
		"out.txt":     filepath.Join(outside, "secret.txt"), // a file outside: not followed
		"in":          filepath.Join("sub", "deep"),         // a directory inside: followed once
		"z-alias.txt": "a.txt",                              // a file inside: read under its own name
		"sub/loop":    "..",                                 // an enclosing directory: a cycle
		"sub/ping":    "pong",                               // links that point at each other
		"sub/pong":    "ping",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Skipf("symbolic links unsupported: %v", err)
		}
	}
	return root
}

func TestWalkTree(t *testing.T) {
	root := buildTree(t)
	g := collect(t, []string{root}, Options{MaxFileSize: 1024, Exclude: []string{"vendor"}})

	texts := map[string][]string{} // text -> paths it was found under
	for _, u := range g.units {
		texts[string(u.Text)] = append(texts[string(u.Text)], u.Path)
	}
	for _, tc := range []struct {
		text  string
		paths []string // any one of them, exactly once
	}{
		{"alpha", []string{"a.txt"}},
		{"second line", []string{"a.txt"}},
		{"deep-notes", []string{"sub/deep/notes.md"}},
		{"json-value", []string{"sub/deep/more/m.json"}},
		{"log-line", []string{"sub/app.log"}},
		{"0912345678", []string{"sub/data.csv"}},
		{"html-text", []string{"page.html"}},
		{"sniffed-html", []string{"noext"}},
		{"plain-unknown", []string{"unknown.dat"}},
	} {
		paths := texts[tc.text]
		if len(paths) != 1 || !slices.Contains(tc.paths, paths[0]) {
			t.Errorf("%q found under %v, want once under one of %v", tc.text, paths, tc.paths)
		}
	}
	for _, absent := range []string{"outside-secret", "vendored", "binary-text", "MZ"} {
		for text, paths := range texts {
			if strings.Contains(text, absent) {
				t.Errorf("%q read from %v", absent, paths)
			}
		}
	}

	for _, e := range g.errs {
		t.Log(e)
	}
	reasons := map[string]string{}
	for _, e := range g.errs {
		reasons[e.Path] = e.Reason
	}
	for path, want := range map[string]string{
		"big.txt":  "over the limit",
		"out":      "outside the scan root",
		"out.txt":  "outside the scan root",
		"sub/loop": "cycle",
		"sub/ping": "symbolic link",
		"sub/pong": "symbolic link",
	} {
		if !strings.Contains(reasons[path], want) {
			t.Errorf("error for %s = %q, want it to mention %q", path, reasons[path], want)
		}
	}
	if len(g.errs) != 6 {
		t.Errorf("errors: %v, want 6", g.errs)
	}
}

func TestWalkPatterns(t *testing.T) {
	root := buildTree(t)
	for _, tc := range []struct {
		name             string
		include, exclude []string
		want             []string // the paths units come from
	}{
		{"csv at any depth", []string{"**/*.csv"}, nil, []string{"sub/data.csv"}},
		{"top-level txt only", []string{"*.txt"}, nil, []string{"a.txt"}},
		{"a subtree", []string{"sub/**"}, []string{"**/*.json", "sub/deep"}, []string{"sub/app.log", "sub/data.csv"}},
		{"exclude by extension", []string{"sub/**"}, []string{"*.log", "**/*.log"}, []string{"sub/data.csv", "sub/deep/more/m.json", "sub/deep/notes.md"}},
		{"through a link, by its path", []string{"in/**"}, nil, []string{"in/more/m.json", "in/notes.md"}},
		{"through a link to an excluded directory", nil, []string{"sub", "*.*"}, []string{"in/more/m.json", "in/notes.md", "noext", "vendor/lib/x.txt"}},
		{"exclude a directory prunes it", []string{"**/*.txt"}, []string{"vendor/**", "vendor"}, []string{"a.txt"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := collect(t, []string{root}, Options{Include: tc.include, Exclude: tc.exclude, MaxFileSize: 1024})
			var paths []string
			for _, u := range g.units {
				if !slices.Contains(paths, u.Path) {
					paths = append(paths, u.Path)
				}
			}
			slices.Sort(paths)
			if !slices.Equal(paths, tc.want) {
				t.Errorf("paths %v, want %v", paths, tc.want)
			}
		})
	}
}

func TestWalkBadPattern(t *testing.T) {
	err := Walk(context.Background(), []string{t.TempDir()}, Options{Exclude: []string{"[a-"}}, func(Unit) error { return nil }, nil)
	if err == nil {
		t.Fatal("a malformed pattern was accepted")
	}
}

func TestWalkRoots(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "one", "a.txt"), []byte("one\n"))
	write(t, filepath.Join(dir, "two", "b.txt"), []byte("two\n"))
	write(t, filepath.Join(dir, "c.txt"), []byte("three\n"))
	for _, tc := range []struct {
		name  string
		roots []string
		want  []string
	}{
		{"a directory", []string{filepath.Join(dir, "one")}, []string{"a.txt"}},
		{"a file", []string{filepath.Join(dir, "c.txt")}, []string{"c.txt"}},
		{"several roots", []string{filepath.Join(dir, "one"), filepath.Join(dir, "two"), filepath.Join(dir, "c.txt")},
			[]string{filepath.ToSlash(filepath.Join(dir, "one", "a.txt")), filepath.ToSlash(filepath.Join(dir, "two", "b.txt")),
				filepath.ToSlash(filepath.Join(dir, "c.txt"))}},
		{"overlapping roots read once", []string{dir, filepath.Join(dir, "one")},
			[]string{filepath.ToSlash(filepath.Join(dir, "c.txt")), filepath.ToSlash(filepath.Join(dir, "one", "a.txt")),
				filepath.ToSlash(filepath.Join(dir, "two", "b.txt"))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := collect(t, tc.roots, Options{})
			var paths []string
			for _, u := range g.units {
				paths = append(paths, u.Path)
			}
			if !slices.Equal(paths, tc.want) || len(g.errs) > 0 {
				t.Errorf("paths %v, errors %v; want %v", paths, g.errs, tc.want)
			}
		})
	}
	g := collect(t, []string{filepath.Join(dir, "missing")}, Options{})
	if len(g.errs) != 1 || !strings.Contains(g.errs[0].Reason, "no such file") {
		t.Errorf("missing root: errors %v", g.errs)
	}
	// Files given as several roots are read by their own format: a CSV's
	// cells come with their header, as when it is the only root.
	write(t, filepath.Join(dir, "k.csv"), []byte("Email,Phone\nan@example.com,0912345678\n"))
	for _, roots := range [][]string{{filepath.Join(dir, "k.csv")}, {filepath.Join(dir, "k.csv"), filepath.Join(dir, "c.txt")}} {
		g := collect(t, roots, Options{})
		var cols []string
		for _, u := range g.units {
			if strings.HasSuffix(u.Path, "k.csv") {
				cols = append(cols, u.Column)
			}
		}
		if !slices.Equal(cols, []string{"Email", "Phone"}) {
			t.Errorf("roots %v: k.csv's columns %q", roots, cols)
		}
	}
}

func TestWalkOpenFailure(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "locked.txt"), []byte("locked\n"))
	write(t, filepath.Join(dir, "open.txt"), []byte("readable\n"))

	t.Run("injected", func(t *testing.T) {
		var units []string
		var errs []FileError
		failing := func(name string) (*os.File, error) {
			if filepath.Base(name) == "locked.txt" {
				return nil, &os.PathError{Op: "open", Path: name, Err: os.ErrPermission}
			}
			return os.Open(name)
		}
		err := walk(context.Background(), []string{dir}, Options{}, func(u Unit) error {
			units = append(units, string(u.Text))
			return nil
		}, func(e FileError) { errs = append(errs, e) }, failing)
		if err != nil || !slices.Equal(units, []string{"readable"}) || len(errs) != 1 ||
			errs[0].Path != "locked.txt" || errs[0].Reason != "open: permission denied" {
			t.Errorf("err %v, units %v, errors %v", err, units, errs)
		}
	})

	t.Run("permissions", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root: permissions do not stop reads")
		}
		if err := os.Chmod(filepath.Join(dir, "locked.txt"), 0); err != nil {
			t.Fatal(err)
		}
		g := collect(t, []string{dir}, Options{})
		if len(g.units) != 1 || len(g.errs) != 1 || !strings.Contains(g.errs[0].Reason, "permission denied") {
			t.Errorf("units %v, errors %v", cells(g.units), g.errs)
		}
	})
}

func TestWalkStops(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.txt"), []byte("one\ntwo\n"))
	stop := errors.New("stop here")
	n := 0
	err := Walk(context.Background(), []string{dir}, Options{}, func(Unit) error { n++; return stop }, nil)
	if !errors.Is(err, stop) || n != 1 || !strings.Contains(err.Error(), "a.txt") {
		t.Errorf("callback error: got %v after %d units", err, n)
	}

	// Cancelled while a file is being read: the walk stops within it.
	write(t, filepath.Join(dir, "b.txt"), bytes.Repeat([]byte("line\n"), 10000))
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err = Walk(ctx, []string{dir}, Options{}, func(Unit) error { n++; cancel(); return nil }, nil)
	if !errors.Is(err, context.Canceled) || n >= 10000 {
		t.Errorf("cancelled during a file: got %v after %d units", err, n)
	}

	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	err = Walk(ctx, []string{dir}, Options{}, func(Unit) error { t.Error("unit after cancel"); return nil }, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled walk: %v", err)
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"*.csv", "a.csv", true},
		{"*.csv", "d/a.csv", false},
		{"**/*.csv", "a.csv", true},
		{"**/*.csv", "d/e/a.csv", true},
		{"d/**", "d", true},
		{"d/**", "d/e/f", true},
		{"d/**", "dd/e", false},
		{"**/node_modules/**", "x/node_modules/y/z.js", true},
		{"a/**/b", "a/b", true},
		{"a/**/b", "a/x/y/b", true},
		{"a/**/b", "a/x/y/c", false},
		{"./a/?.txt", "a/1.txt", true},
		{"[ab]*", "c", false},
	} {
		set, err := compileGlobs([]string{tc.pattern})
		if err != nil {
			t.Fatalf("%q: %v", tc.pattern, err)
		}
		if got := set.match(tc.path); got != tc.want {
			t.Errorf("match(%q, %q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
}
