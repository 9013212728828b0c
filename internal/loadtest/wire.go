package loadtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// wireClient is a minimal HTTP/1.1 client over plain TCP, used for http://
// servers instead of net/http. The bench shares the machine's cores with the
// server it measures, and net/http's client costs about 90 µs of CPU per
// request on the project's machine (two goroutine hand-offs per request, a
// header map, a context timer); this one writes the request with one write
// and parses the answer from one buffered reader, on a connection owned by
// one worker at a time. It keeps connections alive, understands
// Content-Length, chunked and close-delimited bodies, and skips 1xx
// answers. It does not follow redirects, and https:// URLs keep using
// net/http.
type wireClient struct {
	addr string // host:port to dial
	host string // Host header
	idle chan *wireConn
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// wireConn is one keep-alive connection.
type wireConn struct {
	nc     net.Conn
	br     *bufio.Reader
	bw     *bufio.Writer
	reused bool
}

// Limits of what the wire client accepts from a server.
const (
	wireMaxHeaderLines = 128
	wireBufferSize     = 16 << 10 // also the longest header or chunk-size line
)

// errWireClosed reports a connection the server closed before answering.
var errWireClosed = errors.New("server closed the connection")

// aLongTimeAgo is a deadline in the past, set to abort blocked I/O.
var aLongTimeAgo = time.Unix(1, 0)

// newWireClient returns a client for host (host:port, port required)
// keeping up to maxIdle idle connections.
func newWireClient(addr, host string, maxIdle int) *wireClient {
	d := &net.Dialer{Timeout: RequestTimeout, KeepAlive: 30 * time.Second}
	return &wireClient{addr: addr, host: host, idle: make(chan *wireConn, maxIdle), dial: d.DialContext}
}

// wireRequest is one request: the request target (path and query, already
// escaped), the bearer token and an optional JSON body.
type wireRequest struct {
	method string
	target string
	token  string
	body   []byte
}

// do sends req and returns the status and up to maxBody bytes of the body.
// A request that fails on a reused connection before any answer byte
// arrived is sent once more on a new connection when that cannot repeat a
// side effect: a GET, or a request whose bytes could not be written.
func (c *wireClient) do(ctx context.Context, req wireRequest) (int, []byte, error) {
	for attempt := 0; ; attempt++ {
		wc, err := c.get(ctx)
		if err != nil {
			return 0, nil, err
		}
		status, body, keep, phase, err := wc.roundTrip(ctx, c.host, req)
		if err == nil {
			if keep {
				c.put(wc)
			} else {
				wc.close()
			}
			return status, body, nil
		}
		wc.close()
		if ctx.Err() != nil {
			return 0, nil, fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		retry := attempt == 0 && wc.reused &&
			(phase == phaseWrite || (phase == phaseWaiting && req.method == "GET"))
		if !retry {
			return 0, nil, err
		}
	}
}

// get returns an idle connection or dials a new one.
func (c *wireClient) get(ctx context.Context) (*wireConn, error) {
	select {
	case wc := <-c.idle:
		wc.reused = true
		return wc, nil
	default:
	}
	nc, err := c.dial(ctx, "tcp", c.addr)
	if err != nil {
		return nil, err
	}
	return &wireConn{nc: nc, br: bufio.NewReaderSize(nc, wireBufferSize), bw: bufio.NewWriterSize(nc, wireBufferSize)}, nil
}

// put keeps wc for reuse, or closes it when the pool is full.
func (c *wireClient) put(wc *wireConn) {
	select {
	case c.idle <- wc:
	default:
		wc.close()
	}
}

// closeIdle closes every idle connection.
func (c *wireClient) closeIdle() {
	for {
		select {
		case wc := <-c.idle:
			wc.close()
		default:
			return
		}
	}
}

func (wc *wireConn) close() { _ = wc.nc.Close() }

// roundTrip phases, to decide whether a failed request may be retried.
const (
	phaseWrite   = iota // the request was not fully written
	phaseWaiting        // written, no answer byte read yet
	phaseReading        // the answer had started
)

// roundTrip writes req and reads its answer, bounded by RequestTimeout and
// by ctx. keep reports whether the connection may carry another request.
func (wc *wireConn) roundTrip(ctx context.Context, host string, req wireRequest) (status int, body []byte, keep bool, phase int, err error) {
	if err := wc.nc.SetDeadline(time.Now().Add(RequestTimeout)); err != nil {
		return 0, nil, false, phaseWrite, err
	}
	stop := context.AfterFunc(ctx, func() { _ = wc.nc.SetDeadline(aLongTimeAgo) })
	defer stop()
	if err := ctx.Err(); err != nil {
		return 0, nil, false, phaseWrite, err
	}
	if err := writeRequest(wc.bw, host, req); err != nil {
		return 0, nil, false, phaseWrite, err
	}
	if _, err := wc.br.Peek(1); err != nil {
		if errors.Is(err, io.EOF) {
			err = errWireClosed
		}
		return 0, nil, false, phaseWaiting, err
	}
	status, body, keep, err = readResponse(wc.br, req.method)
	return status, body, keep, phaseReading, err
}

// writeRequest writes one HTTP/1.1 request and flushes it.
func writeRequest(bw *bufio.Writer, host string, req wireRequest) error {
	bw.WriteString(req.method)
	bw.WriteByte(' ')
	bw.WriteString(req.target)
	bw.WriteString(" HTTP/1.1\r\nHost: ")
	bw.WriteString(host)
	bw.WriteString("\r\nAuthorization: Bearer ")
	bw.WriteString(req.token)
	bw.WriteString("\r\nAccept: application/json, application/problem+json\r\nUser-Agent: custodia-bench\r\n")
	if req.body != nil {
		bw.WriteString("Content-Type: application/json\r\nContent-Length: ")
		var n [20]byte
		bw.Write(strconv.AppendInt(n[:0], int64(len(req.body)), 10))
		bw.WriteString("\r\n")
	}
	bw.WriteString("\r\n")
	bw.Write(req.body)
	return bw.Flush()
}
