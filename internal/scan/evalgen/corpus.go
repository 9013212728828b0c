package evalgen

import (
	"bytes"
	"strings"
)

// corpusTable is a CSV layout of the corpus with a pool of pre-rendered
// rows; idPrefix is set when the first column is a record ID the corpus
// writes itself, so that no two rows are byte-for-byte equal.
type corpusTable struct {
	header   string
	idPrefix string
	rows     [][]byte
}

// Corpus returns about n bytes (within a few percent, never more) of CSV
// exports interleaved with free-text paragraphs in English and
// Vietnamese, for speed benchmarks. It is unlabelled but has the density
// of Generate's output: a CRM row of about 150 bytes holds about three
// personal values, near misses included.
//
// To run at memory speed, Corpus renders a pool of rows and paragraphs
// (its size grows with n, up to a few thousand rows per layout) and then
// samples from it, writing a fresh record ID into each CRM row. Output is
// a pure function of seed and n.
func Corpus(seed int64, n int) []byte {
	if n <= 0 {
		return []byte{}
	}
	g := newGen(seed, 0) // Generate uses streams 1 and up
	tables, paras := corpusPool(g, min(max(n/65536, 64), 2048))
	out := make([]byte, 0, n+8192)
	id := 0
	for len(out) < n {
		t := &tables[g.intn(len(tables))]
		out = append(out, t.header...)
		for range g.between(40, 400) {
			if t.idPrefix != "" {
				id++
				out = append(out, t.idPrefix...)
				out = appendPadded(out, id%10000000, 7)
				out = append(out, ',')
			}
			out = append(out, t.rows[g.intn(len(t.rows))]...)
			if len(out) >= n {
				break
			}
		}
		for range g.between(2, 8) {
			if len(out) >= n {
				break
			}
			out = append(out, '\n')
			out = append(out, paras[g.intn(len(paras))]...)
			out = append(out, '\n')
		}
		out = append(out, '\n')
	}
	return trimTo(out, n)
}

// corpusPool renders rows rows for each schema marked for the corpus, and
// half as many free-text blocks.
func corpusPool(g *gen, rows int) ([]corpusTable, [][]byte) {
	var b builder
	var ps []piece
	var tables []corpusTable
	for _, s := range schemas {
		if !s.corpus {
			continue
		}
		var t corpusTable
		headers := make([]string, len(s.cols))
		for j, col := range s.cols {
			headers[j] = col.header
		}
		t.header = strings.Join(headers, ",") + "\n"
		from := 0
		if cell := s.cols[0].cells[0]; cell == "{khid}" || cell == "{custid}" {
			t.idPrefix, from = map[string]string{"{khid}": "KH", "{custid}": "C-"}[cell], 1
		}
		c := &ctx{g: g, lang: s.lang}
		for r := range rows {
			b.reset()
			ps = writeRow(c, s, r+1, from, &b, ps)
			b.str("\n")
			t.rows = append(t.rows, bytes.Clone(b.buf))
		}
		tables = append(tables, t)
	}
	paras := make([][]byte, 0, rows/2)
	for range rows / 2 {
		lang := pick(g, []string{"en", "vi"})
		b.reset()
		writeText(g, lang, &b)
		paras = append(paras, bytes.Clone(b.buf))
	}
	return tables, paras
}

// appendPadded appends v in decimal, zero-padded to width digits.
func appendPadded(out []byte, v, width int) []byte {
	var d [20]byte
	i := len(d)
	for ; v > 0 || len(d)-i < width; v /= 10 {
		i--
		d[i] = byte('0' + v%10)
	}
	return append(out, d[i:]...)
}

// trimTo cuts out to at most n bytes: at the last line end when that
// keeps at least 97% of n, else at the last UTF-8 character boundary.
func trimTo(out []byte, n int) []byte {
	if len(out) <= n {
		return out
	}
	if i := bytes.LastIndexByte(out[:n], '\n'); i >= 0 && i+1 >= n-n*3/100 {
		return out[:i+1]
	}
	for n > 0 && out[n]&0xC0 == 0x80 {
		n--
	}
	return out[:n]
}
