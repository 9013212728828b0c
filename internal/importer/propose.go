package importer

import (
	"slices"
	"strconv"
	"strings"

	"custodia/internal/fieldtype"
	"custodia/internal/scan"
	"custodia/internal/scan/detect"
	"custodia/internal/vault"
)

// headerWords are the header phrases (folded, see foldHeader) that name a
// field type, most specific first: an "E-mail address" column is an
// e-mail, not an address. A leading "=" asks for the whole header, for
// words too short to look for inside others. Exact headers of HubSpot and Salesforce contact
// exports are among them (see the package documentation).
var headerWords = []struct {
	t      fieldtype.Type
	phrase []string
}{
	{fieldtype.Email, []string{"email", "e mail", "mail", "thu dien tu", "=thu"}},
	{fieldtype.NationalID, []string{"cccd", "cmnd", "can cuoc", "national id", "id number", "so dinh danh", "ssn", "aadhaar", "chung minh"}},
	{fieldtype.Date, []string{"birth", "birthdate", "birthday", "dob", "date of birth", "ngay sinh", "sinh nhat"}},
	{fieldtype.Phone, []string{"phone", "mobile", "telephone", "tel", "sdt", "=dt", "dien thoai", "di dong", "so dien thoai", "fax"}},
	{fieldtype.Address, []string{"address", "street", "mailing street", "dia chi", "duong", "cho o"}},
	{fieldtype.Name, []string{"name", "full name", "first name", "last name", "given name", "family name", "surname", "ho ten", "ho va ten", "=ho", "=ten", "ten khach hang", "khach hang", "contact"}},
}

// notName are folded headers with a naming word that do not hold a
// person's name.
var notName = []string{"company name", "account name", "ten cong ty", "ten san pham", "product name", "user name", "username", "ten dang nhap", "file name"}

// otherParty are folded header words naming someone other than the
// row's person: a CRM record's owner, the company or account a contact
// belongs to, the salesperson, agent or assignee in charge, who created
// or changed the record, a manager, the person who referred them, a
// relative, guardian or emergency contact. Their values (the
// salesperson's name and e-mail, a relative's phone, the company's name)
// must never become the person's fields: two customers referred by one
// person would otherwise be merged through the referrer's e-mail.
var otherParty = []string{
	"owner", "owners", "account", "company", "organization", "organisation", "employer",
	"sales rep", "sales representative", "salesperson", "sales person", "salesman", "sales agent", "sales owner", "rep", "agent",
	"assignee", "assigned", "assigned to", "created by", "modified by", "last modified by", "updated by", "edited by",
	"manager", "supervisor", "boss", "referrer", "referred by", "referral", "introducer", "introduced by",
	"assistant", "asst", "secretary", "reports to",
	"relative", "relatives", "next of kin", "kin", "emergency", "emergency contact", "spouse", "husband", "wife",
	"father", "mother", "parent", "parents", "guardian", "guarantor", "beneficiary", "nominee",
	// Vietnamese: company, person in charge, staff, sale(s), creator,
	// manager, referrer, relative, family, guardian, guarantor,
	// emergency contact, parents, spouse, beneficiary.
	"cong ty", "phu trach", "nguoi phu trach", "nhan vien", "sale", "sales", "nguoi tao", "nguoi sua",
	"quan ly", "nguoi quan ly", "gioi thieu", "nguoi gioi thieu", "nguoi than", "nguoi nha", "giam ho", "nguoi giam ho",
	"bao lanh", "nguoi bao lanh", "khan cap", "lien he khan cap", "phu huynh", "bo me", "cha", "me", "vo", "chong",
	"thu huong", "nguoi thu huong", "tro ly", "thu ky",
}

// otherPartyOf returns the word by which a header names someone other
// than the row's person, "" when it does not. A dotted relation path
// ("Owner.Name", "Account.Name") counts by its words as any header does.
func otherPartyOf(header string) string {
	f := foldHeader(header)
	for _, w := range otherParty {
		if hasWords(f, w) {
			return w
		}
	}
	return ""
}

// yearOnly are folded header words of a column holding a year, not a
// date: a year of birth ("Năm sinh") fits no date field.
var yearOnly = []string{"year", "nam sinh", "yob"}

// aboutRecord are folded header words of a column that describes the
// record or one of its values rather than holding a value of the person:
// "Marketing contact status", "Email Domain", "Lead Status", "Phone
// verified". Such a header names no field by its words (its values still
// count, see ProposeMapping).
var aboutRecord = []string{"status", "stage", "lifecycle", "score", "domain", "count", "flag", "opt out", "opted out",
	"unsubscribed", "bounced", "bounce", "verified", "valid", "trang thai", "giai doan", "ten mien"}

// typeOfHeader returns the field type a header names, "" when none.
func typeOfHeader(header string) fieldtype.Type {
	f := foldHeader(header)
	if f == "" || slices.Contains(notName, f) || slices.ContainsFunc(yearOnly, func(w string) bool { return hasWords(f, w) }) ||
		slices.ContainsFunc(aboutRecord, func(w string) bool { return hasWords(f, w) }) {
		return ""
	}
	for _, hw := range headerWords {
		for _, p := range hw.phrase {
			exact, ok := strings.CutPrefix(p, "=")
			if ok && f == exact || !ok && hasWords(f, p) {
				return hw.t
			}
		}
	}
	return ""
}

