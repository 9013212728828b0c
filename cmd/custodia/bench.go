package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"custodia/internal/loadtest"
)

func newBenchCmd() *cobra.Command {
	var (
		rf       remoteFlags
		cfg      loadtest.Config
		format   string
		duration time.Duration
		cpuProf  string
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Load-test a running server: create then read customers over HTTP",
		Long: `Load-test a running server over HTTP. It makes sure a 4-field customers
collection exists (default bench_customers), creates --records customers with
--clients concurrent clients, then looks customers up by e-mail (--reads,
default twice --records), checking every answer. It prints creates/s,
reads/s, latency percentiles and errors. Only point it at your own servers.

The token must be an administrator's (the bootstrap token will do): defining
the collection takes schema:write. The administrator reads no personal data,
so bench makes a short-lived dpo token limited to the collection and the
purpose for the load itself, and revokes it at the end. Exit status: 0 done
(errors, if any, are counted in the output), 2 bad flags or a token the
server refuses (401, 403), 3 the server could not be reached.`,
		Example: `  custodia bench --url http://127.0.0.1:8750 --token $CUSTODIA_TOKEN --clients 32 --records 20000`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if rf.token == "" {
				return usageErr(errors.New("--token (or CUSTODIA_TOKEN) is required"))
			}
			if format != "table" && format != "json" {
				return usageErr(fmt.Errorf("--format must be table or json"))
			}
			if cpuProf != "" {
				stopProf, err := startCPUProfile(cpuProf)
				if err != nil {
					return err
				}
				defer stopProf()
			}
			cfg.URL, cfg.Token, cfg.Duration = rf.url, rf.token, duration
			res, err := loadtest.Run(cmd.Context(), cfg)
			if refused := (*loadtest.RefusedError)(nil); errors.As(err, &refused) {
				return &exitError{code: exitUsage, err: err} // as the other client commands answer a 4xx
			}
			if err != nil {
				return err
			}
			if format == "json" {
				return printJSON(cmd.OutOrStdout(), res)
			}
			res.Print(cmd.OutOrStdout())
			return nil
		},
	}
	f := cmd.Flags()
	rf.register(f, "server URL", localServer)
	f.IntVar(&cfg.Clients, "clients", 32, "concurrent clients")
	f.IntVar(&cfg.Records, "records", 10000, "customers to create")
	f.IntVar(&cfg.Reads, "reads", 0, "lookups by e-mail after the creates (0: twice --records)")
	f.StringVar(&cfg.Collection, "collection", "bench_customers", "collection to use (created if missing)")
	f.StringVar(&cfg.Purpose, "purpose", "support", "purpose stated on every call")
	f.DurationVar(&duration, "duration", 0, "optional time cap per phase (0: none)")
	f.StringVar(&format, "format", "table", "output: table or json")
	f.StringVar(&cpuProf, "cpu-profile", "", "write a CPU profile of the load client to this file")
	_ = f.MarkHidden("cpu-profile")
	return cmd
}
