package source

import (
	"bufio"
	"errors"
	"io"
	"path"
	"strings"
	"sync"
)

// archiveBudget is what is left of the limits on one top-level file: the
// entries and unpacked bytes all its archives, nested ones included, may
// still yield.
type archiveBudget struct {
	entries int
	bytes   int64
}

// ratioSlack is the unpacked size under which an entry's compression
// ratio is not judged: small runs of repeated bytes compress very well
// without being bombs.
const ratioSlack = 1 << 20

// Errors of archive entries, reported with the entry's path.
var (
	errBomb     = errors.New("compression ratio over the limit (possible zip bomb): not read further")
	errBudget   = errors.New("archive unpacks to more than the limit: not read further")
	errTooDeep  = errors.New("nested in archives too deep: not read")
	errNoBudget = errors.New("archive entry limit reached: remaining entries not read")
)

// entry describes an archive entry or an attachment to nested.
type entry struct {
	// name is the entry's path inside its container, slash-separated.
	name string
	// packed is its compressed size, or -1 when it is not compressed or
	// not known; the compression ratio is judged only when it is known.
	packed int64
}

// nested reads one entry of an archive or mailbox whose content r yields,
// as a file of its own at s.path + "!" + e.name, with the reader its name
// or content calls for, within the archive limits. Problems with the
// entry are reported under its path and nil is returned, so that the
// container's reading goes on; errNoBudget is returned when the entry
// limit is reached, to stop the container, and a *stopError to stop the
// walk.
func (s *sink) nested(e entry, r io.Reader) error {
	name := cleanEntryName(e.name)
	child := &sink{ctx: s.ctx, path: s.path + "!" + name, maxLine: s.maxLine, fn: s.fn, onErr: s.onErr,
		scratch: s.scratch, opts: s.opts, depth: s.depth + 1, budget: s.budget}
	defer borrowLineBuf(child)()
	defer func() { s.scratch = child.scratch }()
	if s.budget.entries <= 0 {
		return errNoBudget
	}
	s.budget.entries--
	if child.depth > s.opts.MaxArchiveDepth {
		child.report(0, "%v", errTooDeep)
		return nil
	}
	er := &entryReader{r: r, budget: s.budget, packed: e.packed, ratio: int64(s.opts.MaxCompressionRatio)}
	br := entryBuffers.Get().(*bufio.Reader)
	br.Reset(er)
	err := readAll(child, &input{br: br, name: path.Base(name), size: -1})
	br.Reset(nil)
	entryBuffers.Put(br)
	var stop *stopError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &stop):
		return err
	case s.ctx.Err() != nil:
		return &stopError{s.ctx.Err()}
	}
	child.report(0, "%v", err)
	return nil
}

// entryBuffers reuses the read buffers of nested entries: a mailbox of
// ten thousand messages needs a handful, not ten thousand.
var entryBuffers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, headLen) }}

// entryReader reads an archive entry within the budget of unpacked bytes
// and the compression ratio, judged on the bytes actually unpacked rather
// than on the sizes the archive declares.
type entryReader struct {
	r      io.Reader
	budget *archiveBudget
	packed int64 // -1 when unknown
	ratio  int64
	read   int64
}

// Read reads from the entry.
func (e *entryReader) Read(p []byte) (int, error) {
	if e.budget.bytes <= 0 {
		return 0, errBudget
	}
	if int64(len(p)) > e.budget.bytes {
		p = p[:e.budget.bytes]
	}
	n, err := e.r.Read(p)
	e.read += int64(n)
	e.budget.bytes -= int64(n)
	if e.packed >= 0 && e.read > ratioSlack && e.read > e.packed*e.ratio {
		return n, errBomb
	}
	return n, err
}

// cleanEntryName is an archive entry's name as its findings' paths show it:
// forward slashes, no "..", no leading slash.
func cleanEntryName(name string) string {
	return strings.TrimLeft(path.Clean("/"+strings.ReplaceAll(name, "\\", "/")), "/")
}

// reportEntry reports a problem with an entry that is not read, under the
// entry's own path (archive!entry) as the entries that are read report.
func (s *sink) reportEntry(name, format string, args ...any) {
	saved := s.path
	s.path += "!" + cleanEntryName(name)
	s.report(0, format, args...)
	s.path = saved
}
