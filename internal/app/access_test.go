package app_test

import (
	"context"
	"fmt"

	"custodia/internal/audit"
	"custodia/internal/store"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// accessEnv is a server with the customers collection and one customer.
type accessEnv struct {
	admin, dpo *testutil.Client
	id, sub    string
}

func accessSetup(t *testing.T, cfg app.Config) *accessEnv {
	t.Helper()
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	r := dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support",
		map[string]any{"email": "lan.pham@example.com", "phone": "+84912345678", "name": "Phạm Thị Lan", "address": "7 Hàng Bạc"})
	return &accessEnv{admin: admin, dpo: dpo, id: r.JSON()["id"].(string), sub: r.JSON()["subject"].(string)}
}

// fieldReasons maps field to reason from a record's "withheld" or "masked" list.
func fieldReasons(rec map[string]any, list string) map[string]string {
	out := map[string]string{}
	items, _ := rec[list].([]any)
	for _, it := range items {
		m := it.(map[string]any)
		out[m["field"].(string)] = m["reason"].(string)
	}
	return out
}

func TestConsentDecidesMarketingReads(t *testing.T) {
	e := accessSetup(t, app.Config{})
	mkt := e.admin.With(e.admin.RoleToken("marketing"))
	read := func() map[string]any {
		t.Helper()
		return mkt.Must(200, "GET", "/v1/collections/customers/records/"+e.id+"?purpose=marketing", nil).JSON()
	}

	rec := read()
	if len(rec["data"].(map[string]any)) != 0 || fieldReasons(rec, "withheld")["email"] != "no_consent" {
		t.Fatalf("before a grant: %v", rec)
	}
	lookup := func() []any {
		t.Helper()
		return mkt.Must(200, "GET", "/v1/collections/customers/records?purpose=marketing&email=lan.pham@example.com", nil).JSON()["records"].([]any)
	}
	// A lookup by e-mail for marketing does not reveal that the person is
	// a customer before they consent.
	if got := lookup(); len(got) != 0 {
		t.Errorf("a marketing lookup before a grant found %v", got)
	}
	if r := e.dpo.Do("POST", "/v1/subjects/"+e.sub+"/consents", map[string]any{"purpose": "marketing", "action": "withdraw",
		"method": "unsubscribe link", "notice_version": "v1", "channel": "email", "collected_by": "mailer"}); r.Status != 409 || r.Code() != "no_active_consent" {
		t.Errorf("withdraw with no grant: %d %q, want 409 no_active_consent", r.Status, r.Code())
	}

	if r := e.dpo.Do("PATCH", "/v1/collections/customers/records/"+e.id+"?purpose=marketing", map[string]any{"email": "lan.pham@example.com"}); r.Status != 409 || r.Code() != "no_consent" {
		t.Errorf("a marketing PATCH before a grant: %d %s, want 409 no_consent", r.Status, r.Body)
	}
	e.dpo.Must(201, "POST", "/v1/subjects/"+e.sub+"/consents", grantBody("marketing"))
	e.dpo.Must(200, "PATCH", "/v1/collections/customers/records/"+e.id+"?purpose=marketing", map[string]any{"email": "lan.pham@example.com"})
	if got := lookup(); len(got) != 1 {
		t.Errorf("a marketing lookup after a grant found %v", got)
	}
	rec = read()
	data := rec["data"].(map[string]any)
	if data["email"] != "lan.pham@example.com" {
		t.Errorf("after a grant, email: %v", rec)
	}
	if fieldReasons(rec, "withheld")["phone"] != "purpose_mismatch" {
		t.Errorf("phone is collected for support only, want withheld purpose_mismatch: %v", rec)
	}

	e.dpo.Must(201, "POST", "/v1/subjects/"+e.sub+"/consents", map[string]any{"purpose": "marketing", "action": "withdraw",
		"method": "unsubscribe link", "notice_version": "v1", "channel": "email", "collected_by": "mailer"})
	rec = read()
	if len(rec["data"].(map[string]any)) != 0 || fieldReasons(rec, "withheld")["email"] != "no_consent" {
		t.Fatalf("right after a withdrawal: %v", rec)
	}

	// Nor may the data be changed for the purpose without the consent.
	if r := e.dpo.Do("PATCH", "/v1/collections/customers/records/"+e.id+"?purpose=marketing", map[string]any{"email": "changed@example.com"}); r.Status != 409 || r.Code() != "no_consent" {
		t.Errorf("a marketing PATCH after the withdrawal: %d %s, want 409 no_consent", r.Status, r.Body)
	}
	if r := e.dpo.Must(200, "GET", "/v1/collections/customers/records/"+e.id+"?purpose=support", nil).JSON(); r["data"].(map[string]any)["email"] != "lan.pham@example.com" {
		t.Errorf("the refused PATCH changed the record: %v", r)
	}

	// A grant dated before the withdrawal does not revive the consent.
	backdated := grantBody("marketing")
	backdated["at"] = "2024-01-01T00:00:00Z"
	if r := e.dpo.Do("POST", "/v1/subjects/"+e.sub+"/consents", backdated); r.Status != 409 || r.Code() != "consent_out_of_order" {
		t.Errorf("a back-dated grant after a withdrawal: %d %s, want 409 consent_out_of_order", r.Status, r.Body)
	} else if strings.Contains(string(r.Body), "withdraw") || strings.Contains(string(r.Body), time.Now().UTC().Format("2006-01-02")) {
		// Recording consent does not let a caller read it (QA).
		t.Errorf("the refusal tells the later event or its date: %s", r.Body)
	}
	if rec = read(); len(rec["data"].(map[string]any)) != 0 {
		t.Fatalf("a back-dated grant revived the consent: %v", rec)
	}

	proof := e.dpo.Must(200, "GET", "/v1/subjects/"+e.sub+"/consents", nil).JSON()
	if h := proof["history"].([]any); len(h) != 2 {
		t.Errorf("history: %v", proof)
	}
	cur := proof["current"].([]any)[0].(map[string]any)
	if cur["purpose"] != "marketing" || cur["active"] != false {
		t.Errorf("current state: %v", cur)
	}
	if !strings.Contains(mustJSON(proof["notices"]), "withdraw at any time") {
		t.Errorf("the notice text is not in the proof: %v", proof["notices"])
	}

	// Every decision is audited with its reason.
	audit := string(e.admin.Must(200, "GET", "/v1/audit?limit=1000", nil).Body)
	for _, want := range []string{`"decision":"deny withheld:email=no_consent`, `"decision":"partial`, `"decision":"deny subject=no_consent"`} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit log lacks %s", want)
		}
	}
	// Writes record their decision too.
	var entries struct{ Entries []map[string]any }
	if err := json.Unmarshal([]byte(audit), &entries); err != nil {
		t.Fatal(err)
	}
	decisions := map[string]string{}
	for _, en := range entries.Entries {
		if a := en["action"].(string); a == "record.create" || a == "record.update" {
			d, _ := en["decision"].(string)
			decisions[a+" "+strconv.Itoa(int(en["status"].(float64)))] = d
		}
	}
	if decisions["record.create 201"] != "allow" || decisions["record.update 200"] != "allow" || decisions["record.update 409"] != "deny subject=no_consent" {
		t.Errorf("write decisions: %v", decisions)
	}

	for _, bad := range []map[string]any{
		{"purpose": "nosuch", "action": "grant", "method": "m", "notice_version": "v1", "notice_text": "t", "channel": "web", "collected_by": "x"},
		{"purpose": "marketing", "action": "maybe", "method": "m", "notice_version": "v1", "notice_text": "t", "channel": "web", "collected_by": "x"},
		{"purpose": "marketing", "action": "grant", "method": "m", "notice_version": "v1", "channel": "web", "collected_by": "x"},
	} {
		if r := e.dpo.Do("POST", "/v1/subjects/"+e.sub+"/consents", bad); r.Status != 400 {
			t.Errorf("bad consent %v: %d %q, want 400", bad, r.Status, r.Code())
		}
	}
	if r := e.dpo.Do("POST", "/v1/subjects/sub_nosuch/consents", grantBody("marketing")); r.Status != 404 {
		t.Errorf("consent for an unknown subject: %d, want 404", r.Status)
	}
}

