package source

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// mimeExtensions gives the extension of a part without filename from its
// media type, so that the nested reader fits it.
var mimeExtensions = map[string]string{
	"text/plain": ".txt", "text/html": ".html", "text/csv": ".csv", "text/tab-separated-values": ".tsv",
	"text/calendar": ".ics", "text/vcard": ".vcf", "text/x-vcard": ".vcf", "text/xml": ".xml",
	"application/json": ".json", "application/x-ndjson": ".ndjson", "application/pdf": ".pdf",
	"application/zip": ".zip", "application/x-zip-compressed": ".zip", "application/mbox": ".mbox",
	"message/rfc822": ".eml", "message/global": ".eml", "application/xml": ".xml",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       ".xlsx",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
	"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
}

// readEntity reads the body of a message or part whose header is h from
// r. start is the line of the file on which the body starts, 0 when it is
// not known (inside a part that was base64 or quoted-printable); depth counts the multiparts around it;
// defaultType is the media type when h names none.
func (m *mailReader) readEntity(h textproto.MIMEHeader, r io.Reader, start, depth int, defaultType string) error {
	mediaType, params := m.mediaType(h, defaultType)
	body, identity := m.transferDecoder(h.Get("Content-Transfer-Encoding"), r)
	if !identity {
		start = 0
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		return m.readMultipart(body, mediaType, params["boundary"], start, depth)
	}
	m.part++
	disposition, dparams := parseDisposition(h.Get("Content-Disposition"))
	filename := m.filename(dparams["filename"], params["name"])
	attached := disposition == "attachment"
	switch {
	case mediaType == "message/rfc822" || mediaType == "message/global":
		name := filename
		if name == "" {
			name = "forwarded.eml"
		} else if !strings.EqualFold(path.Ext(name), ".eml") {
			name += ".eml"
		}
		return m.nested(name, body)
	case !attached && mediaType == "text/html":
		return m.nested("body.html", m.declaredCharset(body, params["charset"]))
	case !attached && (mediaType == "text/plain" || strings.HasPrefix(mediaType, "message/")):
		return m.readText(body, params["charset"], start)
	}
	if filename == "" {
		filename = "part-" + strconv.Itoa(m.part) + mimeExtensions[mediaType]
	}
	if strings.HasPrefix(mediaType, "text/") {
		body = m.declaredCharset(body, params["charset"])
	}
	return m.nested(filename, body)
}

// mediaType returns the media type h gives, lower-cased, and its
// parameters; defaultType when it gives none or one that does not parse
// (which is reported).
func (m *mailReader) mediaType(h textproto.MIMEHeader, defaultType string) (string, map[string]string) {
	value := h.Get("Content-Type")
	if strings.TrimSpace(value) == "" {
		return defaultType, nil
	}
	mediaType, params, err := mime.ParseMediaType(value)
	switch {
	case mediaType == "" || !strings.Contains(mediaType, "/"):
		m.s.report(0, "part %d: invalid Content-Type: read as %s", m.part+1, defaultType)
		return defaultType, nil
	case err != nil:
		m.s.report(0, "part %d: invalid Content-Type parameters: ignored", m.part+1)
	}
	return mediaType, params
}

// parseDisposition returns the disposition of a Content-Disposition value,
// lower-cased ("" when there is none or it does not parse), and its
// parameters.
func parseDisposition(value string) (string, map[string]string) {
	if strings.TrimSpace(value) == "" {
		return "", nil
	}
	disposition, params, err := mime.ParseMediaType(value)
	if err != nil && disposition == "" {
		// A bare "attachment" followed by junk still says attachment.
		disposition, _, _ = strings.Cut(strings.ToLower(strings.TrimSpace(value)), ";")
	}
	return strings.TrimSpace(disposition), params
}

// readMultipart reads the parts of a multipart body, each as an entity of
// its own: its preamble is emitted as text, and when its boundary is
// missing or never found the whole body is.
func (m *mailReader) readMultipart(r io.Reader, mediaType, boundary string, start, depth int) error {
	if boundary == "" {
		m.s.report(start, "multipart without a boundary: read as text")
		m.part++
		return m.readText(r, "", start)
	}
	if depth >= maxMIMEDepth {
		m.s.report(start, "multiparts nested over %d deep: not read", maxMIMEDepth)
		return nil
	}
	// Where the file's lines are known, note where each part's body
	// starts, so that a part's findings name lines of the file.
	var lines *partLines
	if start > 0 {
		lines = newPartLines(r, boundary, start)
		r = lines
	}
	br := bufio.NewReaderSize(r, 4096)
	found, err := m.readPreamble(br, boundary, start)
	if err != nil || !found {
		return err
	}
	childType := "text/plain"
	if mediaType == "multipart/digest" {
		childType = "message/rfc822"
	}
	mr := multipart.NewReader(br, boundary)
	for k := 0; ; k++ {
		if err := m.s.ctx.Err(); err != nil {
			return &stopError{err}
		}
		p, err := mr.NextRawPart()
		switch {
		case err == io.EOF:
			return nil
		case errors.Is(err, io.EOF):
			m.s.report(0, "%s: closing boundary missing", multipartAt(start))
			return nil
		case err != nil:
			return m.fail(0, fmt.Sprintf("%s, after part %d", multipartAt(start), m.part), err)
		}
		if err := m.readEntity(p.Header, p, lines.bodyStart(k), depth+1, childType); err != nil {
			return err
		}
	}
}

