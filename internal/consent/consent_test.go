package consent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/keys"
)

// testNow is the clock of the tests: a fixed instant with sub-microsecond
// digits, so truncation shows.
var testNow = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.FixedZone("ICT", 7*3600))

func testKey(t testing.TB) keys.Secret {
	t.Helper()
	k, err := keys.NewRandomSecret(32)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func macHex(k MACer, label, v string) string {
	return hex.EncodeToString(k.MAC([]byte(label), []byte(v)))
}

// validGrant is a request that buildEvent accepts.
func validGrant() Request {
	return Request{
		Purpose:       "marketing",
		Action:        Grant,
		Method:        "checkbox",
		NoticeVersion: "2025-01",
		NoticeText:    "We will send you offers by e-mail. You can withdraw at any time.",
		Channel:       "web",
		CollectedBy:   "signup-form",
		IP:            "203.0.113.7",
		UserAgent:     "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0",
	}
}

func TestBuildEvent(t *testing.T) {
	key := testKey(t)
	l := NewLedger(nil, key, nil)
	long := func(n int) string { return strings.Repeat("x", n) }
	nowUTC := testNow.UTC().Truncate(time.Microsecond)

	tests := []struct {
		name  string
		edit  func(r *Request)
		code  string                       // expected error code; "" for success
		check func(t *testing.T, ev Event) // extra checks on success
	}{
		{name: "grant", edit: func(*Request) {}},
		{name: "withdraw without notice text", edit: func(r *Request) { r.Action, r.NoticeText = Withdraw, "" },
			check: func(t *testing.T, ev Event) {
				if ev.Action != Withdraw || ev.NoticeHash != "" {
					t.Errorf("action %q notice hash %q, want withdraw and no hash", ev.Action, ev.NoticeHash)
				}
			}},
		{name: "withdraw with notice text", edit: func(r *Request) { r.Action = Withdraw },
			check: func(t *testing.T, ev Event) {
				if ev.NoticeHash == "" {
					t.Error("a withdraw's notice text is hashed too")
				}
			}},
		{name: "action trimmed", edit: func(r *Request) { r.Action = "  grant\t" },
			check: func(t *testing.T, ev Event) {
				if ev.Action != Grant {
					t.Errorf("action %q", ev.Action)
				}
			}},
		{name: "action empty", edit: func(r *Request) { r.Action = "" }, code: "invalid_action"},
		{name: "action upper case", edit: func(r *Request) { r.Action = "GRANT" }, code: "invalid_action"},
		{name: "action unknown", edit: func(r *Request) { r.Action = "revoke" }, code: "invalid_action"},

		{name: "channel folded", edit: func(r *Request) { r.Channel = "  Zalo " },
			check: func(t *testing.T, ev Event) {
				if ev.Channel != "zalo" {
					t.Errorf("channel %q, want zalo", ev.Channel)
				}
			}},
		{name: "channel custom", edit: func(r *Request) { r.Channel = "kiosk_2" }},
		{name: "channel 32 chars", edit: func(r *Request) { r.Channel = "k" + long(31) }},
		{name: "channel 33 chars", edit: func(r *Request) { r.Channel = "k" + long(32) }, code: "invalid_channel"},
		{name: "channel empty", edit: func(r *Request) { r.Channel = "" }, code: "invalid_channel"},
		{name: "channel digit first", edit: func(r *Request) { r.Channel = "1web" }, code: "invalid_channel"},
		{name: "channel hyphen", edit: func(r *Request) { r.Channel = "in-person" }, code: "invalid_channel"},
		{name: "channel space inside", edit: func(r *Request) { r.Channel = "in person" }, code: "invalid_channel"},
		{name: "channel newline", edit: func(r *Request) { r.Channel = "web\nx" }, code: "invalid_channel"},

		{name: "method missing", edit: func(r *Request) { r.Method = "" }, code: "invalid_method"},
		{name: "method blank", edit: func(r *Request) { r.Method = " \t " }, code: "invalid_method"},
		{name: "method 200", edit: func(r *Request) { r.Method = long(200) }},
		{name: "method 201", edit: func(r *Request) { r.Method = long(201) }, code: "invalid_method"},
		{name: "collected_by missing", edit: func(r *Request) { r.CollectedBy = "" }, code: "invalid_collected_by"},
		{name: "collected_by 201", edit: func(r *Request) { r.CollectedBy = long(201) }, code: "invalid_collected_by"},
		{name: "notice_version missing", edit: func(r *Request) { r.NoticeVersion = "  " }, code: "invalid_notice_version"},
		{name: "notice_version 201", edit: func(r *Request) { r.NoticeVersion = long(201) }, code: "invalid_notice_version"},
		{name: "fields trimmed", edit: func(r *Request) { r.Method, r.CollectedBy, r.NoticeVersion = " checkbox ", "\tform\n", " v1 " },
			check: func(t *testing.T, ev Event) {
				if ev.Method != "checkbox" || ev.CollectedBy != "form" || ev.NoticeVersion != "v1" {
					t.Errorf("not trimmed: %q %q %q", ev.Method, ev.CollectedBy, ev.NoticeVersion)
				}
			}},

		{name: "grant notice text missing", edit: func(r *Request) { r.NoticeText = "" }, code: "notice_text_required"},
		{name: "grant notice text blank", edit: func(r *Request) { r.NoticeText = " \n " }, code: "notice_text_required"},

		{name: "notice text 100000", edit: func(r *Request) { r.NoticeText = long(100_000) }},
		{name: "notice text 100001", edit: func(r *Request) { r.NoticeText = long(100_001) }, code: "too_long"},
		{name: "ip 101", edit: func(r *Request) { r.IP = long(101) }, code: "too_long"},
		{name: "ip not an address", edit: func(r *Request) { r.IP = "not an ip" }, code: "invalid_ip"},
		{name: "ipv6", edit: func(r *Request) { r.IP = "2001:DB8::7" }},
		{name: "user agent 1000", edit: func(r *Request) { r.UserAgent = long(1000) }},
		{name: "user agent 1001", edit: func(r *Request) { r.UserAgent = long(1001) }, code: "too_long"},

		{name: "at defaults to now", edit: func(r *Request) { r.At = time.Time{} },
			check: func(t *testing.T, ev Event) {
				if !ev.At.Equal(nowUTC) || !ev.RecordedAt.Equal(nowUTC) {
					t.Errorf("at %v recorded %v, want %v", ev.At, ev.RecordedAt, nowUTC)
				}
			}},
		{name: "at in the past kept in UTC", edit: func(r *Request) { r.At = testNow.Add(-48*time.Hour + 123) },
			check: func(t *testing.T, ev Event) {
				want := testNow.Add(-48 * time.Hour).UTC().Truncate(time.Microsecond)
				if !ev.At.Equal(want) || ev.At.Location() != time.UTC {
					t.Errorf("at %v, want %v UTC", ev.At, want)
				}
			}},
		{name: "at within clock skew", edit: func(r *Request) { r.At = testNow.Add(5 * time.Minute) }},
		{name: "at in the future", edit: func(r *Request) { r.At = testNow.Add(5*time.Minute + time.Second) }, code: "invalid_at"},
		{name: "at a year ahead", edit: func(r *Request) { r.At = testNow.AddDate(1, 0, 0) }, code: "invalid_at"},

		{name: "ip and user agent absent", edit: func(r *Request) { r.IP, r.UserAgent = "", "" },
			check: func(t *testing.T, ev Event) {
				if ev.IPHash != "" || ev.UAHash != "" {
					t.Errorf("hashes %q %q for absent values", ev.IPHash, ev.UAHash)
				}
			}},
		{name: "blank ip is not hashed", edit: func(r *Request) { r.IP = " \t " },
			check: func(t *testing.T, ev Event) {
				if ev.IPHash != "" {
					t.Errorf("ip hash %q for a blank IP address", ev.IPHash)
				}
			}},
		{name: "ip trimmed before hashing", edit: func(r *Request) { r.IP = "  203.0.113.7\n" },
			check: func(t *testing.T, ev Event) {
				if want := macHex(key, "consent-ip", "203.0.113.7"); ev.IPHash != want {
					t.Errorf("ip hash %q, want %q", ev.IPHash, want)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := validGrant()
			tc.edit(&req)
			ev, err := l.buildEvent("sub_1", req, "user:u_9", "req_42", testNow)
			if tc.code != "" {
				if err == nil {
					t.Fatalf("accepted %+v, want %s", req, tc.code)
				}
				if apperr.KindOf(err) != apperr.Invalid || apperr.CodeOf(err) != tc.code {
					t.Fatalf("error %v (kind %d), want Invalid %s", err, apperr.KindOf(err), tc.code)
				}
				if ev != (Event{}) {
					t.Errorf("an error comes with a zero event, got %+v", ev)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			checkEvent(t, key, req, ev)
			if ev.Seq != 0 {
				t.Errorf("seq %d before storage", ev.Seq)
			}
			if ev.SubjectID != "sub_1" || ev.RecordedBy != "user:u_9" || ev.RequestID != "req_42" || ev.Purpose != req.Purpose {
				t.Errorf("envelope %+v", ev)
			}
			if !ev.RecordedAt.Equal(nowUTC) || ev.RecordedAt.Location() != time.UTC {
				t.Errorf("recorded_at %v, want %v UTC", ev.RecordedAt, nowUTC)
			}
			if tc.check != nil {
				tc.check(t, ev)
			}
		})
	}
}

// checkEvent asserts what holds for every accepted request: a valid action
// and channel, the notice hash, and the IP address and user agent present
// only as keyed hashes.
func checkEvent(t testing.TB, key MACer, req Request, ev Event) {
	t.Helper()
	if ev.Action != Grant && ev.Action != Withdraw {
		t.Errorf("action %q", ev.Action)
	}
	if !channelName.MatchString(ev.Channel) {
		t.Errorf("channel %q", ev.Channel)
	}
	if !strings.HasPrefix(ev.ID, "cev_") || len(ev.ID) != len("cev_")+16 {
		t.Errorf("id %q", ev.ID)
	}
	if req.NoticeText == "" {
		if ev.NoticeHash != "" {
			t.Errorf("notice hash %q without a notice", ev.NoticeHash)
		}
	} else {
		sum := sha256.Sum256([]byte(req.NoticeText))
		if ev.NoticeHash != hex.EncodeToString(sum[:]) {
			t.Errorf("notice hash %q is not the hex SHA-256 of the text", ev.NoticeHash)
		}
	}
	for _, v := range []struct{ label, raw, got string }{
		{"consent-ip", strings.TrimSpace(req.IP), ev.IPHash},
		{"consent-ua", req.UserAgent, ev.UAHash},
	} {
		in := strings.TrimSpace(req.IP) // a blank IP address is no evidence
		if v.label == "consent-ua" {
			in = req.UserAgent
		}
		switch {
		case in == "" && v.got != "":
			t.Errorf("%s: hash %q of nothing", v.label, v.got)
		case in != "" && v.got != macHex(key, v.label, v.raw):
			t.Errorf("%s: %q is not the keyed hash of the value", v.label, v.got)
		}
		if in != "" && len(v.got) != 2*sha256.Size {
			t.Errorf("%s: hash %q is not 64 hex digits", v.label, v.got)
		}
	}
	for _, s := range []string{ev.IPHash, ev.UAHash} {
		if s != "" && !isLowerHex(s) {
			t.Errorf("hash %q is not lower-case hex", s)
		}
	}
}

func isLowerHex(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// withoutDeviceEvidence clears what may differ between two builds of the
// same request with other IP addresses and user agents.
func withoutDeviceEvidence(ev Event) Event {
	ev.ID, ev.IPHash, ev.UAHash = "", "", ""
	return ev
}

func TestBuildEventIPUANeverInClear(t *testing.T) {
	key := testKey(t)
	l := NewLedger(nil, key, nil)
	req := validGrant()
	req.IP = "2001:db8::dead:beef"
	req.UserAgent = "CustodiaTestAgent/1.0 (unique-ua-marker)"
	ev, err := l.buildEvent("sub_1", req, "user:u_9", "req_42", testNow)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{req.IP, req.UserAgent, "unique-ua-marker", "dead:beef"} {
		if strings.Contains(string(b), raw) {
			t.Errorf("event JSON holds %q: %s", raw, b)
		}
	}
	// Keyed: another key gives other hashes, the same key the same ones.
	ev2, _ := NewLedger(nil, testKey(t), nil).buildEvent("sub_1", req, "user:u_9", "req_42", testNow)
	if ev2.IPHash == ev.IPHash || ev2.UAHash == ev.UAHash {
		t.Error("hashes do not depend on the key")
	}
	ev3, _ := l.buildEvent("sub_2", req, "user:u_9", "req_43", testNow)
	if ev3.IPHash != ev.IPHash || ev3.UAHash != ev.UAHash {
		t.Error("the same key gives different hashes")
	}
	// Domain separation: the same string as IP and as user agent hashes differently.
	req.IP, req.UserAgent = "198.51.100.1", "198.51.100.1"
	ev4, _ := l.buildEvent("sub_1", req, "user:u_9", "req_42", testNow)
	if ev4.IPHash == ev4.UAHash {
		t.Error("IP and user agent hashes share a domain")
	}
	// Unkeyed SHA-256 of the IP must not be what is stored.
	sum := sha256.Sum256([]byte(req.IP))
	if ev4.IPHash == hex.EncodeToString(sum[:]) {
		t.Error("the IP hash is unkeyed")
	}
}

func TestBuildEventNoticeHash(t *testing.T) {
	l := NewLedger(nil, testKey(t), nil)
	for _, text := range []string{"x", "Tôi đồng ý nhận thông tin khuyến mãi.", " padded text \n", strings.Repeat("notice ", 1000)} {
		req := validGrant()
		req.NoticeText = text
		ev, err := l.buildEvent("sub_1", req, "r", "", testNow)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(text))
		if want := hex.EncodeToString(sum[:]); ev.NoticeHash != want {
			t.Errorf("notice hash of %.20q = %s, want %s", text, ev.NoticeHash, want)
		}
	}
	// Known answer: SHA-256("abc").
	req := validGrant()
	req.NoticeText = "abc"
	ev, _ := l.buildEvent("sub_1", req, "r", "", testNow)
	if ev.NoticeHash != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("SHA-256(abc) = %s", ev.NoticeHash)
	}
}

func TestBuildEventIDsUnique(t *testing.T) {
	l := NewLedger(nil, testKey(t), nil)
	seen := map[string]bool{}
	for range 1000 {
		ev, err := l.buildEvent("sub_1", validGrant(), "r", "", testNow)
		if err != nil {
			t.Fatal(err)
		}
		if seen[ev.ID] {
			t.Fatalf("duplicate id %s", ev.ID)
		}
		seen[ev.ID] = true
	}
}

// memStore is an in-memory consent Store.
type memStore struct {
	mu       sync.Mutex
	subjects map[string]bool
	events   []Event
	notices  map[string]string
	calls    []string
	failWith error
}

func (m *memStore) AppendConsent(_ context.Context, ev Event, noticeText string, _ *audit.Entry) (Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, "append")
	if m.failWith != nil {
		return Event{}, m.failWith
	}
	ev.Seq = int64(len(m.events) + 1)
	m.events = append(m.events, ev)
	if ev.NoticeHash != "" {
		if m.notices == nil {
			m.notices = map[string]string{}
		}
		m.notices[ev.NoticeHash] = noticeText
	}
	return ev, nil
}

func (m *memStore) ConsentHistory(_ context.Context, subjectID string) ([]Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Event
	for _, ev := range m.events {
		if ev.SubjectID == subjectID {
			out = append(out, ev)
		}
	}
	return out, nil
}

func (m *memStore) ConsentNotices(_ context.Context, hashes []string) ([]Notice, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []Notice{}
	for _, h := range hashes {
		if text, ok := m.notices[h]; ok {
			out = append(out, Notice{Hash: h, Text: text})
		}
	}
	return out, nil
}

func (m *memStore) SubjectExists(_ context.Context, subjectID string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, "exists")
	return m.subjects[subjectID], nil
}

// TestRecord checks Record around buildEvent: the order of its checks and
// what reaches the store.
func TestRecord(t *testing.T) {
	registered := map[string]bool{"marketing": true, "newsletter": true}
	errLookup := errors.New("purpose lookup failed")
	tests := []struct {
		name     string
		subject  string
		edit     func(r *Request)
		purposes PurposeCheck
		kind     apperr.Kind
		code     string
		calls    []string // store calls made
	}{
		{name: "ok", subject: "sub_1", edit: func(*Request) {}, calls: []string{"exists", "append"}},
		{name: "bad action reported before the purpose", subject: "sub_1", edit: func(r *Request) { r.Action, r.Purpose = "nope", "unregistered" },
			kind: apperr.Invalid, code: "invalid_action"},
		{name: "unknown purpose reported before bad fields", subject: "sub_1", edit: func(r *Request) { r.Purpose, r.Channel = "unregistered", "!!" },
			kind: apperr.Invalid, code: "unknown_purpose"},
		{name: "purpose lookup error", subject: "sub_1", edit: func(*Request) {},
			purposes: func(context.Context, string) (bool, error) { return false, errLookup }, kind: apperr.Internal, code: "internal"},
		{name: "invalid field", subject: "sub_1", edit: func(r *Request) { r.Method = "" }, kind: apperr.Invalid, code: "invalid_method"},
		{name: "validation before subject lookup", subject: "nobody", edit: func(r *Request) { r.At = testNow.Add(time.Hour) },
			kind: apperr.Invalid, code: "invalid_at"},
		{name: "unknown subject", subject: "nobody", edit: func(*Request) {}, kind: apperr.NotFound, code: "subject_not_found",
			calls: []string{"exists"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := &memStore{subjects: map[string]bool{"sub_1": true}}
			pc := tc.purposes
			if pc == nil {
				pc = func(_ context.Context, p string) (bool, error) { return registered[p], nil }
			}
			key := testKey(t)
			l := NewLedger(st, key, pc)
			l.Now = func() time.Time { return testNow }
			req := validGrant()
			tc.edit(&req)
			ev, err := l.Record(context.Background(), tc.subject, req, "user:u_9", "req_1", &audit.Entry{})
			if !reflect.DeepEqual(st.calls, tc.calls) {
				t.Errorf("store calls %v, want %v", st.calls, tc.calls)
			}
			if tc.code != "" {
				if err == nil || apperr.KindOf(err) != tc.kind || apperr.CodeOf(err) != tc.code {
					t.Fatalf("error %v, want %s", err, tc.code)
				}
				if tc.purposes != nil && !errors.Is(err, errLookup) {
					t.Errorf("the purpose lookup error is lost: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ev.Seq != 1 || len(st.events) != 1 {
				t.Fatalf("seq %d, %d events stored", ev.Seq, len(st.events))
			}
			checkEvent(t, key, req, ev)
			if st.notices[ev.NoticeHash] != req.NoticeText {
				t.Error("the notice text is not stored under its hash")
			}
			if !ev.RecordedAt.Equal(testNow.UTC().Truncate(time.Microsecond)) {
				t.Errorf("recorded_at %v", ev.RecordedAt)
			}
		})
	}
}

func TestProof(t *testing.T) {
	st := &memStore{subjects: map[string]bool{"sub_1": true}}
	l := NewLedger(st, testKey(t), func(context.Context, string) (bool, error) { return true, nil })
	ctx := context.Background()
	clock := testNow.Add(-time.Hour)
	l.Now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	for _, r := range []struct{ purpose, action string }{{"marketing", Grant}, {"analytics", Grant}, {"marketing", Withdraw}} {
		req := validGrant()
		req.Purpose, req.Action = r.purpose, r.action
		if _, err := l.Record(ctx, "sub_1", req, "user:u_9", "", nil); err != nil {
			t.Fatal(err)
		}
	}
	p, err := l.Proof(ctx, "sub_1")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.History) != 3 || len(p.Notices) != 1 || p.Notices[0].Text != validGrant().NoticeText {
		t.Fatalf("history %d notices %+v", len(p.History), p.Notices)
	}
	want := []State{
		{Purpose: "marketing", Active: false, Since: p.History[2].At, EventID: p.History[2].ID},
		{Purpose: "analytics", Active: true, Since: p.History[1].At, EventID: p.History[1].ID},
	}
	if !reflect.DeepEqual(p.Current, want) {
		t.Errorf("current %+v, want %+v", p.Current, want)
	}
	if _, err := l.Proof(ctx, "nobody"); apperr.CodeOf(err) != "subject_not_found" {
		t.Errorf("proof of an unknown subject: %v", err)
	}
	// Erased since: the history stays as evidence, no consent is active.
	st.subjects["sub_1"] = false
	p, err = l.Proof(ctx, "sub_1")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.History) != 3 || len(p.Current) != 2 {
		t.Fatalf("proof after erasure: %+v", p)
	}
	for _, c := range p.Current {
		if c.Active || !c.Erased {
			t.Errorf("state after erasure: %+v, want inactive and erased", c)
		}
	}
}

func TestCurrentStates(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	ev := func(id, purpose, action string, minutes int) Event {
		return Event{ID: id, Purpose: purpose, Action: action, At: t0.Add(time.Duration(minutes) * time.Minute)}
	}
	tests := []struct {
		name string
		hist []Event
		want []State
	}{
		{name: "nil", hist: nil, want: []State{}},
		{name: "empty", hist: []Event{}, want: []State{}},
		{name: "one grant", hist: []Event{ev("e1", "marketing", Grant, 0)},
			want: []State{{Purpose: "marketing", Active: true, Since: t0, EventID: "e1"}}},
		{name: "one withdraw", hist: []Event{ev("e1", "marketing", Withdraw, 0)},
			want: []State{{Purpose: "marketing", Active: false, Since: t0, EventID: "e1"}}},
		{name: "latest wins: withdrawn", hist: []Event{ev("e1", "marketing", Grant, 0), ev("e2", "marketing", Withdraw, 5)},
			want: []State{{Purpose: "marketing", Active: false, Since: t0.Add(5 * time.Minute), EventID: "e2"}}},
		{name: "latest wins: granted again",
			hist: []Event{ev("e1", "marketing", Grant, 0), ev("e2", "marketing", Withdraw, 5), ev("e3", "marketing", Grant, 9)},
			want: []State{{Purpose: "marketing", Active: true, Since: t0.Add(9 * time.Minute), EventID: "e3"}}},
		{name: "input order wins over at", // the history is ordered by seq; a back-dated event still comes last
			hist: []Event{ev("e1", "marketing", Grant, 10), ev("e2", "marketing", Withdraw, 1)},
			want: []State{{Purpose: "marketing", Active: false, Since: t0.Add(time.Minute), EventID: "e2"}}},
		{name: "purposes in order of first appearance",
			hist: []Event{ev("e1", "sales", Grant, 0), ev("e2", "marketing", Grant, 1), ev("e3", "analytics", Grant, 2),
				ev("e4", "sales", Withdraw, 3), ev("e5", "marketing", Withdraw, 4), ev("e6", "marketing", Grant, 5)},
			want: []State{
				{Purpose: "sales", Active: false, Since: t0.Add(3 * time.Minute), EventID: "e4"},
				{Purpose: "marketing", Active: true, Since: t0.Add(5 * time.Minute), EventID: "e6"},
				{Purpose: "analytics", Active: true, Since: t0.Add(2 * time.Minute), EventID: "e3"},
			}},
		{name: "unknown action is not active", hist: []Event{ev("e1", "marketing", Grant, 0), ev("e2", "marketing", "other", 1)},
			want: []State{{Purpose: "marketing", Active: false, Since: t0.Add(time.Minute), EventID: "e2"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := CurrentStates(tc.hist)
			if got == nil {
				t.Fatal("nil states; want an empty slice for JSON []")
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestBuildEventIndependentOfDevice: apart from their hashes, the event is
// the same whatever the IP address and user agent, so neither can leak into
// another field.
func TestBuildEventIndependentOfDevice(t *testing.T) {
	l := NewLedger(nil, testKey(t), nil)
	a, b := validGrant(), validGrant()
	b.IP, b.UserAgent = "192.0.2.99", "curl/8.0"
	ea, err := l.buildEvent("sub_1", a, "r", "q", testNow)
	if err != nil {
		t.Fatal(err)
	}
	eb, err := l.buildEvent("sub_1", b, "r", "q", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if withoutDeviceEvidence(ea) != withoutDeviceEvidence(eb) {
		t.Errorf("events differ beyond the hashes:\n%+v\n%+v", ea, eb)
	}
	if ea.IPHash == eb.IPHash || ea.UAHash == eb.UAHash {
		t.Error("different values, same hashes")
	}
}
