package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"custodia/internal/access"
	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/consent"
	"custodia/internal/detect"
	"custodia/internal/store"
)

// microNow is the current time as the store keeps it: UTC, whole microseconds.
func microNow() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func noticeHash(text string) string {
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:])
}

// consentEvent builds a ledger event as the consent package would; notice
// text is "" for an event without a notice.
func consentEvent(subject, purpose, action, notice string) consent.Event {
	at := microNow()
	ev := consent.Event{
		ID: auth.NewID("cev_"), SubjectID: subject, Purpose: purpose, Action: action,
		Method: "checkbox", Channel: "web", NoticeVersion: "v1", CollectedBy: "tok_test",
		IPHash: hex.EncodeToString([]byte("ip:" + subject)), UAHash: hex.EncodeToString([]byte("ua:" + subject)),
		At: at.Add(-time.Second), RecordedAt: at, RecordedBy: "tok_test", RequestID: "req-" + action,
	}
	if notice != "" {
		ev.NoticeHash = noticeHash(notice)
	}
	return ev
}

func mustAppendConsent(t testing.TB, db *store.DB, ev consent.Event, notice string) consent.Event {
	t.Helper()
	out, err := db.AppendConsent(context.Background(), ev, notice, nil)
	if err != nil {
		t.Fatalf("append consent %s %s: %v", ev.Action, ev.Purpose, err)
	}
	if out.Seq <= 0 {
		t.Fatalf("append consent: no seq in %+v", out)
	}
	return out
}

func mustHistory(t testing.TB, db *store.DB, subject string) []consent.Event {
	t.Helper()
	h, err := db.ConsentHistory(context.Background(), subject)
	if err != nil {
		t.Fatalf("consent history: %v", err)
	}
	return h
}

func mustActive(t testing.TB, db *store.DB, subject, purpose string, want bool) {
	t.Helper()
	got, err := db.ConsentActive(context.Background(), subject, purpose)
	if err != nil || got != want {
		t.Fatalf("consent active %s/%s = %v %v, want %v", subject, purpose, got, err, want)
	}
}

func wantCode(t testing.TB, err error, kind apperr.Kind, code string) {
	t.Helper()
	if err == nil || apperr.KindOf(err) != kind || apperr.CodeOf(err) != code {
		t.Fatalf("got %v (kind %v, code %q), want kind %v code %q", err, apperr.KindOf(err), apperr.CodeOf(err), kind, code)
	}
}

// rawOf returns e's raw connection, opening one for an env made by peer.
func rawOf(t *testing.T, e *env) *sql.DB {
	t.Helper()
	if e.raw != nil {
		return e.raw
	}
	var err error
	if e.engine == store.Postgres {
		e.raw, err = sql.Open("pgx", e.url)
	} else {
		e.raw, err = sql.Open("sqlite", "file:"+filepath.Join(e.dir, store.SQLiteFile)+"?_pragma=busy_timeout(10000)")
	}
	if err != nil {
		t.Fatalf("raw connection: %v", err)
	}
	e.raw.SetMaxOpenConns(1)
	raw := e.raw
	t.Cleanup(func() { raw.Close() })
	return raw
}

func rawCount(t testing.TB, raw *sql.DB, table string) int64 {
	t.Helper()
	var n int64
	if err := raw.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// mustLedgerAppendOnly checks that raw SQL can neither change nor delete
// the subject's consent events, and that they are unchanged after trying.
func mustLedgerAppendOnly(t *testing.T, e *env, subject string) {
	t.Helper()
	raw := rawOf(t, e)
	before := mustHistory(t, e.db, subject)
	count := rawCount(t, raw, "consent_events")
	if len(before) == 0 || count == 0 {
		t.Fatal("no consent events to tamper with")
	}
	const cols = "seq, id, subject_id, purpose, action, method, channel, notice_version, notice_hash, collected_by, ip_hash, ua_hash, at, recorded_at, recorded_by, request_id"
	const flipped = "SELECT seq, id, subject_id, purpose, 'grant', method, channel, notice_version, notice_hash, collected_by, ip_hash, ua_hash, at, recorded_at, recorded_by, request_id FROM consent_events WHERE action = 'withdraw'"
	tamper := []string{
		"UPDATE consent_events SET action='grant'",
		"UPDATE consent_events SET action='withdraw' WHERE seq = (SELECT MAX(seq) FROM consent_events)",
		"DELETE FROM consent_events",
		"DELETE FROM consent_events WHERE seq = (SELECT MIN(seq) FROM consent_events)",
		// An upsert that turns a withdrawal into a grant.
		"INSERT INTO consent_events (" + cols + ") " + flipped + " ON CONFLICT (seq) DO UPDATE SET action = 'grant'",
	}
	if e.engine == store.SQLite {
		// REPLACE deletes the old row without firing delete triggers.
		tamper = append(tamper, "INSERT OR REPLACE INTO consent_events ("+cols+") "+flipped)
	} else {
		tamper = append(tamper, "TRUNCATE consent_events") // fires no row triggers
	}
	for _, q := range tamper {
		_, err := raw.Exec(q)
		if err == nil {
			t.Fatalf("%s: the consent ledger accepted it", q)
		}
		if !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("%s: unexpected error %v", q, err)
		}
	}
	if n := rawCount(t, raw, "consent_events"); n != count {
		t.Fatalf("consent events: %d after tampering, %d before", n, count)
	}
	if n := rawCount(t, raw, "ledger_maintenance"); n != 0 {
		t.Fatalf("ledger_maintenance holds %d rows", n)
	}
	if after := mustHistory(t, e.db, subject); !reflect.DeepEqual(after, before) {
		t.Fatalf("consent history changed by tampering:\n%+v\n%+v", before, after)
	}
}

