package main

import (
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"
)

func newRootCmd() *cobra.Command {
	var configFile string
	root := &cobra.Command{
		Use:   "custodia",
		Short: "Custodia keeps customer personal data safe and lawful",
		Long: `Custodia is a self-hosted vault for customer personal data: records encrypted
per subject, purpose stated on every call, erasure by crypto-shredding, and a
tamper-evident audit log.

Every flag can also be set in the environment as CUSTODIA_<FLAG> (upper case,
dashes as underscores, e.g. CUSTODIA_DATA_DIR) or in a YAML file given with
--config (keys are flag names; an unknown key is an error). A flag on the
command line wins over the environment, which wins over the file.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnvAndFile(cmd, configFile); err != nil {
				return usageErr(err)
			}
			return setupLogging(cmd)
		},
	}
	root.PersistentFlags().StringVar(&configFile, "config", "", "YAML file of flag values (env CUSTODIA_CONFIG)")
	root.PersistentFlags().String("log-level", "info", "log level: debug, info, warn, error")
	root.PersistentFlags().String("log-format", "text", "log format: text or json")
	root.AddCommand(newServeCmd(), newCollectionsCmd(), newKeysCmd(), newAuditCmd(), newBackupCmd(), newRestoreCmd(), newBenchCmd(), newRetentionCmd(), newScanCmd(), newReportCmd(), newImportCmd())
	// Bad flags, flag values and arguments are usage errors (exit 2), as
	// the commands' own checks are, not failures to run (3).
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
	argsAreUsage(root)
	return root
}

// argsAreUsage makes the argument checks of c and its subcommands return
// usage errors.
func argsAreUsage(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return usageErr(err)
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		argsAreUsage(sub)
	}
}

func usageErr(err error) error { return &exitError{code: exitUsage, err: err} }

// envName is a flag's environment variable.
func envName(flag string) string {
	return "CUSTODIA_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// applyEnvAndFile fills unset flags from CUSTODIA_* variables, then from
// the YAML config file.
func applyEnvAndFile(cmd *cobra.Command, configFile string) error {
	if configFile == "" {
		configFile = os.Getenv("CUSTODIA_CONFIG")
	}
	fileVals := map[string]any{}
	if configFile != "" {
		raw, err := os.ReadFile(configFile)
		if err != nil {
			return fmt.Errorf("read config file: %w", err)
		}
		if err := yaml.Unmarshal(raw, &fileVals); err != nil {
			return fmt.Errorf("config file %s is not valid YAML: %w", configFile, err)
		}
		// A misspelt key ("adrr") would be dropped and the server run with
		// the default it meant to change: a key must be some command's flag
		// (one file may serve several commands).
		known := map[string]bool{}
		var collect func(c *cobra.Command)
		collect = func(c *cobra.Command) {
			for _, fs := range []*pflag.FlagSet{c.Flags(), c.PersistentFlags()} {
				fs.VisitAll(func(f *pflag.Flag) { known[f.Name] = true })
			}
			for _, sub := range c.Commands() {
				collect(sub)
			}
		}
		collect(cmd.Root())
		for k := range fileVals {
			if !known[k] {
				return fmt.Errorf("config file %s: unknown key %q: keys are flag names, such as addr or data-dir", configFile, k)
			}
		}
	}
	var firstErr error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || firstErr != nil || f.Name == "help" {
			return
		}
		if v, ok := os.LookupEnv(envName(f.Name)); ok {
			if err := f.Value.Set(v); err != nil {
				firstErr = fmt.Errorf("%s: %w", envName(f.Name), err)
			}
			return
		}
		if v, ok := fileVals[f.Name]; ok {
			s := fmt.Sprint(v)
			if list, isList := v.([]any); isList { // a YAML list for a repeatable flag
				parts := make([]string, len(list))
				for i, x := range list {
					parts[i] = fmt.Sprint(x)
				}
				s = strings.Join(parts, ",")
			}
			if err := f.Value.Set(s); err != nil {
				firstErr = fmt.Errorf("config file %s: %w", f.Name, err)
			}
		}
	})
	return firstErr
}

func setupLogging(cmd *cobra.Command) error {
	lvl, _ := cmd.Flags().GetString("log-level")
	format, _ := cmd.Flags().GetString("log-format")
	var level slog.Level
	if err := level.UnmarshalText([]byte(lvl)); err != nil {
		return usageErr(fmt.Errorf("--log-level: %q is not one of debug, info, warn, error", lvl))
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	switch format {
	case "text":
		h = slog.NewTextHandler(os.Stderr, opts)
	case "json":
		h = slog.NewJSONHandler(os.Stderr, opts)
	default:
		return usageErr(fmt.Errorf("--log-format: %q is not text or json", format))
	}
	slog.SetDefault(slog.New(h))
	return nil
}

// storageFlags are the flags that locate data: shared by every command
// that opens the database directly.
type storageFlags struct {
	dataDir     string
	databaseURL string
	keyFile     string
}

func (s *storageFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&s.dataDir, "data-dir", "./custodia-data", "directory for the SQLite database and the key file")
	fs.StringVar(&s.databaseURL, "database-url", "", "PostgreSQL URL (postgres://...); empty uses SQLite in --data-dir")
	fs.StringVar(&s.keyFile, "key-file", "", "key file path (default <data-dir>/custodia.key)")
}

// remoteFlags locate a running server.
type remoteFlags struct {
	url   string
	token string
}

// register adds --url (defaulting to defaultURL; CUSTODIA_URL can still
// override it) and --token.
func (r *remoteFlags) register(fs *pflag.FlagSet, urlHelp, defaultURL string) {
	fs.StringVar(&r.url, "url", defaultURL, urlHelp)
	fs.StringVar(&r.token, "token", "", "API token (env CUSTODIA_TOKEN)")
}

// localServer is the default --url of commands that only talk to a server.
const localServer = "http://127.0.0.1:8750"