func TestRoleMasksAndWithholds(t *testing.T) {
	e := accessSetup(t, app.Config{})
	support := e.admin.With(e.admin.RoleToken("support"))
	rec := support.Must(200, "GET", "/v1/collections/customers/records/"+e.id+"?purpose=support", nil).JSON()
	data := rec["data"].(map[string]any)
	if p, _ := data["phone"].(string); p == "+84912345678" || !strings.HasSuffix(p, "678") {
		t.Errorf("support sees phone %q, want a mask keeping the last 3 digits", p)
	}
	if fieldReasons(rec, "masked")["phone"] != "role_masked" || data["email"] != "lan.pham@example.com" {
		t.Errorf("support read: %v", rec)
	}
	// The admin reads no personal data.
	if r := e.admin.Do("GET", "/v1/collections/customers/records/"+e.id+"?purpose=support", nil); r.Status != 403 {
		t.Errorf("admin read: %d, want 403", r.Status)
	}
	// A custom role: names only, masked.
	e.admin.Must(201, "POST", "/v1/roles", map[string]any{"name": "receptionist", "grants": []any{
		map[string]any{"collection": "customers", "field": "name", "access": "read_masked"}}})
	e.admin.Must(200, "PUT", "/v1/purposes/support", map[string]any{"description": "Support.", "legal_basis": "contract",
		"roles": []string{"dpo", "sales", "support", "receptionist"}})
	rc := e.admin.With(e.admin.RoleToken("receptionist"))
	rec = rc.Must(200, "GET", "/v1/collections/customers/records/"+e.id+"?purpose=support", nil).JSON()
	data = rec["data"].(map[string]any)
	if len(data) != 1 || data["name"] != "P. T. L." || fieldReasons(rec, "withheld")["email"] != "role_denied" {
		t.Errorf("receptionist read: %v", rec)
	}
	if r := rc.Do("PATCH", "/v1/collections/customers/records/"+e.id+"?purpose=support", map[string]any{"name": "X Y"}); r.Status != 403 {
		t.Errorf("receptionist write: %d, want 403", r.Status)
	}
	bad := strings.Replace(strings.Replace(testutil.CustomersSchema, `"purposes":["support"]`, `"purposes":["unregistered"]`, 1), `"name":"customers"`, `"name":"leads"`, 1)
	if r := e.admin.Do("POST", "/v1/collections", bad); r.Status != 422 || r.Code() != "unregistered_purpose" {
		t.Errorf("collection naming an unregistered purpose: %d %q, want 422 unregistered_purpose", r.Status, r.Code())
	}
}

