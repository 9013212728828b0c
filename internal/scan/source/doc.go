// Package source holds the readers of the personal-data scanner: they turn
// a directory tree into text units, each with its location (a path, a line,
// a CSV column or a JSON key path) and its context (the header or key name
// a detector weighs).
//
// Walk chooses a reader by file extension, then by sniffing the first
// bytes:
//
//   - plain text (.txt, .log, .md and any other file that looks like text):
//     one unit per non-blank line;
//   - CSV and TSV (.csv, .tsv): one unit per non-blank cell, with the
//     delimiter, the encoding and the header row detected;
//   - JSON (.json): one unit per string or number, with its key path;
//     NDJSON (.ndjson, .jsonl): the same per line;
//   - HTML (.html, .htm): the text, without scripts, styles, tags or
//     comments, with entities decoded.
//
// Memory stays bounded whatever the input: files are streamed, lines and
// cells longer than Options.MaxLineBytes are split, and the structures a
// reader must hold whole (a CSV record, a JSON token) are capped at a
// small multiple of it, past which the file is reported and abandoned.
package source
