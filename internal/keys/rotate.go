package keys

import (
	"context"
	"fmt"

	"custodia/internal/audit"
)

// RotationStore is the storage key rotation needs.
type RotationStore interface {
	// Barrier runs fn ordered with all writes: writes before it finished,
	// writes after it start after fn returns.
	Barrier(ctx context.Context, fn func() error, e *audit.Entry) error
	// SwitchPrimary runs add alone in the writer and records the version it
	// returns as the database's primary, in one transaction.
	SwitchPrimary(ctx context.Context, add func() (uint32, error), e *audit.Entry) (uint32, error)
	// RewrapKeys re-wraps up to limit data keys not wrapped by primary.
	RewrapKeys(ctx context.Context, primary uint32, limit int, rewrap func(subjectID string, wrapped []byte) (uint32, []byte, error)) (int, error)
	KeyVersionCounts(ctx context.Context) (map[uint32]int64, error)
}

// RotationResult reports a rotation.
type RotationResult struct {
	NewVersion uint32   `json:"new_version"`
	Rewrapped  int64    `json:"rewrapped"`
	Retired    []uint32 `json:"retired"`
}

// Rotate adds a KEK version, re-wraps every data key under it in batches
// while the server keeps serving, then retires the old versions. entry, if
// not nil, is the audit entry of the switch.
func Rotate(ctx context.Context, k *Keyring, st RotationStore, entry *audit.Entry) (RotationResult, error) {
	var res RotationResult
	// Switch the primary inside the writer, and in the database, so every
	// key wrapped after the switch (by any process) uses the new version
	// and none wrapped before is missed.
	v, err := st.SwitchPrimary(ctx, k.AddVersion, entry)
	if err != nil {
		return res, fmt.Errorf("add KEK version: %w", err)
	}
	res.NewVersion = v
	rewrap := func(subjectID string, wrapped []byte) (uint32, []byte, error) {
		dek, err := k.UnwrapDEK(subjectID, wrapped)
		if err != nil {
			return 0, nil, err
		}
		return k.WrapDEK(subjectID, dek)
	}
	for {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		n, err := st.RewrapKeys(ctx, res.NewVersion, 500, rewrap)
		if err != nil {
			return res, fmt.Errorf("re-wrap data keys: %w", err)
		}
		res.Rewrapped += int64(n)
		if n == 0 {
			break
		}
	}
	// Retire inside the writer too, after checking no key still needs an
	// old version; a concurrent rotation that switched again makes this
	// one retire nothing.
	err = st.Barrier(ctx, func() error {
		counts, err := st.KeyVersionCounts(ctx)
		if err != nil {
			return err
		}
		for v, n := range counts {
			if v != res.NewVersion && n > 0 {
				return fmt.Errorf("%d data keys still use KEK version %d", n, v)
			}
		}
		if k.Primary() != res.NewVersion {
			return nil
		}
		res.Retired, err = k.Retire(res.NewVersion)
		return err
	}, nil)
	if err != nil {
		return res, fmt.Errorf("retire old KEK versions: %w", err)
	}
	return res, nil
}
