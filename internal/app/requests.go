package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"custodia/internal/access"
	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/consent"
	"custodia/internal/datamap"
	"custodia/internal/detect"
	"custodia/internal/dsr"
	"custodia/internal/httpapi"
	"custodia/internal/importer"
	"custodia/internal/legalclock"
	"custodia/internal/retention"
	"custodia/internal/store"
	"custodia/internal/vault"
)

// dsrActions carries data-subject requests out on the vault, the ledger
// and the access engine.
type dsrActions struct{ a *App }

// entry is a fresh audit entry for an action taken by the caller in ctx.
func entry(ctx context.Context, action, pseudonym string) *audit.Entry {
	e := &audit.Entry{Actor: "system", Action: action, Subject: pseudonym}
	if p := auth.PrincipalFrom(ctx); p != nil {
		e.Actor = p.Actor()
	}
	if r := audit.RecorderFrom(ctx); r != nil {
		e.RequestID = r.Snapshot().RequestID
	}
	return e
}

func (d dsrActions) FindSubjects(ctx context.Context, fieldType, value string) ([]string, error) {
	return d.a.Vault.FindSubjects(ctx, fieldType, value)
}

func (d dsrActions) SubjectExists(ctx context.Context, subjectID string) (bool, error) {
	return d.a.DB.SubjectExists(ctx, subjectID)
}

func (d dsrActions) CheckErase(ctx context.Context, subjectID string) error {
	cols, err := d.a.DB.SubjectCollections(ctx, subjectID)
	if err != nil {
		return err
	}
	return httpapi.CheckHold(ctx, d.a.DB.ListHolds, subjectID, cols)
}

func (d dsrActions) Erase(ctx context.Context, subjectID string) error {
	if err := d.CheckErase(ctx, subjectID); err != nil {
		return err
	}
	_, err := d.a.Vault.Erase(ctx, subjectID, "erasure")
	if apperr.IsNotFound(err) {
		at, _, found, ferr := d.a.DB.ErasedSubject(ctx, subjectID, d.a.Vault.Pseudonym(subjectID))
		if ferr != nil {
			return ferr
		}
		if found {
			return dsr.AlreadyErased{At: at}
		}
	}
	return err
}

func (d dsrActions) Restrict(ctx context.Context, subjectID string, allowed []string, requestID string) error {
	err := d.a.DB.SetRestriction(ctx, store.Restriction{SubjectID: subjectID, Purposes: allowed, Reason: "data-subject request " + requestID,
		Since: time.Now().UTC(), SetBy: entry(ctx, "", "").Actor}, entry(ctx, "subject.restrict", d.a.Vault.Pseudonym(subjectID)))
	d.a.Access.Invalidate()
	return err
}

func (d dsrActions) Object(ctx context.Context, subjectID string, purposes []string, requestID string) error {
	err := d.a.DB.SetObjections(ctx, subjectID, purposes, requestID, time.Now().UTC(), entry(ctx, "subject.object", d.a.Vault.Pseudonym(subjectID)))
	d.a.Access.Invalidate()
	return err
}

func (d dsrActions) WithdrawConsent(ctx context.Context, subjectID string, purposes []string, requestID, by string) ([]string, error) {
	proof, err := d.a.Ledger.Proof(ctx, subjectID)
	if err != nil {
		return nil, err
	}
	var active []string
	for _, st := range proof.Current {
		if st.Active && (len(purposes) == 0 || slices.Contains(purposes, st.Purpose)) {
			active = append(active, st.Purpose)
		}
	}
	for _, p := range active {
		e := entry(ctx, "consent.record", d.a.Vault.Pseudonym(subjectID))
		e.Purpose = p
		_, err := d.a.Ledger.Record(ctx, subjectID, consent.Request{Purpose: p, Action: consent.Withdraw, Method: "data-subject request",
			NoticeVersion: "request " + requestID, Channel: "request", CollectedBy: by}, by, e.RequestID, e)
		if err != nil && apperr.CodeOf(err) != "no_active_consent" {
			return nil, err
		}
	}
	if active == nil {
		active = []string{}
	}
	return active, nil
}

func (d dsrActions) Rectify(ctx context.Context, subjectID string, in dsr.Rectification) error {
	if _, err := d.a.Vault.Collection(ctx, in.Collection); err != nil {
		return err // collection_not_found, not the record's
	}
	if strings.TrimSpace(in.Purpose) == "" {
		return apperr.New(apperr.Invalid, "purpose_required", `the rectification states its purpose: {"rectification":{…,"purpose":…}}`)
	}
	r, err := d.a.DB.GetRecord(ctx, in.Collection, in.RecordID)
	if err != nil {
		return err
	}
	if r.SubjectID != subjectID {
		return apperr.New(apperr.Invalid, "not_the_subjects_record", "the record does not belong to the request's subject")
	}
	_, err = d.a.Vault.Patch(vault.WithRectification(ctx), in.Collection, in.RecordID, in.Purpose, vault.Input{Data: in.Data})
	return err
}

// OutsideSystems lists the data map's systems outside the vault that may
// hold copies of the subject's data: those holding a category of a field
// of a collection the subject has records in.
func (d dsrActions) OutsideSystems(ctx context.Context, subjectID string) ([]datamap.Holding, error) {
	cols, err := d.a.DB.SubjectCollections(ctx, subjectID)
	if err != nil {
		return nil, err
	}
	// A subject erased and purged already has its collections only in the
	// erasure's record: its copies elsewhere still need the tasks. (A live
	// subject has records, and the register is not scanned for it.)
	if len(cols) == 0 {
		if _, cols, _, err = d.a.DB.ErasedSubject(ctx, subjectID, d.a.Vault.Pseudonym(subjectID)); err != nil {
			return nil, err
		}
	}
	var categories []string
	for _, name := range cols {
		c, err := d.a.Vault.Collection(ctx, name)
		if apperr.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, f := range c.Fields {
			if f.Category != "" && !slices.Contains(categories, f.Category) {
				categories = append(categories, f.Category)
			}
		}
	}
	if len(categories) == 0 {
		return []datamap.Holding{}, nil
	}
	systems, err := d.a.DB.ListSystems(ctx)
	if err != nil {
		return nil, err
	}
	return datamap.Holdings(systems, categories), nil
}

// ExportSubject gathers everything about a subject for its package.
func (d dsrActions) ExportSubject(ctx context.Context, subjectID string) (dsr.PackageData, error) {
	recs, err := d.a.Vault.Export(ctx, subjectID)
	if err != nil {
		return dsr.PackageData{}, err
	}
	out := dsr.PackageData{Subject: subjectID, Records: make([]dsr.ExportRecord, 0, len(recs))}
	for _, r := range recs {
		out.Records = append(out.Records, dsr.ExportRecord{Collection: r.Collection, ID: r.ID, Data: r.Data, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt})
	}
	proof, err := d.a.Ledger.Proof(ctx, subjectID)
	switch {
	case err == nil:
		out.Consents = proof
	case apperr.IsNotFound(err):
		out.Consents = map[string]any{"current": []any{}, "history": []any{}, "notices": []any{}}
	default:
		return dsr.PackageData{}, err
	}
	entries, err := d.a.DB.SubjectAudit(ctx, d.a.Vault.Pseudonym(subjectID), 100000)
	if err != nil {
		return dsr.PackageData{}, err
	}
	for _, e := range entries {
		out.AccessLog = append(out.AccessLog, dsr.AccessEntry{At: e.At, Actor: e.Actor, Action: e.Action, Purpose: e.Purpose, Collection: e.Collection, Decision: e.Decision})
	}
	if out.Provenance, err = d.provenance(ctx, subjectID); err != nil {
		return dsr.PackageData{}, err
	}
	if out.Systems, err = d.OutsideSystems(ctx, subjectID); err != nil {
		return dsr.PackageData{}, err
	}
	if out.Processing, err = d.processing(ctx, subjectID, recs); err != nil {
		return dsr.PackageData{}, err
	}
	return out, nil
}

