package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"

	"custodia/internal/apperr"
)

// Input is a decoded record body. Clients send either {"data":{...}} with an
// optional "subject", or the fields directly at the top level (again with an
// optional "subject"); "id", "subject" and "data" are reserved field names,
// so the two forms cannot be confused.
type Input struct {
	Subject string
	Data    map[string]any
	// Provenance, set by the importer (never decoded from a body), is
	// stored with a created or updated record in its transaction.
	Provenance *Provenance
	// Grant, set by the importer (never decoded from a body), is a consent
	// grant for an updated record's subject, stored in the update's
	// transaction. Create ignores it (new people get theirs through
	// CreateManyGranted).
	Grant *RecordGrant
}

func badJSON(msg string) error { return apperr.New(apperr.Invalid, "malformed_json", msg) }

// DecodeInput parses a record body. Numbers stay json.Number so no precision
// is lost; null values are kept (PATCH uses them to remove a field).
func DecodeInput(body []byte) (Input, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) {
			return Input{}, badJSON("the request body is empty; send a JSON object")
		}
		return Input{}, badJSON("the request body is not a valid JSON object")
	}
	if raw == nil {
		return Input{}, badJSON("the request body must be a JSON object")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Input{}, badJSON("the request body has data after the JSON object")
	}
	// encoding/json stores each invalid byte as U+FFFD and keeps the last
	// of two members of the same name, silently: both are refused. The
	// messages are constants: an error never echoes the body.
	if !utf8.Valid(body) {
		return Input{}, apperr.New(apperr.Invalid, "invalid_utf8", "the request body is not valid UTF-8")
	}
	if _, dup := DuplicateKey(body); dup {
		return Input{}, apperr.New(apperr.Invalid, "duplicate_member", "the request body names a member twice in one object: send each field once")
	}
	var in Input
	if s, ok := raw["subject"]; ok {
		str, isStr := s.(string)
		if !isStr && s != nil {
			return Input{}, apperr.New(apperr.Invalid, "invalid_subject", "subject must be a string")
		}
		in.Subject = str
		delete(raw, "subject")
	}
	if d, ok := raw["data"]; ok {
		obj, isObj := d.(map[string]any)
		if !isObj {
			return Input{}, apperr.New(apperr.Invalid, "invalid_data", "data must be a JSON object of field values")
		}
		delete(raw, "data")
		if len(raw) > 0 {
			return Input{}, apperr.New(apperr.Invalid, "invalid_body", "send either {\"data\":{...}} or the fields at the top level, not both")
		}
		in.Data = obj
		return in, nil
	}
	delete(raw, "id") // echoing a record back is harmless; the id is never client-chosen
	in.Data = raw
	return in, nil
}
