package console

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"custodia/internal/access"
	"custodia/internal/consent"
	"custodia/internal/dsr"
	"custodia/internal/legalclock"
	"custodia/internal/retention"
)

// The Requests pages: the queue of data-subject requests and one request
// with its timeline, deadlines, identity verification, tasks, extension,
// execution, completion and access package. Every state change goes
// through the API, which enforces the state machine and the roles; the
// console only offers the moves the state machine allows from the
// current state.
func init() {
	extraRoutes = append(extraRoutes, func(c *Console) {
		c.handle("GET /console/requests", c.requestQueue)
		c.handleForm("POST /console/requests", c.requestFile)
		c.handle("GET /console/requests/{id}", c.requestPage)
		c.handle("GET /console/requests/{id}/package", c.requestPackage)
		c.handleForm("POST /console/requests/{id}/transitions", c.requestMove)
		c.handleForm("POST /console/requests/{id}/execute", c.requestExecute)
		c.handleForm("POST /console/requests/{id}/tasks", c.requestAddTask)
		c.handleForm("POST /console/requests/{id}/tasks/{task}/close", c.requestCloseTask)
		c.handleForm("POST /console/tasks/{id}/{task}/close", c.myCloseTask)
	})
}

// requestStates lists the states in the order a request goes through them.
var requestStates = []string{dsr.StateReceived, dsr.StateVerifying, dsr.StateInProgress, dsr.StateExtended, dsr.StatePaused,
	dsr.StateCompleted, dsr.StateRejected}

// requestShows are the queue's views: open requests, overdue ones, all.
var requestShows = []string{"open", "overdue", "all"}

// requestLookups are what a request can be filed by: the blind-index
// lookups, or a subject id.
var requestLookups = append(append([]string{}, lookupKinds...), "subject")

// requestQueueView is the data of requests.html.
type requestQueueView struct {
	Requests []dsr.Request
	State    string
	Type     string
	Show     string
	Overdue  int
	States   []string
	Types    []string
	Shows    []string
	// The filing form (requests:file).
	Lookups  []string
	Juris    []string
	Channels []string
	Purposes []string
	Today    string
}

// requestQueue lists requests by due date, filtered by state, type and
// open / overdue (GET /v1/requests).
func (c *Console) requestQueue(rc *reqCtx) error {
	q := rc.r.URL.Query()
	v := requestQueueView{State: q.Get("state"), Type: q.Get("type"), Show: q.Get("show"), States: requestStates, Types: dsr.Types,
		Shows: requestShows, Lookups: requestLookups, Juris: jurisdictions, Channels: consent.Channels,
		Today: time.Now().In(rc.c.opts.Location).Format("2006-01-02")}
	if !slices.Contains(requestStates, v.State) {
		v.State = ""
	}
	if !slices.Contains(dsr.Types, v.Type) {
		v.Type = ""
	}
	switch {
	case slices.Contains(requestShows, v.Show):
	case q.Get("overdue") == "true": // the API's own filter names work too
		v.Show = "overdue"
	case q.Get("open") == "false":
		v.Show = "all"
	default:
		v.Show = "open"
	}
	if v.State != "" && !dsr.Open(v.State) && v.Show != "all" {
		v.Show = "all" // a closed state is never open: show it rather than nothing
	}
	path := query("/v1/requests", "state", v.State, "type", v.Type, "limit", "1000",
		"open", boolText(v.Show == "open"), "overdue", boolText(v.Show == "overdue"))
	var out struct {
		Requests []dsr.Request `json:"requests"`
	}
	if err := rc.call(http.MethodGet, path, nil, &out); err != nil {
		return err
	}
	slices.SortStableFunc(out.Requests, func(a, b dsr.Request) int { return a.DueAt.Compare(b.DueAt) })
	v.Requests = out.Requests
	for _, r := range out.Requests {
		if r.Overdue {
			v.Overdue++
		}
	}
	if rc.me.Can("requests:file") {
		v.Purposes = rc.requestPurposes()
	}
	return rc.render(http.StatusOK, "requests", rc.L.T("Requests"), v)
}

// requestPurposes lists the purposes a withdrawal, objection or
// restriction may name; none when the role may not list them.
func (rc *reqCtx) requestPurposes() []string {
	var ps struct {
		Purposes []access.Purpose `json:"purposes"`
	}
	if ok, _ := maybe(rc.call(http.MethodGet, "/v1/purposes", nil, &ps)); !ok {
		return nil
	}
	var out []string
	for _, p := range ps.Purposes {
		out = append(out, p.Name)
	}
	return out
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return ""
}

