package console

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"custodia/internal/access"
	"custodia/internal/audit"
	"custodia/internal/auth"
	"custodia/internal/consent"
	"custodia/internal/dsr"
	"custodia/internal/retention"
	"custodia/internal/vault"
)

// lookupKinds are the blind-index lookups the customer search offers.
var lookupKinds = []string{"email", "phone", "national_id"}

// jurisdictions the request form suggests (the rules table decides).
var jurisdictions = []string{"GDPR", "CCPA", "LGPD", "VN", "DPDP", "PIPEDA", "HIPAA"}

// searchView is the data of customers.html. Purpose is the purpose the
// person chose for reading what the search finds, one of Purposes.
type searchView struct {
	By, Q    string
	Kinds    []string
	Searched bool
	Subjects []string
	Purpose  string
	Purposes []string // those the person's role may invoke
}

// customers shows the search form, to those who may search
// (records:read).
func (c *Console) customers(rc *reqCtx) error {
	if err := rc.need(auth.PermRecordsRead); err != nil {
		return err
	}
	v := searchView{By: "email", Kinds: lookupKinds}
	purposes, err := rc.invocablePurposes()
	if err != nil {
		return err
	}
	v.Purposes = purposes
	return rc.render(http.StatusOK, "customers", rc.L.T("Customers"), v)
}

// searchCustomers finds subjects by e-mail, phone or national id through
// the blind index (GET /v1/subjects?email=...). It is a POST so the
// value looked up never sits in a URL: not in the browser's history, a
// Referer, or a proxy's access log.
func (c *Console) searchCustomers(rc *reqCtx) error {
	v := searchView{By: rc.r.PostFormValue("by"), Q: strings.TrimSpace(rc.r.PostFormValue("q")), Kinds: lookupKinds}
	if !slices.Contains(lookupKinds, v.By) {
		v.By = "email"
	}
	purposes, err := rc.invocablePurposes()
	if err != nil {
		return err
	}
	v.Purposes = purposes
	if p := rc.r.PostFormValue("purpose"); slices.Contains(purposes, p) {
		v.Purpose = p
	}
	if v.Q == "" {
		return rc.render(http.StatusOK, "customers", rc.L.T("Customers"), v)
	}
	var out struct {
		Subjects []string `json:"subjects"`
	}
	if err := rc.call(http.MethodGet, query("/v1/subjects", v.By, v.Q), nil, &out); err != nil {
		if apiErr, ok := err.(*APIError); ok && apiErr.Status == http.StatusBadRequest {
			rc.flash = rc.L.T("That is not a valid value to search for.")
			if v.By == "phone" {
				rc.flash = rc.L.T("That is not a valid phone number to search for: write it with its country code, such as +84 912 345 678.")
			}
			return rc.render(http.StatusBadRequest, "customers", rc.L.T("Customers"), v)
		}
		return err
	}
	v.Searched, v.Subjects = true, out.Subjects
	if len(out.Subjects) == 1 {
		return redirect(v.SubjectPage(out.Subjects[0]))
	}
	return rc.render(http.StatusOK, "customers", rc.L.T("Customers"), v)
}

// SubjectPage is the address of a subject's page, reading for the
// purpose chosen with the search, if any.
func (v searchView) SubjectPage(subject string) string {
	page := "/console/customers/" + seg(subject)
	if v.Purpose != "" {
		page = query(page, "purpose", v.Purpose)
	}
	return page
}

// customerView is the data of customer.html. A nil section is one the
// role does not open.
type customerView struct {
	Subject       string
	Purpose       string
	Purposes      []string // those the person's role may invoke
	ChoosePurpose bool     // no purpose was chosen, so nothing was read
	Erased        bool     // the person was erased: only consent evidence remains
	Collections   []subjectCollection
	ReadError     string
	Consent       *consent.Proof
	Access        []audit.Entry
	Requests      []dsr.Request
	Channels      []string
	Types         []string
	Juris         []string
	Today         string
}

// subjectCollection is one collection of a subject's records.
type subjectCollection struct {
	Collection string          `json:"collection"`
	Records    []*vault.Record `json:"records"`
}

