package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

func newBackupCmd() *cobra.Command {
	var (
		st  storageFlags
		out string
	)
	cmd := &cobra.Command{
		Use:   "backup --out FILE",
		Short: "Write a consistent online snapshot of the database",
		Long: `Write a consistent snapshot of the database to FILE (gzip'd JSON lines), taken
in one read transaction while the server keeps serving. The file holds only
ciphertexts, blind indexes, pseudonyms and token hashes. It does NOT hold the
key file: back that up separately, and keep the two apart. Erased subjects
stay unreadable in old backups because their data keys were destroyed.`,
		Example: `  custodia backup --out custodia-2026-11-23.backup`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usageErr(errors.New("--out FILE is required"))
			}
			kr, db, err := openOffline(cmd.Context(), st, true)
			if err != nil {
				return err
			}
			defer db.Close()
			tmp, err := os.CreateTemp(filepath.Dir(out), ".custodia-backup-*")
			if err != nil {
				return fmt.Errorf("create backup file: %w", err)
			}
			defer os.Remove(tmp.Name())
			stats, err := db.Backup(cmd.Context(), tmp, keyCheck(kr))
			if err == nil {
				err = tmp.Sync()
			}
			if cerr := tmp.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("write backup: %w", err)
			}
			if err := os.Rename(tmp.Name(), out); err != nil {
				return fmt.Errorf("install backup file: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "backup written to %s\n", out)
			return printJSON(cmd.OutOrStdout(), stats)
		},
	}
	st.register(cmd.Flags())
	cmd.Flags().StringVar(&out, "out", "", "backup file to write")
	return cmd
}

func newRestoreCmd() *cobra.Command {
	var (
		st    storageFlags
		force bool
	)
	cmd := &cobra.Command{
		Use:   "restore FILE",
		Short: "Restore a backup into an empty database (stop the server first)",
		Long: `Restore a backup made by "custodia backup" into the database selected by
--data-dir / --database-url, with the key file the backup was made with.
The target must be empty unless --force, which replaces its contents. Stop
the server first. A backup can be restored into either engine.`,
		Example: `  custodia restore custodia-2026-11-23.backup --data-dir ./restored`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return usageErr(fmt.Errorf("open backup: %w", err))
			}
			defer f.Close()
			kr, db, err := openOffline(cmd.Context(), st, false)
			if err != nil {
				return err
			}
			defer db.Close()
			stats, err := db.Restore(cmd.Context(), f, keyCheck(kr), force)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "restored %s\n", args[0])
			return printJSON(cmd.OutOrStdout(), stats)
		},
	}
	st.register(cmd.Flags())
	cmd.Flags().BoolVar(&force, "force", false, "replace the target's contents")
	return cmd
}
