package incidents

import (
	"fmt"
	"time"
)

// Incident statuses: open until every task is closed or justified.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// Affected counts the subjects an incident affects. It never says who they
// are: subjects are only counted.
type Affected struct {
	Total          int            `json:"total"`     // vault subjects plus the estimate
	Vault          int            `json:"vault"`     // distinct vault subjects from the audit log and exposed collections
	Estimated      int            `json:"estimated"` // given by the caller, outside the vault
	ByJurisdiction map[string]int `json:"by_jurisdiction"`
	Unknown        int            `json:"unknown"` // subjects no jurisdiction was found for
}

// Incident is a personal-data breach: what happened, when, where, who was
// affected (counted), and its state.
type Incident struct {
	ID                string     `json:"id"`
	Status            string     `json:"status"`
	Description       string     `json:"description"`
	DetectedAt        time.Time  `json:"detected_at"`
	BecameAwareAt     time.Time  `json:"became_aware_at"`
	Window            *Window    `json:"window,omitempty"`
	Systems           []string   `json:"systems"`
	Categories        []string   `json:"categories"`
	Actor             string     `json:"actor,omitempty"` // the audit-log actor whose reads were counted
	Collections       []string   `json:"collections"`
	Jurisdictions     []string   `json:"jurisdictions"`
	JurisdictionField *FieldRef  `json:"jurisdiction_field,omitempty"`
	HighRisk          bool       `json:"high_risk"`
	Contact           string     `json:"contact,omitempty"`
	Affected          Affected   `json:"affected"`
	CreatedBy         string     `json:"created_by"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	ClosedAt          *time.Time `json:"closed_at,omitempty"`
}

// Task states.
const (
	TaskOpen      = "open"
	TaskClosed    = "closed"
	TaskJustified = "justified" // not done, with the reason as evidence
)

// Task is one step of handling an incident.
type Task struct {
	Name           string     `json:"task"`
	Title          string     `json:"title"`
	State          string     `json:"state"`
	Evidence       string     `json:"evidence,omitempty"`
	EvidenceSHA256 string     `json:"evidence_sha256,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	ClosedBy       string     `json:"closed_by,omitempty"`
}

// The tasks every incident starts with, in order.
const (
	TaskContain           = "contain"
	TaskInvestigate       = "investigate"
	TaskNotifyAuthority   = "notify_authority"
	TaskNotifyIndividuals = "notify_individuals"
	TaskRemediate         = "remediate"
	TaskReview            = "post_incident_review"
)

var taskTitles = [][2]string{
	{TaskContain, "Contain the breach: revoke the token or account, close the access, stop the leak"},
	{TaskInvestigate, "Investigate: confirm the scope, the data and the subjects involved"},
	{TaskNotifyAuthority, "Notify the authorities whose clocks run, or record why no notification is needed"},
	{TaskNotifyIndividuals, "Notify the affected individuals where required, or record why not"},
	{TaskRemediate, "Remediate: fix the cause and reduce the harm to the people affected"},
	{TaskReview, "Post-incident review: lessons learned, record of the breach (GDPR Art. 33(5))"},
}

// NewTasks returns an incident's initial tasks, all open.
func NewTasks() []Task {
	out := make([]Task, len(taskTitles))
	for i, t := range taskTitles {
		out[i] = Task{Name: t[0], Title: t[1], State: TaskOpen}
	}
	return out
}

// Event is one line of an incident's timeline. Details hold ids, regimes
// and counts, never personal data.
type Event struct {
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"`
	Actor  string    `json:"actor,omitempty"`
	Detail string    `json:"detail,omitempty"`
}

// Evidence is a piece of evidence kept by its SHA-256: the file stays
// wherever the organisation keeps it; its hash proves which one it was.
type Evidence struct {
	SHA256      string    `json:"sha256"`
	Description string    `json:"description"`
	AddedAt     time.Time `json:"added_at"`
	AddedBy     string    `json:"added_by"`
}

// Record is an incident with its clocks, tasks, timeline and evidence.
type Record struct {
	Incident
	Clocks   []Clock    `json:"clocks"`
	Tasks    []Task     `json:"tasks"`
	Timeline []Event    `json:"timeline"`
	Evidence []Evidence `json:"evidence"`
	Drafts   []Draft    `json:"drafts"`
}

// New builds a new incident's record from a validated input: its tasks,
// and a timeline that starts with the detection, the awareness, the
// filing and each clock started.
func New(id string, in Input, actor string, affected Affected, clocks []Clock, by string, now time.Time) Record {
	inc := Incident{ID: id, Status: StatusOpen, Description: in.Description, DetectedAt: in.DetectedAt.UTC(), BecameAwareAt: in.BecameAwareAt.UTC(),
		Systems: in.Systems, Categories: nonNil(in.Categories), Actor: actor, Collections: nonNil(in.Collections),
		Jurisdictions: nonNil(in.Jurisdictions), JurisdictionField: in.JurisdictionField, HighRisk: in.HighRisk, Contact: in.Contact,
		Affected: affected, CreatedBy: by, CreatedAt: now, UpdatedAt: now}
	if w := in.Window; w != nil {
		inc.Window = &Window{From: w.From.UTC(), To: w.To.UTC()}
	}
	r := Record{Incident: inc, Clocks: clocks, Tasks: NewTasks(), Evidence: []Evidence{}}
	r.Timeline = []Event{
		{At: inc.DetectedAt, Kind: "detected"},
		{At: inc.BecameAwareAt, Kind: "became_aware"},
		{At: now, Kind: "created", Actor: by, Detail: fmt.Sprintf("%d subjects affected (%d in the vault, %d estimated elsewhere, %d of unknown jurisdiction)",
			affected.Total, affected.Vault, affected.Estimated, affected.Unknown)},
	}
	for _, c := range clocks {
		r.Timeline = append(r.Timeline, Event{At: now, Kind: "clock_started", Actor: by,
			Detail: fmt.Sprintf("%s %s: %s from %s, due %s (%s)", c.Regime, c.Recipient, c.Period, c.Rule.Start, c.DueAt.UTC().Format(time.RFC3339), c.Source)})
	}
	for i := range r.Timeline {
		r.Timeline[i].Seq = int64(i + 1)
	}
	if len(clocks) == 0 {
		r.Clocks = []Clock{}
	}
	return r
}

// Refresh sets every clock's status at now.
func (r *Record) Refresh(now time.Time) {
	for i := range r.Clocks {
		r.Clocks[i].Refresh(now)
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
