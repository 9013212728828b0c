package audit

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

type testKey []byte

func (k testKey) MAC(parts ...[]byte) []byte {
	out := append([]byte{}, k...)
	for _, p := range parts {
		out = append(out, byte(len(p)))
		out = append(out, p...)
	}
	// A toy MAC for unit tests of the chain's shape; production uses HMAC.
	sum := [32]byte{}
	for i, b := range out {
		sum[i%32] ^= b + byte(i)
	}
	return sum[:]
}

func TestSealChainsAndDetectsChange(t *testing.T) {
	k := testKey("k")
	a := Entry{At: time.Unix(1, 0), Actor: "token:x", Action: "record.read", Outcome: OutcomeOK, Status: 200}
	a.Seal(k, 1, GenesisHash)
	b := Entry{At: time.Unix(2, 0), Actor: "token:x", Action: "record.create", Outcome: OutcomeOK, Status: 201}
	b.Seal(k, 2, a.Hash)
	if string(b.PrevHash) != string(a.Hash) {
		t.Fatal("entry 2 does not link to entry 1")
	}
	before := string(b.Hash)
	b.Purpose = "marketing"
	if string(b.digest(k)) == before {
		t.Fatal("changing a field did not change the digest")
	}
}

func TestEntryJSONUsesHex(t *testing.T) {
	e := Entry{Seq: 3, Actor: "token:x", PrevHash: []byte{0xab, 0xcd}, Hash: []byte{0x01}}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"prev_hash":"abcd"`) || !strings.Contains(string(b), `"hash":"01"`) || !strings.Contains(string(b), `"seq":3`) {
		t.Fatalf("json: %s", b)
	}
}

func TestPseudonymStableAndKeyed(t *testing.T) {
	p1, p2 := NewPseudonymizer(testKey("one")), NewPseudonymizer(testKey("two"))
	first, again := p1.Of("sub_a"), NewPseudonymizer(testKey("one")).Of("sub_a")
	if first != again || first == p1.Of("sub_b") || first == p2.Of("sub_a") {
		t.Fatal("pseudonyms must be stable per key and differ across subjects and keys")
	}
	if strings.Contains(p1.Of("sub_a"), "sub_a") || p1.Of("") != "" {
		t.Fatal("pseudonym leaks the id")
	}
}

func TestOutcomeFor(t *testing.T) {
	for status, want := range map[int]string{200: OutcomeOK, 201: OutcomeOK, 204: OutcomeOK, 400: OutcomeInvalid, 404: OutcomeInvalid,
		409: OutcomeInvalid, 422: OutcomeInvalid, 401: OutcomeDenied, 403: OutcomeDenied, 429: OutcomeDenied, 500: OutcomeError, 503: OutcomeError} {
		if got := OutcomeFor(status); got != want {
			t.Errorf("OutcomeFor(%d) = %s, want %s", status, got, want)
		}
	}
}

// TestSealCleansText: an entry's text fields become valid UTF-8 without
// NUL before it is hashed and stored, so the stored entry verifies and no
// engine refuses it.
func TestSealCleansText(t *testing.T) {
	e := Entry{At: time.Unix(1, 0), Actor: "token:x", Action: "record.read", RecordID: "\xff\x00id", Purpose: "mar\x00keting", Status: 404}
	e.Seal(testKey("k"), 1, GenesisHash)
	for _, f := range []string{e.RecordID, e.Purpose} {
		if !utf8.ValidString(f) || strings.IndexByte(f, 0) >= 0 {
			t.Errorf("field %q was stored as sent", f)
		}
	}
	if e.RecordID != "\uFFFD\uFFFDid" || string(e.Hash) != string(e.digest(testKey("k"))) {
		t.Errorf("record id %q; the hash is not of the cleaned entry", e.RecordID)
	}
}

// TestSealKeepsNoFreeTextPurpose: a purpose refused as unknown is recorded
// as "(unknown)", whatever the caller sent (an e-mail address: personal
// data in an append-only log), and names from a call are bounded.
func TestSealKeepsNoFreeTextPurpose(t *testing.T) {
	e := Entry{At: time.Unix(1, 0), Action: "record.list", Purpose: "Canary.Person@example.com", Detail: "unknown_purpose", Status: 400}
	e.Seal(testKey("k"), 1, GenesisHash)
	if e.Purpose != UnknownPurpose {
		t.Errorf("unknown purpose recorded as %q", e.Purpose)
	}
	long := Entry{At: time.Unix(1, 0), Action: "record.get", Collection: strings.Repeat("q", 60000), Status: 404}
	long.Seal(testKey("k"), 2, GenesisHash)
	if len(long.Collection) > maxNameField+len("…") {
		t.Errorf("collection of %d bytes recorded", len(long.Collection))
	}
	ok := Entry{At: time.Unix(1, 0), Action: "record.read", Purpose: "support", Status: 200}
	ok.Seal(testKey("k"), 3, GenesisHash)
	if ok.Purpose != "support" {
		t.Errorf("a registered purpose changed: %q", ok.Purpose)
	}
}

// TestSafeRecordID: ids, names and job keys pass; what a caller typed
// where an id belongs (an address, a phone number, a name) does not reach
// the append-only log.
func TestSafeRecordID(t *testing.T) {
	for _, ok := range []string{"", "rec_0cr6m8k1ab2cd3ef4gh5ij6kl7", "req_nP2ev7Gl3VvKiVfA", "usr_OsT_EW2X-qNev_Cv", "sys_vault", "support", "direct.marketing", "Q4-import.2026:v1"} {
		if got := SafeRecordID(ok); got != ok {
			t.Errorf("%q became %q", ok, got)
		}
	}
	for _, bad := range []string{"sophia.jones.13@example.net", "0912345678", "+84912345678", "079203001234", "Nguyễn Văn An", "rec 1", "rec_\x00", strings.Repeat("a", 129)} {
		if got := SafeRecordID(bad); got != InvalidRecordID {
			t.Errorf("%q kept as %q", bad, got)
		}
	}
}
