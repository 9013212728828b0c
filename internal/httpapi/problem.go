package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"custodia/internal/apperr"
)

// Problem is an RFC 9457 problem details body with Custodia's stable code.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Code     string `json:"code"`
	Instance string `json:"instance,omitempty"`
}

// problemFor converts any error into a client-safe problem. Errors without
// a kind become a generic 500; their cause goes to the log, never the client.
func problemFor(err error, requestID string) Problem {
	e, ok := apperr.As(err)
	if !ok || e.Kind == apperr.Internal {
		slog.Error("request failed", "request_id", requestID, "err", err)
		return Problem{Type: "urn:custodia:problem:internal", Title: http.StatusText(500), Status: 500,
			Detail: "an internal error occurred; quote the request id to an administrator", Code: "internal", Instance: requestID}
	}
	status := e.Kind.HTTPStatus()
	return Problem{Type: "urn:custodia:problem:" + e.Code, Title: http.StatusText(status), Status: status,
		Detail: e.Message, Code: e.Code, Instance: requestID}
}

func writeProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
