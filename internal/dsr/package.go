package dsr

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/csvsafe"
	"custodia/internal/datamap"
)

// ExportRecord is one record of the subject, decrypted.
type ExportRecord struct {
	Collection string         `json:"collection"`
	ID         string         `json:"id"`
	Data       map[string]any `json:"data"`
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedAt  time.Time      `json:"updated_at"`
}

// AccessEntry is one access to the subject's data, from the audit log:
// the recipients GDPR Art. 15(1)(c) asks for.
type AccessEntry struct {
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`
	Purpose    string    `json:"purpose,omitempty"`
	Collection string    `json:"collection,omitempty"`
	Decision   string    `json:"decision,omitempty"`
}

// ProvenanceEntry says where one of the subject's records came from when
// an import brought it into the vault (GDPR Art. 14(2)(f), 15(1)(g)).
type ProvenanceEntry struct {
	JobID      string    `json:"job_id"`
	Source     string    `json:"source"`              // the source's name, as the import stated it or the data map names it
	SystemID   string    `json:"system_id,omitempty"` // the source's system in the data map
	Collection string    `json:"collection,omitempty"`
	RecordID   string    `json:"record_id"`
	Row        string    `json:"row"` // the row of the file ("12" or "Sheet1!12")
	ImportedAt time.Time `json:"imported_at"`
	Purpose    string    `json:"purpose,omitempty"`
	LegalBasis string    `json:"legal_basis,omitempty"`
}

// PackageData is everything about a subject.
type PackageData struct {
	Subject     string         `json:"subject"`
	GeneratedAt time.Time      `json:"generated_at"`
	Records     []ExportRecord `json:"records"`
	// Consents is the consent ledger's proof: current state, history with
	// evidence, and the notice texts.
	Consents  any           `json:"consents"`
	AccessLog []AccessEntry `json:"access_log"`
	// Provenance lists, per imported record, the import it came from.
	Provenance []ProvenanceEntry `json:"provenance"`
	// Systems outside the vault that may hold copies: those of the data
	// map holding one of the subject's data categories (datamap.Holdings).
	Systems []datamap.Holding `json:"systems"`
	// Processing is what GDPR Art. 15(1)(a), (c) and (d) ask besides the
	// data: per collection holding the subject's records, the purposes
	// each field is processed for with their legal bases, the retention
	// rules that apply, and the processors receiving its categories; and
	// the limits the subject set (restriction, objections).
	Processing *Processing `json:"processing,omitempty"`
	// Jurisdiction and RequestType are the request's, for the README's
	// citation of the right it answers.
	Jurisdiction string `json:"-"`
	RequestType  string `json:"-"`
}

// Processing describes how a subject's data is processed (Art. 15(1)).
type Processing struct {
	Collections []ProcessedCollection `json:"collections"`
	// Recipients are the processors (data map) receiving one of the
	// subject's data categories.
	Recipients []Recipient `json:"recipients"`
	// RestrictedTo is set while the subject's processing is restricted:
	// the purposes it is still allowed for.
	RestrictedTo []string `json:"restricted_to,omitempty"`
	// ObjectedTo are the purposes the subject objected to.
	ObjectedTo []string `json:"objected_to,omitempty"`
}

// ProcessedCollection is one collection holding the subject's records.
type ProcessedCollection struct {
	Collection string           `json:"collection"`
	Fields     []ProcessedField `json:"fields"`
	// Retention are the rules that apply, in words ("deleted 7 years
	// after created").
	Retention []string `json:"retention"`
}

// ProcessedField is a field's category and purposes.
type ProcessedField struct {
	Field    string         `json:"field"`
	Category string         `json:"category"`
	Purposes []PurposeBasis `json:"purposes"`
}

// PurposeBasis is a purpose with its legal basis (GDPR Art. 6(1)).
type PurposeBasis struct {
	Purpose     string `json:"purpose"`
	LegalBasis  string `json:"legal_basis"`
	Description string `json:"description,omitempty"`
}

// Recipient is a processor receiving some of the subject's categories.
type Recipient struct {
	Vendor     string   `json:"vendor"`
	Service    string   `json:"service"`
	Country    string   `json:"country"`
	Categories []string `json:"categories"`
}

// Exporter gathers a subject's package data.
type Exporter interface {
	ExportSubject(ctx context.Context, subjectID string) (PackageData, error)
}

// Package builds the access or portability package of a request that was
// carried out: a zip of subject.json (everything), records.csv,
// consents.csv, access_log.csv and provenance.csv. It is built on demand
// and never stored, so no plaintext copy rests on disk.
func (s *Service) Package(ctx context.Context, id string, ex Exporter) (Built, error) {
	r, err := s.store.GetRequest(ctx, id)
	if err != nil {
		return Built{}, err
	}
	if r.Type != TypeAccess && r.Type != TypePortability {
		return Built{}, apperr.New(apperr.Conflict, "no_package", "only access and portability requests have a package")
	}
	if r.Details.ExecutedAt == nil || r.State == StateRejected {
		return Built{}, apperr.New(apperr.Conflict, "not_executed", "carry the request out before downloading its package")
	}
	d, err := ex.ExportSubject(ctx, r.SubjectID)
	if err != nil {
		return Built{}, err
	}
	d.GeneratedAt = s.Now().UTC()
	d.Jurisdiction, d.RequestType = r.Jurisdiction, r.Type
	zip, err := BuildPackage(d)
	if err != nil {
		return Built{}, err
	}
	return Built{Zip: zip, Fields: d.Fields(), Records: len(d.Records)}, nil
}

// Built is a package and what it holds, for the export register.
type Built struct {
	Zip []byte
	// Fields are the collection fields with a value in the package, as
	// collection and field name pairs, sorted and without repeats.
	Fields []CollectionField
	// Records counts the vault records in the package.
	Records int
}

// CollectionField names one field of a collection.
type CollectionField struct{ Collection, Field string }

// Fields lists the collection fields that hold a value in the subject's
// records, sorted and without repeats.
func (d PackageData) Fields() []CollectionField {
	seen := map[CollectionField]bool{}
	for _, r := range d.Records {
		for name, v := range r.Data {
			if v != nil && v != "" {
				seen[CollectionField{r.Collection, name}] = true
			}
		}
	}
	out := make([]CollectionField, 0, len(seen))
	for f := range seen {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Collection != out[j].Collection {
			return out[i].Collection < out[j].Collection
		}
		return out[i].Field < out[j].Field
	})
	return out
}

// BuildPackage writes the zip.
func BuildPackage(d PackageData) ([]byte, error) {
	if d.Records == nil {
		d.Records = []ExportRecord{}
	}
	if d.AccessLog == nil {
		d.AccessLog = []AccessEntry{}
	}
	// The package names the systems, not the staff who own or hold them.
	systems := make([]datamap.Holding, len(d.Systems))
	for i, h := range d.Systems {
		h.Owner, h.Holders = "", nil
		systems[i] = h
	}
	d.Systems = systems
	if d.Provenance == nil {
		d.Provenance = []ProvenanceEntry{}
	}
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	add := func(name string, body []byte) error {
		w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: d.GeneratedAt})
		if err != nil {
			return err
		}
		_, err = w.Write(body)
		return err
	}
	j, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, apperr.Wrap(err, "encode package")
	}
	files := []struct {
		name string
		body func() ([]byte, error)
	}{
		{"subject.json", func() ([]byte, error) { return j, nil }},
		{"records.csv", func() ([]byte, error) { return recordsCSV(d.Records) }},
		{"consents.csv", func() ([]byte, error) { return consentsCSV(d.Consents) }},
		{"access_log.csv", func() ([]byte, error) { return accessCSV(d.AccessLog) }},
		{"provenance.csv", func() ([]byte, error) { return provenanceCSV(d.Provenance) }},
		{"systems.csv", func() ([]byte, error) { return systemsCSV(d.Systems) }},
		{"README.txt", func() ([]byte, error) { return []byte(packageReadme(d.Jurisdiction, d.RequestType)), nil }},
	}
	for _, f := range files {
		b, err := f.body()
		if err != nil {
			return nil, apperr.Wrap(err, "build "+f.name)
		}
		if err := add(f.name, b); err != nil {
			return nil, apperr.Wrap(err, "zip "+f.name)
		}
	}
	if err := z.Close(); err != nil {
		return nil, apperr.Wrap(err, "zip package")
	}
	return buf.Bytes(), nil
}

// packageReadme is the package's README.txt, citing the right the request
// was made under.
func packageReadme(jurisdiction, requestType string) string {
	return "This package holds the personal data kept about you, in answer to your\n" +
		"request under " + rightOf(jurisdiction, requestType) + ".\n\n" + packageContents
}

// rightOf names the right of access or portability of a jurisdiction,
// with its article where the law has one; the jurisdiction's name alone
// when no citation is known.
func rightOf(jurisdiction, requestType string) string {
	portable := requestType == TypePortability
	switch jurisdiction {
	case "GDPR":
		if portable {
			return "the right to data portability (GDPR Art. 20)"
		}
		return "the right of access (GDPR Art. 15)"
	case "CCPA":
		return "the right to know (CCPA, Cal. Civ. Code 1798.110)"
	case "LGPD":
		if portable {
			return "the right to portability (LGPD Art. 18, V)"
		}
		return "the right of access (LGPD Art. 18, II)"
	case "DPDP":
		return "the right to access information (Digital Personal Data Protection Act 2023, s. 11)"
	case "HIPAA":
		return "the right of access (HIPAA, 45 CFR 164.524)"
	case "PIPEDA":
		return "the right of access (PIPEDA, Schedule 1, Principle 4.9)"
	case "VN":
		return "the right of access (Law 91/2025/QH15 on personal data protection)"
	}
	if jurisdiction == "" {
		return "data-protection law"
	}
	return jurisdiction
}

const packageContents = `subject.json    everything, machine-readable
records.csv     each stored value: collection, record, field, value
consents.csv    your consents and withdrawals, with how they were given
access_log.csv  who accessed your data, when and for what purpose
provenance.csv  where records imported from other systems came from: the
                import job, its source, the row, when, for what purpose
                and on which legal basis
systems.csv     other systems of the organisation that may hold copies of
                your data (its data map): which, and which kinds of data

In the CSV files a value that starts with = + - or @ is prefixed with a
quote (') so that spreadsheets do not run it as a formula (a plain signed
number, such as a phone number +84912345678, is left as it is);
subject.json holds every value exactly.
`

// writeCSV writes rows, defusing every cell below the header: values,
// names and log entries alike may come from callers.
func writeCSV(rows [][]string) ([]byte, error) {
	for _, row := range rows[1:] {
		for i := range row {
			row[i] = csvsafe.Cell(row[i])
		}
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func systemsCSV(systems []datamap.Holding) ([]byte, error) {
	rows := [][]string{{"system_id", "name", "kind", "status", "categories"}}
	for _, h := range systems {
		rows = append(rows, []string{h.ID, h.Name, h.Kind, h.Status, strings.Join(h.Categories, " ")})
	}
	return writeCSV(rows)
}

func recordsCSV(recs []ExportRecord) ([]byte, error) {
	rows := [][]string{{"collection", "record_id", "field", "value"}}
	for _, r := range recs {
		fields := make([]string, 0, len(r.Data))
		for f := range r.Data {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			rows = append(rows, []string{r.Collection, r.ID, f, csvsafe.Cell(fmt.Sprint(r.Data[f]))})
		}
	}
	return writeCSV(rows)
}

func consentsCSV(proof any) ([]byte, error) {
	rows := [][]string{{"seq", "purpose", "action", "at", "method", "channel", "notice_version", "collected_by", "request_id"}}
	raw, err := json.Marshal(proof)
	if err != nil {
		return nil, err
	}
	var p struct {
		History []struct {
			Seq           int64     `json:"seq"`
			Purpose       string    `json:"purpose"`
			Action        string    `json:"action"`
			At            time.Time `json:"at"`
			Method        string    `json:"method"`
			Channel       string    `json:"channel"`
			NoticeVersion string    `json:"notice_version"`
			CollectedBy   string    `json:"collected_by"`
			RequestID     string    `json:"request_id"` // the request or import job that recorded it
		} `json:"history"`
	}
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, err
		}
	}
	for _, h := range p.History {
		rows = append(rows, []string{fmt.Sprint(h.Seq), h.Purpose, h.Action, h.At.Format(time.RFC3339), csvsafe.Cell(h.Method), h.Channel, csvsafe.Cell(h.NoticeVersion), csvsafe.Cell(h.CollectedBy), csvsafe.Cell(h.RequestID)})
	}
	return writeCSV(rows)
}

func accessCSV(log []AccessEntry) ([]byte, error) {
	rows := [][]string{{"at", "actor", "action", "purpose", "collection", "decision"}}
	for _, a := range log {
		rows = append(rows, []string{a.At.Format(time.RFC3339), a.Actor, a.Action, a.Purpose, a.Collection, a.Decision})
	}
	return writeCSV(rows)
}

func provenanceCSV(ps []ProvenanceEntry) ([]byte, error) {
	rows := [][]string{{"job_id", "source", "system_id", "collection", "record_id", "row", "imported_at", "purpose", "legal_basis"}}
	for _, p := range ps {
		rows = append(rows, []string{p.JobID, p.Source, p.SystemID, p.Collection, p.RecordID, p.Row, p.ImportedAt.Format(time.RFC3339), p.Purpose, p.LegalBasis})
	}
	return writeCSV(rows)
}
