package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"custodia/internal/importer"
	"custodia/internal/scan/source"
	"custodia/internal/vault"
)

// sampleRows is how many rows of each table the proposal looks at.
const sampleRows = 50

// readMapping returns the mapping --map or --map-file gives, nil when
// neither does.
func (fl *importCmdFlags) readMapping() (importer.Mapping, error) {
	text := fl.mapping
	if fl.mapFile != "" {
		raw, err := os.ReadFile(fl.mapFile)
		if err != nil {
			return nil, usageErr(fmt.Errorf("--map-file: %w", err))
		}
		m, err := importer.ParseMappingLines(string(raw)) // one pair a line: headers may hold commas
		if err != nil {
			return nil, usageErr(fmt.Errorf("--map-file: %w", err))
		}
		return m, nil
	}
	if text == "" {
		return nil, nil
	}
	m, err := importer.ParseMapping(text)
	if err != nil {
		return nil, usageErr(fmt.Errorf("mapping: %w", err))
	}
	return m, nil
}

// table is one table of a file seen by the proposal: its header and its
// first rows.
type table struct {
	sheet  string
	header []string
	sample [][]string
}

// errEnough stops reading once the samples are taken.
var errEnough = errors.New("enough rows")

// sampleTables reads each table's header and first rows. A CSV file has
// one table, so reading stops after its sample; a workbook is read to its
// last sheet.
func sampleTables(ctx context.Context, path string) ([]table, error) {
	var tables []table
	err := source.ReadRows(ctx, path, source.Options{MaxFileSize: 1 << 40}, func(r source.Row) error {
		if n := len(tables); n == 0 || tables[n-1].sheet != r.Sheet || !slices.Equal(tables[n-1].header, r.Header) {
			tables = append(tables, table{sheet: r.Sheet, header: r.Header})
		}
		t := &tables[len(tables)-1]
		if len(t.sample) < sampleRows {
			t.sample = append(t.sample, r.Cells)
		} else if r.Sheet == "" {
			return errEnough
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		if ctx.Err() != nil {
			return nil, err
		}
		// The input is at fault (not a table, not text, a damaged
		// workbook): exit 2, as other refusals of the input do.
		return nil, usageErr(fmt.Errorf("read %s: %w", path, err))
	}
	if len(tables) == 0 {
		return nil, usageErr(fmt.Errorf("%s has no data rows under a header line: nothing to import", path))
	}
	for _, t := range tables {
		if err := importer.CheckHeader(nil, t.sheet, t.header); err != nil {
			return nil, err
		}
	}
	return tables, nil
}

// proposeMapping proposes a mapping for every table of the file, shows
// it, and asks for confirmation on a terminal unless --yes.
func proposeMapping(cmd *cobra.Command, path string, c *vault.Collection, fl *importCmdFlags) (importer.Mapping, error) {
	tables, err := sampleTables(cmd.Context(), path)
	if err != nil {
		return nil, err
	}
	merged := importer.Mapping{}
	out := cmd.ErrOrStderr()
	for _, t := range tables {
		p := importer.ProposeMapping(t.header, t.sample, c, nil)
		for h, f := range p.Mapping {
			if _, ok := merged[h]; !ok {
				merged[h] = f
			}
		}
		showProposal(out, t, p)
	}
	if len(merged) == 0 {
		return nil, usageErr(errors.New("no column could be mapped to a field of " + c.Name + ": give the mapping with --map"))
	}
	fmt.Fprintf(out, "\nThe same mapping as a flag:\n  --map %q\n\n", merged.String())
	switch {
	case fl.yes:
		return merged, nil
	case !isTerminal(os.Stdin):
		return nil, usageErr(errors.New("no mapping given: pass --yes to accept the proposal above, or --map"))
	}
	fmt.Fprint(out, "Import with this mapping? [y/N] ")
	answer, _ := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
		return nil, &exitError{code: exitFailed, err: errors.New("import cancelled: nothing was imported")}
	}
	return merged, nil
}

// showProposal prints one table's proposal: header, field and why, then
// the columns left out (those with personal data flagged).
func showProposal(w io.Writer, t table, p importer.Proposal) {
	name := "the file"
	if t.sheet != "" {
		name = "sheet " + t.sheet
	}
	fmt.Fprintf(w, "Proposed mapping for %s:\n", name)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, h := range t.header {
		f, ok := p.Mapping[h]
		if !ok {
			continue
		}
		fmt.Fprintf(tw, "  %s\t-> %s\t(%s)\n", h, f, p.By[h])
	}
	for _, h := range p.Unmapped {
		if ent, personal := p.Personal[h]; personal {
			fmt.Fprintf(tw, "  %s\t-> (not mapped)\tholds %s: its rows will be rejected unless you map it or ignore it with %s=-\n", h, ent, h)
		} else {
			fmt.Fprintf(tw, "  %s\t-> (not mapped)\t\n", h)
		}
	}
	_ = tw.Flush()
}

// isTerminal reports whether f is a terminal (not merely a character
// device such as /dev/null).
func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}
