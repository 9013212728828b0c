package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func parse(t *testing.T, raw, method string) (int, string, bool, error) {
	t.Helper()
	status, body, keep, err := readResponse(bufio.NewReaderSize(strings.NewReader(raw), wireBufferSize), method)
	return status, string(body), keep, err
}

func TestReadResponse(t *testing.T) {
	tests := []struct {
		name, raw, method string
		status            int
		body              string
		keep              bool
	}{
		{"length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "GET", 200, "hello", true},
		{"no reason phrase", "HTTP/1.1 201\r\nContent-Length: 2\r\n\r\n{}", "POST", 201, "{}", true},
		{"bare LF", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok", "GET", 200, "ok", true},
		{"header names any case", "HTTP/1.1 200 OK\r\ncontent-LENGTH: 2\r\n\r\nok", "GET", 200, "ok", true},
		{"chunked with extension and trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n", "GET", 200, "abc0123456789", true},
		{"connection close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", "GET", 200, "ok", false},
		{"close among tokens", "HTTP/1.1 200 OK\r\nConnection: upgrade, Close\r\nContent-Length: 0\r\n\r\n", "GET", 200, "", false},
		{"close-delimited", "HTTP/1.1 200 OK\r\n\r\nuntil the end", "GET", 200, "until the end", false},
		{"HTTP/1.0 closes by default", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", "GET", 200, "ok", false},
		{"HTTP/1.0 keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", "GET", 200, "ok", true},
		{"1xx skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 409 Conflict\r\nContent-Length: 4\r\n\r\n{\"\"}", "POST", 409, `{""}`, true},
		{"204 has no body", "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", "DELETE", 204, "", true},
		{"HEAD has no body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", "HEAD", 200, "", true},
		{"same Content-Length twice", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", "GET", 200, "ok", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, keep, err := parse(t, tt.raw, tt.method)
			if err != nil {
				t.Fatalf("readResponse: %v", err)
			}
			if status != tt.status || body != tt.body || keep != tt.keep {
				t.Errorf("got (%d, %q, keep=%v), want (%d, %q, keep=%v)", status, body, keep, tt.status, tt.body, tt.keep)
			}
		})
	}
}

func TestReadResponseRejects(t *testing.T) {
	many := "HTTP/1.1 200 OK\r\n" + strings.Repeat("X-A: b\r\n", wireMaxHeaderLines+1) + "\r\n"
	tests := map[string]string{
		"empty":                      "",
		"not HTTP":                   "SSH-2.0-OpenSSH\r\n\r\n",
		"HTTP/2 status line":         "HTTP/2 200 OK\r\n\r\n",
		"short status":               "HTTP/1.1 20\r\n\r\n",
		"letters in status":          "HTTP/1.1 2x0 OK\r\n\r\n",
		"status below 100":           "HTTP/1.1 099 Odd\r\n\r\n",
		"four-digit status":          "HTTP/1.1 2000 OK\r\n\r\n",
		"101":                        "HTTP/1.1 101 Switching Protocols\r\n\r\n",
		"negative length":            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"signed length":              "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok",
		"conflicting lengths":        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
		"gzip transfer coding":       "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
		"header without colon":       "HTTP/1.1 200 OK\r\nbroken\r\n\r\n",
		"folded header":              "HTTP/1.1 200 OK\r\nX-A: b\r\n  c\r\n\r\n",
		"too many headers":           many,
		"line too long":              "HTTP/1.1 200 OK\r\nX-A: " + strings.Repeat("a", wireBufferSize) + "\r\n\r\n",
		"short body":                 "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
		"headers cut":                "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n",
		"bad chunk size":             "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"chunk without CRLF":         "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n",
		"chunked without last chunk": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
	}
	for name, raw := range tests {
		t.Run(name, func(t *testing.T) {
			if status, _, _, err := parse(t, raw, "GET"); err == nil {
				t.Fatalf("readResponse accepted it with status %d", status)
			}
		})
	}
}

func TestReadResponseKeepsAtMostMaxBody(t *testing.T) {
	big := strings.Repeat("a", maxBody+10)
	next := "HTTP/1.1 204 No Content\r\n\r\n"
	for name, raw := range map[string]string{
		"length":  "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(big)) + "\r\n\r\n" + big + next,
		"chunked": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + strconv.FormatInt(int64(len(big)), 16) + "\r\n" + big + "\r\n0\r\n\r\n" + next,
	} {
		t.Run(name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(raw), wireBufferSize)
			status, body, keep, err := readResponse(br, "GET")
			if err != nil || status != 200 || len(body) != maxBody || !keep {
				t.Fatalf("got status %d, %d bytes, keep=%v, err %v; want 200, %d bytes, keep", status, len(body), keep, err, maxBody)
			}
			// The discarded rest must not be taken for the next answer.
			if status, _, _, err := readResponse(br, "GET"); err != nil || status != 204 {
				t.Fatalf("next answer: status %d, err %v; want 204", status, err)
			}
		})
	}
}

