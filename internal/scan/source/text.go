package source

import (
	"errors"
	"fmt"
	"io"
)

// readText emits each non-blank line of r as a unit.
func readText(s *sink, r io.Reader) error { return readTextFrom(s, r, 1) }

// readTextFrom is readText for input whose first line is line first of the
// file.
func readTextFrom(s *sink, r io.Reader, first int) error {
	lr := s.lineReader(r)
	lr.line = first
	for {
		piece, line, _, err := lr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read line %d: %w", line, err)
		}
		if err := s.emit(line, "", "", piece); err != nil {
			return err
		}
	}
}