func mustJSON(v any) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(toJSON(v), "\n", ""), "  ", "")))
	return b.String()
}

func TestPeopleSignInWithMFA(t *testing.T) {
	e := accessSetup(t, app.Config{})
	const pw = "correct horse battery staple"
	e.admin.Must(201, "POST", "/v1/users", map[string]any{"email": "Agent@Example.com", "display_name": "Agent", "role": "support", "password": pw})
	anon := e.admin.With("")
	login := func(body map[string]any) testutil.Response {
		body["email"], body["password"] = "agent@example.com", pw
		return anon.Do("POST", "/v1/sessions", body)
	}
	r := login(map[string]any{})
	if r.Status != 201 || r.JSON()["mfa_enrollment_required"] != true {
		t.Fatalf("first sign-in: %d %s", r.Status, r.Body)
	}
	sess := e.admin.With(r.JSON()["token"].(string))
	if r := sess.Do("GET", "/v1/collections/customers/records/"+e.id+"?purpose=support", nil); r.Status != 403 || r.Code() != "mfa_required" {
		t.Errorf("read before MFA: %d %q, want 403 mfa_required", r.Status, r.Code())
	}
	en := sess.Must(201, "POST", "/v1/users/me/totp", nil).JSON()
	secret := en["secret"].(string)
	if !strings.HasPrefix(en["otpauth_uri"].(string), "otpauth://totp/") || en["qr_png"] == "" {
		t.Errorf("enrolment: %v", en)
	}
	if qr := sess.Must(200, "GET", "/v1/users/me/totp/qr.png", nil); !strings.HasPrefix(string(qr.Body), "\x89PNG") {
		t.Errorf("QR code is not a PNG")
	}
	if r := sess.Do("POST", "/v1/users/me/totp/confirm", map[string]any{"code": "000000"}); r.Status != 401 {
		t.Errorf("confirm with a wrong code: %d", r.Status)
	}
	now := time.Now()
	code, _ := totp.GenerateCode(secret, now)
	conf := sess.Must(200, "POST", "/v1/users/me/totp/confirm", map[string]any{"code": code}).JSON()
	recovery := conf["recovery_codes"].([]any)
	if len(recovery) != 10 {
		t.Fatalf("recovery codes: %v", conf)
	}
	sess.Must(200, "GET", "/v1/collections/customers/records/"+e.id+"?purpose=support", nil) // MFA passed in this session
	sess.Must(204, "DELETE", "/v1/sessions/current", nil)
	if r := sess.Do("GET", "/v1/users/me", nil); r.Status != 401 {
		t.Errorf("revoked session: %d, want 401", r.Status)
	}

	if r := login(map[string]any{}); r.Status != 401 || r.Code() != "mfa_code_required" {
		t.Errorf("password only: %d %q", r.Status, r.Code())
	}
	if r := login(map[string]any{"totp_code": code}); r.Status != 401 || r.Code() != "mfa_code_replayed" {
		t.Errorf("replayed code: %d %q, want 401 mfa_code_replayed", r.Status, r.Code())
	}
	next, _ := totp.GenerateCode(secret, now.Add(30*time.Second)) // one step of clock skew
	r = login(map[string]any{"totp_code": next})
	if r.Status != 201 || r.JSON()["mfa"] != true {
		t.Fatalf("sign-in with the next code: %d %s", r.Status, r.Body)
	}
	signedIn := e.admin.With(r.JSON()["token"].(string))
	signedIn.Must(200, "GET", "/v1/collections/customers/records/"+e.id+"?purpose=support", nil)
	// Replacing the authenticator in use takes the password, not only a
	// session.
	for _, body := range []any{nil, map[string]any{"password": "not the password"}} {
		if r := signedIn.Do("POST", "/v1/users/me/totp", body); r.Status != 403 || r.Code() != "password_required" {
			t.Errorf("re-enrol with %v: %d %s", body, r.Status, r.Body)
		}
	}
	signedIn.Must(201, "POST", "/v1/users/me/totp", map[string]any{"password": pw})

	rc := recovery[0].(string)
	if r := login(map[string]any{"recovery_code": strings.ToUpper(rc)}); r.Status != 201 {
		t.Errorf("recovery code: %d %s", r.Status, r.Body)
	}
	if r := login(map[string]any{"recovery_code": rc}); r.Status != 401 {
		t.Errorf("reused recovery code: %d, want 401", r.Status)
	}
	users := string(e.admin.Must(200, "GET", "/v1/users", nil).Body)
	if strings.Contains(users, secret) || strings.Contains(users, "argon2") || strings.Contains(users, rc) {
		t.Errorf("a secret appears in GET /v1/users")
	}

	// A person created disabled cannot sign in until enabled.
	u := e.admin.Must(201, "POST", "/v1/users", map[string]any{"email": "starter@example.com", "display_name": "Starts Monday", "role": "sales", "password": pw, "disabled": true}).JSON()["user"].(map[string]any)
	if u["disabled_at"] == nil {
		t.Errorf("created disabled: %v", u)
	}
	if r := anon.Do("POST", "/v1/sessions", map[string]any{"email": "starter@example.com", "password": pw}); r.Status != 401 {
		t.Errorf("a disabled person signed in: %d", r.Status)
	}
	e.admin.Must(200, "PATCH", "/v1/users/"+u["id"].(string), map[string]any{"disabled": false})
	if r := anon.Do("POST", "/v1/sessions", map[string]any{"email": "starter@example.com", "password": pw}); r.Status != 201 {
		t.Errorf("the enabled person cannot sign in: %d %s", r.Status, r.Body)
	}
}

