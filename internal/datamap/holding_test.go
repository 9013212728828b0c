package datamap

import (
	"reflect"
	"testing"
)

func TestHoldings(t *testing.T) {
	cat := func(cs ...string) []Category {
		var out []Category
		for _, c := range cs {
			out = append(out, Category{Category: c, Source: SourceDeclared})
		}
		return out
	}
	systems := []System{
		{ID: VaultID, Name: "Custodia", Kind: "vault", Status: StatusOfficial, Categories: cat("user.contact.email")},
		{ID: "sys_crm", Name: "HubSpot", Kind: "crm", Status: StatusOfficial, Owner: "sales@example.com", Categories: cat("user.contact.email", "user.name", "user.financial")},
		{ID: "sys_xls", Name: "Lan's export", Kind: "spreadsheet", Status: StatusShadow, Holders: []string{"lan@example.com"}, Categories: cat("user.contact")},
		{ID: "sys_zalo", Name: "Zalo group", Kind: "chat", Status: StatusShadow, Categories: cat("user.contact.phone_number.mobile")},
		{ID: "sys_hr", Name: "HR files", Kind: "file_share", Status: StatusOfficial, Categories: cat("user.government_id")},
		{ID: "sys_guess", Name: "Found by a scan", Kind: "other", Status: StatusProposed, Categories: cat("user.contact.email")},
		{ID: "sys_gone", Name: "Migrated sheet", Kind: "spreadsheet", Status: StatusShadow, Categories: cat("user.contact.email"),
			Migration: &Migration{State: MigrationDestroyed}},
		{ID: "sys_lookalike", Name: "Contacts-ish", Kind: "other", Status: StatusShadow, Categories: cat("user.contactless")},
	}
	got := Holdings(systems, []string{"user.contact.email", "user.contact.phone_number", "user.name"})
	want := []Holding{
		{ID: "sys_crm", Name: "HubSpot", Kind: "crm", Status: StatusOfficial, Owner: "sales@example.com", Categories: []string{"user.contact.email", "user.name"}},
		{ID: "sys_xls", Name: "Lan's export", Kind: "spreadsheet", Status: StatusShadow, Holders: []string{"lan@example.com"}, Categories: []string{"user.contact"}},
		{ID: "sys_zalo", Name: "Zalo group", Kind: "chat", Status: StatusShadow, Categories: []string{"user.contact.phone_number.mobile"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Holdings:\n got %+v\nwant %+v", got, want)
	}
	if got := Holdings(systems, nil); len(got) != 0 {
		t.Errorf("no categories: %+v", got)
	}
}
