package importer

import (
	"sync"

	"custodia/internal/scan"
	"custodia/internal/scan/detect"
)

// minPersonal is the confidence from which a finding in an unmapped
// column counts as personal data.
const minPersonal = 0.7

var (
	scannerOnce sync.Once
	scanner     *detect.Scanner
)

// defaultScanner returns the detectors with their default regions.
func defaultScanner() *detect.Scanner {
	scannerOnce.Do(func() { scanner = detect.New(detect.Options{MinConfidence: minPersonal}) })
	return scanner
}

// cellEntity returns the most confident entity found in a cell, "" when
// none reaches minPersonal, and whether it is the whole cell. Only the
// entity is kept, never the text.
func cellEntity(sc *detect.Scanner, cell, header string) (ent scan.Entity, whole bool) {
	conf := 0.0
	sc.Scan([]byte(cell), header, func(f scan.Finding) {
		if f.Confidence >= minPersonal && f.Confidence > conf {
			ent, conf = f.Entity, f.Confidence
			whole = f.Start == 0 && f.End >= len(cell)
		}
	})
	return ent, whole
}

// sessionEntity is cellEntity on a session (one goroutine's).
func sessionEntity(ss *detect.Session, cell, header string) scan.Entity {
	var best scan.Entity
	conf := 0.0
	ss.Scan([]byte(cell), header, func(f scan.Finding) {
		if f.Confidence >= minPersonal && f.Confidence > conf {
			best, conf = f.Entity, f.Confidence
		}
	})
	return best
}
