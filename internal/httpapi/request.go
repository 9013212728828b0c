package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/vault"
)

// readBody reads the request body within the size limit.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, apperr.Newf(apperr.TooLarge, "body_too_large", "the request body exceeds %d bytes", tooBig.Limit)
		}
		return nil, apperr.New(apperr.Invalid, "unreadable_body", "the request body could not be read")
	}
	return b, nil
}

// decodeStrict decodes a JSON object body into v, refusing unknown fields
// and trailing data.
func decodeStrict(r *http.Request, v any) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	return decodeBytes(b, v)
}

// decodeOptional is decodeStrict for a route whose body may be left out:
// no body, or one of white space only, leaves v as it is.
func decodeOptional(r *http.Request, v any) error {
	b, err := readBody(r)
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return err
	}
	return decodeBytes(b, v)
}

// decodeBytes decodes a JSON object strictly, as decodeStrict does.
func decodeBytes(b []byte, v any) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return apperr.New(apperr.Invalid, "malformed_json", "the request body is empty; send a JSON object")
	}
	// encoding/json would store each invalid byte as U+FFFD, silently.
	if !utf8.Valid(b) {
		return apperr.New(apperr.Invalid, "invalid_utf8", "the request body is not valid UTF-8")
	}
	// PostgreSQL cannot store a NUL in text, and no name, reason or value
	// needs one: refused alike on every engine.
	if hasEscapedNUL(b) {
		return apperr.New(apperr.Invalid, "invalid_text", "the request body holds a NUL character (\\u0000), which no text may hold")
	}
	if _, dup := vault.DuplicateKey(b); dup {
		return apperr.New(apperr.Invalid, "duplicate_member", "the request body names a member twice in one object: send each member once")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return apperr.Newf(apperr.Invalid, "malformed_json", "field %q has the wrong JSON type", typeErr.Field)
		}
		var timeErr *time.ParseError
		if errors.As(err, &timeErr) {
			field := "a date-time field"
			if path := fieldHolding(b, timeErr.Value); path != "" {
				field = fmt.Sprintf("field %q", path)
			}
			return apperr.Newf(apperr.Invalid, "invalid_time", "%s is not an RFC 3339 date-time: write it as 2026-05-01T09:30:00Z or 2026-05-01T16:30:00+07:00", field)
		}
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return apperr.Newf(apperr.Invalid, "malformed_json", "unknown member %s for this operation", name)
		}
		return apperr.New(apperr.Invalid, "malformed_json", "the request body is not valid JSON for this operation (unknown or mistyped members?)")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.New(apperr.Invalid, "malformed_json", "the request body has data after the JSON object")
	}
	return nil
}

// purposeOf returns the call's stated purpose: the purpose query parameter
// or the Custodia-Purpose header.
func purposeOf(r *http.Request) string {
	if p := r.URL.Query().Get("purpose"); p != "" {
		return p
	}
	return r.Header.Get("Custodia-Purpose")
}

// intParam parses an optional non-negative integer query parameter.
func intParam(r *http.Request, name string, def int64) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, apperr.Newf(apperr.Invalid, "invalid_parameter", "%s must be a non-negative integer", name)
	}
	return n, nil
}

// rangeParam parses an optional integer query parameter within [lo, hi].
func rangeParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	n, err := intParam(r, name, int64(def))
	if err != nil || n < int64(lo) || n > int64(hi) {
		return 0, apperr.Newf(apperr.Invalid, "invalid_parameter", "%s must be an integer from %d to %d", name, lo, hi)
	}
	return int(n), nil
}

// fieldHolding returns the path ("window.from") of the first member of
// the JSON object b whose value is the string value, or "". It names the
// field of a date-time that did not parse: time.ParseError does not.
func fieldHolding(b []byte, value string) string {
	var doc any
	if json.Unmarshal(b, &doc) != nil {
		return ""
	}
	var walk func(v any, path string) string
	walk = func(v any, path string) string {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				p := k
				if path != "" {
					p = path + "." + k
				}
				if found := walk(x[k], p); found != "" {
					return found
				}
			}
		case []any:
			for i, e := range x {
				if found := walk(e, fmt.Sprintf("%s[%d]", path, i)); found != "" {
					return found
				}
			}
		case string:
			if x == value {
				return path
			}
		}
		return ""
	}
	return walk(doc, "")
}

// hasEscapedNUL reports whether a JSON text writes a NUL character: the
// escape \u0000 after an odd number of backslashes (after an even number,
// the backslashes are literal and "u0000" is plain text).
func hasEscapedNUL(b []byte) bool {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte("u0000"))
		if i < 0 {
			return false
		}
		i += off
		n := 0
		for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
			n++
		}
		if n%2 == 1 {
			return true
		}
		off = i + 1
	}
}

// checkRequest refuses what no route accepts: a path or query that is
// not text (checkURLText), and a call that states more than one purpose.
func checkRequest(r *http.Request) error {
	if err := checkURLText(r); err != nil {
		return err
	}
	return checkOnePurpose(r)
}

// checkOnePurpose refuses a call that states two purposes (two purpose
// parameters, or a parameter and a Custodia-Purpose header that differ):
// a call has one stated purpose, and which one the caller meant is not
// for the server to guess.
func checkOnePurpose(r *http.Request) error {
	if !strings.Contains(r.URL.RawQuery, "purpose") && len(r.Header.Values("Custodia-Purpose")) <= 1 {
		return nil // the common case, without parsing the query
	}
	stated := map[string]bool{}
	for _, p := range r.URL.Query()["purpose"] {
		stated[p] = true
	}
	for _, p := range r.Header.Values("Custodia-Purpose") {
		stated[p] = true
	}
	if len(stated) > 1 {
		return apperr.New(apperr.Invalid, "conflicting_purposes", "the call states more than one purpose (purpose parameters, or a parameter and a Custodia-Purpose header that differ): state one")
	}
	return nil
}

// checkURLText refuses a request whose path or query holds bytes that are
// not UTF-8, or a NUL ("%FF", "%00"): no id, filter or purpose has them,
// and PostgreSQL cannot even compare text with them.
func checkURLText(r *http.Request) error {
	if !validText(r.URL.Path) {
		return apperr.New(apperr.Invalid, "invalid_path", "the request path holds a NUL or bytes that are not UTF-8")
	}
	raw := r.URL.RawQuery
	if !strings.Contains(raw, "%") {
		if validText(raw) {
			return nil // the common case, without an allocation
		}
		return apperr.New(apperr.Invalid, "invalid_query", "the query string holds a NUL or bytes that are not UTF-8")
	}
	// Unescaped whole: what decodes to "&" or "=" does not change whether
	// the bytes are text.
	q, err := url.QueryUnescape(raw)
	if err != nil {
		return apperr.New(apperr.Invalid, "invalid_query", "the query string does not parse")
	}
	if !validText(q) {
		return apperr.New(apperr.Invalid, "invalid_query", "the query string holds a NUL or bytes that are not UTF-8")
	}
	return nil
}

func validText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }
