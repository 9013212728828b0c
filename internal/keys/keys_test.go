package keys

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func mustKeyring(t *testing.T) *Keyring {
	t.Helper()
	k, created, err := Open(filepath.Join(t.TempDir(), "custodia.key"), true)
	if err != nil || !created {
		t.Fatalf("open: %v created=%v", err, created)
	}
	return k
}

func TestKeyFileCreatedPrivateAndStable(t *testing.T) {
	k := mustKeyring(t)
	info, err := os.Stat(k.Path())
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v %v", info.Mode(), err)
	}
	again, created, err := Open(k.Path(), true)
	if err != nil || created {
		t.Fatalf("reopen: %v created=%v", err, created)
	}
	if !again.Derived().BlindIndex.Equal(k.Derived().BlindIndex) || again.Primary() != k.Primary() {
		t.Fatal("reopened key file derives other keys")
	}
	if _, _, err := Open(filepath.Join(t.TempDir(), "none.key"), false); !errors.Is(err, ErrNoKeyFile) {
		t.Fatalf("missing key file: %v", err)
	}
}

func TestDerivedKeysAreDistinctAndRedacted(t *testing.T) {
	d := mustKeyring(t).Derived()
	all := []Secret{d.BlindIndex, d.Pseudonym, d.AuditChain, d.Token}
	for i := range all {
		for j := range all {
			if i != j && all[i].Equal(all[j]) {
				t.Fatalf("derived keys %d and %d are equal", i, j)
			}
		}
	}
	if s := fmt.Sprintf("%v %+v %#v", d.Token, d, d.Token); bytes.Contains([]byte(s), d.Token.b) || !bytes.Contains([]byte(s), []byte("REDACTED")) {
		t.Fatalf("secret printed: %s", s)
	}
}

func TestWrapBindsSubject(t *testing.T) {
	k := mustKeyring(t)
	dek, _ := NewDEK()
	v, w, err := k.WrapDEK("sub_a", dek)
	if err != nil || v != k.Primary() {
		t.Fatal(err)
	}
	if got, _ := VersionOf(w); got != v {
		t.Fatalf("VersionOf = %d, want %d", got, v)
	}
	back, err := k.UnwrapDEK("sub_a", w)
	if err != nil || !back.Equal(dek.Secret) {
		t.Fatalf("unwrap: %v", err)
	}
	if _, err := k.UnwrapDEK("sub_b", w); err == nil {
		t.Fatal("a wrapped key moved to another subject unwrapped")
	}
	c, _ := dek.Cipher()
	ct, _ := c.Seal([]byte("secret value"), []byte("ad1"))
	if _, err := c.Open(ct, []byte("ad2")); err == nil {
		t.Fatal("ciphertext opened under other associated data")
	}
	ct2, _ := c.Seal([]byte("secret value"), []byte("ad1"))
	if bytes.Equal(ct, ct2) {
		t.Fatal("two seals of one value are equal: nonce reuse")
	}
}

func TestRotationVersionsAndStaleFiles(t *testing.T) {
	k := mustKeyring(t)
	old := k.Primary()
	dek, _ := NewDEK()
	_, wOld, _ := k.WrapDEK("s", dek)

	// Another process holds a copy of the key file from before rotation.
	stale, _, err := Open(k.Path(), false)
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.key")
	raw, _ := os.ReadFile(k.Path())
	os.WriteFile(copyPath, raw, 0o600)
	frozen, _, _ := Open(copyPath, false)

	v, err := k.AddVersion()
	if err != nil || v == old || k.Primary() != v || !k.HasVersion(old) {
		t.Fatalf("add version: %v", err)
	}
	// The process sharing the key file follows: it reloads on demand.
	if _, _, err := stale.WrapDEKAs("s2", dek, v); err != nil || stale.Primary() != v {
		t.Fatalf("shared key file not picked up: %v", err)
	}
	// The process with a frozen copy refuses to wrap under an old version.
	if _, _, err := frozen.WrapDEKAs("s3", dek, v); !errors.Is(err, ErrStaleKeyFile) {
		t.Fatalf("stale key file wrapped: %v", err)
	}
	// Old ciphertexts unwrap until the old version is retired.
	if _, err := k.UnwrapDEK("s", wOld); err != nil {
		t.Fatal(err)
	}
	retired, err := k.Retire(v)
	if err != nil || len(retired) != 1 || retired[0] != old || k.HasVersion(old) {
		t.Fatalf("retire: %v %v", retired, err)
	}
	if _, err := k.UnwrapDEK("s", wOld); err == nil {
		t.Fatal("a key wrapped under a retired version still unwraps")
	}
	if _, err := k.Retire(old); err == nil {
		t.Fatal("retired around a non-primary version")
	}
}

func TestLockExcludesOfflineCommandsBesideServers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "custodia.key")
	server1, err := Lock(path, false)
	if err != nil {
		t.Fatal(err)
	}
	server2, err := Lock(path, false)
	if err != nil {
		t.Fatalf("two servers must share the lock: %v", err)
	}
	if _, err := Lock(path, true); !errors.Is(err, ErrLocked) {
		t.Fatalf("offline command beside a server: %v", err)
	}
	server1()
	server2()
	offline, err := Lock(path, true)
	if err != nil {
		t.Fatalf("offline command alone: %v", err)
	}
	if _, err := Lock(path, false); !errors.Is(err, ErrLocked) {
		t.Fatalf("server beside an offline command: %v", err)
	}
	offline()
}
