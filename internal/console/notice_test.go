package console_test

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var extensionNotice = regexp.MustCompile(`(?s)<textarea id="reason-extended"[^>]*>(.*?)</textarea>`)

// TestExtensionNoticeHasNoResearchNotes: the extension notice drafted
// for the requester of a VN request cites the decree without the rules
// table's caveat "(article believed, not verified)", in English and in
// Vietnamese (where the citation is Vietnamese too); the DPO's page
// still shows the full source.
func TestExtensionNoticeHasNoResearchNotes(t *testing.T) {
	f := newReqFixture(t)
	req := f.file(t, map[string]any{"type": "withdraw_consent", "subject_lookup": map[string]any{"subject": f.a.Subject}, "jurisdiction": "VN", "channel": "zalo"})
	id := req["id"].(string)
	f.move(t, id, "verifying_identity")
	f.move(t, id, "in_progress")
	w := f.web(t)
	w.SignIn(f.newPerson(t, "dpo"))
	for _, c := range []struct{ lang, want, wantOut string }{
		{"en", "as the law allows (Decree 356/2025/ND-CP Art. 5, detailing Law 91/2025/QH15 Art. 4;", ""},
		{"vi", "theo quy định của pháp luật (Điều 5 Nghị định 356/2025/NĐ-CP hướng dẫn Điều 4 Luật 91/2025/QH15;", "Decree"},
	} {
		w.Post("/console/language", url.Values{"lang": {c.lang}, "back": {"/console/"}})
		p := w.Get("/console/requests/" + id)
		m := extensionNotice.FindStringSubmatch(p.Body)
		if m == nil {
			t.Fatalf("%s: no extension notice on the page (%d)", c.lang, p.Status)
		}
		notice := html.UnescapeString(m[1])
		if strings.Contains(notice, "believed") || strings.Contains(notice, "verified") || !strings.Contains(notice, c.want) ||
			(c.wantOut != "" && strings.Contains(notice, c.wantOut)) {
			t.Errorf("%s notice: %q", c.lang, notice)
		}
		if !strings.Contains(html.UnescapeString(p.Body), "(article believed, not verified)") {
			t.Errorf("%s: the DPO's page no longer shows the rule's full source", c.lang)
		}
	}
}
