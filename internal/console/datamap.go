package console

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"custodia/internal/datamap"
	"custodia/internal/processors"
	"custodia/internal/scans"
)

// The data map: systems (official, shadow, proposed by scans), the
// picture, reported scans, and the processors with their DPAs. Every
// piece comes from /v1/systems, /v1/datamap.svg, /v1/scans and
// /v1/processors.
func init() {
	extraRoutes = append(extraRoutes, func(c *Console) {
		c.handle("GET /console/datamap", c.dataMap)
		c.handle("GET /console/datamap.svg", c.dataMapSVG)
		c.handle("GET /console/datamap/systems/{id}", c.system)
		c.handleForm("POST /console/datamap/systems", c.addSystem)
		c.handleForm("POST /console/datamap/systems/{id}/confirm", c.confirmSystem)
		c.handleForm("POST /console/datamap/systems/{id}/dismiss", c.dismissSystem)
		c.handle("GET /console/processors", c.processorsPage)
		c.handleForm("POST /console/processors", c.addProcessor)
	})
}

// govScansShown is how many of the newest scans the data map lists.
const govScansShown = 20

// govLocationsShown is how many locations of one scan a system page shows.
const govLocationsShown = 500

// systemRow is a system with its processors' names and its categories
// grouped by where they are known from.
type systemRow struct {
	datamap.System
	ProcessorNames []string
	CategoryGroups []categoryGroup
}

// categoryGroup is the categories of a system known from one source.
type categoryGroup struct {
	Source string
	Names  []string
}

// govCategoryGroups groups categories by source, in the order sources
// first appear.
func govCategoryGroups(cats []datamap.Category) []categoryGroup {
	var out []categoryGroup
	for _, c := range cats {
		i := slices.IndexFunc(out, func(g categoryGroup) bool { return g.Source == c.Source })
		if i < 0 {
			out = append(out, categoryGroup{Source: c.Source})
			i = len(out) - 1
		}
		if !slices.Contains(out[i].Names, c.Category) {
			out[i].Names = append(out[i].Names, c.Category)
		}
	}
	return out
}

// scanRow is a reported scan with the categories it found.
type scanRow struct {
	scans.Scan
	Locations int
}

// dataMapView is the data of datamap.html. Scans is nil when the role
// may not read scans.
type dataMapView struct {
	Systems    []systemRow
	Proposed   []systemRow
	Scans      []scanRow
	CanScans   bool
	Processors []processors.Processor
	Problems   int // processors with a DPA problem
	Kinds      []string
	Txt        govText
	Form       systemForm // the form that adds a system, empty
}

// govLists reads the systems and the processors, and names each system's
// processors.
func govLists(rc *reqCtx) ([]systemRow, []processors.Processor, error) {
	var sys struct {
		Systems []datamap.System `json:"systems"`
	}
	if err := rc.call(http.MethodGet, "/v1/systems", nil, &sys); err != nil {
		return nil, nil, err
	}
	var ps struct {
		Processors []processors.Processor `json:"processors"`
	}
	if err := rc.call(http.MethodGet, "/v1/processors", nil, &ps); err != nil {
		return nil, nil, err
	}
	names := govProcessorNames(ps.Processors)
	rows := make([]systemRow, len(sys.Systems))
	for i, s := range sys.Systems {
		rows[i] = systemRow{System: s, CategoryGroups: govCategoryGroups(s.Categories)}
		for _, id := range s.Processors {
			rows[i].ProcessorNames = append(rows[i].ProcessorNames, govNameOr(names, id))
		}
	}
	return rows, ps.Processors, nil
}

// govProcessorNames maps processor ids to "vendor service".
func govProcessorNames(ps []processors.Processor) map[string]string {
	m := make(map[string]string, len(ps))
	for _, p := range ps {
		m[p.ID] = p.Vendor + " " + p.Service
	}
	return m
}

func govNameOr(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id
}

// dataMap shows the systems table, the picture, the scans and the
// proposals to confirm or dismiss.
func (c *Console) dataMap(rc *reqCtx) error {
	rows, ps, err := govLists(rc)
	if err != nil {
		return err
	}
	v := dataMapView{Systems: rows, Processors: ps, Kinds: govSystemKinds(), Txt: govText{rc.L},
		Form: systemForm{S: datamap.System{Status: datamap.StatusOfficial}, Kinds: govSystemKinds(), Processors: ps, Txt: govText{rc.L}, L: rc.L}}
	for _, r := range rows {
		if r.Status == datamap.StatusProposed {
			v.Proposed = append(v.Proposed, r)
		}
	}
	for _, p := range ps {
		if len(p.Problems) > 0 {
			v.Problems++
		}
	}
	if rc.me.Can("scans:read") {
		var out struct {
			Scans []scans.Scan `json:"scans"`
		}
		ok, err := maybe(rc.call(http.MethodGet, query("/v1/scans", "limit", strconv.Itoa(govScansShown)), nil, &out))
		if err != nil {
			return err
		}
		if ok {
			v.CanScans = true
			v.Scans = []scanRow{}
			for _, s := range out.Scans[:min(len(out.Scans), govScansShown)] {
				// The list leaves out what each scan found; one location is
				// enough to get its categories and its count.
				var one struct {
					Scan  scans.Scan `json:"scan"`
					Total int        `json:"locations_total"`
				}
				if err := rc.call(http.MethodGet, query("/v1/scans/"+seg(s.ID), "limit", "1"), nil, &one); err != nil {
					return err
				}
				s.Categories = one.Scan.Categories
				v.Scans = append(v.Scans, scanRow{Scan: s, Locations: one.Total})
			}
		}
	}
	return rc.render(http.StatusOK, "datamap", rc.L.T("Data map"), v)
}

