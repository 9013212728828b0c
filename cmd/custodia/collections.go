package main

import (
	"context"
	"slices"
	"time"

	"bytes"
	"custodia/internal/access"
	"custodia/internal/apperr"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"custodia/internal/audit"
	"custodia/internal/keys"
	"custodia/internal/vault"
)

func newCollectionsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "collections", Short: "Manage collection schemas"}
	cmd.AddCommand(newCollectionsApplyCmd())
	return cmd
}

func newCollectionsApplyCmd() *cobra.Command {
	var (
		rf     remoteFlags
		st     storageFlags
		file   string
		dryRun bool
	)
	cmd := &cobra.Command{
		Use:   "apply -f FILE",
		Short: "Create or update collections from a YAML or JSON file",
		Long: `Create or update collections from a YAML (or JSON) file on a running server.

The file holds one collection, a list of them, a "collections:" key with a
list, or several YAML documents.

With --token (or CUSTODIA_TOKEN) the running server at --url applies it.
Without a token the command applies it directly to --data-dir /
--database-url, which must not be in use by a running server. Existing collections are updated when the
change is compatible (fields added; purposes, categories and descriptions
changed); a change of a field's type or indexing, or a removed field, is
refused. Every collection in the file is checked before any is changed, so
a refusal leaves them all as they were. Each is reported as created,
updated or unchanged (the same schema again writes nothing).`,
		Example: `  custodia collections apply -f schema.yaml --token $CUSTODIA_TOKEN
  custodia collections apply -f schema.yaml --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file == "" {
				return usageErr(errors.New("-f FILE is required"))
			}
			if rf.token == "" && cmd.Flags().Changed("url") {
				return usageErr(errors.New("--url needs --token (or CUSTODIA_TOKEN): without one the command applies the file to --data-dir / --database-url directly"))
			}
			raw, err := readFileOrStdin(file)
			if err != nil {
				return usageErr(err)
			}
			cols, err := parseCollections(raw)
			if err != nil {
				return usageErr(err)
			}
			seen := map[string]bool{}
			for i := range cols {
				if err := cols[i].Validate(); err != nil {
					return fmt.Errorf("collection %q: %w", cols[i].Name, err)
				}
				// One definition per collection: a second one would be
				// applied over the first, after the check passed both.
				if seen[cols[i].Name] {
					return usageErr(fmt.Errorf("collection %q is defined twice in the file: keep one definition", cols[i].Name))
				}
				seen[cols[i].Name] = true
			}
			if dryRun {
				_, err := dryRunApply(cmd, cmd.OutOrStdout(), rf, st, cols)
				return err
			}
			// Check every collection before changing any, so that a
			// refusal of the third does not leave the first two applied.
			stored, err := dryRunApply(cmd, io.Discard, rf, st, cols)
			if err != nil {
				return err
			}
			if rf.token == "" {
				return applyOffline(cmd, st, cols, stored)
			}
			c, err := newAPIClient(rf)
			if err != nil {
				return err
			}
			for _, col := range cols {
				status, err := c.call("PUT", "/v1/collections/"+url.PathEscape(col.Name), col, nil)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s %s\n", appliedVerb(status == 201, stored[col.Name], &col), col.Name)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&file, "file", "f", "", "schema file (YAML or JSON; - for standard input)")
	f.BoolVar(&dryRun, "dry-run", false, "check the file against the server (--token) or the database, and change nothing: says what would be created or updated, and refuses what apply would refuse")
	rf.register(f, "server URL", localServer)
	st.register(f)
	return cmd
}

// appliedVerb says what apply did to a collection: created it, changed
// it, or found the same schema stored (prev) and left it alone.
func appliedVerb(created bool, prev, col *vault.Collection) string {
	switch {
	case created:
		return "created"
	case prev != nil && vault.SameSchema(prev, col):
		return "unchanged"
	default:
		return "updated"
	}
}

// dryRunApply checks cols as apply would, changing nothing: each
// collection's change must be compatible with the stored one
// (vault.CheckEvolution) and its purposes registered. It reads the running
// server with a token, else the database, and returns the stored
// collections it read.
func dryRunApply(cmd *cobra.Command, w io.Writer, rf remoteFlags, st storageFlags, cols []vault.Collection) (map[string]*vault.Collection, error) {
	stored := map[string]*vault.Collection{}
	var purposes []string
	if rf.token != "" {
		c, err := newAPIClient(rf)
		if err != nil {
			return nil, err
		}
		for _, col := range cols {
			var prev vault.Collection
			status, err := c.call("GET", "/v1/collections/"+url.PathEscape(col.Name), nil, &prev)
			switch {
			case status == 404:
			case err != nil:
				return nil, err
			default:
				stored[col.Name] = &prev
			}
		}
		var ps struct{ Purposes []access.Purpose }
		if _, err := c.call("GET", "/v1/purposes", nil, &ps); err != nil {
			return nil, err
		}
		for _, p := range ps.Purposes {
			purposes = append(purposes, p.Name)
		}
	} else {
		ctx := cmd.Context()
		o, err := openOffline(ctx, st, true) // read-only: may run beside a server
		switch {
		case errors.Is(err, keys.ErrNoKeyFile): // a data directory not set up yet: everything is new
			for _, p := range access.DefaultPurposes() {
				purposes = append(purposes, p.Name)
			}
			return stored, reportDryRun(w, cols, stored, purposes)
		case err != nil:
			return nil, err
		}
		defer o.close()
		for _, col := range cols {
			row, err := o.db.GetCollection(ctx, col.Name)
			if apperr.IsNotFound(err) {
				continue
			}
			if err != nil {
				return nil, err
			}
			prev, err := vault.ParseCollection(row)
			if err != nil {
				return nil, err
			}
			stored[col.Name] = prev
		}
		ps, err := o.db.ListPurposes(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			purposes = append(purposes, p.Name)
		}
		if len(ps) == 0 { // a database apply has not seeded yet
			for _, p := range access.DefaultPurposes() {
				purposes = append(purposes, p.Name)
			}
		}
	}
	return stored, reportDryRun(w, cols, stored, purposes)
}

// reportDryRun says what apply would do with each collection, or the first
// refusal it would meet.
func reportDryRun(w io.Writer, cols []vault.Collection, stored map[string]*vault.Collection, purposes []string) error {
	for i := range cols {
		col := &cols[i]
		for _, f := range col.Fields {
			for _, p := range f.Purposes {
				if !slices.Contains(purposes, p) {
					return fmt.Errorf("collection %q: field %q: %w", col.Name, f.Name,
						apperr.Newf(apperr.Invalid, "unregistered_purpose", "purpose %q is not registered; register it under /v1/purposes first", p))
				}
			}
		}
		verb := "would create"
		if prev := stored[col.Name]; prev != nil {
			if err := vault.CheckEvolution(prev, col); err != nil {
				return fmt.Errorf("collection %q: %w", col.Name, err)
			}
			verb = "would update"
			if vault.SameSchema(prev, col) {
				verb = "would leave unchanged"
			}
		}
		fmt.Fprintf(w, "%s %s\n", verb, col.Name)
	}
	return nil
}

// applyOffline applies collections straight to the database.
func applyOffline(cmd *cobra.Command, st storageFlags, cols []vault.Collection, stored map[string]*vault.Collection) error {
	ctx := cmd.Context()
	o, err := openOfflineKeys(ctx, st, false, true)
	if errors.Is(err, keys.ErrLocked) {
		return fmt.Errorf("a server is using this data directory: pass --token to apply through it")
	}
	if err != nil {
		return err
	}
	defer o.close()
	if err := o.db.SeedPurposes(ctx, access.DefaultPurposes(), time.Now().UTC()); err != nil {
		return err
	}
	v := vault.New(o.db, o.keys, vault.Options{})
	v.PurposeRegistered = func(ctx context.Context, name string) (bool, error) {
		ps, err := o.db.ListPurposes(ctx)
		return slices.ContainsFunc(ps, func(p access.Purpose) bool { return p.Name == name }), err
	}
	for i := range cols {
		rec := audit.NewRecorder("cli:collections-apply", "collection.put", "")
		created, err := v.PutCollection(audit.WithRecorder(ctx, rec), &cols[i], false)
		if err != nil {
			return fmt.Errorf("collection %q: %w", cols[i].Name, err)
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s %s\n", appliedVerb(created, stored[cols[i].Name], &cols[i]), cols[i].Name)
	}
	return nil
}

func readFileOrStdin(path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(os.Stdin)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return b, nil
}

// parseCollections accepts one collection, a list, {"collections": [...]},
// or several YAML documents.
func parseCollections(raw []byte) ([]vault.Collection, error) {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	var out []vault.Collection
	for {
		var node yaml.Node
		if err := dec.Decode(&node); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("schema file is not valid YAML or JSON: %w", err)
		}
		if len(node.Content) == 0 {
			continue
		}
		doc := node.Content[0]
		var batch []vault.Collection
		switch {
		case doc.Kind == yaml.SequenceNode:
			if err := doc.Decode(&batch); err != nil {
				return nil, fmt.Errorf("schema file: %w", err)
			}
		case doc.Kind == yaml.MappingNode && hasKey(doc, "collections"):
			var wrap struct {
				Collections []vault.Collection `yaml:"collections"`
			}
			if err := doc.Decode(&wrap); err != nil {
				return nil, fmt.Errorf("schema file: %w", err)
			}
			batch = wrap.Collections
		default:
			var c vault.Collection
			if err := doc.Decode(&c); err != nil {
				return nil, fmt.Errorf("schema file: %w", err)
			}
			batch = []vault.Collection{c}
		}
		out = append(out, batch...)
	}
	if len(out) == 0 {
		return nil, errors.New("schema file holds no collection")
	}
	return out, nil
}

func hasKey(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return true
		}
	}
	return false
}
