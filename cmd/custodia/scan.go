package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"custodia/internal/csvsafe"
	"custodia/internal/scan"
	"custodia/internal/scan/dbsource"
	"custodia/internal/scan/evalgen"
	"custodia/internal/scan/scanrun"
)

func newScanCmd() *cobra.Command {
	var (
		format           string
		minConf          float64
		include, exclude []string
		sample           int
		reportTo, token  string
		redactDir        string
	)
	cmd := &cobra.Command{
		Use:   "scan PATH...",
		Short: "Find personal data in files outside the vault",
		Long: `Scan files and folders for personal data: e-mail addresses, phone numbers
(VN, IN, US, GB, DE, FR, BR, SG and any +E.164), payment cards (Luhn and
issuer ranges), IBANs (mod-97), US SSNs, Vietnamese CCCD and CMND, Indian
Aadhaar (Verhoeff) and PAN, passports, dates of birth, IP addresses, names
and street addresses. Context words in English and Vietnamese, and CSV
column headers, raise the confidence.

A postgres://… or mysql://… (or mariadb://…) URL instead of a path samples the rows of every
table, view and materialized view of that database (--sample N per table)
and classifies each column by every kind of personal data it holds, the
main one first (summary.columns in the JSON output: entity, share, and
entities with each one's share; kind says whether it is a table or a view).
Columns are named table.column; on PostgreSQL tables outside the public
schema are schema-qualified (crm.customers.phone). A table or view that
cannot be read (no SELECT privilege) is listed under errors as URL#table
and the scan goes on. PostgreSQL lists every table from pg_catalog, so
tables the role has no rights on at all are reported too; on MySQL/MariaDB
information_schema shows only the tables the user has some privilege on,
so the others cannot be listed. Percent-encode special characters in the
password (%25 for %, %23 for #, %40 for @, %2F for /).

Folders are read recursively; symbolic links never lead out of a root;
binary files are skipped. Formats: plain text, CSV/TSV (delimiter and
encoding detected: UTF-8, UTF-16, Windows-1258/1252), JSON, NDJSON, HTML,
XLSX (every sheet; cells as Sheet!B7), DOCX, PDF (the text layer), EML and
MBOX mail (MIME-decoded, attachments scanned), ZIP archives (nested, as
a.zip!inner.csv, with limits against zip bombs), and chat exports:
Facebook/Messenger JSON (its mojibake undone), WhatsApp .txt, Telegram
result.json and Zalo JSON (see the README for the formats).
A file that cannot be read is listed under errors and the scan goes on;
with --format table, csv or sarif the errors are written to stderr.

--redact DIR writes a copy of every text-like file (text, CSV/TSV, JSON,
HTML) into DIR with each value found replaced by its entity
("[PHONE_NUMBER]"). --report-to URL --token T records the results in a
Custodia server (POST /v1/scans): counts per file, column and entity,
never a value; the token's role needs scans:report (admin, dpo).

On a terminal a progress bar (files, bytes, rate, time left) runs on
stderr; it is silent when stderr is not a terminal. The output never holds
a found value, only a masked preview. Exit status:
0 nothing found, 1 personal data found, 2 error (bad usage, or nothing
found while some input could not be read).`,
		Example: `  custodia scan ./exports
  custodia scan ./exports --format json --min-confidence 0.8 > findings.json
  custodia scan ./shared-drive --include '**/*.csv' --exclude '**/archive/**'
  custodia scan 'postgres://readonly@crm-db/crm' --sample 500 --format json
  custodia scan ./exports --redact ./exports-redacted
  custodia scan ./exports --report-to http://127.0.0.1:8750 --token "$CUSTODIA_TOKEN"`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if minConf < 0 || minConf > 1 {
				return usageErr(fmt.Errorf("--min-confidence must be between 0 and 1"))
			}
			newWriter, ok := scanWriters[format]
			if !ok {
				return usageErr(fmt.Errorf("--format must be table, json, csv, html, sarif or summary"))
			}
			w := newWriter(cmd.OutOrStdout(), cmd.ErrOrStderr())
			if sample < 1 || sample > 1000000 {
				return usageErr(fmt.Errorf("--sample must be between 1 and 1000000"))
			}
			for _, a := range args {
				if err := dbsource.CheckArg(a); err != nil {
					return usageErr(err)
				}
			}
			if redactDir != "" {
				if err := checkRedactDir(redactDir, args); err != nil {
					return err
				}
			}
			var reporter *scanReporter
			if reportTo != "" {
				var err error
				if reporter, err = newScanReporter(reportTo, token); err != nil {
					return err
				}
			}
			sink := w.finding
			if reporter != nil {
				sink = func(f scanrun.Finding) { w.finding(f); reporter.add(f) }
			}
			progress, done := scanProgress(args)
			rep, err := scanrun.Run(cmd.Context(), args, scanrun.Options{Include: include, Exclude: exclude, MinConfidence: minConf, Sample: sample, Progress: progress}, sink)
			done()
			if err != nil {
				return usageErr(fmt.Errorf("scan: %w", err))
			}
			if err := w.end(rep); err != nil {
				return err
			}
			if redactDir != "" {
				res, errs, err := scanrun.Redact(cmd.Context(), args, scanrun.Options{Include: include, Exclude: exclude, MinConfidence: minConf}, redactDir)
				if err != nil {
					return &exitError{code: 2, err: fmt.Errorf("redact: %w", err)}
				}
				for _, e := range errs {
					fmt.Fprintf(cmd.ErrOrStderr(), "redact: %s: %s\n", e.Path, e.Error)
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "redacted copies of %d text files (%d values replaced) written to %s\n", res.Files, res.Values, redactDir)
			}
			if reporter != nil {
				res, err := reporter.send(args, rep)
				if err != nil {
					return &exitError{code: 2, err: fmt.Errorf("report to %s: %w", redactURL(reportTo), err)}
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "scan recorded in the server as %s", res.Scan.ID)
				switch {
				case res.Proposed:
					fmt.Fprintf(cmd.ErrOrStderr(), "; it proposes a new shadow system in the data map, %s, for the DPO to confirm\n", strings.Join(res.Systems, ", "))
				case len(res.Systems) > 0:
					fmt.Fprintf(cmd.ErrOrStderr(), "; attached to %s in the data map\n", strings.Join(res.Systems, ", "))
				default:
					fmt.Fprintln(cmd.ErrOrStderr())
				}
			}
			switch {
			case rep.Summary.Findings > 0:
				return &exitError{code: 1, err: errQuiet}
			case rep.Failed():
				return &exitError{code: 2, err: errQuiet} // nothing found, but not everything could be read
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "table", "output format: table, json, csv, html (with a chart per location), sarif, or summary (counts per entity and path, no findings)")
	f.Float64Var(&minConf, "min-confidence", 0.5, "report findings with at least this confidence (0 to 1)")
	f.StringSliceVar(&include, "include", nil, "only paths matching these globs (relative to each root; ** matches any depth)")
	f.StringSliceVar(&exclude, "exclude", nil, "skip paths matching these globs")
	f.IntVar(&sample, "sample", 1000, "rows read from each database table")
	f.StringVar(&redactDir, "redact", "", "write redacted copies of the text-like files (text, CSV/TSV, JSON, HTML) into this new or empty directory, outside the scanned paths")
	f.StringVar(&reportTo, "report-to", "", "also record the results in a Custodia server at this URL (POST /v1/scans: counts per location, never a value)")
	f.StringVar(&token, "token", os.Getenv("CUSTODIA_TOKEN"), "API token for --report-to (default $CUSTODIA_TOKEN); its role needs scans:report")
	cmd.AddCommand(newScanEvalCmd(), newScanCorpusCmd())
	return cmd
}

// scanWriter streams a report: findings as they come, then the summary.
type scanWriter struct {
	finding func(scanrun.Finding)
	end     func(scanrun.Report) error
}

// scanWriters make a writer over stdout and stderr (for the errors of the
// formats whose document has no place for them).
var scanWriters = map[string]func(w, errw io.Writer) scanWriter{
	"sarif": sarifWriter,
	"html":  htmlWriter,
	"json": func(w, _ io.Writer) scanWriter {
		bw := bufio.NewWriter(w)
		n := 0
		bw.WriteString(`{"findings":[`)
		return scanWriter{
			finding: func(f scanrun.Finding) {
				if n > 0 {
					bw.WriteByte(',')
				}
				n++
				b, _ := json.Marshal(f)
				bw.WriteString("\n  ")
				bw.Write(b)
			},
			end: func(rep scanrun.Report) error {
				sum, _ := json.Marshal(rep.Summary)
				errs, _ := json.Marshal(rep.Errors)
				fmt.Fprintf(bw, "\n],\n\"summary\":%s,\n\"errors\":%s}\n", sum, errs)
				return bw.Flush()
			},
		}
	},
	"csv": func(w, errw io.Writer) scanWriter {
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"path", "line", "column", "entity", "confidence", "category", "preview"})
		return scanWriter{
			finding: func(f scanrun.Finding) {
				// Paths and columns come from the files scanned, and a
				// preview may start with '+' ("+84 *** *** 678"): each is
				// defused as a formula.
				_ = cw.Write([]string{csvsafe.Cell(f.Path), strconv.Itoa(f.Line), csvsafe.Cell(f.Column), string(f.Entity), strconv.FormatFloat(f.Confidence, 'f', 2, 64), f.Category, csvsafe.Cell(f.Preview)})
			},
			end: func(rep scanrun.Report) error {
				cw.Flush()
				printScanErrors(errw, rep)
				return cw.Error()
			},
		}
	},
	"summary": func(w, _ io.Writer) scanWriter {
		return scanWriter{
			finding: func(scanrun.Finding) {},
			end: func(rep scanrun.Report) error {
				return printJSON(w, map[string]any{"summary": rep.Summary, "errors": rep.Errors})
			},
		}
	},
	"table": func(w, errw io.Writer) scanWriter {
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PATH\tLINE\tCOLUMN\tENTITY\tCONF\tPREVIEW")
		rows := 0
		return scanWriter{
			finding: func(f scanrun.Finding) {
				fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%.2f\t%s\n", termSafe(f.Path), f.Line, termSafe(f.Column), f.Entity, f.Confidence, termSafe(f.Preview))
				if rows++; rows%1000 == 0 {
					_ = tw.Flush() // bounded memory: columns are aligned per thousand rows
				}
			},
			end: func(rep scanrun.Report) error {
				if err := tw.Flush(); err != nil {
					return err
				}
				ents := make([]string, 0, len(rep.Summary.ByEntity))
				for e := range rep.Summary.ByEntity {
					ents = append(ents, string(e))
				}
				sort.Strings(ents)
				fmt.Fprintf(w, "\n%d findings in %s (%.1f MB, %.1f MB/s)", rep.Summary.Findings, scannedWhat(rep.Summary), float64(rep.Summary.Bytes)/1e6, rep.Summary.MBPerSecond)
				for _, e := range ents {
					fmt.Fprintf(w, "; %s %d", e, rep.Summary.ByEntity[scan.Entity(e)])
				}
				fmt.Fprintln(w)
				for _, c := range rep.Summary.Columns {
					fmt.Fprintf(w, "%s\n", termSafe(columnLine(c)))
				}
				printScanErrors(errw, rep)
				return nil
			},
		}
	},
}

