package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"custodia/internal/access"
	"custodia/internal/apperr"
	"custodia/internal/freetext"
)

// OnDuplicate says what a row that matches an existing subject does.
type OnDuplicate string

// The duplicate policies.
const (
	// Skip leaves the existing record as it is (the default).
	Skip OnDuplicate = "skip"
	// Update writes the row's values over the existing record's.
	Update OnDuplicate = "update"
	// Fail stops the job at the first duplicate; the rows before it stay
	// imported.
	Fail OnDuplicate = "fail"
)

// ConsentEvidence is the evidence of consent for a whole batch: how and
// when the people in the file agreed, to which notice, and who collected
// it. It is required when the job's legal basis is consent.
type ConsentEvidence struct {
	Channel       string    `json:"channel"`          // zalo, facebook, web, paper...
	Method        string    `json:"method,omitempty"` // default "import"
	NoticeVersion string    `json:"notice_version"`
	NoticeText    string    `json:"notice_text"`
	CollectedBy   string    `json:"collected_by"`
	From          time.Time `json:"from,omitzero"`
	To            time.Time `json:"to,omitzero"`
}

// consentClockSkew is how far in the future the evidence's time may lie,
// as the consent ledger allows for clocks that differ.
const consentClockSkew = 5 * time.Minute

// at is the time the ledger records for the batch's consent: the end of
// the collection period (by when every person had agreed), else its start.
func (e *ConsentEvidence) at() time.Time {
	if !e.To.IsZero() {
		return e.To
	}
	return e.From
}

// Job describes one import.
type Job struct {
	// ID is the job key: running a job again with the same ID resumes it,
	// skipping the rows it already imported. A key stored for another
	// import (another Fingerprint) is refused; DefaultID derives one.
	ID         string
	Collection string
	Purpose    string
	// Source is where the data comes from: the id of a system of the data
	// map, or a name for a copy it does not list yet ("Lan's
	// customers.xlsx"), which the importer's Trail registers as a shadow
	// system.
	Source string
	// SourceKind is the kind of a source system the job registers (a data
	// map kind: spreadsheet, crm, chat...; default spreadsheet).
	SourceKind string
	// Holder is who holds the source's original copy (an e-mail address
	// or a name): the owner and holder of a system the job registers, to
	// whom the clean-up task goes.
	Holder string
	// LegalBasis is one of GDPR Art. 6's, as the access package names
	// them ("consent", "contract", ...).
	LegalBasis string
	// Consent is the batch's evidence, required with LegalBasis consent.
	Consent     *ConsentEvidence
	OnDuplicate OnDuplicate
	// DryRun validates and matches every row and writes nothing to the
	// vault, the job store or the data map (OnReject still receives the
	// rejected rows: the command writes them to its rejects file).
	DryRun bool
	// Mapping maps the file's column headers to the collection's fields;
	// nil proposes one from the headers (see ProposeMapping).
	Mapping Mapping
	// InputDigest is the SHA-256 of the input file's bytes, in hex, as
	// FileDigest computes it ("" when the caller did not compute one). It
	// is part of the job's fingerprint: a job key used again with another
	// input is refused (import_key_reused).
	InputDigest string
	// PhoneRegion is the default phone region the rows are read with, when
	// the caller chooses it (an offline import's --default-region): part
	// of the fingerprint, so a re-run with another region is a new job.
	PhoneRegion string
	// RecordedBy names who runs the import in the consent ledger
	// (default "import").
	RecordedBy string
	// OnReject, when set, receives each rejected row as it is decided,
	// and Result.Rejects stays empty, so memory stays flat however many
	// rows are rejected. Rows come mostly in file order; a row rejected
	// when written may come after later rows. It is called from one
	// goroutine at a time.
	OnReject func(Reject)
	// Progress, when set, receives the counts so far every few hundred
	// rows, and once more at the end. It is called from one goroutine at
	// a time and must return quickly.
	Progress func(Counts)
}

var jobKey = func(s string) bool {
	if len(s) == 0 || len(s) > 100 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-.:", r)) {
			return false
		}
	}
	return true
}

