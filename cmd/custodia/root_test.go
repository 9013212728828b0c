package main

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUsageExitCode: bad arguments, flags and flag values, and a command
// that does not exist, exit 2 (usage), as the commands' own checks do.
func TestUsageExitCode(t *testing.T) {
	for _, args := range [][]string{
		{"scan"},
		{"scan", ".", "--bogus"},
		{"scan", ".", "--min-confidence", "abc"},
		{"nosuchcommand"},
		{"keys", "rotate", "extra"},
	} {
		if _, errOut, code := run(t, "", args...); code != exitUsage {
			t.Errorf("custodia %v: exit %d, want %d (%s)", args, code, exitUsage, errOut)
		}
	}
}

// TestScanSkippedLinksAreNotErrors: a folder with nothing personal and a
// symbolic link out of it exits 0; the link is listed as skipped.
func TestScanSkippedLinksAreNotErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("nothing here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(os.TempDir(), filepath.Join(dir, "out")); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, "", "scan", dir, "--format", "json")
	if code != 0 || !strings.Contains(out, `"skipped":true`) {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	// An unreadable input still fails the scan.
	if _, _, code := run(t, "", "scan", dir, filepath.Join(dir, "missing")); code != 2 {
		t.Errorf("missing input: exit %d, want 2", code)
	}
}

// TestServeRefusesShortTokenFirst: a bootstrap token too short is refused
// before the data directory, key file or database exist.
func TestServeRefusesShortTokenFirst(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	_, errOut, code := run(t, "", "serve", "--data-dir", dir, "--addr", "127.0.0.1:0", "--bootstrap-token", "short")
	if code != exitUsage || !strings.Contains(errOut, "weak_bootstrap_token") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the data directory was created: %v", err)
	}
}

// TestServeRefusesUnknownRegion: a --default-region the phone metadata
// does not know is a usage error before anything is created.
func TestServeRefusesUnknownRegion(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	_, errOut, code := run(t, "", "serve", "--data-dir", dir, "--addr", "127.0.0.1:0", "--default-region", "XX")
	if code != exitUsage || !strings.Contains(errOut, "--default-region") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the data directory was created: %v", err)
	}
}

// TestConfigFileUnknownKey: a misspelt key in the --config file is a usage
// error before anything starts, not silently dropped.
func TestConfigFileUnknownKey(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "typo.yaml")
	os.WriteFile(cfg, []byte("adrr: 127.0.0.1:1\n"), 0o600)
	_, errOut, code := run(t, "", "serve", "--config", cfg, "--data-dir", filepath.Join(dir, "data"))
	if code != exitUsage || !strings.Contains(errOut, `unknown key "adrr"`) {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); !os.IsNotExist(err) {
		t.Errorf("the data directory was created: %v", err)
	}
}

// TestScanSARIFLocations: SARIF results carry the column (CSV header,
// Sheet!B7 or table.column) as a logical location, and file paths as
// percent-encoded URI references.
func TestScanSARIFLocations(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "khách hàng"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "khách hàng", "list 1.csv"), []byte("name,email\nAn,an@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, code := run(t, "", "scan", dir, "--format", "sarif")
	var doc struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
					} `json:"physicalLocation"`
					LogicalLocations []struct {
						FullyQualifiedName string `json:"fullyQualifiedName"`
					} `json:"logicalLocations"`
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 1 || len(doc.Runs) != 1 {
		t.Fatalf("sarif: exit %d %v\n%s", code, err, out)
	}
	var found bool
	for _, r := range doc.Runs[0].Results {
		if r.RuleID != "EMAIL_ADDRESS" {
			continue
		}
		found = true
		l := r.Locations[0]
		u, err := url.Parse(l.PhysicalLocation.ArtifactLocation.URI)
		if err != nil || strings.ContainsAny(l.PhysicalLocation.ArtifactLocation.URI, " á") || !strings.HasSuffix(u.Path, "khách hàng/list 1.csv") {
			t.Errorf("uri %q (%v)", l.PhysicalLocation.ArtifactLocation.URI, err)
		}
		if len(l.LogicalLocations) != 1 || l.LogicalLocations[0].FullyQualifiedName != "email" || !strings.Contains(r.Message.Text, "in email") {
			t.Errorf("column: %+v %q", l.LogicalLocations, r.Message.Text)
		}
	}
	if !found {
		t.Fatalf("no e-mail result:\n%s", out)
	}
}
