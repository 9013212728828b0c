package keys

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"
	tinkpb "github.com/tink-crypto/tink-go/v2/proto/tink_go_proto"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// Keyring holds the KEK versions and the derived keys. It is safe for
// concurrent use. All methods that change the KEK persist the key file
// before they return.
type Keyring struct {
	path    string
	derived DerivedKeys

	mu      sync.RWMutex
	file    *keyFile
	handle  *keyset.Handle
	kek     tink.AEAD
	primary uint32
}

// VersionInfo describes one KEK version.
type VersionInfo struct {
	Version uint32 `json:"version"`
	Primary bool   `json:"primary"`
	Status  string `json:"status"`
}

// Open loads the key file at path, creating it (mode 0600) when it does not
// exist and create is true. It reports whether the file was created.
func Open(path string, create bool) (*Keyring, bool, error) {
	kf, h, err := readKeyFile(path)
	created := false
	if errors.Is(err, ErrNoKeyFile) && create {
		if kf, h, err = newKeyFile(); err != nil {
			return nil, false, err
		}
		if err = writeKeyFile(path, kf, h); err != nil {
			return nil, false, err
		}
		created = true
	}
	if err != nil {
		return nil, false, err
	}
	rootBytes, err := base64.StdEncoding.DecodeString(kf.RootSecret)
	if err != nil || len(rootBytes) < 32 {
		return nil, false, fmt.Errorf("parse key file %s: bad root secret", path)
	}
	derived, err := deriveAll(Secret{b: rootBytes})
	if err != nil {
		return nil, false, err
	}
	k := &Keyring{path: path, derived: derived}
	if err := k.install(kf, h); err != nil {
		return nil, false, err
	}
	return k, created, nil
}

// install makes (kf, h) the current KEK state. Callers hold mu or own k.
func (k *Keyring) install(kf *keyFile, h *keyset.Handle) error {
	a, err := aead.New(h)
	if err != nil {
		return fmt.Errorf("KEK primitive: %w", err)
	}
	k.file, k.handle, k.kek, k.primary = kf, h, a, h.KeysetInfo().GetPrimaryKeyId()
	return nil
}

// Derived returns the derived keys.
func (k *Keyring) Derived() DerivedKeys { return k.derived }

// Path returns the key file's path.
func (k *Keyring) Path() string { return k.path }

// Primary returns the KEK version new DEKs are wrapped with.
func (k *Keyring) Primary() uint32 {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.primary
}

// HasVersion reports whether the keyset holds KEK version v.
func (k *Keyring) HasVersion(v uint32) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	for _, ki := range k.handle.KeysetInfo().GetKeyInfo() {
		if ki.GetKeyId() == v {
			return true
		}
	}
	return false
}

// Versions lists the KEK versions in the keyset.
func (k *Keyring) Versions() []VersionInfo {
	k.mu.RLock()
	defer k.mu.RUnlock()
	info := k.handle.KeysetInfo()
	out := make([]VersionInfo, 0, len(info.GetKeyInfo()))
	for _, ki := range info.GetKeyInfo() {
		out = append(out, VersionInfo{Version: ki.GetKeyId(), Primary: ki.GetKeyId() == info.GetPrimaryKeyId(), Status: ki.GetStatus().String()})
	}
	return out
}

// dekAD binds a wrapped DEK to its subject so it cannot be moved to another.
func dekAD(subjectID string) []byte { return []byte("custodia/dek/v1|" + subjectID) }

// WrapDEK encrypts dek for subjectID under the primary KEK version and
// returns that version with the wrapped key.
func (k *Keyring) WrapDEK(subjectID string, dek DEK) (uint32, []byte, error) {
	k.mu.RLock()
	kek, primary := k.kek, k.primary
	k.mu.RUnlock()
	w, err := kek.Encrypt(dek.b, dekAD(subjectID))
	if err != nil {
		return 0, nil, fmt.Errorf("wrap data key: %w", err)
	}
	return primary, w, nil
}

// ErrStaleKeyFile is returned when the database names a primary KEK version
// that this process's key file does not have.
var ErrStaleKeyFile = errors.New("the key file lacks the database's primary KEK version; every process must use the same, current key file")

