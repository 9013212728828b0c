package console

// viCitations are Vietnamese forms of the citations of the rules table
// (legalclock.NoticeCitation of a rule's source), for notices written to
// a requester in Vietnamese. A citation without one is quoted as the
// table writes it.
var viCitations = map[string]string{
	"Decree 356/2025/ND-CP Art. 5, detailing Law 91/2025/QH15 Art. 4; Civil Code 2015 Arts. 147-148 for counting": "Điều 5 Nghị định 356/2025/NĐ-CP hướng dẫn Điều 4 Luật 91/2025/QH15; thời hạn được tính theo Điều 147-148 Bộ luật Dân sự 2015",
}

// citation is a legal citation in the locale's language, when the
// console has a translation of it.
func (l *Locale) citation(c string) string {
	if l.Code == "vi" {
		if vi, ok := viCitations[c]; ok {
			return vi
		}
	}
	return c
}