// TestConsentLedgerAppendOnly: the storage layer itself refuses updates and
// deletes of consent events, whoever sends them.
func TestConsentLedgerAppendOnly(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		const notice = "We send you offers by e-mail."
		mustAppendConsent(t, e.db, consentEvent("sub_1", "marketing", consent.Grant, notice), notice)
		mustAppendConsent(t, e.db, consentEvent("sub_1", "marketing", consent.Withdraw, ""), "")
		mustAppendConsent(t, e.db, consentEvent("sub_2", "marketing", consent.Grant, notice), notice)
		mustLedgerAppendOnly(t, e, "sub_1")
		mustActive(t, e.db, "sub_1", "marketing", false)
		mustActive(t, e.db, "sub_2", "marketing", true)
		// Appending still works after the refused changes.
		mustAppendConsent(t, e.db, consentEvent("sub_1", "marketing", consent.Grant, notice), notice)
		mustActive(t, e.db, "sub_1", "marketing", true)
	})
}

// TestConsentWithdrawAndNotices: a withdraw needs an active grant; the
// state follows the latest event; history is in seq order; a notice text
// is stored once per hash.
func TestConsentWithdrawAndNotices(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		raw := rawOf(t, e)
		const subject, purpose = "sub_w", "marketing"
		const notice1 = "Version 1: we send you offers by e-mail."
		const notice2 = "Version 2: we send you offers by e-mail and SMS."

		// Withdraw with no event at all: refused, nothing written (also not
		// its notice), and the audit entry records the refusal.
		mustActive(t, e.db, subject, purpose, false)
		entry := &audit.Entry{Actor: "tok_test", Action: "consent.record", Subject: subject, Purpose: purpose}
		_, err := e.db.AppendConsent(ctx, consentEvent(subject, purpose, consent.Withdraw, notice1), notice1, entry)
		wantCode(t, err, apperr.Conflict, "no_active_consent")
		if entry.Status != 409 || entry.Detail != "no_active_consent" {
			t.Fatalf("audit entry of a refused withdraw: %+v", entry)
		}
		if n := rawCount(t, raw, "consent_events"); n != 0 {
			t.Fatalf("refused withdraw wrote %d events", n)
		}
		if n := rawCount(t, raw, "consent_notices"); n != 0 {
			t.Fatalf("refused withdraw wrote %d notices", n)
		}

		g1 := mustAppendConsent(t, e.db, consentEvent(subject, purpose, consent.Grant, notice1), notice1)
		mustActive(t, e.db, subject, purpose, true)
		// A grant for one purpose does not make another active, nor
		// allow withdrawing it.
		mustActive(t, e.db, subject, "analytics", false)
		_, err = e.db.AppendConsent(ctx, consentEvent(subject, "analytics", consent.Withdraw, ""), "", nil)
		wantCode(t, err, apperr.Conflict, "no_active_consent")
		// Nor another subject's.
		_, err = e.db.AppendConsent(ctx, consentEvent("sub_other", purpose, consent.Withdraw, ""), "", nil)
		wantCode(t, err, apperr.Conflict, "no_active_consent")

		w1 := mustAppendConsent(t, e.db, consentEvent(subject, purpose, consent.Withdraw, ""), "")
		mustActive(t, e.db, subject, purpose, false)
		// Withdrawing twice: the second is refused.
		_, err = e.db.AppendConsent(ctx, consentEvent(subject, purpose, consent.Withdraw, ""), "", nil)
		wantCode(t, err, apperr.Conflict, "no_active_consent")
		g2 := mustAppendConsent(t, e.db, consentEvent(subject, purpose, consent.Grant, notice1), notice1)
		mustActive(t, e.db, subject, purpose, true)
		g3 := mustAppendConsent(t, e.db, consentEvent(subject, "sales", consent.Grant, notice2), notice2)
		// A second grant while active is a plain append.
		g4 := mustAppendConsent(t, e.db, consentEvent(subject, purpose, consent.Grant, notice2), notice2)
		mustActive(t, e.db, subject, purpose, true)
		mustActive(t, e.db, subject, "sales", true)

		want := []consent.Event{g1, w1, g2, g3, g4}
		hist := mustHistory(t, e.db, subject)
		if !reflect.DeepEqual(hist, want) {
			t.Fatalf("history:\n got %+v\nwant %+v", hist, want)
		}
		for i := 1; i < len(hist); i++ {
			if hist[i].Seq <= hist[i-1].Seq {
				t.Fatalf("history not in seq order: %d then %d", hist[i-1].Seq, hist[i].Seq)
			}
		}
		if w1.NoticeHash != "" || hist[1].NoticeHash != "" {
			t.Fatalf("withdraw without notice got hash %q", hist[1].NoticeHash)
		}
		if h := mustHistory(t, e.db, "sub_unknown"); len(h) != 0 {
			t.Fatalf("history of an unknown subject: %+v", h)
		}

		// Three grants with notice1, two with notice2: two notice rows.
		if n := rawCount(t, raw, "consent_notices"); n != 2 {
			t.Fatalf("consent_notices holds %d rows, want 2", n)
		}
		notices, err := e.db.ConsentNotices(ctx, []string{noticeHash(notice2), noticeHash(notice1)})
		if err != nil {
			t.Fatal(err)
		}
		wantNotices := []consent.Notice{{Hash: noticeHash(notice2), Text: notice2}, {Hash: noticeHash(notice1), Text: notice1}}
		if !reflect.DeepEqual(notices, wantNotices) {
			t.Fatalf("notices: %+v", notices)
		}
		if ns, err := e.db.ConsentNotices(ctx, nil); err != nil || len(ns) != 0 {
			t.Fatalf("no notices asked: %+v %v", ns, err)
		}
		if _, err := e.db.ConsentNotices(ctx, []string{noticeHash("never stored")}); err == nil {
			t.Fatal("an unknown notice hash was found")
		}
	})
}

