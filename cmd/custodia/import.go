package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"custodia/internal/fieldtype"
	"custodia/internal/importer"
)

// importCmdFlags are the flags of `custodia import`.
type importCmdFlags struct {
	cpuProfile  string
	st          storageFlags
	rf          remoteFlags
	collection  string
	purpose     string
	source      string
	sourceKind  string
	holder      string
	legalBasis  string
	jobID       string
	mapping     string
	mapFile     string
	yes         bool
	dryRun      bool
	onDuplicate string
	rejects     string
	redact      string
	jsonOut     bool
	progress    string
	region      string
	consent     consentFlags
}

// consentFlags are the batch's consent evidence.
type consentFlags struct {
	channel, method, noticeVersion, noticeFile, collectedBy, from, to string
}

func newImportCmd() *cobra.Command {
	var fl importCmdFlags
	cmd := &cobra.Command{
		Use:   "import FILE --collection NAME --purpose P --source S --legal-basis B",
		Short: "Bring a spreadsheet or CRM export into the vault",
		Long: `Import the rows of a CSV, TSV or XLSX file (a sales team's export, a HubSpot
or Salesforce contact export) into a persons collection: each row becomes one
person's record, validated by the collection's field types, matched against
the people already in the vault by e-mail, phone and national id, encrypted
under the person's own key, with a provenance reference (job, source, row).

Columns are mapped to fields with --map "Họ tên=name,SĐT=phone,Email=email"
(or --map-file, one HEADER=FIELD per line, where a header may hold commas;
"-" as the field ignores a column, and #N names column N when its header
is empty: #5=-). Without a mapping the command proposes one from the headers and the
detectors, shows it, and asks before it imports (--yes accepts it without
asking). --dry-run validates and matches every row and writes nothing to the
vault or the data map; the rejects file is still written, so the bad rows
can be fixed before the real run.

The import states where the data comes from (--source: a data-map system id,
or a name under which a new shadow system is registered, held by --holder),
the --purpose, and the --legal-basis. On the consent basis it needs the
batch's evidence (--consent-channel, --consent-notice-version,
--consent-notice-file, --consent-collected-by, --consent-from/--consent-to),
and every imported person gets a consent grant that names the job.

Bad rows are written to a rejects file (row, code, reason, values masked) and
the rest imports; a run without rejects removes the rejects file an earlier
run left. The rejects file and the redacted copy may not be FILE itself, nor each other. The job id (--job; by default derived from the file's
content, the mapping, the collection, purpose, source, legal basis,
--on-duplicate and the consent evidence) makes the import resumable: after a
crash or Ctrl-C, the same command again imports only the rows not yet
imported, while a corrected re-run (another --map, say) is a new job whose
duplicate matching skips the people already imported. A --job key used
before for another file or other options is refused (import_key_reused):
pass a new --job, or omit it.

The source is marked in the data map "migrated, copy to destroy", with a
clean-up task for its holder, only when every data row of the file is in
the vault: created, updated, or imported by an earlier run of the job. Rows
rejected, or skipped as people already in the vault (--on-duplicate skip,
the default: their other values stay only in the file), withhold the task,
and the result says why (cleanup_withheld in --json); import with
--on-duplicate update, or fix and import the rejected rows, to clear them.
A file without data rows is refused before the job starts. --redact-source OUT writes a copy without the personal
values to keep for business use.

Exit status: 0 the job completed (rows may have been rejected: see the
counts); 1 it was interrupted or cancelled, or failed (on the server, or
at a duplicate with --on-duplicate fail; run the same command again to
resume); 2 bad usage, or the input was refused
(not a table, no data rows, a mapping that does not fit, a refused job);
3 the command could not run (the server unreachable, the database).

Without --token the command works on --data-dir / --database-url directly
(not beside a running server that uses them), in commits of 16,384 rows with
a 256 MiB SQLite page cache: plan on about 1 GB of memory, whatever the
file's size. With --token (and --url) the running server imports the
uploaded file, in commits of 4,096 rows so that other writes wait less.`,
		Example: `  custodia import khach-hang.xlsx --collection customers --purpose support \
    --source "Lan's customer list" --holder lan@example.com --legal-basis contract \
    --map "Họ tên=name,SĐT=phone,Email=email,Địa chỉ=address" --redact-source khach-hang-redacted.xlsx
  custodia import hubspot-contacts.csv --collection customers --purpose marketing \
    --source sys_01HX... --legal-basis consent --consent-channel web \
    --consent-notice-version 2025-01 --consent-notice-file notice.txt \
    --consent-collected-by marketing@example.com --consent-from 2025-01-01 --consent-to 2025-06-30 --yes
  custodia import leads.csv --collection customers --purpose support --source leads \
    --legal-basis legitimate_interests --dry-run`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if fl.cpuProfile != "" {
				stop, err := startCPUProfile(fl.cpuProfile)
				if err != nil {
					return err
				}
				defer stop()
			}
			return runImport(cmd, args[0], &fl)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.collection, "collection", "", "persons collection to import into (required)")
	f.StringVar(&fl.purpose, "purpose", "", "purpose the data is imported for, declared by the collection's fields (required)")
	f.StringVar(&fl.source, "source", "", "where the data comes from: a data-map system id, or a name for a new shadow system (required)")
	f.StringVar(&fl.sourceKind, "source-kind", "spreadsheet", "kind of a new source system: spreadsheet, crm, database, file_share, chat, social_inbox, mailbox, saas, paper, other")
	f.StringVar(&fl.holder, "holder", "", "who holds the original copy (e-mail or name): the clean-up task goes to them")
	f.StringVar(&fl.legalBasis, "legal-basis", "", "consent, contract, legal_obligation, vital_interests, public_task or legitimate_interests (required)")
	f.StringVar(&fl.jobID, "job", "", "job key; the same key resumes the job, and is refused for another file or other options (default: derived from the file's content, the mapping and the options)")
	f.StringVar(&fl.mapping, "map", "", `column mapping, "Header=field,Header2=field2" ("-" ignores a column)`)
	f.StringVar(&fl.mapFile, "map-file", "", "file with the mapping, one Header=field per line (a header may hold commas; #N=- ignores unnamed column N)")
	f.BoolVarP(&fl.yes, "yes", "y", false, "accept the proposed mapping without asking")
	f.BoolVar(&fl.dryRun, "dry-run", false, "validate and match every row; nothing is written to the vault or the data map (the rejects file is written)")
	f.StringVar(&fl.onDuplicate, "on-duplicate", "skip", "a row matching a person already in the vault: skip, update or fail")
	f.StringVar(&fl.rejects, "rejects", "", "rejects file, CSV with values masked (default FILE's name with .rejects.csv, in the current directory)")
	f.StringVar(&fl.redact, "redact-source", "", "after a completed import, write a copy of FILE without personal values to this path (.xlsx or .csv)")
	f.BoolVar(&fl.jsonOut, "json", false, "print the result as JSON")
	f.StringVar(&fl.region, "default-region", "", "phone region (ISO 3166 alpha-2, e.g. VN) for numbers written without +, as the server's flag (offline imports)")
	f.StringVar(&fl.cpuProfile, "cpu-profile", "", "write a CPU profile of the import to this file (for performance work)")
	_ = f.MarkHidden("cpu-profile")
	f.StringVar(&fl.progress, "progress", "auto", "progress bar on stderr: auto (on a terminal), always or never")
	f.StringVar(&fl.consent.channel, "consent-channel", "", "consent basis: how consent was collected (web, zalo, facebook, phone, email, paper...)")
	f.StringVar(&fl.consent.method, "consent-method", "", "consent basis: the method (default import)")
	f.StringVar(&fl.consent.noticeVersion, "consent-notice-version", "", "consent basis: version of the notice people agreed to")
	f.StringVar(&fl.consent.noticeFile, "consent-notice-file", "", "consent basis: file with the notice's exact text")
	f.StringVar(&fl.consent.collectedBy, "consent-collected-by", "", "consent basis: who collected the consent")
	f.StringVar(&fl.consent.from, "consent-from", "", "consent basis: start of the collection period (YYYY-MM-DD or RFC 3339)")
	f.StringVar(&fl.consent.to, "consent-to", "", "consent basis: end of the collection period (YYYY-MM-DD or RFC 3339)")
	fl.st.register(f)
	fl.rf.register(f, "server URL (with --token the server runs the import)", localServer)
	return cmd
}

