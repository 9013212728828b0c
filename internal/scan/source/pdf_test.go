package source

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rc4"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// pdfBuilder writes PDF files for the tests: numbered objects, then a
// cross-reference table with their byte offsets, the trailer, startxref.
type pdfBuilder struct {
	objs []string
}

// add adds an object and returns its number.
func (b *pdfBuilder) add(obj string) int {
	b.objs = append(b.objs, obj)
	return len(b.objs)
}

// pdfStreamObject returns a stream object of data with more dictionary
// entries.
func pdfStreamObject(dict, data string) string {
	return fmt.Sprintf("<< /Length %d %s >>\nstream\n%s\nendstream", len(data), dict, data)
}

// bytes writes the file with root as its catalog; trailer holds more
// trailer entries, in which XREF stands for the offset of the table.
func (b *pdfBuilder) bytes(root int, trailer string) []byte {
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(b.objs))
	for i, o := range b.objs {
		offsets[i] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(b.objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	trailer = strings.ReplaceAll(trailer, "XREF", fmt.Sprint(xref))
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root %d 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(b.objs)+1, root, trailer, xref)
	return buf.Bytes()
}

// testPDF builds a PDF file with one page per content stream. The pages
// inherit their resources from the page tree: /F1 is Helvetica, /F2
// Helvetica with WinAnsiEncoding, and more, when not nil, adds objects
// and returns more font and XObject resource entries.
func testPDF(more func(b *pdfBuilder) (fonts, xobjects string), pages ...string) []byte {
	var b pdfBuilder
	catalog := b.add("<< /Type /Catalog /Pages 2 0 R >>")
	b.add("") // the page tree, written once the pages are known
	f1 := b.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	f2 := b.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	fonts, xobjects := "", ""
	if more != nil {
		fonts, xobjects = more(&b)
	}
	var kids []string
	for _, c := range pages {
		content := b.add(pdfStreamObject("", c))
		page := b.add(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R >>", content))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	b.objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d /Resources << /Font << /F1 %d 0 R /F2 %d 0 R %s >> /XObject << %s >> >> >>",
		strings.Join(kids, " "), len(kids), f1, f2, fonts, xobjects)
	return b.bytes(catalog, "")
}

// The pages of the main test document.
const (
	pdfPage1 = "BT /F1 12 Tf 72 720 Td (Customer record) Tj ET\n" +
		"BT /F1 12 Tf 72 700 Td (Phone: 0912 345 678, e-mail: an.nguyen@example.com) Tj ET\n" +
		"BT /F1 12 Tf 72 680 Td (Name:) Tj ET\n" +
		"BT /F1 12 Tf 140 680 Td (Nguyen Van An) Tj ET\n" +
		"BT /F2 12 Tf 72 660 Td (Jos\\351 M\\374ller) Tj ET\n"
	// Page 2 draws its lines out of reading order, moves with T* and ',
	// spaces words with TJ, and shifts with cm.
	pdfPage2 = "BT /F1 12 Tf 72 600 Td (0912) Tj (345678) Tj ET\n" +
		"BT /F1 12 Tf 14 TL 72 720 Td (Second page) Tj T* (line two) Tj (line three) ' ET\n" +
		"BT /F1 12 Tf 72 650 Td [(0912) -300 (345) -300 (678)] TJ ET\n" +
		"q 1 0 0 1 300 0 cm BT /F1 12 Tf 0 650 Td (right) Tj ET Q\n"
)

// pdfUnitLines returns the units as "path|line|column|text" lines.
func pdfUnitLines(units []Unit) string {
	var b strings.Builder
	for _, u := range units {
		fmt.Fprintf(&b, "%s|%d|%s|%s\n", u.Path, u.Line, u.Column, u.Text)
	}
	return b.String()
}

// checkPDFUnits fails the test when the units are not want.
func checkPDFUnits(t *testing.T, g got, want string) {
	t.Helper()
	if len(g.errs) != 0 {
		t.Errorf("errors: %v", g.errs)
	}
	if got := pdfUnitLines(g.units); got != want {
		t.Errorf("units:\n%s\nwant:\n%s", got, want)
	}
}

func TestPDFPagesAndLines(t *testing.T) {
	g := scanFile(t, "doc.pdf", testPDF(nil, pdfPage1, pdfPage2), Options{})
	checkPDFUnits(t, g, `doc.pdf|1|page 1|Customer record
doc.pdf|2|page 1|Phone: 0912 345 678, e-mail: an.nguyen@example.com
doc.pdf|3|page 1|Name: Nguyen Van An
doc.pdf|4|page 1|José Müller
doc.pdf|5|page 2|Second page
doc.pdf|6|page 2|line two
doc.pdf|7|page 2|line three
doc.pdf|8|page 2|0912 345 678 right
doc.pdf|9|page 2|0912345678
`)
	for _, u := range g.units {
		if u.Hint != "" {
			t.Errorf("hint %q", u.Hint)
		}
	}
}

func TestPDFSniffedAndSplit(t *testing.T) {
	// No .pdf extension: sniffed by its header; a 16-byte line cap splits.
	g := scanFile(t, "scan.bin", testPDF(nil, "BT /F1 10 Tf 72 700 Td (call 0912345678 now please) Tj ET"), Options{MaxLineBytes: 16})
	checkPDFUnits(t, g, `scan.bin|1|page 1|call 0912345678
scan.bin|1|page 1|now please
`)
}

// pdfCMap is a ToUnicode character map of six two-byte codes, spelling
// "Nguyễn".
const pdfCMap = `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
4 beginbfchar
<0001> <004E>
<0002> <0067>
<0005> <1EC5>
<0006> <006E>
endbfchar
1 beginbfrange
<0003> <0004> [<0075> <0079>]
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
`

// pdfType0Font adds a composite font whose character map is cmap, and
// returns it as the font resource /F3.
func pdfType0Font(cmap string) func(b *pdfBuilder) (string, string) {
	return func(b *pdfBuilder) (string, string) {
		tu := b.add(pdfStreamObject("", cmap))
		f := b.add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /Test /Encoding /Identity-H "+
			"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Test "+
			"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 600 /W [1 [700 500] 3 6 550] >>] "+
			"/ToUnicode %d 0 R >>", tu))
		return fmt.Sprintf("/F3 %d 0 R", f), ""
	}
}

