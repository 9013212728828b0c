package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"custodia/internal/testutil"
)

// binary is the custodia binary built once for these end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "custodia-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "custodia")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// proc is a running `custodia serve`.
type proc struct {
	cmd    *exec.Cmd
	addr   string
	stdout *outFile
	stderr *outFile
}

// outFile is a server's output, written by the server straight into a
// file: what it printed before it answered a request is there once the
// answer arrives (a pipe would be copied by a goroutine that may lag).
type outFile struct{ f *os.File }

func newOutFile(t *testing.T, name string) *outFile {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &outFile{f: f}
}

// String returns everything written so far.
func (o *outFile) String() string {
	b, _ := os.ReadFile(o.f.Name())
	return string(b)
}

func startServe(t *testing.T, args ...string) *proc {
	t.Helper()
	p := &proc{addr: freeAddr(t), stdout: newOutFile(t, "stdout"), stderr: newOutFile(t, "stderr")}
	p.cmd = exec.Command(binary, append([]string{"serve", "--addr", p.addr}, args...)...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout.f, p.stderr.f
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); _ = p.cmd.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + p.addr + "/healthz"); err == nil {
			resp.Body.Close()
			return p
		}
		if p.cmd.ProcessState != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server did not start: %s", p.stderr)
	return nil
}

