// Package consent is the consent ledger: an append-only history of each
// subject's grants and withdrawals per purpose, with the evidence of each
// (method, channel, who collected it, the exact notice text by hash).
//
// Nothing updates or deletes an event: the current state of a purpose is
// its latest event, and the storage layer refuses changes to past ones.
package consent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/freetext"
)

// Actions an event records.
const (
	Grant    = "grant"
	Withdraw = "withdraw"
)

// Channels consent is commonly collected through; others matching
// channelName are accepted too.
var Channels = []string{"web", "app", "zalo", "facebook", "phone", "email", "paper", "in_person", "sms", "import"}

var channelName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// Request is the body of POST /v1/subjects/{subject}/consents.
type Request struct {
	Purpose       string    `json:"purpose"`
	Action        string    `json:"action"`
	Method        string    `json:"method"`
	NoticeVersion string    `json:"notice_version"`
	NoticeText    string    `json:"notice_text"`
	Channel       string    `json:"channel"`
	CollectedBy   string    `json:"collected_by"`
	At            time.Time `json:"at"` // when the person acted; default now
	IP            string    `json:"ip"`
	UserAgent     string    `json:"user_agent"`
}

// Event is one stored ledger entry. IP and user agent are kept only as
// keyed hashes: enough to match evidence, not to identify a device.
type Event struct {
	Seq           int64     `json:"seq"`
	ID            string    `json:"id"`
	SubjectID     string    `json:"subject"`
	Purpose       string    `json:"purpose"`
	Action        string    `json:"action"`
	Method        string    `json:"method"`
	Channel       string    `json:"channel"`
	NoticeVersion string    `json:"notice_version"`
	NoticeHash    string    `json:"notice_hash,omitempty"` // hex SHA-256 of the notice text
	CollectedBy   string    `json:"collected_by"`
	IPHash        string    `json:"ip_hash,omitempty"`
	UAHash        string    `json:"user_agent_hash,omitempty"`
	At            time.Time `json:"at"`
	RecordedAt    time.Time `json:"recorded_at"`
	RecordedBy    string    `json:"recorded_by"`
	RequestID     string    `json:"request_id,omitempty"`
}

// State is a purpose's current consent.
type State struct {
	Purpose string    `json:"purpose"`
	Active  bool      `json:"active"`
	Since   time.Time `json:"since"`
	EventID string    `json:"event_id"`
	// Erased marks the state of a subject erased since: whatever the
	// ledger's last event, no consent of theirs is active.
	Erased bool `json:"erased,omitempty"`
}

// Notice is a notice text stored once by hash.
type Notice struct {
	Hash string `json:"hash"`
	Text string `json:"text"`
}

// Store is the storage the ledger needs.
type Store interface {
	// AppendConsent appends ev (and its notice text, once per hash) for a
	// subject that must exist. A withdraw with no active grant is refused
	// inside the same transaction, so concurrent events are ordered.
	AppendConsent(ctx context.Context, ev Event, noticeText string, e *audit.Entry) (Event, error)
	ConsentHistory(ctx context.Context, subjectID string) ([]Event, error)
	ConsentNotices(ctx context.Context, hashes []string) ([]Notice, error)
	SubjectExists(ctx context.Context, subjectID string) (bool, error)
}

// MACer computes keyed hashes (keys.Secret).
type MACer interface{ MAC(parts ...[]byte) []byte }

// PurposeCheck tells whether a purpose is registered.
type PurposeCheck func(ctx context.Context, purpose string) (bool, error)

// Ledger records and reports consent.
type Ledger struct {
	store    Store
	key      MACer
	purposes PurposeCheck
	Now      func() time.Time
}

// NewLedger returns a ledger.
func NewLedger(store Store, key MACer, purposes PurposeCheck) *Ledger {
	return &Ledger{store: store, key: key, purposes: purposes, Now: time.Now}
}

func bad(code, msg string) error { return apperr.New(apperr.Invalid, code, msg) }