func TestPDFCompositeFont(t *testing.T) {
	data := testPDF(pdfType0Font(pdfCMap),
		"BT /F1 12 Tf 72 700 Td (Name:) Tj /F3 12 Tf 40 0 Td <000100020003000400050006> Tj ET")
	checkPDFUnits(t, scanFile(t, "vi.pdf", data, Options{}), "vi.pdf|1|page 1|Name: Nguyễn\n")
}

func TestPDFFormAndInlineImage(t *testing.T) {
	form := func(b *pdfBuilder) (string, string) {
		x := b.add(pdfStreamObject("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Matrix [1 0 0 1 0 -100]",
			"BT /F1 12 Tf 72 500 Td (In a form) Tj ET"))
		return "", fmt.Sprintf("/X1 %d 0 R", x)
	}
	page := "/X1 Do BT /F1 12 Tf 72 700 Td (Before the image) Tj ET\n" +
		"BI /W 4 /H 1 /CS /G /BPC 8 ID \x00)(\xff EI\n" +
		"BT /F1 12 Tf 72 680 Td (After the image) Tj ET"
	checkPDFUnits(t, scanFile(t, "form.pdf", testPDF(form, page), Options{}), `form.pdf|1|page 1|Before the image
form.pdf|2|page 1|After the image
form.pdf|3|page 1|In a form
`)
}

// onlyPDFErr fails the test unless g holds exactly one error, at path, whose
// reason holds want.
func onlyPDFErr(t *testing.T, g got, path, want string) {
	t.Helper()
	if len(g.errs) != 1 || g.errs[0].Path != path || !strings.Contains(g.errs[0].Reason, want) {
		t.Fatalf("errors %v, want one at %s with %q", g.errs, path, want)
	}
}

