package freetext

import (
	"strings"
	"testing"

	"custodia/internal/apperr"
)

// FuzzCheck: any text is checked without a panic, and a refusal is
// personal_data_in_text naming the field, never quoting the text.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"called back an.nguyen@example.com", "0 9 1 2 3 4 5 6 7 8", "ada @ example .com", "ada%40example.com",
		"٠٩١٢٣٤٥٦٧٨", "minh at example dot com", "order 202403150001 refunded", "0912\n345\n678", "a\u200bb@c.de"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		err := Check("note", text)
		if err == nil {
			return
		}
		ae, ok := apperr.As(err)
		if !ok || ae.Code != "personal_data_in_text" || !strings.HasPrefix(ae.Message, "note ") {
			t.Fatalf("%q: %v", text, err)
		}
		if len(text) >= 8 && strings.Contains(ae.Message, text) {
			t.Fatalf("the refusal quotes the text: %v", err)
		}
	})
}