// TestReenrolPasswordGuessesAreLimited: the password that replacing an
// authenticator asks for counts against the sign-in limits, so a stolen
// session cannot guess it without end.
func TestReenrolPasswordGuessesAreLimited(t *testing.T) {
	e := accessSetup(t, app.Config{LoginMaxFailures: 3})
	const pw = "correct horse battery staple"
	e.admin.Must(201, "POST", "/v1/users", map[string]any{"email": "guessed@example.com", "display_name": "Guessed", "role": "support", "password": pw})
	anon := e.admin.With("")
	sess := e.admin.With(anon.Must(201, "POST", "/v1/sessions", map[string]any{"email": "guessed@example.com", "password": pw}).JSON()["token"].(string))
	secret := sess.Must(201, "POST", "/v1/users/me/totp", nil).JSON()["secret"].(string)
	code, _ := totp.GenerateCode(secret, time.Now())
	sess.Must(200, "POST", "/v1/users/me/totp/confirm", map[string]any{"code": code})
	for i := range 3 {
		if r := sess.Do("POST", "/v1/users/me/totp", map[string]any{"password": "guess " + string(rune('a'+i))}); r.Status != 403 || r.Code() != "password_required" {
			t.Fatalf("guess %d: %d %s", i, r.Status, r.Body)
		}
	}
	r := sess.Do("POST", "/v1/users/me/totp", map[string]any{"password": pw})
	if r.Status != 429 || r.Code() != "too_many_failed_logins" || r.Header.Get("Retry-After") == "" {
		t.Fatalf("after 3 wrong passwords even the right one: %d %s, want 429 too_many_failed_logins", r.Status, r.Body)
	}
	if !strings.Contains(string(e.admin.Must(200, "GET", "/v1/alerts", nil).Body), "brute_force_account") {
		t.Error("no brute_force_account alert")
	}
}