// runImport checks the flags and runs the import here or on the server.
func runImport(cmd *cobra.Command, path string, fl *importCmdFlags) error {
	for _, req := range []struct{ name, v string }{{"--collection", fl.collection}, {"--purpose", fl.purpose}, {"--source", fl.source}, {"--legal-basis", fl.legalBasis}} {
		if strings.TrimSpace(req.v) == "" {
			return usageErr(fmt.Errorf("%s is required", req.name))
		}
	}
	if fl.mapping != "" && fl.mapFile != "" {
		return usageErr(errors.New("give --map or --map-file, not both"))
	}
	switch fl.progress {
	case "auto", "always", "never":
	default:
		return usageErr(errors.New("--progress must be auto, always or never"))
	}
	info, err := os.Stat(path)
	if err != nil {
		return usageErr(fmt.Errorf("read %s: %w", path, errors.Unwrap(err)))
	}
	if !info.Mode().IsRegular() {
		return usageErr(fmt.Errorf("%s is not a regular file", path))
	}
	if err := fl.checkOutputs(path); err != nil {
		return usageErr(err)
	}
	if err := fieldtype.ValidateRegion(fl.region); err != nil {
		return usageErr(fmt.Errorf("--default-region %q: not a region the phone number metadata knows (an ISO 3166 alpha-2 code such as VN)", fl.region))
	}
	if fl.rf.token == "" && cmd.Flags().Changed("url") {
		return usageErr(errors.New("--url needs --token (or CUSTODIA_TOKEN): without one the command imports into --data-dir / --database-url directly"))
	}
	job, err := fl.job(path)
	if err != nil {
		return err
	}
	if fl.rf.token != "" {
		return importRemote(cmd, path, job, fl)
	}
	return importOffline(cmd, path, job, fl)
}

