package httpapi

import (
	"bytes"
	"encoding/csv"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/csvsafe"
	"custodia/internal/exports"
	"custodia/internal/store"
)

// auditCSVMax is the most entries one audit log download holds.
const auditCSVMax = 100000

// auditCSVPage is how many entries a download reads at a time.
const auditCSVPage = 5000

// auditCSVColumns are the columns of GET /v1/audit.csv.
var auditCSVColumns = []string{"seq", "at", "actor", "action", "collection", "record_id", "subject", "purpose",
	"outcome", "status", "request_id", "detail", "decision", "prev_hash", "hash"}

// auditCSV downloads the audit entries matching the filters of
// GET /v1/audit as CSV, at most auditCSVMax of them (limit lowers it). The
// download is entered in the export register, produced at once for the
// caller, in the same transaction as the call's own audit entry.
func (s *Server) auditCSV(w http.ResponseWriter, r *http.Request) error {
	f, err := s.auditFilter(r)
	if err != nil {
		return err
	}
	limit, err := intParam(r, "limit", auditCSVMax)
	if err != nil {
		return err
	}
	limit = min(max(limit, 1), auditCSVMax)
	filter := f
	var entries []audit.Entry
	for int64(len(entries)) <= limit { // one more than the limit tells a truncated download
		f.Limit = int(min(auditCSVPage, limit+1-int64(len(entries))))
		page, err := s.db.FindAudit(r.Context(), f)
		if err != nil {
			return err
		}
		entries = append(entries, page...)
		if len(page) < f.Limit {
			break
		}
		f.After = page[len(page)-1].Seq
	}
	truncated := int64(len(entries)) > limit
	if truncated {
		entries = entries[:limit]
	}
	var buf bytes.Buffer
	if err := writeAuditCSV(&buf, entries); err != nil {
		return apperr.Wrap(err, "write audit csv")
	}

	p := auth.PrincipalFrom(r.Context())
	now := time.Now().UTC().Truncate(time.Microsecond)
	subjects := map[string]bool{}
	for _, e := range entries {
		if e.Subject != "" {
			subjects[e.Subject] = true
		}
	}
	x := exports.Export{ID: auth.NewID("exp_"), Kind: exports.KindAuditLog, Status: exports.StatusProduced,
		Fields: auditCSVColumns, Reason: describeAuditFilter(filter), Categories: []string{}, Records: len(entries), Subjects: len(subjects),
		RequestedBy: p.Actor(), Requester: p.Key(), RequestedAt: now, DecidedBy: p.Actor(), DecidedAt: &now,
		Decision: "no approval needed: the audit log names subjects by pseudonym only", ProducedAt: &now}
	err = audited(r, func(e *audit.Entry) error {
		e.RecordID = x.ID
		return s.db.PutExport(r.Context(), x, e)
	})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit-`+now.Format("2006-01-02")+`.csv"`)
	w.Header().Set("Custodia-Watermark", x.ID)
	w.Header().Set("Cache-Control", "no-store")
	if truncated {
		w.Header().Set("Custodia-Truncated", "true")
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// writeAuditCSV writes entries as CSV with a header row.
func writeAuditCSV(buf *bytes.Buffer, entries []audit.Entry) error {
	cw := csv.NewWriter(buf)
	if err := cw.Write(auditCSVColumns); err != nil {
		return err
	}
	for _, e := range entries {
		row := []string{strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano), csvsafe.Cell(e.Actor), csvsafe.Cell(e.Action),
			csvsafe.Cell(e.Collection), csvsafe.Cell(e.RecordID), csvsafe.Cell(e.Subject), csvsafe.Cell(e.Purpose), csvsafe.Cell(e.Outcome),
			strconv.Itoa(e.Status), csvsafe.Cell(e.RequestID), csvsafe.Cell(e.Detail), csvsafe.Cell(e.Decision),
			hex.EncodeToString(e.PrevHash), hex.EncodeToString(e.Hash)}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// describeAuditFilter names the filters of an audit download for the
// export register; a subject is named by its pseudonym.
func describeAuditFilter(f store.AuditFilter) string {
	var parts []string
	for _, kv := range [][2]string{{"actor", f.Actor}, {"action", f.Action}, {"purpose", f.Purpose}, {"outcome", f.Outcome}, {"pseudonym", f.Subject}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	if f.After > 0 {
		parts = append(parts, "after="+strconv.FormatInt(f.After, 10))
	}
	if !f.Since.IsZero() {
		parts = append(parts, "since="+f.Since.UTC().Format(time.RFC3339))
	}
	if !f.Until.IsZero() {
		parts = append(parts, "until="+f.Until.UTC().Format(time.RFC3339))
	}
	if len(parts) == 0 {
		return "audit log download, unfiltered"
	}
	return "audit log download: " + strings.Join(parts, ", ")
}
