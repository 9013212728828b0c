package freetext

import (
	"strings"
	"testing"

	"custodia/internal/apperr"
)

func TestCheck(t *testing.T) {
	refused := map[string]string{
		"called back an.nguyen@example.com":        "e-mail address",
		"khách gọi từ số 0912 345 678":             "phone number",
		"deleted the row of CCCD 079203001234":     "VN_CCCD",
		"refund to card 4111 1111 1111 1111":       "card number",
		"IBAN DE89 3704 0044 0532 0130 00 removed": "IBAN",
		// Written to slip past the check (QA): a digit at a time, or the
		// address's "at" and "dot" in words.
		"customer's number 0 9 1 2 3 4 5 6 7 8":        "phone number",
		"call 0-9-1-2-3-4-5-6-7-8 back":                "phone number",
		"wrote to minh.tran at example dot com":        "e-mail address",
		"mail an.nguyen AT mail DOT example DOT vn ok": "e-mail address",
		// More of the same (QA round 6): an "@" spaced or escaped, a dot
		// spaced, invisible characters, other scripts' digits, commas.
		"mail ada @ example.com":            "e-mail address",
		"mail ada@example .com":             "e-mail address",
		"mail ada\u200b@example.com":        "e-mail address",
		"mail ada%40example.com":            "e-mail address",
		"mail ada&#64;example.com":          "e-mail address",
		"call 0  9  1  2  3  4  5  6  7  8": "phone number",
		"call 0,9,1,2,3,4,5,6,7,8":          "phone number",
		"call 0912\n345\n678":               "phone number",
		"call 0\u200b9\u200b1\u200b2345678": "phone number",
		"call ٠٩١٢٣٤٥٦٧٨":                   "phone number",
	}
	for text, says := range refused {
		err := Check("note", text)
		ae, ok := apperr.As(err)
		if !ok || ae.Code != "personal_data_in_text" || !strings.Contains(ae.Message, says) || !strings.HasPrefix(ae.Message, "note ") {
			t.Errorf("%q: %v, want personal_data_in_text naming %s", text, err, says)
			continue
		}
		// The refusal names the kind of value, never the value.
		for _, tok := range strings.Fields(text) {
			if len(tok) > 6 && strings.ContainsAny(tok, "0123456789@") && strings.Contains(err.Error(), tok) {
				t.Errorf("%q: the error repeats %q", text, tok)
			}
		}
	}
	for _, text := range []string{
		"",
		"Deleted the customer's row in HubSpot on 24/11; screenshot kept by the DPO.",
		"Đã xoá trong CRM ngày 24/11, theo yêu cầu req_tpH-ET6FJLvGJuf8",
		"Litigation hold, case 2026-17 (court letter of 3 March)",
		"order 202403150001 refunded",
		"meet at google.com on Monday",
		"steps 1 2 3 done, see the runbook at wiki dot",
		"the dot matrix printer at the 3rd floor is fixed",
	} {
		if err := Check("evidence", text); err != nil {
			t.Errorf("%q refused: %v", text, err)
		}
	}
}

// TestCheckWho: who collected a consent may be named by an e-mail address
// (staff, a system), not by a phone, card or id number.
func TestCheckWho(t *testing.T) {
	for _, ok := range []string{"lan@shop.example", "signup-form", "Dana (dpo)", "mailer@shop.example via the checkout"} {
		if err := CheckWho("collected_by", ok); err != nil {
			t.Errorf("CheckWho(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"call with +84 912 000 111", "card 4111 1111 1111 1111", "CCCD 079203001234"} {
		if err := CheckWho("collected_by", bad); apperr.CodeOf(err) != "personal_data_in_text" {
			t.Errorf("CheckWho(%q) = %v, want personal_data_in_text", bad, err)
		}
	}
	if err := Check("collected_by", "lan@shop.example"); apperr.CodeOf(err) != "personal_data_in_text" {
		t.Errorf("Check of an address = %v, want personal_data_in_text", err)
	}
}

// TestCheckFullWidth: an identifier written in full-width forms is found
// as written in ASCII (QA: "ｖｕ＠ｅｘａｍｐｌｅ．ｏｒｇ" passed).
func TestCheckFullWidth(t *testing.T) {
	for _, v := range []string{"ｖｕ＠ｅｘａｍｐｌｅ．ｏｒｇ", "gọi ０９１２ ３４５ ６７８"} {
		if err := Check("note", v); apperr.CodeOf(err) != "personal_data_in_text" {
			t.Errorf("Check(%q) = %v, want personal_data_in_text", v, err)
		}
	}
}