// TestConsentConcurrent: grants and withdrawals for one subject and
// purpose race from many goroutines, on two store handles (replicas) of
// one database. Every accepted withdraw follows a grant in ledger order
// and the state is the latest event.
func TestConsentConcurrent(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		const subject, purpose = "sub_race", "marketing"
		const notice = "We send you offers."
		second := e.replica(t)
		dbs := []*store.DB{e.db, second}
		// Another subject's grant: its state must not let this subject's
		// first withdraw through.
		mustAppendConsent(t, e.db, consentEvent("sub_bystander", purpose, consent.Grant, notice), notice)

		const workers, each = 16, 24
		type result struct {
			ev  consent.Event
			err error
		}
		results := make([][]result, workers)
		var wg sync.WaitGroup
		for g := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db := dbs[g%len(dbs)]
				for i := range each {
					action, text := consent.Grant, notice
					if (g+i)%3 != 0 {
						action, text = consent.Withdraw, ""
					}
					ev, err := db.AppendConsent(context.Background(), consentEvent(subject, purpose, action, text), text,
						&audit.Entry{Actor: "tok_test", Action: "consent.record", Subject: subject, Purpose: purpose})
					results[g] = append(results[g], result{ev, err})
				}
			}()
		}
		wg.Wait()

		accepted := map[string]consent.Event{}
		var grants, withdraws, refused int
		for _, rs := range results {
			for _, r := range rs {
				switch {
				case r.err == nil:
					accepted[r.ev.ID] = r.ev
					if r.ev.Action == consent.Grant {
						grants++
					} else {
						withdraws++
					}
				case r.ev.Action == consent.Withdraw && apperr.CodeOf(r.err) == "no_active_consent":
					refused++
				default:
					t.Fatalf("%s: %v", r.ev.Action, r.err)
				}
			}
		}
		// Grants are never refused; withdraws race them.
		if grants != workers*each/3 {
			t.Fatalf("%d grants accepted, want %d", grants, workers*each/3)
		}
		t.Logf("grants %d, withdraws %d, refused withdraws %d", grants, withdraws, refused)

		hist := mustHistory(t, e.db, subject)
		if len(hist) != len(accepted) {
			t.Fatalf("history holds %d events, %d were accepted", len(hist), len(accepted))
		}
		active := false
		var last int64
		for i, ev := range hist {
			if ev.Seq <= last {
				t.Fatalf("event %d: seq %d after %d", i, ev.Seq, last)
			}
			last = ev.Seq
			acc, ok := accepted[ev.ID]
			if !ok || acc.Seq != ev.Seq || acc.Action != ev.Action {
				t.Fatalf("event %d (%s seq %d) was not accepted as such: %+v", i, ev.Action, ev.Seq, acc)
			}
			if ev.Action == consent.Withdraw && !active {
				t.Fatalf("event %d: withdraw at seq %d with no active grant", i, ev.Seq)
			}
			active = ev.Action == consent.Grant
		}
		for _, db := range dbs {
			mustActive(t, db, subject, purpose, active)
		}
		if h := mustHistory(t, second, subject); !reflect.DeepEqual(h, hist) {
			t.Fatal("the replicas read different histories")
		}
		mustVerify(t, e)
	})
}

// replica opens a second store handle on e's database, as another server
// process sharing it would.
func (e *env) replica(t *testing.T) *store.DB {
	t.Helper()
	cfg := store.Config{DataDir: e.dir, AuditKey: e.keys.Derived().AuditChain, DatabaseURL: e.url}
	return e.open(t, cfg)
}

