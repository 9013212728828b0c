//go:build unix

package keys

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// ErrLocked is returned when another process holds the lock.
var ErrLocked = errors.New("another custodia process is using this key file; stop the server, or run the command through it with --url")

// Lock takes an advisory lock beside the key file (path + ".lock"): shared
// for servers, so several may run, and exclusive for offline commands that
// change keys or data, which must not run beside a server. It never waits.
func Lock(keyFile string, exclusive bool) (release func(), err error) {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	return flock(keyFile+".lock", how, "lock key file")
}

// LockRotation takes, without waiting, the lock that admits one key
// rotation at a time among the processes sharing keyFile (replicas on one
// host): each rotation adds a version to the key file and retires the
// others, so two at once would each drop the version the other wraps data
// keys under. ErrLocked: another process is rotating.
func LockRotation(keyFile string) (release func(), err error) {
	return flock(keyFile+".rotate", syscall.LOCK_EX, "lock key rotation")
}

// LockExclusive takes, without waiting, an exclusive advisory lock on the
// file at path (created if missing): ErrLocked when another process holds
// it. A server on an SQLite data directory holds one, so that a second
// server cannot open the same database beside it.
func LockExclusive(path string) (release func(), err error) {
	return flock(path, syscall.LOCK_EX, "lock "+path)
}

// flock takes an advisory lock of kind how on the file at path, creating
// it, without waiting: ErrLocked when another process holds it.
func flock(path string, how int, what string) (release func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}