func TestBruteForceLocksAndAlerts(t *testing.T) {
	e := accessSetup(t, app.Config{LoginMaxFailures: 3})
	e.admin.Must(201, "POST", "/v1/users", map[string]any{"email": "victim@example.com", "display_name": "Victim", "role": "auditor", "password": "a long and good password"})
	anon := e.admin.With("")
	for i := range 3 {
		if r := anon.Do("POST", "/v1/sessions", map[string]any{"email": "victim@example.com", "password": "guess number " + string(rune('a'+i))}); r.Status != 401 {
			t.Fatalf("guess %d: %d", i, r.Status)
		}
	}
	r := anon.Do("POST", "/v1/sessions", map[string]any{"email": "victim@example.com", "password": "a long and good password"})
	if r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("after 3 failures even the right password: %d Retry-After %q, want 429 with Retry-After", r.Status, r.Header.Get("Retry-After"))
	}
	alerts := string(e.admin.Must(200, "GET", "/v1/alerts", nil).Body)
	if !strings.Contains(alerts, "brute_force_account") || strings.Contains(alerts, "victim@example.com") {
		t.Errorf("alerts: %s", alerts)
	}
	if n := alertCounter(t, e.admin, "brute_force_account"); n < 1 {
		t.Errorf("no alert counter in /metrics")
	}
}

// alertCounter reads custodia_alerts_total for kind from /metrics (0 when
// absent). The counter is the process's, shared by the tests run in it.
func alertCounter(t *testing.T, c *testutil.Client, kind string) int {
	t.Helper()
	m := string(c.Must(200, "GET", "/metrics", nil).Body)
	prefix := `custodia_alerts_total{kind="` + kind + `"} `
	for line := range strings.SplitSeq(m, "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("metric %q", line)
			}
			return n
		}
	}
	return 0
}

func TestBulkReadsAlertAndBlock(t *testing.T) {
	e := accessSetup(t, app.Config{BulkReadThreshold: 3, BlockBulkReads: true})
	for i := range 4 {
		e.dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "bulk" + string(rune('a'+i)) + "@example.com"})
	}
	// Three subjects read: under the threshold.
	r := e.dpo.Must(200, "GET", "/v1/collections/customers/records?purpose=support&limit=3", nil)
	if n := len(r.JSON()["records"].([]any)); n != 3 {
		t.Fatalf("list: %d records", n)
	}
	// The call that crosses it is refused too: it gets no records.
	r = e.dpo.Do("GET", "/v1/collections/customers/records?purpose=support&limit=10", nil)
	if r.Status != 403 || r.Code() != "principal_blocked" || strings.Contains(string(r.Body), "@example.com") {
		t.Fatalf("the call that trips the detector: %d %s, want 403 principal_blocked and no data", r.Status, r.Body)
	}
	audit := e.admin.Must(200, "GET", "/v1/audit?action=record.search&limit=100", nil).JSON()["entries"].([]any)
	var refused int
	for _, a := range audit {
		if a := a.(map[string]any); a["status"] == float64(403) && a["detail"] == "principal_blocked" {
			refused++
		}
	}
	if refused == 0 {
		t.Errorf("the audit log does not record the tripping call as refused: %v", audit)
	}
	if r := e.dpo.Do("GET", "/v1/collections/customers", nil); r.Status != 403 || r.Code() != "principal_blocked" {
		t.Fatalf("after a bulk read: %d %q, want 403 principal_blocked", r.Status, r.Code())
	}
	as := e.admin.Must(200, "GET", "/v1/alerts?open=true", nil).JSON()["alerts"].([]any)
	if len(as) != 1 || as[0].(map[string]any)["kind"] != "bulk_read" {
		t.Fatalf("alerts: %v", as)
	}
	e.admin.Must(200, "POST", "/v1/alerts/"+as[0].(map[string]any)["id"].(string)+"/clear", nil)
	e.dpo.Must(200, "GET", "/v1/collections/customers", nil)
	// Cleared, it is watched afresh: more than three more subjects trip it
	// again within the same window.
	r = e.dpo.Do("GET", "/v1/collections/customers/records?purpose=support&limit=10", nil)
	if r.Status != 403 || r.Code() != "principal_blocked" {
		t.Fatalf("a bulk read after the alert was cleared: %d %s, want 403 principal_blocked", r.Status, r.Body)
	}
}

