package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
)

// walSyncer makes a committed SQLite batch durable by syncing the
// write-ahead logs itself, both files at once.
//
// A batch that creates people writes two databases, the data and the key
// store (keystore.go). With synchronous=FULL SQLite commits them one after
// the other, each with its own fsync, and the writer waits for both in
// turn. Instead the writer's connection commits with synchronous=NORMAL
// (frames written to each WAL, no sync at commit; checkpoints and WAL
// header rewrites are still synced) and the writer then syncs the two WAL
// files in parallel before it acknowledges the batch. A batch is therefore
// as durable as under FULL when its callers hear of it; the two syncs cost
// the longer of them instead of their sum.
//
// The order between the two files is no weaker than before: under FULL the
// data's WAL was synced first and a crash before the key store's sync left
// subjects without keys, which Open's reconciliation reports; the same
// holds here.
//
// A batch that did not write the key store (a read's audit entry, most
// changes) syncs only the data's WAL. Tx marks a batch that did: every
// statement on the key store names its schema (custodia_keys), as SQL on
// an attached database must to be unambiguous.
type walSyncer struct {
	files []*walFile // the data's, then the key store's
}

// walFile is one write-ahead log, kept open for syncing.
type walFile struct {
	path string
	f    *os.File
	info os.FileInfo
}

// openWALSyncer opens the WAL files of the given database files. It fails
// when one cannot be opened; the caller then keeps synchronous=FULL.
func openWALSyncer(dbPaths ...string) (*walSyncer, error) {
	s := &walSyncer{}
	for _, p := range dbPaths {
		wf := &walFile{path: p + "-wal"}
		if err := wf.open(); err != nil {
			s.close()
			return nil, err
		}
		s.files = append(s.files, wf)
	}
	return s, nil
}

func (wf *walFile) open() error {
	f, err := os.OpenFile(wf.path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("open write-ahead log: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("stat write-ahead log: %w", err)
	}
	wf.f, wf.info = f, info
	return nil
}

// sync makes everything written to the WAL file so far durable. SQLite
// keeps a WAL file while any connection is open and reuses it in place; if
// it was replaced all the same, the new file is opened and synced. A
// missing file has nothing to sync: SQLite removes the WAL only after a
// checkpoint it synced.
func (wf *walFile) sync() error {
	cur, err := os.Stat(wf.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("stat write-ahead log: %w", err)
	case !os.SameFile(cur, wf.info):
		wf.f.Close()
		if err := wf.open(); err != nil {
			return err
		}
	}
	if err := datasync(wf.f); err != nil {
		return fmt.Errorf("sync write-ahead log %s: %w", wf.path, err)
	}
	return nil
}

// sync syncs the data's WAL file and, when the batch wrote to the key
// store, the key store's, in parallel, and returns when both are done.
func (s *walSyncer) sync(keyStore bool) error {
	if !keyStore {
		return s.files[0].sync()
	}
	var keysErr error
	var wg sync.WaitGroup
	wg.Go(func() { keysErr = s.files[1].sync() })
	err := s.files[0].sync()
	wg.Wait()
	return errors.Join(err, keysErr)
}

func (s *walSyncer) close() {
	for _, wf := range s.files {
		if wf.f != nil {
			wf.f.Close()
		}
	}
}

// useWALSyncer switches the SQLite writer to syncing its WAL files itself.
// On any failure it leaves synchronous=FULL, which is slower but as safe.
func (db *DB) useWALSyncer(ctx context.Context) *walSyncer {
	if db.engine != SQLite || db.path == "" {
		return nil
	}
	s, err := openWALSyncer(db.path, keyStorePath(filepath.Dir(db.path)))
	if err != nil {
		slog.Debug("write-ahead log syncing left to SQLite", "err", err)
		return nil
	}
	// Both pragmas on the writer's only connection. If that connection is
	// ever replaced, the new one opens with synchronous=FULL from its DSN:
	// it then syncs twice, never less.
	for _, p := range []string{"PRAGMA synchronous=NORMAL", "PRAGMA " + keyStoreSchema + ".synchronous=NORMAL"} {
		if _, err := db.write.ExecContext(ctx, p); err != nil {
			slog.Debug("write-ahead log syncing left to SQLite", "err", err)
			// Restore FULL on the main file if the second pragma failed.
			_, _ = db.write.ExecContext(ctx, "PRAGMA synchronous=FULL")
			s.close()
			return nil
		}
	}
	return s
}