// govSystemKinds are the kinds a new system may have (not the vault's).
func govSystemKinds() []string {
	return slices.DeleteFunc(slices.Clone(datamap.Kinds), func(k string) bool { return k == "vault" })
}

// dataMapSVG streams the picture of the map (GET /v1/datamap.svg), for
// the <img> of the data map page: same origin, so the console's
// img-src 'self' allows it.
func (c *Console) dataMapSVG(rc *reqCtx) error {
	return rc.proxy("/v1/datamap.svg")
}

// systemScan is a scan that found data in a system, with its locations.
type systemScan struct {
	scans.Scan
	Total int
}

// systemView is the data of system.html.
type systemView struct {
	System     datamap.System
	Processors []processors.Processor
	Unknown    []string // processor ids the register lacks
	Scans      []systemScan
	CanScans   bool
	Tasks      []cleanupRow // its clean-up tasks, when the person may see them
	Txt        govText
}

// system shows one system with where its scans found personal data.
func (c *Console) system(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	v := systemView{Txt: govText{rc.L}}
	if err := rc.call(http.MethodGet, "/v1/systems/"+seg(id), nil, &v.System); err != nil {
		return err
	}
	if len(v.System.Processors) > 0 {
		var ps struct {
			Processors []processors.Processor `json:"processors"`
		}
		if err := rc.call(http.MethodGet, "/v1/processors", nil, &ps); err != nil {
			return err
		}
		for _, pid := range v.System.Processors {
			if i := slices.IndexFunc(ps.Processors, func(p processors.Processor) bool { return p.ID == pid }); i >= 0 {
				v.Processors = append(v.Processors, ps.Processors[i])
			} else {
				v.Unknown = append(v.Unknown, pid)
			}
		}
	}
	if rc.me.Can("scans:read") {
		v.CanScans = true
		var ids []string
		for _, cat := range v.System.Categories {
			if cat.Source == datamap.SourceScan && cat.ScanID != "" && !slices.Contains(ids, cat.ScanID) {
				ids = append(ids, cat.ScanID)
			}
		}
		for _, sid := range ids {
			var out struct {
				Scan  scans.Scan `json:"scan"`
				Total int        `json:"locations_total"`
			}
			ok, err := maybe(rc.call(http.MethodGet, query("/v1/scans/"+seg(sid), "limit", strconv.Itoa(govLocationsShown)), nil, &out))
			if err != nil {
				return err
			}
			if ok {
				v.Scans = append(v.Scans, systemScan{Scan: out.Scan, Total: out.Total})
			}
		}
		slices.SortFunc(v.Scans, func(a, b systemScan) int { return b.CreatedAt.Compare(a.CreatedAt) })
	}
	if v.System.Migration != nil || rc.me.Can("governance:read") {
		tasks, err := cleanupTasks(rc, query("/v1/cleanup-tasks", "system", v.System.ID), map[string]string{v.System.ID: v.System.Name})
		if _, err := maybe(err); err != nil {
			return err
		}
		v.Tasks = tasks
	}
	return rc.render(http.StatusOK, "system", v.System.Name, v)
}

// addSystem adds a system to the map (POST /v1/systems).
func (c *Console) addSystem(rc *reqCtx) error {
	var out datamap.System
	if err := rc.call(http.MethodPost, "/v1/systems", systemFromForm(rc), &out); err != nil {
		return err
	}
	return rc.done("/console/datamap/systems/"+seg(out.ID), rc.L.T("System added to the data map."))
}

// confirmSystem settles a proposed system as shadow or official
// (POST /v1/systems/{id}/confirm).
func (c *Console) confirmSystem(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	status := rc.r.PostFormValue("status")
	if status == "" {
		status = datamap.StatusShadow
	}
	var out datamap.System
	if err := rc.call(http.MethodPost, "/v1/systems/"+seg(id)+"/confirm", map[string]string{"status": status}, &out); err != nil {
		return err
	}
	return rc.done(govBack(rc, "/console/datamap"), rc.L.T("%s is on the data map as %s.", govClip(out.Name), rc.L.T(out.Status)))
}