// stop sends SIGTERM and returns the exit code.
func (p *proc) stop(t *testing.T) int {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := p.cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

func (p *proc) client(t *testing.T, token string) *testutil.Client {
	return &testutil.Client{TB: t, Base: "http://" + p.addr, Token: token, HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// run runs the CLI and returns stdout, stderr and the exit code.
func run(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	return runIn(t, "", stdin, args...)
}

// runIn is run in the working directory dir ("" for the test's).
func runIn(t *testing.T, dir, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Stdin = strings.NewReader(stdin)
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

var tokenRE = regexp.MustCompile(`cst_[A-Za-z0-9_-]{43}`)

// TestFirstStartOnBusyAddress: a first start on an address in use fails
// before it sets anything up, so the one-time admin token is not printed
// (and lost) and the data directory is not created (QA).
func TestFirstStartOnBusyAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := filepath.Join(t.TempDir(), "data")
	out, errOut, code := run(t, "", "serve", "--addr", ln.Addr().String(), "--data-dir", dir)
	if code == 0 || !strings.Contains(errOut, "listen on") {
		t.Fatalf("serve on a busy address: %d %s", code, errOut)
	}
	if tokenRE.MatchString(out) || strings.Contains(out, "shown only this once") {
		t.Errorf("a failed first start printed the admin token: %q", out)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a failed first start created the data directory: %v", err)
	}
}

func TestFirstStartPrintsTokenOnce(t *testing.T) {
	dir := t.TempDir()
	p := startServe(t, "--data-dir", dir)
	tokens := tokenRE.FindAllString(p.stdout.String(), -1)
	if len(tokens) == 0 {
		t.Fatalf("no token printed: %q", p.stdout)
	}
	token := tokens[0]
	p.client(t, token).Must(200, "GET", "/v1/collections", nil)
	if code := p.stop(t); code != 0 {
		t.Fatalf("SIGTERM exit code %d: %s", code, p.stderr)
	}
	info, err := os.Stat(filepath.Join(dir, "custodia.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", info.Mode(), err)
	}
	if strings.Contains(p.stderr.String(), token) {
		t.Fatal("the token appears in the logs")
	}
	p2 := startServe(t, "--data-dir", dir)
	if strings.Contains(p2.stdout.String()+p2.stderr.String(), "cst_") {
		t.Fatal("token printed again on the second start")
	}
	p2.client(t, token).Must(200, "GET", "/v1/collections", nil)
	p2.stop(t)
}

// TestSIGTERMDrains sends SIGTERM while requests are in flight: they all
// complete, and the process exits 0.
func TestSIGTERMDrains(t *testing.T) {
	p := startServe(t, "--data-dir", t.TempDir(), "--bootstrap-token", testutil.AdminToken)
	c := p.client(t, testutil.AdminToken)
	c.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := c.RoleToken("dpo")
	var wg sync.WaitGroup
	errs := make(chan string, 200)
	for w := range 8 {
		wg.Go(func() {
			for i := range 25 {
				body := fmt.Sprintf(`{"email":"drain.%d.%d@example.com"}`, w, i)
				req, _ := http.NewRequest("POST", "http://"+p.addr+"/v1/collections/customers/records?purpose=support", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+dpo)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return // connection refused after shutdown began: not in flight
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 201 && resp.StatusCode != 503 {
					errs <- fmt.Sprintf("status %d", resp.StatusCode)
				}
			}
		})
	}
	time.Sleep(30 * time.Millisecond)
	code := p.stop(t)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("request during shutdown: %s", e)
	}
	if code != 0 {
		t.Fatalf("exit code %d: %s", code, p.stderr)
	}
	if !strings.Contains(p.stderr.String(), "stopped cleanly") {
		t.Fatalf("no clean stop logged: %s", p.stderr)
	}
}

// TestCLITour walks the operator's commands against one data directory:
// collections apply, demo data, audit verify (intact and tampered), keys
// rotate through the API, backup and restore.
func TestCLITour(t *testing.T) {
	dir := t.TempDir()
	p := startServe(t, "--data-dir", dir, "--bootstrap-token", testutil.AdminToken, "--demo", "--demo-count", "40")
	c := p.client(t, testutil.AdminToken)
	d := c.With(c.RoleToken("dpo"))
	r := d.Must(200, "GET", "/v1/collections/customers/records?purpose=support&limit=100", nil)
	if n := len(r.JSON()["records"].([]any)); n != 40 {
		t.Fatalf("demo customers: %d", n)
	}
	// The demo's console users: printed once, and they can sign in.
	people := regexp.MustCompile(`(?m)^\s+(\S+@demo\.example)\s+(\w+)\s+(\S+)$`).FindAllStringSubmatch(p.stdout.String(), -1)
	if len(people) != 3 {
		t.Fatalf("demo people printed: %q", p.stdout)
	}
	for _, m := range people {
		r := c.With("").Do("POST", "/v1/sessions", map[string]any{"email": m[1], "password": m[3]})
		if r.Status != 201 || r.JSON()["role"] != m[2] {
			t.Errorf("demo person %s signs in: %d %s", m[1], r.Status, r.Body)
		}
	}
	url := "http://" + p.addr
	schema := filepath.Join(dir, "schema.yaml")
	os.WriteFile(schema, []byte(`collections:
  - name: leads
    kind: persons
    fields:
      - {name: email, type: email, category: user.contact.email, purposes: [marketing], unique: true}
      - {name: phone, type: phone, category: user.contact.phone_number, purposes: [marketing]}
`), 0o600)
	if out, errOut, code := run(t, "", "collections", "apply", "-f", schema, "--url", url, "--token", testutil.AdminToken, "--dry-run"); code != 0 || !strings.Contains(out, "would create leads") {
		t.Fatalf("apply --dry-run: %d %s %s", code, out, errOut)
	}
	if out, errOut, code := run(t, "", "collections", "apply", "-f", schema, "--url", url, "--token", testutil.AdminToken); code != 0 || !strings.Contains(out, "created leads") {
		t.Fatalf("apply: %d %s %s", code, out, errOut)
	}
	// A dry run refuses what apply would refuse: here an index dropped,
	// against the server and against its database (read-only, beside it).
	changed := filepath.Join(dir, "changed.yaml")
	text, _ := os.ReadFile(schema)
	os.WriteFile(changed, []byte(strings.Replace(string(text), "unique: true", "unique: false", 1)), 0o600)
	for _, where := range [][]string{{"--url", url, "--token", testutil.AdminToken}, {"--data-dir", dir}} {
		args := append([]string{"collections", "apply", "-f", changed, "--dry-run"}, where...)
		if out, errOut, code := run(t, "", args...); code != exitUsage || !strings.Contains(errOut, "schema_incompatible") {
			t.Fatalf("dry run of an incompatible change %v: %d %s %s", where, code, out, errOut)
		}
		args = append([]string{"collections", "apply", "-f", schema, "--dry-run"}, where...)
		if out, errOut, code := run(t, "", args...); code != 0 || !strings.Contains(out, "would leave unchanged leads") {
			t.Fatalf("dry run of the same schema %v: %d %s %s", where, code, out, errOut)
		}
	}
	if out, _, code := run(t, "", "collections", "apply", "-f", schema, "--url", url, "--token", testutil.AdminToken); code != 0 || !strings.Contains(out, "unchanged leads") {
		t.Fatalf("re-apply: %d %s", code, out)
	}
	if _, errOut, code := run(t, "", "collections", "apply", "-f", filepath.Join(dir, "missing.yaml")); code != exitUsage || errOut == "" {
		t.Fatalf("apply missing file: %d %s", code, errOut)
	}

	// Offline commands that change keys or data refuse to run beside a server.
	if _, errOut, code := run(t, "", "keys", "rotate", "--data-dir", dir); code == 0 || !strings.Contains(errOut, "another custodia process") {
		t.Fatalf("offline rotate beside a server: %d %s", code, errOut)
	}
	out, errOut, code := run(t, "", "keys", "rotate", "--url", url, "--token", testutil.AdminToken)
	var rot struct {
		NewVersion uint32   `json:"new_version"`
		Rewrapped  int      `json:"rewrapped"`
		Retired    []uint32 `json:"retired"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rot) != nil || rot.Rewrapped != 40 || len(rot.Retired) != 1 {
		t.Fatalf("rotate: %d %s %s", code, out, errOut)
	}
	d.Must(200, "GET", "/v1/collections/customers/records?purpose=support&limit=1", nil)

	if out, errOut, code := run(t, "", "audit", "verify", "--data-dir", dir); code != 0 || !strings.Contains(out, `"ok": true`) {
		t.Fatalf("verify: %d %s %s", code, out, errOut)
	}
	backup := filepath.Join(t.TempDir(), "b.backup")
	if out, errOut, code := run(t, "", "backup", "--data-dir", dir, "--out", backup, "--with-keys"); code != 0 || !strings.Contains(out, "backup written") {
		t.Fatalf("backup: %d %s %s", code, out, errOut)
	}
	p.stop(t)

	// Tamper with the audit log: verify exits 1 and names the entry.
	raw := openSQLite(t, filepath.Join(dir, "custodia.db"))
	if _, err := raw.Exec("UPDATE audit_log SET purpose = 'marketing' WHERE seq = 10"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if out, _, code := run(t, "", "audit", "verify", "--data-dir", dir); code != exitFailed || !strings.Contains(out, `"broken_at": 10`) {
		t.Fatalf("verify tampered: %d %s", code, out)
	}

	// Restore the backup into a new data directory with the same key file.
	restored := t.TempDir()
	keyFile := filepath.Join(dir, "custodia.key")
	if out, errOut, code := run(t, "", "restore", backup, "--data-dir", restored, "--key-file", keyFile); code != 0 || !strings.Contains(out, "restored") {
		t.Fatalf("restore: %d %s %s", code, out, errOut)
	}
	if _, errOut, code := run(t, "", "restore", backup, "--data-dir", restored, "--key-file", keyFile); code != exitUsage || !strings.Contains(errOut, "not_empty") {
		t.Fatalf("second restore: %d %s", code, errOut)
	}
	p2 := startServe(t, "--data-dir", restored, "--key-file", keyFile)
	r = p2.client(t, d.Token).Must(200, "GET", "/v1/collections/customers/records?purpose=support&limit=100", nil)
	if n := len(r.JSON()["records"].([]any)); n != 40 {
		t.Fatalf("restored customers: %d", n)
	}
	if out, _, code := run(t, "", "audit", "verify", "--url", "http://"+p2.addr, "--token", testutil.AdminToken); code != 0 {
		t.Fatalf("verify restored through the API: %d %s", code, out)
	}
	p2.stop(t)

	// A backup without the key store, restored away from it: it restores,
	// but says that no record can be read (exit 1).
	noKeys := filepath.Join(t.TempDir(), "nokeys.backup")
	if out, errOut, code := run(t, "", "backup", "--data-dir", dir, "--out", noKeys); code != 0 {
		t.Fatalf("backup without keys: %d %s %s", code, out, errOut)
	}
	// A backup is never overwritten by accident.
	if _, errOut, code := run(t, "", "backup", "--data-dir", dir, "--out", noKeys); code != exitUsage || !strings.Contains(errOut, "--overwrite") {
		t.Fatalf("backup over an existing file: %d %s", code, errOut)
	}
	if out, errOut, code := run(t, "", "backup", "--data-dir", dir, "--out", noKeys, "--overwrite"); code != 0 {
		t.Fatalf("backup --overwrite: %d %s %s", code, out, errOut)
	}
	if out, errOut, code := run(t, "", "restore", noKeys, "--data-dir", t.TempDir(), "--key-file", keyFile); code != exitFailed || !strings.Contains(errOut, "40 of 40 subjects have no data key") {
		t.Fatalf("restore without keys: %d %s %s", code, out, errOut)
	}
	// A key rotation retires the version the first backup's keys were
	// wrapped with: restoring it with the new key file is refused.
	if out, errOut, code := run(t, "", "keys", "rotate", "--data-dir", dir); code != 0 {
		t.Fatalf("offline rotate: %d %s %s", code, out, errOut)
	}
	if out, errOut, code := run(t, "", "restore", backup, "--data-dir", t.TempDir(), "--key-file", keyFile); code != exitUsage || !strings.Contains(errOut, "data_keys_unreadable") {
		t.Fatalf("restore after a rotation: %d %s %s", code, out, errOut)
	}
}

func TestHelpAndUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"bench", "--help"}, {"backup", "--help"}, {"audit", "verify", "--help"}} {
		if out, _, code := run(t, "", args...); code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%v: %d %s", args, code, out)
		}
	}
	if _, errOut, code := run(t, "", "serve", "--no-such-flag"); code == 0 || errOut == "" {
		t.Errorf("unknown flag accepted: %d", code)
	}
	if _, errOut, code := run(t, "", "backup"); code != exitUsage || !strings.Contains(errOut, "--out") {
		t.Errorf("backup without --out: %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "", "bench"); code != exitUsage || !strings.Contains(errOut, "token") {
		t.Errorf("bench without token: %d %s", code, errOut)
	}
}

// TestTwoReplicasOnPostgres runs two serve processes on one PostgreSQL
// database with one key file: what one writes the other reads, and
// concurrent writes through both keep one intact audit chain.
func TestTwoReplicasOnPostgres(t *testing.T) {
	dbURL := testutil.MustPostgres(t)
	keyDir := t.TempDir()
	keyFile := filepath.Join(keyDir, "custodia.key")
	a := startServe(t, "--data-dir", t.TempDir(), "--key-file", keyFile, "--database-url", dbURL, "--bootstrap-token", testutil.AdminToken)
	b := startServe(t, "--data-dir", t.TempDir(), "--key-file", keyFile, "--database-url", dbURL)
	adminA := a.client(t, testutil.AdminToken)
	adminA.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	dpo := adminA.RoleToken("dpo")
	ca, cb := a.client(t, dpo), b.client(t, dpo)
	r := ca.Must(201, "POST", "/v1/collections/customers/records?purpose=support", `{"email":"replica@example.com","phone":"+84911111111"}`)
	id := r.JSON()["id"].(string)
	got := cb.Must(200, "GET", "/v1/collections/customers/records/"+id+"?purpose=support", nil).JSON()
	if got["data"].(map[string]any)["email"] != "replica@example.com" {
		t.Fatalf("read through the other replica: %v", got)
	}
	var wg sync.WaitGroup
	for i, c := range []*testutil.Client{ca, cb, ca, cb} {
		wg.Go(func() {
			for j := range 40 {
				c.Must(201, "POST", "/v1/collections/customers/records?purpose=support", fmt.Sprintf(`{"email":"r%d.%d@example.com"}`, i, j))
			}
		})
	}
	wg.Wait()
	cb.Must(200, "GET", "/v1/collections/customers/records?email=r0.39@example.com&purpose=support", nil)
	rep := ca.Must(200, "POST", "/v1/audit/verify", nil).JSON()
	if rep["ok"] != true || rep["checked"].(float64) < 160 {
		t.Fatalf("audit chain across replicas: %v", rep)
	}

	// Rotate through A while B keeps creating subjects: B must wrap its new
	// keys under the new version (it re-reads the shared key file), so when
	// A retires the old version nothing is left on it.
	stop := make(chan struct{})
	var created sync.WaitGroup
	created.Go(func() {
		for j := 0; ; j++ {
			select {
			case <-stop:
				return
			default:
			}
			cb.Must(201, "POST", "/v1/collections/customers/records?purpose=support", fmt.Sprintf(`{"email":"during.%d@example.com"}`, j))
		}
	})
	rot := adminA.Must(200, "POST", "/v1/keys/rotate", nil).JSON()
	for j := range 20 { // B creates after the switch too
		cb.Must(201, "POST", "/v1/collections/customers/records?purpose=support", fmt.Sprintf(`{"email":"after.%d@example.com"}`, j))
	}
	close(stop)
	created.Wait()
	status := adminA.Must(200, "GET", "/v1/keys", nil).JSON()
	adminB := b.client(t, testutil.AdminToken)
	if statusB := adminB.Must(200, "GET", "/v1/keys", nil).JSON(); fmt.Sprint(statusB["versions"]) != fmt.Sprint(status["versions"]) {
		t.Errorf("key versions seen by the replica that did not rotate: %v, by the one that did: %v", statusB["versions"], status["versions"])
	}
	byVersion := status["data_keys_by_version"].(map[string]any)
	if len(byVersion) != 1 || byVersion[fmt.Sprint(int64(rot["new_version"].(float64)))] == nil {
		t.Fatalf("data keys after rotation with two replicas: %v (rotation %v)", byVersion, rot)
	}
	for _, c := range []*testutil.Client{ca, cb} {
		c.Must(200, "GET", "/v1/collections/customers/records?email=after.19@example.com&purpose=support", nil)
		c.Must(200, "GET", "/v1/collections/customers/records?email=replica@example.com&purpose=support", nil)
	}

	// Rotations asked of both replicas at once: one runs at a time (the
	// other gets 409, or runs after it), and every data key stays readable,
	// also by a replica started afterwards from the key file alone.
	codes := make(chan int, 4)
	var rotating sync.WaitGroup
	for _, c := range []*testutil.Client{adminA, adminB, adminA, adminB} {
		rotating.Go(func() { codes <- c.Do("POST", "/v1/keys/rotate", nil).Status })
	}
	rotating.Wait()
	close(codes)
	for code := range codes {
		if code != 200 && code != 409 {
			t.Errorf("concurrent rotation answered %d", code)
		}
	}
	a.stop(t)
	b.stop(t)
	c := startServe(t, "--data-dir", t.TempDir(), "--key-file", keyFile, "--database-url", dbURL)
	cc := c.client(t, dpo)
	for _, email := range []string{"replica@example.com", "r3.39@example.com", "after.19@example.com"} {
		cc.Must(200, "GET", "/v1/collections/customers/records?email="+email+"&purpose=support", nil)
	}
	status = c.client(t, testutil.AdminToken).Must(200, "GET", "/v1/keys", nil).JSON()
	if byVersion := status["data_keys_by_version"].(map[string]any); len(byVersion) != 1 {
		t.Errorf("data keys after concurrent rotations: %v", byVersion)
	}
	c.stop(t)
}

// TestStaleKeyFileRefused: a replica started with a copy of the key file
// from before a rotation refuses to start instead of wrapping new keys
// under a retired version.
func TestStaleKeyFileRefused(t *testing.T) {
	dbURL := testutil.MustPostgres(t)
	keyFile := filepath.Join(t.TempDir(), "custodia.key")
	a := startServe(t, "--data-dir", t.TempDir(), "--key-file", keyFile, "--database-url", dbURL, "--bootstrap-token", testutil.AdminToken, "--demo", "--demo-count", "3")
	staleCopy := filepath.Join(t.TempDir(), "custodia.key")
	raw, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(staleCopy, raw, 0o600)
	// A replica started before the rotation, with its own copy of the key
	// file: after the rotation it cannot open the re-wrapped data keys. It
	// says so (503 stale_key_file), on reads and on /readyz.
	c := startServe(t, "--data-dir", t.TempDir(), "--key-file", staleCopy, "--database-url", dbURL)
	admin := a.client(t, testutil.AdminToken)
	dpo := admin.RoleToken("dpo")
	admin.Must(200, "POST", "/v1/keys/rotate", nil)
	if r := c.client(t, dpo).Do("GET", "/v1/collections/customers/records?purpose=support", nil); r.Status != 503 || !strings.Contains(string(r.Body), "stale_key_file") {
		t.Fatalf("read on the stale replica: %d %s", r.Status, r.Body)
	}
	if r := c.client(t, "").Do("GET", "/readyz", nil); r.Status != 503 || !strings.Contains(string(r.Body), "stale_key_file") {
		t.Fatalf("readyz of the stale replica: %d %s", r.Status, r.Body)
	}
	a.client(t, "").Must(200, "GET", "/readyz", nil)
	c.stop(t)
	_, errOut, code := run(t, "", "serve", "--addr", freeAddr(t), "--data-dir", t.TempDir(), "--key-file", staleCopy, "--database-url", dbURL)
	if code == 0 || !strings.Contains(errOut, "lacks the database's primary KEK version") {
		t.Fatalf("stale replica: exit %d: %s", code, errOut)
	}
	a.stop(t)
}

// TestLogsHoldNoPersonalData runs a server at debug level through valid and
// invalid calls and checks that neither its logs nor its error answers
// contain the personal values or the token.
func TestLogsHoldNoPersonalData(t *testing.T) {
	p := startServe(t, "--data-dir", t.TempDir(), "--bootstrap-token", testutil.AdminToken, "--log-level", "debug")
	admin := p.client(t, testutil.AdminToken)
	admin.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	c := admin.With(admin.RoleToken("dpo"))
	secrets := []string{"loggy.canary@example.com", "+84933334444", "84933334444", "Lưu Canaryman", "99 Canary Wharf Street", testutil.AdminToken, c.Token}
	c.Must(201, "POST", "/v1/collections/customers/records?purpose=support",
		`{"email":"loggy.canary@example.com","phone":"+84933334444","name":"Lưu Canaryman","address":"99 Canary Wharf Street"}`)
	c.Must(200, "GET", "/v1/collections/customers/records?email=loggy.canary@example.com&purpose=support", nil)
	var answers []string
	for _, call := range []struct{ method, path, body string }{
		{"POST", "/v1/collections/customers/records?purpose=support", `{"email":"loggy.canary@example.com"}`},            // duplicate
		{"POST", "/v1/collections/customers/records?purpose=support", `{"email":"not-an-email 99 Canary Wharf Street"}`}, // invalid
		{"POST", "/v1/collections/customers/records?purpose=support", `{"phone":"+84933334444x"}`},                       // invalid phone
		{"POST", "/v1/collections/customers/records?purpose=support", `{"loggy.canary@example.com":"x"}`},                // PII as a field name
		{"GET", "/v1/collections/customers/records?name=Lưu%20Canaryman&purpose=support", ""},                            // not indexed
		{"GET", "/v1/collections/customers/records?email=loggy.canary@example.com", ""},                                  // no purpose
	} {
		r := c.Do(call.method, call.path, call.body)
		if r.Status < 400 {
			t.Fatalf("%s %s: expected an error, got %d", call.method, call.path, r.Status)
		}
		answers = append(answers, string(r.Body))
	}
	p.client(t, "cst_wrong").Do("GET", "/v1/collections", nil)

	// People, sign-in failures past the lockout, consent evidence, alerts.
	const staffEmail, staffPassword = "canary.staff@example.com", "canary password that is long"
	secrets = append(secrets, staffEmail, staffPassword, "198.51.100.77", "CanaryBrowser/9.9")
	admin.Must(201, "POST", "/v1/users", map[string]any{"email": staffEmail, "display_name": "Staff", "role": "support", "password": staffPassword})
	anon := p.client(t, "")
	for range 7 {
		r := anon.Do("POST", "/v1/sessions", map[string]any{"email": staffEmail, "password": staffPassword + "x"})
		answers = append(answers, string(r.Body))
	}
	sub := c.Must(200, "GET", "/v1/collections/customers/records?email=loggy.canary@example.com&purpose=support", nil).JSON()["records"].([]any)[0].(map[string]any)["subject"].(string)
	ev := c.Must(201, "POST", "/v1/subjects/"+sub+"/consents", map[string]any{"purpose": "marketing", "action": "grant", "method": "form",
		"notice_version": "v1", "notice_text": "Offers by e-mail.", "channel": "web", "collected_by": "form", "ip": "198.51.100.77", "user_agent": "CanaryBrowser/9.9"})
	answers = append(answers, string(ev.Body), string(c.Must(200, "GET", "/v1/subjects/"+sub+"/consents", nil).Body),
		string(admin.Must(200, "GET", "/v1/alerts", nil).Body), string(admin.Must(200, "GET", "/v1/audit?limit=1000", nil).Body))
	p.stop(t)
	logs := p.stdout.String() + p.stderr.String()
	if !strings.Contains(logs, "security alert") {
		t.Fatal("the lockout raised no alert; the check would prove less")
	}
	if !strings.Contains(logs, "level=DEBUG") {
		t.Fatal("debug logging was not on; the check would prove nothing")
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("logs contain %q", s)
		}
		for _, a := range answers {
			if strings.Contains(a, s) {
				t.Errorf("error answer contains %q: %s", s, a)
			}
		}
	}
}

// TestBenchCommand runs the load command against a real server, small.
func TestBenchCommand(t *testing.T) {
	p := startServe(t, "--data-dir", t.TempDir(), "--bootstrap-token", testutil.AdminToken)
	out, errOut, code := run(t, "", "bench", "--url", "http://"+p.addr, "--token", testutil.AdminToken, "--clients", "8", "--records", "200", "--format", "json")
	if code != 0 {
		t.Fatalf("bench: %d %s %s", code, out, errOut)
	}
	var res struct {
		Creates struct{ Ops, Errors int } `json:"creates"`
		Reads   struct{ Ops, Errors int } `json:"reads"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("bench output: %v\n%s", err, out)
	}
	if res.Creates.Ops != 200 || res.Reads.Ops != 400 || res.Creates.Errors+res.Reads.Errors != 0 {
		t.Fatalf("bench result: %+v", res)
	}
	// A token the server refuses is the caller's mistake (2), as for the
	// other client commands (QA: 3).
	if out, errOut, code := run(t, "", "bench", "--url", "http://"+p.addr, "--token", "not-a-token-at-all-0123", "--records", "10"); code != exitUsage || !strings.Contains(errOut, "401") {
		t.Errorf("bench with a wrong token: %d %s %s, want exit 2 naming the 401", code, out, errOut)
	}
	p.stop(t)
}

// TestConfigFromEnvironmentAndFile starts serve configured only through
// CUSTODIA_* variables and a --config file, and checks the precedence:
// flag over environment over file.
func TestConfigFromEnvironmentAndFile(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	cfgFile := filepath.Join(dir, "custodia.yaml")
	os.WriteFile(cfgFile, []byte("addr: 127.0.0.1:1\ndefault-region: VN\nlog-format: json\n"), 0o600)
	cmd := exec.Command(binary, "serve", "--config", cfgFile)
	cmd.Env = append(os.Environ(), "CUSTODIA_ADDR="+addr, "CUSTODIA_DATA_DIR="+filepath.Join(dir, "data"),
		"CUSTODIA_BOOTSTRAP_TOKEN="+testutil.AdminToken)
	stderr := newOutFile(t, "stderr")
	cmd.Stderr = stderr.f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, addr: addr, stdout: newOutFile(t, "stdout"), stderr: stderr}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start on the CUSTODIA_ADDR address: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	c := p.client(t, testutil.AdminToken)
	c.Must(201, "POST", "/v1/collections", testutil.CustomersSchema)
	c = c.With(c.RoleToken("dpo"))
	// default-region VN from the file: a national-format number is accepted.
	r := c.Must(201, "POST", "/v1/collections/customers/records?purpose=support", `{"email":"env@example.com","phone":"0912 345 678"}`)
	got := c.Must(200, "GET", "/v1/collections/customers/records/"+r.JSON()["id"].(string)+"?purpose=support", nil).JSON()
	if got["data"].(map[string]any)["phone"] != "+84912345678" {
		t.Fatalf("default region from the config file not applied: %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "custodia.db")); err != nil {
		t.Fatalf("CUSTODIA_DATA_DIR not used: %v", err)
	}
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stderr.String(), `"msg":"custodia serving"`) {
		t.Fatalf("log-format json from the config file not applied: %s", stderr.String())
	}
}

// TestApplyOffline applies a schema file to a data directory no server
// uses, then serves it; beside a running server the offline path refuses.
func TestApplyOffline(t *testing.T) {
	dir := t.TempDir()
	schema := filepath.Join(dir, "schema.json")
	os.WriteFile(schema, []byte(testutil.CustomersSchema), 0o600)
	if out, errOut, code := run(t, "", "collections", "apply", "-f", schema, "--data-dir", dir); code != 0 || !strings.Contains(out, "created customers") {
		t.Fatalf("offline apply: %d %s %s", code, out, errOut)
	}
	p := startServe(t, "--data-dir", dir)
	if !tokenRE.MatchString(p.stdout.String()) {
		t.Fatalf("first serve after an offline apply printed no admin token: %q", p.stdout)
	}
	token := tokenRE.FindString(p.stdout.String())
	p.client(t, token).Must(200, "GET", "/v1/collections/customers", nil)
	if _, errOut, code := run(t, "", "collections", "apply", "-f", schema, "--data-dir", dir); code == 0 || !strings.Contains(errOut, "pass --token") {
		t.Fatalf("offline apply beside a server: %d %s", code, errOut)
	}
	if out, errOut, code := run(t, "", "collections", "apply", "-f", schema, "--url", "http://"+p.addr, "--token", token); code != 0 || !strings.Contains(out, "unchanged customers") {
		t.Fatalf("apply through the server: %d %s %s", code, out, errOut)
	}
	if out, _, code := run(t, "", "audit", "verify", "--data-dir", dir); code != 0 || !strings.Contains(out, `"ok": true`) {
		t.Fatalf("chain after offline and online applies: %d %s", code, out)
	}
	p.stop(t)
}

// TestScanCommand runs custodia scan over a small export folder.
func TestScanCommand(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"exports/khach_hang.csv": "Họ tên,SĐT,Email,CCCD,Ngày sinh,Ghi chú\nNguyễn Văn An,0912 345 678,an.nguyen@example.com,079203001234,12/03/1990,đơn hàng 202401150001\n",
		"exports/chat.txt":       "[12:03] Lan: sđt em là 0903 123 456 nhé\n[12:04] Shop: thẻ 4111 1111 1111 1111\n",
		"exports/notes.txt":      "Order 4111 1111 1111 1112 shipped in v1.2.3.4\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code := run(t, "", "scan", filepath.Join(dir, "exports"), "--format", "json")
	if code != 1 {
		t.Fatalf("scan with findings: exit %d, want 1; %s %s", code, out, errOut)
	}
	var rep struct {
		Findings []struct {
			Path, Column, Entity, Preview string
			Line                          int
		}
		Summary struct {
			ByEntity map[string]int `json:"by_entity"`
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	for _, e := range []string{"EMAIL_ADDRESS", "PHONE_NUMBER", "VN_CCCD", "CREDIT_CARD", "DATE_OF_BIRTH"} {
		if rep.Summary.ByEntity[e] == 0 {
			t.Errorf("no %s found: %v", e, rep.Summary.ByEntity)
		}
	}
	for _, f := range rep.Findings {
		if strings.HasSuffix(f.Path, "notes.txt") {
			t.Errorf("near misses reported: %+v", f)
		}
		if f.Line < 1 {
			t.Errorf("line %d", f.Line)
		}
	}
	for _, raw := range []string{"an.nguyen@example.com", "079203001234", "4111 1111 1111 1111", "0912 345 678"} {
		if strings.Contains(out, raw) {
			t.Errorf("the output holds the value %q", raw)
		}
	}
	sarif, _, code := run(t, "", "scan", filepath.Join(dir, "exports"), "--format", "sarif")
	var doc struct {
		Version string
		Runs    []struct {
			Results []struct {
				RuleID  string
				Message struct{ Text string }
			}
		}
	}
	if err := json.Unmarshal([]byte(sarif), &doc); err != nil || code != 1 || doc.Version != "2.1.0" || len(doc.Runs) != 1 || len(doc.Runs[0].Results) != len(rep.Findings) {
		t.Errorf("sarif: exit %d, %v, %+v", code, err, doc)
	}
	// SARIF's names are case-sensitive (encoding/json's decoding is not).
	if !strings.Contains(sarif, `"text"`) || strings.Contains(sarif, `"Text"`) {
		t.Errorf("sarif message: %s", sarif)
	}
	html, _, code := run(t, "", "scan", filepath.Join(dir, "exports"), "--format", "html")
	if code != 1 || !strings.Contains(html, "Entities per location") || !strings.Contains(html, `class="bar"`) {
		t.Errorf("html report: exit %d\n%s", code, html)
	}
	for _, raw := range []string{"an.nguyen@example.com", "079203001234", "4111 1111 1111 1111"} {
		if strings.Contains(sarif, raw) || strings.Contains(html, raw) {
			t.Errorf("a report holds the value %q", raw)
		}
	}
	clean := filepath.Join(dir, "clean")
	os.MkdirAll(clean, 0o755)
	os.WriteFile(filepath.Join(clean, "a.txt"), []byte("nothing personal here\n"), 0o600)
	if _, _, code := run(t, "", "scan", clean); code != 0 {
		t.Errorf("clean scan: exit %d, want 0", code)
	}
	if _, _, code := run(t, "", "scan", filepath.Join(dir, "missing")); code != 2 {
		t.Errorf("missing path: exit %d, want 2", code)
	}
	eval, _, code := run(t, "", "scan", "eval", "--docs", "60")
	if code != 0 || !strings.Contains(eval, "CREDIT_CARD") || !strings.Contains(eval, "micro avg") {
		t.Errorf("scan eval: exit %d\n%s", code, eval)
	}
	if _, _, code := run(t, "", "scan", clean, "--format", "xml"); code != 2 {
		t.Errorf("bad format: exit %d, want 2", code)
	}
}

func TestScanReportToAndRedact(t *testing.T) {
	dir := t.TempDir()
	exports := filepath.Join(dir, "exports")
	os.MkdirAll(filepath.Join(exports, "sub"), 0o755)
	os.WriteFile(filepath.Join(exports, "leads.csv"), []byte("name,email,phone\nNguyễn Văn An,an.nguyen@example.com,0912 345 678\nLê Thị Hoa,hoa.le@example.vn,0903 123 456\n"), 0o600)
	os.WriteFile(filepath.Join(exports, "sub", "notes.txt"), []byte("call Lan: 0988 765 432\n"), 0o600)

	p := startServe(t, "--data-dir", filepath.Join(dir, "data"), "--bootstrap-token", testutil.AdminToken)
	url := "http://" + p.addr
	c := p.client(t, testutil.AdminToken)
	dpo := c.RoleToken("dpo")
	redacted := filepath.Join(dir, "redacted")
	out, errOut, code := run(t, "", "scan", exports, "--format", "json", "--report-to", url, "--token", dpo, "--redact", redacted)
	if code != 1 || !strings.Contains(errOut, "scan recorded in the server as scn_") || !strings.Contains(errOut, "redacted copies of 2 text files") {
		t.Fatalf("scan --report-to --redact: exit %d\n%s\n%s", code, out, errOut)
	}
	list := c.With(dpo).Must(200, "GET", "/v1/scans", nil).JSON()["scans"].([]any)
	if len(list) != 1 {
		t.Fatalf("scans: %v", list)
	}
	sc := list[0].(map[string]any)
	roots := sc["roots"].([]any)
	if len(roots) != 1 || roots[0] != filepath.ToSlash(exports) || sc["reported_by"] == "" {
		t.Errorf("scan record: %v", sc)
	}
	got := c.With(dpo).Must(200, "GET", "/v1/scans/"+sc["id"].(string), nil)
	view := got.JSON()
	locs := view["scan"].(map[string]any)["locations"].([]any)
	want := map[string]float64{"leads.csv|email|EMAIL_ADDRESS": 2, "leads.csv|phone|PHONE_NUMBER": 2, "leads.csv|name|PERSON": 2, "sub/notes.txt||PHONE_NUMBER": 1}
	seen := map[string]float64{}
	for _, l := range locs {
		m := l.(map[string]any)
		col, _ := m["column"].(string)
		seen[m["path"].(string)+"|"+col+"|"+m["entity"].(string)] = m["count"].(float64)
	}
	for k, n := range want {
		if seen[k] != n {
			t.Errorf("location %s: count %v, want %v (all: %v)", k, seen[k], n, seen)
		}
	}
	cats := view["scan"].(map[string]any)["categories"].(map[string]any)
	if cats["user.contact.email"] != float64(2) {
		t.Errorf("categories: %v", cats)
	}
	for _, raw := range []string{"an.nguyen@example.com", "0912 345 678", "Nguyễn Văn An", "n***"} {
		if strings.Contains(string(got.Body), raw) {
			t.Errorf("the server's scan record holds %q", raw)
		}
	}
	copyCSV, err := os.ReadFile(filepath.Join(redacted, "leads.csv"))
	if err != nil || strings.Contains(string(copyCSV), "example.com") || !strings.Contains(string(copyCSV), "[EMAIL_ADDRESS]") {
		t.Errorf("redacted copy: %v\n%s", err, copyCSV)
	}
	// Usage errors: no token, a bad URL, a redact directory inside the
	// scanned path or not empty.
	for _, args := range [][]string{
		{"scan", exports, "--report-to", url},
		{"scan", exports, "--report-to", "ftp://x", "--token", dpo},
		{"scan", exports, "--redact", filepath.Join(exports, "out")},
		{"scan", exports, "--redact", redacted},
	} {
		if _, errOut, code := run(t, "", args...); code != 2 || !strings.Contains(errOut, "--") {
			t.Errorf("%v: exit %d, want 2; %s", args, code, errOut)
		}
	}
	// A token whose role may not report: exit 2 with the server's refusal.
	support := c.RoleToken("support")
	if _, errOut, code := run(t, "", "scan", exports, "--report-to", url, "--token", support); code != 2 || !strings.Contains(errOut, "403") {
		t.Errorf("support token: exit %d; %s", code, errOut)
	}
}

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	p := startServe(t, "--data-dir", dir, "--bootstrap-token", testutil.AdminToken)
	url := "http://" + p.addr
	out, errOut, code := run(t, "", "report", "--url", url, "--token", testutil.AdminToken)
	var rep struct {
		Score, Passed, Total int
		Items                []struct{ ID, Status string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Total != 11 {
		t.Fatalf("report: %v %q %s", err, out, errOut)
	}
	if code != 1 || !strings.Contains(errOut, "systems_mapped") {
		t.Errorf("a report with failing items: exit %d, %s", code, errOut)
	}
	html, _, code := run(t, "", "report", "--url", url, "--token", testutil.AdminToken, "--format", "html")
	if code != 1 || !strings.Contains(html, "<h1>Compliance report</h1>") || !strings.Contains(html, `<base href="`+url+`/">`) ||
		!strings.Contains(html, `href="/console/datamap"`) {
		t.Errorf("html report: exit %d %q", code, html[:min(len(html), 200)])
	}
	if _, _, code := run(t, "", "report", "--url", url, "--token", testutil.AdminToken, "--format", "pdf"); code != 2 {
		t.Errorf("bad format: exit %d", code)
	}
	support := p.client(t, testutil.AdminToken).RoleToken("support")
	if _, errOut, code := run(t, "", "report", "--url", url, "--token", support); code != 2 || !strings.Contains(errOut, "403") {
		t.Errorf("support token: exit %d %s", code, errOut)
	}
	// No server answering: the report could not be had (3), not bad usage.
	if _, errOut, code := run(t, "", "report", "--url", "http://127.0.0.1:1", "--token", testutil.AdminToken); code != 3 {
		t.Errorf("unreachable server: exit %d %s", code, errOut)
	}
}
