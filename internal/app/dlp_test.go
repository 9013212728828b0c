package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"custodia/internal/app"
	"custodia/internal/testutil"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// dlpResult is the answer of POST /v1/dlp/check.
type dlpResult struct {
	Decision string   `json:"decision"`
	Reasons  []string `json:"reasons"`
	Findings []struct {
		Entity        string   `json:"entity"`
		Category      string   `json:"category"`
		Count         int      `json:"count"`
		MaxConfidence float64  `json:"max_confidence"`
		Previews      []string `json:"previews"`
	} `json:"findings"`
	Policy     string `json:"policy"`
	Contacts   int    `json:"distinct_contacts"`
	Unreadable int    `json:"unreadable"`
}

func decodeDLP(t *testing.T, r testutil.Response) dlpResult {
	t.Helper()
	if r.Status != 200 {
		t.Fatalf("dlp check: status %d: %s", r.Status, r.Body)
	}
	var res dlpResult
	if err := json.Unmarshal(r.Body, &res); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
	if res.Reasons == nil || res.Findings == nil {
		t.Fatalf("reasons and findings must be arrays: %s", r.Body)
	}
	return res
}

// formPart is one part of a multipart form: a file when filename is set.
type formPart struct{ name, filename, content string }

// postForm sends parts to POST /v1/dlp/check as multipart/form-data.
func postForm(t *testing.T, c *testutil.Client, parts ...formPart) testutil.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.filename != "" {
			w, err = mw.CreateFormFile(p.name, p.filename)
		} else {
			w, err = mw.CreateFormField(p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(w, p.content)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return postRaw(t, c, mw.FormDataContentType(), body.Bytes())
}

// postRaw sends body to POST /v1/dlp/check with a content type.
func postRaw(t *testing.T, c *testutil.Client, contentType string, body []byte) testutil.Response {
	t.Helper()
	req, err := http.NewRequest("POST", c.Base+"/v1/dlp/check", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return testutil.Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// bulkCSV is a customer list of n distinct e-mail addresses.
func bulkCSV(n int) string {
	var b strings.Builder
	b.WriteString("name,email\n")
	for i := range n {
		fmt.Fprintf(&b, "Customer %d,bulk.customer%02d@example.net\n", i, i)
	}
	return b.String()
}

// xlsxWithCard is a workbook holding a payment card number.
func xlsxWithCard(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	_ = f.SetCellValue("Sheet1", "A1", "Card number")
	_ = f.SetCellValue("Sheet1", "A2", "5500 0000 0000 0004")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// zipOf is a ZIP archive of the named files.
func zipOf(t *testing.T, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(w, content)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestDLPCheck runs the DLP check over real HTTP: texts and files, the
// default policy's three decisions, bad input, the permission, and that
// neither the answers, the audit log nor the server's logs hold a value.
// The check itself touches no storage, but its audit entries do.
func TestDLPCheck(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { dlpCheckExamples(t, app.Config{}) })
	t.Run("postgres", func(t *testing.T) { dlpCheckExamples(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}) })
}

func dlpCheckExamples(t *testing.T, cfg app.Config) {
	logs := &syncBuffer{}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(prev) })

	cfg.MaxBodyBytes = 256 << 10
	s := testutil.MustServe(t, cfg)
	admin := s.Client(t)
	dpo := admin.With(admin.RoleToken("dpo"))
	support := admin.With(admin.RoleToken("support"))
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // the server runs in this process: uploads go here

	const (
		card        = "4111 1111 1111 1111"
		email       = "lan.tran.canary@example.com"
		destination = "partner.canary@example.org"
	)
	secrets := []string{card, "4111111111111111", email, destination, "5500 0000 0000 0004", "zipped.canary@example.com"}
	for i := range 20 {
		secrets = append(secrets, fmt.Sprintf("bulk.customer%02d@example.net", i))
	}
	var answers []string
	keep := func(r testutil.Response) testutil.Response { answers = append(answers, string(r.Body)); return r }

	// A text with a card number: block.
	res := decodeDLP(t, keep(dpo.Do("POST", "/v1/dlp/check", map[string]any{"text": "Hi, please charge my card " + card + " for the order.",
		"channel": "email", "destination": destination})))
	if res.Decision != "block" || res.Policy != "default" || !slices.Contains(res.Reasons, "CREDIT_CARD found (block)") ||
		len(res.Findings) != 1 || res.Findings[0].Entity != "CREDIT_CARD" || res.Findings[0].Count != 1 ||
		!slices.Equal(res.Findings[0].Previews, []string{"**** **** **** 1111"}) || !strings.HasPrefix(res.Findings[0].Category, "user.financial") {
		t.Errorf("card: %+v", res)
	}
	// One e-mail address: warn.
	res = decodeDLP(t, keep(dpo.Do("POST", "/v1/dlp/check", map[string]any{"text": "Write to " + email + " about it.", "channel": "zalo"})))
	if res.Decision != "warn" || !slices.Equal(res.Reasons, []string{"EMAIL_ADDRESS found (warn)"}) || res.Contacts != 1 ||
		res.Findings[0].Previews[0] != "l***@example.com" {
		t.Errorf("e-mail: %+v", res)
	}
	// JSON sent with another declared type (curl -d) is read as JSON.
	res = decodeDLP(t, keep(postRaw(t, dpo, "application/x-www-form-urlencoded", []byte(`{"text": "card `+card+`"}`))))
	if res.Decision != "block" {
		t.Errorf("curl -d: %+v", res)
	}
	// Plain text, and an empty one: allow.
	for _, text := range []string{"The meeting moved to Tuesday at 3pm, room 4.", ""} {
		res = decodeDLP(t, keep(admin.Do("POST", "/v1/dlp/check", map[string]any{"text": text})))
		if res.Decision != "allow" || len(res.Reasons) != 0 || len(res.Findings) != 0 {
			t.Errorf("plain text %q: %+v", text, res)
		}
	}

	// A CSV of 20 customers: block as a bulk export.
	res = decodeDLP(t, keep(postForm(t, dpo, formPart{"file", "customers.csv", bulkCSV(20)}, formPart{"channel", "", "email"},
		formPart{"destination", "", destination})))
	if res.Decision != "block" || res.Contacts != 20 || len(res.Reasons) == 0 ||
		res.Reasons[0] != "20 distinct e-mail addresses and phone numbers, more than 10 (block)" {
		t.Errorf("bulk CSV: %+v", res)
	}
	// A workbook with a card number, a ZIP with a CSV, both at once.
	res = decodeDLP(t, keep(postForm(t, dpo, formPart{"file", "payments.xlsx", xlsxWithCard(t)})))
	if res.Decision != "block" || len(res.Findings) != 1 || res.Findings[0].Previews[0] != "**** **** **** 0004" {
		t.Errorf("XLSX: %+v", res)
	}
	zipped := zipOf(t, map[string]string{"export/contacts.csv": "email\nzipped.canary@example.com\n", "readme.txt": "nothing here"})
	res = decodeDLP(t, keep(postForm(t, dpo, formPart{"file", "export.zip", zipped})))
	if res.Decision != "warn" || len(res.Findings) != 1 || res.Findings[0].Entity != "EMAIL_ADDRESS" {
		t.Errorf("ZIP: %+v", res)
	}
	res = decodeDLP(t, keep(postForm(t, dpo, formPart{"file", "export.zip", zipped}, formPart{"file", "payments.xlsx", xlsxWithCard(t)})))
	if res.Decision != "block" || len(res.Findings) != 2 {
		t.Errorf("two files: %+v", res)
	}
	// A file without a name or extension is sniffed; an empty one allowed.
	res = decodeDLP(t, keep(postForm(t, dpo, formPart{"file", "x", "card " + card})))
	if res.Decision != "block" {
		t.Errorf("unnamed file: %+v", res)
	}
	if res = decodeDLP(t, keep(postForm(t, dpo, formPart{"file", "empty.txt", ""}))); res.Decision != "allow" {
		t.Errorf("empty file: %+v", res)
	}

	// Bad requests.
	boundary := "b0undary"
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
		code                    string
	}{
		{"empty body", "", "", 400, "malformed_json"},
		{"empty JSON body", "application/json", "", 400, "malformed_json"},
		{"bad JSON", "application/json", `{"text": "card ` + card, 400, "malformed_json"},
		{"unknown member", "application/json", `{"txt": "hello"}`, 400, "malformed_json"},
		{"no text", "application/json", `{"channel": "email"}`, 400, "missing_text"},
		{"text not a string", "application/json", `{"text": 4111111111111111}`, 400, "malformed_json"},
		{"bad channel", "application/json", `{"text": "hi", "channel": "E Mail"}`, 400, "invalid_channel"},
		{"control character in destination", "application/json", `{"text": "hi", "destination": "a\u0007b"}`, 400, "invalid_destination"},
		{"plain text", "text/plain", "card " + card, 400, "malformed_json"},
		{"bad form type", "multipart/form-data; boundary=", "", 400, "malformed_multipart"},
		{"other multipart", "multipart/mixed; boundary=" + boundary, "--" + boundary + "--\r\n", 400, "malformed_multipart"},
		{"no boundary", "multipart/form-data", "--x--", 400, "malformed_multipart"},
		{"no file part", "multipart/form-data; boundary=" + boundary,
			"--" + boundary + "\r\nContent-Disposition: form-data; name=\"channel\"\r\n\r\nemail\r\n--" + boundary + "--\r\n", 400, "missing_file"},
		{"unknown part", "multipart/form-data; boundary=" + boundary,
			"--" + boundary + "\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n" + card + "\r\n--" + boundary + "--\r\n", 400, "unexpected_part"},
		{"truncated form", "multipart/form-data; boundary=" + boundary,
			"--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n" + card, 400, "malformed_multipart"},
		{"empty form", "multipart/form-data; boundary=" + boundary, "", 400, "missing_file"},
	} {
		r := keep(postRaw(t, dpo, tc.contentType, []byte(tc.body)))
		if r.Status != tc.status || r.Code() != tc.code || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s: %d %s, want %d %s: %s", tc.name, r.Status, r.Code(), tc.status, tc.code, r.Body)
		}
	}
	many := []formPart{}
	for range 21 {
		many = append(many, formPart{"file", "a.txt", "hi"})
	}
	if r := keep(postForm(t, dpo, many...)); r.Status != 400 || r.Code() != "too_many_files" {
		t.Errorf("21 files: %d %s", r.Status, r.Code())
	}
	// Over the body limit, as JSON and as a file: 413, the limit unchanged.
	big := strings.Repeat("lorem ipsum ", 30<<10)
	if r := keep(dpo.Do("POST", "/v1/dlp/check", map[string]any{"text": big})); r.Status != 413 || r.Code() != "body_too_large" {
		t.Errorf("big text: %d %s", r.Status, r.Code())
	}
	if r := keep(postForm(t, dpo, formPart{"file", "big.txt", big + card})); r.Status != 413 || r.Code() != "body_too_large" {
		t.Errorf("big file: %d %s", r.Status, r.Code())
	}
	// A role without dlp:check.
	if r := keep(support.Do("POST", "/v1/dlp/check", map[string]any{"text": "card " + card})); r.Status != 403 || r.Code() != "forbidden" {
		t.Errorf("support: %d %s", r.Status, r.Code())
	}
	if r := keep(postForm(t, support, formPart{"file", "customers.csv", bulkCSV(20)})); r.Status != 403 {
		t.Errorf("support upload: %d %s", r.Status, r.Code())
	}

	// Uploads are removed once checked.
	if left, _ := filepath.Glob(filepath.Join(tmp, "custodia-dlp-*")); len(left) != 0 {
		t.Errorf("uploads left behind: %v", left)
	}

	// The audit log has the decisions and counts, no value.
	auditLog := admin.Must(200, "GET", "/v1/audit?limit=1000", nil)
	answers = append(answers, string(auditLog.Body))
	var page struct {
		Entries []struct {
			Action, Decision, Outcome, Detail string
		} `json:"entries"`
	}
	if err := json.Unmarshal(auditLog.Body, &page); err != nil {
		t.Fatal(err)
	}
	var decisions []string
	for _, e := range page.Entries {
		if e.Action == "dlp.check" && e.Outcome == "ok" {
			decisions = append(decisions, e.Decision)
		}
	}
	for _, want := range []string{"block CREDIT_CARD=1 channel=email", "warn EMAIL_ADDRESS=1 contacts=1 channel=zalo", "allow"} {
		if !slices.Contains(decisions, want) {
			t.Errorf("no dlp.check audit entry %q in %q", want, decisions)
		}
	}
	if !slices.ContainsFunc(decisions, func(d string) bool {
		return strings.HasPrefix(d, "block EMAIL_ADDRESS=20 ") && strings.HasSuffix(d, " contacts=20 channel=email")
	}) {
		t.Errorf("no dlp.check audit entry for the bulk CSV in %q", decisions)
	}

	s.Stop(t)
	out := logs.String()
	if !strings.Contains(out, "level=DEBUG") || !strings.Contains(out, "/v1/dlp/check") {
		t.Fatal("the server logged no debug lines for the checks; the check below would prove nothing")
	}
	for _, v := range secrets {
		if strings.Contains(out, v) {
			t.Errorf("the logs hold %q", v)
		}
		for _, a := range answers {
			if strings.Contains(a, v) {
				t.Errorf("an answer or the audit log holds %q: %s", v, a)
			}
		}
	}
}