// dismissSystem drops a system a scan proposed (DELETE /v1/systems/{id});
// its scans stay on record. Only a proposal is dismissed here: a
// confirmed system is not deleted by a button meant for proposals.
func (c *Console) dismissSystem(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	var sys datamap.System
	if err := rc.call(http.MethodGet, "/v1/systems/"+seg(id), nil, &sys); err != nil {
		return err
	}
	if sys.Status != datamap.StatusProposed {
		return &APIError{Status: http.StatusConflict, Code: "not_proposed", Detail: rc.L.T("Only a system a scan proposed can be dismissed; this one is confirmed.")}
	}
	if err := rc.call(http.MethodDelete, "/v1/systems/"+seg(id), nil, nil); err != nil {
		return err
	}
	return rc.done("/console/datamap", rc.L.T("Proposal dismissed: %s is no longer on the data map. Its scans stay on record.", govClip(sys.Name)))
}

// govClip shortens a name for a flash message, which must stay short.
func govClip(s string) string {
	if r := []rune(s); len(r) > 50 {
		return string(r[:49]) + "…"
	}
	return s
}

// govBack is the console page a form asks to return to, else def.
func govBack(rc *reqCtx, def string) string {
	if p := rc.r.PostFormValue("back"); safeNext(p) {
		return p
	}
	return def
}

// processorsView is the data of processors.html.
type processorsView struct {
	Processors []processors.Processor
	Problems   int
	Form       processorForm // the registration form, empty
}

// processorsPage lists the processors with their DPAs, problems first.
func (c *Console) processorsPage(rc *reqCtx) error {
	var out struct {
		Processors []processors.Processor `json:"processors"`
	}
	if err := rc.call(http.MethodGet, "/v1/processors", nil, &out); err != nil {
		return err
	}
	v := processorsView{Processors: out.Processors, Form: rc.processorForm(processors.Processor{})}
	slices.SortStableFunc(v.Processors, func(a, b processors.Processor) int {
		return govBool(len(b.Problems) > 0) - govBool(len(a.Problems) > 0)
	})
	for _, p := range v.Processors {
		if len(p.Problems) > 0 {
			v.Problems++
		}
	}
	return rc.render(http.StatusOK, "processors", rc.L.T("Processors"), v)
}

func govBool(b bool) int {
	if b {
		return 1
	}
	return 0
}

// addProcessor registers a processor (POST /v1/processors). A DPA file,
// when given, is kept by its SHA-256 only.
func (c *Console) addProcessor(rc *reqCtx) error {
	p, err := rc.processorFromForm()
	if err != nil {
		return err
	}
	if err := rc.call(http.MethodPost, "/v1/processors", p, nil); err != nil {
		return err
	}
	return rc.done("/console/processors", rc.L.T("Processor registered."))
}

// govCutLast splits s around the last sep, trimming both halves.
func govCutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return "", "", false
	}
	a, b := strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+len(sep):])
	return a, b, a != "" && b != ""
}

// govList splits a text field into its entries: separated by commas or
// new lines, trimmed, empty ones dropped.
func govList(s string) []string {
	return govSplit(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' })
}

// govLines splits a text area into its non-empty lines (paths and
// database URLs may hold commas).
func govLines(s string) []string {
	return govSplit(s, func(r rune) bool { return r == '\n' || r == '\r' })
}

func govSplit(s string, sep func(rune) bool) []string {
	out := []string{}
	for _, p := range strings.FieldsFunc(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// govUpper upper-cases country codes.
func govUpper(l []string) []string {
	for i := range l {
		l[i] = strings.ToUpper(l[i])
	}
	return l
}

// govDate reads a date input as midnight in the console's zone; empty is
// nil.
func govDate(rc *reqCtx, v string) (*time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	t, err := time.ParseInLocation("2006-01-02", v, rc.c.opts.Location)
	if err != nil {
		return nil, &APIError{Status: http.StatusBadRequest, Code: "invalid_date", Detail: rc.L.T("The date is not valid.")}
	}
	return &t, nil
}

// govDateTime reads a datetime-local input in the console's zone; empty
// is the zero time (the API says what is missing).
func govDateTime(rc *reqCtx, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, rc.c.opts.Location); err == nil {
			return t, nil
		}
	}
	return time.Time{}, &APIError{Status: http.StatusBadRequest, Code: "invalid_datetime", Detail: rc.L.T("The date and time are not valid.")}
}

// govFileSHA256 hashes an uploaded file (lower-case hex SHA-256, as the
// API keeps evidence); "" when the form has no file in that field. The
// file itself is not kept.
func govFileSHA256(rc *reqCtx, field string) (string, error) {
	if rc.r.MultipartForm == nil {
		return "", nil
	}
	file, hdr, err := rc.r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) {
		return "", nil
	}
	if err != nil {
		return "", &APIError{Status: http.StatusBadRequest, Code: "bad_form", Detail: rc.L.T("The form could not be read.")}
	}
	defer file.Close()
	if hdr.Filename == "" && hdr.Size == 0 {
		return "", nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, file); err != nil {
		return "", &APIError{Status: http.StatusBadRequest, Code: "bad_form", Detail: rc.L.T("The form could not be read.")}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
