package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/dlp"
	scandetect "custodia/internal/scan/detect"
	"custodia/internal/scan/source"
)

// dlpChecker is the policy of POST /v1/dlp/check and its scanner, built on
// first use.
type dlpChecker struct {
	policy  *dlp.Policy
	scanner func() *scandetect.Scanner
}

// newDLPChecker returns the checker of p (dlp.Default() when nil).
func newDLPChecker(p *dlp.Policy) *dlpChecker {
	if p == nil {
		p = dlp.Default()
	}
	return &dlpChecker{policy: p, scanner: sync.OnceValue(func() *scandetect.Scanner {
		return scandetect.New(p.ScannerOptions())
	})}
}

// Limits of a DLP check's multipart form.
const (
	dlpMaxFiles      = 20
	dlpMaxFieldBytes = 1024
	// Unpacked archives may hold this many times the body limit, at
	// least dlpMinArchiveBytes; beyond, the rest is unreadable.
	dlpArchiveFactor   = 64
	dlpMinArchiveBytes = 256 << 20
	dlpMaxEntries      = 10_000
)

var (
	validChannel = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,31}$`)
	validFileExt = regexp.MustCompile(`^\.[a-z0-9]{1,10}$`)
)

// dlpRequest is the JSON body of a DLP check.
type dlpRequest struct {
	Text        *string `json:"text"`
	Channel     string  `json:"channel"`
	Destination string  `json:"destination"`
}

// checkDLP answers whether a text or files may leave: POST /v1/dlp/check
// with a JSON body {"text": ...} or a multipart form with file parts.
// Neither the answer, the log nor the audit entry holds a found value.
func (s *Server) checkDLP(w http.ResponseWriter, r *http.Request) error {
	// Like every other route, a body that is not a form is read as JSON,
	// whatever its declared type.
	ct := r.Header.Get("Content-Type")
	mediaType, params, err := mime.ParseMediaType(ct)
	form := err == nil && mediaType == "multipart/form-data"
	if !form && strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "multipart/") {
		return apperr.New(apperr.Invalid, "malformed_multipart", "send files as multipart/form-data with a boundary")
	}
	var (
		in      dlp.Input
		channel string
	)
	if form {
		dir, err := os.MkdirTemp("", "custodia-dlp-") // mode 0700
		if err != nil {
			return apperr.Wrap(err, "dlp temporary directory")
		}
		defer os.RemoveAll(dir)
		if channel, err = readDLPForm(r, params["boundary"], dir); err != nil {
			return err
		}
		in.Paths = []string{dir}
		in.Source = source.Options{MaxFileSize: s.opts.MaxBodyBytes, MaxArchiveEntries: dlpMaxEntries,
			MaxArchiveBytes: max(dlpArchiveFactor*s.opts.MaxBodyBytes, dlpMinArchiveBytes)}
	} else {
		var req dlpRequest
		if err := decodeStrict(r, &req); err != nil {
			return err
		}
		if req.Text == nil {
			return apperr.New(apperr.Invalid, "missing_text", "send the text to check in \"text\", or files as multipart/form-data")
		}
		if err := checkDLPFields(req.Channel, req.Destination); err != nil {
			return err
		}
		in.Text, channel = []byte(*req.Text), req.Channel
	}
	res, err := dlp.Check(r.Context(), s.dlp.policy, s.dlp.scanner(), in)
	if err != nil {
		if r.Context().Err() != nil {
			return apperr.New(apperr.Unavailable, "request_cancelled", "the request was cancelled before the check ended")
		}
		return apperr.Wrap(err, "dlp check")
	}
	summary := res.Summary()
	if channel != "" {
		summary += " channel=" + channel
	}
	recorder(r).Update(func(e *audit.Entry) { e.Decision = summary })
	writeJSON(w, http.StatusOK, res)
	return nil
}

// checkDLPFields validates the optional channel and destination. The
// destination (an address, a chat) may itself be personal data: it is
// checked for form only, never stored, logged nor echoed.
func checkDLPFields(channel, destination string) error {
	if channel != "" && !validChannel.MatchString(channel) {
		return apperr.New(apperr.Invalid, "invalid_channel", "channel must be 1 to 32 lower-case letters, digits, '.', '_' or '-', e.g. email or zalo")
	}
	if len(destination) > 512 || !utf8.ValidString(destination) || strings.IndexFunc(destination, unicode.IsControl) >= 0 {
		return apperr.New(apperr.Invalid, "invalid_destination", "destination must be UTF-8 text of at most 512 bytes without control characters")
	}
	return nil
}

// readDLPForm reads a multipart form into dir: each "file" part (at most
// dlpMaxFiles) as a file named by its position and the extension of its
// file name, so that the readers know its format; the client's name is not
// kept. It returns the channel field.
func readDLPForm(r *http.Request, boundary, dir string) (channel string, err error) {
	if boundary == "" {
		return "", apperr.New(apperr.Invalid, "malformed_multipart", "the multipart/form-data content type has no boundary")
	}
	mr := multipart.NewReader(r.Body, boundary)
	var destination string
	seen := map[string]bool{}
	files := 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", multipartError(err)
		}
		name := part.FormName()
		switch name {
		case "file":
			if files++; files > dlpMaxFiles {
				return "", apperr.Newf(apperr.Invalid, "too_many_files", "send at most %d file parts", dlpMaxFiles)
			}
			ext := strings.ToLower(filepath.Ext(part.FileName()))
			if !validFileExt.MatchString(ext) {
				ext = ""
			}
			if err := saveDLPPart(part, filepath.Join(dir, fmt.Sprintf("upload-%02d%s", files, ext))); err != nil {
				return "", err
			}
		case "channel", "destination":
			if seen[name] {
				return "", apperr.Newf(apperr.Invalid, "malformed_multipart", "the %s part appears twice", name)
			}
			seen[name] = true
			b, err := io.ReadAll(io.LimitReader(part, dlpMaxFieldBytes+1))
			if err != nil {
				return "", multipartError(err)
			}
			if len(b) > dlpMaxFieldBytes {
				return "", apperr.Newf(apperr.Invalid, "invalid_"+name, "%s is too long", name)
			}
			if name == "channel" {
				channel = string(b)
			} else {
				destination = string(b)
			}
		default:
			return "", apperr.New(apperr.Invalid, "unexpected_part", "the form may hold only file, channel and destination parts")
		}
		part.Close()
	}
	if files == 0 {
		return "", apperr.New(apperr.Invalid, "missing_file", "the form has no \"file\" part")
	}
	return channel, checkDLPFields(channel, destination)
}

// saveDLPPart writes a file part to path (mode 0600).
func saveDLPPart(part *multipart.Part, path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return apperr.Wrap(err, "dlp temporary file")
	}
	src := &readErr{r: part}
	_, err = io.Copy(f, src)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case src.err != nil:
		return multipartError(src.err)
	case err != nil:
		return apperr.Wrap(err, "dlp temporary file")
	}
	return nil
}

// readErr remembers the error of its reader other than io.EOF, to tell
// the client's failures from the disk's.
type readErr struct {
	r   io.Reader
	err error
}

func (r *readErr) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		r.err = err
	}
	return n, err
}

// multipartError classifies an error reading the form: the body limit, or
// a malformed form. The cause is dropped: it may quote the body.
func multipartError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return apperr.Newf(apperr.TooLarge, "body_too_large", "the request body exceeds %d bytes", tooBig.Limit)
	}
	return apperr.New(apperr.Invalid, "malformed_multipart", "the multipart/form-data body could not be read")
}