// processing gathers what Art. 15(1) asks besides the data: the purposes
// and legal bases of each field of the collections holding the subject's
// records, the retention rules on them, the processors receiving their
// categories, and the subject's restriction and objections (QA: the
// package held the data and the access log only).
func (d dsrActions) processing(ctx context.Context, subjectID string, recs []*vault.Record) (*dsr.Processing, error) {
	purposes, err := d.a.DB.ListPurposes(ctx)
	if err != nil {
		return nil, err
	}
	rules, err := d.a.DB.ListRetentionRules(ctx)
	if err != nil {
		return nil, err
	}
	procs, err := d.a.DB.ListProcessors(ctx)
	if err != nil {
		return nil, err
	}
	out := &dsr.Processing{Collections: []dsr.ProcessedCollection{}, Recipients: []dsr.Recipient{}}
	var categories []string
	for _, r := range recs {
		if slices.ContainsFunc(out.Collections, func(c dsr.ProcessedCollection) bool { return c.Collection == r.Collection }) {
			continue
		}
		c, err := d.a.Vault.Collection(ctx, r.Collection)
		if err != nil {
			return nil, err
		}
		pc := dsr.ProcessedCollection{Collection: c.Name, Fields: []dsr.ProcessedField{}, Retention: []string{}}
		for _, f := range c.Fields {
			pf := dsr.ProcessedField{Field: f.Name, Category: f.Category, Purposes: []dsr.PurposeBasis{}}
			for _, name := range f.Purposes {
				pb := dsr.PurposeBasis{Purpose: name}
				if i := slices.IndexFunc(purposes, func(p access.Purpose) bool { return p.Name == name }); i >= 0 {
					pb.LegalBasis, pb.Description = string(purposes[i].LegalBasis), purposes[i].Description
				}
				pf.Purposes = append(pf.Purposes, pb)
			}
			pc.Fields = append(pc.Fields, pf)
			if !slices.Contains(categories, f.Category) {
				categories = append(categories, f.Category)
			}
		}
		for _, rule := range rules {
			if rule.Collection == c.Name {
				pc.Retention = append(pc.Retention, rule.Summary())
			}
		}
		out.Collections = append(out.Collections, pc)
	}
	for _, p := range procs {
		var shared []string
		for _, cat := range p.Categories {
			if slices.Contains(categories, cat) {
				shared = append(shared, cat)
			}
		}
		if len(shared) > 0 {
			out.Recipients = append(out.Recipients, dsr.Recipient{Vendor: p.Vendor, Service: p.Service, Country: p.Country, Categories: shared})
		}
	}
	restricted, err := d.a.DB.ListRestrictions(ctx)
	if err != nil {
		return nil, err
	}
	if allowed, ok := restricted[subjectID]; ok {
		out.RestrictedTo = append([]string{}, allowed...)
	}
	objected, err := d.a.DB.ListObjections(ctx)
	if err != nil {
		return nil, err
	}
	out.ObjectedTo = objected[subjectID]
	return out, nil
}

// provenance lists where the subject's imported records came from: the
// import job, its source (the data map's name for its system, else the
// source the job stated), the row, and the job's purpose and legal basis.
func (d dsrActions) provenance(ctx context.Context, subjectID string) ([]dsr.ProvenanceEntry, error) {
	rows, err := d.a.DB.SubjectProvenance(ctx, subjectID)
	if err != nil {
		return nil, err
	}
	out := make([]dsr.ProvenanceEntry, 0, len(rows))
	jobs := map[string]importer.Import{}
	names := map[string]string{}
	for _, p := range rows {
		job, ok := jobs[p.JobID]
		if !ok {
			job, err = d.a.DB.GetImport(ctx, p.JobID)
			if err != nil && !apperr.IsNotFound(err) {
				return nil, err
			}
			jobs[p.JobID] = job
		}
		source := p.Source
		if job.SystemID != "" {
			name, ok := names[job.SystemID]
			if !ok {
				sys, err := d.a.DB.GetSystem(ctx, job.SystemID)
				if err != nil && !apperr.IsNotFound(err) {
					return nil, err
				}
				name = sys.Name // "" when the system left the map
				names[job.SystemID] = name
			}
			if name != "" {
				source = name
			}
		}
		out = append(out, dsr.ProvenanceEntry{JobID: p.JobID, Source: source, SystemID: job.SystemID, Collection: job.Collection, RecordID: p.RecordID,
			Row: p.RowRef, ImportedAt: p.ImportedAt, Purpose: job.Purpose, LegalBasis: job.LegalBasis})
	}
	return out, nil
}

// OverdueCheckEvery is how often the server looks for requests past due.
var OverdueCheckEvery = time.Minute