// Record validates and appends one event.
func (l *Ledger) Record(ctx context.Context, subjectID string, req Request, recordedBy, requestID string, e *audit.Entry) (Event, error) {
	// The action is checked before the purpose lookup, as it always was, so
	// a bad action is reported as such whatever the purpose.
	if err := checkAction(req.Action); err != nil {
		return Event{}, err
	}
	ok, err := l.purposes(ctx, req.Purpose)
	if err != nil {
		return Event{}, err
	}
	if !ok {
		return Event{}, bad("unknown_purpose", "this purpose is not registered; see GET /v1/purposes")
	}
	ev, err := l.buildEvent(subjectID, req, recordedBy, requestID, l.Now())
	if err != nil {
		return Event{}, err
	}
	exists, err := l.store.SubjectExists(ctx, subjectID)
	if err != nil {
		return Event{}, err
	}
	if !exists {
		return Event{}, apperr.New(apperr.NotFound, "subject_not_found", "no such subject")
	}
	if !req.At.IsZero() {
		if err := l.checkOrder(ctx, ev); err != nil {
			return Event{}, err
		}
	}
	return l.store.AppendConsent(ctx, ev, req.NoticeText, e)
}

// checkOrder refuses an event dated before the subject's latest event for
// the same purpose: the ledger's order (by seq) decides the current state,
// so a back-dated grant appended after a withdrawal would revive a consent
// the person had withdrawn since. A grant at the very instant of a
// withdrawal is refused too (see Superseded). Events without a date of
// their own are dated now, after everything recorded.
func (l *Ledger) checkOrder(ctx context.Context, ev Event) error {
	hist, err := l.store.ConsentHistory(ctx, ev.SubjectID)
	if err != nil {
		return err
	}
	var latest *Event
	for i := range hist {
		if hist[i].Purpose == ev.Purpose {
			latest = &hist[i]
		}
	}
	if latest == nil {
		return nil
	}
	if ev.At.Before(latest.At) || ev.Action == Grant && Superseded(latest, ev) {
		// The message names neither the later event nor its date: a
		// caller may record consent without being allowed to read it.
		return apperr.Newf(apperr.Conflict, "consent_out_of_order",
			"this %s is dated %s, before an event already recorded for this subject and purpose; record events in the order the person acted",
			ev.Action, ev.At.Format(time.RFC3339))
	}
	return nil
}

func checkAction(action string) error {
	action = strings.TrimSpace(action)
	if action != Grant && action != Withdraw {
		return bad("invalid_action", `action must be "grant" or "withdraw"`)
	}
	return nil
}

