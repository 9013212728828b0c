package main

import (
	"context"
	"fmt"
	"path/filepath"

	"custodia/internal/app"
	"custodia/internal/keys"
	"custodia/internal/store"
)

// offline is a key file and database opened directly, without a server.
type offline struct {
	keys   *keys.Keyring
	db     *store.DB
	unlock func()
}

// close closes the database and releases the lock.
func (o *offline) close() {
	o.db.Close()
	o.unlock()
}

// openOffline opens the key file and database directly. Read-only commands
// (audit verify, backup) may run beside a server; the others take the key
// file's exclusive lock, which a running server holds shared, and refuse to
// run beside one.
func openOffline(ctx context.Context, st storageFlags, readOnly bool, tune ...func(*store.Config)) (*offline, error) {
	return openOfflineKeys(ctx, st, readOnly, false, tune...)
}

// openOfflineKeys is openOffline that may create the key file, as a first
// `serve` would (for commands that set a data directory up). Each tune
// may change the store's configuration before it opens.
func openOfflineKeys(ctx context.Context, st storageFlags, readOnly, createKeys bool, tune ...func(*store.Config)) (*offline, error) {
	keyFile := st.keyFile
	if keyFile == "" {
		keyFile = filepath.Join(st.dataDir, "custodia.key")
	}
	kr, created, err := keys.Open(keyFile, createKeys)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", keyFile, err)
	}
	unlock := func() {}
	if !readOnly {
		if unlock, err = keys.Lock(keyFile, true); err != nil {
			return nil, err
		}
	}
	cfg := store.Config{DatabaseURL: st.databaseURL, DataDir: st.dataDir, AuditKey: kr.Derived().AuditChain, ReadOnly: readOnly}
	for _, t := range tune {
		t(&cfg)
	}
	db, err := store.Open(ctx, cfg)
	if err != nil {
		unlock()
		return nil, app.KeyFileRefused(err, keyFile, created)
	}
	if !readOnly {
		if unlock, err = db.LockDatabaseOrClose(ctx, true, unlock); err != nil {
			return nil, err
		}
	}
	o := &offline{keys: kr, db: db, unlock: unlock}
	if !readOnly {
		if err := app.AgreeOnKEK(ctx, kr, db); err != nil {
			o.close()
			return nil, err
		}
	} else if v, ok, err := db.RecordedKEKPrimary(ctx); err != nil || (ok && !kr.HasVersion(v)) {
		// A key file that lacks the database's primary KEK version is
		// another key file, or an old copy: a read-only command must say
		// so, not report what it reads with the wrong keys.
		o.close()
		if err == nil {
			err = fmt.Errorf("key file %s: %w", keyFile, keys.ErrStaleKeyFile)
		}
		return nil, err
	}
	return o, nil
}

// keyCheck identifies a key file in backups without revealing it.
func keyCheck(kr *keys.Keyring) string {
	return fmt.Sprintf("%x", kr.Derived().BlindIndex.MAC([]byte("custodia/backup-key-check"))[:16])
}
