package keys

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"
)

// keyFileFormat names the on-disk layout so later versions can migrate it.
const keyFileFormat = "custodia-keyfile/1"

// keyFile is the JSON layout of the key file. It holds the cleartext KEK
// keyset, so the file is created with mode 0600 and must be protected like
// any master key; a KMS-backed KEK keeps it out of the file altogether.
type keyFile struct {
	Format     string          `json:"format"`
	CreatedAt  time.Time       `json:"created_at"`
	RootSecret string          `json:"root_secret"` // base64; the HKDF root for derived keys
	KEK        json.RawMessage `json:"kek"`         // Tink keyset, JSON
}

// ErrNoKeyFile is returned by Load when the key file does not exist.
var ErrNoKeyFile = errors.New("key file does not exist")

func newKeyFile() (*keyFile, *keyset.Handle, error) {
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return nil, nil, fmt.Errorf("new KEK keyset: %w", err)
	}
	root, err := NewRandomSecret(32)
	if err != nil {
		return nil, nil, err
	}
	kf := &keyFile{Format: keyFileFormat, CreatedAt: time.Now().UTC(), RootSecret: base64.StdEncoding.EncodeToString(root.b)}
	return kf, h, nil
}

func readKeyFile(path string) (*keyFile, *keyset.Handle, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, ErrNoKeyFile
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read key file: %w", err)
	}
	var kf keyFile
	if err := json.Unmarshal(raw, &kf); err != nil {
		return nil, nil, fmt.Errorf("parse key file %s: not valid JSON", path)
	}
	if kf.Format != keyFileFormat {
		return nil, nil, fmt.Errorf("parse key file %s: unknown format %q", path, kf.Format)
	}
	h, err := insecurecleartextkeyset.Read(keyset.NewJSONReader(bytes.NewReader(kf.KEK)))
	if err != nil {
		return nil, nil, fmt.Errorf("parse key file %s: KEK keyset: %w", path, err)
	}
	return &kf, h, nil
}

// writeKeyFile replaces the key file atomically: a temporary file in the same
// directory, fsync, rename, fsync of the directory.
func writeKeyFile(path string, kf *keyFile, h *keyset.Handle) error {
	var ks bytes.Buffer
	if err := insecurecleartextkeyset.Write(h, keyset.NewJSONWriter(&ks)); err != nil {
		return fmt.Errorf("encode KEK keyset: %w", err)
	}
	kf.KEK = json.RawMessage(ks.Bytes())
	data, err := json.MarshalIndent(kf, "", "  ")
	if err != nil {
		return fmt.Errorf("encode key file: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create key directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".custodia-key-*")
	if err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write key file: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("install key file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
