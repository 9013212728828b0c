package main

import (
	"github.com/spf13/cobra"

	"custodia/internal/audit"
	"custodia/internal/keys"
)

func newKeysCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "Manage the key-encryption key"}
	var (
		st storageFlags
		rf remoteFlags
	)
	rotate := &cobra.Command{
		Use:   "rotate",
		Short: "Add a KEK version, re-wrap every data key under it, retire the old versions",
		Long: `Rotate the key-encryption key (KEK).

A new KEK version becomes primary; every subject's data key is re-wrapped
under it in batches while the server keeps serving; then the old versions are
deleted from the key file. Field ciphertexts are untouched (they are sealed
by the data keys). With --url the running server rotates (recommended);
without it the command works on --data-dir / --database-url directly.`,
		Example: `  custodia keys rotate --url http://127.0.0.1:8750 --token $CUSTODIA_TOKEN
  custodia keys rotate --data-dir ./custodia-data`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if rf.url != "" {
				c, err := newAPIClient(rf)
				if err != nil {
					return err
				}
				var res keys.RotationResult
				if _, err := c.call("POST", "/v1/keys/rotate", nil, &res); err != nil {
					return err
				}
				return printJSON(cmd.OutOrStdout(), res)
			}
			o, err := openOffline(cmd.Context(), st, false)
			if err != nil {
				return err
			}
			defer o.close()
			res, err := keys.Rotate(cmd.Context(), o.keys, o.db, &audit.Entry{Actor: "cli", Action: "keys.rotate"})
			if err != nil {
				return err
			}
			return printJSON(cmd.OutOrStdout(), res)
		},
	}
	st.register(rotate.Flags())
	rf.register(rotate.Flags(), "server URL; when set, the server rotates", "")
	cmd.AddCommand(rotate)
	return cmd
}