func TestPDFBrokenFilesAreReported(t *testing.T) {
	dir := t.TempDir()
	good := testPDF(nil, pdfPage1)
	write(t, filepath.Join(dir, "a-truncated.pdf"), good[:len(good)/2])
	write(t, filepath.Join(dir, "b-garbage.pdf"), []byte("this is not a PDF at all, only text with 0912345678"))
	write(t, filepath.Join(dir, "c-notes.txt"), []byte("call 0912345678"))
	g := collect(t, []string{dir}, Options{})
	if len(g.errs) != 2 || g.errs[0].Path != "a-truncated.pdf" || g.errs[1].Path != "b-garbage.pdf" {
		t.Fatalf("errors: %v", g.errs)
	}
	for _, e := range g.errs {
		if !strings.HasPrefix(e.Reason, "malformed PDF: ") || strings.Contains(e.Reason, "0912") {
			t.Errorf("reason %q", e.Reason)
		}
	}
	if len(g.units) != 1 || g.units[0].Path != "c-notes.txt" {
		t.Fatalf("the walk did not go on: %v", g.units)
	}
}

func TestPDFBrokenPageIsReported(t *testing.T) {
	data := testPDF(nil, "BT /F1 12 Tf 72 700 Td (secret 0912345678) Tj ET", "BT /F1 12 Tf 72 700 Td (page two) Tj ET")
	// Point the xref entry of page 1's content (object 5) at the header.
	xref := bytes.Index(data, []byte("xref\n"))
	entry := xref + len("xref\n0 9\n") + 5*20
	copy(data[entry:], "0000000009")
	g := scanFile(t, "broken.pdf", data, Options{})
	onlyPDFErr(t, g, "broken.pdf", "page 1: malformed PDF: object not found")
	if strings.Contains(g.errs[0].Reason, "0912") {
		t.Errorf("reason quotes the text: %q", g.errs[0].Reason)
	}
	if got := pdfUnitLines(g.units); got != "broken.pdf|1|page 2|page two\n" {
		t.Fatalf("units:\n%s", got)
	}
}

func TestPDFStopsBetweenPages(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "three.pdf"), testPDF(nil, "BT /F1 12 Tf 72 700 Td (one) Tj ET",
		"BT /F1 12 Tf 72 700 Td (two) Tj ET", "BT /F1 12 Tf 72 700 Td (three) Tj ET"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var texts []string
	err := Walk(ctx, []string{dir}, Options{}, func(u Unit) error {
		texts = append(texts, string(u.Text))
		cancel()
		return nil
	}, nil)
	if !errors.Is(err, context.Canceled) || len(texts) != 1 {
		t.Fatalf("err %v, units %q", err, texts)
	}
}

func TestPDFInZIP(t *testing.T) {
	z := zipOf(t, false, [2]string{"doc.pdf", string(testPDF(nil, pdfPage1))}, [2]string{"after.txt", "still read"})
	g := scanFile(t, "x.zip", z, Options{})
	if len(g.errs) != 0 || len(g.units) != 5 {
		t.Fatalf("units %v errs %v", g.units, g.errs)
	}
	u := g.units[1]
	if u.Path != "x.zip!doc.pdf" || u.Line != 2 || u.Column != "page 1" || !strings.HasPrefix(string(u.Text), "Phone: 0912 345 678") {
		t.Fatalf("unit %+v (%s)", u, u.Text)
	}
	if g.units[4].Path != "x.zip!after.txt" {
		t.Fatalf("last unit %s", g.units[4].Path)
	}
}

// pdfSecurity returns the file key of an RC4 encryption with a 128-bit key
// (V 2, R 3) whose user password is userPW, its encryption dictionary, and
// the ID that goes with it in the trailer; only the user password part of
// the standard security handler is computed, which is all a reader checks.
func pdfSecurity(userPW string) (key []byte, dict string, id []byte) {
	pad := []byte("\x28\xbf\x4e\x5e\x4e\x75\x8a\x41\x64\x00\x4e\x56\xff\xfa\x01\x08" +
		"\x2e\x2e\x00\xb6\xd0\x68\x3e\x80\x2f\x0c\xa9\xfe\x64\x53\x69\x7a")
	id = []byte("0123456789abcdef")
	owner := bytes.Repeat([]byte{0x4f}, 32)
	perms := int32(-4)
	// Algorithm 2: the file key.
	h := md5.New()
	h.Write(append([]byte(userPW), pad...)[:32])
	h.Write(owner)
	h.Write([]byte{byte(perms), byte(perms >> 8), byte(perms >> 16), byte(perms >> 24)})
	h.Write(id)
	key = h.Sum(nil)
	for range 50 {
		sum := md5.Sum(key)
		key = sum[:]
	}
	// Algorithm 5: the user password entry.
	u := md5.Sum(append(append([]byte(nil), pad...), id...))
	user := u[:]
	for i := range 20 {
		k := bytes.Clone(key)
		for j := range k {
			k[j] ^= byte(i)
		}
		c, _ := rc4.NewCipher(k)
		c.XORKeyStream(user, user)
	}
	user = append(user, make([]byte, 16)...)
	dict = fmt.Sprintf("<< /Filter /Standard /V 2 /R 3 /Length 128 /P %d /O <%x> /U <%x> >>", perms, owner, user)
	return key, dict, id
}

