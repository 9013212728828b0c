package cleanup_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/cleanup"
)

func TestTaskAssignedTo(t *testing.T) {
	tk := cleanup.Task{Assignees: []string{" Lan@Example.com ", "Bình Trần"}}
	for _, tc := range []struct {
		email, name string
		want        bool
	}{
		{"lan@example.com", "", true},
		{"binh@example.com", "bình trần", true},
		{"binh@example.com", "", false},
		{"", "", false},
	} {
		if got := tk.AssignedTo(tc.email, tc.name); got != tc.want {
			t.Errorf("AssignedTo(%q, %q) = %v", tc.email, tc.name, got)
		}
	}
	if (&cleanup.Task{Assignees: []string{""}}).AssignedTo("", "") {
		t.Error("an empty assignee names everyone")
	}
}

func TestTaskClose(t *testing.T) {
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	for _, tc := range []struct {
		evidence, sha, code string
	}{
		{"", "", "evidence_required"},
		{" \n ", "", "evidence_required"},
		{strings.Repeat("x", 4001), "", "evidence_required"},
		{"deleted", "xyz", "invalid_evidence_sha256"},
		{"deleted", strings.Repeat("a", 63), "invalid_evidence_sha256"},
	} {
		tk := cleanup.Task{State: cleanup.StateOpen}
		if err := tk.Close(tc.evidence, tc.sha, "user:usr_1", at); apperr.CodeOf(err) != tc.code || apperr.KindOf(err) != apperr.Invalid || tk.State != cleanup.StateOpen {
			t.Errorf("close(%.10q, %q): %v, state %s", tc.evidence, tc.sha, err, tk.State)
		}
	}
	tk := cleanup.Task{State: cleanup.StateOpen}
	if err := tk.Close(" deleted ", strings.Repeat("AB", 32), "user:usr_1", at); err != nil {
		t.Fatal(err)
	}
	if tk.State != cleanup.StateClosed || tk.Evidence != "deleted" || tk.EvidenceSHA256 != strings.Repeat("ab", 32) || tk.ClosedBy != "user:usr_1" ||
		tk.ClosedAt == nil || !tk.ClosedAt.Equal(at) || tk.ClosedAt.Location() != time.UTC {
		t.Errorf("closed: %+v", tk)
	}
	if err := tk.Close("again", "", "user:usr_1", at); apperr.CodeOf(err) != "task_closed" || apperr.KindOf(err) != apperr.Conflict {
		t.Errorf("close a closed task: %v", err)
	}
}

func TestHandOver(t *testing.T) {
	cases := []struct {
		assignees []string
		want      []string
		handed    bool
	}{
		{[]string{"Lan@Example.com"}, []string{"minh@example.com"}, true},
		{[]string{"Lan Nguyen", "an@example.com"}, []string{"minh@example.com", "an@example.com"}, true},
		{[]string{"lan@example.com", "minh@example.com"}, []string{"minh@example.com"}, true},
		{[]string{"an@example.com"}, []string{"an@example.com"}, false},
		{[]string{}, []string{}, false},
	}
	for _, c := range cases {
		task := cleanup.Task{Assignees: slices.Clone(c.assignees)}
		if got := task.HandOver("lan@example.com", "Lan Nguyen", "minh@example.com"); got != c.handed || !slices.Equal(task.Assignees, c.want) {
			t.Errorf("HandOver(%v) = %v %v, want %v %v", c.assignees, got, task.Assignees, c.handed, c.want)
		}
	}
}
