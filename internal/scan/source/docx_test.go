package source

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
)

// wordNS declares the namespaces of a DOCX part's root element.
const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"`

// wordDoc returns a document.xml whose body is body.
func wordDoc(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w:document ` + wordNS + `><w:body>` + body + `<w:sectPr/></w:body></w:document>`
}

// wordPart returns a header, footer or notes part whose root is root.
func wordPart(root, inner string) string {
	return `<w:` + root + ` ` + wordNS + `>` + inner + `</w:` + root + `>`
}

// para returns a paragraph of one run of text.
func para(text string) string { return `<w:p><w:r><w:t>` + text + `</w:t></w:r></w:p>` }

// docx builds a DOCX document of document.xml and the other parts given,
// deflated.
func docx(t testing.TB, document string, parts ...[2]string) []byte {
	t.Helper()
	files := [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", document},
	}
	return zipOf(t, false, append(files, parts...)...)
}

// letterBody is the body of the test letter.
var letterBody = `<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>` +
	`<w:r><w:t>Khách hàng: Ngu</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>yễn Văn An</w:t></w:r></w:p>` +
	`<w:p/>` +
	`<w:p><w:r><w:t>SĐT:</w:t><w:tab/><w:t>0912 345 678</w:t><w:br/><w:t xml:space="preserve">Email: an@example.com </w:t></w:r></w:p>` +
	`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Họ tên</w:t></w:r></w:p></w:tc>` +
	`<w:tc><w:p><w:r><w:t>Trần Thị </w:t></w:r><w:r><w:t>Bình</w:t></w:r></w:p><w:p><w:r><w:t>CCCD 079190000123</w:t></w:r></w:p></w:tc></w:tr></w:tbl>` +
	`<w:p><w:r><w:t>a &amp; b</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>` +
	para("in a text box") + `</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>` +
	para("in a text box") + `</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t xml:space="preserve"> after it</w:t></w:r></w:p>` +
	`<w:p><w:r><w:instrText>HYPERLINK "x"</w:instrText></w:r><w:r><w:t>Hà Nội</w:t><w:noBreakHyphen/><w:t>2024</w:t></w:r></w:p>`

func TestDOCX(t *testing.T) {
	doc := docx(t, wordDoc(letterBody),
		[2]string{"word/header10.xml", wordPart("hdr", para("tenth header"))},
		[2]string{"word/header2.xml", wordPart("hdr", para("Công ty ABC")+para("Mật"))},
		[2]string{"word/footer1.xml", wordPart("ftr", `<w:p><w:r><w:t>Trang </w:t></w:r><w:fldSimple w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>`)},
		[2]string{"word/footnotes.xml", wordPart("footnotes", `<w:footnote w:id="0"><w:p/></w:footnote><w:footnote w:id="1">`+para("Nguồn: hồ sơ 2024")+`</w:footnote>`)},
		[2]string{"word/comments.xml", wordPart("comments", `<w:comment w:id="0" w:author="Lan">`+para("kiểm tra lại SĐT")+`</w:comment>`)},
		[2]string{"word/styles.xml", wordPart("styles", para("not text of the document"))},
		[2]string{"word/media/image1.png", "\x89PNG\r\n\x1a\nnot scanned"},
	)
	g := scanFile(t, "letter.docx", doc, Options{})
	if len(g.errs) != 0 {
		t.Fatalf("errors: %v", g.errs)
	}
	for _, u := range g.units {
		if u.Path != "letter.docx" {
			t.Fatalf("path %q", u.Path)
		}
	}
	want := []cell{
		{1, "", "", "Khách hàng: Nguyễn Văn An"},
		{3, "", "", "SĐT:\t0912 345 678 Email: an@example.com"},
		{4, "", "", "Họ tên"}, {5, "", "", "Trần Thị Bình"}, {6, "", "", "CCCD 079190000123"},
		{7, "", "", "a & b"}, {8, "", "", "in a text box"}, {7, "", "", "after it"},
		{9, "", "", "Hà Nội-2024"},
		{1, "header2", "", "Công ty ABC"}, {2, "header2", "", "Mật"},
		{1, "header10", "", "tenth header"},
		{1, "footer1", "", "Trang 1"},
		{2, "footnotes", "", "Nguồn: hồ sơ 2024"},
		{1, "comments", "", "kiểm tra lại SĐT"},
	}
	if got := cells(g.units); !slices.Equal(got, want) {
		t.Fatalf("units:\n%v\nwant:\n%v", got, want)
	}
}

func TestDOCXLongParagraphs(t *testing.T) {
	// Many runs: emitted in pieces within the line cap, nothing lost.
	var runs strings.Builder
	for range 40 {
		runs.WriteString(`<w:r><w:t xml:space="preserve">word </w:t></w:r>`)
	}
	g := scanFile(t, "long.docx", docx(t, wordDoc(`<w:p>`+runs.String()+`</w:p>`)), Options{MaxLineBytes: 16})
	if len(g.errs) != 0 {
		t.Fatalf("errors: %v", g.errs)
	}
	var all []string
	for _, u := range g.units {
		if len(u.Text) > 16 || u.Line != 1 {
			t.Fatalf("unit %+v", u)
		}
		all = append(all, string(u.Text))
	}
	if got := strings.Join(all, " "); got != strings.TrimSpace(strings.Repeat("word ", 40)) {
		t.Fatalf("text %q", got)
	}
	// One text token over four times the cap (but never less than
	// minXMLToken) ends the part, reported.
	g = scanFile(t, "token.docx", docx(t, wordDoc(para("first")+para(strings.Repeat("x", minXMLToken+1)))), Options{MaxLineBytes: 16})
	// What was read of the token is scanned.
	if len(g.units) < 2 || string(g.units[0].Text) != "first" || len(g.errs) != 1 ||
		!strings.Contains(g.errs[0].Reason, "document: after paragraph 2: XML token over the size limit") {
		t.Fatalf("token: %d units, errs %v", len(g.units), g.errs)
	}
	// So does a comment or a CDATA section, whatever it holds.
	for _, big := range []string{"<!-- " + strings.Repeat("<a> ", minXMLToken/4) + "-->", "<w:t><![CDATA[" + strings.Repeat("<>", minXMLToken/2) + "]]></w:t>"} {
		g = scanFile(t, "markup.docx", docx(t, wordDoc(`<w:p><w:r>`+big+`</w:r></w:p>`)), Options{MaxLineBytes: 16})
		if len(g.errs) != 1 || !strings.Contains(g.errs[0].Reason, "size limit") {
			t.Fatalf("markup %.20q: %d units, errs %v", big, len(g.units), g.errs)
		}
	}
}

func TestDOCXCorrupt(t *testing.T) {
	good := docx(t, wordDoc(para("secret text")))
	dir := t.TempDir()
	write(t, dir+"/a-truncated.docx", good[:len(good)*2/3])
	write(t, dir+"/b-notxml.docx", docx(t, "secret <<< not xml", [2]string{"word/header1.xml", wordPart("hdr", para("header still read"))}))
	write(t, dir+"/c-text.docx", docx(t, "just secret text"))
	write(t, dir+"/d-unclosed.docx", docx(t, `<w:document `+wordNS+`><w:body>`+para("secret before")+`<w:p><w:r><w:t>secret cut`))
	deep := strings.Repeat("<w:x>", maxXMLDepth+1)
	write(t, dir+"/e-deep.docx", docx(t, `<w:document `+wordNS+`>`+deep))
	write(t, dir+"/f-after.txt", []byte("still read"))
	// g: the deflated data of document.xml damaged.
	damaged := docx(t, wordDoc(strings.Repeat(para("secret text, and more of it"), 50)))
	i := bytes.Index(damaged, []byte("word/document.xml")) + len("word/document.xml")
	for j := i + 20; j < i+60; j++ {
		damaged[j] ^= 0x55
	}
	write(t, dir+"/g-damaged.docx", damaged)

	g := collect(t, []string{dir}, Options{})
	var reasons []string
	for _, e := range g.errs {
		if strings.Contains(e.Reason, "secret") {
			t.Errorf("the reason quotes the document: %v", e)
		}
		reasons = append(reasons, e.Path+": "+e.Reason)
	}
	wantErrs := []string{
		"a-truncated.docx: not a readable ZIP archive",
		"b-notxml.docx: document: after paragraph 0: malformed XML on line 1",
		"c-text.docx: document: not XML: no root element",
		"d-unclosed.docx: document: after paragraph 2: malformed XML on line 1",
		"e-deep.docx: document: after paragraph 0: XML nested too deep",
		"g-damaged.docx: document: after paragraph 0: flate: corrupt input",
	}
	if len(reasons) != len(wantErrs) {
		t.Fatalf("errors:\n%s", strings.Join(reasons, "\n"))
	}
	for i, w := range wantErrs {
		if !strings.HasPrefix(reasons[i], w) {
			t.Errorf("error %d: %s, want %s...", i, reasons[i], w)
		}
	}
	var texts []string
	for _, u := range g.units {
		texts = append(texts, u.Path+"|"+string(u.Text))
	}
	wantUnits := []string{"b-notxml.docx|header still read", "d-unclosed.docx|secret before", "d-unclosed.docx|secret cut", "f-after.txt|still read"}
	if !slices.Equal(texts, wantUnits) {
		t.Fatalf("units:\n%s", strings.Join(texts, "\n"))
	}
}

func TestDOCXLimits(t *testing.T) {
	// A bomb: paragraphs read until the ratio is over the limit.
	bomb := docx(t, wordDoc(strings.Repeat(para("x"), 300_000)), [2]string{"word/footer1.xml", wordPart("ftr", para("footer"))})
	g := scanFile(t, "bomb.docx", bomb, Options{})
	if len(g.errs) != 1 || !strings.Contains(g.errs[0].Reason, "document: after paragraph") || !strings.Contains(g.errs[0].Reason, "zip bomb") {
		t.Fatalf("bomb: %v", g.errs)
	}
	if last := g.units[len(g.units)-1]; last.Column != "footer1" {
		t.Fatalf("the parts after the bomb were not read: %+v", last)
	}
	// The byte budget ends the document.
	doc := docx(t, wordDoc(strings.Repeat(para("some words"), 100)), [2]string{"word/footer1.xml", wordPart("ftr", para("footer"))})
	g = scanFile(t, "budget.docx", doc, Options{MaxArchiveBytes: 500})
	if len(g.errs) != 1 || !strings.Contains(g.errs[0].Reason, "more than the limit") {
		t.Fatalf("budget: %v", g.errs)
	}
	for _, u := range g.units {
		if u.Column == "footer1" {
			t.Fatal("read past the byte budget")
		}
	}
	// Each part counts as an archive entry.
	g = scanFile(t, "entries.docx", doc, Options{MaxArchiveEntries: 1})
	if len(g.errs) != 1 || !strings.Contains(g.errs[0].Reason, "entry limit") || g.units[len(g.units)-1].Column != "" {
		t.Fatalf("entries: %v", g.errs)
	}
}

func TestDOCXInZIPAndSniffed(t *testing.T) {
	doc := docx(t, wordDoc(para("nested letter")))
	g := scanFile(t, "all.zip", zipOf(t, false, [2]string{"letters/a.docx", string(doc)}), Options{})
	if len(g.errs) != 0 || len(g.units) != 1 || g.units[0].Path != "all.zip!letters/a.docx" || g.units[0].Line != 1 {
		t.Fatalf("units %v errs %v", g.units, g.errs)
	}
	g = scanFile(t, "letter", doc, Options{})
	if len(g.errs) != 0 || len(g.units) != 1 || string(g.units[0].Text) != "nested letter" {
		t.Fatalf("sniffed: units %v errs %v", g.units, g.errs)
	}
}

func TestTokenGuardFollowsTheDecoder(t *testing.T) {
	// Markup whose tokens are all short passes a small limit, whatever
	// quotes, brackets and comments it holds.
	for _, x := range []string{
		`<a b='x>y' c="<">t</a>`,
		`<?pi a?b ?>`,
		`<!DOCTYPE d [ <!ELEMENT e (#PCDATA)> ]><e/>`,
		`<!-- - > -- -->`,
		`<![CDATA[ ] ]> ]]>`,
	} {
		g := &tokenGuard{r: strings.NewReader(x), limit: 48}
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(g); err != nil {
			t.Errorf("%s: %v", x, err)
		}
		if g.state != gText {
			t.Errorf("%s: state %d at the end", x, g.state)
		}
	}
	// Quoted brackets in a directive do not end it early.
	g := &tokenGuard{r: strings.NewReader(`<!DOCTYPE d "> <> <> <> <> <> <> <> <> <> <> <>">`), limit: 30}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(g); !errors.Is(err, errXMLTooLong) {
		t.Fatalf("directive: %v", err)
	}
}

// FuzzDOCX: documents, well-formed or not.
func FuzzDOCX(f *testing.F) {
	f.Add(storedZip(f, [2]string{"word/document.xml", wordDoc(letterBody)}, [2]string{"word/header1.xml", wordPart("hdr", para("h"))}))
	f.Add(storedZip(f, [2]string{"word/document.xml", wordDoc(`<w:p><w:r><w:t>a<![CDATA[b]]></w:t><!-- c --><?p q?></w:r></w:p>`)}))
	f.Add(docx(f, wordDoc(para("deflated"))))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.docx", data) })
}

// TestDOCXTableHeader: a table's first row names its columns, and each
// cell below is scanned with its column's name as context, as a CSV
// cell is; nested tables have headers of their own.
func TestDOCXTableHeader(t *testing.T) {
	tc := func(texts ...string) string {
		out := ""
		for _, x := range texts {
			out += `<w:tc>` + para(x) + `</w:tc>`
		}
		return out
	}
	body := `<w:tbl><w:tr>` + tc("Họ tên", "SĐT", "Ngày sinh") + `</w:tr>` +
		`<w:tr>` + tc("Vũ Thị Hạnh", "0987 654 321", "12/11/1988") + `</w:tr>` +
		`<w:tr><w:tc><w:tbl><w:tr>` + tc("Email") + `</w:tr><w:tr>` + tc("h@example.com") + `</w:tr></w:tbl></w:tc>` + tc("x", "y") + `</w:tr></w:tbl>` +
		para("after the table")
	g := scanFile(t, "list.docx", docx(t, wordDoc(body)), Options{})
	if len(g.errs) != 0 {
		t.Fatalf("errors: %v", g.errs)
	}
	want := []cell{
		{1, "", "", "Họ tên"}, {2, "", "", "SĐT"}, {3, "", "", "Ngày sinh"},
		{4, "", "Họ tên", "Vũ Thị Hạnh"}, {5, "", "SĐT", "0987 654 321"}, {6, "", "Ngày sinh", "12/11/1988"},
		{7, "", "", "Email"}, {8, "", "Email", "h@example.com"}, {9, "", "SĐT", "x"}, {10, "", "Ngày sinh", "y"},
		{11, "", "", "after the table"},
	}
	if got := cells(g.units); !slices.Equal(got, want) {
		t.Fatalf("units:\n%v\nwant:\n%v", got, want)
	}
}
