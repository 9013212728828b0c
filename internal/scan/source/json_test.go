package source

import (
	"slices"
	"strings"
	"testing"
)

func TestJSON(t *testing.T) {
	for _, tc := range []struct {
		name    string
		file    string
		content string
		opts    Options
		want    []cell
		errs    []string
	}{
		{
			name: "nested arrays with key paths",
			file: "contacts.json",
			content: `{
  "owner": "Nguyễn Văn An",
  "contacts": [
    {"name": "Bình", "phone": "0912345678", "tags": [["vip", 1], []]},
    {"name": "Chi",
     "phones": ["0987654321", "+84 24 3825 1234"], "age": 42, "ok": true, "none": null}
  ],
  "note": "line\nbreak"
}`,
			want: []cell{
				{2, "owner", "owner", "Nguyễn Văn An"},
				{4, "contacts[0].name", "name", "Bình"},
				{4, "contacts[0].phone", "phone", "0912345678"},
				{4, "contacts[0].tags[0][0]", "tags", "vip"},
				{4, "contacts[0].tags[0][1]", "tags", "1"},
				{5, "contacts[1].name", "name", "Chi"},
				{6, "contacts[1].phones[0]", "phones", "0987654321"},
				{6, "contacts[1].phones[1]", "phones", "+84 24 3825 1234"},
				{6, "contacts[1].age", "age", "42"},
				{8, "note", "note", "line\nbreak"},
			},
		},
		{
			name:    "a top-level array, odd keys, several values",
			file:    "odd.json",
			content: "\xef\xbb\xbf[\"x\", {\"a.b\": {\"\": \"y\", \"k\\\"q\": 3.5e2}}]\n{\"z\": \"w\"}",
			want: []cell{
				{1, "[0]", "", "x"},
				{1, `[1]["a.b"][""]`, "", "y"},
				{1, `[1]["a.b"]["k\"q"]`, `k"q`, "3.5e2"},
				{2, "z", "z", "w"},
			},
		},
		{
			name:    "invalid JSON is reported with its line",
			file:    "bad.json",
			content: "{\"a\": \"ok\",\n \"b\": tru}",
			want:    []cell{{1, "a", "a", "ok"}, {2, "", "", ": tru}"}},
			errs:    []string{"line 2: invalid JSON"},
		},
		{
			name:    "the rest of invalid JSON is scanned as text",
			file:    "quotes.json",
			content: "[{\"name\": \"An\"},\n {\"email\": 'an@example.com'},\n {\"phone\": \"0912345678\"}]\n",
			want:    []cell{{1, "[0].name", "name", "An"}, {2, "", "", ": 'an@example.com'},"}, {3, "", "", "{\"phone\": \"0912345678\"}]"}},
			errs:    []string{"line 2: invalid JSON"},
		},
		{
			name:    "an unterminated string is scanned as text",
			file:    "open.json",
			content: "{\"a\": \"ok\", \"b\": \"an@example.com",
			want:    []cell{{1, "a", "a", "ok"}, {1, "", "", ": \"an@example.com"}},
			errs:    []string{"invalid JSON"},
		},
		{
			name:    "a truncated document",
			file:    "cut.json",
			content: "{\"a\": [\"ok\"",
			want:    []cell{{1, "a[0]", "a", "ok"}},
			errs:    []string{"JSON ends inside a value"},
		},
		{
			name:    "a long string is split, a token over the cap ends the file",
			file:    "long.json",
			content: `{"a": "aaaa bbbb cccc dddd eeee", "b": "` + strings.Repeat("z", 100) + `", "c": "after"}`,
			opts:    Options{MaxLineBytes: 16},
			want:    []cell{{1, "a", "a", "aaaa bbbb cccc"}, {1, "a", "a", "dddd eeee"}},
			errs:    []string{"JSON token longer than 64 bytes"},
		},
		{
			name:    "deep nesting is refused",
			file:    "deep.json",
			content: strings.Repeat("[", maxJSONDepth+1),
			errs:    []string{"nested deeper than 512"},
		},
		{
			name: "NDJSON: per line, bad lines scanned as text",
			file: "events.ndjson",
			content: `{"email": "a@example.com", "user": {"phone": "0912345678"}}

not json at all 0987654321
[1, {"k": "v"}]
`,
			want: []cell{
				{1, "email", "email", "a@example.com"},
				{1, "user.phone", "phone", "0912345678"},
				{3, "", "", "not json at all 0987654321"},
				{4, "[0]", "", "1"},
				{4, "[1].k", "k", "v"},
			},
			errs: []string{"line 3: invalid JSON, scanned as text"},
		},
		{
			name:    "JSON Lines: a line over the cap is scanned as text",
			file:    "long.jsonl",
			content: `{"a": "aaaa bbbb cccc dddd"}` + "\n" + `{"b": "c"}` + "\n",
			opts:    Options{MaxLineBytes: 16},
			want:    []cell{{1, "", "", `{"a": "aaaa bbbb`}, {1, "", "", `cccc dddd"}`}, {2, "b", "b", "c"}},
			errs:    []string{"line 1: line longer than 16 bytes, scanned as text"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := scanFile(t, tc.file, []byte(tc.content), tc.opts)
			if got := cells(g.units); !slices.Equal(got, tc.want) {
				t.Errorf("units\n got %+v\nwant %+v", got, tc.want)
			}
			if len(g.errs) != len(tc.errs) {
				t.Fatalf("errors %v, want %q", g.errs, tc.errs)
			}
			for i, e := range g.errs {
				if e.Path != tc.file || !strings.Contains(e.Reason, tc.errs[i]) {
					t.Errorf("error %v, want %q", e, tc.errs[i])
				}
			}
		})
	}
}

func TestKeyPath(t *testing.T) {
	long := strings.Repeat("é", maxKeyInPath) // two bytes a rune
	for _, tc := range []struct {
		keys []string
		want string
	}{
		{[]string{"a", "b"}, "a.b"},
		{[]string{"số điện thoại"}, `["số điện thoại"]`},
		{[]string{"số_điện_thoại"}, "số_điện_thoại"},
		{[]string{"a", ""}, `a[""]`},
		{[]string{"x[0]"}, `["x[0]"]`},
		{[]string{"sessions", "fe80::1", "email"}, `sessions["fe80::1"].email`},
		{[]string{long}, strings.Repeat("é", maxKeyInPath/2) + "…"},
	} {
		var path []byte
		for _, k := range tc.keys {
			path = appendKey(path, cutKey(k))
		}
		if string(path) != tc.want {
			t.Errorf("path of %q = %q, want %q", tc.keys, path, tc.want)
		}
	}
}