// buildEvent validates req and builds the event Record appends, as of now.
// It does everything Record does except the purpose-registered check and
// the store calls: no I/O, so it can be tested and fuzzed on its own. The
// IP address and user agent enter the event only as keyed hashes.
func (l *Ledger) buildEvent(subjectID string, req Request, recordedBy, requestID string, now time.Time) (Event, error) {
	req.Action = strings.TrimSpace(req.Action)
	if err := checkAction(req.Action); err != nil {
		return Event{}, err
	}
	req.Channel = strings.ToLower(strings.TrimSpace(req.Channel))
	if !channelName.MatchString(req.Channel) {
		return Event{}, bad("invalid_channel", "channel names how consent was collected, such as web, zalo, facebook, phone, email or paper")
	}
	for _, f := range []struct{ name, v string }{{"method", req.Method}, {"collected_by", req.CollectedBy}, {"notice_version", req.NoticeVersion}} {
		if strings.TrimSpace(f.v) == "" || utf8.RuneCountInString(f.v) > 200 {
			return Event{}, apperr.Newf(apperr.Invalid, "invalid_"+f.name, "%s is required (1 to 200 characters)", f.name)
		}
	}
	// What staff type about how consent was collected outlives an
	// erasure in the append-only ledger: no customer's identifier in it.
	// collected_by may name a member of staff or a system by its e-mail
	// address (the console fills in the signed-in person's). The notice
	// text is the organisation's own, shared by everyone who agreed to
	// it, and may give its contact address.
	for _, f := range []struct{ name, v string }{{"method", req.Method}, {"notice_version", req.NoticeVersion}} {
		if err := freetext.Check(f.name, f.v); err != nil {
			return Event{}, err
		}
	}
	if err := freetext.CheckWho("collected_by", req.CollectedBy); err != nil {
		return Event{}, err
	}
	if req.Action == Grant && strings.TrimSpace(req.NoticeText) == "" {
		return Event{}, bad("notice_text_required", "a grant needs the notice_text the person agreed to")
	}
	if len(req.NoticeText) > 100_000 || len(req.IP) > 100 || len(req.UserAgent) > 1000 {
		return Event{}, bad("too_long", "notice_text, ip or user_agent is too long")
	}
	now = now.UTC().Truncate(time.Microsecond)
	at := req.At.UTC().Truncate(time.Microsecond)
	if req.At.IsZero() {
		at = now
	}
	if at.After(now.Add(5 * time.Minute)) {
		return Event{}, bad("invalid_at", "at is in the future")
	}
	if at.Year() < 1970 {
		return Event{}, bad("invalid_at", "at is before 1970")
	}
	ev := Event{ID: auth.NewID("cev_"), SubjectID: subjectID, Purpose: req.Purpose, Action: req.Action, Method: strings.TrimSpace(req.Method),
		Channel: req.Channel, NoticeVersion: strings.TrimSpace(req.NoticeVersion), CollectedBy: strings.TrimSpace(req.CollectedBy),
		At: at, RecordedAt: now, RecordedBy: recordedBy, RequestID: requestID}
	if req.NoticeText != "" {
		sum := sha256.Sum256([]byte(req.NoticeText))
		ev.NoticeHash = hex.EncodeToString(sum[:])
	}
	if ip := strings.TrimSpace(req.IP); ip != "" {
		if _, err := netip.ParseAddr(ip); err != nil {
			return Event{}, bad("invalid_ip", "ip must be an IPv4 or IPv6 address")
		}
		ev.IPHash = hex.EncodeToString(l.key.MAC([]byte("consent-ip"), []byte(ip)))
	}
	if req.UserAgent != "" {
		ev.UAHash = hex.EncodeToString(l.key.MAC([]byte("consent-ua"), []byte(req.UserAgent)))
	}
	return ev, nil
}

// Proof is a subject's consent state and history with the notice texts.
type Proof struct {
	Subject string    `json:"subject"`
	Current []State   `json:"current"`
	History []Event   `json:"history"`
	Notices []Notice  `json:"notices"`
	AsOf    time.Time `json:"as_of"`
}

// Proof returns a subject's consent proof.
func (l *Ledger) Proof(ctx context.Context, subjectID string) (Proof, error) {
	exists, err := l.store.SubjectExists(ctx, subjectID)
	if err != nil {
		return Proof{}, err
	}
	hist, err := l.store.ConsentHistory(ctx, subjectID)
	if err != nil {
		return Proof{}, err
	}
	if !exists && len(hist) == 0 {
		return Proof{}, apperr.New(apperr.NotFound, "subject_not_found", "no such subject")
	}
	var hashes []string
	seen := map[string]bool{}
	for _, ev := range hist {
		if ev.NoticeHash != "" && !seen[ev.NoticeHash] {
			seen[ev.NoticeHash] = true
			hashes = append(hashes, ev.NoticeHash)
		}
	}
	notices, err := l.store.ConsentNotices(ctx, hashes)
	if err != nil {
		return Proof{}, err
	}
	current := CurrentStates(hist)
	if !exists {
		// The ledger keeps an erased subject's history as evidence; their
		// consent ended with them.
		for i := range current {
			current[i].Active, current[i].Erased = false, true
		}
	}
	return Proof{Subject: subjectID, Current: current, History: hist, Notices: notices, AsOf: l.Now().UTC()}, nil
}

// CurrentStates folds a history ordered by seq into each purpose's state.
func CurrentStates(hist []Event) []State {
	idx := map[string]int{}
	var out []State
	for _, ev := range hist {
		st := State{Purpose: ev.Purpose, Active: ev.Action == Grant, Since: ev.At, EventID: ev.ID}
		if i, ok := idx[ev.Purpose]; ok {
			out[i] = st
			continue
		}
		idx[ev.Purpose] = len(out)
		out = append(out, st)
	}
	if out == nil {
		out = []State{}
	}
	return out
}