// pdfRC4 returns data encrypted with the key of object num (generation 0)
// derived from the file key.
func pdfRC4(key []byte, num int, data string) string {
	objKey := md5.Sum(append(bytes.Clone(key), byte(num), byte(num>>8), byte(num>>16), 0, 0))
	c, _ := rc4.NewCipher(objKey[:])
	out := []byte(data)
	c.XORKeyStream(out, out)
	return string(out)
}

// encryptedPDF builds a one-page PDF encrypted by pdfSecurity(userPW).
func encryptedPDF(userPW, text string) []byte {
	key, encDict, id := pdfSecurity(userPW)
	// The content stream is object 4: encrypt it with its object key.
	content := pdfRC4(key, 4, fmt.Sprintf("BT /F1 12 Tf 72 700 Td (%s) Tj ET", text))

	var b pdfBuilder
	catalog := b.add("<< /Type /Catalog /Pages 2 0 R >>")
	b.add("<< /Type /Pages /Kids [5 0 R] /Count 1 >>")
	font := b.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	b.add(pdfStreamObject("", content))
	b.add(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 %d 0 R >> >> >>", font))
	enc := b.add(encDict)
	return b.bytes(catalog, fmt.Sprintf("/Encrypt %d 0 R /ID [<%x> <%x>]", enc, id, id))
}

func TestPDFEncrypted(t *testing.T) {
	g := scanFile(t, "open.pdf", encryptedPDF("", "readable 0912345678"), Options{})
	checkPDFUnits(t, g, "open.pdf|1|page 1|readable 0912345678\n")
	g = scanFile(t, "locked.pdf", encryptedPDF("secret", "hidden 0912345678"), Options{})
	if len(g.units) != 0 {
		t.Fatalf("units: %v", g.units)
	}
	onlyPDFErr(t, g, "locked.pdf", "encrypted PDF: not read")
}

func TestPDFHeaderAndTrailerTolerance(t *testing.T) {
	data := testPDF(nil, "BT /F1 12 Tf 72 700 Td (two point oh) Tj ET")
	copy(data, "%PDF-2.0")
	data = append(data, "\x00\x00 trailing junk from a mail gateway\x00"...)
	checkPDFUnits(t, scanFile(t, "v2.pdf", data, Options{}), "v2.pdf|1|page 1|two point oh\n")
}

func TestPDFCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"\ufb01ona@example.com": "fiona@example.com",
		"a\x00b\tc\ufffdd":      "a b cd",
		"Jos\xe9":               "José",
	} {
		if got := string(cleanPDFText(nil, in)); got != want {
			t.Errorf("cleanPDFText(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzPDF: PDF files, broken or not. `go test -fuzz` reports "execs: N
// (0/sec)" for long stretches of this target (golang/go#51484: the
// workers report only at intervals): counting the calls showed about
// 9,000 inputs a second on two workers (2026-11-24), not a hang.
func FuzzPDF(f *testing.F) {
	f.Add(testPDF(nil, pdfPage1, pdfPage2))
	f.Add(testPDF(pdfType0Font(pdfCMap), "BT /F3 12 Tf 72 700 Td <000100020003000400050006> Tj ET"))
	f.Add(encryptedPDF("", "readable"))
	f.Add(objStmPDF(false, pdfPageDict, nil))
	f.Add(objStmPDF(true, pdfPageDict, nil))
	f.Add(testPDF(func(b *pdfBuilder) (string, string) {
		x := b.add(pdfStreamObject("/Subtype /Form /Filter /FlateDecode", pdfDeflate(f, []byte("BT /F1 9 Tf (in a form) Tj ET"))))
		return "", fmt.Sprintf("/X1 %d 0 R", x)
	}, "/X1 Do BI /W 1 /H 1 ID \x00 EI [(a) -500 (b)] TJ"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.pdf", data) })
}