// requestFile files a request by e-mail, phone, national id or subject id
// (POST /v1/requests). The lookup value is sent to the API, which keeps
// only the subject it resolves to.
func (c *Console) requestFile(rc *reqCtx) error {
	f := rc.r.PostForm
	kind := f.Get("lookup_kind")
	if !slices.Contains(requestLookups, kind) {
		return &APIError{Status: http.StatusBadRequest, Code: "invalid_lookup", Detail: rc.L.T("Choose how to find the person: e-mail, phone, national id or subject id.")}
	}
	in := dsr.CreateInput{Type: f.Get("type"), Jurisdiction: f.Get("jurisdiction"), Channel: f.Get("channel"), Note: f.Get("note"),
		Purposes: f["purposes"], SubjectLookup: map[string]string{kind: strings.TrimSpace(f.Get("lookup_value"))}}
	if at := f.Get("received_at"); at != "" {
		t, err := time.ParseInLocation("2006-01-02", at, rc.c.opts.Location)
		if err != nil {
			return &APIError{Status: http.StatusBadRequest, Code: "invalid_date", Detail: rc.L.T("The date is not valid.")}
		}
		if today := time.Now().In(rc.c.opts.Location); t.Format("2006-01-02") == today.Format("2006-01-02") {
			t = time.Now() // received today: now, so the clock starts from the moment of filing
		}
		in.ReceivedAt = &t
	}
	var out dsr.Request
	if err := rc.call(http.MethodPost, "/v1/requests", in, &out); err != nil {
		return err
	}
	msg := rc.L.T("Request filed.")
	if out.State == dsr.StateRejected {
		msg = rc.L.T("The request was recorded and rejected: see the reason below.")
	}
	if !rc.me.Can("requests:read") {
		return rc.done("/console/", msg)
	}
	return rc.done("/console/requests/"+seg(out.ID), msg)
}

// requestMoveForm is one state change the request page offers.
type requestMoveForm struct {
	To     string
	Title  string
	Help   string
	Button string
	Danger bool
}

// requestPageView is the data of request.html.
type requestPageView struct {
	dsr.View
	Open        bool
	CanManage   bool
	SubjectLink bool
	DaysText    string
	// Identity verification: its state, and the transition that verified it.
	Identity string
	Verified *dsr.Transition
	// VerifyMoves verify the requester's identity; Moves are the other
	// transitions offered besides extension and completion.
	VerifyMoves []requestMoveForm
	Moves       []requestMoveForm
	// Extension.
	CanExtend      bool
	ExtensionsLeft int
	ExtendTooLate  bool
	NoticeDraft    string
	Notices        []dsr.Transition
	// Execution.
	CanExecute  bool
	Hold        *retention.Hold // a legal hold that would refuse an erasure
	ExecuteHelp string
	Executed    bool
	HasPackage  bool
	// Completion.
	CanComplete bool
	OpenTasks   int
	TaskStates  []string
	// Timeline is the history, each step named in words.
	Timeline []requestEvent
}

// requestEvent is one step of a request's history.
type requestEvent struct {
	dsr.Transition
	Label string
}

// timeline names each step: the state reached, a move between states, or
// the request being carried out (a step that keeps the state).
func timeline(l *Locale, h []dsr.Transition) []requestEvent {
	out := make([]requestEvent, 0, len(h))
	for _, t := range h {
		label := l.T(t.To)
		switch {
		case t.From == t.To && strings.HasPrefix(t.Reason, "executed: "):
			label = l.T("Carried out")
		case t.From != "" && t.From != t.To:
			label = l.T(t.From) + " → " + l.T(t.To)
		}
		out = append(out, requestEvent{Transition: t, Label: label})
	}
	return out
}

