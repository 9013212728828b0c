package console

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"custodia/internal/access"
	"custodia/internal/audit"
	"custodia/internal/auth"
)

func init() {
	extraRoutes = append(extraRoutes, func(c *Console) {
		c.handle("GET /console/audit", c.auditLog)
		c.handle("GET /console/audit.csv", c.auditCSV)
	})
}

// auditPageSize is how many entries one page of the audit log shows.
const auditPageSize = 50

// auditOutcomes are the outcomes an entry records, with the words the
// filter and the table show for them.
var auditOutcomes = []struct{ Value, Label string }{
	{audit.OutcomeOK, "Succeeded"},
	{audit.OutcomeDenied, "Refused (not allowed)"},
	{audit.OutcomeInvalid, "Rejected (invalid input)"},
	{audit.OutcomeError, "Failed (server error)"},
}

// auditFilter is what the audit page filters by, as the form sends it.
// From and To are days (YYYY-MM-DD) in the console's time zone, To
// included.
type auditFilter struct {
	Actor, Action, Purpose, Outcome, Pseudonym, From, To string
	Before                                               int64 // the page of entries older than this; 0: the newest
}

// readAuditFilter reads the filter from the page's query.
func readAuditFilter(q url.Values) auditFilter {
	f := auditFilter{Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")),
		Purpose: strings.TrimSpace(q.Get("purpose")), Outcome: strings.TrimSpace(q.Get("outcome")),
		Pseudonym: strings.TrimSpace(q.Get("pseudonym")), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	if f.Before < 0 {
		f.Before = 0
	}
	return f
}

// pairs lists the filter as query parameters of the console page (the
// page's position, before, is left out: callers add it).
func (f auditFilter) pairs() []string {
	return []string{"actor", f.Actor, "action", f.Action, "purpose", f.Purpose, "outcome", f.Outcome,
		"pseudonym", f.Pseudonym, "from", f.From, "to", f.To}
}

// Any reports whether any filter is set.
func (f auditFilter) Any() bool {
	return f.Actor != "" || f.Action != "" || f.Purpose != "" || f.Outcome != "" || f.Pseudonym != "" || f.From != "" || f.To != ""
}

// apiPath is the API path with the filter: the days become RFC 3339
// moments (the start of From, the start of the day after To). A day
// that does not parse is passed on as it is, so the API names the
// problem.
func (f auditFilter) apiPath(path string, loc *time.Location, kv ...string) string {
	since, until := f.From, f.To
	if t, err := time.ParseInLocation("2006-01-02", f.From, loc); err == nil {
		since = t.Format(time.RFC3339)
	}
	if t, err := time.ParseInLocation("2006-01-02", f.To, loc); err == nil {
		until = t.AddDate(0, 0, 1).Format(time.RFC3339)
	}
	args := []string{"actor", f.Actor, "action", f.Action, "purpose", f.Purpose, "outcome", f.Outcome,
		"pseudonym", f.Pseudonym, "since", since, "until", until}
	return query(path, append(args, kv...)...)
}

// auditRow is one entry as the page shows it.
type auditRow struct {
	audit.Entry
	ActorLabel   string // the person's e-mail address for "user:…" actors, when known
	OutcomeLabel string
}

// option is one choice of a select or a datalist.
type option struct{ Value, Label string }

// auditView is the data of audit.html.
type auditView struct {
	F         auditFilter
	Entries   []auditRow
	Error     string // the API's reason a filter was refused
	Outcomes  []option
	Purposes  []string
	Actors    []option
	NextURL   string
	FirstURL  string
	CSVURL    string
	Back      string // this page, for the verification form to come back to
	PageSize  int
	BeforeN   int
	CanVerify bool
	Chain     *chainDetail
}

// chainDetail is the last verification of the chain, in full.
type chainDetail struct {
	At                         time.Time
	OK                         bool
	Checked, HeadSeq, BrokenAt int
	HeadHash, Reason           string
}

// auditLog shows the audit log, filtered, a page at a time, with the
// last chain verification and the CSV download of the same filter.
func (c *Console) auditLog(rc *reqCtx) error {
	f := readAuditFilter(rc.r.URL.Query())
	actors := c.actorNames(rc)
	f.Actor = actorByEmail(f.Actor, actors)
	v := auditView{F: f, PageSize: auditPageSize, Back: rc.r.URL.RequestURI(),
		CSVURL: query("/console/audit.csv", f.pairs()...)}
	for _, o := range auditOutcomes {
		v.Outcomes = append(v.Outcomes, option{o.Value, rc.L.T(o.Label)})
	}
	status := http.StatusOK
	var out struct {
		Entries []audit.Entry `json:"entries"`
		Next    int64         `json:"next"`
	}
	err := rc.call(http.MethodGet, f.apiPath("/v1/audit", rc.c.opts.Location, "order", "desc", "before", seqParam(f.Before), "limit", strconv.Itoa(auditPageSize)), nil, &out)
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest:
		// A filter the API refused: the page stays, with the API's reason.
		status, v.Error = apiErr.Status, apiErr.Text(rc.L)
		if v.Error == "" {
			v.Error = rc.L.T("The request could not be completed.")
		}
	case err != nil:
		return err
	}
	for _, e := range out.Entries {
		row := auditRow{Entry: e, OutcomeLabel: e.Outcome}
		for _, o := range auditOutcomes {
			if o.Value == e.Outcome {
				row.OutcomeLabel = rc.L.T(o.Label)
			}
		}
		if name, ok := actors[e.Actor]; ok {
			row.ActorLabel = name
		}
		v.Entries = append(v.Entries, row)
	}
	for _, a := range slices.Sorted(maps.Keys(actors)) {
		v.Actors = append(v.Actors, option{a, actors[a]})
	}
	if len(out.Entries) == auditPageSize && out.Next > 0 {
		v.NextURL = query("/console/audit", append(f.pairs(), "before", strconv.FormatInt(out.Next, 10))...)
	}
	if f.Before > 0 {
		v.FirstURL = query("/console/audit", f.pairs()...)
	}
	var ps struct {
		Purposes []access.Purpose `json:"purposes"`
	}
	if ok, err := maybe(rc.call(http.MethodGet, "/v1/purposes", nil, &ps)); err != nil {
		return err
	} else if ok {
		for _, p := range ps.Purposes {
			v.Purposes = append(v.Purposes, p.Name)
		}
	}
	v.BeforeN = int(f.Before)
	v.CanVerify = rc.me.Can(string(auth.PermAuditRead))
	c.mu.Lock()
	last := c.lastVerify
	c.mu.Unlock()
	if last != nil {
		r := last.Report
		v.Chain = &chainDetail{At: last.At, OK: r.OK, Checked: int(r.Checked), HeadSeq: int(r.HeadSeq), BrokenAt: int(r.BrokenAt),
			HeadHash: r.HeadHash, Reason: r.Reason}
	}
	return rc.render(status, "audit", rc.L.T("Audit log"), v)
}

