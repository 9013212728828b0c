package scanrun

import (
	"bytes"
	"encoding/csv"
	"io"

	"custodia/internal/scan"
	"custodia/internal/scan/detect"
	"custodia/internal/scan/evalgen"
)

// Evaluate scores the detectors on n generated, labelled documents (seeded
// so a run can be repeated): CSV files cell by cell with their header as
// context, the other formats line by line, as the file readers hand them
// over.
func Evaluate(seed int64, n int, minConfidence float64) evalgen.Report {
	det := detect.New(detect.Options{MinConfidence: minConfidence})
	docs := evalgen.Generate(seed, n)
	found := make(map[string][]scan.Finding, len(docs))
	for _, d := range docs {
		var fs []scan.Finding
		add := func(base int) func(scan.Finding) {
			return func(f scan.Finding) {
				f.Start += base
				f.End += base
				fs = append(fs, f)
			}
		}
		if d.Format == "csv" {
			scanCSV(det, d.Content, add)
		} else {
			off := 0
			for _, line := range bytes.SplitAfter(d.Content, []byte("\n")) {
				det.Scan(bytes.TrimRight(line, "\r\n"), "", add(off))
				off += len(line)
			}
		}
		found[d.Name] = fs
	}
	return evalgen.Score(docs, found)
}

// scanCSV scans each cell with its column header as the hint, reporting
// findings at the cell's offset in content.
func scanCSV(det *detect.Scanner, content []byte, add func(base int) func(scan.Finding)) {
	body := bytes.TrimPrefix(content, []byte("\xef\xbb\xbf"))
	bom := len(content) - len(body)
	lineStart := []int{0}
	for i, b := range body {
		if b == '\n' {
			lineStart = append(lineStart, i+1)
		}
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord, r.LazyQuotes = -1, true
	var header []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			return
		}
		if header == nil {
			header = append([]string(nil), rec...)
			continue
		}
		for i, cell := range rec {
			line, col := r.FieldPos(i)
			if line-1 >= len(lineStart) {
				continue
			}
			off := bom + lineStart[line-1] + col - 1
			if off < len(content) && content[off] == '"' {
				off++
			}
			hint := ""
			if i < len(header) {
				hint = header[i]
			}
			det.Scan([]byte(cell), hint, add(off))
		}
	}
}
