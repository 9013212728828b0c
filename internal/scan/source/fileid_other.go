//go:build !unix

package source

import "io/fs"

// fileID identifies a file or directory whatever the path to it.
type fileID struct {
	dev, ino uint64
	path     string // the resolved absolute path: this system gives no inode
}

// idOf returns the identity of the file described by fi: here its
// resolved absolute path abs. Hard links cannot be told apart.
func idOf(_ fs.FileInfo, abs string) (id fileID, shared bool) {
	return fileID{path: abs}, false
}
