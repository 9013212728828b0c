package password

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrMalformedHash is wrapped by every error [Verify] returns for a string
// that is not a well-formed argon2id PHC hash within the accepted bounds.
var ErrMalformedHash = errors.New("password: malformed hash")

// b64 is the PHC base64 flavour: standard alphabet, no padding, and no
// non-zero trailing bits, so that each byte string has exactly one encoding.
var b64 = base64.RawStdEncoding.Strict()

// maxEncodedLen bounds the length of a PHC string before any parsing; the
// longest string within bounds is about 210 bytes.
const maxEncodedLen = 256

// hashPrefix is the algorithm and version part of every string we accept.
const hashPrefix = "$argon2id$v=19$"

// decoded is a parsed PHC string.
type decoded struct {
	params Params
	salt   []byte
	key    []byte
}

// encode returns the PHC string for params, salt and key. SaltLen and
// KeyLen are taken from the slices.
func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("%sm=%d,t=%d,p=%d$%s$%s", hashPrefix, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// malformed returns an error wrapping ErrMalformedHash. The reason must
// never include the input string.
func malformed(reason string) error {
	return fmt.Errorf("%w: %s", ErrMalformedHash, reason)
}

// parse strictly parses an argon2id PHC string: the algorithm must be
// argon2id, the version 19, the parameters exactly m, t and p in that order
// as canonical decimals, salt and key canonical unpadded base64, and every
// value within bounds. It never panics.
func parse(s string) (decoded, error) {
	var d decoded
	if len(s) > maxEncodedLen {
		return d, malformed("too long")
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return d, malformed("not a PHC string of five fields")
	}
	if parts[1] != "argon2id" {
		return d, malformed("algorithm is not argon2id")
	}
	if parts[2] != "v=19" {
		return d, malformed("version is not v=19")
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return d, malformed("parameters are not exactly m, t and p")
	}
	m, err := param(kv[0], "m=")
	if err != nil {
		return d, err
	}
	t, err := param(kv[1], "t=")
	if err != nil {
		return d, err
	}
	p, err := param(kv[2], "p=")
	if err != nil {
		return d, err
	}
	if p > maxThreads { // also keeps the uint8 conversion below exact
		return d, malformed("parallelism out of range")
	}
	d.salt, err = decodeB64(parts[4], "salt")
	if err != nil {
		return d, err
	}
	d.key, err = decodeB64(parts[5], "key")
	if err != nil {
		return d, err
	}
	d.params = Params{
		Memory:  m,
		Time:    t,
		Threads: uint8(p),
		SaltLen: uint32(len(d.salt)),
		KeyLen:  uint32(len(d.key)),
	}
	if err := d.params.check(ErrMalformedHash); err != nil {
		return decoded{}, err
	}
	return d, nil
}

// param parses "<name>=<canonical decimal uint32>".
func param(s, name string) (uint32, error) {
	v, ok := strings.CutPrefix(s, name)
	if !ok {
		return 0, malformed("parameters are not exactly m, t and p")
	}
	if v == "" || len(v) > 10 || (len(v) > 1 && v[0] == '0') {
		return 0, malformed("parameter " + name[:1] + " is not a canonical decimal")
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, malformed("parameter " + name[:1] + " is not a canonical decimal")
		}
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return 0, malformed("parameter " + name[:1] + " out of range")
	}
	return uint32(n), nil
}

// decodeB64 decodes a canonical unpadded standard base64 field. The
// alphabet is checked first because the decoder skips CR and LF.
func decodeB64(s, what string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return nil, malformed(what + " is not unpadded standard base64")
		}
	}
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, malformed(what + " is not canonical unpadded standard base64")
	}
	return b, nil
}