// multipartAt names a multipart in a report: by the line of the file on
// which its body starts, when known.
func multipartAt(start int) string {
	if start <= 0 {
		return "multipart"
	}
	return "multipart starting on line " + strconv.Itoa(start)
}

// readPreamble emits the lines of br before the first line that starts
// with "--" and the boundary, and reports whether there is one; when there
// is none, the whole body has been emitted and that is reported.
func (m *mailReader) readPreamble(br *bufio.Reader, boundary string, start int) (bool, error) {
	dash := "--" + boundary
	base := max(start, 1)
	atStart := true
	for line := 0; ; {
		if atStart {
			if p, _ := br.Peek(len(dash)); string(p) == dash {
				return true, nil
			}
		}
		chunk, err := br.ReadSlice('\n')
		if len(chunk) > 0 {
			if err := m.s.emit(base+line, "preamble", "", chunk); err != nil {
				return false, err
			}
		}
		atStart = !errors.Is(err, bufio.ErrBufferFull)
		switch {
		case err == nil:
			line++
		case errors.Is(err, io.EOF):
			m.s.report(start, "multipart boundary not found: body read as text")
			return false, nil
		case !atStart:
		default:
			return false, m.fail(lineAt(start, line+1), "multipart preamble", err)
		}
	}
}

// readText emits the lines of a text part, decoded from its charset (or
// the encoding its bytes fit, when it declares none or UTF-8), under
// Column "body", "body.2"...; start is the line of the file on which it
// starts, 0 when not known.
func (m *mailReader) readText(r io.Reader, charset string, start int) error {
	m.texts++
	column := "body"
	if m.texts > 1 {
		column += "." + strconv.Itoa(m.texts)
	}
	base := max(start, 1)
	lr := m.s.lineReader(m.textDecoder(r, charset))
	for {
		piece, line, _, err := lr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return m.fail(lineAt(start, line), "part "+strconv.Itoa(m.part), err)
		}
		if err := m.s.emit(base+line-1, column, "", piece); err != nil {
			return err
		}
	}
}

// lineAt returns the line of the file of the n-th line (from 1) of a text
// that starts on line start, 0 when start is not known.
func lineAt(start, n int) int {
	if start <= 0 {
		return 0
	}
	return start + n - 1
}

// nested reads r as a file of its own named name (made unique in the
// message) under the message's path, within the archive limits. It
// returns errNoBudget or errBudget when the limits are reached, to stop
// the message, and a *stopError to stop the walk.
func (m *mailReader) nested(name string, r io.Reader) error {
	if m.s.budget.bytes <= 0 {
		return errBudget
	}
	return m.s.nested(entry{name: m.unique(name), packed: -1}, r)
}

// unique returns name, or, when the message used it already, name with
// "-2", "-3"... before its extension.
func (m *mailReader) unique(name string) string {
	n := m.names[name]
	m.names[name] = n + 1
	if n == 0 {
		return name
	}
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for k := n + 1; ; k++ {
		c := stem + "-" + strconv.Itoa(k) + ext
		if m.names[c] == 0 {
			m.names[c] = 1
			return c
		}
	}
}

// filename returns the name of an attachment from the filename parameter
// of its Content-Disposition, else the name parameter of its Content-Type:
// decoded, without directories or control characters, cut to
// maxEntryName bytes (its extension kept); "" when there is none.
func (m *mailReader) filename(fromDisposition, fromType string) string {
	name := fromDisposition
	if strings.TrimSpace(name) == "" {
		name = fromType
	}
	name = m.decodeText([]byte(name))
	name = strings.ReplaceAll(name, "\\", "/")
	name = name[strings.LastIndexByte(name, '/')+1:]
	name = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == utf8.RuneError {
			return '_'
		}
		return r
	}, name))
	if name == "." || name == ".." {
		return ""
	}
	if len(name) > maxEntryName {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		stem := name[:maxEntryName-len(ext)]
		for len(stem) > 0 && !utf8.ValidString(stem) {
			stem = stem[:len(stem)-1]
		}
		name = stem + ext
	}
	return name
}