// auditCSV downloads the entries of the page's filter as CSV
// (GET /v1/audit.csv, which enters the download in the export register).
func (c *Console) auditCSV(rc *reqCtx) error {
	f := readAuditFilter(rc.r.URL.Query())
	f.Actor = actorByEmail(f.Actor, c.actorNames(rc))
	return rc.proxy(f.apiPath("/v1/audit.csv", rc.c.opts.Location))
}

// actorNames maps "user:<id>" actors to e-mail addresses when the person
// may list people; others see the actors as the log names them.
func (c *Console) actorNames(rc *reqCtx) map[string]string {
	names := map[string]string{}
	for id, email := range rc.peopleNames() {
		names["user:"+id] = email
	}
	return names
}

// seqParam is a sequence number as a query value ("" for none).
func seqParam(seq int64) string {
	if seq <= 0 {
		return ""
	}
	return strconv.FormatInt(seq, 10)
}

// actorByEmail turns a person's e-mail address typed in the actor filter
// into the "user:…" actor the log records (the log keeps ids, not staff
// addresses), when the console knows the person; anything else is kept.
func actorByEmail(typed string, actors map[string]string) string {
	if !strings.Contains(typed, "@") || strings.HasPrefix(typed, "user:") || strings.HasPrefix(typed, "token:") {
		return typed
	}
	for actor, label := range actors {
		if strings.EqualFold(label, typed) {
			return actor
		}
	}
	return typed
}