func mustUser(t testing.TB, db *store.DB, email string, role auth.Role) auth.User {
	t.Helper()
	at := microNow()
	u := auth.User{ID: auth.NewID("usr_"), Email: email, DisplayName: "Person " + email, Role: role,
		PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA", CreatedAt: at, UpdatedAt: at}
	if err := db.CreateUser(context.Background(), u, &audit.Entry{Actor: "tok_test", Action: "user.create", RecordID: u.ID}); err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func mustToken(t testing.TB, db *store.DB, name string, role auth.Role, rate int) auth.Token {
	t.Helper()
	tok := auth.Token{ID: auth.NewID("tok_"), Name: name, Role: role, Collections: []string{"customers"}, Purposes: []string{"support"},
		CreatedBy: "system", CreatedAt: microNow(), RateLimit: rate, SecretHash: []byte("secret-hash-" + name)}
	if err := db.CreateToken(context.Background(), tok, nil); err != nil {
		t.Fatalf("create token %s: %v", name, err)
	}
	return tok
}

func mustSession(t testing.TB, db *store.DB, userID, secret string) auth.Session {
	t.Helper()
	at := microNow()
	s := auth.Session{ID: auth.NewID("ses_"), UserID: userID, SecretHash: []byte("session-" + secret), CreatedAt: at, ExpiresAt: at.Add(time.Hour)}
	if err := db.CreateSession(context.Background(), s, nil); err != nil {
		t.Fatalf("create session: %v", err)
	}
	return s
}

// TestUsersAndSessions: unique e-mail addresses, TOTP replay protection,
// single-use recovery codes, session revocation and token blocking.
func TestUsersAndSessions(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ann := mustUser(t, e.db, "ann@example.com", "admin")
		bob := mustUser(t, e.db, "bob@example.com", "support")

		// A second person with Ann's address is refused and not stored.
		dup := auth.User{ID: auth.NewID("usr_"), Email: ann.Email, DisplayName: "Impostor", Role: "admin", CreatedAt: microNow(), UpdatedAt: microNow()}
		wantCode(t, e.db.CreateUser(ctx, dup, nil), apperr.Conflict, "user_exists")
		_, err := e.db.UserByID(ctx, dup.ID)
		wantCode(t, err, apperr.NotFound, "user_not_found")
		got, err := e.db.UserByEmail(ctx, ann.Email)
		if err != nil || got.ID != ann.ID || got.DisplayName != ann.DisplayName || !got.CreatedAt.Equal(ann.CreatedAt) || got.MFAEnabled || got.TOTPLastStep != 0 {
			t.Fatalf("user by e-mail: %+v %v", got, err)
		}
		if us, err := e.db.ListUsers(ctx); err != nil || len(us) != 2 || us[0].ID != ann.ID || us[1].ID != bob.ID {
			t.Fatalf("list users: %+v %v", us, err)
		}

		// TOTP steps only move forward.
		for _, c := range []struct {
			step int64
			ok   bool
		}{{100, true}, {100, false}, {99, false}, {0, false}, {101, true}, {250, true}, {101, false}} {
			ok, err := e.db.AdvanceTOTPStep(ctx, ann.ID, c.step)
			if err != nil || ok != c.ok {
				t.Fatalf("advance TOTP step to %d: %v %v, want %v", c.step, ok, err, c.ok)
			}
		}
		if got, _ := e.db.UserByID(ctx, ann.ID); got.TOTPLastStep != 250 {
			t.Fatalf("last TOTP step %d", got.TOTPLastStep)
		}
		if ok, err := e.db.AdvanceTOTPStep(ctx, "usr_missing", 1); ok || err != nil {
			t.Fatalf("advance an unknown person's step: %v %v", ok, err)
		}
		// UpdateUser leaves the step alone.
		stored, _ := e.db.UserByID(ctx, ann.ID)
		ann.DisplayName = "Ann A."
		ann.UpdatedAt = stored.UpdatedAt.Add(time.Millisecond)
		if err := e.db.UpdateUser(ctx, ann, stored.UpdatedAt, nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.db.UserByID(ctx, ann.ID); got.TOTPLastStep != 250 || got.DisplayName != "Ann A." {
			t.Fatalf("after update: %+v", got)
		}
		// A write from a copy read before that one is refused: it would
		// undo the change (QA: a password change undid an offboarding).
		stale := ann
		stale.DisplayName, stale.UpdatedAt = "Stale", ann.UpdatedAt.Add(time.Millisecond)
		if err := e.db.UpdateUser(ctx, stale, stored.UpdatedAt, nil); !errors.Is(err, auth.ErrUserChanged) {
			t.Fatalf("a write of a stale copy: %v, want ErrUserChanged", err)
		}
		missing := ann
		missing.ID = "usr_missing"
		if err := e.db.UpdateUser(ctx, missing, ann.UpdatedAt, nil); apperr.CodeOf(err) != "user_not_found" {
			t.Fatalf("a write of an unknown person: %v, want user_not_found", err)
		}
		// The same code presented at once, on two replicas: one wins.
		second := e.replica(t)
		for round, step := range []int64{300, 301, 400} {
			wins := raceCount(16, func(i int) bool {
				db := e.db
				if i%2 == 1 {
					db = second
				}
				ok, err := db.AdvanceTOTPStep(ctx, ann.ID, step)
				if err != nil {
					t.Errorf("advance TOTP step: %v", err)
				}
				return ok
			})
			if wins != 1 {
				t.Fatalf("round %d: %d goroutines advanced to step %d", round, wins, step)
			}
		}

		// Recovery codes: each works once, only for its owner.
		codes := [][]byte{[]byte("code-hash-0"), []byte("code-hash-1"), []byte("code-hash-2")}
		if err := e.db.ReplaceRecoveryCodes(ctx, ann.ID, codes, nil); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			user string
			code []byte
			ok   bool
		}{{ann.ID, codes[0], true}, {ann.ID, codes[0], false}, {bob.ID, codes[1], false}, {ann.ID, []byte("code-hash-x"), false}, {ann.ID, codes[1], true}} {
			ok, err := e.db.UseRecoveryCode(ctx, c.user, c.code, microNow())
			if err != nil || ok != c.ok {
				t.Fatalf("use recovery code %s for %s: %v %v, want %v", c.code, c.user, ok, err, c.ok)
			}
		}
		if wins := raceCount(16, func(int) bool {
			ok, err := e.db.UseRecoveryCode(ctx, ann.ID, codes[2], microNow())
			if err != nil {
				t.Errorf("use recovery code: %v", err)
			}
			return ok
		}); wins != 1 {
			t.Fatalf("one recovery code was used %d times", wins)
		}
		// New codes replace the old, used or not.
		fresh := [][]byte{[]byte("code-hash-3")}
		if err := e.db.ReplaceRecoveryCodes(ctx, ann.ID, fresh, nil); err != nil {
			t.Fatal(err)
		}
		if ok, _ := e.db.UseRecoveryCode(ctx, ann.ID, codes[2], microNow()); ok {
			t.Fatal("a replaced recovery code still works")
		}
		if ok, err := e.db.UseRecoveryCode(ctx, ann.ID, fresh[0], microNow()); !ok || err != nil {
			t.Fatalf("new recovery code: %v %v", ok, err)
		}

		// Sessions: revoking a person's sessions leaves others' alone.
		s1, s2, s3 := mustSession(t, e.db, ann.ID, "a1"), mustSession(t, e.db, ann.ID, "a2"), mustSession(t, e.db, bob.ID, "b1")
		if err := e.db.CreateSession(ctx, auth.Session{ID: auth.NewID("ses_"), UserID: "usr_missing", SecretHash: []byte("orphan"), CreatedAt: microNow(), ExpiresAt: microNow().Add(time.Hour)}, nil); err == nil {
			t.Fatal("a session for an unknown person was stored")
		}
		if err := e.db.SetSessionMFA(ctx, s1.ID); err != nil {
			t.Fatal(err)
		}
		revokedAt := microNow()
		if err := e.db.RevokeUserSessions(ctx, ann.ID, revokedAt); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			s       auth.Session
			revoked bool
			mfa     bool
		}{{s1, true, true}, {s2, true, false}, {s3, false, false}} {
			got, err := e.db.SessionByHash(ctx, c.s.SecretHash)
			if err != nil || got.ID != c.s.ID || got.UserID != c.s.UserID || got.MFA != c.mfa || !got.ExpiresAt.Equal(c.s.ExpiresAt) {
				t.Fatalf("session %s: %+v %v", c.s.ID, got, err)
			}
			if c.revoked != (got.RevokedAt != nil) || (c.revoked && !got.RevokedAt.Equal(revokedAt)) {
				t.Fatalf("session %s revoked at %v, want revoked %v", c.s.ID, got.RevokedAt, c.revoked)
			}
		}
		wantCode(t, e.db.RevokeSession(ctx, s1.ID, microNow(), nil), apperr.NotFound, "session_not_found")
		if err := e.db.RevokeSession(ctx, s3.ID, microNow(), nil); err != nil {
			t.Fatal(err)
		}
		_, err = e.db.SessionByHash(ctx, []byte("no such session"))
		wantCode(t, err, apperr.NotFound, "session_not_found")

		// Token blocking round-trips, as does the rate limit.
		tok := mustToken(t, e.db, "crm", "support", 25)
		got2, err := e.db.TokenByHash(ctx, tok.SecretHash)
		if err != nil || got2.BlockedAt != nil || got2.RateLimit != 25 {
			t.Fatalf("new token: %+v %v", got2, err)
		}
		blockedAt := microNow()
		if err := e.db.SetTokenBlocked(ctx, tok.ID, &blockedAt); err != nil {
			t.Fatal(err)
		}
		got2, err = e.db.TokenByHash(ctx, tok.SecretHash)
		if err != nil || got2.BlockedAt == nil || !got2.BlockedAt.Equal(blockedAt) || got2.RevokedAt != nil {
			t.Fatalf("blocked token: %+v %v", got2, err)
		}
		if err := e.db.SetTokenBlocked(ctx, tok.ID, nil); err != nil {
			t.Fatal(err)
		}
		if got2, err = e.db.TokenByHash(ctx, tok.SecretHash); err != nil || got2.BlockedAt != nil || got2.RateLimit != 25 {
			t.Fatalf("unblocked token: %+v %v", got2, err)
		}
		wantCode(t, e.db.SetTokenBlocked(ctx, "tok_missing", &blockedAt), apperr.NotFound, "token_not_found")
		mustVerify(t, e)
	})
}

