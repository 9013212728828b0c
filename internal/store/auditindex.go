package store

import (
	"context"
	"fmt"
)

// auditIndexEvery is how many audit entries may wait outside the subject
// index before the writer adds them, in one sorted insert inside a batch.
// Larger runs share more index pages per insert; the unindexed tail, which
// a query by subject scans, is at most this plus one batch.
const auditIndexEvery = 4096

// auditIndexUnknown marks the writer's copy of the indexed position as not
// known: it is read from the database at the next batch.
const auditIndexUnknown = -1

// subjectAuditCondition is the WHERE term selecting the audit entries about
// one subject: those the subject index holds, and those of the tail the
// writer has not indexed yet, read in the same snapshot. It takes the
// pseudonym twice.
const subjectAuditCondition = "seq IN (SELECT seq FROM audit_subject_index WHERE subject = ?" +
	" UNION ALL SELECT seq FROM audit_log WHERE seq > (SELECT through FROM audit_subject_indexed WHERE id = 1) AND subject = ?)"

// indexAuditSubjects adds the entries up to head (the chain head this batch
// has written) to the subject index once auditIndexEvery of them are
// waiting. It runs inside the batch's transaction, after the batch's audit
// entries, which hold the audit head's lock, so no other writer, in this
// process or another, indexes at the same time. Only the writer goroutine
// calls it.
func (w *writer) indexAuditSubjects(ctx context.Context, tx *Tx, head int64) error {
	// A head behind the known position means the log was replaced (a
	// restore): the position is read again.
	if w.indexedThrough != auditIndexUnknown && head >= w.indexedThrough && head-w.indexedThrough < auditIndexEvery {
		return nil
	}
	var through int64
	if err := tx.QueryRow(ctx, "SELECT through FROM audit_subject_indexed WHERE id = 1").Scan(&through); err != nil {
		return fmt.Errorf("read audit subject index position: %w", err)
	}
	w.indexedThrough = through // another process may have indexed further
	if head-through < auditIndexEvery {
		return nil
	}
	if err := appendAuditSubjects(ctx, tx, through, head); err != nil {
		return err
	}
	w.indexedThrough = head
	return nil
}

// appendAuditSubjects indexes the entries after through, up to head, in
// key order so the insert walks the index once, and records head as the
// new position.
func appendAuditSubjects(ctx context.Context, tx *Tx, through, head int64) error {
	if _, err := tx.Exec(ctx, "INSERT INTO audit_subject_index (subject, seq)"+
		" SELECT subject, seq FROM audit_log WHERE seq > ? AND seq <= ? AND subject <> '' ORDER BY subject, seq"+
		" ON CONFLICT DO NOTHING", through, head); err != nil {
		return fmt.Errorf("index audit subjects: %w", err)
	}
	if _, err := tx.Exec(ctx, "UPDATE audit_subject_indexed SET through = ? WHERE id = 1", head); err != nil {
		return fmt.Errorf("advance audit subject index: %w", err)
	}
	return nil
}

// rebuildAuditSubjects indexes the whole audit log anew, as after a
// restore, which leaves the index out of the backup.
func rebuildAuditSubjects(ctx context.Context, tx *Tx) error {
	if _, err := tx.Exec(ctx, "DELETE FROM audit_subject_index"); err != nil {
		return fmt.Errorf("clear audit subject index: %w", err)
	}
	var head int64
	if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM audit_log").Scan(&head); err != nil {
		return fmt.Errorf("audit log length: %w", err)
	}
	return appendAuditSubjects(ctx, tx, 0, head)
}
