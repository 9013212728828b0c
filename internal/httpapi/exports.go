package httpapi

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/csvsafe"
	"custodia/internal/exports"
	"custodia/internal/freetext"
	"custodia/internal/vault"
)

// exportRequest is the body of POST /v1/exports.
type exportRequest struct {
	Collection string   `json:"collection"`
	Fields     []string `json:"fields"`
	Purpose    string   `json:"purpose"`
	Reason     string   `json:"reason"`
}

// createExport asks for a CSV export of a collection: POST /v1/exports.
// It is registered at once; it is approved at once unless it is large or
// holds sensitive categories, when it waits for a second person.
func (s *Server) createExport(w http.ResponseWriter, r *http.Request) error {
	var in exportRequest
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" || utf8.RuneCountInString(in.Reason) > 1000 {
		return apperr.New(apperr.Invalid, "reason_required", "an export needs its reason (1 to 1000 characters)")
	}
	if err := freetext.Check("reason", in.Reason); err != nil {
		return err
	}
	// A scoped token asks only for its collections and purposes: the
	// register would otherwise hold, and count for it, what it may never
	// download.
	if p := auth.PrincipalFrom(r.Context()); !p.AllowsCollection(in.Collection) {
		return apperr.New(apperr.Forbidden, "collection_not_allowed", "this token may not use this collection")
	} else if !p.AllowsPurpose(in.Purpose) {
		return apperr.New(apperr.Forbidden, "purpose_not_allowed", "this token may not act for this purpose")
	}
	c, err := s.vault.Collection(r.Context(), in.Collection)
	if err != nil {
		return err
	}
	if err := s.checkExportPurpose(r.Context(), in.Purpose); err != nil {
		return err
	}
	if len(in.Fields) == 0 {
		for _, f := range c.Fields {
			in.Fields = append(in.Fields, f.Name)
		}
	}
	var cats []string
	for k, name := range in.Fields {
		i := slices.IndexFunc(c.Fields, func(f vault.Field) bool { return f.Name == name })
		if i < 0 {
			return apperr.Newf(apperr.Invalid, "unknown_field", "the collection has no field %.64q", name)
		}
		if slices.Contains(in.Fields[:k], name) {
			return apperr.Newf(apperr.Invalid, "duplicate_field", "fields names %q twice", name)
		}
		if !slices.Contains(c.Fields[i].Purposes, in.Purpose) {
			return apperr.Newf(apperr.Invalid, "purpose_not_declared", "the field %q was not collected for the purpose %q", name, in.Purpose)
		}
		if cat := c.Fields[i].Category; vault.PersonalCategory(cat) && !slices.Contains(cats, cat) {
			cats = append(cats, cat)
		}
	}
	// The caller must be allowed to read for this purpose now, not only
	// when the file is produced.
	if s.access != nil {
		if _, err := s.access.PlanRead(r.Context(), c, in.Purpose); err != nil {
			return err
		}
	}
	records, subjects, err := s.db.CountRecords(r.Context(), c.Name)
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	now := time.Now().UTC().Truncate(time.Microsecond)
	x := exports.Export{ID: auth.NewID("exp_"), Kind: exports.KindCSV, Collection: c.Name, Fields: in.Fields, Purpose: in.Purpose, Reason: in.Reason,
		Categories: cats, Records: records, Subjects: subjects, RequestedBy: p.Actor(), Requester: p.Key(), RequestedAt: now}
	for _, cat := range cats {
		x.Sensitive = x.Sensitive || exports.Sensitive(cat)
	}
	x.Approval = exports.Approval(records, s.opts.ExportApprovalRecords, cats)
	x.Status = exports.StatusApproved
	if x.Approval != "" {
		x.Status = exports.StatusPending
	}
	err = audited(r, func(e *audit.Entry) error {
		e.RecordID, e.Collection, e.Purpose = x.ID, x.Collection, x.Purpose
		return s.db.PutExport(r.Context(), x, e)
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, x)
	return nil
}

// checkExportPurpose refuses an export without a purpose, or for one
// nobody registered, with the codes a read would answer.
func (s *Server) checkExportPurpose(ctx context.Context, purpose string) error {
	if purpose == "" {
		return apperr.New(apperr.Invalid, "purpose_required", "an export states the purpose it is made for")
	}
	if s.vault.PurposeRegistered != nil {
		ok, err := s.vault.PurposeRegistered(ctx, purpose)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.Invalid, "unknown_purpose", "this purpose is not registered; see GET /v1/purposes")
		}
	}
	return nil
}

func (s *Server) listExports(w http.ResponseWriter, r *http.Request) error {
	limit, err := rangeParam(r, "limit", 100, 1, 1000)
	if err != nil {
		return err
	}
	xs, err := s.db.ListExports(r.Context(), limit)
	if err != nil {
		return err
	}
	if err := s.countBulkReads(r.Context(), xs); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"exports": xs})
	return nil
}

