package store

import (
	"os"
	"syscall"
)

// datasync flushes a file's data (and the metadata needed to read it,
// such as its size) to stable storage: fdatasync, as SQLite uses.
func datasync(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err != syscall.EINTR {
			return err
		}
	}
}
