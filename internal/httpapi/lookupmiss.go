package httpapi

import (
	"context"
	"hash/maphash"
	"log/slog"
	"strconv"
	"strings"

	"custodia/internal/auth"
	"custodia/internal/detect"
)

// DefaultLookupMissThreshold is how many distinct lookups matching no one
// a principal may make per window before an alert: a support desk that
// searches a caller's number now and then stays far below it, a script
// trying numbers to learn which are customers' does not.
const DefaultLookupMissThreshold = 100

// observeMiss counts a lookup (by e-mail, phone or id) that matched no
// one the caller may see. Each answer is also an answer to "is this value
// a customer's?", so many of them are the enumeration pattern: past the
// threshold an alert is raised and, with --block-bulk-reads, the caller is
// blocked until an administrator clears it. The value is kept only as a
// keyed hash, in memory, to count distinct guesses.
func (s *Server) observeMiss(ctx context.Context, where, value string) {
	p := auth.PrincipalFrom(ctx)
	if s.misses == nil || p == nil {
		return
	}
	// One guess however it is written: the lookup ignores case and the
	// spaces around a value (QA: six spellings of one address counted six).
	key := strconv.FormatUint(maphash.String(s.missSeed, where+"\x00"+strings.ToLower(strings.TrimSpace(value))), 36)
	tripped, n := s.misses.Observe(p.Key(), key)
	if !tripped {
		return
	}
	blocked := s.opts.BlockBulkReads
	if blocked {
		if err := s.block(ctx, p); err != nil {
			slog.Error("lookup-miss block failed", "principal", p.Key(), "err", err)
			blocked = false
		}
	}
	severity := detect.SeverityWarning
	if blocked {
		severity = detect.SeverityCritical
	}
	s.alerts.raise(ctx, detect.Alert{Kind: detect.KindLookupMisses, Severity: severity, Principal: p.Key(),
		Message: "one principal looked up many values that matched no one in the window: the pattern of guessing whose number or address is a customer's",
		Data:    map[string]string{"distinct_misses": strconv.Itoa(n), "blocked": strconv.FormatBool(blocked)}})
}
