package vault

import "testing"

// TestSameSchemaPurposesAreASet: a field's purposes in another order, or
// one named twice (which validation folds), are the same schema.
func TestSameSchemaPurposesAreASet(t *testing.T) {
	mk := func(purposes ...string) *Collection {
		c := &Collection{Name: "leads", Kind: "persons", Fields: []Field{{Name: "email", Type: "email", Category: "user.contact.email", Purposes: purposes}}}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if !SameSchema(mk("support", "marketing"), mk("marketing", "support", "marketing")) {
		t.Error("reordered or repeated purposes read as a change")
	}
	if SameSchema(mk("support"), mk("support", "marketing")) {
		t.Error("an added purpose read as no change")
	}
}
