package console_test

import (
	"bytes"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer is a log sink safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestNoPersonalDataInLogs: searching, reading, recording consent and
// failing through the console log, at debug level, none of the values
// involved. Not parallel: it swaps the process's default logger.
func TestNoPersonalDataInLogs(t *testing.T) {
	var logs lockedBuffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(prev) })

	e := newEnv(t)
	const email, phone, name = "secret.person@example.vn", "+84911222333", "Phạm Bí Mật"
	rec := e.srv.DataClient(t).Must(201, "POST", "/v1/collections/customers/records?purpose=support", map[string]any{"email": email, "phone": phone, "name": name}).JSON()
	subject := rec["subject"].(string)
	dpo := e.newPerson(t, "dpo")
	w := e.web(t)
	w.SignIn(dpo)
	w.Get("/console/customers")
	w.Post("/console/customers", url.Values{"by": {"email"}, "q": {email}})
	w.Get("/console/customers")
	w.Post("/console/customers", url.Values{"by": {"phone"}, "q": {phone}})
	w.Get("/console/customers")
	w.Post("/console/customers", url.Values{"by": {"phone"}, "q": {"0911 bad " + name}})
	w.Get("/console/customers/" + subject + "?purpose=support")
	w.Post("/console/customers/"+subject+"/consents", url.Values{"purpose": {"marketing"}, "action": {"grant"}, "method": {"web form"}, "channel": {"web"},
		"notice_version": {"1"}, "notice_text": {"Offers to " + email}, "collected_by": {dpo.Email}})
	w.Post("/console/customers/"+subject+"/erase", url.Values{"confirm": {email}}) // refused: not the subject id
	w.Post("/console/sign-in", url.Values{"email": {email}, "password": {"wrong " + phone}})

	out := logs.String()
	if !strings.Contains(out, "request") {
		t.Fatalf("nothing was logged at debug level; the test would prove nothing:\n%s", out)
	}
	for _, v := range []string{email, phone, "911222333", name, "Bí Mật", dpo.Password} {
		if strings.Contains(out, v) {
			t.Errorf("the log holds %q", v)
		}
	}
}
