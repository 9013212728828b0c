package main

import (
	"github.com/spf13/cobra"

	"custodia/internal/retention"
	"custodia/internal/vault"
)

func newRetentionCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "retention", Short: "Apply retention rules"}
	var (
		st     storageFlags
		rf     remoteFlags
		dryRun bool
	)
	run := &cobra.Command{
		Use:   "run",
		Short: "Delete or anonymise data whose retention period has ended",
		Long: `Evaluate every retention rule now and apply it: records (or fields) whose
period after the rule's anchor has ended are deleted or anonymised, except
those under a legal hold. Conflicting rules on the same scope: the longer
period wins, and the conflict is reported. Every deletion leaves a deletion
record (GET /v1/deletions). --dry-run lists what would go and why, and
changes nothing.

With --url the running server runs it; without, the command works on
--data-dir / --database-url directly (not beside a running SQLite server).
The server also runs retention on its own every --retention-interval.`,
		Example: `  custodia retention run --dry-run --url http://127.0.0.1:8750 --token $CUSTODIA_TOKEN
  custodia retention run --data-dir ./custodia-data --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if rf.url != "" {
				c, err := newAPIClient(rf)
				if err != nil {
					return err
				}
				var rep retention.Report
				if _, err := c.call("POST", "/v1/retention/run", map[string]any{"dry_run": dryRun}, &rep); err != nil {
					return err
				}
				return printJSON(cmd.OutOrStdout(), rep)
			}
			o, err := openOffline(cmd.Context(), st, false)
			if err != nil {
				return err
			}
			defer o.close()
			v := vault.New(o.db, o.keys, vault.Options{})
			eng := retention.NewEngine(o.db, v, o.db.RecordFieldDeletion)
			rep, err := eng.Run(cmd.Context(), dryRun, "cli:retention")
			if err != nil {
				return err
			}
			return printJSON(cmd.OutOrStdout(), rep)
		},
	}
	st.register(run.Flags())
	rf.register(run.Flags(), "server URL; when set, the server runs retention", "")
	run.Flags().BoolVar(&dryRun, "dry-run", false, "list what would be deleted or anonymised and why; change nothing")
	cmd.AddCommand(run)
	return cmd
}