// TestLookupMissesAlert: a support token trying phone numbers to learn
// which are customers' (each empty answer says "not a customer") trips
// the lookup-miss detector: an alert naming the token, never a number;
// with --block-bulk-reads it is blocked until the alert is cleared. Hits
// and repeats of one number do not count.
func TestLookupMissesAlert(t *testing.T) {
	e := accessSetup(t, app.Config{LookupMissThreshold: 5, BlockBulkReads: true})
	support := e.admin.With(e.admin.RoleToken("support"))
	guess := func(n int) testutil.Response {
		return support.Do("GET", fmt.Sprintf("/v1/collections/customers/records?purpose=support&phone=%%2B8491200%04d", n), nil)
	}
	for range 3 {
		support.Must(200, "GET", "/v1/collections/customers/records?purpose=support&phone=%2B84912345678", nil) // a hit
		if r := guess(1); r.Status != 200 {
			t.Fatalf("a miss: %d %s", r.Status, r.Body)
		}
	}
	for _, spelling := range []string{"ghost@example.com", "Ghost@Example.com", "GHOST@EXAMPLE.COM"} { // one guess, three spellings
		if r := support.Do("GET", "/v1/collections/customers/records?purpose=support&email="+spelling, nil); r.Status != 200 {
			t.Fatalf("a miss by e-mail: %d %s", r.Status, r.Body)
		}
	}
	for n := 2; n <= 4; n++ { // with the e-mail, five distinct misses: at the threshold
		if r := guess(n); r.Status != 200 {
			t.Fatalf("miss %d: %d %s", n, r.Status, r.Body)
		}
	}
	if as := e.admin.Must(200, "GET", "/v1/alerts?open=true", nil).JSON()["alerts"].([]any); len(as) != 0 {
		t.Fatalf("alerts at the threshold: %v", as)
	}
	// The sixth, by GET /v1/subjects, goes over it.
	support.Must(200, "GET", "/v1/subjects?phone=%2B84912000006&purpose=support", nil)
	r := e.admin.Must(200, "GET", "/v1/alerts?open=true", nil)
	as := r.JSON()["alerts"].([]any)
	if len(as) != 1 || as[0].(map[string]any)["kind"] != "lookup_misses" || strings.Contains(string(r.Body), "849120000") {
		t.Fatalf("alerts: %s", r.Body)
	}
	if r := support.Do("GET", "/v1/collections/customers", nil); r.Code() != "principal_blocked" {
		t.Fatalf("after the alert: %d %s, want principal_blocked", r.Status, r.Body)
	}
	e.admin.Must(200, "POST", "/v1/alerts/"+as[0].(map[string]any)["id"].(string)+"/clear", nil)
	if r := guess(7); r.Status != 200 {
		t.Errorf("after the alert was cleared: %d %s", r.Status, r.Body)
	}
}

func TestTokenRateLimit(t *testing.T) {
	e := accessSetup(t, app.Config{})
	r := e.admin.Must(201, "POST", "/v1/tokens", map[string]any{"name": "slow", "role": "auditor", "rate_limit": 1})
	c := e.admin.With(r.JSON()["token"].(string))
	c.Must(200, "GET", "/v1/collections", nil)
	got := c.Do("GET", "/v1/collections", nil)
	if got.Status != 429 || got.Header.Get("Retry-After") == "" || got.Code() != "rate_limited" {
		t.Errorf("second request within a second: %d %q Retry-After %q", got.Status, got.Code(), got.Header.Get("Retry-After"))
	}
	c.Do("GET", "/v1/collections", nil) // refused again: no second alert
	var n int
	for _, a := range e.admin.Must(200, "GET", "/v1/alerts", nil).JSON()["alerts"].([]any) {
		if a := a.(map[string]any); a["kind"] == "rate_limited" && a["principal"] == "token:"+r.JSON()["id"].(string) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("rate_limited alerts for the token: %d, want 1", n)
	}
}

