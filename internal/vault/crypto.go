package vault

import (
	"context"
	"errors"

	"custodia/internal/apperr"
	"custodia/internal/keys"
)

// subjectCipher returns the field cipher of an existing subject, unwrapping
// its DEK when it is not cached.
// errStaleKeyFile answers a call that needs a KEK version this server's
// key file does not have (another replica rotated, and this one was not
// given the new key file): the server is unavailable, not broken.
var errStaleKeyFile = apperr.New(apperr.Unavailable, "stale_key_file", "this server's key file is older than the database's key version; give every server the current key file")

func (s *Service) subjectCipher(subjectID string, wrapped []byte) (*keys.FieldCipher, error) {
	if c, ok := s.ciphers.get(subjectID); ok {
		return c, nil
	}
	dek, err := s.keyring.UnwrapDEK(subjectID, wrapped)
	if errors.Is(err, keys.ErrStaleKeyFile) {
		return nil, errStaleKeyFile
	}
	if err != nil {
		return nil, apperr.Wrap(err, "unwrap subject key")
	}
	c, err := dek.Cipher()
	if err != nil {
		return nil, apperr.Wrap(err, "subject cipher")
	}
	s.ciphers.put(subjectID, c)
	return c, nil
}

// cipherFor loads and unwraps an existing subject's key.
func (s *Service) cipherFor(ctx context.Context, subjectID string) (*keys.FieldCipher, error) {
	if c, ok := s.ciphers.get(subjectID); ok {
		return c, nil
	}
	w, err := s.store.SubjectKey(ctx, subjectID)
	if err != nil {
		return nil, err
	}
	return s.subjectCipher(subjectID, w)
}

// blindIndex is the keyed MAC of a normalised value, scoped to its
// collection and field so equal values elsewhere do not link.
func (s *Service) blindIndex(collection, field, normalized string) []byte {
	return s.index.MAC([]byte("idx"), []byte(collection), []byte(field), []byte(normalized))
}

// seal encrypts normalised values and builds index entries.
func (s *Service) seal(c *Collection, recordID string, fc *keys.FieldCipher, values map[string]string) ([]byte, []IndexEntry, error) {
	sealed := make(map[string][]byte, len(values))
	var idx []IndexEntry
	for name, v := range values {
		f, _ := c.Field(name)
		ct, err := fc.Seal([]byte(v), fieldAD(c.Name, recordID, name))
		if err != nil {
			return nil, nil, apperr.Wrap(err, "seal field")
		}
		sealed[name] = ct
		if f.Lookup() {
			idx = append(idx, IndexEntry{Field: name, MAC: s.blindIndex(c.Name, name, v), Unique: f.Unique})
		}
	}
	return encodeSealed(sealed), idx, nil
}

// open decrypts a stored record's fields into normalised strings.
func (s *Service) open(c *Collection, r StoredRecord) (map[string]string, error) {
	fc, err := s.subjectCipher(r.SubjectID, r.WrappedDEK)
	if err != nil {
		return nil, err
	}
	sealed, err := decodeSealed(r.Sealed)
	if err != nil {
		return nil, apperr.Wrap(err, "decode record")
	}
	out := make(map[string]string, len(sealed))
	for name, ct := range sealed {
		pt, err := fc.Open(ct, fieldAD(c.Name, r.ID, name))
		if err != nil {
			return nil, apperr.Wrap(err, "open field")
		}
		out[name] = string(pt)
	}
	return out, nil
}
