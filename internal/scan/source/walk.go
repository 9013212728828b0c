package source

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// How a directory was entered: by its own path, or through a symbolic
// link. Each directory is entered at most once each way, which bounds the
// work however many links lead to it; a file reached through a link is
// read only when the walk does not reach it by its own path.
const (
	seenDirect = 1 << iota
	seenLink
)

// walker is the state of one Walk.
type walker struct {
	ctx      context.Context
	opts     Options
	include  globSet
	exclude  globSet
	fn       func(Unit) error
	onErr    func(FileError)
	open     func(string) (*os.File, error)
	dirs     map[fileID]uint8 // directories entered, and how (seenDirect, seenLink)
	files    map[fileID]bool  // files read that may have other names
	root     string           // the current root, absolute with links resolved
	prefix   string           // prepended to paths when there are several roots
	br       *bufio.Reader    // reused across files
	lineBuf  []byte           // reused across files by the line readers
	scratch  []byte           // reused across files by the sinks
	fileRead fileReader
	// read reads one file: readAll for Walk, readTextFile for WalkText.
	read func(*sink, *input) error
}

// walk is Walk with the function that opens files as a parameter, for
// tests.
func walk(ctx context.Context, roots []string, opts Options, fn func(Unit) error, onErr func(FileError),
	open func(string) (*os.File, error)) error {
	return walkWith(ctx, roots, opts, fn, onErr, open, readAll)
}

// walkWith is walk with the function that reads each file as a parameter.
func walkWith(ctx context.Context, roots []string, opts Options, fn func(Unit) error, onErr func(FileError),
	open func(string) (*os.File, error), read func(*sink, *input) error) error {
	opts = opts.withDefaults()
	include, err := compileGlobs(opts.Include)
	if err != nil {
		return fmt.Errorf("source: include: %w", err)
	}
	exclude, err := compileGlobs(opts.Exclude)
	if err != nil {
		return fmt.Errorf("source: exclude: %w", err)
	}
	w := &walker{ctx: ctx, opts: opts, include: include, exclude: exclude, fn: fn, onErr: onErr, open: open, read: read,
		dirs: make(map[fileID]uint8), files: make(map[fileID]bool)}
	for _, root := range roots {
		w.prefix = ""
		if len(roots) > 1 {
			w.prefix = filepath.ToSlash(filepath.Clean(root))
		}
		if err := w.walkRoot(root); err != nil {
			return err
		}
	}
	return nil
}

// display returns the path reported for rel, the slash path relative to
// the current root.
func (w *walker) display(rel string) string {
	switch {
	case w.prefix == "" && rel == "":
		return "."
	case w.prefix == "":
		return rel
	case rel == "":
		return w.prefix
	}
	return strings.TrimSuffix(w.prefix, "/") + "/" + rel
}

// fail reports a problem with the file or directory at rel.
func (w *walker) fail(rel, format string, args ...any) {
	if w.onErr != nil {
		w.onErr(FileError{Path: w.display(rel), Reason: fmt.Sprintf(format, args...)})
	}
}

// skip reports a path left out by rule (FileError.Skipped).
func (w *walker) skip(rel, reason string) {
	if w.onErr != nil {
		w.onErr(FileError{Path: w.display(rel), Reason: reason, Skipped: true})
	}
}

// walkRoot scans one root, a directory or a file.
func (w *walker) walkRoot(root string) error {
	abs, err := filepath.Abs(root)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	var fi fs.FileInfo
	if err == nil {
		fi, err = os.Stat(abs)
	}
	if err != nil {
		if w.onErr != nil {
			w.onErr(FileError{Path: filepath.ToSlash(root), Reason: reason(err)})
		}
		return nil
	}
	w.root = abs
	id, _ := idOf(fi, abs)
	switch {
	case fi.IsDir():
		if w.dirs[id]&seenDirect != 0 {
			return nil // inside a root walked already
		}
		w.dirs[id] |= seenDirect
		return w.walkDir(abs, "", []fileID{id}, false)
	case fi.Mode().IsRegular():
		// A file named as a root is read whatever the patterns say; it is
		// reported by its name, or as given when there are several roots.
		w.root = filepath.Dir(abs)
		rel := filepath.Base(abs)
		if w.prefix != "" {
			rel = ""
		}
		return w.readFile(abs, rel, fi, false)
	}
	return nil
}