// WrapDEKAs wraps dek under KEK version primary, the one the database
// records. If this process's primary differs (another process rotated), it
// re-reads the key file first; if that does not help, it refuses rather
// than wrap under a version that may be retired.
func (k *Keyring) WrapDEKAs(subjectID string, dek DEK, primary uint32) (uint32, []byte, error) {
	if k.Primary() != primary {
		if err := k.Reload(); err != nil {
			return 0, nil, err
		}
		if k.Primary() != primary {
			return 0, nil, ErrStaleKeyFile
		}
	}
	return k.WrapDEK(subjectID, dek)
}

// UnwrapDEK decrypts a wrapped DEK. When the ciphertext names a KEK version
// this process does not know (another process rotated the key file), it
// reloads the key file once and retries.
func (k *Keyring) UnwrapDEK(subjectID string, wrapped []byte) (DEK, error) {
	k.mu.RLock()
	kek := k.kek
	known := k.knowsVersion(wrapped)
	k.mu.RUnlock()
	if !known {
		if err := k.Reload(); err != nil {
			return DEK{}, err
		}
		k.mu.RLock()
		kek = k.kek
		known = k.knowsVersion(wrapped)
		k.mu.RUnlock()
		if !known {
			return DEK{}, fmt.Errorf("unwrap data key: %w", ErrStaleKeyFile)
		}
	}
	b, err := kek.Decrypt(wrapped, dekAD(subjectID))
	if err != nil {
		return DEK{}, fmt.Errorf("unwrap data key: %w", err)
	}
	if len(b) != dekSize {
		return DEK{}, fmt.Errorf("unwrap data key: wrong length")
	}
	return DEK{Secret{b: b}}, nil
}

// VersionOf returns the KEK version that wrapped a DEK (Tink's key prefix).
func VersionOf(wrapped []byte) (uint32, bool) {
	if len(wrapped) < 5 || wrapped[0] != 1 {
		return 0, false
	}
	return binary.BigEndian.Uint32(wrapped[1:5]), true
}

func (k *Keyring) knowsVersion(wrapped []byte) bool {
	v, ok := VersionOf(wrapped)
	if !ok {
		return true // let Decrypt report it
	}
	for _, ki := range k.handle.KeysetInfo().GetKeyInfo() {
		if ki.GetKeyId() == v && ki.GetStatus() == tinkpb.KeyStatusType_ENABLED {
			return true
		}
	}
	return false
}

// Reload re-reads the key file, picking up versions added by another process.
func (k *Keyring) Reload() error {
	kf, h, err := readKeyFile(k.path)
	if err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if kf.RootSecret != k.file.RootSecret {
		return fmt.Errorf("reload key file %s: root secret changed; refusing", k.path)
	}
	return k.install(kf, h)
}

// AddVersion adds a new KEK version, makes it primary and persists the key
// file. DEKs wrapped under older versions still unwrap until Retire.
func (k *Keyring) AddVersion() (uint32, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	m := keyset.NewManagerFromHandle(k.handle)
	id, err := m.Add(aead.AES256GCMKeyTemplate())
	if err != nil {
		return 0, fmt.Errorf("add KEK version: %w", err)
	}
	if err := m.SetPrimary(id); err != nil {
		return 0, fmt.Errorf("set primary KEK: %w", err)
	}
	return id, k.commit(m)
}

// Retire deletes every KEK version other than keep from the keyset and
// persists the key file. Call it only once no DEK is wrapped by them.
func (k *Keyring) Retire(keep uint32) ([]uint32, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if keep != k.primary {
		return nil, fmt.Errorf("retire KEK versions: %d is not the primary version", keep)
	}
	m := keyset.NewManagerFromHandle(k.handle)
	var retired []uint32
	for _, ki := range k.handle.KeysetInfo().GetKeyInfo() {
		if id := ki.GetKeyId(); id != keep {
			if err := m.Delete(id); err != nil {
				return nil, fmt.Errorf("retire KEK version %d: %w", id, err)
			}
			retired = append(retired, id)
		}
	}
	if len(retired) == 0 {
		return nil, nil
	}
	return retired, k.commit(m)
}

func (k *Keyring) commit(m *keyset.Manager) error {
	h, err := m.Handle()
	if err != nil {
		return fmt.Errorf("KEK keyset: %w", err)
	}
	kf := *k.file
	if err := writeKeyFile(k.path, &kf, h); err != nil {
		return err
	}
	return k.install(&kf, h)
}

// CreatedAt returns when the key file was first created.
func (k *Keyring) CreatedAt() time.Time {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.file.CreatedAt
}
