package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"strings"

	"github.com/spf13/cobra"

	"custodia/internal/report"
)

func newReportCmd() *cobra.Command {
	var (
		rf     remoteFlags
		format string
	)
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Print the compliance report of a running server; exit 1 when an item fails",
		Long: `Ask a running server for its compliance report (GET /v1/report): the score,
and each checklist item (systems mapped, purposes documented, consent
evidence, MFA, training, DPAs, overdue requests, retention rules, audit
chain, key rotation, breach deadlines) with its evidence and the API that
fixes it. --format html writes a standalone page with the data map drawn
in. The token's role needs governance:read (admin, dpo, auditor).
Exit status: 0 every item passes, 1 an item fails, 2 bad usage or the server
refused the call (a bad token, a role without governance:read), 3 no report
(the server unreachable or failing, an answer that is not a report).`,
		Example: `  custodia report --token "$CUSTODIA_TOKEN"
  custodia report --format html --token "$CUSTODIA_TOKEN" > report.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "json" && format != "html" {
				return usageErr(fmt.Errorf("--format must be json or html"))
			}
			c, err := newAPIClient(rf)
			if err != nil {
				return err
			}
			body, err := c.raw("GET", "/v1/report?format="+format)
			if err != nil {
				return err // 2 when refused (4xx), 3 when there was no answer
			}
			if format == "html" {
				// The page links to the console at the server's root: a
				// base makes those links work from a saved file.
				base := `<base href="` + html.EscapeString(strings.TrimRight(c.base, "/")+"/") + `">`
				body = bytes.Replace(body, []byte("<head>"), []byte("<head>"+base), 1)
			}
			if _, err := cmd.OutOrStdout().Write(body); err != nil {
				return err
			}
			rep := report.Report{}
			if format == "html" {
				if _, err := c.call("GET", "/v1/report", nil, &rep); err != nil {
					return err
				}
			} else if err := json.Unmarshal(body, &rep); err != nil {
				return &exitError{code: exitRuntime, err: fmt.Errorf("decode report: %w", err)}
			}
			if rep.Passed < rep.Total {
				return &exitError{code: exitFailed, err: fmt.Errorf("compliance score %d%%: failing %s", rep.Score, rep.Failing())}
			}
			return nil
		},
	}
	rf.register(cmd.Flags(), "server URL", localServer)
	cmd.Flags().StringVar(&format, "format", "json", "json or html")
	return cmd
}
