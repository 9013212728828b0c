package detect

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"custodia/internal/apperr"
)

// hookServer answers with the given statuses in turn, repeating the last,
// and records what it received.
type hookServer struct {
	*httptest.Server
	statuses []int
	calls    atomic.Int64
	last     atomic.Pointer[http.Request]
	body     atomic.Pointer[[]byte]
}

func newHookServer(t *testing.T, statuses ...int) *hookServer {
	h := &hookServer{statuses: statuses}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(h.calls.Add(1))
		b, _ := io.ReadAll(r.Body)
		h.last.Store(r)
		h.body.Store(&b)
		w.WriteHeader(h.statuses[min(n, len(h.statuses))-1])
		_, _ = io.WriteString(w, "secret-response-body")
	}))
	t.Cleanup(h.Close)
	return h
}

func newTestWebhook(t *testing.T, url string) *Webhook {
	w, err := NewWebhook(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Backoff = 0
	return w
}

func TestWebhookSendsJSON(t *testing.T) {
	h := newHookServer(t, 204)
	w := newTestWebhook(t, h.URL+"/hooks/T0KEN")
	a := Alert{ID: "a1", At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Kind: KindBulkRead, Severity: SeverityCritical,
		Principal: "token:abc", Message: "bulk read", Data: map[string]string{"distinct": "1001"}}
	if err := w.Send(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	r := h.last.Load()
	if r.Method != http.MethodPost || r.URL.Path != "/hooks/T0KEN" || r.Header.Get("Content-Type") != "application/json" || r.Header.Get("User-Agent") != "custodia-alerts/1" {
		t.Fatalf("request: %s %s, Content-Type %q, User-Agent %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("User-Agent"))
	}
	var got map[string]any
	if err := json.Unmarshal(*h.body.Load(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"id": "a1", "at": "2026-01-02T03:04:05Z", "kind": "bulk_read", "severity": "critical",
		"principal": "token:abc", "message": "bulk read", "data": map[string]any{"distinct": "1001"}}
	if gotJSON, wantJSON := mustJSON(t, got), mustJSON(t, want); gotJSON != wantJSON {
		t.Fatalf("body %s, want %s", gotJSON, wantJSON)
	}

	// Empty optional fields are left out.
	if err := w.Send(context.Background(), Alert{ID: "a2", Kind: KindRateLimited, Severity: SeverityWarning, Message: "m"}); err != nil {
		t.Fatal(err)
	}
	body := string(*h.body.Load())
	if strings.Contains(body, "principal") || strings.Contains(body, "data") {
		t.Fatalf("empty optional fields sent: %s", body)
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWebhookRetries(t *testing.T) {
	cases := []struct {
		name      string
		statuses  []int
		wantCalls int64
		wantErr   string
	}{
		{"success at once", []int{200}, 1, ""},
		{"retry on 500 then success", []int{500, 200}, 2, ""},
		{"retry on 503 twice then success", []int{503, 502, 201}, 3, ""},
		{"give up after three 5xx", []int{500}, 3, "gave up after 3 attempts: endpoint answered 500"},
		{"no retry on 400", []int{400}, 1, "endpoint answered 400"},
		{"no retry on 429", []int{429}, 1, "endpoint answered 429"},
		{"no redirect followed", []int{302}, 1, "endpoint answered 302"},
		{"no retry on 4xx after 5xx", []int{500, 404}, 2, "endpoint answered 404"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHookServer(t, tc.statuses...)
			err := newTestWebhook(t, h.URL).Send(context.Background(), Alert{ID: "x"})
			if got := h.calls.Load(); got != tc.wantCalls {
				t.Errorf("%d attempts, want %d", got, tc.wantCalls)
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Send: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Send error %v, want one containing %q", err, tc.wantErr)
			case err != nil && strings.Contains(err.Error(), "secret-response-body"):
				t.Fatalf("error shows the response body: %v", err)
			}
		})
	}
}

func TestWebhookNetworkErrorRetriesWithoutLeakingTheURL(t *testing.T) {
	h := newHookServer(t, 200)
	url := h.URL + "/hooks/S3CRET?token=S3CRET"
	h.Close() // nothing listens any more: every attempt fails to connect
	w := newTestWebhook(t, url)
	err := w.Send(context.Background(), Alert{ID: "x"})
	if err == nil || !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Fatalf("Send error %v, want three failed attempts", err)
	}
	if strings.Contains(err.Error(), "S3CRET") {
		t.Fatalf("error shows the URL's secret: %v", err)
	}
}

func TestWebhookStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		cancel() // the caller gives up while the first attempt fails
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	w := newTestWebhook(t, srv.URL)
	w.Backoff = time.Hour
	err := w.Send(ctx, Alert{ID: "x"})
	if !errors.Is(err, context.Canceled) || calls.Load() != 1 {
		t.Fatalf("Send = %v after %d attempts; want context.Canceled after 1", err, calls.Load())
	}
}

func TestNewWebhookValidatesURL(t *testing.T) {
	cases := []struct {
		url string
		ok  bool
	}{
		{"https://hooks.example.com/alerts", true},
		{"http://127.0.0.1:8080/x", true},
		{"HTTPS://hooks.example.com", true},
		{"https://user:pass@hooks.example.com/x?y=1", true},
		{"", false},
		{"hooks.example.com/alerts", false},
		{"/alerts", false},
		{"ftp://hooks.example.com/alerts", false},
		{"file:///etc/passwd", false},
		{"https://", false},
		{"https://:443/x", false},
		{"https://exa mple.com", false},
		{"javascript:alert(1)", false},
	}
	for _, tc := range cases {
		w, err := NewWebhook(tc.url, nil)
		if (err == nil) != tc.ok {
			t.Errorf("NewWebhook(%q) error = %v, want ok %v", tc.url, err, tc.ok)
			continue
		}
		if err != nil {
			if apperr.KindOf(err) != apperr.Invalid || apperr.CodeOf(err) != "invalid_webhook_url" {
				t.Errorf("NewWebhook(%q) error %v is not invalid_webhook_url", tc.url, err)
			}
			continue
		}
		if w.Backoff != 500*time.Millisecond || w.client.Timeout != 5*time.Second {
			t.Errorf("NewWebhook(%q): backoff %v, timeout %v", tc.url, w.Backoff, w.client.Timeout)
		}
	}
}

func TestNewWebhookKeepsTheGivenClient(t *testing.T) {
	c := &http.Client{}
	w, err := NewWebhook("https://hooks.example.com", c)
	if err != nil || w.client != c {
		t.Fatalf("NewWebhook with a client: %v, same client %v", err, w != nil && w.client == c)
	}
}
