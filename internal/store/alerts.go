package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/detect"
)

// StoredAlert is an alert with its clearing.
type StoredAlert struct {
	detect.Alert
	ClearedAt *time.Time `json:"cleared_at,omitempty"`
	ClearedBy string     `json:"cleared_by,omitempty"`
}

// SaveAlert stores an alert.
func (db *DB) SaveAlert(ctx context.Context, a detect.Alert) error {
	data, _ := json.Marshal(a.Data)
	if a.Data == nil {
		data = []byte("{}")
	}
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO alerts (id, at, kind, severity, principal, message, data, cleared_at, cleared_by) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
			a.ID, a.At.UnixMicro(), a.Kind, a.Severity, a.Principal, a.Message, string(data))
		return err
	}, nil)
}

// ListAlerts lists alerts newest first; open only when openOnly.
func (db *DB) ListAlerts(ctx context.Context, openOnly bool, limit int) ([]StoredAlert, error) {
	q := "SELECT id, at, kind, severity, principal, message, data, cleared_at, cleared_by FROM alerts"
	if openOnly {
		q += " WHERE cleared_at IS NULL"
	}
	rows, err := db.query(ctx, q+" ORDER BY at DESC, id LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	defer rows.Close()
	out := []StoredAlert{}
	for rows.Next() {
		var a StoredAlert
		var at int64
		var data string
		var cleared *int64
		var by *string
		if err := rows.Scan(&a.ID, &at, &a.Kind, &a.Severity, &a.Principal, &a.Message, &data, &cleared, &by); err != nil {
			return nil, fmt.Errorf("list alerts: %w", err)
		}
		a.At, a.ClearedAt = time.UnixMicro(at).UTC(), timeOrNil(cleared)
		if by != nil {
			a.ClearedBy = *by
		}
		_ = json.Unmarshal([]byte(data), &a.Data)
		out = append(out, a)
	}
	return out, rows.Err()
}

// ClearAlert marks an open alert cleared and returns it.
func (db *DB) ClearAlert(ctx context.Context, id, by string, at time.Time) (StoredAlert, error) {
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE alerts SET cleared_at = ?, cleared_by = ? WHERE id = ? AND cleared_at IS NULL", at.UnixMicro(), by, id)
		if err != nil {
			return fmt.Errorf("clear alert: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.NotFound, "alert_not_found", "no such open alert")
		}
		return nil
	}, nil)
	if err != nil {
		return StoredAlert{}, err
	}
	var a StoredAlert
	var ats int64
	var data string
	err = db.queryRow(ctx, "SELECT id, at, kind, severity, principal, message, data FROM alerts WHERE id = ?", id).Scan(&a.ID, &ats, &a.Kind, &a.Severity, &a.Principal, &a.Message, &data)
	if err != nil {
		return StoredAlert{}, fmt.Errorf("read alert: %w", err)
	}
	a.At = time.UnixMicro(ats).UTC()
	_ = json.Unmarshal([]byte(data), &a.Data)
	cleared := time.UnixMicro(at.UnixMicro()).UTC() // as stored
	a.ClearedAt, a.ClearedBy = &cleared, by
	return a, nil
}