// raceCount runs fn on n goroutines released together and counts trues.
func raceCount(n int, fn func(i int) bool) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := make(chan struct{})
	wins := 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if fn(i) {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	return wins
}

func analystRole() access.Role {
	mfa := true
	return access.Role{
		Name: "analyst", Description: "Reads contact data masked.",
		Permissions: []auth.Permission{auth.PermSchemaRead, auth.PermConsentsRead},
		Grants: []access.Grant{
			{Collection: "customers", Category: "user.contact", Read: access.ReadMasked},
			{Collection: "customers", Field: "name", Read: access.ReadFull, Write: true},
		},
		RequireMFA: &mfa, RequireTraining: true,
	}
}

// TestRolesAndPurposes: creating a role twice conflicts, a role still held
// cannot be deleted, and default purposes seed only an empty table.
func TestRolesAndPurposes(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		role := analystRole()
		at := microNow()
		if err := e.db.PutRole(ctx, role, true, at, nil); err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.db.PutRole(ctx, role, true, at, nil), apperr.Conflict, "role_exists")
		if rs, err := e.db.ListRoles(ctx); err != nil || len(rs) != 1 || !reflect.DeepEqual(rs[0], role) {
			t.Fatalf("roles: %+v %v", rs, err)
		}
		role.Description = "Replaced."
		role.RequireTraining = false
		if err := e.db.PutRole(ctx, role, false, at.Add(time.Second), nil); err != nil {
			t.Fatal(err)
		}
		other := access.Role{Name: "auditor", Permissions: []auth.Permission{auth.PermAuditRead}, Grants: []access.Grant{}}
		if err := e.db.PutRole(ctx, other, false, at, nil); err != nil {
			t.Fatal(err)
		}
		if rs, err := e.db.ListRoles(ctx); err != nil || len(rs) != 2 || !reflect.DeepEqual(rs[0], role) || rs[1].Name != "auditor" {
			t.Fatalf("roles after replace: %+v %v", rs, err)
		}

		// Held by a person: refused.
		u := mustUser(t, e.db, "analyst@example.com", "analyst")
		wantCode(t, e.db.DeleteRole(ctx, "analyst", nil), apperr.Conflict, "role_in_use")
		u.Role = "support"
		prev := u.UpdatedAt
		u.UpdatedAt = prev.Add(time.Millisecond)
		if err := e.db.UpdateUser(ctx, u, prev, nil); err != nil {
			t.Fatal(err)
		}
		// Held by an active token: refused; by a revoked one: allowed.
		tok := mustToken(t, e.db, "bi", "analyst", 0)
		wantCode(t, e.db.DeleteRole(ctx, "analyst", nil), apperr.Conflict, "role_in_use")
		if rs, _ := e.db.ListRoles(ctx); len(rs) != 2 {
			t.Fatalf("a refused delete removed the role: %+v", rs)
		}
		if err := e.db.RevokeToken(ctx, tok.ID, microNow(), nil); err != nil {
			t.Fatal(err)
		}
		if err := e.db.DeleteRole(ctx, "analyst", &audit.Entry{Actor: "tok_test", Action: "role.delete", RecordID: "analyst"}); err != nil {
			t.Fatalf("delete role no one holds: %v", err)
		}
		wantCode(t, e.db.DeleteRole(ctx, "analyst", nil), apperr.NotFound, "role_not_found")
		if rs, err := e.db.ListRoles(ctx); err != nil || len(rs) != 1 || rs[0].Name != "auditor" {
			t.Fatalf("roles after delete: %+v %v", rs, err)
		}

		// Purposes: a fresh store has none; seeding fills an empty table
		// once.
		if ps, err := e.db.ListPurposes(ctx); err != nil || len(ps) != 0 {
			t.Fatalf("purposes of a fresh store: %+v %v", ps, err)
		}
		defaults := access.DefaultPurposes()
		seededAt := microNow()
		if err := e.db.SeedPurposes(ctx, defaults, seededAt); err != nil {
			t.Fatal(err)
		}
		ps, err := e.db.ListPurposes(ctx)
		if err != nil || len(ps) != len(defaults) {
			t.Fatalf("seeded purposes: %+v %v", ps, err)
		}
		byName := map[string]access.Purpose{}
		for _, p := range ps {
			byName[p.Name] = p
		}
		for _, d := range defaults {
			p := byName[d.Name]
			if p.Description != d.Description || p.LegalBasis != d.LegalBasis || !reflect.DeepEqual(p.Roles, d.Roles) ||
				!p.CreatedAt.Equal(seededAt) || !p.UpdatedAt.Equal(seededAt) {
				t.Fatalf("seeded purpose %s: %+v", d.Name, p)
			}
		}
		// Seeding again, with changed or new purposes, changes nothing.
		changed := access.DefaultPurposes()
		changed[0].Description = "changed"
		changed = append(changed, access.Purpose{Name: "research", Description: "New.", LegalBasis: access.BasisConsent, Roles: []string{}})
		if err := e.db.SeedPurposes(ctx, changed, microNow()); err != nil {
			t.Fatal(err)
		}
		if again, err := e.db.ListPurposes(ctx); err != nil || !reflect.DeepEqual(again, ps) {
			t.Fatalf("purposes after a second seed: %+v %v", again, err)
		}
		p := access.Purpose{Name: "research", Description: "Studies.", LegalBasis: access.BasisConsent, Roles: []string{"auditor"}, CreatedAt: microNow(), UpdatedAt: microNow()}
		if err := e.db.PutPurpose(ctx, p, true, nil); err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.db.PutPurpose(ctx, p, true, nil), apperr.Conflict, "purpose_exists")

		// A store with any purpose, even a single custom one, is not seeded.
		peer := e.peer(t)
		if err := peer.db.PutPurpose(ctx, p, true, nil); err != nil {
			t.Fatal(err)
		}
		if err := peer.db.SeedPurposes(ctx, defaults, microNow()); err != nil {
			t.Fatal(err)
		}
		if ps, err := peer.db.ListPurposes(ctx); err != nil || len(ps) != 1 || ps[0].Name != "research" {
			t.Fatalf("seed into a non-empty table: %+v %v", ps, err)
		}
		mustVerify(t, e)
	})
}