func TestTrainingGate(t *testing.T) {
	e := accessSetup(t, app.Config{})
	e.admin.Must(201, "POST", "/v1/roles", map[string]any{"name": "trained-support", "require_training": true, "require_mfa": false,
		"grants": []any{map[string]any{"collection": "*", "field": "*", "access": "read"}}})
	e.admin.Must(200, "PUT", "/v1/purposes/support", map[string]any{"description": "Support.", "legal_basis": "contract",
		"roles": []string{"dpo", "sales", "support", "trained-support"}})
	u := e.admin.Must(201, "POST", "/v1/users", map[string]any{"email": "trainee@example.com", "display_name": "Trainee", "role": "trained-support", "password": "a long and good password"}).JSON()
	uid := u["user"].(map[string]any)["id"].(string)
	sign := func() *testutil.Client {
		r := e.admin.With("").Must(201, "POST", "/v1/sessions", map[string]any{"email": "trainee@example.com", "password": "a long and good password"})
		return e.admin.With(r.JSON()["token"].(string))
	}
	rec := sign().Must(200, "GET", "/v1/collections/customers/records/"+e.id+"?purpose=support", nil).JSON()
	if rec["data"].(map[string]any)["email"] == "lan.pham@example.com" || fieldReasons(rec, "masked")["email"] != "training_missing" {
		t.Errorf("never-trained read: %v", rec)
	}
	e.admin.Must(201, "POST", "/v1/training", map[string]any{"person": uid, "course": "Privacy 100",
		"completed_at": time.Now().AddDate(-2, 0, 0).UTC(), "expires_at": time.Now().AddDate(-1, 0, 0).UTC()})
	rec = sign().Must(200, "GET", "/v1/collections/customers/records/"+e.id+"?purpose=support", nil).JSON()
	if rec["data"].(map[string]any)["email"] == "lan.pham@example.com" || fieldReasons(rec, "masked")["email"] != "training_expired" {
		t.Errorf("read with expired training: %v", rec)
	}
	e.admin.Must(201, "POST", "/v1/training", map[string]any{"person": uid, "course": "Privacy 101",
		"completed_at": time.Now().Add(-time.Hour).UTC(), "expires_at": time.Now().Add(365 * 24 * time.Hour).UTC()})
	rec = sign().Must(200, "GET", "/v1/collections/customers/records/"+e.id+"?purpose=support", nil).JSON()
	if rec["data"].(map[string]any)["email"] != "lan.pham@example.com" {
		t.Errorf("trained read: %v", rec)
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestAlertWebhookReceivesAlerts runs a real receiver on loopback.
func TestAlertWebhookReceivesAlerts(t *testing.T) {
	got := make(chan map[string]any, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var a map[string]any
		if err := json.NewDecoder(r.Body).Decode(&a); err == nil {
			got <- a
		}
	}))
	defer hook.Close()
	e := accessSetup(t, app.Config{LoginMaxFailures: 2, AlertWebhook: hook.URL + "/alerts"})
	for range 2 {
		e.admin.With("").Do("POST", "/v1/sessions", map[string]any{"email": "ghost@example.com", "password": "not the password at all"})
	}
	select {
	case a := <-got:
		if a["kind"] != "brute_force_account" && a["kind"] != "brute_force_address" {
			t.Errorf("webhook alert: %v", a)
		}
		if strings.Contains(toJSON(a), "ghost@example.com") {
			t.Errorf("the webhook alert names the e-mail address tried: %v", a)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no alert reached the webhook")
	}
}

// TestRestrictionLimitsPurposes: a subject under restriction of processing
// is read only for the purposes the restriction allows. (The data-subject
// request workflow sets restrictions; here the store does.)
func TestRestrictionLimitsPurposes(t *testing.T) {
	s := testutil.MustServe(t, app.Config{})
	admin := s.Client(t)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := admin.With(admin.RoleToken("dpo"))
	r := dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "held@example.com", "name": "Held Person"})
	id, sub := r.JSON()["id"].(string), r.JSON()["subject"].(string)
	other := dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "free@example.com"}).JSON()["id"].(string)

	if err := s.DB.SetRestriction(context.Background(), store.Restriction{SubjectID: sub, Purposes: []string{"legal"}, Reason: "accuracy contested",
		Since: time.Now(), SetBy: "test"}, &audit.Entry{Actor: "test", Action: "subject.restrict"}); err != nil {
		t.Fatal(err)
	}
	s.Access.Invalidate()
	rec := dpo.Must(200, "GET", "/v1/collections/customers/records/"+id+"?purpose=support", nil).JSON()
	if len(rec["data"].(map[string]any)) != 0 || fieldReasons(rec, "withheld")["email"] != "restricted" {
		t.Errorf("restricted subject read for support: %v", rec)
	}
	if d := dpo.Must(200, "GET", "/v1/collections/customers/records/"+other+"?purpose=support", nil).JSON()["data"].(map[string]any); d["email"] != "free@example.com" {
		t.Errorf("an unrestricted subject is affected: %v", d)
	}
	if err := s.DB.LiftRestriction(context.Background(), sub, &audit.Entry{Actor: "test", Action: "subject.unrestrict"}); err != nil {
		t.Fatal(err)
	}
	s.Access.Invalidate()
	if d := dpo.Must(200, "GET", "/v1/collections/customers/records/"+id+"?purpose=support", nil).JSON()["data"].(map[string]any); d["email"] != "held@example.com" {
		t.Errorf("after the restriction was lifted: %v", d)
	}
}