// walkDir scans the directory abs, at rel under the root, whose
// enclosing directories (itself included) are ancestors; viaLink tells
// whether a symbolic link led to it.
func (w *walker) walkDir(abs, rel string, ancestors []fileID, viaLink bool) error {
	if err := w.ctx.Err(); err != nil {
		return fmt.Errorf("source: walk %s: %w", w.display(rel), err)
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		w.fail(rel, "read directory: %s", reason(err))
	}
	for _, e := range entries {
		childRel := path.Join(rel, e.Name())
		childAbs := filepath.Join(abs, e.Name())
		if w.exclude.match(childRel) {
			continue
		}
		link := e.Type()&fs.ModeSymlink != 0
		var fi fs.FileInfo
		switch {
		case link:
			target, err := filepath.EvalSymlinks(childAbs)
			if err != nil {
				w.fail(childRel, "symbolic link: %s", reason(err))
				continue
			}
			if !w.inside(target) {
				w.skip(childRel, "symbolic link leads outside the scan root: not followed")
				continue
			}
			childAbs = target
			fi, err = os.Stat(target)
			if err != nil {
				w.fail(childRel, "symbolic link: %s", reason(err))
				continue
			}
		case e.IsDir() || e.Type().IsRegular():
			fi, err = e.Info()
			if err != nil {
				w.fail(childRel, "stat: %s", reason(err))
				continue
			}
		default:
			continue // devices, sockets, pipes
		}
		through := viaLink || link
		switch {
		case fi.IsDir():
			id, _ := idOf(fi, childAbs)
			if slices.Contains(ancestors, id) {
				if link {
					w.skip(childRel, "symbolic link to an enclosing directory: cycle not followed")
				} else {
					w.skip(childRel, "directory encloses itself: cycle not followed")
				}
				continue
			}
			how := uint8(seenDirect)
			if through {
				how = seenLink
			}
			if w.dirs[id]&how != 0 {
				continue
			}
			w.dirs[id] |= how
			if err := w.walkDir(childAbs, childRel, append(ancestors, id), through); err != nil {
				return err
			}
		case fi.Mode().IsRegular():
			if through && w.visitedDirectly(childAbs) {
				continue // read under its own name
			}
			if err := w.visitFile(childAbs, childRel, fi, through); err != nil {
				return err
			}
		}
	}
	return nil
}

