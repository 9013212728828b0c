package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/consent"
)

const consentColumns = "seq, id, subject_id, purpose, action, method, channel, notice_version, notice_hash, collected_by, ip_hash, ua_hash, at, recorded_at, recorded_by, request_id"

func hexOrNil(s string) any {
	if s == "" {
		return nil
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil
	}
	return b
}

// AppendConsent appends a consent event, storing its notice text once. A
// withdrawal with no active grant is refused in the same transaction, so
// concurrent events are decided in ledger order.
func (db *DB) AppendConsent(ctx context.Context, ev consent.Event, noticeText string, e *audit.Entry) (consent.Event, error) {
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		if ev.Action == consent.Withdraw {
			var last string
			err := tx.QueryRow(ctx, "SELECT action FROM consent_events WHERE subject_id = ? AND purpose = ? ORDER BY seq DESC LIMIT 1", ev.SubjectID, ev.Purpose).Scan(&last)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("read consent state: %w", err)
			}
			if last != consent.Grant {
				return apperr.New(apperr.Conflict, "no_active_consent", "there is no active consent for this purpose to withdraw")
			}
		}
		if ev.NoticeHash != "" {
			if _, err := tx.Exec(ctx, "INSERT INTO consent_notices (hash, text, created_at) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING",
				hexOrNil(ev.NoticeHash), noticeText, ev.RecordedAt.UnixMicro()); err != nil {
				return fmt.Errorf("store notice: %w", err)
			}
		}
		err := tx.QueryRow(ctx, "INSERT INTO consent_events (id, subject_id, purpose, action, method, channel, notice_version, notice_hash, collected_by, ip_hash, ua_hash, at, recorded_at, recorded_by, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
			ev.ID, ev.SubjectID, ev.Purpose, ev.Action, ev.Method, ev.Channel, ev.NoticeVersion, hexOrNil(ev.NoticeHash), ev.CollectedBy,
			hexOrNil(ev.IPHash), hexOrNil(ev.UAHash), ev.At.UnixMicro(), ev.RecordedAt.UnixMicro(), ev.RecordedBy, ev.RequestID).Scan(&ev.Seq)
		if err != nil {
			return fmt.Errorf("append consent: %w", err)
		}
		return nil
	}, e)
	return ev, err
}

// ConsentHistory returns a subject's consent events in ledger order.
func (db *DB) ConsentHistory(ctx context.Context, subjectID string) ([]consent.Event, error) {
	rows, err := db.query(ctx, "SELECT "+consentColumns+" FROM consent_events WHERE subject_id = ? ORDER BY seq", subjectID)
	if err != nil {
		return nil, fmt.Errorf("consent history: %w", err)
	}
	defer rows.Close()
	out := []consent.Event{}
	for rows.Next() {
		var ev consent.Event
		var notice, ip, ua []byte
		var at, rec int64
		if err := rows.Scan(&ev.Seq, &ev.ID, &ev.SubjectID, &ev.Purpose, &ev.Action, &ev.Method, &ev.Channel, &ev.NoticeVersion,
			&notice, &ev.CollectedBy, &ip, &ua, &at, &rec, &ev.RecordedBy, &ev.RequestID); err != nil {
			return nil, fmt.Errorf("consent history: %w", err)
		}
		ev.NoticeHash, ev.IPHash, ev.UAHash = hex.EncodeToString(notice), hex.EncodeToString(ip), hex.EncodeToString(ua)
		ev.At, ev.RecordedAt = time.UnixMicro(at).UTC(), time.UnixMicro(rec).UTC()
		out = append(out, ev)
	}
	return out, rows.Err()
}

// ConsentNotices returns the notice texts with the given hex hashes.
func (db *DB) ConsentNotices(ctx context.Context, hashes []string) ([]consent.Notice, error) {
	out := []consent.Notice{}
	for _, h := range hashes {
		var text string
		err := db.queryRow(ctx, "SELECT text FROM consent_notices WHERE hash = ?", hexOrNil(h)).Scan(&text)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.Newf(apperr.Internal, "notice_missing", "the notice text %s a consent event points to is missing from the database", h)
		}
		if err != nil {
			return nil, fmt.Errorf("consent notice: %w", err)
		}
		// The hash is the proof of the exact words: a text that does not
		// match it was altered in the database and is not shown as proof.
		if sum := sha256.Sum256([]byte(text)); hex.EncodeToString(sum[:]) != h {
			return nil, apperr.Newf(apperr.Internal, "notice_altered", "the stored notice text %s does not match its hash: it was altered in the database", h)
		}
		out = append(out, consent.Notice{Hash: h, Text: text})
	}
	return out, nil
}

// ConsentActive reports whether the subject's latest event for purpose is
// a grant.
func (db *DB) ConsentActive(ctx context.Context, subjectID, purpose string) (bool, error) {
	var last string
	err := db.queryRow(ctx, "SELECT action FROM consent_events WHERE subject_id = ? AND purpose = ? ORDER BY seq DESC LIMIT 1", subjectID, purpose).Scan(&last)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return false, fmt.Errorf("consent state: %w", err)
	}
	return last == consent.Grant, nil
}

// SubjectExists reports whether a subject has data in the vault.
func (db *DB) SubjectExists(ctx context.Context, subjectID string) (bool, error) {
	var one int
	err := db.queryRow(ctx, "SELECT 1 FROM custodia_keys.subject_keys WHERE subject_id = ?", subjectID).Scan(&one)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return false, fmt.Errorf("find subject: %w", err)
	}
	return true, nil
}
