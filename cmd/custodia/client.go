package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// apiClient is the CLI's small client of a running server.
type apiClient struct {
	base  string
	token string
	http  *http.Client
}

func newAPIClient(r remoteFlags) (*apiClient, error) {
	if r.token == "" {
		return nil, usageErr(fmt.Errorf("--token (or CUSTODIA_TOKEN) is required with --url"))
	}
	return &apiClient{base: strings.TrimRight(r.url, "/"), token: r.token, http: &http.Client{Timeout: 10 * time.Minute}}, nil
}

// call sends a JSON request and decodes a JSON answer into out. A problem
// answer becomes an error with its status, code and detail.
func (c *apiClient) call(method, path string, body any, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return 0, usageErr(fmt.Errorf("bad --url: %w", err))
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode >= 400 {
		return resp.StatusCode, newProblemError(method, path, resp.StatusCode, raw)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode answer: %w", err)
		}
	}
	return resp.StatusCode, nil
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// raw sends a request without a body and returns the answer's bytes; a
// problem answer becomes an error as in call.
func (c *apiClient) raw(method, path string) ([]byte, error) {
	req, err := http.NewRequest(method, c.base+path, nil)
	if err != nil {
		return nil, usageErr(fmt.Errorf("bad --url: %w", err))
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode >= 400 {
		return nil, newProblemError(method, path, resp.StatusCode, b)
	}
	return b, nil
}

// problemError is a server's problem answer to a call.
type problemError struct {
	method, path string
	status       int
	code, detail string
}

func newProblemError(method, path string, status int, body []byte) *problemError {
	var p struct{ Code, Detail string }
	_ = json.Unmarshal(body, &p)
	return &problemError{method: method, path: path, status: status, code: p.Code, detail: p.Detail}
}

func (e *problemError) Error() string {
	return fmt.Sprintf("%s %s: %d %s: %s", e.method, e.path, e.status, e.code, e.detail)
}

// refused reports whether the server refused the call's input or the
// caller (a 4xx answer), rather than failing to serve it (5xx).
func (e *problemError) refused() bool { return e.status >= 400 && e.status < 500 }
