package source

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// readZIP reads a ZIP archive: an XLSX workbook or a DOCX document when
// its entries say it is one, else every entry as a file of its own, within
// the archive limits. Encrypted entries and unknown compression methods
// are reported and passed over.
func readZIP(s *sink, in *input) error {
	if head, _ := in.br.Peek(len(oleMagic)); bytes.Equal(head, oleMagic) {
		return errOLE // an encrypted .xlsx or .docx is an OLE2 file
	}
	ra, size, cleanup, err := s.randomAccess(in)
	if err != nil {
		return err
	}
	defer cleanup()
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return fmt.Errorf("not a readable ZIP archive: %w", err)
	}
	switch zipKind(zr) {
	case formatXLSX:
		return readXLSX(s, ra, size)
	case formatDOCX:
		return readDOCX(s, zr)
	}
	return readZIPEntries(s, zr)
}

// zipKind tells an Office Open XML workbook or document from a plain ZIP
// archive by the parts it holds.
func zipKind(zr *zip.Reader) format {
	for _, f := range zr.File {
		switch f.Name {
		case "xl/workbook.xml":
			return formatXLSX
		case "word/document.xml":
			return formatDOCX
		}
	}
	return formatZIP
}

// readZIPEntries reads every file entry of zr as a nested file.
func readZIPEntries(s *sink, zr *zip.Reader) error {
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") || f.FileInfo().IsDir() {
			continue
		}
		if err := s.ctx.Err(); err != nil {
			return &stopError{err}
		}
		if s.budget.bytes <= 0 {
			s.report(0, "%v", errBudget)
			return nil
		}
		if f.Flags&0x1 != 0 {
			s.reportEntry(f.Name, "encrypted entry: not read")
			continue
		}
		packed := int64(-1)
		if f.Method != zip.Store {
			packed = int64(f.CompressedSize64)
		}
		err := readZIPEntry(s, f, packed)
		switch {
		case errors.Is(err, errNoBudget):
			s.report(0, "%v", errNoBudget)
			return nil
		case err != nil:
			return err
		}
	}
	return nil
}

// readZIPEntry opens one entry and reads it as a nested file.
func readZIPEntry(s *sink, f *zip.File, packed int64) error {
	rc, err := f.Open()
	if err != nil {
		s.reportEntry(f.Name, "%v", err)
		return nil
	}
	defer func() { _ = rc.Close() }()
	return s.nested(entry{name: f.Name, packed: packed}, rc)
}