func newScanEvalCmd() *cobra.Command {
	var (
		seed    int64
		docs    int
		minConf float64
	)
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Score the detectors on generated, labelled data: precision, recall and F2 per entity",
		Long: `Generate labelled evaluation data (CSV exports, chat logs, e-mails and free
text in English and Vietnamese, with valid values and near misses such as
Luhn-invalid cards, 12-digit order numbers and invoice dates), run the
detectors over it as a scan would, and print precision, recall and F2 per
entity. The same seed gives the same data. (To scan a folder named "eval",
write ./eval.)`,
		Example: `  custodia scan eval
  custodia scan eval --seed 7 --docs 1000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if docs < 1 || docs > 100000 {
				return usageErr(fmt.Errorf("--docs must be between 1 and 100000"))
			}
			rep := scanrun.Evaluate(seed, docs, minConf)
			_, err := fmt.Fprint(cmd.OutOrStdout(), rep.Table())
			return err
		},
	}
	cmd.Flags().Int64Var(&seed, "seed", 20261123, "seed of the generated data")
	cmd.Flags().IntVar(&docs, "docs", 400, "how many documents to generate")
	cmd.Flags().Float64Var(&minConf, "min-confidence", 0.5, "the threshold findings must reach")
	return cmd
}

// checkRedactDir refuses a --redact directory that holds files already or
// lies inside a scanned path (the copies would be scanned, and could be
// mistaken for the originals).
func checkRedactDir(dir string, roots []string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case err == nil && len(entries) > 0:
		return usageErr(fmt.Errorf("--redact %s: the directory is not empty", dir))
	case err != nil && !os.IsNotExist(err):
		return usageErr(fmt.Errorf("--redact %s: %w", dir, err))
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return usageErr(fmt.Errorf("--redact %s: %w", dir, err))
	}
	abs = resolveSymlinks(abs)
	for _, root := range roots {
		if dbsource.IsURL(root) {
			continue
		}
		r, err := filepath.Abs(root)
		if err != nil {
			continue
		}
		r = resolveSymlinks(r)
		if rel, err := filepath.Rel(r, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return usageErr(fmt.Errorf("--redact %s lies inside the scanned path %s: choose a directory outside it", dir, root))
		}
	}
	return nil
}

// resolveSymlinks resolves the symbolic links of the longest existing
// leading part of the absolute path p (a directory to be created has no
// links of its own), so that a scanned root given through a link and a
// redact directory given by the real path are compared as the same place.
func resolveSymlinks(p string) string {
	rest := ""
	for cur := p; ; {
		if real, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(real, rest)
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return p
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

func newScanCorpusCmd() *cobra.Command {
	var (
		seed  int64
		mb    int
		files int
	)
	cmd := &cobra.Command{
		Use:   "corpus DIR",
		Short: "Write a generated corpus of CSV exports and free text, for speed benchmarks",
		Long: `Write a generated, unlabelled corpus into DIR (created; it must be empty):
half CRM-like CSV exports (rows of about 150 bytes holding about three
personal values, near misses included) and half free text in English and
Vietnamese, in equal files. The same seed gives the same files. The values
are synthetic. docs/PERFORMANCE.md times "custodia scan" and ripgrep over it.`,
		Example: `  custodia scan corpus /tmp/corpus --mb 1024
  time custodia scan /tmp/corpus --format summary`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if mb < 1 || mb > 1<<20 || files < 1 || files > 100000 {
				return usageErr(fmt.Errorf("--mb must be between 1 and 1048576 and --files between 1 and 100000"))
			}
			dir := args[0]
			if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
				return usageErr(fmt.Errorf("%s is not empty", dir))
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			per := int(int64(mb) << 20 / int64(files))
			for i := range files {
				name := fmt.Sprintf("export-%03d.csv", i)
				if i%2 == 1 {
					name = fmt.Sprintf("notes-%03d.txt", i)
				}
				if err := os.WriteFile(filepath.Join(dir, name), evalgen.Corpus(seed+int64(i), per), 0o644); err != nil {
					return err
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d files, %d MiB, into %s\n", files, mb, dir)
			return nil
		},
	}
	cmd.Flags().Int64Var(&seed, "seed", 1, "seed of the generated data")
	cmd.Flags().IntVar(&mb, "mb", 1024, "total size in MiB")
	cmd.Flags().IntVar(&files, "files", 16, "number of files (even ones CSV, odd ones text)")
	return cmd
}

// printScanErrors writes the inputs that could not be read, one a line.
func printScanErrors(w io.Writer, rep scanrun.Report) {
	for _, e := range rep.Errors {
		kind := "error"
		if e.Warning || e.Skipped {
			kind = "note"
		}
		fmt.Fprintf(w, "%s: %s: %s\n", kind, termSafe(e.Path), termSafe(e.Error))
	}
}

// termSafe escapes the control characters of s (a file name or a CSV
// header from the scanned files may hold terminal escape sequences) as
// \xNN, and tabs too, which would shift the table's columns.
func termSafe(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isControl(r) {
			fmt.Fprintf(&b, "\\x%02x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isControl reports C0 and C1 control characters and DEL.
func isControl(r rune) bool { return r < 0x20 || r >= 0x7f && r < 0xa0 }

// scannedWhat says what a scan read: "3 files", "12 tables" (tables,
// views and materialized views of databases), or both.
func scannedWhat(s scanrun.Summary) string {
	plural := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + many
	}
	switch {
	case s.Databases > 0 && s.Files > 0:
		return plural(s.Files, "file", "files") + " and " + plural(s.Tables, "database table", "database tables")
	case s.Databases > 0:
		return plural(s.Tables, "database table", "database tables")
	}
	return plural(s.Files, "file", "files")
}

// columnLine is a column's classification in the table output: its main
// entity, then every other one found in it, with their counts.
func columnLine(c scanrun.ColumnClass) string {
	var b strings.Builder
	fmt.Fprintf(&b, "column %s %s", c.Database, c.Column)
	if c.Kind != "" && c.Kind != "table" {
		fmt.Fprintf(&b, " (%s)", c.Kind)
	}
	fmt.Fprintf(&b, ": %s in %d of %d sampled values", c.Entity, c.Matches, c.Values)
	for i, e := range c.Entities {
		if e.Entity == c.Entity {
			continue
		}
		if i == 1 {
			b.WriteString("; also")
		} else {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %s in %d", e.Entity, e.Matches)
	}
	return b.String()
}
