package offboard

import (
	"strings"
	"testing"
	"time"

	"custodia/internal/apperr"
)

func TestCloseItems(t *testing.T) {
	now := time.Now()
	o := Offboarding{State: StateOpen, Items: []Item{{ID: "a", State: StateOpen}, {ID: "b", State: StateOpen}}}
	if err := o.Close("a", " ", "", "dpo", now); apperr.CodeOf(err) != "evidence_required" {
		t.Errorf("no evidence: %v", err)
	}
	if err := o.Close("a", "done", "xyz", "dpo", now); apperr.CodeOf(err) != "invalid_evidence_sha256" {
		t.Errorf("bad hash: %v", err)
	}
	if err := o.Close("zz", "done", "", "dpo", now); apperr.CodeOf(err) != "item_not_found" {
		t.Errorf("unknown item: %v", err)
	}
	if err := o.Close("a", "laptop wiped", strings.Repeat("AB", 32), "dpo", now); err != nil || o.State != StateOpen {
		t.Fatalf("close a: %v %s", err, o.State)
	}
	if err := o.Close("a", "again", "", "dpo", now); apperr.CodeOf(err) != "item_closed" {
		t.Errorf("close twice: %v", err)
	}
	if err := o.Close("b", "files returned", "", "dpo", now); err != nil || o.State != StateClosed || o.ClosedAt == nil {
		t.Errorf("close b: %v %s", err, o.State)
	}
	if o.Items[0].EvidenceSHA256 != strings.Repeat("ab", 32) {
		t.Errorf("hash not lower-cased: %s", o.Items[0].EvidenceSHA256)
	}
}

func TestNames(t *testing.T) {
	if !Names(" An.Nguyen@Example.com", "an.nguyen@example.com", "Nguyễn Văn An") || !Names("nguyễn văn an", "x@y", "Nguyễn Văn An") {
		t.Error("the person is not recognised")
	}
	if Names("", "a@b", "") || Names("Lan", "an@b", "An") {
		t.Error("someone else is taken for the person")
	}
}
