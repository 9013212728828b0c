package detect

import (
	"reflect"
	"testing"
	"time"
)

func TestLockoutAlert(t *testing.T) {
	cases := []struct {
		lockout Lockout
		want    Alert
	}{
		{Lockout{Scope: ScopeAccount, Key: "user-1", Failures: 5, Duration: time.Minute, Level: 0}, Alert{
			Kind: KindBruteForceAccount, Severity: SeverityWarning, Principal: "user-1",
			Message: "account locked for 1m0s after 5 failed logins",
			Data:    map[string]string{"failures": "5", "duration_seconds": "60", "level": "0"},
		}},
		{Lockout{Scope: ScopeAddress, Key: "203.0.113.9", Failures: 5, Duration: 4 * time.Minute, Level: 2}, Alert{
			Kind: KindBruteForceAddress, Severity: SeverityCritical,
			Message: "address locked for 4m0s after 5 failed logins",
			Data:    map[string]string{"failures": "5", "duration_seconds": "240", "level": "2", "address": "203.0.113.9"},
		}},
	}
	for _, tc := range cases {
		if got := tc.lockout.Alert(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%+v.Alert() = %+v, want %+v", tc.lockout, got, tc.want)
		}
	}
}
