// Package apperr defines the application's error model: a small set of
// kinds that map to HTTP statuses and CLI exit codes, a stable machine code
// per error, and a user-safe message kept apart from the internal cause.
//
// A message is shown to clients; a cause never is. Messages must not contain
// personal data or secrets.
package apperr

import (
	"errors"
	"fmt"
)

// Kind classifies an error for transport mapping.
type Kind int

// The kinds of error the application distinguishes.
const (
	Internal         Kind = iota // 500: a bug or an infrastructure failure
	Invalid                      // 400: malformed or missing input
	Unauthenticated              // 401: no or bad credentials
	Forbidden                    // 403: authenticated but not allowed
	NotFound                     // 404: no such resource
	Conflict                     // 409: state conflict such as a duplicate unique value
	TooLarge                     // 413: request body over the limit
	Unprocessable                // 422: well-formed input that breaks a rule
	RateLimited                  // 429: too many requests
	Unavailable                  // 503: shutting down or not ready
	MethodNotAllowed             // 405: the path exists for other methods
)

// Error is an application error with a stable code and a user-safe message.
type Error struct {
	Kind    Kind
	Code    string // stable, machine-readable, e.g. "invalid_email"
	Message string // safe to show to a client: no personal data, no secrets
	Cause   error  // internal detail for logs only
}

// Error implements error. It includes the cause for logs.
func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Cause)
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Cause }

// New returns an error of the given kind with a stable code and safe message.
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// Newf is New with a formatted message. Never format personal data into it.
func Newf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an internal error that keeps cause for the logs only.
func Wrap(cause error, context string) *Error {
	return &Error{Kind: Internal, Code: "internal", Message: "internal error", Cause: fmt.Errorf("%s: %w", context, cause)}
}

// As extracts an *Error from err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// KindOf returns the kind of err, Internal when err carries no *Error.
func KindOf(err error) Kind {
	if e, ok := As(err); ok {
		return e.Kind
	}
	return Internal
}

// CodeOf returns the stable code of err, "internal" when err carries no *Error.
func CodeOf(err error) string {
	if e, ok := As(err); ok {
		return e.Code
	}
	return "internal"
}

// IsNotFound reports whether err is a not-found error.
func IsNotFound(err error) bool { return err != nil && KindOf(err) == NotFound }

// statusByKind is the one table that maps kinds to HTTP statuses.
var statusByKind = map[Kind]int{
	Internal:         500,
	Invalid:          400,
	Unauthenticated:  401,
	Forbidden:        403,
	NotFound:         404,
	Conflict:         409,
	TooLarge:         413,
	Unprocessable:    422,
	RateLimited:      429,
	Unavailable:      503,
	MethodNotAllowed: 405,
}

// HTTPStatus returns the HTTP status for a kind.
func (k Kind) HTTPStatus() int {
	if s, ok := statusByKind[k]; ok {
		return s
	}
	return 500
}
