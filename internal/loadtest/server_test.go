package loadtest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testToken = "s3cret-token"

var (
	emailRE = regexp.MustCompile(`^bench-[0-9a-f]+-[0-9]+@example\.com$`)
	phoneRE = regexp.MustCompile(`^(\+8491[0-9]{7}|\+1415[2-9][0-9]{6})$`)
)

type storedRecord struct {
	ID      string   `json:"id"`
	Subject string   `json:"subject"`
	Data    customer `json:"data"`
}

// fakeServer is a tiny, strict, in-memory implementation of the three
// routes the bench uses.
type fakeServer struct {
	t   *testing.T
	srv *httptest.Server

	// knobs, set before the run
	putStatus  int    // if set, PUT answers this status with putCode
	putCode    string // problem code for putStatus
	failCreate func(n int64) bool
	failRead   func(n int64) bool
	readMode   string        // "", "mismatch", "empty", "dup"
	delay      time.Duration // per record call

	mu          sync.Mutex
	collections map[string]bool
	byEmail     map[string]storedRecord
	phones      map[string]bool

	creates, reads, newConns atomic.Int64
}

func newFakeServer(t *testing.T, configure func(*fakeServer)) *fakeServer {
	t.Helper()
	f := &fakeServer{t: t, collections: map[string]bool{}, byEmail: map[string]storedRecord{}, phones: map[string]bool{}}
	if configure != nil {
		configure(f)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /v1/collections/{name}", f.putCollection)
	mux.HandleFunc("POST /v1/collections/{c}/records", f.createRecord)
	mux.HandleFunc("GET /v1/collections/{c}/records", f.findRecords)
	f.srv = httptest.NewUnstartedServer(f.auth(mux))
	f.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			f.newConns.Add(1)
		}
	}
	f.srv.Start()
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeServer) URL() string { return f.srv.URL }

func (f *fakeServer) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.byEmail)
}

func writeProblem(w http.ResponseWriter, status int, code, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"type": "about:blank", "title": http.StatusText(status), "status": status, "detail": detail, "code": code,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *fakeServer) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			writeProblem(w, http.StatusUnauthorized, "unauthenticated", "bad token")
			return
		}
		if r.Method != http.MethodGet && r.Header.Get("Content-Type") != "application/json" {
			writeProblem(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "want JSON")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// wait sleeps for f.delay unless the request is canceled first.
func (f *fakeServer) wait(r *http.Request) bool {
	if f.delay == 0 {
		return true
	}
	select {
	case <-time.After(f.delay):
		return true
	case <-r.Context().Done():
		return false
	}
}

func (f *fakeServer) putCollection(w http.ResponseWriter, r *http.Request) {
	if f.putStatus != 0 {
		writeProblem(w, f.putStatus, f.putCode, "collection rejected")
		return
	}
	var body struct {
		Name   string `json:"name"`
		Kind   string `json:"kind"`
		Fields []struct {
			Name     string   `json:"name"`
			Type     string   `json:"type"`
			Category string   `json:"category"`
			Purposes []string `json:"purposes"`
			Unique   bool     `json:"unique"`
			Indexed  bool     `json:"indexed"`
		} `json:"fields"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		writeProblem(w, http.StatusBadRequest, "invalid_json", err.Error())
		return
	}
	want := "email/email/user.contact.email/[support marketing]/true/false;" +
		"phone/phone/user.contact.phone_number/[support]/false/true;" +
		"name/name/user.name/[support]/false/false;" +
		"address/address/user.contact.address/[support]/false/false;"
	var got strings.Builder
	for _, fd := range body.Fields {
		fmt.Fprintf(&got, "%s/%s/%s/%v/%v/%v;", fd.Name, fd.Type, fd.Category, fd.Purposes, fd.Unique, fd.Indexed)
	}
	if body.Name != r.PathValue("name") || body.Kind != "persons" || got.String() != want {
		writeProblem(w, http.StatusUnprocessableEntity, "invalid_collection", got.String())
		return
	}
	f.mu.Lock()
	existed := f.collections[body.Name]
	f.collections[body.Name] = true
	f.mu.Unlock()
	status := http.StatusCreated
	if existed {
		status = http.StatusOK
	}
	writeJSON(w, status, map[string]string{"name": body.Name})
}

func isPlainASCII(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func (f *fakeServer) createRecord(w http.ResponseWriter, r *http.Request) {
	n := f.creates.Add(1)
	if !f.wait(r) {
		return
	}
	if r.URL.Query().Get("purpose") != "support" {
		writeProblem(w, http.StatusForbidden, "purpose_denied", "")
		return
	}
	f.mu.Lock()
	ok := f.collections[r.PathValue("c")]
	f.mu.Unlock()
	if !ok {
		writeProblem(w, http.StatusNotFound, "collection_not_found", "")
		return
	}
	if f.failCreate != nil && f.failCreate(n) {
		writeProblem(w, http.StatusInternalServerError, "boom", "secret detail bench@example.com")
		return
	}
	var body struct {
		Data customer `json:"data"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		writeProblem(w, http.StatusBadRequest, "invalid_json", err.Error())
		return
	}
	d := body.Data
	switch {
	case !emailRE.MatchString(d.Email):
		writeProblem(w, http.StatusUnprocessableEntity, "invalid_email", d.Email)
		return
	case !phoneRE.MatchString(d.Phone) || strings.HasPrefix(d.Phone, "+1415555"):
		writeProblem(w, http.StatusUnprocessableEntity, "invalid_phone", d.Phone)
		return
	case !isPlainASCII(d.Name) || !isPlainASCII(d.Address):
		writeProblem(w, http.StatusUnprocessableEntity, "invalid_text", "")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, dup := f.byEmail[d.Email]; dup {
		writeProblem(w, http.StatusConflict, "unique_violation", "")
		return
	}
	f.phones[d.Phone] = true
	rec := storedRecord{ID: fmt.Sprintf("rec_%d", len(f.byEmail)+1), Subject: fmt.Sprintf("sub_%d", len(f.byEmail)+1), Data: d}
	f.byEmail[d.Email] = rec
	writeJSON(w, http.StatusCreated, map[string]string{"id": rec.ID, "subject": rec.Subject})
}

func (f *fakeServer) findRecords(w http.ResponseWriter, r *http.Request) {
	n := f.reads.Add(1)
	if !f.wait(r) {
		return
	}
	q := r.URL.Query()
	if q.Get("purpose") != "support" {
		writeProblem(w, http.StatusForbidden, "purpose_denied", "")
		return
	}
	if f.failRead != nil && f.failRead(n) {
		writeProblem(w, http.StatusServiceUnavailable, "overloaded", "")
		return
	}
	email := q.Get("email")
	f.mu.Lock()
	rec, ok := f.byEmail[email]
	f.mu.Unlock()
	records := []storedRecord{}
	if ok {
		records = append(records, rec)
	}
	switch f.readMode {
	case "mismatch":
		for i := range records {
			records[i].Data.Email = "someone-else@example.com"
		}
	case "empty":
		records = records[:0]
	case "dup":
		records = append(records, records...)
	}
	writeJSON(w, http.StatusOK, map[string]any{"records": records})
}
