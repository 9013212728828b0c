package consent

import (
	"context"
)

// BulkStore is a Store that appends many grants at once.
type BulkStore interface {
	// AppendGrants appends grant events (and their notice text, once) for
	// subjects that exist, in one transaction: all of them or none.
	AppendGrants(ctx context.Context, evs []Event, noticeText string) error
}

// GrantMany records the same grant, req, for many subjects that exist (the
// people of an import, each just created or matched): it validates req
// once and appends every event in one store operation when the store can,
// else one by one. It does not check that the subjects exist: the caller
// has just written them. The events carry requestID (the import job).
func (l *Ledger) GrantMany(ctx context.Context, subjectIDs []string, req Request, recordedBy, requestID string) error {
	if len(subjectIDs) == 0 {
		return nil
	}
	req.Action = Grant
	ok, err := l.purposes(ctx, req.Purpose)
	if err != nil {
		return err
	}
	if !ok {
		return bad("unknown_purpose", "this purpose is not registered; see GET /v1/purposes")
	}
	now := l.Now()
	evs := make([]Event, len(subjectIDs))
	for i, sub := range subjectIDs {
		if evs[i], err = l.buildEvent(sub, req, recordedBy, requestID, now); err != nil {
			return err
		}
	}
	if bs, ok := l.store.(BulkStore); ok {
		return bs.AppendGrants(ctx, evs, req.NoticeText)
	}
	for _, ev := range evs {
		if _, err := l.store.AppendConsent(ctx, ev, req.NoticeText, nil); err != nil {
			return err
		}
	}
	return nil
}
