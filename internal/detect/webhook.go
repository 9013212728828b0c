package detect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"custodia/internal/apperr"
)

// webhookAttempts is how many times Send tries to deliver one alert.
const webhookAttempts = 3

// Webhook posts alerts as JSON to an operator's HTTP endpoint.
type Webhook struct {
	// Backoff is the wait before the second attempt; the third waits twice
	// as long. Zero or less means no wait. NewWebhook sets 500ms.
	Backoff time.Duration

	url    string
	origin string // scheme and host only: what errors may show of the URL
	client *http.Client
}

// NewWebhook returns a webhook that posts to rawURL, an absolute http or
// https URL with a host. A nil client means one with a 5 s timeout that
// does not follow redirects.
func NewWebhook(rawURL string, client *http.Client) (*Webhook, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		// The URL is not quoted: webhook URLs often embed a secret.
		return nil, apperr.New(apperr.Invalid, "invalid_webhook_url", "the alert webhook URL must be an absolute http or https URL with a host")
	}
	if client == nil {
		client = &http.Client{
			Timeout:       5 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return &Webhook{Backoff: 500 * time.Millisecond, url: rawURL, origin: u.Scheme + "://" + u.Host, client: client}, nil
}

// Send posts a as JSON. It makes up to three attempts, retrying after
// network errors and 5xx answers but not after other answers, and stops
// when ctx ends. Errors never include the response body or the URL's path.
func (w *Webhook) Send(ctx context.Context, a Alert) error {
	body, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("detect: webhook: encode alert: %w", err)
	}
	var last error
	for attempt := 1; attempt <= webhookAttempts; attempt++ {
		if attempt > 1 {
			if err := sleep(ctx, w.Backoff*time.Duration(attempt-1)); err != nil {
				return fmt.Errorf("detect: webhook: %w after %d attempts, last: %w", err, attempt-1, last)
			}
		}
		retry, err := w.post(ctx, body)
		if err == nil {
			return nil
		}
		last = err
		if !retry {
			return fmt.Errorf("detect: webhook: %w", err)
		}
	}
	return fmt.Errorf("detect: webhook: gave up after %d attempts: %w", webhookAttempts, last)
}

// post makes one attempt and reports whether a failure is worth retrying.
func (w *Webhook) post(ctx context.Context, body []byte) (retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return false, errors.New("cannot build the request")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "custodia-alerts/1")
	resp, err := w.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = &url.Error{Op: ue.Op, URL: w.origin, Err: ue.Err}
		}
		return true, err
	}
	// Drain a little so the connection can be reused; the body is never
	// read into an error, as an endpoint may echo what it was sent.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return false, nil
	case resp.StatusCode >= 500:
		return true, fmt.Errorf("endpoint answered %d", resp.StatusCode)
	default:
		return false, fmt.Errorf("endpoint answered %d", resp.StatusCode)
	}
}

// sleep waits for d or until ctx ends, whichever is first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
