package console_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"custodia/internal/testutil"
)

// govPostFile sends a multipart form with one file, and the CSRF token of
// the last page w loaded.
func govPostFile(t *testing.T, w *web, path string, fields map[string]string, field, name string, content []byte) page {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if _, ok := fields["csrf"]; !ok {
		_ = mw.WriteField("csrf", w.csrf)
	}
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if field != "" {
		fw, err := mw.CreateFormFile(field, name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, w.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return w.do(req)
}

// govScan reports a scan through the API and returns its answer.
func govScan(t *testing.T, c *testutil.Client, host string, roots []string, locations []map[string]any) map[string]any {
	t.Helper()
	now := time.Now().UTC()
	findings := 0
	for _, l := range locations {
		findings += l["count"].(int)
	}
	return c.Must(201, "POST", "/v1/scans", map[string]any{"source": host, "roots": roots,
		"started_at": now.Add(-time.Minute), "finished_at": now,
		"summary":   map[string]any{"files": len(locations), "bytes": 4096, "findings": findings, "by_entity": map[string]int{}},
		"locations": locations}).JSON()
}

// govProposed reports a scan of a place no system matches and returns
// the id of the system it proposes.
func govProposed(t *testing.T, c *testutil.Client, host, root string) string {
	t.Helper()
	out := govScan(t, c, host, []string{root}, []map[string]any{
		{"path": root + "/customers.xlsx", "column": "Phone", "entity": "PHONE_NUMBER", "category": "user.contact.phone_number", "count": 40, "max_confidence": 0.95}})
	if out["proposed_system"] != true {
		t.Fatalf("scan of %s proposed no system: %v", root, out)
	}
	return out["systems"].([]any)[0].(string)
}

// govExpect fails unless the page has status and holds every text.
func govExpect(t *testing.T, what string, p page, status int, texts ...string) {
	t.Helper()
	if p.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, p.Status, status, p.Body)
	}
	for _, s := range texts {
		if !strings.Contains(p.Body, s) {
			t.Errorf("%s: page lacks %q", what, s)
		}
	}
}

// govFixture is a data map with a processor without DPA, one whose DPA
// expired, an official CRM that sends data to the first, a scan of the
// CRM and a system a scan proposed.
type govFixture struct {
	e                  *env
	zalo, mailer       string // processor ids
	crm, proposed      string // system ids
	crmScan, laptopDir string
}

func newGovFixture(t *testing.T) *govFixture {
	t.Helper()
	e := newEnv(t)
	f := &govFixture{e: e, laptopDir: "/home/an/exports"}
	f.zalo = e.admin.Must(201, "POST", "/v1/processors", map[string]any{"vendor": "Zalo", "service": "Official Account", "country": "VN",
		"dpa_status": "none", "categories": []string{"user.contact.phone_number"}}).JSON()["id"].(string)
	f.mailer = e.admin.Must(201, "POST", "/v1/processors", map[string]any{"vendor": "MailCo", "service": "Newsletters", "country": "SG",
		"dpa_status": "signed", "dpa_signed_at": "2023-01-10T00:00:00Z", "dpa_expires_at": "2025-01-10T00:00:00Z",
		"categories": []string{"user.contact.email"}}).JSON()["id"].(string)
	f.crm = e.admin.Must(201, "POST", "/v1/systems", map[string]any{"name": "Sales CRM", "kind": "crm", "status": "official",
		"owner": "Lan Nguyen (sales lead)", "holders": []string{"an.tran@example.com"}, "categories": []string{"user.contact.email"},
		"jurisdictions": []string{"VN"}, "transfers": []string{"SG"}, "processors": []string{f.zalo},
		"match": map[string]any{"hosts": []string{"crm-01"}, "paths": []string{}}}).JSON()["id"].(string)
	out := govScan(t, e.admin, "crm-01", []string{"/srv/crm"}, []map[string]any{
		{"path": "/srv/crm/export-2026.csv", "column": "email", "entity": "EMAIL_ADDRESS", "category": "user.contact.email", "count": 120, "max_confidence": 0.99},
		{"path": "/srv/crm/export-2026.csv", "column": "mobile", "entity": "PHONE_NUMBER", "category": "user.contact.phone_number", "count": 80, "max_confidence": 0.9}})
	f.crmScan = out["scan"].(map[string]any)["id"].(string)
	if out["proposed_system"] != false {
		t.Fatalf("the CRM's scan proposed a system: %v", out)
	}
	f.proposed = govProposed(t, e.admin, "laptop-7", f.laptopDir)
	return f
}