// TestExportsCountAsBulkReads: the people in an export approved at once
// count toward the bulk-read threshold like any read (QA: small exports,
// taken again and again, were never seen); an export a second person
// approved does not.
func TestExportsCountAsBulkReads(t *testing.T) {
	for _, tc := range []struct {
		name     string
		approval int // records from which an export waits for a second person
		status   int
	}{{"approved at once", 1000, 403}, {"approved by a second person", 2, 200}} {
		t.Run(tc.name, func(t *testing.T) {
			e := accessSetup(t, app.Config{BulkReadThreshold: 3, BlockBulkReads: true, ExportApprovalRecords: tc.approval})
			for i := range 4 {
				e.dpo.Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": "x" + string(rune('a'+i)) + "@example.com"})
			}
			exporter := e.admin.With(e.admin.RoleToken("dpo"))
			x := exporter.Must(201, "POST", "/v1/exports", map[string]any{"collection": "customers", "fields": []string{"email"}, "purpose": "support", "reason": "list"}).JSON()
			id := x["id"].(string)
			if x["status"] == "pending_approval" {
				e.admin.Approver().Must(200, "POST", "/v1/exports/"+id+"/approve", map[string]any{"reason": "checked"})
			}
			r := exporter.Do("GET", "/v1/exports/"+id+"/download", nil)
			if r.Status != tc.status || (tc.status == 403 && (r.Code() != "principal_blocked" || strings.Contains(string(r.Body), "@example.com"))) {
				t.Errorf("download: %d %s, want %d", r.Status, r.Code(), tc.status)
			}
		})
	}
}

// TestTypedIdentifierNotAudited: an e-mail address or a phone number
// given where an id belongs (a record's, a request's, a rule's) is
// answered 404, and the append-only audit log keeps "(not an id)" in its
// place, never the value (QA).
func TestTypedIdentifierNotAudited(t *testing.T) {
	e := accessSetup(t, app.Config{})
	for _, c := range [][2]string{
		{"GET", "/v1/collections/customers/records/lan.pham@example.com?purpose=support"},
		{"GET", "/v1/collections/customers/records/+84912345678?purpose=support"},
		{"GET", "/v1/requests/lan.pham@example.com"},
		{"DELETE", "/v1/retention/rules/lan.pham@example.com"},
	} {
		if r := e.dpo.Do(c[0], c[1], nil); r.Status != 404 {
			t.Errorf("%s %s: %d %s, want 404", c[0], c[1], r.Status, r.Body)
		}
	}
	r := e.admin.Must(200, "GET", "/v1/audit?limit=50&order=desc", nil)
	if strings.Contains(string(r.Body), "lan.pham@") || strings.Contains(string(r.Body), "84912345678") {
		t.Errorf("the audit log holds a typed identifier: %s", r.Body)
	}
	if !strings.Contains(string(r.Body), `"record_id":"(not an id)"`) {
		t.Errorf("no entry marks the bad id: %s", r.Body)
	}
}
