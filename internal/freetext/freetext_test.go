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
	} {
		if err := Check("evidence", text); err != nil {
			t.Errorf("%q refused: %v", text, err)
		}
	}
}
