package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"custodia/internal/audit"
	"custodia/internal/keys"
)

func newBackupCmd() *cobra.Command {
	var (
		st        storageFlags
		out       string
		overwrite bool
		withKeys  bool
	)
	cmd := &cobra.Command{
		Use:   "backup --out FILE",
		Short: "Write a consistent online snapshot of the database",
		Long: `Write a consistent snapshot of the database to FILE (gzip'd JSON lines), taken
in one read transaction while the server keeps serving. Customer records are
in it only as ciphertexts, blind indexes and pseudonyms, and tokens and
passwords only as hashes. The governance records are in it as written: staff
accounts (e-mail, display name), the data map, purposes, processors,
incidents, and the free text of requests, tasks, evidence and hold reasons.
Keep a customer's personal data out of that free text: erasure cannot
crypto-shred it (the server refuses e-mail addresses, phone numbers, cards,
IBANs and id numbers in requests, tasks and holds). Protect the file as you
protect the database.

It holds neither the key file nor, by default, the key store (the subjects'
wrapped data keys, custodia-keys.db): restoring it reads the subjects whose
keys are in the live key store, so subjects erased since the backup stay
unreadable. Back the key file up separately. --with-keys adds the key store
for disaster recovery; such a backup brings erased subjects back when
restored, so keep it short-lived.`,
		Example: `  custodia backup --out custodia-2026-11-23.backup`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usageErr(errors.New("--out FILE is required"))
			}
			if _, err := os.Lstat(out); err == nil && !overwrite {
				return usageErr(fmt.Errorf("--out %s exists: a backup is never overwritten unless --overwrite is given", out))
			}
			o, err := openOffline(cmd.Context(), st, true)
			if err != nil {
				return err
			}
			defer o.close()
			tmp, err := os.CreateTemp(filepath.Dir(out), ".custodia-backup-*")
			if err != nil {
				return fmt.Errorf("create backup file: %w", err)
			}
			defer os.Remove(tmp.Name())
			stats, err := o.db.Backup(cmd.Context(), tmp, keyCheck(o.keys), withKeys)
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
	cmd.Flags().StringVar(&out, "out", "", "backup file to write (an existing file is refused)")
	cmd.Flags().BoolVar(&overwrite, "overwrite", false, "replace an existing --out file")
	cmd.Flags().BoolVar(&withKeys, "with-keys", false, "include the key store (wrapped data keys); see above")
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
the server first. A backup can be restored into either engine.

The restore opens a sample of the data keys with the key file and is
refused (data_keys_unreadable) when they were wrapped with a key version
the key file no longer has. It reports the subjects left without a data
key (erased since the backup, or a backup made without --with-keys restored
away from its key store): their records cannot be read; when that is every
subject, it exits 1. When only some subjects lack a key, the key store
belongs with the data and those subjects were erased after the backup: their
records and blind-index entries are purged again, so that a lookup or a
unique value cannot reveal them, and the deletion register records each
with cause "restore".`,
		Example: `  # into a new data directory: a backup made with --with-keys, and the key
  # file it was made with (a copy of it, while a server still runs with the original)
  custodia backup --with-keys --out custodia-2026-11-23.backup
  cp custodia-data/custodia.key /safe/place/custodia.key
  custodia restore custodia-2026-11-23.backup --data-dir ./restored --key-file /safe/place/custodia.key

  # a backup made without --with-keys goes back where its key store is
  custodia restore custodia-2026-11-23.backup --data-dir ./custodia-data --force`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return usageErr(fmt.Errorf("open backup: %w", err))
			}
			defer f.Close()
			o, err := openOffline(cmd.Context(), st, false)
			if errors.Is(err, keys.ErrNoKeyFile) {
				return usageErr(fmt.Errorf("%w: a restore needs the key file the backup was made with; pass it with --key-file (a copy, while a server runs with the original)", err))
			}
			if err != nil {
				return err
			}
			defer o.close()
			stats, err := o.db.Restore(cmd.Context(), f, keyCheck(o.keys), force, func(subjectID string, wrapped []byte) error {
				_, err := o.keys.UnwrapDEK(subjectID, wrapped)
				return err
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "restored %s\n", args[0])
			if err := printJSON(cmd.OutOrStdout(), stats); err != nil {
				return err
			}
			if n := stats.SubjectsWithoutKey; n > 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: %d of %d subjects have no data key in this key store: their records cannot be read "+
					"(erased since the backup, or a backup made without --with-keys restored away from the key store it was taken with)\n", n, stats.Subjects)
				if n == stats.Subjects {
					return &exitError{code: exitFailed, err: fmt.Errorf("no restored record can be read: restore into the data directory whose key store the backup was taken with, or restore a backup made with --with-keys")}
				}
				// Some keys are here, so this key store belongs with the
				// data: the subjects without one were erased after the
				// backup, and their erasure is finished again.
				pseudo := audit.NewPseudonymizer(o.keys.Derived().Pseudonym)
				queued, err := o.db.RequeueKeyless(cmd.Context(), pseudo.Of)
				if err != nil {
					return fmt.Errorf("purge subjects erased since the backup: %w", err)
				}
				purged, err := o.db.PurgeErased(cmd.Context())
				if err != nil {
					return fmt.Errorf("purge subjects erased since the backup: %w", err)
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "erasures re-applied: the rows of %d subjects erased since the backup (%d records) were purged again; the deletion register records them with cause \"restore\"\n", queued, purged)
			}
			return nil
		},
	}
	st.register(cmd.Flags())
	cmd.Flags().BoolVar(&force, "force", false, "replace the target's contents")
	return cmd
}
