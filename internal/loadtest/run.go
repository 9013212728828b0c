package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// maxBody caps how much of a response body is kept in memory; the rest is
// read and discarded so the connection can be reused.
const maxBody = 4 << 20

// Result holds a whole run.
type Result struct {
	// Creates is the create phase.
	Creates PhaseResult
	// Reads is the read phase.
	Reads PhaseResult
	// Clients is the number of concurrent clients used.
	Clients int
}

// bench is the state of one Run.
type bench struct {
	cfg        Config
	client     *http.Client
	wire       *wireClient // used instead of client for http:// servers
	basePath   string      // the escaped path of cfg.URL, prefixed to wire targets
	runID      string
	recordsURL string // .../v1/collections/{c}/records
	adminToken string // the caller's token, when a bench token replaced it
	tokenID    string // the bench token's id, revoked at the end
}

// Run prepares the collection, then runs the create phase (Records creates
// spread over Clients goroutines) then the read phase (Reads lookups of
// random created e-mails; each read must return exactly one record whose
// data.email equals the one asked, otherwise it counts as an error).
//
// Run is bounded: each phase stops when its operations are done, when
// Duration has passed, or when ctx is done. If ctx is done, Run returns the
// figures gathered so far together with ctx.Err(). If no record could be
// created, the read phase is skipped and reports zero operations. If the
// collection cannot be prepared, Run returns an error naming the HTTP
// status and problem code.
func Run(ctx context.Context, cfg Config) (Result, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return Result{}, err
	}
	b := &bench{
		cfg:        cfg,
		client:     cfg.HTTPClient,
		runID:      newRunID(),
		recordsURL: cfg.URL + "/v1/collections/" + url.PathEscape(cfg.Collection) + "/records",
	}
	if b.client == nil {
		b.client = defaultHTTPClient(cfg.Clients)
		defer b.client.CloseIdleConnections()
		if u, err := url.Parse(cfg.URL); err == nil && u.Scheme == "http" {
			addr := u.Host
			if u.Port() == "" {
				addr = net.JoinHostPort(u.Hostname(), "80")
			}
			b.wire, b.basePath = newWireClient(addr, u.Host, cfg.Clients), u.EscapedPath()
			defer b.wire.closeIdle()
		}
	}
	res := Result{
		Creates: PhaseResult{Name: "create"},
		Reads:   PhaseResult{Name: "read"},
		Clients: cfg.Clients,
	}
	if err := b.prepare(ctx); err != nil {
		return res, err
	}
	defer b.revokeToken(ctx)
	var created []int
	res.Creates, created = b.runPhase(ctx, "create", cfg.Records, true, b.create)
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if len(created) > 0 {
		read := func(ctx context.Context, _ int) (string, bool) {
			return b.read(ctx, created[rand.IntN(len(created))])
		}
		res.Reads, _ = b.runPhase(ctx, "read", cfg.Reads, false, read)
	}
	return res, ctx.Err()
}

// opFunc performs operation i. It returns "" on success or a description
// of the failure, and aborted=true when the operation was cut short by the
// end of the phase and must not be counted.
type opFunc func(ctx context.Context, i int) (failure string, aborted bool)

// runPhase runs total operations over cfg.Clients workers, each claiming
// the next operation index from a shared atomic counter. When keep is set
// it also returns the indices of the successful operations.
func (b *bench) runPhase(ctx context.Context, name string, total int, keep bool, op opFunc) (PhaseResult, []int) {
	if total <= 0 {
		return PhaseResult{Name: name}, nil
	}
	if b.cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, b.cfg.Duration)
		defer cancel()
	}
	workers := min(b.cfg.Clients, total)
	perWorker := (total + workers - 1) / workers
	stats := make([]*workerStats, workers)
	kept := make([][]int, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		st := newWorkerStats(perWorker)
		stats[w] = st
		if keep {
			kept[w] = make([]int, 0, perWorker)
		}
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= total {
					return
				}
				t0 := time.Now()
				failure, aborted := op(ctx, i)
				d := time.Since(t0)
				switch {
				case aborted:
					return
				case failure != "":
					st.fail(failure)
				default:
					st.ok(d)
					if keep {
						kept[w] = append(kept[w], i)
					}
				}
			}
		})
	}
	wg.Wait()
	r := summarize(name, time.Since(start), stats)
	var ids []int
	if keep {
		ids = make([]int, 0, r.Ops-r.Errors)
		for _, k := range kept {
			ids = append(ids, k...)
		}
	}
	return r, ids
}

