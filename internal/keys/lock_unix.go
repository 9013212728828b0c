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
	f, err := os.OpenFile(keyFile+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock key file: %w", err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("lock key file: %w", err)
	}
	return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// LockRotation takes, without waiting, the lock that admits one key
// rotation at a time among the processes sharing keyFile (replicas on one
// host): each rotation adds a version to the key file and retires the
// others, so two at once would each drop the version the other wraps data
// keys under. ErrLocked: another process is rotating.
func LockRotation(keyFile string) (release func(), err error) {
	f, err := os.OpenFile(keyFile+".rotate", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock key rotation: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("lock key rotation: %w", err)
	}
	return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}
