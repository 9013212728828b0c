package main

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime/pprof"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"custodia/internal/app"
	"custodia/internal/fieldtype"
	"custodia/internal/httpapi"
)

func newServeCmd() *cobra.Command {
	var (
		st        storageFlags
		addr      string
		bootstrap string
		demo      bool
		demoCount int
		region    string
		maxBody   int64
		grace     time.Duration
		cpuProf   string
		imports   importFlags
		sec       securityFlags
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the Custodia server: the API and the web console",
		Long: `Run the Custodia server: the HTTP API under /v1/ and the web console at
/console/ (sign in there with a person's e-mail, password and TOTP code).

On first start it creates the data directory, the key file (mode 0600) and an
admin API token, which it prints once; keep it, it is never shown again.
--bootstrap-token sets that first token instead (for automation). SIGTERM or
Ctrl-C drains in-flight requests and exits cleanly.

The admin manages schema, people, roles, purposes, tokens and keys but reads
no personal data: create a token or a person with a data role (dpo, sales,
support, marketing, or a custom role) for that. Failed sign-ins past
--login-max-failures within --login-window lock the account and the address
out with a growing back-off; a principal reading more than
--bulk-read-threshold distinct subjects within --bulk-read-window raises an
alert (and, with --block-bulk-reads, is blocked until an admin clears it).
Alerts go to GET /v1/alerts, the log, /metrics and --alert-webhook.`,
		Example: `  custodia serve
  custodia serve --demo
  custodia serve --addr 0.0.0.0:8750 --database-url postgres://custodia@db/custodia`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if cpuProf != "" {
				stopProf, err := startCPUProfile(cpuProf)
				if err != nil {
					return err
				}
				defer stopProf()
			}
			if demoCount < 1 || demoCount > 100000 {
				return usageErr(fmt.Errorf("--demo-count must be between 1 and 100000"))
			}
			if err := fieldtype.ValidateRegion(region); err != nil {
				return usageErr(fmt.Errorf("--default-region %q: not a region the phone number metadata knows (an ISO 3166 alpha-2 code such as VN)", region))
			}
			cfg := app.Config{Addr: addr, DataDir: st.dataDir, DatabaseURL: st.databaseURL, KeyFile: st.keyFile,
				BootstrapToken: bootstrap, DefaultRegion: region, MaxBodyBytes: maxBody, ShutdownGrace: grace}
			if err := sec.apply(&cfg); err != nil {
				return usageErr(err)
			}
			if err := imports.apply(&cfg); err != nil {
				return usageErr(err)
			}
			// The address is taken before anything is set up: a first start
			// on a bad or busy address must not create the data directory
			// and print the one-time admin token, then fail.
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", addr, err)
			}
			defer ln.Close()
			a, err := app.Open(ctx, cfg)
			if err != nil {
				return err
			}
			defer a.Close()
			if a.KeyFileCreated {
				slog.Info("created key file; back it up separately from the database", "path", cfg.KeyFilePath())
			}
			if a.NewAdminToken != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "\nCreated the first admin API token. It is shown only this once; store it safely:\n\n    %s\n\nUse it as:  curl -H 'Authorization: Bearer %s' http://%s/v1/collections\n\n",
					a.NewAdminToken, a.NewAdminToken, addr)
			}
			if demo {
				n, err := a.LoadDemo(ctx, demoCount)
				if err != nil {
					return fmt.Errorf("load demo data: %w", err)
				}
				slog.Info("demo data ready", "collections", "customers, support_notes", "customers_added", n)
				people, err := a.LoadDemoPeople(ctx)
				if err != nil {
					return fmt.Errorf("demo people: %w", err)
				}
				if len(people) > 0 {
					fmt.Fprintf(cmd.OutOrStdout(), "Demo people for the console at http://%s/console/ (passwords shown only this once;\nthe first sign-in sets up an authenticator app where the role requires one):\n\n", addr)
					for _, p := range people {
						fmt.Fprintf(cmd.OutOrStdout(), "    %-22s %-8s %s\n", p.Email, p.Role, p.Password)
					}
					fmt.Fprintln(cmd.OutOrStdout())
				}
			}
			engine := "sqlite"
			if st.databaseURL != "" {
				engine = "postgres"
			}
			slog.Info("custodia serving", "addr", ln.Addr().String(), "engine", engine, "pid", os.Getpid())
			if err := a.Serve(ctx, ln); err != nil {
				return err
			}
			slog.Info("custodia stopped cleanly")
			return nil
		},
	}
	st.register(cmd.Flags())
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8750", "listen address")
	f.StringVar(&bootstrap, "bootstrap-token", "", "first admin token to create instead of a random one (at least 16 characters)")
	f.BoolVar(&demo, "demo", false, "load the demo schema (customers, support_notes), synthetic customers, and three console users (dpo, support, auditor @demo.example) whose passwords are printed once")
	f.IntVar(&demoCount, "demo-count", 300, "how many synthetic customers --demo loads")
	f.StringVar(&region, "default-region", "", "phone region (ISO 3166 alpha-2, e.g. VN) for numbers written without +; empty requires + numbers")
	f.Int64Var(&maxBody, "max-body-bytes", 1<<20, "request body size limit")
	f.DurationVar(&grace, "shutdown-grace", 30*time.Second, "how long SIGTERM waits for in-flight requests")
	f.StringVar(&cpuProf, "cpu-profile", "", "write a CPU profile to this file until exit (for performance work)")
	_ = f.MarkHidden("cpu-profile")
	sec.register(f)
	imports.register(f)
	return cmd
}

