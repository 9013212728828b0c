package store

import (
	"context"
	"fmt"
)

// CollectionCount is how many records a subject has in one collection.
type CollectionCount struct {
	Collection string `json:"collection"`
	Records    int    `json:"records"`
}

// SubjectRecordCounts counts a subject's records in each collection,
// ordered by collection name. It reads metadata only: no value is read
// or decrypted, so it needs no purpose.
func (db *DB) SubjectRecordCounts(ctx context.Context, subjectID string) ([]CollectionCount, error) {
	rows, err := db.query(ctx, "SELECT collection, COUNT(*) FROM records WHERE subject_id = ? GROUP BY collection ORDER BY collection", subjectID)
	if err != nil {
		return nil, fmt.Errorf("count subject records: %w", err)
	}
	defer rows.Close()
	var out []CollectionCount
	for rows.Next() {
		var c CollectionCount
		if err := rows.Scan(&c.Collection, &c.Records); err != nil {
			return nil, fmt.Errorf("count subject records: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
