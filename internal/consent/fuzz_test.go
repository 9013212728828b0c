package consent

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"custodia/internal/apperr"
)

// FuzzConsentRequest decodes arbitrary bytes as a Request and validates it
// the way Record does (buildEvent). The seed corpus lives in
// testdata/fuzz/FuzzConsentRequest; `go test` runs it as a unit test.
//
// Properties: no panic; a refusal is an Invalid error with a constant
// message (never echoing the input); an accepted request gives an event
// with a valid action and channel, the IP address and user agent only as
// keyed hashes, and no other field depending on them.
func FuzzConsentRequest(f *testing.F) {
	key := testKey(f)
	l := NewLedger(nil, key, nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		var req Request
		if err := json.Unmarshal(body, &req); err != nil {
			return
		}
		ev, err := l.buildEvent("sub_fuzz", req, "user:fuzzer", "req_fuzz", testNow)
		if err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid {
				t.Fatalf("refusal %v is not an Invalid apperr", err)
			}
			if !refusals[e.Code+": "+e.Message] {
				t.Fatalf("refusal %q is not a constant message: it may echo the input", e.Code+": "+e.Message)
			}
			if ev != (Event{}) {
				t.Fatalf("refusal with an event %+v", ev)
			}
			return
		}
		checkEvent(t, key, req, ev)
		if strings.TrimSpace(req.Method) == "" || len(req.Method) > 200 || strings.TrimSpace(req.CollectedBy) == "" ||
			strings.TrimSpace(req.NoticeVersion) == "" {
			t.Fatalf("accepted without method, collected_by or notice_version: %+v", req)
		}
		if ev.Action == Grant && strings.TrimSpace(req.NoticeText) == "" {
			t.Fatal("a grant accepted without a notice text")
		}
		if ev.At.After(testNow.Add(5*time.Minute)) || ev.At.Location().String() != "UTC" {
			t.Fatalf("at %v", ev.At)
		}
		// Another IP address and user agent change nothing but the hashes.
		other := req
		other.IP, other.UserAgent = "", ""
		if req.IP == "" {
			other.IP = "192.0.2.1"
		}
		if req.UserAgent == "" {
			other.UserAgent = "other-agent"
		}
		ev2, err := l.buildEvent("sub_fuzz", other, "user:fuzzer", "req_fuzz", testNow)
		if err != nil {
			t.Fatalf("accepted with one IP address and user agent, refused with another: %v", err)
		}
		if withoutDeviceEvidence(ev) != withoutDeviceEvidence(ev2) {
			t.Fatalf("the event depends on the IP address or user agent:\n%+v\n%+v", ev, ev2)
		}
		if ev.IPHash != "" && ev.IPHash == req.IP || ev.UAHash != "" && ev.UAHash == req.UserAgent {
			t.Fatal("a hash field holds the raw value")
		}
	})
}

// refusals is every refusal buildEvent can give, code and message: all
// constant, so none can echo the request.
var refusals = map[string]bool{
	"invalid_ip: ip must be an IPv4 or IPv6 address":                                                               true,
	`invalid_action: action must be "grant" or "withdraw"`:                                                         true,
	"invalid_channel: channel names how consent was collected, such as web, zalo, facebook, phone, email or paper": true,
	"invalid_method: method is required (1 to 200 characters)":                                                     true,
	"invalid_collected_by: collected_by is required (1 to 200 characters)":                                         true,
	"invalid_notice_version: notice_version is required (1 to 200 characters)":                                     true,
	"notice_text_required: a grant needs the notice_text the person agreed to":                                     true,
	"too_long: notice_text, ip or user_agent is too long":                                                          true,
	"invalid_at: at is before 1970":                                                                                true,
	"invalid_at: at is in the future":                                                                              true,
}
