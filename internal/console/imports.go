package console

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"custodia/internal/cleanup"
	"custodia/internal/datamap"
	"custodia/internal/importer"
)

// Imports and the clean-up trail: the import jobs (/v1/imports) with
// their counts and first rejects, and the clean-up tasks
// (/v1/cleanup-tasks) that destroy the copy an import came from, closed
// with evidence.
func init() {
	extraRoutes = append(extraRoutes, func(c *Console) {
		c.handle("GET /console/imports", c.importsPage)
		c.handle("GET /console/imports/{id}", c.importPage)
		c.handle("GET /console/imports/{id}/rejects.csv", c.importRejectsCSV)
		c.handle("GET /console/cleanup", c.cleanupPage)
		c.handleForm("POST /console/cleanup/{id}/close", c.closeCleanupTask)
	})
}

// importsShown is how many of the newest jobs the imports page lists.
const importsShown = 100

// importJob is an import job as the API shows it.
type importJob struct {
	importer.Import
	Progress *struct {
		Rows          int       `json:"rows"`
		RowsPerSecond float64   `json:"rows_per_second"`
		StartedAt     time.Time `json:"started_at"`
	} `json:"progress,omitempty"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
	Rejects []importer.Reject `json:"rejects,omitempty"`
}

// importsView is the data of imports.html.
type importsView struct {
	Imports     []importJob
	SystemNames map[string]string
}

// impSystemNames maps system ids to names, when the role may list them.
func impSystemNames(rc *reqCtx) (map[string]string, error) {
	var sys struct {
		Systems []datamap.System `json:"systems"`
	}
	names := map[string]string{}
	ok, err := maybe(rc.call(http.MethodGet, "/v1/systems", nil, &sys))
	if err != nil || !ok {
		return names, err
	}
	for _, s := range sys.Systems {
		names[s.ID] = s.Name
	}
	return names, nil
}

// importsPage lists the import jobs, newest first.
func (c *Console) importsPage(rc *reqCtx) error {
	var out struct {
		Imports []importJob `json:"imports"`
	}
	if err := rc.call(http.MethodGet, query("/v1/imports", "limit", "100"), nil, &out); err != nil {
		return err
	}
	slices.SortStableFunc(out.Imports, func(a, b importJob) int { return b.StartedAt.Compare(a.StartedAt) })
	names, err := impSystemNames(rc)
	if err != nil {
		return err
	}
	v := importsView{Imports: out.Imports[:min(len(out.Imports), importsShown)], SystemNames: names}
	return rc.render(http.StatusOK, "imports", rc.L.T("Imports"), v)
}

// importView is the data of import.html.
type importView struct {
	Job        importJob
	SystemName string
	Task       *cleanup.Task
}

// importPage shows one job: its counts, where its rows came from, its
// clean-up task and its first rejects (masked by the API).
func (c *Console) importPage(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	var v importView
	if err := rc.call(http.MethodGet, "/v1/imports/"+seg(id), nil, &v.Job); err != nil {
		return err
	}
	if v.Job.SystemID != "" {
		var s datamap.System
		ok, err := maybe(rc.call(http.MethodGet, "/v1/systems/"+seg(v.Job.SystemID), nil, &s))
		if err != nil {
			return err
		}
		if ok {
			v.SystemName = s.Name
		}
	}
	if v.Job.CleanupTaskID != "" {
		var t cleanup.Task
		ok, err := maybe(rc.call(http.MethodGet, "/v1/cleanup-tasks/"+seg(v.Job.CleanupTaskID), nil, &t))
		if err != nil {
			return err
		}
		if ok {
			v.Task = &t
		}
	}
	return rc.render(http.StatusOK, "import", rc.L.T("Import %s", v.Job.ID), v)
}

// importRejectsCSV streams a job's rejects (masked values) as CSV, with
// the API's Content-Type and Content-Disposition.
func (c *Console) importRejectsCSV(rc *reqCtx) error {
	return rc.proxy("/v1/imports/" + seg(rc.r.PathValue("id")) + "/rejects.csv")
}

// cleanupRow is a clean-up task with its system's name and whether the
// person may close it.
type cleanupRow struct {
	cleanup.Task
	SystemName string
	CanClose   bool
}

// cleanupView is the data of cleanup.html.
type cleanupView struct {
	Open, Closed []cleanupRow
}

// cleanupMine reports whether the person is one of a task's assignees
// (the API lets them close it).
func cleanupMine(rc *reqCtx, t cleanup.Task) bool {
	if rc.me == nil {
		return false
	}
	return slices.ContainsFunc(t.Assignees, func(a string) bool { return strings.EqualFold(strings.TrimSpace(a), rc.me.User.Email) })
}

// cleanupTasks lists clean-up tasks by the API's filter (path with its
// query), each with whether the person may close it.
func cleanupTasks(rc *reqCtx, path string, names map[string]string) ([]cleanupRow, error) {
	var out struct {
		Tasks []cleanup.Task `json:"tasks"`
	}
	if err := rc.call(http.MethodGet, path, nil, &out); err != nil {
		return nil, err
	}
	rows := make([]cleanupRow, len(out.Tasks))
	for i, t := range out.Tasks {
		rows[i] = cleanupRow{Task: t, SystemName: names[t.SystemID],
			CanClose: t.State == cleanup.StateOpen && (rc.me.Can("governance:manage") || cleanupMine(rc, t))}
	}
	return rows, nil
}

// cleanupPage lists the clean-up tasks the person may see: all of them
// for governance roles, else those assigned to them.
func (c *Console) cleanupPage(rc *reqCtx) error {
	names, err := impSystemNames(rc)
	if err != nil {
		return err
	}
	var v cleanupView
	if v.Open, err = cleanupTasks(rc, query("/v1/cleanup-tasks", "state", cleanup.StateOpen), names); err != nil {
		return err
	}
	if v.Closed, err = cleanupTasks(rc, query("/v1/cleanup-tasks", "state", cleanup.StateClosed), names); err != nil {
		return err
	}
	return rc.render(http.StatusOK, "cleanup", rc.L.T("Clean-up tasks"), v)
}

// closeCleanupTask closes a task with evidence that the copy is
// destroyed (POST /v1/cleanup-tasks/{id}/close); a file, when attached,
// is kept by its SHA-256 only.
func (c *Console) closeCleanupTask(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	sum := strings.ToLower(strings.TrimSpace(rc.r.PostFormValue("evidence_sha256")))
	fileSum, err := govFileSHA256(rc, "evidence_file")
	if err != nil {
		return err
	}
	if fileSum != "" {
		sum = fileSum
	}
	in := map[string]string{"evidence": strings.TrimSpace(rc.r.PostFormValue("evidence"))}
	if sum != "" {
		in["evidence_sha256"] = sum
	}
	var out cleanup.Task
	if err := rc.call(http.MethodPost, "/v1/cleanup-tasks/"+seg(id)+"/close", in, &out); err != nil {
		var p *APIError
		if errors.As(err, &p) {
			switch p.Code {
			case "evidence_required":
				p.say(rc.L.T("Write the evidence that the copy was destroyed (at most 4,000 characters)."))
			case "invalid_evidence_sha256":
				p.say(rc.L.T("The SHA-256 must be 64 hexadecimal digits."))
			case "task_closed":
				p.say(rc.L.T("This clean-up task is closed already."))
			}
		}
		return err
	}
	return rc.done(govBack(rc, "/console/cleanup"), rc.L.T("Clean-up task closed: the copy is recorded as destroyed."))
}
