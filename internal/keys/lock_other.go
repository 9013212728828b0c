//go:build !unix

package keys

import "errors"

// ErrLocked is returned when another process holds the lock.
var ErrLocked = errors.New("another custodia process is using this key file")

// Lock is a no-op where advisory file locks are not available.
func Lock(keyFile string, exclusive bool) (release func(), err error) { return func() {}, nil }

// LockRotation is a no-op where advisory file locks are not available.
func LockRotation(keyFile string) (release func(), err error) { return func() {}, nil }

// LockExclusive is a no-op where advisory locks are not available.
func LockExclusive(path string) (release func(), err error) { return func() {}, nil }
