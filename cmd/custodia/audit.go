package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"custodia/internal/audit"
)

func newAuditCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Inspect the audit log"}
	var (
		st storageFlags
		rf remoteFlags
	)
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Verify the audit hash chain; exit 0 when intact, 1 when broken",
		Long: `Verify the audit log's keyed hash chain from the first entry to the recorded
head, and report the first broken link. Exit status: 0 intact, 1 broken, 2 when
the command was used wrongly or the server refused it (a bad token, a role
without audit:read), 3 when the check could not run. Without --url it reads
the database directly (safe beside a running server); with --url it asks the
server.

The report's head_seq and head_hash name the last entry verified intact;
on a broken chain, broken_at is the first bad link and recorded_head_seq
the last entry the database's chain head names. Keep head_seq and
head_hash of an intact run outside the database, to compare later.`,
		Example: `  custodia audit verify
  custodia audit verify --url http://127.0.0.1:8750 --token $CUSTODIA_TOKEN`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var rep audit.Report
			if rf.url != "" {
				c, err := newAPIClient(rf)
				if err != nil {
					return err
				}
				if _, err := c.call("POST", "/v1/audit/verify", nil, &rep); err != nil {
					return err
				}
			} else {
				o, err := openOffline(cmd.Context(), st, true)
				if err != nil {
					return err
				}
				defer o.close()
				if rep, err = audit.Verify(cmd.Context(), o.keys.Derived().AuditChain, o.db); err != nil {
					return err
				}
			}
			if err := printJSON(cmd.OutOrStdout(), rep); err != nil {
				return err
			}
			if !rep.OK {
				return &exitError{code: exitFailed, err: fmt.Errorf("audit chain broken at entry %d: %s", rep.BrokenAt, rep.Reason)}
			}
			return nil
		},
	}
	st.register(verify.Flags())
	rf.register(verify.Flags(), "server URL; when set, the server verifies", "")
	cmd.AddCommand(verify)
	return cmd
}