// job builds the job the flags describe (its mapping is resolved later).
func (fl *importCmdFlags) job(path string) (importer.Job, error) {
	job := importer.Job{ID: fl.jobID, Collection: fl.collection, Purpose: fl.purpose, Source: fl.source, SourceKind: fl.sourceKind,
		Holder: fl.holder, LegalBasis: fl.legalBasis, OnDuplicate: importer.OnDuplicate(fl.onDuplicate), DryRun: fl.dryRun, RecordedBy: "cli:import"}
	digest, err := importer.FileDigest(context.Background(), path)
	if err != nil {
		return job, usageErr(fmt.Errorf("read %s: %w", path, errors.Unwrap(err)))
	}
	job.InputDigest = digest
	c := fl.consent
	if c == (consentFlags{}) {
		return job, nil
	}
	ev := &importer.ConsentEvidence{Channel: c.channel, Method: c.method, NoticeVersion: c.noticeVersion, CollectedBy: c.collectedBy}
	if c.noticeFile != "" {
		text, err := os.ReadFile(c.noticeFile)
		if err != nil {
			return job, usageErr(fmt.Errorf("--consent-notice-file: %w", err))
		}
		ev.NoticeText = string(text)
	}
	if ev.From, err = parseDay(c.from); err != nil {
		return job, usageErr(fmt.Errorf("--consent-from: %w", err))
	}
	if ev.To, err = parseDay(c.to); err != nil {
		return job, usageErr(fmt.Errorf("--consent-to: %w", err))
	}
	job.Consent = ev
	return job, nil
}

// parseDay reads a date (YYYY-MM-DD, midnight UTC) or an RFC 3339 time;
// "" is the zero time.
func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("want YYYY-MM-DD or an RFC 3339 time")
	}
	return t, nil
}

// setJobID gives a job without --job its default key, once its mapping is
// known: the same command on the same file resumes the same job, and
// another file, mapping or option makes a new one (importer.Job.DefaultID).
func (fl *importCmdFlags) setJobID(job *importer.Job) {
	// A dry run through a server gets an id of its own from the server:
	// under the real run's key it would be refused (import_key_reused)
	// once that run is stored (QA).
	if fl.jobID == "" && !(job.DryRun && fl.rf.token != "") {
		job.ID = job.DefaultID()
	}
}

// checkOutputs refuses, before anything is imported, output paths that
// would destroy the input (the rejects file or the redacted copy written
// over FILE, whose rows may be its only copy) or that cannot be written.
func (fl *importCmdFlags) checkOutputs(path string) error {
	in, err := os.Stat(path)
	if err != nil {
		return err
	}
	outputs := []struct{ flag, path string }{{"--rejects", fl.rejectsPath(path)}}
	if fl.redact != "" {
		switch strings.ToLower(filepath.Ext(fl.redact)) {
		case ".csv", ".xlsx":
		default:
			return fmt.Errorf("--redact-source %s: the copy is written as .csv or .xlsx; name it so", fl.redact)
		}
		outputs = append(outputs, struct{ flag, path string }{"--redact-source", fl.redact})
	}
	for _, o := range outputs {
		if out, err := os.Stat(o.path); err == nil && os.SameFile(in, out) {
			return fmt.Errorf("%s %s is the file being imported: it would be overwritten; write it elsewhere", o.flag, o.path)
		}
		if dir, err := os.Stat(filepath.Dir(o.path)); err != nil || !dir.IsDir() {
			return fmt.Errorf("%s %s: its directory does not exist", o.flag, o.path)
		}
	}
	if len(outputs) == 2 && sameOutput(outputs[0].path, outputs[1].path) {
		return fmt.Errorf("--rejects and --redact-source name the same file (%s): the redacted copy would overwrite the rejects; give them different paths", fl.redact)
	}
	return nil
}

// sameOutput reports whether two output paths name the same file: the
// same path once cleaned and made absolute, or one file already there.
func sameOutput(a, b string) bool {
	if x, err := os.Stat(a); err == nil {
		if y, err := os.Stat(b); err == nil && os.SameFile(x, y) {
			return true
		}
	}
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == ab
}

// rejectsPath is the rejects file's path: --rejects, else FILE's name
// with .rejects.csv in the current directory.
func (fl *importCmdFlags) rejectsPath(path string) string {
	if fl.rejects != "" {
		return fl.rejects
	}
	base := filepath.Base(path)
	return strings.TrimSuffix(base, filepath.Ext(base)) + ".rejects.csv"
}
