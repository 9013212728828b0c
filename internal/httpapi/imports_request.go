package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"custodia/internal/apperr"
	"custodia/internal/importer"
	"custodia/internal/scan/detect"
	"custodia/internal/scan/source"
	"custodia/internal/vault"
)

// importRequest is a job as posted: in a JSON body with "path", or in the
// "job" part of a multipart upload.
type importRequest struct {
	ID          string                    `json:"id"`
	Collection  string                    `json:"collection"`
	Purpose     string                    `json:"purpose"`
	Source      string                    `json:"source"`
	SourceKind  string                    `json:"source_kind"`
	Holder      string                    `json:"holder"`
	LegalBasis  string                    `json:"legal_basis"`
	Consent     *importer.ConsentEvidence `json:"consent"`
	OnDuplicate string                    `json:"on_duplicate"`
	DryRun      bool                      `json:"dry_run"`
	// Mapping is "Họ tên=name,SĐT=phone" (as custodia import --map takes
	// it) or {"Họ tên": "name", "SĐT": "phone"}; absent, it is proposed
	// from the headers.
	Mapping json.RawMessage `json:"mapping"`
	// Path is a file under a directory the server allows (--import-dir);
	// only in a JSON body.
	Path string `json:"path"`
}

// readImportRequest reads the job of a POST /v1/imports: a multipart
// upload ("job" and "file" parts; the file spooled) or a JSON body with a
// server-side path.
func (s *Server) readImportRequest(r *http.Request) (req importRequest, file string, upload bool, err error) {
	ct := r.Header.Get("Content-Type")
	mediaType, params, perr := mime.ParseMediaType(ct)
	if perr == nil && mediaType == "multipart/form-data" {
		req, file, err = s.readImportForm(r, params["boundary"])
		return req, file, true, err
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "multipart/") {
		return req, "", false, apperr.New(apperr.Invalid, "malformed_multipart", "upload a file as multipart/form-data with a boundary")
	}
	// A JSON job is small, whatever the upload limit.
	r.Body = http.MaxBytesReader(nil, r.Body, s.opts.MaxBodyBytes)
	if err := decodeStrict(r, &req); err != nil {
		return req, "", false, err
	}
	if strings.TrimSpace(req.Path) == "" {
		return req, "", false, apperr.New(apperr.Invalid, "path_required", "name the file in \"path\" (under a directory the server allows), or upload it as multipart/form-data")
	}
	return req, "", false, nil
}

// readImportForm reads an upload: the "job" part (JSON) and the "file"
// part, written to the spool directory with mode 0600 under a random name
// that keeps the upload's extension (the readers go by it).
func (s *Server) readImportForm(r *http.Request, boundary string) (req importRequest, file string, err error) {
	rn := s.imports
	if boundary == "" {
		return req, "", apperr.New(apperr.Invalid, "malformed_multipart", "the multipart/form-data content type has no boundary")
	}
	if rn.spool == "" {
		return req, "", apperr.New(apperr.Unavailable, "imports_unavailable", "this server has no spool directory for uploads")
	}
	defer func() {
		if err != nil && file != "" {
			_ = os.Remove(file)
			file = ""
		}
	}()
	mr := multipart.NewReader(r.Body, boundary)
	var jobJSON []byte
	for {
		part, perr := mr.NextPart()
		if errors.Is(perr, io.EOF) {
			break
		}
		if perr != nil {
			return req, file, multipartError(perr)
		}
		switch part.FormName() {
		case "job":
			if jobJSON != nil {
				return req, file, apperr.New(apperr.Invalid, "malformed_multipart", "the job part appears twice")
			}
			b, rerr := io.ReadAll(io.LimitReader(part, importJobPartBytes+1))
			if rerr != nil {
				return req, file, multipartError(rerr)
			}
			if len(b) > importJobPartBytes {
				return req, file, apperr.Newf(apperr.TooLarge, "job_too_large", "the job part exceeds %d bytes", importJobPartBytes)
			}
			jobJSON = b
		case "file":
			if file != "" {
				return req, file, apperr.New(apperr.Invalid, "malformed_multipart", "send one file part")
			}
			ext := strings.ToLower(filepath.Ext(part.FileName()))
			if !validFileExt.MatchString(ext) {
				ext = ""
			}
			if file, err = rn.spoolPart(part, ext); err != nil {
				return req, file, err
			}
		default:
			return req, file, apperr.New(apperr.Invalid, "unexpected_part", "the form may hold only a job part and a file part")
		}
		part.Close()
	}
	switch {
	case jobJSON == nil:
		return req, file, apperr.New(apperr.Invalid, "missing_job", "the form has no \"job\" part (the job as JSON)")
	case file == "":
		return req, file, apperr.New(apperr.Invalid, "missing_file", "the form has no \"file\" part")
	}
	if err := decodeBytes(jobJSON, &req); err != nil {
		return req, file, err
	}
	if req.Path != "" {
		return req, file, apperr.New(apperr.Invalid, "path_with_upload", "a job with an uploaded file takes no \"path\"")
	}
	return req, file, nil
}

// spoolPart writes an uploaded file to the spool directory (mode 0600).
func (rn *importRunner) spoolPart(part *multipart.Part, ext string) (string, error) {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	path := filepath.Join(rn.spool, "upload-"+hex.EncodeToString(b)+ext)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", apperr.Wrap(err, "import spool file")
	}
	src := &readErr{r: part}
	_, err = io.Copy(f, src)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case src.err != nil:
		_ = os.Remove(path)
		return "", multipartError(src.err)
	case err != nil:
		_ = os.Remove(path)
		return "", apperr.Wrap(err, "import spool file")
	}
	return path, nil
}

