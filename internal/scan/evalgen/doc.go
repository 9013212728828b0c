// Package evalgen generates labelled evaluation data for the personal-data
// scanner and scores the scanner's findings against it.
//
// Generate writes CSV exports, chat logs, e-mails and free text in English
// and Vietnamese, with every personal value labelled by entity and byte
// span, and near misses (checksum failures, order numbers, invoice dates,
// version numbers and the like) left unlabelled so they count against
// precision. Score matches findings to labels and reports precision,
// recall and F2 per entity. Corpus writes a large unlabelled corpus of the
// same kind, quickly, for speed benchmarks.
//
// Output is a pure function of the seed.
package evalgen

import (
	"fmt"

	"custodia/internal/scan"
)

// Doc is one generated document with its labels.
type Doc struct {
	Name    string // unique within a Generate call, e.g. "0007-vi-chat.txt"
	Format  string // "csv", "chat", "email" or "text"
	Lang    string // "en" or "vi"
	Content []byte
	Labels  []Label // in order of Start

	decoys []decoy // the near misses written, for the package's tests
}

// Label marks one personal value in a Doc's Content.
type Label struct {
	Entity     scan.Entity // what the value is
	Start, End int         // byte offsets in Content, End exclusive
	Hint       string      // the CSV column header when the value sits in a CSV cell, else ""
}

// extensions are the file name endings of each format.
var extensions = map[string]string{"csv": "csv", "chat": "txt", "email": "eml", "text": "txt"}

// Generate returns n labelled documents drawn from seed. Document i
// depends only on seed and i, so Generate(s, n) is a prefix of
// Generate(s, m) for m > n.
func Generate(seed int64, n int) []Doc {
	docs := make([]Doc, 0, max(n, 0))
	for i := range max(n, 0) {
		docs = append(docs, generateDoc(seed, i))
	}
	return docs
}

// generateDoc draws document i of a seed.
func generateDoc(seed int64, i int) Doc {
	g := newGen(seed, uint64(i)+1)
	lang := pick(g, []string{"en", "vi"})
	format := pickWeighted(g, []weighted[string]{{30, "csv"}, {25, "chat"}, {20, "email"}, {25, "text"}})
	var b builder
	switch format {
	case "csv":
		writeCSV(g, lang, &b)
	case "chat":
		writeChat(g, lang, &b)
	case "email":
		writeEmail(g, lang, &b)
	default:
		writeText(g, lang, &b)
	}
	return Doc{
		Name:    fmt.Sprintf("%04d-%s-%s.%s", i, lang, format, extensions[format]),
		Format:  format,
		Lang:    lang,
		Content: b.buf,
		Labels:  b.labels,
		decoys:  b.decoys,
	}
}

// writeText renders two to five free-text paragraphs, each about a person
// of its own.
func writeText(g *gen, lang string, b *builder) {
	paras := viParagraphs
	if lang == "en" {
		paras = enParagraphs
	}
	c := &ctx{g: g, lang: lang}
	var ps []piece
	for i := range g.between(2, 5) {
		if i > 0 {
			b.str("\n\n")
		}
		c.p = nil
		ps = render(c, pickTemplate(c, paras), ps[:0])
		for _, p := range ps {
			b.put(p, "")
		}
	}
	b.str("\n")
}
