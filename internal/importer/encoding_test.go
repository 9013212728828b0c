package importer_test

import (
	"testing"

	"custodia/internal/importer"
)

// vnCSV is a salesperson's spreadsheet saved as CSV: Vietnamese headers
// and values, a day-first birth date.
var vnCSV = csvOf(
	"Họ tên,SĐT,Email,Địa chỉ,Ngày sinh,CCCD",
	"Nguyễn Văn An,0912345678,an.nguyen@example.com,12 Lê Lợi Quận 1,15/03/1990,079090012345",
	"Trần Thị Bích,0987654321,bich.tran@example.com,34 Nguyễn Huệ,1985-07-01,",
	`"Lê Đức Thắng",+84 903 123 456,THANG.LE@Example.com,"56 Hai Bà Trưng, Hà Nội",,`,
)

// TestImportEncodings: the same Vietnamese CSV in UTF-8 with and without
// a byte order mark, UTF-16 and Windows-1258 imports the same people.
func TestImportEncodings(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		files := []struct {
			name    string
			data    []byte
			mapping importer.Mapping
		}{
			{"bom.csv", append([]byte("\ufeff"), vnCSV...), mustMapping(t, "Họ tên=name,SĐT=phone,Email=email,Địa chỉ=address,Ngày sinh=birth,CCCD=national_id")},
			{"plain.csv", []byte(vnCSV), nil},
			{"utf16.csv", utf16LE(t, vnCSV), nil},
			{"cp1258.csv", cp1258(t, vnCSV), nil},
		}
		for i, f := range files {
			e2 := e
			if i > 0 {
				e2 = mustEnv(t, e.engine)
			}
			j := job("enc-" + f.name)
			j.Mapping = f.mapping
			res := e2.mustRun(t, j, importer.File(e2.write(t, f.name, f.data)))
			if res.Created != 3 || res.Rejected != 0 || res.Status != importer.StatusCompleted {
				t.Fatalf("%s: %+v", f.name, res)
			}
			recs := e2.lookup(t, "email", "an.nguyen@example.com")
			if len(recs) != 1 {
				t.Fatalf("%s: %d records for An", f.name, len(recs))
			}
			d := recs[0].Data
			if d["name"] != "Nguyễn Văn An" || d["phone"] != "+84912345678" || d["birth"] != "1990-03-15" || d["national_id"] != "079090012345" {
				t.Errorf("%s: An is %v", f.name, d)
			}
			if d := e2.lookup(t, "email", "thang.le@example.com")[0].Data; d["name"] != "Lê Đức Thắng" || d["address"] != "56 Hai Bà Trưng, Hà Nội" {
				t.Errorf("%s: Thắng is %v", f.name, d)
			}
		}
	})
}

func mustMapping(t testing.TB, s string) importer.Mapping {
	t.Helper()
	m, err := importer.ParseMapping(s)
	if err != nil {
		t.Fatalf("mapping: %v", err)
	}
	return m
}
