-- +goose Up
-- Audit entries by subject (a data-subject request's access log, the audit
-- page's subject filter) are found through a table the group-commit writer
-- fills in bulk, every few thousand entries, in (subject, seq) order,
-- instead of an index every entry updates at once: a subject's pseudonym is
-- a random key, so an index entry per read dirtied a random page per read.
-- Entries after "through" are not in it yet; queries add them by scanning
-- that short tail of the log (store.subjectAuditCondition).
CREATE TABLE audit_subject_index (
    subject TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    PRIMARY KEY (subject, seq)
) WITHOUT ROWID;

CREATE TABLE audit_subject_indexed (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    through INTEGER NOT NULL
);

INSERT INTO audit_subject_index (subject, seq)
    SELECT subject, seq FROM audit_log WHERE subject <> '' ORDER BY subject, seq;
INSERT INTO audit_subject_indexed (id, through)
    SELECT 1, COALESCE(MAX(seq), 0) FROM audit_log;
DROP INDEX audit_subject;

-- +goose Down
CREATE INDEX audit_subject ON audit_log (subject, seq);
DROP TABLE audit_subject_indexed;
DROP TABLE audit_subject_index;