// Fingerprint identifies what a job imports and how: its input (the
// digest of its file), its mapping, collection, purpose, source, legal
// basis, duplicate policy and consent evidence, hashed with SHA-256 (hex).
// It is stored with the job; running a job key again with another
// fingerprint is refused. Defaults are applied as normalize applies them,
// so a job fingerprints the same before and after it is normalized.
func (j *Job) Fingerprint() string {
	h := sha256.New()
	put := func(parts ...string) {
		for _, p := range parts {
			fmt.Fprintf(h, "%d:%s;", len(p), p)
		}
	}
	onDup := j.OnDuplicate
	if onDup == "" {
		onDup = Skip
	}
	mapping := "proposed" // nil: proposed from the headers, which the input fixes
	if j.Mapping != nil {
		mapping = "given:" + j.Mapping.String()
	}
	put("custodia-import-v1", j.Collection, j.Purpose, strings.TrimSpace(j.Source), j.LegalBasis, string(onDup), j.InputDigest, mapping)
	if j.PhoneRegion != "" { // absent before regions counted: old keys stay valid
		put("region", strings.ToUpper(j.PhoneRegion))
	}
	if e := j.Consent; e != nil {
		method := e.Method
		if method == "" {
			method = "import"
		}
		put("consent", e.Channel, method, e.NoticeVersion, e.NoticeText, e.CollectedBy, e.From.UTC().Format(time.RFC3339Nano), e.To.UTC().Format(time.RFC3339Nano))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// DefaultID is the job key of a job given none: "imp-" and the start of
// its fingerprint. Running the same command on the same file again gives
// the same key, so it resumes the job; another file, mapping, purpose,
// legal basis, duplicate policy or consent evidence gives another key, so
// a corrected re-run is a new job (whose duplicate matching skips the
// people already imported).
func (j *Job) DefaultID() string { return "imp-" + j.Fingerprint()[:20] }

func invalid(code, msg string) error { return apperr.New(apperr.Invalid, code, msg) }

// normalize checks a job and fills its defaults.
func (j *Job) normalize() error {
	if !jobKey(j.ID) {
		return invalid("invalid_job_id", "the job id must be 1 to 100 letters, digits or _ - . :")
	}
	if j.Collection == "" {
		return invalid("collection_required", "name the collection to import into")
	}
	if j.Purpose == "" {
		return invalid("purpose_required", "state the purpose the data is imported for")
	}
	j.Source = strings.TrimSpace(j.Source)
	if j.Source == "" || utf8.RuneCountInString(j.Source) > 500 {
		return invalid("source_required", "state the source of the data (1 to 500 characters): a data-map system id or a description")
	}
	// The source names a data-map system and the records' provenance,
	// kept after an erasure: its holder by address, never a customer.
	if err := freetext.CheckWho("source", j.Source); err != nil {
		return err
	}
	basis := access.LegalBasis(j.LegalBasis)
	found := false
	for _, b := range access.LegalBases {
		found = found || b == basis
	}
	if !found {
		return invalid("invalid_legal_basis", "legal basis must be one of consent, contract, legal_obligation, vital_interests, public_task, legitimate_interests")
	}
	switch j.OnDuplicate {
	case "":
		j.OnDuplicate = Skip
	case Skip, Update, Fail:
	default:
		return invalid("invalid_on_duplicate", "on_duplicate must be skip, update or fail")
	}
	j.SourceKind = strings.TrimSpace(j.SourceKind)
	if j.SourceKind == "" {
		j.SourceKind = "spreadsheet"
	}
	j.Holder = strings.TrimSpace(j.Holder)
	if utf8.RuneCountInString(j.Holder) > 500 {
		return invalid("invalid_holder", "the holder is at most 500 characters")
	}
	if err := freetext.CheckWho("holder", j.Holder); err != nil { // a member of staff, by name or address
		return err
	}
	if j.RecordedBy == "" {
		j.RecordedBy = "import"
	}
	if basis != access.BasisConsent {
		if j.Consent != nil {
			return invalid("consent_evidence_unexpected", "consent evidence goes with the consent legal basis only")
		}
		return nil
	}
	e := j.Consent
	switch {
	case e == nil:
		return invalid("consent_evidence_required", "an import on the consent basis needs the batch's consent evidence")
	case strings.TrimSpace(e.Channel) == "", strings.TrimSpace(e.NoticeVersion) == "", strings.TrimSpace(e.NoticeText) == "", strings.TrimSpace(e.CollectedBy) == "":
		return invalid("consent_evidence_incomplete", "consent evidence needs the channel, notice version, notice text and who collected it")
	case e.From.IsZero() && e.To.IsZero():
		return invalid("consent_evidence_incomplete", "consent evidence needs the date, or date range, of collection")
	case !e.From.IsZero() && !e.To.IsZero() && e.To.Before(e.From):
		return invalid("consent_evidence_incomplete", "the consent collection period ends before it starts")
	case e.at().After(time.Now().Add(consentClockSkew)):
		// The ledger refuses an event in the future; refused here, the job
		// fails before it registers its source or writes a row.
		return invalid("consent_evidence_future", "the consent collection period (from, or to when given) lies in the future: give the dates the consent was actually collected")
	}
	if e.Method == "" {
		e.Method = "import"
	}
	return nil
}
