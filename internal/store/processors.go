package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/processors"
)

// processorSpec is what the spec column holds.
type processorSpec struct {
	Country       string                    `json:"country"`
	DPAStatus     string                    `json:"dpa_status"`
	DPASignedAt   *time.Time                `json:"dpa_signed_at,omitempty"`
	DPAExpiresAt  *time.Time                `json:"dpa_expires_at,omitempty"`
	DPADocument   string                    `json:"dpa_document_sha256,omitempty"`
	SubProcessors []processors.SubProcessor `json:"sub_processors"`
	Categories    []string                  `json:"categories"`
	Purposes      []string                  `json:"purposes"`
}

func processorSpecOf(p processors.Processor) string {
	b, _ := json.Marshal(processorSpec{Country: p.Country, DPAStatus: p.DPAStatus, DPASignedAt: p.DPASignedAt, DPAExpiresAt: p.DPAExpiresAt,
		DPADocument: p.DPADocument, SubProcessors: p.SubProcessors, Categories: p.Categories, Purposes: p.Purposes})
	return string(b)
}

// PutProcessor adds a processor, or replaces it when replace is set.
func (db *DB) PutProcessor(ctx context.Context, p processors.Processor, replace bool, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		var err error
		if replace {
			var res interface{ RowsAffected() (int64, error) }
			res, err = tx.Exec(ctx, "UPDATE processors SET vendor = ?, service = ?, spec = ?, updated_at = ? WHERE id = ?",
				p.Vendor, p.Service, processorSpecOf(p), p.UpdatedAt.UnixMicro(), p.ID)
			if err == nil {
				if n, _ := res.RowsAffected(); n != 1 {
					return apperr.New(apperr.NotFound, "processor_not_found", "no such processor")
				}
			}
		} else {
			_, err = tx.Exec(ctx, "INSERT INTO processors (id, vendor, service, spec, alert_key, created_at, updated_at) VALUES (?, ?, ?, ?, '', ?, ?)",
				p.ID, p.Vendor, p.Service, processorSpecOf(p), p.CreatedAt.UnixMicro(), p.UpdatedAt.UnixMicro())
		}
		if isUniqueViolation(err) {
			return apperr.New(apperr.Conflict, "processor_exists", "this vendor's service is registered already")
		}
		if err != nil {
			return fmt.Errorf("put processor: %w", err)
		}
		return nil
	}, e)
}

// DeleteProcessor removes a processor.
func (db *DB) DeleteProcessor(ctx context.Context, id string, e *audit.Entry) error {
	return db.w.submit(func(ctx context.Context, tx *Tx) error {
		return execOne(ctx, tx, "delete processor", apperr.New(apperr.NotFound, "processor_not_found", "no such processor"), "DELETE FROM processors WHERE id = ?", id)
	}, e)
}

// StoredProcessor is a processor with the key of its last DPA alert.
type StoredProcessor struct {
	processors.Processor
	AlertKey string
}

// ListProcessors lists the processors by vendor and service.
func (db *DB) ListProcessors(ctx context.Context) ([]StoredProcessor, error) {
	rows, err := db.query(ctx, "SELECT id, vendor, service, spec, alert_key, created_at, updated_at FROM processors ORDER BY vendor, service")
	if err != nil {
		return nil, fmt.Errorf("list processors: %w", err)
	}
	defer rows.Close()
	out := []StoredProcessor{}
	for rows.Next() {
		var p StoredProcessor
		var spec string
		var created, updated int64
		if err := rows.Scan(&p.ID, &p.Vendor, &p.Service, &spec, &p.AlertKey, &created, &updated); err != nil {
			return nil, fmt.Errorf("list processors: %w", err)
		}
		var sp processorSpec
		if err := json.Unmarshal([]byte(spec), &sp); err != nil {
			return nil, fmt.Errorf("processor spec: %w", err)
		}
		p.Country, p.DPAStatus, p.DPASignedAt, p.DPAExpiresAt, p.DPADocument = sp.Country, sp.DPAStatus, sp.DPASignedAt, sp.DPAExpiresAt, sp.DPADocument
		p.SubProcessors, p.Categories, p.Purposes = sp.SubProcessors, orEmpty(sp.Categories), orEmpty(sp.Purposes)
		if p.SubProcessors == nil {
			p.SubProcessors = []processors.SubProcessor{}
		}
		p.CreatedAt, p.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// SetProcessorAlertKey records the DPA problems last alerted on; it
// reports false when another replica recorded a different key first (and
// so raised the alert).
func (db *DB) SetProcessorAlertKey(ctx context.Context, id, old, key string) (bool, error) {
	changed := false
	err := db.w.submit(func(ctx context.Context, tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE processors SET alert_key = ? WHERE id = ? AND alert_key = ?", key, id, old)
		if err != nil {
			return fmt.Errorf("processor alert key: %w", err)
		}
		n, _ := res.RowsAffected()
		changed = n == 1
		return nil
	}, nil)
	return changed, err
}