// inside reports whether the resolved path abs lies in the current root.
func (w *walker) inside(abs string) bool {
	rel, err := filepath.Rel(w.root, abs)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// visitedDirectly reports whether the walk reaches the file at the
// resolved path abs, inside the root, by its own name: no directory on
// the way, nor the file, is excluded, and the file is included.
func (w *walker) visitedDirectly(abs string) bool {
	rel, err := filepath.Rel(w.root, abs)
	if err != nil {
		return false
	}
	rel = filepath.ToSlash(rel)
	for i := 0; i < len(rel); i++ {
		if rel[i] == '/' && w.exclude.match(rel[:i]) {
			return false
		}
	}
	return !w.exclude.match(rel) && (len(w.include) == 0 || w.include.match(rel))
}

// visitFile reads the regular file abs, at rel under the root, unless the
// include patterns leave it out.
func (w *walker) visitFile(abs, rel string, fi fs.FileInfo, viaLink bool) error {
	if len(w.include) > 0 && !w.include.match(rel) {
		return nil
	}
	return w.readFile(abs, rel, fi, viaLink)
}

// readFile reads the regular file abs, at rel under the root, unless it
// was read already; viaLink tells whether a symbolic link led to it.
func (w *walker) readFile(abs, rel string, fi fs.FileInfo, viaLink bool) error {
	id, shared := idOf(fi, abs)
	if w.files[id] {
		return nil
	}
	if shared || viaLink {
		w.files[id] = true
	}
	if fi.Size() > w.opts.MaxFileSize {
		w.fail(rel, "size %d bytes over the limit of %d: not read", fi.Size(), w.opts.MaxFileSize)
		return nil
	}
	f, err := w.open(abs)
	if err != nil {
		w.fail(rel, "%s", reason(err))
		return nil
	}
	defer func() { _ = f.Close() }()
	s := &sink{ctx: w.ctx, path: w.display(rel), maxLine: w.opts.MaxLineBytes, fn: w.fn, onErr: w.onErr,
		lineBuf: w.lineBuf, scratch: w.scratch, opts: &w.opts,
		budget: &archiveBudget{entries: w.opts.MaxArchiveEntries, bytes: w.opts.MaxArchiveBytes}}
	w.fileRead = fileReader{ctx: w.ctx, r: f, left: w.opts.MaxFileSize}
	if w.br == nil {
		w.br = bufio.NewReaderSize(&w.fileRead, headLen)
	} else {
		w.br.Reset(&w.fileRead)
	}
	// The name picks the reader (CSV, JSON, ...): a file given as one of
	// several roots is reported as given (rel is ""), but read by its own
	// name.
	name := path.Base(rel)
	if rel == "" {
		name = filepath.Base(abs)
	}
	err = w.read(s, &input{br: w.br, file: f, size: fi.Size(), name: name})
	w.lineBuf, w.scratch = s.lineBuf, s.scratch
	if err == nil {
		return nil
	}
	var stop *stopError
	if errors.As(err, &stop) {
		return fmt.Errorf("source: %s: %w", s.path, stop.err)
	}
	if cerr := w.ctx.Err(); cerr != nil {
		return fmt.Errorf("source: %s: %w", s.path, cerr)
	}
	w.fail(rel, "%v", err)
	return nil
}

// readAll reads one file, or archive entry, with the reader its name or
// content calls for; binary files are passed over.
func readAll(s *sink, in *input) error {
	br := in.br
	head, err := br.Peek(headLen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("read: %w", err)
	}
	f, ok := chooseFormat(in.name, head)
	if !ok {
		return nil
	}
	switch f {
	case formatZIP, formatXLSX, formatDOCX:
		return readZIP(s, in)
	case formatPDF:
		return readPDF(s, in)
	case formatOLE:
		return errOLE
	case formatEML:
		return readEML(s, br)
	case formatMBOX:
		return readMBOX(s, br)
	}
	complete := err != nil // Peek stopped short: head is all of the file
	r, err := decodeReader(br, detectEncoding(head, complete))
	if err != nil {
		return err
	}
	switch f {
	case formatCSV, formatTSV, formatTabText:
		err = readCSV(s, r, f)
	case formatJSON:
		err = readJSON(s, r)
	case formatFacebookJSON, formatTelegramJSON, formatZaloJSON:
		err = readChatJSON(s, r, f)
	case formatWhatsApp:
		err = readWhatsApp(s, r)
	case formatNDJSON:
		err = readNDJSON(s, r)
	case formatHTML:
		err = readHTML(s, r)
	default:
		err = readText(s, r)
	}
	return err
}

// fileReader reads a file while the context lasts and within the size
// limit (a file may grow after it was measured).
type fileReader struct {
	ctx  context.Context
	r    io.Reader
	left int64
}

// errGrew reports a file that grew past the size limit while read.
var errGrew = errors.New("file grew past the size limit")

// Read reads from the file.
func (f *fileReader) Read(p []byte) (int, error) {
	if err := f.ctx.Err(); err != nil {
		return 0, err
	}
	if f.left <= 0 {
		// One more byte tells a file exactly at the limit from a longer one.
		var one [1]byte
		if n, _ := f.r.Read(one[:]); n > 0 {
			return 0, errGrew
		}
		return 0, io.EOF
	}
	if int64(len(p)) > f.left {
		p = p[:f.left]
	}
	n, err := f.r.Read(p)
	f.left -= int64(n)
	return n, err
}

// reason describes err without the path a *fs.PathError repeats.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}
