package console_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestEraseConfirmationCountsEverything: the erase confirmation names
// every collection holding the person's records, with its count,
// whatever purpose the page is opened with (erasure destroys the key, so
// every record goes), shows no value, names an active legal hold before
// anyone confirms, and is only for roles that may erase.
func TestEraseConfirmationCountsEverything(t *testing.T) {
	e := newEnv(t)
	e.admin.Must(201, "POST", "/v1/collections", map[string]any{"name": "erase_notes", "kind": "data", "fields": []any{
		map[string]any{"name": "note", "type": "text", "category": "user.content", "purposes": []string{"support"}}}})
	e.admin.Must(201, "POST", "/v1/collections", map[string]any{"name": "erase_news", "kind": "data", "fields": []any{
		map[string]any{"name": "topic", "type": "text", "category": "user.content", "purposes": []string{"marketing"}}}})
	data := e.srv.DataClient(t)
	const email = "erase.me@example.vn"
	subject := data.Must(201, "POST", "/v1/collections/customers/records?purpose=support",
		map[string]any{"email": email, "phone": "+84912000111", "name": "Đỗ Văn Xóa"}).JSON()["subject"].(string)
	data.Must(201, "POST", "/v1/collections/erase_notes/records?purpose=support",
		map[string]any{"subject": subject, "data": map[string]any{"note": "asked about the refund of order 7"}})
	data.Must(201, "POST", "/v1/collections/erase_notes/records?purpose=support",
		map[string]any{"subject": subject, "data": map[string]any{"note": "called again"}})
	data.Must(201, "POST", "/v1/collections/erase_news/records?purpose=marketing",
		map[string]any{"subject": subject, "data": map[string]any{"topic": "spring offers"}})

	w := e.web(t)
	w.SignIn(e.newPerson(t, "dpo"))
	page := "/console/customers/" + subject + "/erase"
	for _, q := range []string{"", "?purpose=marketing", "?purpose=support", "?purpose=no_such_purpose"} {
		p := w.Get(page + q)
		if p.Status != http.StatusOK {
			t.Fatalf("%s: %d", q, p.Status)
		}
		for _, want := range []string{"Records that will be destroyed: 4.", `data-collection="customers">customers: 1<`,
			`data-collection="erase_notes">erase_notes: 2<`, `data-collection="erase_news">erase_news: 1<`, `action="/console/customers/` + subject + `/erase"`} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("erase page%s lacks %q", q, want)
			}
		}
		for _, leak := range []string{email, "Đỗ Văn Xóa", "refund", "spring offers", "state a purpose", "could not be listed"} {
			if strings.Contains(p.Body, leak) {
				t.Errorf("erase page%s shows %q", q, leak)
			}
		}
	}

	// A legal hold is named before anyone confirms, and there is no
	// erase button to press.
	hold := e.admin.Must(201, "POST", "/v1/holds", map[string]any{"subject": subject, "reason": "court case 2026-17"}).JSON()["id"].(string)
	p := w.Get(page)
	if !strings.Contains(p.Body, `id="erase-hold"`) || !strings.Contains(p.Body, hold) || !strings.Contains(p.Body, "court case 2026-17") ||
		strings.Contains(p.Body, `action="/console/customers/`+subject+`/erase"`) {
		t.Errorf("erase page under a legal hold: %s", p.Body)
	}

	// Only roles that may erase open the page, or ask the API.
	ws := e.web(t)
	ws.SignIn(e.newPerson(t, "support"))
	if p := ws.Get(page); p.Status != http.StatusForbidden {
		t.Errorf("support on the erase page: %d", p.Status)
	}
	support := e.admin.With(e.admin.RoleToken("support"))
	support.Must(403, "GET", "/v1/subjects/"+subject+"/erasure", nil)
	data.Must(404, "GET", "/v1/subjects/sub_no_such_subject/erasure", nil)
}

// TestUnknownAndErasedPeople: a subject never recorded has no page (404,
// not an empty page with forms); an erased one's page says so and offers
// no erasure (QA: its link led to a 404).
func TestUnknownAndErasedPeople(t *testing.T) {
	e := newEnv(t)
	data := e.srv.DataClient(t)
	subject := data.Must(201, "POST", "/v1/collections/customers/records?purpose=support",
		map[string]any{"email": "gone.soon@example.vn", "name": "Lý Sẽ Xóa"}).JSON()["subject"].(string)
	data.Must(201, "POST", "/v1/subjects/"+subject+"/consents", map[string]any{"purpose": "marketing", "action": "grant", "method": "web form",
		"notice_version": "v1", "notice_text": "Offers by e-mail.", "channel": "web", "collected_by": "shop"})
	w := e.web(t)
	w.SignIn(e.newPerson(t, "dpo"))
	if p := w.Get("/console/customers/sub_doesnotexist"); p.Status != http.StatusNotFound {
		t.Errorf("unknown subject: %d", p.Status)
	}
	// Nor for a role that may read records but not consents (support),
	// once it reads them for a purpose.
	sup := e.web(t)
	sup.SignIn(e.newPerson(t, "support"))
	if p := sup.Get("/console/customers/sub_doesnotexist?purpose=support"); p.Status != http.StatusNotFound {
		t.Errorf("unknown subject, for support: %d", p.Status)
	}
	if p := sup.Get("/console/customers/" + subject + "?purpose=support"); p.Status != 200 || !strings.Contains(p.Body, "gone.soon@") {
		t.Errorf("a person's page, for support: %d", p.Status)
	}
	if p := w.Get("/console/customers/" + subject); p.Status != 200 || strings.Contains(p.Body, `id="erased"`) ||
		!strings.Contains(p.Body, `href="/console/customers/`+subject+`/erase"`) {
		t.Fatalf("a person's page before erasure: %d", p.Status)
	}
	data.Must(200, "DELETE", "/v1/subjects/"+subject, nil)
	p := w.Get("/console/customers/" + subject)
	if p.Status != 200 || !strings.Contains(p.Body, `id="erased"`) || strings.Contains(p.Body, `/erase"`) ||
		strings.Contains(p.Body, `id="consent-form"`) || strings.Contains(p.Body, `id="request-form"`) {
		t.Errorf("an erased person's page: %d %s", p.Status, p.Body)
	}
}