// importFlags are serve's settings of POST /v1/imports.
type importFlags struct {
	dirs     []string
	maxBytes int64
}

func (s *importFlags) register(f *pflag.FlagSet) {
	f.StringSliceVar(&s.dirs, "import-dir", nil, "directory POST /v1/imports may read files from by path (repeatable or comma-separated; symlinks out of it are refused); none: only uploads")
	f.Int64Var(&s.maxBytes, "import-max-bytes", 1<<30, "size limit of a file uploaded to POST /v1/imports")
}

func (s *importFlags) apply(cfg *app.Config) error {
	if s.maxBytes < 1 {
		return fmt.Errorf("--import-max-bytes must be positive")
	}
	for _, d := range s.dirs {
		st, err := os.Stat(d)
		if err != nil || !st.IsDir() {
			return fmt.Errorf("--import-dir %s: not a directory", d)
		}
	}
	cfg.ImportDirs, cfg.ImportMaxBytes = s.dirs, s.maxBytes
	return nil
}

// securityFlags are serve's sign-in and intrusion-detection settings.
type securityFlags struct {
	sessionTTL     time.Duration
	loginFailures  int
	loginWindow    time.Duration
	bulkThreshold  int
	missThreshold  int
	trustedProxies []string
	bulkWindow     time.Duration
	blockBulkReads bool
	alertWebhook   string
	exportApproval int
	controller     string
	timeZone       string
	retentionEvery time.Duration
	rulesFile      string
	dlpPolicy      string
	secureCookies  bool
	holidayFiles   []string
}