// importJob turns a posted job into the importer's, with a generated id
// when none is given.
func importJob(req importRequest) (importer.Job, error) {
	job := importer.Job{ID: strings.TrimSpace(req.ID), Collection: req.Collection, Purpose: req.Purpose, Source: req.Source,
		SourceKind: req.SourceKind, Holder: req.Holder, LegalBasis: req.LegalBasis, Consent: req.Consent,
		OnDuplicate: importer.OnDuplicate(req.OnDuplicate), DryRun: req.DryRun}
	if job.ID == "" {
		b := make([]byte, 10)
		_, _ = rand.Read(b)
		job.ID = "imp_" + hex.EncodeToString(b)
	}
	if m := bytes.TrimSpace(req.Mapping); len(m) > 0 && !bytes.Equal(m, []byte("null")) {
		var err error
		if job.Mapping, err = decodeMapping(m); err != nil {
			return job, err
		}
	}
	return job, nil
}

// decodeMapping reads a mapping given as a string ("Họ tên=name,SĐT=phone")
// or an object ({"Họ tên": "name"}); the object is checked by the same
// rules, through its string form.
func decodeMapping(raw []byte) (importer.Mapping, error) {
	var text string
	if raw[0] == '{' {
		var obj map[string]string
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, apperr.New(apperr.Invalid, "invalid_mapping", "mapping must be a string HEADER=FIELD,... or an object of header to field names")
		}
		text = importer.Mapping(obj).String()
	} else if err := json.Unmarshal(raw, &text); err != nil {
		return nil, apperr.New(apperr.Invalid, "invalid_mapping", "mapping must be a string HEADER=FIELD,... or an object of header to field names")
	}
	m, err := importer.ParseMapping(text)
	if err != nil {
		// ParseMapping's messages name pairs by position, never quote them.
		return nil, apperr.New(apperr.Invalid, "invalid_mapping", err.Error())
	}
	return m, nil
}

// errFirstRow stops reading a file once its first header is known.
var errFirstRow = errors.New("first row read")

// importFields returns the fields a job writes and the mapping that
// writes them: its own, or the one proposed for the file's first header
// (by sc's detectors, as the job's run proposes it). Unknown fields are
// refused here rather than failing the job later.
func importFields(ctx context.Context, c *vault.Collection, m importer.Mapping, file string, sc *detect.Scanner) ([]string, importer.Mapping, error) {
	var header []string
	var sheet string
	err := importer.File(file)(ctx, func(row source.Row) error {
		header, sheet = row.Header, row.Sheet
		return errFirstRow
	})
	if err != nil && !errors.Is(err, errFirstRow) {
		return nil, nil, apperr.New(apperr.Invalid, "unreadable_file", "the file could not be read as CSV, TSV or XLSX")
	}
	if header == nil && m == nil {
		return nil, nil, nil // an empty file: the job completes with no row
	}
	// A file without a header line is refused before the job exists:
	// its first person would be read as the column names.
	if err := importer.CheckHeader(nil, sheet, header); err != nil {
		return nil, nil, err
	}
	if m == nil {
		m = importer.ProposeMapping(header, nil, c, sc).Mapping
	}
	var fields []string
	for _, f := range m {
		if f == importer.Ignore || slices.Contains(fields, f) {
			continue
		}
		if _, ok := c.Field(f); !ok {
			return nil, nil, apperr.Newf(apperr.Invalid, "unknown_field", "the mapping names a field %q the collection does not have", f)
		}
		fields = append(fields, f)
	}
	slices.Sort(fields)
	return fields, m, nil
}

// resolvePath checks a server-side path: absolute, under an allowed
// directory both as written and with its symlinks resolved, and a regular
// file. It returns the resolved path.
func (rn *importRunner) resolvePath(p string) (string, error) {
	if len(rn.dirs) == 0 {
		return "", apperr.New(apperr.Forbidden, "import_path_not_allowed", "this server allows no server-side import paths (serve --import-dir); upload the file instead")
	}
	if !filepath.IsAbs(p) {
		return "", apperr.New(apperr.Invalid, "invalid_path", "the path must be absolute")
	}
	clean := filepath.Clean(p)
	inside := func(path string) bool {
		for _, d := range rn.dirs {
			if rel, err := filepath.Rel(d, path); err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return true
			}
		}
		return false
	}
	// As written (no ".." escape, resolved by Clean), then resolved.
	lexical := clean
	if dir, err := filepath.EvalSymlinks(filepath.Dir(clean)); err == nil {
		lexical = filepath.Join(dir, filepath.Base(clean))
	}
	if !inside(lexical) && !inside(clean) {
		return "", errImportPathNotAllowed
	}
	real, err := filepath.EvalSymlinks(clean)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", apperr.New(apperr.NotFound, "import_file_not_found", "no file at this path")
		}
		return "", apperr.New(apperr.Invalid, "import_file_unreadable", "the file at this path cannot be read")
	}
	if !inside(real) {
		return "", errImportPathNotAllowed
	}
	st, err := os.Stat(real)
	if err != nil {
		return "", apperr.New(apperr.Invalid, "import_file_unreadable", "the file at this path cannot be read")
	}
	if !st.Mode().IsRegular() {
		return "", apperr.New(apperr.Invalid, "import_path_not_file", "the path is not a regular file")
	}
	return real, nil
}
