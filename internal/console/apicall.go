package console

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxAPIResponse bounds what one in-process API call may buffer; larger
// bodies (downloads) are streamed with proxy instead.
const maxAPIResponse = 32 << 20

// APIError is a problem the API answered with (RFC 9457 problem details).
type APIError struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	// Instance is the API's request id, to quote to an administrator.
	Instance string `json:"instance"`
	// fromAPI marks a problem the API answered (its detail is English),
	// not one the console made in the person's language.
	fromAPI bool
	// retryAfter is the API's Retry-After, passed on with a 429.
	retryAfter string
}

// say replaces the API's detail with the console's own text, already in
// the person's language.
func (e *APIError) say(text string) { e.Detail, e.fromAPI = text, false }

// Text is the problem's message in the locale (see Locale.Problem).
func (e *APIError) Text(l *Locale) string {
	if !e.fromAPI {
		return e.Detail
	}
	return l.Problem(e.Code, e.Detail)
}

func (e *APIError) Error() string {
	return fmt.Sprintf("api %d %s: %s", e.Status, e.Code, e.Detail)
}

// errSignedOut: the session is missing, expired or revoked.
var errSignedOut = errors.New("console: signed out")

// errNotFound renders the not-found page.
var errNotFound = &APIError{Status: http.StatusNotFound, Code: "not_found", Title: "Not Found"}

// bufferedResponse collects an in-process API answer.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
	over   bool
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	if b.body.Len()+len(p) > maxAPIResponse {
		b.over = true
		return 0, errors.New("console: API response too large")
	}
	return b.body.Write(p)
}

// apiRequest builds the in-process request for one API call on behalf
// of the browser request r: same context and client address, the
// session as bearer token.
func (rc *reqCtx) apiRequest(ctx context.Context, method, path string, body io.Reader, contentType string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, path, body)
	if err != nil {
		return nil, fmt.Errorf("console: build API request: %w", err)
	}
	if req.Body == nil {
		req.Body = http.NoBody // as the server gives every request it receives
	}
	req.RemoteAddr = rc.r.RemoteAddr
	if xff := rc.r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
		req.Header["X-Forwarded-For"] = xff // for a trusted proxy's client address
	}
	req.Host = rc.r.Host
	req.TLS = rc.r.TLS
	req.Header.Set("User-Agent", "custodia-console")
	if rc.token != "" {
		req.Header.Set("Authorization", "Bearer "+rc.token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req, nil
}

// call runs one API operation and decodes its JSON answer into out (when
// not nil). A non-2xx answer is returned as *APIError; a 401 that ends
// the session (see endsSession) as errSignedOut.
func (rc *reqCtx) call(method, path string, in, out any) error {
	var body io.Reader
	ct := ""
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("console: encode %s %s: %w", method, pathOnly(path), err)
		}
		body, ct = bytes.NewReader(b), "application/json"
	}
	return rc.callRaw(method, path, body, ct, out)
}

// callRaw is call with a prepared body.
func (rc *reqCtx) callRaw(method, path string, body io.Reader, contentType string, out any) error {
	req, err := rc.apiRequest(rc.r.Context(), method, path, body, contentType)
	if err != nil {
		return err
	}
	res := &bufferedResponse{header: http.Header{}}
	rc.c.api.ServeHTTP(res, req)
	if res.status == 0 {
		res.status = http.StatusOK
	}
	if res.over {
		return fmt.Errorf("console: %s %s: answer over %d bytes", method, pathOnly(path), maxAPIResponse)
	}
	if res.status/100 != 2 {
		p := &APIError{Status: res.status}
		_ = json.Unmarshal(res.body.Bytes(), p)
		p.Status, p.fromAPI, p.retryAfter = res.status, true, res.header.Get("Retry-After")
		if p.endsSession() {
			return errSignedOut
		}
		return p
	}
	if out == nil || res.status == http.StatusNoContent {
		return nil
	}
	if raw, ok := out.(*[]byte); ok {
		*raw = bytes.Clone(res.body.Bytes())
		return nil
	}
	if err := json.Unmarshal(res.body.Bytes(), out); err != nil {
		return fmt.Errorf("console: decode %s %s: %w", method, pathOnly(path), err)
	}
	return nil
}

