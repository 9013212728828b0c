package password

import (
	"errors"
	"fmt"
)

// Params are the argon2id cost parameters and the salt and key lengths.
type Params struct {
	Memory  uint32 // memory in KiB
	Time    uint32 // number of passes over the memory
	Threads uint8  // degree of parallelism (lanes)
	SaltLen uint32 // salt length in bytes
	KeyLen  uint32 // derived key length in bytes
}

// Default is the OWASP Password Storage Cheat Sheet minimum configuration
// for argon2id: 19 MiB of memory, 2 iterations and 1 degree of parallelism,
// with a 16-byte salt and a 32-byte key.
var Default = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Bounds accepted by [Params.Hash] and [Verify]. A stored hash outside them
// is rejected as malformed rather than computed, so a corrupted or tampered
// row cannot make a login allocate unbounded memory or run unbounded time.
const (
	minMemory  = 8       // KiB; argon2 also needs at least 8 KiB per thread
	maxMemory  = 1 << 22 // KiB (4 GiB)
	minTime    = 1
	maxTime    = 20
	minThreads = 1
	maxThreads = 16
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

// ErrInvalidParams is returned by [Params.Hash] for parameters outside the
// accepted bounds.
var ErrInvalidParams = errors.New("password: invalid argon2id parameters")

// check reports the first parameter that is out of bounds, as an error that
// wraps base.
func (p Params) check(base error) error {
	switch {
	case p.Memory < minMemory || p.Memory > maxMemory:
		return fmt.Errorf("%w: memory must be %d..%d KiB", base, minMemory, maxMemory)
	case p.Time < minTime || p.Time > maxTime:
		return fmt.Errorf("%w: time must be %d..%d", base, minTime, maxTime)
	case p.Threads < minThreads || p.Threads > maxThreads:
		return fmt.Errorf("%w: threads must be %d..%d", base, minThreads, maxThreads)
	case p.Memory < 8*uint32(p.Threads):
		return fmt.Errorf("%w: memory must be at least 8 KiB per thread", base)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("%w: salt length must be %d..%d bytes", base, minSaltLen, maxSaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("%w: key length must be %d..%d bytes", base, minKeyLen, maxKeyLen)
	}
	return nil
}
