package source

import (
	"context"
	"os"
)

// Default limits, used when the matching Options field is zero or negative.
const (
	DefaultMaxFileSize  int64 = 1 << 30 // 1 GiB
	DefaultMaxLineBytes       = 1 << 20 // 1 MiB
	// Archives (ZIP, and the ZIP inside XLSX and DOCX; e-mail attachments).
	DefaultMaxArchiveDepth           = 4
	DefaultMaxArchiveEntries         = 100_000
	DefaultMaxArchiveBytes     int64 = 4 << 30 // 4 GiB unpacked per top-level file
	DefaultMaxCompressionRatio       = 100
)

// minLineBytes is the smallest line cap honoured: a cap must hold a
// multi-byte rune and leave room to split at a space.
const minLineBytes = 16

// Unit is one piece of text to scan, with where it came from.
type Unit struct {
	// Path is the file's slash-separated path relative to its scan root.
	// When Walk is given several roots, it is the root as given joined
	// with that relative path, so that units from different roots differ.
	// Inside an archive or a mailbox it goes on with "!" and the entry's
	// name: "exports.zip!2024/customers.csv", "inbox.mbox!12.eml",
	// "inbox.mbox!12.eml!invoice.pdf".
	Path string
	// Line is the 1-based line of the text; for a CSV cell, the line on
	// which its record starts.
	Line int
	// Column locates the text inside a record: the CSV header of the cell
	// ("" when the file has none), or the JSON key path of the value
	// ("contacts[3].phone"). It is "" for plain text and HTML.
	Column string
	// Hint is context for the detectors: the CSV header of the cell or
	// the last JSON key above the value.
	Hint string
	// Text is the text to scan. It is valid only during the callback:
	// copy it to keep it.
	Text []byte
}

// Options tune a Walk. The zero value scans everything with the default
// limits.
type Options struct {
	// IsHeader, when set, tells ReadRows which row is a table's header:
	// the first of a table's first rows (a header and up to three title
	// rows above it) for which it reports true; the rows above it are
	// titles. An import with a mapping knows its header's names, so a
	// title row of several cells above it is not taken for the header.
	// When no such row is among them, the header is found as without it.
	IsHeader func(cells []string) bool
	// Include, when not empty, keeps only the files whose path relative
	// to the root matches one of its patterns. Exclude drops the files
	// and directories that match one of its patterns; an excluded
	// directory is not entered. Patterns follow path.Match on the
	// slash-separated relative path, one path element per pattern
	// element, plus "**", which matches any number of elements (zero
	// included): "*.csv" matches only at the top, "**/*.csv" at any depth.
	Include, Exclude []string
	// MaxFileSize is the largest file read, DefaultMaxFileSize when zero;
	// a larger file is reported through onErr and not read.
	MaxFileSize int64
	// MaxLineBytes caps the size of a unit's Text, DefaultMaxLineBytes
	// when zero (and never below 16): longer lines and cells are split,
	// at a space when there is one near the cut, never inside a UTF-8
	// sequence. A CSV record or a JSON token over four times the cap
	// ends the reading of its file, which is reported.
	MaxLineBytes int
	// MaxArchiveDepth is how many archives may enclose an entry (a ZIP
	// in a ZIP, an attachment of a mail in a mailbox); a deeper entry is
	// reported and not read. DefaultMaxArchiveDepth when zero.
	MaxArchiveDepth int
	// MaxArchiveEntries caps the entries read out of one top-level file,
	// nested ones included; DefaultMaxArchiveEntries when zero.
	MaxArchiveEntries int
	// MaxArchiveBytes caps the bytes unpacked out of one top-level file,
	// nested ones included; DefaultMaxArchiveBytes when zero.
	MaxArchiveBytes int64
	// MaxCompressionRatio is the largest ratio of unpacked to packed size
	// an archive entry may have once it is over 1 MiB (zip bombs);
	// DefaultMaxCompressionRatio when zero.
	MaxCompressionRatio int
}

// withDefaults returns o with its zero limits set to the defaults.
func (o Options) withDefaults() Options {
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = DefaultMaxLineBytes
	}
	if o.MaxLineBytes < minLineBytes {
		o.MaxLineBytes = minLineBytes
	}
	if o.MaxArchiveDepth <= 0 {
		o.MaxArchiveDepth = DefaultMaxArchiveDepth
	}
	if o.MaxArchiveEntries <= 0 {
		o.MaxArchiveEntries = DefaultMaxArchiveEntries
	}
	if o.MaxArchiveBytes <= 0 {
		o.MaxArchiveBytes = DefaultMaxArchiveBytes
	}
	if o.MaxCompressionRatio <= 0 {
		o.MaxCompressionRatio = DefaultMaxCompressionRatio
	}
	return o
}

// FileError reports a file or directory that could not be read, or not
// wholly: it could not be opened, it is over the size limit, it is a
// symbolic link that leaves its root or loops, or its content is malformed.
type FileError struct {
	Path   string // as in Unit.Path ("." for the root); a root that cannot be read, as given
	Reason string // what went wrong, without the path
	// Skipped marks a path left out by rule, not a failure to read: a
	// symbolic link out of the root, a directory cycle.
	Skipped bool
	// Warning marks a file read in full, but not as it said it was: an
	// unknown charset whose encoding was guessed, invalid JSON or an
	// overlong line scanned as plain text.
	Warning bool
}

// Error returns the path and the reason.
func (e FileError) Error() string { return e.Path + ": " + e.Reason }

// Walk scans each root recursively (a root may also be a single file) and
// calls fn with every unit of text it reads, in a deterministic order
// (directory entries by name). It returns when the walk is over, when ctx
// is done (ctx.Err(), wrapped), when fn returns an error (that error,
// wrapped with the unit's path), or at once when a pattern is malformed.
//
// Symbolic links are never followed out of their root. A link to a file
// or directory inside the root is followed, and the patterns judge what it
// leads to by the link's path; a file it leads to is read under the link's
// path only when the walk does not reach that file by its own path, so
// that no file is read twice. A link back to an enclosing directory is a
// cycle, and links that loop are broken: both are reported and not
// followed. Files that are neither regular nor directories (devices,
// sockets, pipes) are passed over in silence, and so are binary files (a
// NUL byte, or too much that is not UTF-8 text, in the first 8 KiB) unless
// their extension names a format a reader claims (.csv, .tsv, .json,
// .ndjson, .jsonl, .html, .htm).
//
// Problems with one file or directory are reported through onErr (which
// may be nil) and the walk goes on.
func Walk(ctx context.Context, roots []string, opts Options, fn func(Unit) error, onErr func(FileError)) error {
	return walk(ctx, roots, opts, fn, onErr, os.Open)
}