// watchOverdue raises one alert per request that passes its due date while
// open, and one per change of a processor's DPA problems, until ctx ends.
func (a *App) watchOverdue(ctx context.Context) {
	t := time.NewTicker(OverdueCheckEvery)
	defer t.Stop()
	for {
		a.CheckOverdue(ctx)
		a.API.CheckDPAs(ctx) // DPAs expire with time, not only when edited
		// Breach notification clocks near their end and pass it with time.
		a.API.CheckIncidentClocks(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CheckOverdue alerts on open requests past their due date (once each).
func (a *App) CheckOverdue(ctx context.Context) {
	err := a.Requests.AlertOverdue(ctx, func(r dsr.Request) {
		a.API.RaiseAlert(ctx, detect.Alert{Kind: "request_overdue", Severity: detect.SeverityCritical, Principal: "request:" + r.ID,
			Message: "a data-subject request is past its legal due date",
			Data:    map[string]string{"request": r.ID, "type": r.Type, "jurisdiction": r.Jurisdiction, "due_at": r.DueAt.Format(time.RFC3339), "state": r.State}})
	})
	if err != nil && ctx.Err() == nil {
		slog.Error("overdue request check failed", "err", err)
	}
	err = a.Requests.AlertUnacknowledged(ctx, func(r dsr.Request) {
		a.API.RaiseAlert(ctx, detect.Alert{Kind: "request_unacknowledged", Severity: detect.SeverityWarning, Principal: "request:" + r.ID,
			Message: "a data-subject request's receipt was not acknowledged by its legal deadline",
			Data:    map[string]string{"request": r.ID, "type": r.Type, "jurisdiction": r.Jurisdiction, "acknowledge_by": r.AcknowledgeBy.Format(time.RFC3339), "state": r.State}})
	})
	if err != nil && ctx.Err() == nil {
		slog.Error("unacknowledged request check failed", "err", err)
	}
}

// legalClock adapts the rules table to the request service.
type legalClock struct {
	t   *legalclock.Table
	loc *time.Location
}

func (c legalClock) Deadlines(jurisdiction, typ string, start time.Time, extensions int) (dsr.Deadlines, error) {
	r, err := c.t.For(jurisdiction, typ)
	if err != nil {
		return dsr.Deadlines{}, err
	}
	d, err := c.t.Deadlines(r, start, c.loc, extensions)
	if err != nil {
		return dsr.Deadlines{}, err
	}
	return dsr.Deadlines{Due: d.Due, AcknowledgeBy: d.AcknowledgeBy, ExtendNoticeBy: d.ExtendNoticeBy, MaxExtensions: d.MaxExtensions,
		Source: r.Source, StartOnVerify: r.Start == legalclock.Verified}, nil
}

func (c legalClock) DaysLeft(due, now time.Time) int { return legalclock.DaysLeft(due, now, c.loc) }

func (c legalClock) Location() *time.Location { return c.loc }

// RetentionLockKey is the PostgreSQL advisory lock a retention run that
// applies rules holds, so one replica applies them at a time.
const RetentionLockKey = 0x637573746f64 // "custod"

// scheduleRetention applies retention rules every RetentionEvery until ctx
// ends; on PostgreSQL only the replica holding the advisory lock runs.
func (a *App) scheduleRetention(ctx context.Context) {
	every := a.Config.RetentionEvery
	if every < 0 {
		return
	}
	if every == 0 {
		every = time.Hour
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		a.RunRetention(ctx)
	}
}

// RunRetention applies the retention rules once, unless another run (an
// operator's, or another replica's) is applying them, and logs the outcome.
func (a *App) RunRetention(ctx context.Context) {
	rep, err := a.Retention.Run(ctx, false, "system:retention")
	switch {
	case errors.Is(err, retention.ErrRunning):
		slog.Debug("retention run skipped: another run is applying the rules")
	case err != nil:
		if ctx.Err() == nil {
			slog.Error("retention run failed", "err", err)
		}
	default:
		slog.Info("retention run", "deleted", rep.Deleted, "anonymised", rep.Anonymised, "held", len(rep.Held), "conflicts", len(rep.Conflicts), "seconds", rep.Seconds)
	}
}

// ExportSubject gathers everything about a subject, as an access package
// holds it.
func (a *App) ExportSubject(ctx context.Context, subjectID string) (dsr.PackageData, error) {
	return dsrActions{a}.ExportSubject(ctx, subjectID)
}

// loadClockTable returns the deadline rules: the built-in table or the
// operator's file, with the operator's holiday files added.
func loadClockTable(rulesFile string, holidayFiles []string) (*legalclock.Table, error) {
	t := legalclock.Default()
	if rulesFile != "" {
		f, err := os.Open(rulesFile)
		if err != nil {
			return nil, fmt.Errorf("request rules: %w", err)
		}
		t, err = legalclock.LoadRules(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("request rules %s: %w", rulesFile, err)
		}
	}
	for _, name := range holidayFiles {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("holidays: %w", err)
		}
		t, err = t.LoadHolidays(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("holidays %s: %w", name, err)
		}
	}
	return t, nil
}