// FuzzReadResponse checks that no input makes the parser panic or keep
// more than maxBody bytes, and that whenever both it and net/http accept
// an answer they agree on its status and body.
func FuzzReadResponse(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n",
		"HTTP/1.0 200 OK\r\n\r\nbody to EOF",
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}",
		"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		status, body, _, err := readResponse(bufio.NewReaderSize(bytes.NewReader(raw), wireBufferSize), "GET")
		if err != nil {
			return
		}
		if status < 200 || status > 999 || len(body) > maxBody {
			t.Fatalf("accepted status %d with %d bytes", status, len(body))
		}
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
		if err != nil || resp.StatusCode < 200 {
			return // net/http is stricter here, or stopped at a 1xx
		}
		want, err := io.ReadAll(resp.Body)
		if err != nil {
			return
		}
		if resp.StatusCode != status || !bytes.Equal(want, body) {
			t.Fatalf("net/http read (%d, %q), the wire client (%d, %q)", resp.StatusCode, want, status, body)
		}
	})
}

// rawServer accepts connections on loopback and hands each to serve.
func rawServer(t *testing.T, serve func(n int, c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for n := 0; ; n++ {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); serve(n, c) }()
		}
	}()
	return ln.Addr().String()
}

// answerOnce reads one request head and body, and answers it.
func answerOnce(c net.Conn, br *bufio.Reader, answer string) bool {
	req, err := http.ReadRequest(br)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, req.Body)
	_, err = io.WriteString(c, answer)
	return err == nil
}

func TestWireClientRetriesGETOnAClosedIdleConnection(t *testing.T) {
	// Each connection answers one request, then closes without answering
	// the next: the second GET must be sent again on a new connection, the
	// second POST must fail rather than risk being applied twice.
	addr := rawServer(t, func(_ int, c net.Conn) {
		br := bufio.NewReader(c)
		answerOnce(c, br, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		_, _ = http.ReadRequest(br)
	})
	wc := newWireClient(addr, addr, 4)
	defer wc.closeIdle()
	ctx := context.Background()
	for i := range 3 {
		status, body, err := wc.do(ctx, wireRequest{method: "GET", target: "/x", token: "t"})
		if err != nil || status != 200 || string(body) != "ok" {
			t.Fatalf("GET %d: %d %q %v", i, status, body, err)
		}
	}
	// The idle connection left by the last GET has served its one request.
	_, _, err := wc.do(ctx, wireRequest{method: "POST", target: "/x", token: "t", body: []byte("{}")})
	if !errors.Is(err, errWireClosed) {
		t.Fatalf("POST on a connection the server closed: err %v, want errWireClosed", err)
	}
	if _, _, err := wc.do(ctx, wireRequest{method: "POST", target: "/x", token: "t", body: []byte("{}")}); err != nil {
		t.Fatalf("POST on a new connection: %v", err)
	}
}

func TestWireClientSendsTheRequest(t *testing.T) {
	got := make(chan *http.Request, 1)
	addr := rawServer(t, func(_ int, c net.Conn) {
		req, err := http.ReadRequest(bufio.NewReader(c))
		if err != nil {
			return
		}
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		got <- req
		_, _ = io.WriteString(c, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
	})
	wc := newWireClient(addr, "example.test:8750", 1)
	defer wc.closeIdle()
	status, _, err := wc.do(context.Background(), wireRequest{method: "POST", target: "/base/v1/c/records?purpose=support", token: "tok", body: []byte(`{"a":1}`)})
	if err != nil || status != 201 {
		t.Fatalf("do: %d %v", status, err)
	}
	req := <-got
	body, _ := io.ReadAll(req.Body)
	if req.Method != "POST" || req.URL.RequestURI() != "/base/v1/c/records?purpose=support" || req.Host != "example.test:8750" ||
		req.Header.Get("Authorization") != "Bearer tok" || req.Header.Get("Content-Type") != "application/json" || string(body) != `{"a":1}` {
		t.Fatalf("server saw %s %s host %q auth %q type %q body %q", req.Method, req.URL.RequestURI(), req.Host,
			req.Header.Get("Authorization"), req.Header.Get("Content-Type"), body)
	}
}

func TestWireClientStopsWithTheContext(t *testing.T) {
	addr := rawServer(t, func(_ int, c net.Conn) { _, _ = io.Copy(io.Discard, c) }) // never answers
	wc := newWireClient(addr, addr, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, _, err := wc.do(ctx, wireRequest{method: "GET", target: "/", token: "t"})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err %v, want the context's deadline", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("do did not return after its context ended")
	}
}
