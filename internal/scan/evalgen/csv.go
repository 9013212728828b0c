package evalgen

import "strings"

// writeCSV renders a CSV export of 10 to 40 rows in a schema of the
// language, with a UTF-8 byte-order mark and CRLF line ends now and then
// as spreadsheet exports have.
func writeCSV(g *gen, lang string, b *builder) {
	var sc []schema
	for _, s := range schemas {
		if s.lang == lang {
			sc = append(sc, s)
		}
	}
	s := pick(g, sc)
	if g.chance(0.25) {
		b.str("\ufeff")
	}
	eol := "\n"
	if g.chance(0.3) {
		eol = "\r\n"
	}
	for i, col := range s.cols {
		if i > 0 {
			b.str(",")
		}
		b.str(col.header)
	}
	b.str(eol)
	c := &ctx{g: g, lang: lang}
	var ps []piece
	for row := range g.between(10, 40) {
		ps = writeRow(c, s, row+1, 0, b, ps)
		b.str(eol)
	}
}

// writeRow renders one row with a new person from column from on,
// quoting the cells that hold a comma, a quote or a line break. It returns
// ps for reuse.
func writeRow(c *ctx, s schema, row, from int, b *builder, ps []piece) []piece {
	c.p = newPersona(c.g, regionFor(c.g, s.lang, s.need))
	c.o = nil
	c.row = row
	for i, col := range s.cols[from:] {
		if i > 0 {
			b.str(",")
		}
		if !c.g.chance(col.fill) {
			continue
		}
		text := pick(c.g, col.cells)
		if strings.Contains(text, "{other}") {
			c.o = newPersona(c.g, c.p.region)
		}
		ps = render(c, text, ps[:0])
		writeCell(b, ps, col.header)
	}
	return ps
}

// writeCell writes one cell, labelling its values with the column header.
func writeCell(b *builder, ps []piece, header string) {
	quote := false
	for _, p := range ps {
		if strings.ContainsAny(p.text, ",\"\r\n") {
			quote = true
			break
		}
	}
	if !quote {
		for _, p := range ps {
			b.put(p, header)
		}
		return
	}
	b.str(`"`)
	for _, p := range ps {
		b.putQuoted(p, header)
	}
	b.str(`"`)
}
