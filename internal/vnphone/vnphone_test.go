package vnphone

import (
	"fmt"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestMobileMatchesMetadata checks Mobile against the library's metadata
// for every three-digit prefix: exactly for the common ranges (3, 5, 7,
// 8, 9), while the rare others (121, 160) are left to the full parse, so
// Mobile must only never call a number mobile that is not.
func TestMobileMatchesMetadata(t *testing.T) {
	for p := 0; p < 1000; p++ {
		d := fmt.Sprintf("%03d", p)
		for _, tail := range []string{"123456", "000000", "999999"} {
			num, err := phonenumbers.Parse("+84"+d+tail, "")
			if err != nil {
				t.Fatal(err)
			}
			mobile := phonenumbers.GetNumberType(num) == phonenumbers.MOBILE
			got := Mobile(d[0], d[1], d[2])
			common := d[0] == '3' || d[0] == '5' || d[0] == '7' || d[0] == '8' || d[0] == '9'
			if got && !mobile || common && got != mobile {
				t.Errorf("+84 %s%s: Mobile %v, metadata mobile %v", d, tail, got, mobile)
			}
		}
	}
}
