package store_test

import (
	"context"
	"slices"
	"testing"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/vault"
)

// maskingPolicy masks phones and refuses the collections in refuse.
type maskingPolicy struct{ refuse []string }

func (p maskingPolicy) PlanRead(ctx context.Context, c *vault.Collection, purpose string) (*vault.ReadPlan, error) {
	if slices.Contains(p.refuse, c.Name) {
		return nil, apperr.New(apperr.Forbidden, "test_refused", "refused by the test policy")
	}
	plan, err := vault.AllowAll.PlanRead(ctx, c, purpose)
	if err != nil {
		return nil, err
	}
	if _, ok := plan.Fields["phone"]; ok {
		plan.Fields["phone"] = vault.FieldAccess{Decision: vault.Mask, Reason: "role_masked"}
	}
	return plan, nil
}

func (maskingPolicy) CheckWrite(context.Context, *vault.Collection, string, []string) error {
	return nil
}

// TestSubjectRecords: a subject's records in every collection, each read
// through the policy and audited with its collection and record; refused
// collections are left out unless all are.
func TestSubjectRecords(t *testing.T) {
	conformance(t, func(t *testing.T, e *env) {
		mustCollections(t, e.vault)
		a := mustCreate(t, e.vault, customer(1))
		mustCreate(t, e.vault, customer(2))
		note, err := e.vault.Create(context.Background(), "notes", "support", vault.Input{Subject: a.Subject, Data: map[string]any{"note": "called about an invoice"}})
		if err != nil {
			t.Fatal(err)
		}
		read := func(policy vault.Policy, subject, purpose string) ([]vault.CollectionRecords, []*audit.Entry, error) {
			t.Helper()
			e.vault.Policy = policy
			rec := audit.NewRecorder("token:test", "subject.records", "req")
			cols, err := e.vault.SubjectRecords(audit.WithRecorder(context.Background(), rec), subject, purpose)
			return cols, rec.Pending(200, audit.OutcomeOK, ""), err
		}
		names := func(cols []vault.CollectionRecords) []string {
			out := []string{}
			for _, c := range cols {
				out = append(out, c.Collection)
			}
			return out
		}

		cols, pending, err := read(maskingPolicy{}, a.Subject, "support")
		if err != nil || !slices.Equal(names(cols), []string{"customers", "notes"}) {
			t.Fatalf("all readable: %v %v", names(cols), err)
		}
		c := cols[0].Records[0]
		if len(cols[0].Records) != 1 || c.ID != a.ID || c.Data["email"] != "person.1@example.com" || c.Data["phone"] == "+84910000001" {
			t.Errorf("customer record: %+v", c)
		}
		if cols[1].Records[0].ID != note.ID || cols[1].Records[0].Data["note"] != "called about an invoice" {
			t.Errorf("note record: %+v", cols[1].Records[0])
		}
		if len(pending) != 2 || pending[0].Collection != "customers" || pending[0].RecordID != a.ID || pending[0].Decision != "mask masked:phone=role_masked" ||
			pending[1].Collection != "notes" || pending[1].RecordID != note.ID || pending[1].Decision != "allow" ||
			pending[0].Subject != e.vault.Pseudonym(a.Subject) || pending[0].Purpose != "support" {
			t.Errorf("audit entries: %+v %+v", pending[0], pending[len(pending)-1])
		}

		// A refused collection is left out, and its refusal audited.
		cols, pending, err = read(maskingPolicy{refuse: []string{"notes"}}, a.Subject, "support")
		if err != nil || !slices.Equal(names(cols), []string{"customers"}) {
			t.Fatalf("notes refused: %v %v", names(cols), err)
		}
		if len(pending) != 2 || pending[1].Collection != "notes" || pending[1].Decision != "deny test_refused" {
			t.Errorf("refusal audit: %+v", pending)
		}
		// A purpose only some collections declare.
		if cols, _, err = read(maskingPolicy{}, a.Subject, "marketing"); err != nil || !slices.Equal(names(cols), []string{"customers"}) {
			t.Errorf("marketing: %v %v", names(cols), err)
		}
		// All refused: the first collection's error.
		if _, _, err = read(maskingPolicy{refuse: []string{"customers", "notes"}}, a.Subject, "support"); apperr.CodeOf(err) != "test_refused" {
			t.Errorf("all refused: %v", err)
		}
		if _, _, err = read(maskingPolicy{}, a.Subject, ""); apperr.CodeOf(err) != "purpose_required" {
			t.Errorf("no purpose: %v", err)
		}
		cols, pending, err = read(maskingPolicy{}, "sub_unknown", "support")
		if err != nil || len(cols) != 0 || cols == nil || len(pending) != 1 || pending[0].Subject == "" {
			t.Errorf("unknown subject: %v %v %+v", cols, err, pending)
		}
	})
}