// accessState is everything the access tables hold, as read through the
// store.
type accessState struct {
	Users     []auth.User
	Training  []auth.TrainingRecord
	Consent   map[string][]consent.Event
	Notices   []consent.Notice
	Alerts    []store.StoredAlert
	Roles     []access.Role
	Purposes  []access.Purpose
	Tokens    []auth.Token
	MaxSeq    int64
	EventRows int64
}

func readAccessState(t *testing.T, e *env, subjects []string, notices []string) accessState {
	t.Helper()
	ctx := context.Background()
	var s accessState
	var err error
	if s.Users, err = e.db.ListUsers(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Training, err = e.db.ListTraining(ctx, ""); err != nil {
		t.Fatal(err)
	}
	s.Consent = map[string][]consent.Event{}
	for _, sub := range subjects {
		s.Consent[sub] = mustHistory(t, e.db, sub)
		for _, ev := range s.Consent[sub] {
			s.MaxSeq = max(s.MaxSeq, ev.Seq)
		}
	}
	if s.Notices, err = e.db.ConsentNotices(ctx, notices); err != nil {
		t.Fatal(err)
	}
	if s.Alerts, err = e.db.ListAlerts(ctx, false, 100); err != nil {
		t.Fatal(err)
	}
	if s.Roles, err = e.db.ListRoles(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Purposes, err = e.db.ListPurposes(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Tokens, err = e.db.ListTokens(ctx); err != nil {
		t.Fatal(err)
	}
	s.EventRows = rawCount(t, rawOf(t, e), "consent_events")
	return s
}

// TestBackupRestoreAccess: a backup carries people, recovery codes,
// training, the consent ledger with its notices, alerts, roles, purposes
// and token settings; a forced restore into another database of the same
// engine reproduces them exactly, keeps the ledger append-only and lets it
// grow past the restored events. Sessions are not in backups.
func TestBackupRestoreAccess(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustCollections(t, e.vault)
		subA := mustCreate(t, e.vault, customer(1)).Subject
		subB := mustCreate(t, e.vault, customer(2)).Subject

		if err := e.db.SeedPurposes(ctx, access.DefaultPurposes(), microNow()); err != nil {
			t.Fatal(err)
		}
		if err := e.db.PutRole(ctx, analystRole(), true, microNow(), nil); err != nil {
			t.Fatal(err)
		}
		if err := e.db.PutPurpose(ctx, access.Purpose{Name: "research", Description: "Studies.", LegalBasis: access.BasisConsent,
			Roles: []string{"analyst"}, CreatedAt: microNow(), UpdatedAt: microNow()}, true, nil); err != nil {
			t.Fatal(err)
		}

		ann := mustUser(t, e.db, "ann@example.com", "analyst")
		bob := mustUser(t, e.db, "bob@example.com", "admin")
		ann.TOTPSecret, ann.TOTPPending = []byte{0, 1, 2, 0xfe, 0xff}, []byte("pending-sealed")
		disabled := microNow().Add(-time.Minute)
		prev := ann.UpdatedAt
		ann.DisabledAt, ann.BlockedAt, ann.UpdatedAt = &disabled, &disabled, prev.Add(time.Millisecond)
		if err := e.db.UpdateUser(ctx, ann, prev, nil); err != nil {
			t.Fatal(err)
		}
		if ok, err := e.db.AdvanceTOTPStep(ctx, ann.ID, 58_000_123); !ok || err != nil {
			t.Fatalf("advance step: %v %v", ok, err)
		}
		codes := [][]byte{[]byte("rc-0"), []byte("rc-1"), []byte("rc-2")}
		if err := e.db.ReplaceRecoveryCodes(ctx, ann.ID, codes, nil); err != nil {
			t.Fatal(err)
		}
		if ok, _ := e.db.UseRecoveryCode(ctx, ann.ID, codes[0], microNow()); !ok {
			t.Fatal("use recovery code")
		}
		expires := microNow().Add(365 * 24 * time.Hour)
		for i, tr := range []auth.TrainingRecord{
			{UserID: ann.ID, Course: "gdpr-basics", CompletedAt: microNow().Add(-48 * time.Hour), ExpiresAt: &expires},
			{UserID: ann.ID, Course: "pdpd-13", CompletedAt: microNow().Add(-24 * time.Hour)},
			{UserID: bob.ID, Course: "gdpr-basics", CompletedAt: microNow().Add(-time.Hour)},
		} {
			tr.ID, tr.RecordedBy, tr.CreatedAt = fmt.Sprintf("trn_%d", i), "tok_test", microNow()
			if err := e.db.AddTraining(ctx, tr, nil); err != nil {
				t.Fatal(err)
			}
		}

		const n1, n2 = "Notice one: offers by e-mail.", "Notice two: offers by SMS."
		for _, c := range []struct{ sub, purpose, action, notice string }{
			{subA, "marketing", consent.Grant, n1},
			{subB, "marketing", consent.Grant, n1},
			{subA, "marketing", consent.Withdraw, ""},
			{subA, "analytics", consent.Grant, n2},
			{subA, "marketing", consent.Grant, n2},
			{subB, "marketing", consent.Withdraw, ""},
		} {
			mustAppendConsent(t, e.db, consentEvent(c.sub, c.purpose, c.action, c.notice), c.notice)
		}

		for i, a := range []detect.Alert{
			{ID: "alr_1", At: microNow().Add(-time.Minute), Kind: detect.KindBulkRead, Severity: detect.SeverityWarning, Principal: "tok_x", Message: "many reads", Data: map[string]string{"reads": "900"}},
			{ID: "alr_2", At: microNow(), Kind: detect.KindBruteForceAccount, Severity: detect.SeverityCritical, Message: "locked out"},
		} {
			if err := e.db.SaveAlert(ctx, a); err != nil {
				t.Fatalf("alert %d: %v", i, err)
			}
		}
		if _, err := e.db.ClearAlert(ctx, "alr_1", "usr_dpo", microNow()); err != nil {
			t.Fatal(err)
		}

		tok := mustToken(t, e.db, "crm", "analyst", 40)
		blockedAt := microNow()
		if err := e.db.SetTokenBlocked(ctx, tok.ID, &blockedAt); err != nil {
			t.Fatal(err)
		}
		mustToken(t, e.db, "etl", "admin", 0)
		sess := mustSession(t, e.db, bob.ID, "bob")

		subjects := []string{subA, subB}
		notices := []string{noticeHash(n1), noticeHash(n2)}
		want := readAccessState(t, e, subjects, notices)
		if len(want.Users) != 2 || len(want.Training) != 3 || len(want.Consent[subA]) != 4 || len(want.Consent[subB]) != 2 ||
			len(want.Alerts) != 2 || len(want.Roles) != 1 || len(want.Purposes) != len(access.DefaultPurposes())+1 || len(want.Tokens) != 2 {
			t.Fatalf("source state: %+v", want)
		}

		var buf bytes.Buffer
		stats, err := e.db.Backup(ctx, &buf, "k1", true)
		if err != nil {
			t.Fatal(err)
		}
		for table, n := range map[string]int64{"users": 2, "recovery_codes": 3, "training": 3, "consent_notices": 2,
			"consent_events": 6, "alerts": 2, "roles": 1, "purposes": int64(len(want.Purposes)), "api_tokens": 2} {
			if stats.Rows[table] != n {
				t.Fatalf("backup of %s: %d rows, want %d (%+v)", table, stats.Rows[table], n, stats.Rows)
			}
		}
		if _, ok := stats.Rows["sessions"]; ok {
			t.Fatal("the backup holds sessions")
		}

		// The target already has a person, a session and a short ledger of
		// its own: the restore must replace the ledger (through the
		// maintenance row), and move the next seq past the restored ones
		// although the target's own counter is behind them.
		fresh := e.peer(t)
		carol := mustUser(t, fresh.db, "carol@example.com", "admin")
		carolSess := mustSession(t, fresh.db, carol.ID, "carol")
		mustAppendConsent(t, fresh.db, consentEvent("sub_local", "marketing", consent.Grant, ""), "")
		mustAppendConsent(t, fresh.db, consentEvent("sub_local", "marketing", consent.Withdraw, ""), "")
		if _, err := fresh.db.Restore(ctx, bytes.NewReader(buf.Bytes()), "k1", true, nil); err != nil {
			t.Fatalf("restore: %v", err)
		}

		got := readAccessState(t, fresh, subjects, notices)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("restored state differs:\n got %+v\nwant %+v", got, want)
		}
		if h := mustHistory(t, fresh.db, "sub_local"); len(h) != 0 {
			t.Fatalf("the target's own ledger survived the restore: %+v", h)
		}
		if _, err := fresh.db.UserByEmail(ctx, carol.Email); apperr.CodeOf(err) != "user_not_found" {
			t.Fatalf("the target's own person survived the restore: %v", err)
		}
		for _, s := range []auth.Session{sess, carolSess} {
			_, err := fresh.db.SessionByHash(ctx, s.SecretHash)
			wantCode(t, err, apperr.NotFound, "session_not_found")
		}
		restoredTok, err := fresh.db.TokenByHash(ctx, tok.SecretHash)
		if err != nil || restoredTok.RateLimit != 40 || restoredTok.BlockedAt == nil || !restoredTok.BlockedAt.Equal(blockedAt) {
			t.Fatalf("restored token: %+v %v", restoredTok, err)
		}
		for _, c := range []struct {
			code []byte
			ok   bool
		}{{codes[0], false}, {codes[1], true}, {codes[1], false}, {codes[2], true}} {
			if ok, err := fresh.db.UseRecoveryCode(ctx, ann.ID, c.code, microNow()); ok != c.ok || err != nil {
				t.Fatalf("restored recovery code %s: %v %v, want %v", c.code, ok, err, c.ok)
			}
		}
		if ok, err := fresh.db.AdvanceTOTPStep(ctx, ann.ID, 58_000_123); ok || err != nil {
			t.Fatalf("restored TOTP step accepted again: %v %v", ok, err)
		}
		if cur, err := fresh.db.TrainingCurrent(ctx, ann.ID, microNow()); !cur || err != nil {
			t.Fatalf("restored training: %v %v", cur, err)
		}
		mustActive(t, fresh.db, subA, "marketing", true)
		mustActive(t, fresh.db, subA, "analytics", true)
		mustActive(t, fresh.db, subB, "marketing", false)

		// Still append-only, and the ledger grows past the restored seq.
		mustLedgerAppendOnly(t, fresh, subA)
		next := mustAppendConsent(t, fresh.db, consentEvent(subB, "marketing", consent.Grant, n1), n1)
		if next.Seq <= want.MaxSeq {
			t.Fatalf("new event after restore got seq %d, restored ones go up to %d", next.Seq, want.MaxSeq)
		}
		_, err = fresh.db.AppendConsent(ctx, consentEvent(subA, "analytics", consent.Withdraw, ""), "", nil)
		if err != nil {
			t.Fatalf("withdraw a restored grant: %v", err)
		}
		mustActive(t, fresh.db, subA, "analytics", false)
		if h := mustHistory(t, fresh.db, subB); len(h) != 3 || h[2].ID != next.ID {
			t.Fatalf("history after restore: %+v", h)
		}
		if n := rawCount(t, rawOf(t, fresh), "consent_notices"); n != 2 {
			t.Fatalf("consent_notices after restore and a grant with a known notice: %d", n)
		}
		mustVerify(t, fresh)
	})
}

