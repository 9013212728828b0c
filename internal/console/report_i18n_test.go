package console

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"custodia/internal/report"
)

// TestReportTextsTranslated: every title and detail format the compliance
// report can produce (the literals passed to item and phrase in
// internal/report) has a Vietnamese translation, so the dashboard's
// failing checks read in the person's language.
func TestReportTextsTranslated(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../report/report.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		id, ok := call.Fun.(*ast.Ident)
		if !ok {
			return true
		}
		var args []int
		switch id.Name {
		case "item":
			args = []int{1, 4} // title, failing format
		case "phrase":
			args = []int{0}
		}
		for _, i := range args {
			if lit, ok := call.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				texts = append(texts, s)
			}
		}
		return true
	})
	if len(texts) < 30 {
		t.Fatalf("found only %d report texts: has report.go changed shape?", len(texts))
	}
	for _, s := range texts {
		if _, ok := viMessages[s]; !ok {
			t.Errorf("no Vietnamese for the report text %q", s)
		}
	}

	vi := newLocale("vi")
	ps := []report.Phrase{{Format: "%d open incidents, no notification overdue", Args: []any{float64(1234)}},
		{Format: "; %d notifications due now, without undue delay: %s", Args: []any{float64(2), "inc_a, inc_b"}}}
	if got, want := vi.Phrases(ps, "x"), "1.234 sự cố đang mở, không có thông báo nào quá hạn; 2 thông báo đến hạn ngay, không được chậm trễ: inc_a, inc_b"; got != want {
		t.Errorf("Phrases in Vietnamese:\n got %q\nwant %q", got, want)
	}
	if got := vi.Phrases(nil, "the English detail"); got != "the English detail" {
		t.Errorf("no phrases: %q", got)
	}
	// A day is written as the language writes days, and the sentence
	// starts with a capital (QA: "khóa mã hóa khóa … ngày 2026-11-24").
	rot := []report.Phrase{{Format: "the key-encryption key is less than a year old (last rotated %s)", Args: []any{"2026-11-24"}}}
	if got := vi.Phrases(rot, "x"); !strings.Contains(got, "24/11/2026") || strings.Contains(got, "2026-11-24") || got[:1] != strings.ToUpper(got[:1]) {
		t.Errorf("rotation phrase in Vietnamese: %q", got)
	}
	if got := newLocale("en").Phrases(rot, "x"); !strings.Contains(got, "24 Nov 2026") || !strings.HasPrefix(got, "The key-encryption key") {
		t.Errorf("rotation phrase in English: %q", got)
	}
}

// TestProblemsInVietnamese: an API refusal reads in Vietnamese for a
// Vietnamese-speaking person: a sentence for known codes, otherwise a
// Vietnamese lead-in with the code and the API's English detail; in
// English the API's detail as it is.
func TestProblemsInVietnamese(t *testing.T) {
	vi, en := newLocale("vi"), newLocale("en")
	if got := vi.Problem("no_consent", "the purpose rests on consent"); got != viProblems["no_consent"] {
		t.Errorf("known code: %q", got)
	}
	if got := vi.Problem("some_new_code", "x must be y"); got != "Máy chủ từ chối thao tác này (some_new_code): x must be y" {
		t.Errorf("unknown code: %q", got)
	}
	if got := en.Problem("no_consent", "the purpose rests on consent"); got != "the purpose rests on consent" {
		t.Errorf("English: %q", got)
	}
	if got := vi.AlertText("bulk_read", "one principal read many"); got != viAlerts["bulk_read"] {
		t.Errorf("alert in Vietnamese: %q", got)
	}
	if got := en.AlertText("bulk_read", "one principal read many"); got != "one principal read many" {
		t.Errorf("alert in English: %q", got)
	}
	if got := vi.AlertText("some_new_kind", "message"); got != "message" {
		t.Errorf("unknown alert kind in Vietnamese: %q", got)
	}
	if got := vi.Known("Aggregate analysis of how the service is used."); got != "Phân tích tổng hợp cách dịch vụ được sử dụng." {
		t.Errorf("built-in purpose description: %q", got)
	}
	if got := vi.Known("100% of our %d customers"); got != "100% of our %d customers" {
		t.Errorf("a person's own text: %q", got)
	}

}

// TestRequestResultsInVietnamese: what carrying out a request did, which
// the API records in English, reads in the person's language; a reason a
// person wrote stays as written.
func TestRequestResultsInVietnamese(t *testing.T) {
	vi, en := newLocale("vi"), newLocale("en")
	for in, want := range map[string]string{
		"package available at /v1/requests/req_1/package":                                              "Gói dữ liệu truy cập đã sẵn sàng để tải xuống.",
		"subject crypto-shredded; 2 task(s) opened for systems outside the vault that may hold copies": "Dữ liệu của người này đã bị hủy bằng cách xóa khóa mã hóa. Đã mở 2 nhiệm vụ cho các hệ thống ngoài kho có thể giữ bản sao.",
		"objection recorded for: marketing, analytics":                                                 "Đã ghi nhận phản đối cho: marketing, analytics.",
		"record rec_1 rectified":                                                                       "Đã chỉnh sửa hồ sơ rec_1.",
		"something new":                                                                                "something new",
	} {
		if got := vi.Result(in); got != want {
			t.Errorf("Result(%q) = %q, want %q", in, got, want)
		}
	}
	if got := en.Reason("executed: subject crypto-shredded"); got != "The person's data was crypto-shredded." {
		t.Errorf("English reason: %q", got)
	}
	if got := vi.Reason("Khách gọi điện xác nhận"); got != "Khách gọi điện xác nhận" {
		t.Errorf("a person's reason changed: %q", got)
	}
}
