package detect

import (
	"fmt"
	"strings"
	"testing"

	"custodia/internal/scan"
)

// labelled is a generated text with the spans of the personal values in
// it.
type labelled struct {
	b     strings.Builder
	spans []labelSpan
}

// labelSpan is one labelled value.
type labelSpan struct {
	ent        scan.Entity
	start, end int
}

// add appends s, labelled with ent ("" for text that is not personal
// data).
func (l *labelled) add(s string, ent scan.Entity) {
	if ent != "" {
		l.spans = append(l.spans, labelSpan{ent, l.b.Len(), l.b.Len() + len(s)})
	}
	l.b.WriteString(s)
}

// labelledCorpus generates n records of mixed English and Vietnamese text
// with personal values (with and without context words) and near misses.
func labelledCorpus(seed uint64, n int) *labelled {
	g := newGen(seed)
	l := &labelled{}
	lbl := func(opts ...string) string { return pick(g, opts) }
	for i := 0; i < n; i++ {
		switch g.r.IntN(18) {
		case 0:
			l.add(lbl("Email: ", "liên hệ ", "", "mail to "), "")
			l.add(g.email(), scan.EmailAddress)
		case 1:
			l.add(lbl("SĐT: ", "Phone: ", "", "gọi ", "mobile ", "Điện thoại "), "")
			l.add(g.phone(), scan.PhoneNumber)
		case 2:
			l.add(lbl("Card: ", "", "thẻ ", "paid with "), "")
			l.add(g.card(), scan.CreditCard)
		case 3:
			l.add(lbl("IBAN ", "", "account "), "")
			l.add(g.iban(), scan.IBANCode)
		case 4:
			l.add(lbl("Aadhaar: ", "", "UID ", "aadhar no "), "")
			l.add(g.aadhaar(), scan.INAadhaar)
		case 5:
			l.add(lbl("SSN: ", "", "social security number "), "")
			l.add(g.ssn(), scan.USSSN)
		case 6:
			l.add(lbl("IP ", "from ", "", "client_ip="), "")
			if g.r.IntN(4) == 0 {
				l.add(fmt.Sprintf("2001:db8:%x::%x", g.r.IntN(65536), 1+g.r.IntN(65535)), scan.IPAddress)
			} else {
				l.add(fmt.Sprintf("%d.%d.%d.%d", 1+g.r.IntN(223), g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254)), scan.IPAddress)
			}
		case 7:
			l.add(lbl("CCCD: ", "", "Số định danh ", "căn cước công dân số "), "")
			l.add(g.cccd(), scan.VNCCCD)
		case 8:
			l.add(lbl("PAN: ", "", "PAN card "), "")
			l.add(g.pan(), scan.INPAN)
		case 9:
			l.add(lbl("DOB: ", "Ngày sinh: ", "date of birth ", "sinh ngày ", "born "), "")
			y, m, d := 1940+g.r.IntN(80), 1+g.r.IntN(12), 1+g.r.IntN(28)
			l.add(pick(g, []string{fmt.Sprintf("%02d/%02d/%d", d, m, y), fmt.Sprintf("%d-%02d-%02d", y, m, d), fmt.Sprintf("%02d.%02d.%d", d, m, y)}), scan.DateOfBirth)
		case 10: // near misses: bad checksums
			bad := luhnComplete("4" + g.digits(14))
			l.add("card "+bad[:15]+string('0'+(bad[15]-'0'+1)%10), "")
		case 11:
			ib := g.iban()
			l.add("IBAN "+ib[:len(ib)-1]+string('0'+(ib[len(ib)-1]-'0'+1)%10), "")
		case 12: // order numbers, invoice dates, amounts, product codes
			l.add(fmt.Sprintf("Mã đơn hàng: %s, ngày hóa đơn %02d/%02d/2024, tổng 1.%03d.000đ, SKU-09%s", g.digits(12), 1+g.r.IntN(28), 1+g.r.IntN(12), g.r.IntN(1000), g.digits(8)), "")
		case 13: // versions and times
			l.add(fmt.Sprintf("version %d.%d.%d.%d released at %02d:%02d:%02d", g.r.IntN(10), g.r.IntN(20), g.r.IntN(50), g.r.IntN(999), g.r.IntN(24), g.r.IntN(60), g.r.IntN(60)), "")
		case 14: // bad Aadhaar checksum
			a := verhoeffComplete(fmt.Sprint(2+g.r.IntN(8)) + g.digits(10))
			l.add("Aadhaar "+a[:11]+string('0'+(a[11]-'0'+1)%10), "")
		case 15: // unlabelled numbers that are not personal data: some pass a checksum by chance
			l.add(fmt.Sprintf("ref %s, qty %d, code %s", g.digits(12), 1+g.r.IntN(20), g.digits(16)), "")
		case 16:
			l.add(fmt.Sprintf("Tracking: %s. Batch %s. Model %d.%d", g.digits(10), g.digits(9), g.r.IntN(10), g.r.IntN(10)), "")
		default:
			l.add("The order was shipped on time and the customer confirmed receipt", "")
		}
		l.add(pick(g, []string{". ", "; ", "\n", ", "}), "")
	}
	return l
}

// TestAccuracyOnGeneratedCorpus scores the detectors on the labelled
// corpus: precision, recall and F2 per entity. It is a regression guard
// on data from this package's own generator, not an independent
// evaluation.
func TestAccuracyOnGeneratedCorpus(t *testing.T) {
	l := labelledCorpus(42, 4000)
	text := l.b.String()
	s := newTestScanner(Options{})
	type key struct {
		ent        scan.Entity
		start, end int
	}
	want := map[key]bool{}
	for _, sp := range l.spans {
		want[key(sp)] = true
	}
	tp, fp, fn := map[scan.Entity]int{}, map[scan.Entity]int{}, map[scan.Entity]int{}
	got := map[key]bool{}
	for _, f := range scanAll(t, s, text, "") {
		k := key{f.Entity, f.Start, f.End}
		got[k] = true
		if want[k] {
			tp[f.Entity]++
		} else {
			fp[f.Entity]++
			if fp[f.Entity] <= 3 {
				t.Logf("false positive %v in %q", f, text[max(0, f.Start-60):f.End])
			}
		}
	}
	for k := range want {
		if !got[k] {
			fn[k.ent]++
			if fn[k.ent] <= 4 {
				t.Logf("missed %s %q in %q", k.ent, text[k.start:k.end], text[max(0, k.start-60):k.end])
			}
		}
	}
	targets := map[scan.Entity]float64{
		scan.CreditCard: 0.95, scan.IBANCode: 0.95, scan.INAadhaar: 0.95, scan.USSSN: 0.95, scan.EmailAddress: 0.95,
		scan.PhoneNumber: 0.95, scan.IPAddress: 0.95, scan.VNCCCD: 0.85, scan.INPAN: 0.85, scan.DateOfBirth: 0.85,
	}
	for ent, target := range targets {
		p := float64(tp[ent]) / float64(max(tp[ent]+fp[ent], 1))
		r := float64(tp[ent]) / float64(max(tp[ent]+fn[ent], 1))
		f2 := 0.0
		if p+r > 0 {
			f2 = 5 * p * r / (4*p + r)
		}
		t.Logf("%-14s tp %4d fp %3d fn %3d  P %.3f R %.3f F2 %.3f", ent, tp[ent], fp[ent], fn[ent], p, r, f2)
		if f2 < target {
			t.Errorf("%s: F2 %.3f below %.2f", ent, f2, target)
		}
	}
}