func (s *securityFlags) register(f *pflag.FlagSet) {
	f.DurationVar(&s.sessionTTL, "session-ttl", 12*time.Hour, "how long a person's sign-in session lasts")
	f.IntVar(&s.loginFailures, "login-max-failures", 5, "failed sign-ins (per account and per address) within --login-window before attempts are refused")
	f.DurationVar(&s.loginWindow, "login-window", 15*time.Minute, "window in which failed sign-ins are counted")
	f.IntVar(&s.bulkThreshold, "bulk-read-threshold", 1000, "distinct subjects one token or person may read within --bulk-read-window before an alert; 0 disables")
	f.DurationVar(&s.bulkWindow, "bulk-read-window", 10*time.Minute, "window of the bulk-read (exfiltration) detector")
	f.IntVar(&s.missThreshold, "lookup-miss-threshold", 100, "distinct lookups (by e-mail, phone or id) matching no one that one token or person may make within --bulk-read-window before an alert (the pattern of guessing whose number is a customer's); 0 disables")
	f.BoolVar(&s.blockBulkReads, "block-bulk-reads", false, "block a token or person that trips the bulk-read or the lookup-miss detector until an admin clears the alert")
	f.StringVar(&s.alertWebhook, "alert-webhook", "", "URL that receives every alert as a JSON POST")
	f.StringVar(&s.controller, "controller", "", "the organisation's name and contact details, for the record of processing activities (GDPR Art. 30)")
	f.IntVar(&s.exportApproval, "export-approval-records", 500, "CSV exports of this many records or more wait for a second person's approval (exports of sensitive categories always do); a negative value leaves only the sensitive rule")
	f.StringSliceVar(&s.trustedProxies, "trusted-proxies", nil, "reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For names the client: the sign-in and token lockouts then count the client's address, not the proxy's; never list an address clients can reach directly")
	f.BoolVar(&s.secureCookies, "console-secure-cookies", false, "mark the console's cookies Secure on plain HTTP too (behind a proxy that terminates TLS; over TLS they always are)")
	f.StringVar(&s.dlpPolicy, "dlp-policy", "", "YAML file replacing the default policy of POST /v1/dlp/check (see internal/dlp: min_confidence, bulk_threshold, unreadable, regions, block, warn)")
	f.StringVar(&s.rulesFile, "request-rules", "", "YAML file replacing the built-in data-subject request deadline rules (format of internal/legalclock/rules.yaml)")
	f.StringSliceVar(&s.holidayFiles, "holidays", nil, "holiday file(s) to add to the deadline calendars (YAML, or 'calendar: NAME' then one 'YYYY-MM-DD name' per line)")
	f.DurationVar(&s.retentionEvery, "retention-interval", time.Hour, "how often the server applies retention rules; 0 disables the scheduler")
	f.StringVar(&s.timeZone, "time-zone", "UTC", "IANA time zone data-subject request deadlines are shown and counted in, e.g. Asia/Ho_Chi_Minh (they are also counted in the jurisdiction's own zones, and the earliest is kept)")
}

func (s *securityFlags) apply(cfg *app.Config) error {
	switch {
	case s.sessionTTL < time.Minute || s.sessionTTL > 30*24*time.Hour:
		return fmt.Errorf("--session-ttl must be between 1m and 720h")
	case s.loginFailures < 1 || s.loginFailures > 1000:
		return fmt.Errorf("--login-max-failures must be between 1 and 1000")
	case s.loginWindow < time.Second:
		return fmt.Errorf("--login-window must be at least 1s")
	case s.bulkThreshold < 0:
		return fmt.Errorf("--bulk-read-threshold must be 0 (off) or more")
	case s.missThreshold < 0:
		return fmt.Errorf("--lookup-miss-threshold must be 0 (off) or more")
	case s.bulkWindow < time.Second:
		return fmt.Errorf("--bulk-read-window must be at least 1s")
	}
	cfg.SessionTTL, cfg.LoginMaxFailures, cfg.LoginWindow = s.sessionTTL, s.loginFailures, s.loginWindow
	cfg.BulkReadThreshold, cfg.BulkReadWindow = s.bulkThreshold, s.bulkWindow
	if s.bulkThreshold == 0 {
		cfg.BulkReadThreshold = -1
	}
	if _, err := httpapi.ParseTrustedProxies(s.trustedProxies); err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	cfg.TrustedProxies = s.trustedProxies
	cfg.LookupMissThreshold = s.missThreshold
	if s.missThreshold == 0 {
		cfg.LookupMissThreshold = -1
	}
	cfg.BlockBulkReads, cfg.AlertWebhook = s.blockBulkReads, s.alertWebhook
	cfg.ExportApprovalRecords, cfg.Controller = s.exportApproval, s.controller
	if _, err := time.LoadLocation(s.timeZone); err != nil {
		return fmt.Errorf("--time-zone: unknown zone %q", s.timeZone)
	}
	cfg.TimeZone = s.timeZone
	cfg.RequestRulesFile, cfg.HolidayFiles = s.rulesFile, s.holidayFiles
	cfg.DLPPolicyFile = s.dlpPolicy
	cfg.ConsoleSecureCookies = s.secureCookies
	switch {
	case s.retentionEvery < 0 || (s.retentionEvery > 0 && s.retentionEvery < time.Minute):
		return fmt.Errorf("--retention-interval must be 0 (off) or at least 1m")
	case s.retentionEvery == 0:
		cfg.RetentionEvery = -1
	default:
		cfg.RetentionEvery = s.retentionEvery
	}
	return nil
}

func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
