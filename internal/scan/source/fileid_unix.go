//go:build unix

package source

import (
	"io/fs"
	"syscall"
)

// fileID identifies a file or directory whatever the path to it.
type fileID struct {
	dev, ino uint64
	path     string // used only where the system gives no inode
}

// idOf returns the identity of the file described by fi (from a stat that
// followed links), the resolved path abs standing in where the system
// gives none; shared reports whether the file may have other names (hard
// links).
func idOf(fi fs.FileInfo, abs string) (id fileID, shared bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{path: abs}, false
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, uint64(st.Nlink) > 1 //nolint:unconvert // widths differ by platform
}
