package source

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
	"testing"
	"time"
)

// pdfDeflate returns data compressed with zlib, as FlateDecode wants.
func pdfDeflate(t testing.TB, data []byte) string {
	t.Helper()
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestPDFPageOverTheLimits(t *testing.T) {
	// A 17 MiB string deflated to a few KiB: the page is skipped, the
	// next one read.
	bomb := func(b *pdfBuilder) (string, string) {
		big := "BT /F1 1 Tf (" + strings.Repeat("a", maxPDFPageText+1<<20) + ") Tj ET"
		x := b.add(pdfStreamObject("/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Filter /FlateDecode", pdfDeflate(t, []byte(big))))
		return "", fmt.Sprintf("/Big %d 0 R", x)
	}
	g := scanFile(t, "big.pdf", testPDF(bomb, "/Big Do", "BT /F1 12 Tf 72 700 Td (page two) Tj ET"), Options{})
	onlyPDFErr(t, g, "big.pdf", "page 1: text over the limit of 16 MiB: page not read")
	checkPDFUnits(t, got{units: g.units}, "big.pdf|1|page 2|page two\n")
	// So many text runs that their bookkeeping is over the limit.
	runs := strings.Repeat("1 0 Td (a) Tj ", 300_000)
	many := func(b *pdfBuilder) (string, string) {
		x := b.add(pdfStreamObject("/Subtype /Form /Filter /FlateDecode", pdfDeflate(t, []byte("BT /F1 0.001 Tf "+runs+"ET"))))
		return "", fmt.Sprintf("/Many %d 0 R", x)
	}
	g = scanFile(t, "many.pdf", testPDF(many, "/Many Do"), Options{})
	onlyPDFErr(t, g, "many.pdf", "page 1: text over the limit")
}

// pdfOneStream returns a one-page PDF whose content stream (object 4,
// "x" deflated) has the dictionary dict, followed by objects 5, 6… holding
// more.
func pdfOneStream(t testing.TB, dict string, more ...string) []byte {
	var b pdfBuilder
	root := b.add("<< /Type /Catalog /Pages 2 0 R >>")
	b.add("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	b.add("<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>")
	b.add(pdfStreamObject(dict, pdfDeflate(t, []byte("x"))))
	for _, o := range more {
		b.add(o)
	}
	return b.bytes(root, "")
}

// pdfWithin fails the test when f takes longer than limit seconds
// (the guards below stop loops and allocations that would never end).
func pdfWithin(t *testing.T, limit float64, f func()) {
	t.Helper()
	start := time.Now()
	f()
	if d := time.Since(start); d.Seconds() > limit {
		t.Fatalf("took %v", d)
	}
}

func TestPDFGuards(t *testing.T) {
	base := testPDF(nil, "BT /F1 12 Tf 72 700 Td (text) Tj ET")
	cases := []struct {
		name, want, path string
		data             []byte
	}{{
		// The library would allocate the table up to object 9999999999.
		name: "xref-start.pdf", want: "cross-reference section over the limit",
		data: bytes.Replace(base, []byte("xref\n0 "), []byte("xref\n9999999999 "), 1),
	}, {
		// The library would follow /Prev around forever.
		name: "xref-loop.pdf", want: "cross-reference sections loop",
		data: func() []byte {
			var b pdfBuilder
			root := b.add("<< /Type /Catalog /Pages 2 0 R >>")
			b.add("<< /Type /Pages /Kids [] /Count 0 >>")
			return b.bytes(root, "/Prev XREF")
		}(),
	}, {
		// The library would allocate rows of 99999999999 bytes.
		name: "columns.pdf", want: "malformed PDF: /Columns or /N value over the limit",
		data: pdfOneStream(t, "/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 99999999999 >>"),
	}, {
		// ... or by a value it reads through a reference.
		name: "columns-indirect.pdf", want: "malformed PDF: /Columns or /N value over the limit",
		data: pdfOneStream(t, "/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 5 0 R >>", "99999999999"),
	}, {
		// The library would loop forever on a character map that ends
		// inside a hex string; the page's other text is read.
		name: "cmap.pdf", want: "page 1: character map: malformed PDF: character map",
		data: testPDF(pdfType0Font(pdfCMap+"<00"), "BT /F3 12 Tf 72 700 Td <0001> Tj /F1 12 Tf 72 680 Td (text) Tj ET"),
	}, {
		// ... or make 2^22 entries at each of its endbfchar.
		name: "cmap-bomb.pdf", want: "page 1: character map: malformed PDF: character map",
		data: testPDF(pdfType0Font(strings.Replace(pdfCMap, "4 beginbfchar", "4000000 beginbfchar", 1)+
			strings.Repeat("endbfchar\n", 1000)), "BT /F3 12 Tf 72 700 Td <0001> Tj /F1 12 Tf 72 680 Td (text) Tj ET"),
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pdfWithin(t, 5, func() {
				g := scanFile(t, c.name, c.data, Options{})
				onlyPDFErr(t, g, c.name, c.want)
			})
		})
	}
	// A content stream that ends inside a hex string, which the library
	// would loop on, is read to its end.
	g := scanFile(t, "hex.pdf", testPDF(nil, "BT /F1 12 Tf 72 700 Td (before) Tj <41"), Options{})
	checkPDFUnits(t, g, "hex.pdf|1|page 1|before\n")
}

// TestPDFReference: what the guard takes for an indirect reference.
func TestPDFReference(t *testing.T) {
	for in, want := range map[string]bool{
		" 5 0 R": true, "\n12 0 R >>": true, " 5 0 R/Predictor": true,
		" 5": false, " 5 0": false, " 5 0 Rx": false, "5 0 R": false, " 5 R": false, " /Name": false, " 5 0 obj": false, "": false,
	} {
		if got := pdfReference([]byte(in)); got != want {
			t.Errorf("pdfReference(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestPDFReasonQuotesNothing(t *testing.T) {
	for _, msg := range []string{
		"malformed hex string a z Nguyen Van An 0912345678",
		"malformed PDF: cross-reference table not found: {1 0 obj}(An 0912345678)",
		"unknown filter An0912345678",
		"runtime error: index out of range [3] with length 3",
	} {
		if r := pdfReason(msg); strings.ContainsAny(r, "0123456789") || strings.Contains(r, "An") {
			t.Errorf("pdfReason(%q) = %q", msg, r)
		}
	}
}