// TestDataMapShowsTheMap: systems, scans and processors created through
// the API appear with their details; the picture is served.
func TestDataMapShowsTheMap(t *testing.T) {
	f := newGovFixture(t)
	e := f.e
	w := e.web(t)
	w.SignIn(e.newPerson(t, "dpo"))

	r := w.Get("/console/datamap")
	govExpect(t, "data map", r, 200,
		`id="system-`+f.crm+`"`, "Sales CRM", "Lan Nguyen (sales lead)", "an.tran@example.com", "Zalo Official Account", ">VN<", ">SG<",
		"user.contact.email", "found by a scan", "Custodia vault", `id="system-sys_vault"`,
		`<img id="datamap-img" src="/console/datamap.svg"`, `href="/console/processors"`,
		`id="scan-`+f.crmScan+`"`, "crm-01", "/srv/crm", "user.contact.phone_number (80)", "user.contact.email (120)",
		`id="proposal-`+f.proposed+`"`, "laptop-7: "+f.laptopDir, `action="/console/datamap/systems/`+f.proposed+`/confirm"`,
		`action="/console/datamap/systems/`+f.proposed+`/dismiss"`, `id="system-form"`, "2 with a DPA problem")

	// A database scan reads tables, not files: the table says how many.
	now := time.Now().UTC()
	dbScan := e.admin.Must(201, "POST", "/v1/scans", map[string]any{"source": "crm-01", "roots": []string{"postgres://crm-db/crm"},
		"started_at": now.Add(-time.Minute), "finished_at": now,
		"summary":   map[string]any{"files": 0, "tables": 7, "bytes": 0, "findings": 3, "by_entity": map[string]int{"EMAIL_ADDRESS": 3}},
		"locations": []map[string]any{{"path": "postgres://crm-db/crm", "column": "contacts.email", "entity": "EMAIL_ADDRESS", "category": "user.contact.email", "count": 3, "max_confidence": 0.95}}}).JSON()
	dbScanID := dbScan["scan"].(map[string]any)["id"].(string)
	if r := e.admin.Must(200, "GET", "/v1/scans/"+dbScanID, nil).JSON(); r["scan"].(map[string]any)["summary"].(map[string]any)["tables"] != 7.0 {
		t.Errorf("stored database scan: %v", r)
	}
	govExpect(t, "data map with a database scan", w.Get("/console/datamap"), 200, `id="scan-`+dbScanID+`"`, "7 tables")

	r = w.Get("/console/datamap/systems/" + f.crm)
	govExpect(t, "system page", r, 200, "Sales CRM", "Lan Nguyen (sales lead)", "an.tran@example.com", "Zalo Official Account",
		`id="locations-`+f.crmScan+`"`, "/srv/crm/export-2026.csv", "mobile", "PHONE_NUMBER", "0.90", "crm-01")
	if strings.Contains(r.Body, `class="row confirm-form"`) {
		t.Error("an official system offers to be confirmed")
	}
	r = w.Get("/console/datamap/systems/" + f.proposed)
	govExpect(t, "proposed system page", r, 200, "laptop-7: "+f.laptopDir, f.laptopDir+"/customers.xlsx", "Phone", "confirm-form", "dismiss-form")

	govExpect(t, "the vault's page", w.Get("/console/datamap/systems/sys_vault"), 200, "Custodia vault", "from the vault&#39;s schemas",
		"user.contact.phone_number")

	r = w.Get("/console/processors")
	govExpect(t, "processors", r, 200, `id="processor-`+f.zalo+`" class="problem"`, `id="processor-`+f.mailer+`" class="problem"`,
		"DPA missing: personal data flows to it without a signed DPA", "DPA expired: personal data still flows to it",
		"10 Jan 2025", "10 Jan 2023", "MailCo Newsletters", "no DPA", `id="processor-form"`)

	// The picture, proxied from /v1/datamap.svg.
	svg := w.Get("/console/datamap.svg")
	if svg.Status != 200 || svg.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(svg.Body, "<svg") ||
		!strings.Contains(svg.Body, "Sales CRM") || !strings.Contains(svg.Body, "processor: Zalo Official Account") {
		t.Fatalf("picture: %d %q %.200s", svg.Status, svg.Header.Get("Content-Type"), svg.Body)
	}

	// An unknown system is the not-found page.
	govExpect(t, "unknown system", w.Get("/console/datamap/systems/sys_nope"), 404, "There is nothing here")

	// In Vietnamese.
	w.Get("/console/datamap")
	if r := w.Post("/console/language", url.Values{"lang": {"vi"}, "back": {"/console/datamap"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("switch to Vietnamese: %d", r.Status)
	}
	govExpect(t, "data map in Vietnamese", w.Get("/console/datamap"), 200, "Sơ đồ bản đồ dữ liệu", "Hệ thống do quét dữ liệu đề xuất",
		"do quét dữ liệu tìm thấy:", "Sales CRM", "Bác bỏ", "7 bảng")
	govExpect(t, "processors in Vietnamese", w.Get("/console/processors"), 200, "Thiếu DPA", "10/01/2025", "chưa có DPA")

}

// TestDataMapConfirmDismiss: a proposed system confirmed or dismissed
// through the console is so in the API; only proposals are dismissed.
func TestDataMapConfirmDismiss(t *testing.T) {
	f := newGovFixture(t)
	e := f.e
	other := govProposed(t, e.admin, "shared-pc", "/mnt/share/sales")
	w := e.web(t)
	w.SignIn(e.newPerson(t, "dpo"))
	w.Get("/console/datamap")

	r := w.Post("/console/datamap/systems/"+f.proposed+"/confirm", url.Values{"status": {"shadow"}})
	if r.Status != http.StatusSeeOther || r.Location != "/console/datamap" {
		t.Fatalf("confirm: %d %s %s", r.Status, r.Location, r.Body)
	}
	if got := e.admin.Must(200, "GET", "/v1/systems/"+f.proposed, nil).JSON()["status"]; got != "shadow" {
		t.Fatalf("confirmed system has status %v", got)
	}
	r = w.Get("/console/datamap")
	govExpect(t, "after confirming", r, 200, "is on the data map as shadow.")
	if strings.Contains(r.Body, `id="proposal-`+f.proposed+`"`) {
		t.Error("a confirmed system is still offered as a proposal")
	}

	// Confirmed as official from its own page.
	w.Get("/console/datamap/systems/" + other)
	r = w.Post("/console/datamap/systems/"+other+"/confirm", url.Values{"status": {"official"}, "back": {"/console/datamap/systems/" + other}})
	if r.Status != http.StatusSeeOther || r.Location != "/console/datamap/systems/"+other {
		t.Fatalf("confirm as official: %d %s", r.Status, r.Location)
	}
	if got := e.admin.Must(200, "GET", "/v1/systems/"+other, nil).JSON()["status"]; got != "official" {
		t.Fatalf("system confirmed as official has status %v", got)
	}

	// Dismissing a proposal deletes it; its scan stays.
	third := govProposed(t, e.admin, "laptop-9", "/Users/binh/Desktop")
	w.Get("/console/datamap")
	r = w.Post("/console/datamap/systems/"+third+"/dismiss", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("dismiss: %d %s", r.Status, r.Body)
	}
	if got := e.admin.Do("GET", "/v1/systems/"+third, nil); got.Status != 404 {
		t.Fatalf("dismissed system: %d %s", got.Status, got.Body)
	}
	govExpect(t, "after dismissing", w.Get("/console/datamap"), 200, "Proposal dismissed", "laptop-9")

	// A confirmed system is not dismissed, and confirming twice is the
	// API's conflict.
	r = w.Post("/console/datamap/systems/"+f.crm+"/dismiss", nil)
	govExpect(t, "dismiss a confirmed system", r, http.StatusConflict, "Only a system a scan proposed can be dismissed")
	e.admin.Must(200, "GET", "/v1/systems/"+f.crm, nil)
	w.Get("/console/datamap")
	r = w.Post("/console/datamap/systems/"+f.proposed+"/confirm", url.Values{"status": {"official"}})
	govExpect(t, "confirm twice", r, http.StatusConflict, "only a system a scan proposed is confirmed")
	govExpect(t, "dismiss unknown", w.Post("/console/datamap/systems/sys_nope/dismiss", nil), 404, "There is nothing here")
}

// TestDataMapAddSystemAndProcessor: the forms add what the API then
// lists; bad input shows the API's reason.
func TestDataMapAddSystemAndProcessor(t *testing.T) {
	e := newEnv(t)
	w := e.web(t)
	w.SignIn(e.newPerson(t, "dpo"))
	w.Get("/console/processors")

	// A processor with a signed DPA and its document, kept by hash.
	doc := []byte("%PDF-1.7 data processing agreement between the company and Haravan")
	sum := sha256.Sum256(doc)
	r := govPostFile(t, w, "/console/processors", map[string]string{"vendor": "Haravan", "service": "Online shop", "country": "vn",
		"dpa_status": "signed", "dpa_signed_at": "2025-03-01", "dpa_expires_at": "2028-03-01",
		"categories": "user.contact.email, user.contact.address", "purposes": "billing", "sub_processors": "Amazon Web Services, SG\nViettel IDC, VN"},
		"dpa_document", "dpa.pdf", doc)
	if r.Status != http.StatusSeeOther || r.Location != "/console/processors" {
		t.Fatalf("add processor: %d %s %s", r.Status, r.Location, r.Body)
	}
	list := e.admin.Must(200, "GET", "/v1/processors", nil).JSON()["processors"].([]any)
	if len(list) != 1 {
		t.Fatalf("processors: %v", list)
	}
	p := list[0].(map[string]any)
	if p["vendor"] != "Haravan" || p["country"] != "VN" || p["dpa_document_sha256"] != hex.EncodeToString(sum[:]) ||
		len(p["sub_processors"].([]any)) != 2 || len(p["categories"].([]any)) != 2 || len(p["problems"].([]any)) != 0 {
		t.Fatalf("processor as stored: %v", p)
	}
	prc := p["id"].(string)
	govExpect(t, "processors page", w.Get("/console/processors"), 200, "Haravan Online shop", "DPA signed", "Viettel IDC (VN)", "no problem")

	// A system that sends data to it.
	w.Get("/console/datamap")
	r = w.Post("/console/datamap/systems", url.Values{"name": {"Shop back office"}, "kind": {"saas"}, "status": {"official"},
		"owner": {"Minh (operations)"}, "holders": {"minh@example.com, thu@example.com"}, "categories": {"user.contact.address"},
		"jurisdictions": {"VN"}, "transfers": {"sg, us"}, "processors": {prc}, "match_hosts": {"backoffice-1"},
		"match_paths": {"/srv/shop,with-comma\n/srv/shop2"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/console/datamap/systems/sys_") {
		t.Fatalf("add system: %d %s %s", r.Status, r.Location, r.Body)
	}
	id := strings.TrimPrefix(r.Location, "/console/datamap/systems/")
	sys := e.admin.Must(200, "GET", "/v1/systems/"+id, nil).JSON()
	if sys["name"] != "Shop back office" || sys["status"] != "official" || len(sys["holders"].([]any)) != 2 ||
		strings.Join(govStrings(sys["transfers"]), ",") != "SG,US" || govStrings(sys["processors"])[0] != prc ||
		strings.Join(govStrings(sys["match"].(map[string]any)["paths"]), "|") != "/srv/shop,with-comma|/srv/shop2" {
		t.Fatalf("system as stored: %v", sys)
	}
	govExpect(t, "new system page", w.Get(r.Location), 200, "System added to the data map.", "Shop back office", "Minh (operations)",
		"thu@example.com", "Haravan Online shop", "SaaS tool", "/srv/shop2")

	// Bad input: the API's reason, a 4xx, nothing added.
	w.Get("/console/datamap")
	r = w.Post("/console/datamap/systems", url.Values{"name": {""}, "kind": {"crm"}})
	govExpect(t, "system without a name", r, 400, "name must be 1 to 200 characters")
	r = w.Post("/console/datamap/systems", url.Values{"name": {"X"}, "kind": {"crm"}, "transfers": {"Singapore"}})
	govExpect(t, "system with a bad country", r, 400, "ISO 3166-1 alpha-2")
	r = w.Post("/console/datamap/systems", url.Values{"name": {"Y"}, "kind": {"crm"}, "processors": {"prc_nope"}})
	govExpect(t, "system with an unknown processor", r, 400, "no processor has the id")
	w.Get("/console/processors")
	r = w.Post("/console/processors", url.Values{"vendor": {"Z"}, "service": {"S"}, "country": {"VN"}, "dpa_status": {"signed"}})
	govExpect(t, "signed DPA without a date", r, 400, "a signed DPA needs dpa_signed_at")
	r = w.Post("/console/processors", url.Values{"vendor": {"Z"}, "service": {"S"}, "country": {"VN"}, "dpa_status": {"none"}, "sub_processors": {"no country"}})
	govExpect(t, "bad sub-processor", r, 400, "Write each sub-processor as its name")
	r = w.Post("/console/processors", url.Values{"vendor": {"Z"}, "service": {"S"}, "country": {"VN"}, "dpa_status": {"signed"}, "dpa_signed_at": {"yesterday"}})
	govExpect(t, "bad date", r, 400, "The date is not valid.")
	if n := len(e.admin.Must(200, "GET", "/v1/systems", nil).JSON()["systems"].([]any)); n != 2 {
		t.Errorf("%d systems after bad input, want the vault and one", n)
	}
	if n := len(e.admin.Must(200, "GET", "/v1/processors", nil).JSON()["processors"].([]any)); n != 1 {
		t.Errorf("%d processors after bad input", n)
	}
}

func govStrings(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// TestEditProcessor: a processor registered without a DPA is edited once
// the DPA is signed; the form shows the stored values, saving without a
// new file keeps the document's hash, the problem goes away, bad input
// changes nothing, and a role without governance:manage sees no edit link.
func TestEditProcessor(t *testing.T) {
	e := newEnv(t)
	w := e.web(t)
	w.SignIn(e.newPerson(t, "dpo"))
	w.Get("/console/processors")
	doc := []byte("%PDF-1.7 draft agreement with MailCo")
	sum := sha256.Sum256(doc)
	r := govPostFile(t, w, "/console/processors", map[string]string{"vendor": "MailCo", "service": "Newsletters", "country": "us",
		"dpa_status": "draft", "categories": "user.contact.email", "purposes": "marketing", "sub_processors": "Amazon Web Services, US"},
		"dpa_document", "dpa.pdf", doc)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add processor: %d %s", r.Status, r.Body)
	}
	p := e.admin.Must(200, "GET", "/v1/processors", nil).JSON()["processors"].([]any)[0].(map[string]any)
	id := p["id"].(string)
	if len(p["problems"].([]any)) != 1 {
		t.Fatalf("a draft DPA with data flowing should be a problem: %v", p)
	}
	govExpect(t, "list with edit link", w.Get("/console/processors"), 200, `href="/console/processors/`+id+`/edit"`)
	govExpect(t, "edit form", w.Get("/console/processors/"+id+"/edit"), 200, `value="MailCo"`, `value="Newsletters"`, `value="US"`,
		`<option value="draft" selected>`, `value="user.contact.email"`, "Amazon Web Services, US", hex.EncodeToString(sum[:]))

	r = w.Post("/console/processors/"+id, url.Values{"vendor": {"MailCo"}, "service": {"Newsletters"}, "country": {"US"}, "dpa_status": {"signed"},
		"dpa_signed_at": {"2026-01-15"}, "dpa_expires_at": {"2029-01-15"}, "categories": {"user.contact.email"}, "purposes": {"marketing"},
		"sub_processors": {"Amazon Web Services, US"}})
	if r.Status != http.StatusSeeOther || r.Location != "/console/processors#processor-"+id {
		t.Fatalf("save processor: %d %s %s", r.Status, r.Location, r.Body)
	}
	p = e.admin.Must(200, "GET", "/v1/processors/"+id, nil).JSON()
	if p["dpa_status"] != "signed" || p["dpa_document_sha256"] != hex.EncodeToString(sum[:]) || len(p["problems"].([]any)) != 0 ||
		!strings.HasPrefix(p["dpa_signed_at"].(string), "2026-01-1") {
		t.Fatalf("processor after the edit: %v", p)
	}

	// Bad input: the API's reason, nothing changed.
	w.Get("/console/processors/" + id + "/edit")
	r = w.Post("/console/processors/"+id, url.Values{"vendor": {"MailCo"}, "service": {"Newsletters"}, "country": {"US"}, "dpa_status": {"signed"},
		"dpa_signed_at": {"2026-01-15"}, "dpa_expires_at": {"2025-01-15"}})
	govExpect(t, "expiry before signature", r, 400, "dpa_expires_at")
	if after := e.admin.Must(200, "GET", "/v1/processors/"+id, nil).JSON(); after["dpa_expires_at"] != p["dpa_expires_at"] || len(after["categories"].([]any)) != 1 {
		t.Errorf("a refused edit changed the processor: %v", after)
	}
	if r := w.Get("/console/processors/prc_nope/edit"); r.Status != http.StatusNotFound {
		t.Errorf("edit an unknown processor: %d", r.Status)
	}

	// An auditor reads the list but gets no edit link and may not save.
	wa := e.web(t)
	wa.SignIn(e.newPerson(t, "auditor"))
	if r := wa.Get("/console/processors"); r.Status != 200 || strings.Contains(r.Body, "/edit") {
		t.Errorf("auditor's processors page: %d", r.Status)
	}
	if r := wa.Post("/console/processors/"+id, url.Values{"vendor": {"X"}, "service": {"Y"}, "country": {"US"}, "dpa_status": {"none"}}); r.Status != http.StatusForbidden {
		t.Errorf("auditor saves a processor: %d", r.Status)
	}
}

// TestEditSystem: a shadow system is edited from its page: the form shows
// its values, saving replaces the declared facts and keeps what a scan
// found; the vault's entry and proposals are not edited here; bad input
// changes nothing.
func TestEditSystem(t *testing.T) {
	e := newEnv(t)
	w := e.web(t)
	w.SignIn(e.newPerson(t, "dpo"))
	sys := e.admin.Must(201, "POST", "/v1/systems", map[string]any{"name": "Lan's sheet", "kind": "spreadsheet", "status": "shadow",
		"owner": "Lan", "holders": []string{"lan@example.com"}, "categories": []string{"user.contact.email"}, "transfers": []string{"SG"},
		"match": map[string]any{"hosts": []string{"lan-laptop"}, "paths": []string{"/home/lan/sheets"}}}).JSON()
	id := sys["id"].(string)
	govExpect(t, "system page", w.Get("/console/datamap/systems/"+id), 200, `href="/console/datamap/systems/`+id+`/edit"`)
	govExpect(t, "edit form", w.Get("/console/datamap/systems/"+id+"/edit"), 200, `value="Lan&#39;s sheet"`, `value="lan@example.com"`,
		`value="user.contact.email"`, `value="SG"`, "/home/lan/sheets", `<option value="shadow" selected>`)

	r := w.Post("/console/datamap/systems/"+id, url.Values{"name": {"Lan's sheet (archived)"}, "kind": {"spreadsheet"}, "status": {"shadow"},
		"owner": {"Minh"}, "holders": {"lan@example.com, minh@example.com"}, "categories": {"user.contact.email, user.name"},
		"transfers": {"sg"}, "match_hosts": {"lan-laptop"}, "match_paths": {"/home/lan/sheets"}})
	if r.Status != http.StatusSeeOther || r.Location != "/console/datamap/systems/"+id {
		t.Fatalf("save system: %d %s %s", r.Status, r.Location, r.Body)
	}
	got := e.admin.Must(200, "GET", "/v1/systems/"+id, nil).JSON()
	if got["name"] != "Lan's sheet (archived)" || got["owner"] != "Minh" || len(got["holders"].([]any)) != 2 || len(got["categories"].([]any)) != 2 ||
		strings.Join(govStrings(got["transfers"]), ",") != "SG" {
		t.Fatalf("system after the edit: %v", got)
	}

	// Bad input: the API's reason, nothing changed.
	r = w.Post("/console/datamap/systems/"+id, url.Values{"name": {"X"}, "kind": {"spreadsheet"}, "status": {"shadow"}, "transfers": {"Singapore"}})
	govExpect(t, "bad country", r, 400, "ISO 3166-1 alpha-2")
	if after := e.admin.Must(200, "GET", "/v1/systems/"+id, nil).JSON(); after["name"] != "Lan's sheet (archived)" {
		t.Errorf("a refused edit changed the system: %v", after)
	}
	// The vault's entry has no edit form, and cannot be saved here.
	if r := w.Get("/console/datamap/systems/sys_vault"); strings.Contains(r.Body, `id="edit-system"`) {
		t.Errorf("the vault's entry offers an edit")
	}
	govExpect(t, "edit the vault", w.Get("/console/datamap/systems/sys_vault/edit"), 409, "derived from the collection schemas")
	if r := w.Get("/console/datamap/systems/sys_nope/edit"); r.Status != http.StatusNotFound {
		t.Errorf("edit an unknown system: %d", r.Status)
	}
}
