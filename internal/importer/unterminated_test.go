package importer_test

import (
	"strings"
	"testing"

	"custodia/internal/importer"
)

// TestUnterminatedQuoteRejected: a quoted cell that is never closed runs
// to the end of the file and takes in the rows after it; the import
// rejects that row with its reason instead of storing the swallowed
// text as one person's address, and withholds the clean-up task.
func TestUnterminatedQuoteRejected(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		csv := "Họ tên,SĐT,Email,Địa chỉ\n" +
			"Nguyễn Văn Một,0912000071,mot@example.com,12 Lê Lợi\n" +
			"Trần Thị Hai,0912000072,hai@example.com,\"34 Hai Bà Trưng\n" +
			"Lê Văn Ba,0912000073,ba@example.com,56 Nguyễn Huệ\n"
		path := e.write(t, "unterminated.csv", []byte(csv))
		j := job("unterminated")
		j.Mapping = mustMapping(t, "Họ tên=name,SĐT=phone,Email=email,Địa chỉ=address")
		res := e.mustRun(t, j, importer.File(path))
		if res.Created != 1 || res.Rejected != 1 || res.Rows != 2 {
			t.Fatalf("want 2 rows read, 1 created, 1 rejected: %+v", res.Counts)
		}
		r := res.Rejects[0]
		if r.Row != "3" || r.Code != "unterminated_quote" || !strings.Contains(r.Reason, "never closed") {
			t.Errorf("reject: %+v", r)
		}
		if res.CleanupTaskID != "" {
			t.Errorf("clean-up task %s opened though a row is not in the vault", res.CleanupTaskID)
		}
	})
}
