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
