package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"custodia/internal/apperr"
	"custodia/internal/keys"
)

// keyStatus reports the KEK versions and how many data keys each wraps.
// The key file is read again first: another replica's rotation may have
// added and retired versions since this one last read it.
func (s *Server) keyStatus(w http.ResponseWriter, r *http.Request) error {
	if err := s.keyring.Reload(); err != nil {
		slog.Warn("key status: could not re-read the key file; showing what this process holds", "err", err)
	}
	counts, err := s.db.KeyVersionCounts(r.Context())
	if err != nil {
		return err
	}
	byVersion := map[uint32]int64{}
	for v, n := range counts {
		byVersion[v] = n
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"primary":              s.keyring.Primary(),
		"versions":             s.keyring.Versions(),
		"data_keys_by_version": byVersion,
	})
	return nil
}

// rotationLockKey is the PostgreSQL advisory lock of key rotation.
const rotationLockKey = 0x637573746f6b // "custok"

// rotateKeys rotates the KEK: one rotation at a time in this process, among
// the processes sharing the key file (a file lock), and among the replicas
// sharing the database (an advisory lock on PostgreSQL). Two at once would
// each write the key file with its own new version, so one replica's data
// keys would end up wrapped under a version the file no longer holds. The
// key file is read again first, for what earlier rotations on other
// replicas changed.
func (s *Server) rotateKeys(w http.ResponseWriter, r *http.Request) error {
	busy := apperr.New(apperr.Conflict, "rotation_in_progress", "a key rotation is already running")
	if !s.rotating.TryLock() {
		return busy
	}
	defer s.rotating.Unlock()
	release, err := keys.LockRotation(s.keyring.Path())
	if errors.Is(err, keys.ErrLocked) {
		return busy
	}
	if err != nil {
		return apperr.Wrap(err, "rotate keys")
	}
	defer release()
	var res keys.RotationResult
	ran, err := s.db.TryExclusive(r.Context(), rotationLockKey, func(ctx context.Context) error {
		if err := s.keyring.Reload(); err != nil {
			return err
		}
		e := recorder(r).Snapshot()
		var rerr error
		res, rerr = keys.Rotate(ctx, s.keyring, s.db, e)
		recorder(r).Committed(e)
		return rerr
	})
	if err == nil && !ran {
		return busy
	}
	if err != nil {
		if _, typed := apperr.As(err); typed {
			return err
		}
		return apperr.Wrap(err, "rotate keys")
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