// customer shows one person: records (masked per role, for a purpose),
// consents, who read their data and why, requests, and actions.
func (c *Console) customer(rc *reqCtx) error {
	subject := rc.r.PathValue("subject")
	v := customerView{Subject: subject, Channels: consent.Channels, Types: dsr.Types, Juris: jurisdictions,
		Today: time.Now().In(rc.c.opts.Location).Format("2006-01-02")}
	purposes, err := rc.invocablePurposes()
	if err != nil {
		return err
	}
	v.Purposes = purposes
	// The consent ledger knows whether the person exists, or did: a
	// subject never recorded is a 404, not an empty page with forms (QA),
	// and one erased says so. Asked first, so that no read is logged
	// against a subject that is not there.
	if rc.me.Can("consents:read") {
		var proof consent.Proof
		err := rc.call(http.MethodGet, "/v1/subjects/"+seg(subject)+"/consents", nil, &proof)
		var apiErr *APIError
		switch {
		case errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound:
			return errNotFound
		case errors.As(err, &apiErr) && apiErr.Status == http.StatusForbidden:
		case err != nil:
			return err
		default:
			slices.Reverse(proof.History) // newest first
			v.Consent = &proof
			v.Erased = len(proof.Current) > 0 && !slices.ContainsFunc(proof.Current, func(s consent.State) bool { return !s.Erased })
		}
	}
	// A role that reads neither consents nor records, but may erase (the
	// admin), learns of the subject from the erasure's preview: a subject
	// that does not exist is a 404 for it too (QA: an empty page offered
	// to erase no one).
	if !rc.me.Can("consents:read") && !rc.me.Can("records:read") && rc.me.Can("subjects:erase") {
		err := rc.call(http.MethodGet, "/v1/subjects/"+seg(subject)+"/erasure", nil, nil)
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound {
			return errNotFound
		} else if err != nil && !(errors.As(err, &apiErr) && apiErr.Status == http.StatusForbidden) {
			return err
		}
	}
	// Records are read only for a purpose the person chose: the audit log
	// records it as theirs, so the console never picks one for them.
	v.Purpose = rc.r.URL.Query().Get("purpose")
	v.ChoosePurpose = v.Purpose == "" && rc.me.Can("records:read")
	if rc.me.Can("records:read") && v.Purpose != "" && !v.Erased {
		var out struct {
			Collections []subjectCollection `json:"collections"`
		}
		err := rc.call(http.MethodGet, query("/v1/subjects/"+seg(subject)+"/records", "purpose", v.Purpose), nil, &out)
		if apiErr, ok := err.(*APIError); ok && apiErr.Code == "subject_not_found" && v.Consent == nil {
			return errNotFound // no such person, and no ledger to say they were erased
		} else if ok && apiErr.Status/100 == 4 {
			v.ReadError = apiErr.Text(rc.L) // the API's reason: purpose, consent or role
		} else if err != nil {
			return err
		}
		v.Collections = out.Collections
	}
	if rc.me.Can("audit:read") {
		var out struct {
			Entries []audit.Entry `json:"entries"`
		}
		if ok, err := maybe(rc.call(http.MethodGet, query("/v1/audit", "subject", subject, "order", "desc", "limit", "50"), nil, &out)); err != nil {
			return err
		} else if ok {
			v.Access = out.Entries
		}
	}
	if rc.me.Can("requests:read") {
		var out struct {
			Requests []dsr.Request `json:"requests"`
		}
		if ok, err := maybe(rc.call(http.MethodGet, query("/v1/requests", "subject", subject), nil, &out)); err != nil {
			return err
		} else if ok {
			v.Requests = out.Requests
		}
	}
	return rc.render(http.StatusOK, "customer", rc.L.T("Customer"), v)
}

