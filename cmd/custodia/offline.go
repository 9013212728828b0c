package main

import (
	"context"
	"fmt"

	"custodia/internal/keys"
	"custodia/internal/store"
)

// openOffline opens the key file and database directly, for commands that
// work without a running server (or beside one).
func openOffline(ctx context.Context, st storageFlags, readOnly bool) (*keys.Keyring, *store.DB, error) {
	cfgKey := st.keyFile
	if cfgKey == "" {
		cfgKey = st.dataDir + "/custodia.key"
	}
	kr, _, err := keys.Open(cfgKey, false)
	if err != nil {
		return nil, nil, fmt.Errorf("key file %s: %w", cfgKey, err)
	}
	db, err := store.Open(ctx, store.Config{DatabaseURL: st.databaseURL, DataDir: st.dataDir, AuditKey: kr.Derived().AuditChain, ReadOnly: readOnly})
	if err != nil {
		return nil, nil, fmt.Errorf("database: %w", err)
	}
	return kr, db, nil
}

// keyCheck identifies a key file in backups without revealing it.
func keyCheck(kr *keys.Keyring) string {
	return fmt.Sprintf("%x", kr.Derived().BlindIndex.MAC([]byte("custodia/backup-key-check"))[:16])
}