// TestDLPPolicyFile: a policy file replaces the default; a bad one stops
// the server from starting, with an error that names the problem.
// The policy is loaded at start-up, before any storage is touched, so the
// refusals need no second engine; the checks under a good policy run on
// both.
func TestDLPPolicyFile(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { dlpPolicyFileExamples(t, app.Config{}) })
	t.Run("postgres", func(t *testing.T) { dlpPolicyFileExamples(t, app.Config{DatabaseURL: testutil.MustPostgres(t)}) })
	t.Run("bad policy", dlpBadPolicyFile)
}

func dlpPolicyFileExamples(t *testing.T, cfg app.Config) {
	dir := t.TempDir()
	good := filepath.Join(dir, "chat-bot.yaml")
	if err := os.WriteFile(good, []byte("bulk_threshold: 0\nunreadable: block\nblock: [CREDIT_CARD]\nwarn: [PHONE_NUMBER]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.DLPPolicyFile = good
	s := testutil.MustServe(t, cfg)
	c := s.DataClient(t)
	res := decodeDLP(t, c.Do("POST", "/v1/dlp/check", map[string]any{"text": "mail lan.tran@example.com"}))
	if res.Decision != "allow" || res.Policy != "chat-bot" || len(res.Findings) != 1 {
		t.Errorf("e-mail under the custom policy: %+v", res)
	}
	res = decodeDLP(t, postForm(t, c, formPart{"file", "customers.csv", bulkCSV(30)}))
	if res.Decision != "allow" || res.Contacts != 30 {
		t.Errorf("bulk rule off: %+v", res)
	}
}

func dlpBadPolicyFile(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"unknown entity": "block: [CREDITCARD]\n",
		"unknown key":    "blocks: [CREDIT_CARD]\n",
	} {
		bad := filepath.Join(dir, "bad.yaml")
		if err := os.WriteFile(bad, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		a, err := app.Open(context.Background(), app.Config{DataDir: t.TempDir(), DLPPolicyFile: bad})
		if err == nil {
			a.Close()
			t.Fatalf("%s: the server started", name)
		}
		if msg := err.Error(); !strings.Contains(msg, "dlp policy "+bad) || !(strings.Contains(msg, `"CREDITCARD"`) || strings.Contains(msg, "blocks")) {
			t.Errorf("%s: unclear error %q", name, msg)
		}
	}
	if _, err := app.Open(context.Background(), app.Config{DataDir: t.TempDir(), DLPPolicyFile: filepath.Join(dir, "missing.yaml")}); err == nil ||
		!strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing policy file: %v", err)
	}
}
