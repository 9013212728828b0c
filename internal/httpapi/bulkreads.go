package httpapi

import (
	"context"
	"time"

	"custodia/internal/exports"
)

// A bulk read's entry in the export register counts what its principal
// read, from the audit log: from the start of the detector's window that
// tripped until the alert is cleared. The detector itself stops counting
// at its threshold (its memory stays bounded), and a principal it does not
// block reads on, so the count at the trip would understate the copy.

// countBulkReads brings the counts of the register's open bulk-read
// entries up to date (never below what they were).
func (s *Server) countBulkReads(ctx context.Context, xs []exports.Export) error {
	now := time.Now().UTC()
	for i := range xs {
		if err := s.countBulkRead(ctx, &xs[i], now); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) countBulkRead(ctx context.Context, x *exports.Export, now time.Time) error {
	if x.Kind != exports.KindBulkRead || x.From == nil {
		return nil
	}
	until := now
	if x.Until != nil {
		until = *x.Until
	}
	records, subjects, err := s.db.ReadCounts(ctx, x.RequestedBy, *x.From, until)
	if err != nil {
		return err
	}
	x.Records, x.Subjects = max(x.Records, records), max(x.Subjects, subjects)
	return nil
}

// closeBulkReads ends the open bulk-read entries of a principal whose
// alert was cleared: their counts are final from then on.
func (s *Server) closeBulkReads(ctx context.Context, principal string) error {
	xs, err := s.db.ListExports(ctx, 1000)
	if err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	for _, x := range xs {
		if x.Kind != exports.KindBulkRead || x.Requester != principal || x.From == nil || x.Until != nil {
			continue
		}
		if err := s.countBulkRead(ctx, &x, now); err != nil {
			return err
		}
		x.Until = &now
		if err := s.db.UpdateExport(ctx, x, x.Status, nil); err != nil {
			return err
		}
	}
	return nil
}