// entityType maps the detectors' entities to the field types that hold
// them.
var entityType = map[scan.Entity]fieldtype.Type{
	scan.EmailAddress: fieldtype.Email, scan.PhoneNumber: fieldtype.Phone, scan.Person: fieldtype.Name,
	scan.StreetAddress: fieldtype.Address, scan.DateOfBirth: fieldtype.Date, scan.VNCCCD: fieldtype.NationalID,
	scan.VNCMND: fieldtype.NationalID, scan.INAadhaar: fieldtype.NationalID, scan.USSSN: fieldtype.NationalID,
	scan.CreditCard: fieldtype.Card, scan.IBANCode: fieldtype.IBAN,
}

// Proposal is a proposed mapping, for a person to confirm.
type Proposal struct {
	Mapping Mapping `json:"mapping"`
	// By says, per mapped header, why: "header" (its words) or the
	// detectors' entity found in its sample values.
	By map[string]string `json:"by"`
	// Unmapped lists the headers left out, in file order; Personal those
	// of them whose sample values the detectors flag as personal data,
	// with the entity: their rows would be rejected until they are mapped
	// or ignored ("-").
	Unmapped []string               `json:"unmapped"`
	Personal map[string]scan.Entity `json:"personal"`
}

// ProposeMapping proposes a mapping of headers to the fields of c from
// the headers' words (English and Vietnamese, with or without diacritics,
// and the column names of HubSpot and Salesforce contact exports) and,
// for the headers whose words say nothing, from what the scanner's
// detectors find in the sample rows. A field takes one column, except a
// name field, which takes first and last name columns together. A header
// naming someone other than the person (an owner, account or company, a
// sales rep or agent, an assignee, who created or modified the record:
// see otherParty) is proposed as ignored ("-"), its By saying why, and is
// never matched by its words or its values. A nil scanner uses the
// default detectors.
func ProposeMapping(headers []string, sample [][]string, c *vault.Collection, sc *detect.Scanner) Proposal {
	if sc == nil {
		sc = defaultScanner()
	}
	p := Proposal{Mapping: Mapping{}, By: map[string]string{}, Personal: map[string]scan.Entity{}}
	taken := map[string]bool{}
	assign := func(j int, t fieldtype.Type, by string) bool {
		h := headers[j]
		f := fieldFor(c, t, h, taken)
		if f == "" && by == "header" && !joinable(t) {
			// A second column of a field that holds one value (a mobile
			// column beside the phone column): an alternative, used
			// when the first is empty (see plan.build).
			if f = fieldFor(c, t, h, nil); f != "" {
				by = "header (used when the column before it is empty)"
			}
		}
		if f == "" {
			return false
		}
		p.Mapping[h], p.By[h] = f, by
		if t != fieldtype.Name {
			taken[f] = true
		}
		return true
	}
	var rest []int
	for j, h := range headers {
		if strings.TrimSpace(h) == "" {
			rest = append(rest, j)
			continue
		}
		if _, dup := p.Mapping[h]; dup {
			continue
		}
		if who := otherPartyOf(h); who != "" {
			// Ignored rather than left out: its values (an owner's
			// e-mail) would otherwise reject every row as unmapped
			// personal data.
			p.Mapping[h], p.By[h] = Ignore, "not the person's: "+who
			continue
		}
		if t := typeOfHeader(h); t == "" || !assign(j, t, "header") {
			rest = append(rest, j)
		}
	}
	for _, j := range rest {
		ent, whole := sampleEntity(sc, headers[j], j, sample)
		if strings.TrimSpace(headers[j]) == "" {
			// A column without a header is not proposed for a field; when
			// its values are personal it is listed by the number that
			// maps it ("#5"), for the person to map or ignore.
			if ent != "" {
				n := "#" + strconv.Itoa(j+1)
				p.Unmapped = append(p.Unmapped, n)
				p.Personal[n] = ent
			}
			continue
		}
		if ent != "" && whole && assign(j, entityType[ent], string(ent)) {
			continue
		}
		p.Unmapped = append(p.Unmapped, headers[j])
		if ent != "" {
			p.Personal[headers[j]] = ent
		}
	}
	return p
}

// fieldFor chooses c's field of type t for header h: the one named like
// the header, else the first of that type not taken.
func fieldFor(c *vault.Collection, t fieldtype.Type, h string, taken map[string]bool) string {
	if t == "" {
		return ""
	}
	fh := foldHeader(h)
	first := ""
	for _, f := range c.Fields {
		if f.Type != t || taken[f.Name] {
			continue
		}
		if foldHeader(f.Name) == fh {
			return f.Name
		}
		if first == "" {
			first = f.Name
		}
	}
	return first
}

// sampleEntity returns the entity the detectors find in most of a
// column's non-blank sample values (at least half), "" when none, and
// whether it makes up the whole of those cells (a column of values, not
// of notes that mention them).
func sampleEntity(sc *detect.Scanner, header string, j int, sample [][]string) (scan.Entity, bool) {
	counts := map[scan.Entity]int{}
	wholes := map[scan.Entity]int{}
	values := 0
	for _, row := range sample {
		if j >= len(row) || strings.TrimSpace(row[j]) == "" {
			continue
		}
		values++
		if ent, whole := cellEntity(sc, strings.TrimSpace(row[j]), header); ent != "" {
			counts[ent]++
			if whole {
				wholes[ent]++
			}
		}
	}
	best, n := scan.Entity(""), 0
	for _, ent := range scan.Entities { // fixed order: deterministic ties
		if counts[ent] > n {
			best, n = ent, counts[ent]
		}
	}
	if values == 0 || n*2 < values {
		return "", false
	}
	return best, wholes[best] == n
}