// proxy streams an API download (a package, a CSV) straight to the
// browser. Only a failure is turned into a console page.
func (rc *reqCtx) proxy(path string) error { return rc.proxyOr(path, nil) }

// proxyOr is proxy for a download the API may accept without producing
// yet (202, with a JSON body): pending, when not nil, answers that case
// with the body instead of passing it to the browser.
func (rc *reqCtx) proxyOr(path string, pending func(body []byte) error) error {
	req, err := rc.apiRequest(rc.r.Context(), http.MethodGet, path, nil, "")
	if err != nil {
		return err
	}
	sw := &statusSniffer{ResponseWriter: rc.w}
	sw.onError = func(status int) *bufferedResponse { return &bufferedResponse{header: http.Header{}, status: status} }
	if pending != nil {
		sw.divert = func(status int) bool { return status == http.StatusAccepted }
	}
	rc.c.api.ServeHTTP(sw, req)
	if sw.failed == nil {
		return nil
	}
	if sw.failed.status == http.StatusAccepted && pending != nil {
		return pending(sw.failed.body.Bytes())
	}
	p := &APIError{Status: sw.failed.status}
	_ = json.Unmarshal(sw.failed.body.Bytes(), p)
	p.Status, p.fromAPI = sw.failed.status, true
	if p.endsSession() {
		return errSignedOut
	}
	return p
}

// endsSession reports whether a problem means the caller's session is
// missing, expired or revoked (401 invalid_token or missing_token, or a
// 401 without a code). Other 401s, such as a wrong authenticator code
// (mfa_code_invalid), leave the session as it is.
func (e *APIError) endsSession() bool {
	if e.Status != http.StatusUnauthorized {
		return false
	}
	switch e.Code {
	case "invalid_token", "missing_token", "":
		return true
	}
	return false
}

// statusSniffer passes a successful answer through and captures a failed
// one, so the console can render its own error page instead.
type statusSniffer struct {
	http.ResponseWriter
	onError func(int) *bufferedResponse
	// divert, when set, captures a successful status as onError does.
	divert  func(int) bool
	failed  *bufferedResponse
	started bool
	// header holds the API's headers until its status is known: they go
	// to the browser with a download, and nowhere with a captured answer.
	header http.Header
}

func (s *statusSniffer) WriteHeader(status int) {
	if s.started || s.failed != nil {
		return
	}
	if status/100 != 2 || (s.divert != nil && s.divert(status)) {
		s.failed = s.onError(status)
		for k, v := range s.header {
			s.failed.header[k] = v
		}
		return
	}
	s.started = true
	// The API's own headers replace the console page's: a download is
	// not a page.
	h := s.ResponseWriter.Header()
	for k, v := range s.header {
		h[k] = v
	}
	h.Del("Content-Security-Policy")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox")
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusSniffer) Header() http.Header {
	switch {
	case s.failed != nil:
		return s.failed.header
	case s.started:
		return s.ResponseWriter.Header()
	}
	if s.header == nil {
		s.header = http.Header{}
	}
	return s.header
}

func (s *statusSniffer) Write(p []byte) (int, error) {
	if !s.started && s.failed == nil {
		s.WriteHeader(http.StatusOK)
	}
	if s.failed != nil {
		return s.failed.Write(p)
	}
	return s.ResponseWriter.Write(p)
}

// pathOnly drops the query (it may hold a looked-up value) from a path
// that goes into an error message.
func pathOnly(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		return p[:i]
	}
	return p
}

// query builds a path with query parameters, skipping empty values.
func query(path string, kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// seg escapes one path segment.
func seg(s string) string { return url.PathEscape(s) }