// TestTryExclusive: on PostgreSQL only one replica runs a scheduled job at
// a time; on SQLite the job always runs.
func TestTryExclusive(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if e.engine != store.Postgres {
			ran, err := e.db.TryExclusive(ctx, 42, func(context.Context) error { return nil })
			if !ran || err != nil {
				t.Fatalf("SQLite job: ran %v, %v", ran, err)
			}
			return
		}
		other := e.replica(t)
		inside, release := make(chan struct{}), make(chan struct{})
		done := make(chan bool)
		go func() {
			ran, err := e.db.TryExclusive(ctx, 42, func(context.Context) error {
				close(inside)
				<-release
				return nil
			})
			if err != nil {
				t.Error(err)
			}
			done <- ran
		}()
		<-inside
		ran, err := other.TryExclusive(ctx, 42, func(context.Context) error { return nil })
		if ran || err != nil {
			t.Errorf("second replica ran the job while the first held it: %v %v", ran, err)
		}
		close(release)
		if !<-done {
			t.Error("the first replica did not run the job")
		}
		ran, err = other.TryExclusive(ctx, 42, func(context.Context) error { return nil })
		if !ran || err != nil {
			t.Errorf("after release the second replica could not run the job: %v %v", ran, err)
		}
	})
}

// TestTryLock: a lock held past the call (an import job) keeps another
// replica out until it is released; on SQLite it is always granted.
func TestTryLock(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		release, ok, err := e.db.TryLock(ctx, 4242)
		if !ok || err != nil {
			t.Fatalf("first lock: %v %v", ok, err)
		}
		if e.engine != store.Postgres {
			release()
			return
		}
		other := e.replica(t)
		if _, ok, err := other.TryLock(ctx, 4242); ok || err != nil {
			t.Fatalf("second replica got the lock while the first held it: %v %v", ok, err)
		}
		release()
		again, ok, err := other.TryLock(ctx, 4242)
		if !ok || err != nil {
			t.Fatalf("after release the second replica could not lock: %v %v", ok, err)
		}
		again()
	})
}