// requestPage shows one request (GET /v1/requests/{id}).
func (c *Console) requestPage(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	var r dsr.View
	if err := rc.call(http.MethodGet, "/v1/requests/"+seg(id), nil, &r); err != nil {
		return err
	}
	v := requestPageView{View: r, Open: dsr.Open(r.State), CanManage: rc.me.Can("requests:manage"),
		SubjectLink: r.SubjectID != "" && (rc.me.Can("records:read") || rc.me.Can("consents:read")),
		TaskStates:  []string{dsr.TaskClosed, dsr.TaskJustified}}
	v.DaysText = rc.L.Days(r.DaysLeft)
	v.Timeline = timeline(rc.L, r.History)
	switch {
	case r.State == dsr.StateReceived:
		v.Identity = rc.L.T("Not started.")
	case r.State == dsr.StateVerifying:
		v.Identity = rc.L.T("Being verified.")
	case r.State == dsr.StateRejected && !wasVerified(r.History):
		v.Identity = rc.L.T("Not verified: the request was rejected.")
	}
	for _, h := range r.History {
		if h.From == dsr.StateVerifying && h.To == dsr.StateInProgress {
			v.Verified = &h
		}
		if h.To == dsr.StateExtended && (h.From != h.To || !strings.HasPrefix(h.Reason, "executed: ")) {
			v.Notices = append(v.Notices, h) // an extension: its reason is the notice
		}
	}
	for _, t := range r.Tasks {
		if t.State == dsr.TaskOpen {
			v.OpenTasks++
		}
	}
	v.Executed = r.Details.ExecutedAt != nil
	v.HasPackage = (r.Type == dsr.TypeAccess || r.Type == dsr.TypePortability) && v.Executed && r.State != dsr.StateRejected
	v.ExtensionsLeft = max(r.MaxExtensions-r.Extensions, 0)
	if v.CanManage && v.Open {
		pending := r.Details.IdentityPending // extended before the identity was verified
		for _, to := range []string{dsr.StateVerifying, dsr.StateInProgress, dsr.StatePaused, dsr.StateRejected} {
			verifies := to == dsr.StateInProgress && (r.State == dsr.StateVerifying || pending)
			switch {
			case !dsr.CanMove(r.State, to):
			case to == dsr.StateInProgress && r.State == dsr.StateExtended && !pending:
				// An extension is not undone.
			case to == dsr.StateVerifying || verifies:
				v.VerifyMoves = append(v.VerifyMoves, rc.moveForm(dsr.StateVerifying, to))
			default:
				v.Moves = append(v.Moves, rc.moveForm(r.State, to))
			}
		}
		if dsr.CanMove(r.State, dsr.StateExtended) && v.ExtensionsLeft > 0 {
			v.CanExtend = true
			v.ExtendTooLate = r.ExtendNoticeBy != nil && time.Now().After(*r.ExtendNoticeBy)
			v.NoticeDraft = rc.noticeDraft(r.Request)
		}
		v.CanComplete = dsr.CanMove(r.State, dsr.StateCompleted)
		v.CanExecute = (r.State == dsr.StateInProgress || r.State == dsr.StateExtended) && !pending && (!v.Executed || r.Type == dsr.TypeRectification)
		v.ExecuteHelp = rc.executeHelp(r.Type)
		// An erasure under a legal hold would be refused: say so before
		// the button, as the person's erase page does (QA).
		if v.CanExecute && r.Type == dsr.TypeErasure && r.SubjectID != "" && rc.me.Can("subjects:erase") {
			var out struct {
				Hold *retention.Hold `json:"hold"`
			}
			if _, err := maybe(rc.call(http.MethodGet, "/v1/subjects/"+seg(r.SubjectID)+"/erasure", nil, &out)); err != nil {
				return err
			}
			v.Hold = out.Hold
		}
	}
	return rc.render(http.StatusOK, "request", rc.L.T("Request: %s", rc.L.T(r.Type)), v)
}

func wasVerified(h []dsr.Transition) bool {
	return slices.ContainsFunc(h, func(t dsr.Transition) bool {
		return t.To == dsr.StateInProgress && (t.From == dsr.StateVerifying || t.From == dsr.StateExtended)
	})
}

// Days says, in the locale, how many days are left until a due date, or
// how many it is overdue ("3 days overdue", not "-3").
func (l *Locale) Days(n int) string {
	switch {
	case n == 0:
		return l.T("Due today")
	case n == 1:
		return l.T("1 day left")
	case n > 1:
		return l.T("%d days left", n)
	case n == -1:
		return l.T("1 day overdue")
	}
	return l.T("%d days overdue", -n)
}

// moveForm describes the form for one transition.
func (rc *reqCtx) moveForm(from, to string) requestMoveForm {
	L := rc.L
	switch {
	case to == dsr.StateVerifying:
		return requestMoveForm{To: to, Title: L.T("Start identity verification"), Button: L.T("Start verification"),
			Help: L.T("Ask the requester to prove who they are (a reply from the e-mail address on file, a code sent to the phone on file, or an identity document) and note what you asked for.")}
	case to == dsr.StateInProgress && from == dsr.StateVerifying:
		return requestMoveForm{To: to, Title: L.T("Identity verified"), Button: L.T("Mark identity verified"),
			Help: L.T("Record how the requester's identity was checked. Where the rule counts from verified identity, the clock starts now.")}
	case to == dsr.StateInProgress:
		return requestMoveForm{To: to, Title: L.T("Resume"), Button: L.T("Resume work"),
			Help: L.T("Record why work on the request resumes.")}
	case to == dsr.StatePaused:
		return requestMoveForm{To: to, Title: L.T("Pause"), Button: L.T("Pause the request"),
			Help: L.T("Waiting for the requester, for example for a clarification. Pausing does not stop the legal clock.")}
	}
	return requestMoveForm{To: to, Title: L.T("Reject"), Button: L.T("Reject the request"), Danger: true,
		Help: L.T("Give the reason the requester will be told, for example identity not verified, or a request manifestly unfounded or excessive.")}
}

