package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"custodia/internal/testutil"
)

// TestServeDLPPolicy: --dlp-policy (or CUSTODIA_DLP_POLICY) replaces the
// DLP check's policy; a bad file stops serve at once with a clear error;
// and the check's values stay out of a debug-level log.
func TestServeDLPPolicy(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("block: [CREDITCARD]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	_, errOut, code := run(t, "", "serve", "--addr", freeAddr(t), "--data-dir", data, "--dlp-policy", bad)
	if code == 0 || !strings.Contains(errOut, "dlp policy "+bad) || !strings.Contains(errOut, `unknown entity "CREDITCARD"`) {
		t.Fatalf("bad policy by flag: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("a bad policy still created the data directory: %v", err)
	}
	t.Setenv("CUSTODIA_DLP_POLICY", bad)
	if _, errOut, code = run(t, "", "serve", "--addr", freeAddr(t), "--data-dir", data); code == 0 || !strings.Contains(errOut, `unknown entity "CREDITCARD"`) {
		t.Fatalf("bad policy by environment: exit %d: %s", code, errOut)
	}

	good := filepath.Join(dir, "gateway.yaml")
	if err := os.WriteFile(good, []byte("min_confidence: 0.6\nblock: [CREDIT_CARD, EMAIL_ADDRESS]\nwarn: [PHONE_NUMBER]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CUSTODIA_DLP_POLICY", good)
	p := startServe(t, "--data-dir", data, "--bootstrap-token", testutil.AdminToken, "--log-level", "debug")
	c := p.client(t, testutil.AdminToken)
	const email, dest = "dlp.canary@example.com", "outside.canary@example.org"
	r := c.Must(200, "POST", "/v1/dlp/check", map[string]any{"text": "reply to " + email, "channel": "email", "destination": dest})
	if m := r.JSON(); m["decision"] != "block" || m["policy"] != "gateway" {
		t.Fatalf("policy from the environment not applied: %s", r.Body)
	}
	bad400 := c.Do("POST", "/v1/dlp/check", `{"text": "`+email+`", "destination": 7}`)
	if bad400.Status != 400 {
		t.Fatalf("mistyped destination: %d %s", bad400.Status, bad400.Body)
	}
	p.stop(t)
	logs := p.stdout.String() + p.stderr.String()
	if !strings.Contains(logs, "level=DEBUG") {
		t.Fatal("debug logging was not on; the check would prove nothing")
	}
	for _, s := range []string{email, dest} {
		if strings.Contains(logs, s) || strings.Contains(string(r.Body), s) || strings.Contains(string(bad400.Body), s) {
			t.Errorf("logs or answers hold %q", s)
		}
	}
}
