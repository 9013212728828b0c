// Command custodia is the Custodia server and its tools: an encrypted
// customer personal-data vault with a tamper-evident audit log.
//
// Run "custodia --help" for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"custodia/internal/apperr"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailed  = 1 // the command ran and found a problem (e.g. a broken audit chain)
	exitUsage   = 2 // bad flags or input
	exitRuntime = 3 // could not run (database unreachable, I/O error)
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd()
	if err := root.ExecuteContext(ctx); err != nil {
		if !errors.Is(err, errQuiet) {
			fmt.Fprintln(os.Stderr, "custodia:", userMessage(err))
		}
		os.Exit(exitCode(err))
	}
}

// errQuiet ends a command with its exit code and no message (a scan that
// found personal data exits 1 after printing its report).
var errQuiet = errors.New("quiet exit")

// exitError carries an exit code chosen by a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if e, ok := apperr.As(err); ok && e.Kind != apperr.Internal {
		return exitUsage
	}
	// The server refused the input or the caller (4xx): as a local
	// refusal would; its failures (5xx) are the runtime's.
	var pe *problemError
	if errors.As(err, &pe) && pe.refused() {
		return exitUsage
	}
	if strings.HasPrefix(err.Error(), "unknown command ") {
		return exitUsage // cobra's, for a subcommand that does not exist
	}
	return exitRuntime
}

func userMessage(err error) string {
	if e, ok := apperr.As(err); ok && e.Kind != apperr.Internal {
		return e.Message + " (" + e.Code + ")"
	}
	return err.Error()
}