// noticeDraft is a draft of the notice that tells the requester of an
// extension, with the reasons; it becomes the transition's reason.
func (rc *reqCtx) noticeDraft(r dsr.Request) string {
	return rc.L.T("We received your %s request on %s. Because of its complexity and the number of requests we are handling, we need more time to answer it, as the law allows (%s). We will answer within the extended period and tell you if we need anything more from you.",
		strings.ToLower(rc.L.T(r.Type)), rc.L.Date(r.ReceivedAt), rc.L.citation(legalclock.NoticeCitation(r.RuleSource)))
}

// executeHelp says what carrying out a request of a type does.
func (rc *reqCtx) executeHelp(typ string) string {
	switch typ {
	case dsr.TypeAccess, dsr.TypePortability:
		return rc.L.T("Prepares the access package: every record of the person, their consents with evidence, and who accessed their data and why. It is built when downloaded and never stored.")
	case dsr.TypeErasure:
		return rc.L.T("Crypto-shreds the person: their key is destroyed and every record of theirs becomes unreadable, in the database and in backups. This cannot be undone.")
	case dsr.TypeRestriction:
		return rc.L.T("Restricts processing of the person's data to the purposes named in the request (legal claims only when none is named).")
	case dsr.TypeObjection:
		return rc.L.T("Records the objection: processing for the purposes named in the request (direct marketing when none is named) stops.")
	case dsr.TypeWithdrawConsent:
		return rc.L.T("Withdraws the person's active consents for the purposes named in the request (all of them when none is named).")
	case dsr.TypeRectification:
		return rc.L.T("Writes the corrected values into one of the person's records, through the normal write path (validation, audit log).")
	}
	return ""
}

// requestMove changes the request's state (POST /v1/requests/{id}/transitions).
func (c *Console) requestMove(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	in := dsr.MoveInput{To: rc.r.PostFormValue("to"), Reason: rc.r.PostFormValue("reason")}
	var out dsr.Request
	if err := rc.call(http.MethodPost, "/v1/requests/"+seg(id)+"/transitions", in, &out); err != nil {
		return err
	}
	msg := rc.L.T("The request is now: %s.", rc.L.T(out.State))
	if out.State == dsr.StateExtended {
		msg = rc.L.T("Extended: the new due date is %s. Send the notice to the requester.", rc.L.Date(out.DueAt))
	}
	return rc.done("/console/requests/"+seg(id), msg)
}

// requestExecute carries the request out (POST /v1/requests/{id}/execute).
// An erasure needs its confirmation box ticked; a rectification sends the
// corrected values.
func (c *Console) requestExecute(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	var r dsr.View
	if err := rc.call(http.MethodGet, "/v1/requests/"+seg(id), nil, &r); err != nil {
		return err
	}
	f := rc.r.PostForm
	var in dsr.ExecuteInput
	switch r.Type {
	case dsr.TypeErasure:
		if f.Get("confirm") != "yes" {
			return &APIError{Status: http.StatusBadRequest, Code: "not_confirmed", Detail: rc.L.T("Tick the box to confirm that the person's data will be destroyed.")}
		}
	case dsr.TypeRectification:
		data, ok := parseValues(f.Get("values"))
		if !ok {
			return &APIError{Status: http.StatusBadRequest, Code: "invalid_values",
				Detail: rc.L.T("Write the corrected values one per line, as field = value.")}
		}
		in.Rectification = &dsr.Rectification{Collection: strings.TrimSpace(f.Get("collection")), RecordID: strings.TrimSpace(f.Get("record")),
			Purpose: strings.TrimSpace(f.Get("purpose")), Data: data}
	}
	var out dsr.Request
	if err := rc.call(http.MethodPost, "/v1/requests/"+seg(id)+"/execute", in, &out); err != nil {
		return err
	}
	msg := rc.L.T("The request was carried out.")
	if out.Type == dsr.TypeAccess || out.Type == dsr.TypePortability {
		msg = rc.L.T("The request was carried out: the access package can be downloaded.")
	}
	return rc.done("/console/requests/"+seg(id), msg)
}

// parseValues reads "field = value" lines into a record's new values.
func parseValues(s string) (map[string]any, bool) {
	out := map[string]any{}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, false
		}
		out[k] = strings.TrimSpace(v)
	}
	return out, len(out) > 0
}

// requestAddTask opens a task for a system outside the vault
// (POST /v1/requests/{id}/tasks).
func (c *Console) requestAddTask(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	f := rc.r.PostForm
	in := dsr.TaskInput{System: f.Get("system"), Description: f.Get("description"), Assignee: strings.TrimSpace(f.Get("assignee"))}
	if err := rc.call(http.MethodPost, "/v1/requests/"+seg(id)+"/tasks", in, nil); err != nil {
		return err
	}
	return rc.done("/console/requests/"+seg(id)+"#tasks", rc.L.T("Task added."))
}
