package importer

import (
	"sync"

	"custodia/internal/apperr"
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

// CheckHeader refuses a table whose header line holds personal data: a
// file without a header line, whose first person would otherwise be read
// as the column names, left out of the import, and its values stored as
// the names of columns. A cell counts when the detectors find a value in
// it at minPersonal or above; a person's name only when it is the whole
// cell. The error names the column by its position and the kind of value,
// never the value. sheet is "" for a CSV file.
func CheckHeader(sc *detect.Scanner, sheet string, header []string) error {
	if sc == nil {
		sc = defaultScanner()
	}
	for j, h := range header {
		ent, whole := cellEntity(sc, h, "")
		if ent == "" || ent == scan.Person && !whole {
			continue
		}
		where := "the file"
		if sheet != "" {
			where = "sheet " + sheet
		}
		return apperr.Newf(apperr.Invalid, "header_holds_data",
			"the first line of %s holds data, not column names (column %d looks like %s): add a header line that names the columns, then import again",
			where, j+1, entityNoun(ent))
	}
	return nil
}

// entityNoun names an entity in words for a message.
func entityNoun(e scan.Entity) string {
	switch e {
	case scan.EmailAddress:
		return "an e-mail address"
	case scan.PhoneNumber:
		return "a phone number"
	case scan.Person:
		return "a person's name"
	}
	return "personal data (" + string(e) + ")"
}