// recordConsent records a grant or withdrawal with its evidence.
func (c *Console) recordConsent(rc *reqCtx) error {
	subject := rc.r.PathValue("subject")
	f := rc.r.PostForm
	in := consent.Request{Purpose: f.Get("purpose"), Action: f.Get("action"), Method: f.Get("method"), Channel: f.Get("channel"),
		NoticeVersion: f.Get("notice_version"), NoticeText: f.Get("notice_text"), CollectedBy: f.Get("collected_by")}
	if at := f.Get("at"); at != "" {
		t, err := time.ParseInLocation("2006-01-02", at, rc.c.opts.Location)
		if err != nil {
			return &APIError{Status: http.StatusBadRequest, Code: "invalid_date", Detail: rc.L.T("The date is not valid.")}
		}
		in.At = t
	}
	if err := rc.call(http.MethodPost, "/v1/subjects/"+seg(subject)+"/consents", in, nil); err != nil {
		return err
	}
	// Back to the page as it was: read for the purpose the person chose.
	return rc.done(query("/console/customers/"+seg(subject), "purpose", f.Get("read_purpose")), rc.L.T("Consent recorded."))
}

// startRequest files a data-subject request for this person.
func (c *Console) startRequest(rc *reqCtx) error {
	subject := rc.r.PathValue("subject")
	f := rc.r.PostForm
	in := dsr.CreateInput{Type: f.Get("type"), Jurisdiction: f.Get("jurisdiction"), Channel: f.Get("channel"), Note: f.Get("note"),
		SubjectLookup: map[string]string{"subject": subject}}
	var out dsr.Request
	if err := rc.call(http.MethodPost, "/v1/requests", in, &out); err != nil {
		return err
	}
	if rc.me.Can("requests:read") {
		return rc.done("/console/requests/"+seg(out.ID), rc.L.T("Request filed."))
	}
	return rc.done("/console/customers/"+seg(subject), rc.L.T("Request filed."))
}

// eraseView is the data of erase.html: what erasure destroys.
type eraseView struct {
	Subject     string
	Collections []collectionCount
	Records     int
	// Hold is the active legal hold that would refuse the erasure.
	Hold *retention.Hold
}

// collectionCount is how many records the person has in a collection.
type collectionCount struct {
	Collection string `json:"collection"`
	Records    int    `json:"records"`
}

// eraseConfirm names what erasing will destroy before it is done: every
// collection holding the person's records with its count (GET
// /v1/subjects/{subject}/erasure, which reads no value, so the count
// does not depend on a purpose), and the legal hold that would refuse
// the erasure.
func (c *Console) eraseConfirm(rc *reqCtx) error {
	if err := rc.need(auth.PermSubjectErase); err != nil {
		return err
	}
	subject := rc.r.PathValue("subject")
	var out struct {
		Collections []collectionCount `json:"collections"`
		Records     int               `json:"records"`
		Hold        *retention.Hold   `json:"hold"`
	}
	if err := rc.call(http.MethodGet, "/v1/subjects/"+seg(subject)+"/erasure", nil, &out); err != nil {
		return err
	}
	v := eraseView{Subject: subject, Collections: out.Collections, Records: out.Records, Hold: out.Hold}
	return rc.render(http.StatusOK, "erase", rc.L.T("Erase this person"), v)
}

// erase crypto-shreds the person (DELETE /v1/subjects/{subject}) once the
// confirmation names them.
func (c *Console) erase(rc *reqCtx) error {
	subject := rc.r.PathValue("subject")
	if strings.TrimSpace(rc.r.PostFormValue("confirm")) != subject { // a pasted id often brings a space
		return &APIError{Status: http.StatusBadRequest, Code: "not_confirmed", Detail: rc.L.T("Type the subject id exactly to confirm the erasure.")}
	}
	if err := rc.call(http.MethodDelete, query("/v1/subjects/"+seg(subject), "purpose", "erasure"), nil, nil); err != nil {
		return err
	}
	return rc.done("/console/customers", rc.L.T("The person's data was erased; the receipt is in the deletion log."))
}

// invocablePurposes lists the purposes the person's role may invoke
// (none when the purposes cannot be read).
func (rc *reqCtx) invocablePurposes() ([]string, error) {
	var ps struct {
		Purposes []access.Purpose `json:"purposes"`
	}
	ok, err := maybe(rc.call(http.MethodGet, "/v1/purposes", nil, &ps))
	if err != nil || !ok {
		return nil, err
	}
	var out []string
	for _, p := range ps.Purposes {
		if len(p.Roles) == 0 || slices.Contains(p.Roles, string(rc.me.User.Role)) {
			out = append(out, p.Name)
		}
	}
	return out, nil
}
