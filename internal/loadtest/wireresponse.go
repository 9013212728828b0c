package loadtest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// errMalformed reports an answer that is not valid HTTP/1.x.
var errMalformed = errors.New("malformed HTTP response")

// readResponse reads one HTTP/1.x answer to a request of method from br:
// the final status (1xx answers are skipped), up to maxBody bytes of the
// body (the rest is read and discarded), and whether the connection may
// be reused.
func readResponse(br *bufio.Reader, method string) (status int, body []byte, keep bool, err error) {
	for {
		var h responseHead
		if h, err = readHead(br); err != nil {
			return 0, nil, false, err
		}
		if h.status == 101 {
			return 0, nil, false, fmt.Errorf("%w: unexpected 101 Switching Protocols", errMalformed)
		}
		if h.status < 200 {
			continue // 100 Continue, 103 Early Hints: the answer follows
		}
		switch {
		case method == "HEAD" || h.status == 204 || h.status == 304:
			return h.status, nil, h.keepAlive, nil
		case h.chunked:
			body, err = readChunked(br)
			return h.status, body, h.keepAlive && err == nil, err
		case h.length >= 0:
			body, err = readLength(br, h.length)
			return h.status, body, h.keepAlive && err == nil, err
		default: // delimited by the end of the connection
			body, err = readLength(br, -1)
			return h.status, body, false, err
		}
	}
}

// responseHead is the status line and the headers readResponse needs.
type responseHead struct {
	status    int
	length    int64 // -1 when absent
	chunked   bool
	keepAlive bool
}

// readHead reads the status line and the header block.
func readHead(br *bufio.Reader) (responseHead, error) {
	h := responseHead{length: -1}
	line, err := readLine(br)
	if err != nil {
		return h, err
	}
	// "HTTP/1.1 200 OK": version, space, three digits, then a space or the end.
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || (line[7] != '0' && line[7] != '1') ||
		line[8] != ' ' || (len(line) > 12 && line[12] != ' ') {
		return h, fmt.Errorf("%w: bad status line", errMalformed)
	}
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return h, fmt.Errorf("%w: bad status code", errMalformed)
		}
		h.status = h.status*10 + int(c-'0')
	}
	if h.status < 100 {
		return h, fmt.Errorf("%w: bad status code", errMalformed)
	}
	http10 := line[7] == '0'
	h.keepAlive = !http10
	for n := 0; ; n++ {
		line, err := readLine(br)
		if err != nil {
			return h, err
		}
		if len(line) == 0 {
			return h, nil
		}
		if n == wireMaxHeaderLines {
			return h, fmt.Errorf("%w: more than %d header lines", errMalformed, wireMaxHeaderLines)
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(name) == 0 || bytes.ContainsAny(name, " \t") {
			return h, fmt.Errorf("%w: bad header line", errMalformed)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || n < 0 || (h.length >= 0 && h.length != n) || value[0] == '+' {
				return h, fmt.Errorf("%w: bad Content-Length", errMalformed)
			}
			h.length = n
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			if !bytes.EqualFold(value, []byte("chunked")) || h.chunked || http10 {
				return h, fmt.Errorf("%w: unsupported Transfer-Encoding", errMalformed)
			}
			h.chunked = true
		case bytes.EqualFold(name, []byte("Connection")):
			for _, tok := range bytes.Split(value, []byte(",")) {
				tok = bytes.TrimSpace(tok)
				if bytes.EqualFold(tok, []byte("close")) {
					h.keepAlive = false
				} else if bytes.EqualFold(tok, []byte("keep-alive")) && http10 {
					h.keepAlive = true
				}
			}
		}
	}
}

// readLine returns one CRLF- or LF-terminated line without its end. The
// line aliases br's buffer until the next read.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("%w: line longer than %d bytes", errMalformed, br.Size())
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// readLength reads a body of n bytes, or up to the end of the stream when
// n is -1, keeping at most maxBody bytes.
func readLength(br *bufio.Reader, n int64) ([]byte, error) {
	if n < 0 {
		body, err := io.ReadAll(io.LimitReader(br, maxBody))
		if err == nil {
			_, err = io.Copy(io.Discard, br)
		}
		return body, err
	}
	keep := min(n, maxBody)
	body := make([]byte, keep)
	if _, err := io.ReadFull(br, body); err != nil {
		return nil, noEOF(err)
	}
	if rest := n - keep; rest > 0 {
		if _, err := br.Discard(int(rest)); err != nil {
			return nil, noEOF(err)
		}
	}
	return body, nil
}

// readChunked reads a chunked body and its trailer, keeping at most
// maxBody bytes.
func readChunked(br *bufio.Reader) ([]byte, error) {
	var body []byte
	for {
		line, err := readLine(br)
		if err != nil {
			return nil, err
		}
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i] // chunk extensions are ignored
		}
		line = bytes.TrimRight(line, " \t")
		size, err := strconv.ParseUint(string(line), 16, 62)
		if err != nil || len(line) == 0 {
			return nil, fmt.Errorf("%w: bad chunk size", errMalformed)
		}
		if size == 0 {
			break
		}
		keep := min(int64(size), maxBody-int64(len(body)))
		start := len(body)
		body = append(body, make([]byte, keep)...)
		if _, err := io.ReadFull(br, body[start:]); err != nil {
			return nil, noEOF(err)
		}
		if rest := int64(size) - keep; rest > 0 {
			if _, err := br.Discard(int(rest)); err != nil {
				return nil, noEOF(err)
			}
		}
		if line, err := readLine(br); err != nil || len(line) != 0 {
			return nil, fmt.Errorf("%w: chunk not followed by CRLF", errMalformed)
		}
	}
	for n := 0; ; n++ { // trailer
		line, err := readLine(br)
		if err != nil {
			return nil, err
		}
		if len(line) == 0 {
			return body, nil
		}
		if n == wireMaxHeaderLines {
			return nil, fmt.Errorf("%w: trailer too long", errMalformed)
		}
	}
}

// noEOF turns a clean end of stream inside a body into an unexpected one.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