// TestConsentNoticesImmutable: the storage layer refuses changes to a
// stored notice text, and a text altered anyway (under the restore's
// maintenance row, as only a restore may) is not shown as proof.
func TestConsentNoticesImmutable(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		raw := rawOf(t, e)
		const notice = "We may e-mail you offers."
		ev := mustAppendConsent(t, e.db, consentEvent("sub_n", "marketing", consent.Grant, notice), notice)
		tamper := []string{"UPDATE consent_notices SET text = 'We may sell your data to anyone.'", "DELETE FROM consent_notices"}
		if e.engine == store.Postgres {
			tamper = append(tamper, "TRUNCATE consent_notices")
		}
		for _, q := range tamper {
			if _, err := raw.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("%s: %v", q, err)
			}
		}
		got, err := e.db.ConsentNotices(ctx, []string{ev.NoticeHash})
		if err != nil || len(got) != 1 || got[0].Text != notice {
			t.Fatalf("notice after refused changes: %+v %v", got, err)
		}
		for _, q := range []string{"INSERT INTO ledger_maintenance (active) VALUES (1)", "UPDATE consent_notices SET text = 'We may sell your data to anyone.'", "DELETE FROM ledger_maintenance"} {
			if _, err := raw.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		_, err = e.db.ConsentNotices(ctx, []string{ev.NoticeHash})
		wantCode(t, err, apperr.Internal, "notice_altered")
	})
}

// TestTrainingState: a person with no record, one whose training expired
// and one whose training is current, on both engines.
func TestTrainingState(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		now := microNow()
		never := mustUser(t, e.db, "never@example.com", "support")
		lapsed := mustUser(t, e.db, "lapsed@example.com", "support")
		current := mustUser(t, e.db, "current@example.com", "support")
		past := now.Add(-24 * time.Hour)
		for i, rec := range []auth.TrainingRecord{
			{UserID: lapsed.ID, Course: "privacy", CompletedAt: now.AddDate(-2, 0, 0), ExpiresAt: &past},
			{UserID: current.ID, Course: "privacy", CompletedAt: now.AddDate(0, -1, 0)},
		} {
			rec.ID, rec.RecordedBy, rec.CreatedAt = fmt.Sprintf("trn_%d", i), "test", now
			if err := e.db.AddTraining(ctx, rec, nil); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			who       auth.User
			cur, some bool
		}{{never, false, false}, {lapsed, false, true}, {current, true, true}} {
			cur, some, err := e.db.TrainingState(ctx, c.who.ID, now)
			if err != nil || cur != c.cur || some != c.some {
				t.Errorf("%s: current %v, any %v, %v; want %v %v", c.who.Email, cur, some, err, c.cur, c.some)
			}
		}
	})
}