// getExport shows an entry of the register: to the register's readers
// (audit:read), and to the person who asked for it, who can follow
// whether it still waits for approval.
func (s *Server) getExport(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	if p.MFAPending {
		return errMFARequired
	}
	x, err := s.db.GetExport(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !p.Can(auth.PermAuditRead) && x.Requester != p.Key() {
		return apperr.New(apperr.Forbidden, "not_your_export", "only the person who asked for an export, or a reader of the register (audit:read), may see it")
	}
	if err := s.countBulkRead(r.Context(), &x, time.Now().UTC()); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

func (s *Server) approveExport(w http.ResponseWriter, r *http.Request) error {
	return s.decideExport(w, r, exports.StatusApproved)
}

func (s *Server) rejectExport(w http.ResponseWriter, r *http.Request) error {
	return s.decideExport(w, r, exports.StatusRejected)
}

// decideExport approves or rejects an export that waits for approval; the
// person who asked for it may not decide it.
func (s *Server) decideExport(w http.ResponseWriter, r *http.Request, to string) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	x, err := s.db.GetExport(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if strings.TrimSpace(in.Reason) == "" || utf8.RuneCountInString(in.Reason) > 1000 {
		return apperr.New(apperr.Invalid, "reason_required", "a decision needs its reason (1 to 1000 characters)")
	}
	if err := freetext.Check("reason", in.Reason); err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	if x.Status != exports.StatusPending {
		return apperr.Newf(apperr.Conflict, "export_state", "the export is %s, not waiting for approval", x.Status)
	}
	asker, err := s.personOf(r.Context(), x.Requester)
	if err != nil {
		return err
	}
	decider, err := s.personOf(r.Context(), p.Key())
	if err != nil {
		return err
	}
	if p.Key() == x.Requester || asker == decider {
		return apperr.New(apperr.Forbidden, "four_eyes", "a second person must decide an export: not the one who asked for it, through any of their sessions or tokens")
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	x.Status, x.DecidedBy, x.DecidedAt, x.Decision = to, p.Actor(), &now, strings.TrimSpace(in.Reason)
	err = audited(r, func(e *audit.Entry) error {
		e.RecordID, e.Collection = x.ID, x.Collection
		return s.db.UpdateExport(r.Context(), x, exports.StatusPending, e)
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

// downloadExport produces an approved CSV export, once, for the person
// who asked for it: the fields asked for, read through the vault with the
// caller's role and the export's purpose (masks and withheld fields
// apply), and a _watermark column holding the export's id on every row.
func (s *Server) downloadExport(w http.ResponseWriter, r *http.Request) error {
	x, err := s.db.GetExport(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	switch {
	case p.Key() != x.Requester:
		return apperr.New(apperr.Forbidden, "not_your_export", "only the person who asked for an export may download it")
	case x.Kind != exports.KindCSV || x.Status != exports.StatusApproved:
		return apperr.Newf(apperr.Conflict, "export_state", "the export is %s: only an approved export not yet produced can be downloaded", x.Status)
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	produced := x
	produced.Status, produced.ProducedAt = exports.StatusProduced, &now
	// The call is audited by its reads, one entry per subject exported,
	// each naming the export; the state change must not stand in for them.
	recorder(r).Update(func(e *audit.Entry) { e.RecordID, e.Collection, e.Purpose = x.ID, x.Collection, x.Purpose })
	if x.DecidedBy != "" {
		recorder(r).MarkVetted() // four-eyes approved: not a bulk read to detect
	}
	if err := s.db.UpdateExport(r.Context(), produced, exports.StatusApproved, nil); err != nil {
		return err
	}
	var buf bytes.Buffer
	records, subjects, delivered, err := s.writeExportCSV(r.Context(), &buf, x)
	if err != nil {
		return err
	}
	// The register keeps what was exported, not what was asked for: the
	// rows the reader's role, consent and restrictions let through, and
	// the categories of the columns that held a value (QA: a column the
	// role could not read was registered as held).
	produced.Records, produced.Subjects = records, subjects
	if c, err := s.vault.Collection(r.Context(), x.Collection); err == nil {
		produced.Categories = deliveredCategories(c, delivered)
		produced.Sensitive = slices.ContainsFunc(produced.Categories, exports.Sensitive)
	}
	if err := s.db.UpdateExport(r.Context(), produced, exports.StatusProduced, nil); err != nil {
		return err
	}
	// Answered with a refusal after all (the bulk-read detector blocked
	// the caller): nothing was delivered, so the register must not say
	// a copy exists, and the approved export stays downloadable once the
	// block is lifted (QA).
	recorder(r).OnWithheld(func() {
		if err := s.db.UpdateExport(context.WithoutCancel(r.Context()), x, exports.StatusProduced, nil); err != nil {
			slog.Error("export: taking back a delivery that was withheld", "export", x.ID, "err", err)
		}
	})
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+x.ID+`.csv"`)
	w.Header().Set("Custodia-Watermark", x.ID)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// exportPage is how many records a CSV export reads at a time.
const exportPage = 1000

// deliveredCategories are the personal data categories of the fields
// delivered, each once, in the collection's order.
func deliveredCategories(c *vault.Collection, delivered []string) []string {
	cats := []string{}
	for _, f := range c.Fields {
		if slices.Contains(delivered, f.Name) && vault.PersonalCategory(f.Category) && !slices.Contains(cats, f.Category) {
			cats = append(cats, f.Category)
		}
	}
	return cats
}

// writeExportCSV writes the records of an export as CSV; it returns how
// many records, of how many people, it wrote, and the fields that held a
// value in at least one of them.
func (s *Server) writeExportCSV(ctx context.Context, out io.Writer, x exports.Export) (records, subjects int, delivered []string, err error) {
	cw := csv.NewWriter(out)
	if err := cw.Write(append(slices.Clone(x.Fields), "_watermark")); err != nil {
		return 0, 0, nil, err
	}
	people := map[string]bool{}
	row := make([]string, len(x.Fields)+1)
	after := ""
	for {
		recs, next, err := s.vault.ListPage(ctx, x.Collection, x.Purpose, after, exportPage)
		if err != nil {
			return 0, 0, nil, err
		}
		for _, rec := range recs {
			shown := false
			for i, f := range x.Fields {
				row[i] = ""
				if v, ok := rec.Data[f]; ok && v != nil {
					row[i] = csvsafe.Cell(fmt.Sprint(v)) // a customer's value must not run as a formula
					shown = true
					if !slices.Contains(delivered, f) {
						delivered = append(delivered, f)
					}
				}
			}
			if !shown {
				continue // every field withheld (a restricted subject): nothing of theirs is exported
			}
			row[len(x.Fields)] = x.ID
			if err := cw.Write(row); err != nil {
				return 0, 0, nil, err
			}
			records++
			people[rec.Subject] = true
		}
		// The vault caps a page (Options.MaxLookup, 100 by default) below
		// what was asked: its cursor, not the page's length, says whether
		// another follows.
		if next == "" {
			break
		}
		after = next
	}
	cw.Flush()
	return records, len(people), delivered, cw.Error()
}

// registerExport adds an export that is not asked for but happens (an
// access package, a bulk read) to the register; a failure is logged, as
// the register must not stop the work it records.
func (s *Server) registerExport(ctx context.Context, x exports.Export) {
	x.ID = auth.NewID("exp_")
	x.Status = exports.StatusRegistered
	x.RequestedAt = time.Now().UTC().Truncate(time.Microsecond)
	if x.Fields == nil {
		x.Fields = []string{}
	}
	if x.Categories == nil {
		x.Categories = []string{}
	}
	if err := s.db.PutExport(context.WithoutCancel(ctx), x, nil); err != nil {
		slog.Error("export not registered", "kind", x.Kind, "err", err)
	}
}

// watermarkZip returns a copy of a zip archive with a custodia-watermark.txt
// entry and an archive comment naming the export id.
func watermarkZip(data []byte, id string) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("watermark package: %w", err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			return nil, fmt.Errorf("watermark package: %w", err)
		}
	}
	// The entry is dated (zw.Create would leave it at the zip epoch's
	// invalid 1980-00-00), like the package's own files.
	modified := time.Now().UTC()
	if len(zr.File) > 0 {
		modified = zr.File[0].Modified
	}
	wm, err := zw.CreateHeader(&zip.FileHeader{Name: "custodia-watermark.txt", Method: zip.Deflate, Modified: modified})
	if err != nil {
		return nil, fmt.Errorf("watermark package: %w", err)
	}
	fmt.Fprintf(wm, "Custodia export register id: %s\n", id)
	if err := zw.SetComment("custodia watermark " + id); err != nil {
		return nil, fmt.Errorf("watermark package: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("watermark package: %w", err)
	}
	return out.Bytes(), nil
}

// personOf returns the person behind a principal key: "user:ID" for a
// session; for a token, the person behind whoever created it, followed
// up the chain of tokens that created tokens, so that the four-eyes rule
// compares people, not credentials. A token at the top of its chain (the
// bootstrap token, or one whose creator is gone) stands for itself: two
// tokens an admin token made count as that admin token's holder.
func (s *Server) personOf(ctx context.Context, key string) (string, error) {
	if !strings.HasPrefix(key, "token:") {
		return key, nil
	}
	tokens, err := s.tokens.List(ctx)
	if err != nil {
		return "", err
	}
	id := strings.TrimPrefix(key, "token:")
	at := slices.IndexFunc(tokens, func(t auth.Token) bool { return t.ID == id })
	if at < 0 {
		return key, nil
	}
	return auth.Maker(tokens[at], tokens), nil
}
