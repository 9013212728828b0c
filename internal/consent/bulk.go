package consent

import (
	"context"

	"custodia/internal/auth"
)

// BulkStore is a Store that appends many grants at once.
type BulkStore interface {
	// AppendGrants appends grant events (and their notice text, once) for
	// subjects that exist, in one transaction, except those a withdrawal
	// supersedes (see Superseded): it returns how many it left out.
	AppendGrants(ctx context.Context, evs []Event, noticeText string) (skipped int, err error)
}

// Superseded reports whether a grant is older than the withdrawal that is
// its subject's latest event for the purpose: evidence dated before a
// person withdrew (an old spreadsheet imported later) must not revive
// their consent. A withdrawal at the same instant wins too. latest is the
// subject's latest event for the grant's purpose, nil when there is none.
func Superseded(latest *Event, grant Event) bool {
	return latest != nil && latest.Action == Withdraw && !latest.At.Before(grant.At)
}

// GrantMany records the same grant, req, for many subjects that exist (the
// people of an import, each just created or matched): it validates req
// once and appends every event in one store operation when the store can,
// else one by one. It does not check that the subjects exist: the caller
// has just written them. The events carry requestID (the import job). A
// subject whose latest event for the purpose is a withdrawal at or after
// req.At gets no grant (see Superseded): skipped counts them.
func (l *Ledger) GrantMany(ctx context.Context, subjectIDs []string, req Request, recordedBy, requestID string) (skipped int, err error) {
	if len(subjectIDs) == 0 {
		return 0, nil
	}
	grant, err := l.PrepareGrant(ctx, req, recordedBy, requestID)
	if err != nil {
		return 0, err
	}
	evs := make([]Event, len(subjectIDs))
	for i, sub := range subjectIDs {
		evs[i] = grant(sub)
	}
	if bs, ok := l.store.(BulkStore); ok {
		return bs.AppendGrants(ctx, evs, req.NoticeText)
	}
	for _, ev := range evs {
		history, err := l.store.ConsentHistory(ctx, ev.SubjectID)
		if err != nil {
			return skipped, err
		}
		var latest *Event
		for i := range history {
			if history[i].Purpose == ev.Purpose {
				latest = &history[i]
			}
		}
		if Superseded(latest, ev) {
			skipped++
			continue
		}
		if _, err := l.store.AppendConsent(ctx, ev, req.NoticeText, nil); err != nil {
			return skipped, err
		}
	}
	return skipped, nil
}

// PrepareGrant validates req as a grant of a registered purpose, once, and
// returns a function that makes its event for one subject, each with an id
// of its own: the events a bulk create commits with the subjects it
// creates (vault.BulkGrant), or GrantMany appends.
func (l *Ledger) PrepareGrant(ctx context.Context, req Request, recordedBy, requestID string) (func(subjectID string) Event, error) {
	req.Action = Grant
	ok, err := l.purposes(ctx, req.Purpose)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, bad("unknown_purpose", "this purpose is not registered; see GET /v1/purposes")
	}
	tmpl, err := l.buildEvent("", req, recordedBy, requestID, l.Now())
	if err != nil {
		return nil, err
	}
	return func(subjectID string) Event {
		ev := tmpl
		ev.ID, ev.SubjectID = auth.NewID("cev_"), subjectID
		return ev
	}, nil
}