// create performs POST /v1/collections/{c}/records for customer n.
func (b *bench) create(ctx context.Context, n int) (string, bool) {
	body, err := json.Marshal(struct {
		Data customer `json:"data"`
	}{newCustomer(b.runID, n)})
	if err != nil {
		return "encode: " + err.Error(), false
	}
	u := b.recordsURL + "?" + url.Values{"purpose": {b.cfg.Purpose}}.Encode()
	status, resp, err := b.do(ctx, http.MethodPost, u, body)
	if err != nil {
		return transportFailure(err), ctx.Err() != nil
	}
	if status/100 != 2 {
		return statusFailure(status, resp), false
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(resp, &out); err != nil {
		return strconv.Itoa(status) + " invalid JSON", false
	}
	if out.ID == "" {
		return strconv.Itoa(status) + " no id", false
	}
	return "", false
}

// read performs GET /v1/collections/{c}/records?email=... for customer n
// and checks that exactly that customer came back.
func (b *bench) read(ctx context.Context, n int) (string, bool) {
	email := customerEmail(b.runID, n)
	u := b.recordsURL + "?" + url.Values{"email": {email}, "purpose": {b.cfg.Purpose}}.Encode()
	status, resp, err := b.do(ctx, http.MethodGet, u, nil)
	if err != nil {
		return transportFailure(err), ctx.Err() != nil
	}
	if status != http.StatusOK {
		return statusFailure(status, resp), false
	}
	var out struct {
		Records []struct {
			Data struct {
				Email string `json:"email"`
			} `json:"data"`
		} `json:"records"`
	}
	if err := json.Unmarshal(resp, &out); err != nil {
		return "200 invalid JSON", false
	}
	if len(out.Records) != 1 {
		return "200 got " + strconv.Itoa(len(out.Records)) + " records, want 1", false
	}
	if out.Records[0].Data.Email != email {
		return "200 e-mail mismatch", false
	}
	return "", false
}

// RefusedError is the server's refusal (4xx) of the bench's set-up: a
// token that may not define the collection, say.
type RefusedError struct {
	Status int
	msg    string
}

func (e *RefusedError) Error() string { return e.msg }

// prepare creates or updates the bench collection.
func (b *bench) prepare(ctx context.Context) error {
	type field struct {
		Name     string   `json:"name"`
		Type     string   `json:"type"`
		Category string   `json:"category"`
		Purposes []string `json:"purposes"`
		Unique   bool     `json:"unique,omitempty"`
		Indexed  bool     `json:"indexed,omitempty"`
	}
	body, err := json.Marshal(struct {
		Name   string  `json:"name"`
		Kind   string  `json:"kind"`
		Fields []field `json:"fields"`
	}{
		Name: b.cfg.Collection,
		Kind: "persons",
		Fields: []field{
			{Name: "email", Type: "email", Category: "user.contact.email", Purposes: []string{"support", "marketing"}, Unique: true},
			{Name: "phone", Type: "phone", Category: "user.contact.phone_number", Purposes: []string{"support"}, Indexed: true},
			{Name: "name", Type: "name", Category: "user.name", Purposes: []string{"support"}},
			{Name: "address", Type: "address", Category: "user.contact.address", Purposes: []string{"support"}},
		},
	})
	if err != nil {
		return fmt.Errorf("loadtest: prepare collection %q: %w", b.cfg.Collection, err)
	}
	u := b.cfg.URL + "/v1/collections/" + url.PathEscape(b.cfg.Collection)
	status, resp, err := b.do(ctx, http.MethodPut, u, body)
	if err != nil {
		return fmt.Errorf("loadtest: prepare collection %q: %w", b.cfg.Collection, err)
	}
	if status != http.StatusOK && status != http.StatusCreated {
		p := parseProblem(resp)
		msg := fmt.Sprintf("loadtest: prepare collection %q: HTTP %d %s", b.cfg.Collection, status, http.StatusText(status))
		if p.Code != "" {
			msg += ", code " + sanitizeCode(p.Code)
		}
		if d := firstNonEmpty(p.Detail, p.Title); d != "" {
			msg += ": " + truncate(d, 200)
		}
		if status >= 400 && status < 500 {
			return &RefusedError{Status: status, msg: msg}
		}
		return errors.New(msg)
	}
	return b.provisionToken(ctx)
}

// provisionToken swaps an administrator's token, which reads no personal
// data, for a short-lived "dpo" token scoped to the bench collection and
// purpose. A token that cannot create tokens is used as it is.
func (b *bench) provisionToken(ctx context.Context) error {
	body, err := json.Marshal(map[string]any{"name": "bench-" + b.runID, "role": "dpo", "collections": []string{b.cfg.Collection},
		"purposes": []string{b.cfg.Purpose}, "ttl": "2h"})
	if err != nil {
		return fmt.Errorf("loadtest: token request: %w", err)
	}
	status, resp, err := b.do(ctx, http.MethodPost, b.cfg.URL+"/v1/tokens", body)
	if err != nil {
		return fmt.Errorf("loadtest: create bench token: %w", err)
	}
	if status == http.StatusForbidden || status == http.StatusNotFound {
		return nil // not an administrator, or a server without tokens: use the caller's token
	}
	var created struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	if status != http.StatusCreated || json.Unmarshal(resp, &created) != nil || created.Token == "" {
		return fmt.Errorf("loadtest: create bench token: HTTP %d", status)
	}
	b.adminToken, b.cfg.Token, b.tokenID = b.cfg.Token, created.Token, created.ID
	return nil
}

// revokeToken revokes the token provisionToken made, if any.
func (b *bench) revokeToken(ctx context.Context) {
	if b.tokenID == "" {
		return
	}
	b.cfg.Token = b.adminToken
	_, _, _ = b.do(context.WithoutCancel(ctx), http.MethodDelete, b.cfg.URL+"/v1/tokens/"+url.PathEscape(b.tokenID), nil)
}

// do sends one request bounded by RequestTimeout and returns the status
// and up to maxBody bytes of the body, which is always fully read and
// closed so the connection goes back to the pool. http:// servers are
// reached through the wire client, others through net/http.
func (b *bench) do(ctx context.Context, method, u string, body []byte) (int, []byte, error) {
	if b.wire != nil {
		target := b.basePath + strings.TrimPrefix(u, b.cfg.URL)
		return b.wire.do(ctx, wireRequest{method: method, target: target, token: b.cfg.Token, body: body})
	}
	ctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+b.cfg.Token)
	req.Header.Set("Accept", "application/json, application/problem+json")
	req.Header.Set("User-Agent", "custodia-bench")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, data, nil
}

// problem is the part of an application/problem+json body we look at.
type problem struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
}

// parseProblem decodes body as a problem; it returns the zero problem when
// body is not one.
func parseProblem(body []byte) problem {
	var p problem
	_ = json.Unmarshal(body, &p)
	return p
}

// statusFailure describes an unexpected status by the status and the
// problem code only, so no personal data from the body leaks into samples.
func statusFailure(status int, body []byte) string {
	code := sanitizeCode(parseProblem(body).Code)
	if code == "" {
		code = "(no problem code)"
	}
	return strconv.Itoa(status) + " " + code
}

// transportFailure describes a transport error without the request URL,
// which may hold an e-mail address.
func transportFailure(err error) string {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return "transport: timeout"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return "transport: " + truncate(err.Error(), 120)
}

// sanitizeCode keeps a problem code short and made of identifier
// characters.
func sanitizeCode(code string) string {
	code = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("_-.:/", r):
			return r
		}
		return -1
	}, code)
	return truncate(code, 64)
}

// truncate cuts s to at most n bytes, keeping it valid UTF-8.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "..."
}

// firstNonEmpty returns the first non-empty string of ss.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
