package source

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// input is one file, or one entry of an archive or mailbox, handed to the
// reader its format calls for.
type input struct {
	// br streams the content; its buffer holds at least headLen bytes,
	// so the first headLen can be peeked at to choose a format.
	br *bufio.Reader
	// file gives random access to the content when it is a file on disk
	// (nil for an entry of an archive); size is then the file's size.
	file io.ReaderAt
	size int64
	// name is the base name, whose extension may choose the format.
	name string
}

// spillInMemory is the largest entry a random-access reader (ZIP, XLSX,
// DOCX, PDF inside an archive) holds in memory; a larger one is copied to
// a temporary file, removed once read.
const spillInMemory = 4 << 20

// randomAccess returns in's content as an io.ReaderAt and its size: the
// file itself, or, for an archive entry, a copy of it in memory or in a
// temporary file (mode 0600, removed by the returned cleanup) that counts
// against the archive budget. It consumes in.br.
func (s *sink) randomAccess(in *input) (io.ReaderAt, int64, func(), error) {
	if in.file != nil {
		return in.file, in.size, func() {}, nil
	}
	var mem bytes.Buffer
	n, err := io.Copy(&mem, io.LimitReader(in.br, spillInMemory+1))
	if err != nil {
		return nil, 0, nil, fmt.Errorf("read: %w", err)
	}
	if n <= spillInMemory {
		return bytes.NewReader(mem.Bytes()), n, func() {}, nil
	}
	tmp, err := os.CreateTemp("", "custodia-scan-*")
	if err != nil {
		return nil, 0, nil, fmt.Errorf("temporary copy: %w", err)
	}
	cleanup := func() {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
	}
	if _, err := tmp.Write(mem.Bytes()); err != nil {
		cleanup()
		return nil, 0, nil, fmt.Errorf("temporary copy: %w", err)
	}
	rest, err := io.Copy(tmp, in.br)
	if err != nil {
		cleanup()
		var stop *stopError
		if errors.As(err, &stop) {
			return nil, 0, nil, stop
		}
		return nil, 0, nil, fmt.Errorf("temporary copy: %w", err)
	}
	return tmp, n + rest, cleanup, nil
}
