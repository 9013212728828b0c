package audit

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Report is the result of verifying the chain.
type Report struct {
	OK       bool   `json:"ok"`
	Checked  int64  `json:"checked"`             // entries whose links were checked
	HeadSeq  int64  `json:"head_seq"`            // the last entry verified intact (on a broken chain, the one before the break)
	HeadHash string `json:"head_hash,omitempty"` // hex hash of the last entry, on an intact chain
	BrokenAt int64  `json:"broken_at,omitempty"` // first sequence number whose link is broken
	Reason   string `json:"reason,omitempty"`
	// RecordedHeadSeq is, on a broken chain, the last entry the database's
	// chain head names (HeadSeq stops at the break).
	RecordedHeadSeq int64 `json:"recorded_head_seq,omitempty"`
}

// Source streams entries with sequence numbers up to upTo in ascending
// order, calling fn for each, and returns the recorded chain head (sequence
// and hash) kept beside them.
type Source interface {
	ScanAudit(ctx context.Context, upTo int64, fn func(Entry) error) error
	// AuditHead returns the head and its seal (HeadMAC); a nil mac is a
	// head not sealed yet.
	AuditHead(ctx context.Context) (seq int64, hash, mac []byte, err error)
}

// ErrHeadMissing is a Source's answer when the chain head's record is
// gone (deleted): Verify reports the chain broken.
var ErrHeadMissing = errors.New("the audit chain head is missing")

// ActionHeadInvalid is the action of the entry a writer appends when it
// finds the chain head without a valid seal (see HeadInvalidEntry).
const ActionHeadInvalid = "audit.head_invalid"

// HeadInvalidEntry is the entry recording that the head at seq had no
// valid seal when a writer came to extend it: the newest entries may have
// been deleted with the head moved back, or the seal cleared. Verification
// reports the chain broken at this entry from then on.
func HeadInvalidEntry(seq int64, at time.Time) *Entry {
	return &Entry{At: at.UTC().Truncate(time.Microsecond), Actor: "system", Action: ActionHeadInvalid, Outcome: OutcomeError, Status: 500,
		Detail: fmt.Sprintf("the chain head at entry %d had no valid seal: entries after it may have been deleted", seq)}
}

// SealedBy reports whether key made e's hash: false for an entry altered
// since, or one sealed with another key file's audit key.
func SealedBy(key MACer, e Entry) bool {
	return len(e.Hash) > 0 && bytes.Equal(e.digest(key), e.Hash)
}

// HeadMAC seals a chain head (its sequence number and hash) with the audit
// key: a head moved back over deleted entries cannot be sealed without it.
func HeadMAC(key MACer, seq int64, hash []byte) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(seq))
	return key.MAC([]byte("custodia/audit-head/v1"), b[:], hash)
}

// Verify walks the whole chain and reports the first broken link: a gap or
// reordering in sequence numbers, a previous-hash mismatch, an entry whose
// hash does not match its contents, or a head that does not match the last
// entry (truncation). The head is read first, so entries appended while the
// walk runs are left for the next verification.
func Verify(ctx context.Context, key MACer, src Source) (Report, error) {
	var r Report
	headSeq, headHash, headMAC, err := src.AuditHead(ctx)
	if errors.Is(err, ErrHeadMissing) {
		r.BrokenAt = 1
		r.Reason = "the chain head is missing (deleted): the log's end cannot be trusted"
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("verify audit chain: %w", err)
	}
	r.RecordedHeadSeq = headSeq // cleared below when the chain is intact
	// Every head a server opened is sealed, the empty one included, so an
	// unsealed head is one whose seal was cleared.
	if !bytes.Equal(headMAC, HeadMAC(key, headSeq, headHash)) {
		r.BrokenAt = headSeq
		r.Reason = "the chain head is not sealed by this key file (entries deleted with the head moved back, or another key file)"
		return r, nil
	}
	prev, want := GenesisHash, int64(1)
	errBroken := fmt.Errorf("broken")
	err = src.ScanAudit(ctx, headSeq, func(e Entry) error {
		fail := func(reason string) error {
			r.BrokenAt, r.Reason = e.Seq, reason
			return errBroken
		}
		switch {
		case e.Seq != want:
			r.BrokenAt, r.Reason = want, fmt.Sprintf("expected entry %d, found %d (missing or reordered entries)", want, e.Seq)
			return errBroken
		case !bytes.Equal(e.PrevHash, prev):
			return fail("previous-hash link does not match the preceding entry")
		case !bytes.Equal(e.digest(key), e.Hash):
			return fail("entry contents do not match its hash (altered)")
		case e.Action == ActionHeadInvalid && e.Actor == "system":
			return fail("a writer found the chain head without a valid seal here: " + e.Detail)
		}
		prev, want = e.Hash, want+1
		r.Checked++
		r.HeadSeq = e.Seq
		return nil
	})
	if err != nil && err != errBroken {
		return r, fmt.Errorf("verify audit chain: %w", err)
	}
	if r.BrokenAt != 0 {
		return r, nil
	}
	if headSeq != r.HeadSeq || (headSeq > 0 && !bytes.Equal(headHash, prev)) {
		r.BrokenAt = r.HeadSeq + 1
		r.Reason = fmt.Sprintf("chain head records entry %d but the log ends at %d (truncated or altered head)", headSeq, r.HeadSeq)
		return r, nil
	}
	r.OK, r.RecordedHeadSeq = true, 0
	if r.HeadSeq > 0 {
		r.HeadHash = hex.EncodeToString(prev)
	}
	return r, nil
}
