package detect

import (
	"slices"

	"custodia/internal/vnphone"
)

// How a phone number was written.
const (
	phoneIntl     = iota // +84 912 345 678, 0084...
	phoneTrunk           // 0912 345 678: the national trunk prefix
	phoneVNCC            // 84912345678: a VN calling code without the +
	phoneLocal           // 415-555-0132: no prefix at all
	phoneCCNoPlus        // 919876543210 after a phone label
)

// hasPrefix reports whether d starts with p.
func hasPrefix(d []byte, p string) bool {
	return len(d) >= len(p) && string(d[:len(p)]) == p
}

// nanpShaped reports whether the span is grouped as a North American
// number: (415) 555-0132 or 415-555-0132.
func nanpShaped(sp *span) bool {
	return sp.lensAre(3, 3, 4) && !sp.plus
}

// phone validates a phone number against the configured regions (or any
// region for the international form). Numbers without a prefix (neither
// +, 00 nor a trunk 0) need a phone label unless they are grouped like a
// phone number. See the package documentation for the confidences.
func (st *state) phone(sp *span) (hit, bool) {
	d := sp.digits
	nd := len(d)
	if sp.afterPlus {
		return hit{}, false // "+33 7 23 21 16 75" that is no valid French number is no local one either
	}
	if !sp.plus && !sp.paren && sp.ng > 1 && (sp.singleDigitGroups() >= 2 || sp.lens[0] == 1 && d[0] == '0') {
		return hit{}, false // "0 2 4 6 8 10 12", "Matrix row 0 1 0 0 1", "0 12 14 15 18": a list of small numbers
	}
	if sp.ng > 1 && sp.lens[sp.ng-1] <= 2 && sp.end+1 < len(st.text) && st.text[sp.end] == ':' && isDigit(st.text[sp.end+1]) {
		return hit{}, false // "2024-05-09 17:38:20": a date and the hour of a time
	}
	if (sp.sep == '/' || sp.sep == 'x' && hasSep(sp, '/')) && !areaSlash(sp) {
		return hit{}, false
	}
	if sp.sep == '.' && !sp.plus && (d[0] != '0' || sp.lens[0] < 3) && !nanpShaped(sp) && !frenchDotted(sp) {
		return hit{}, false // 1.234.567: an amount; 0.6.41.373: a version
	}
	if sp.lensAre(5, 3) && sp.sep == '-' {
		return hit{}, false // 28022-736: a Brazilian postal code
	}
	kind, cc := -1, 0
	unsure := false  // another region reads the digits as well
	dialled := false // 00 instead of +
	switch {
	case sp.plus || nd >= 10 && d[0] == '0' && d[1] == '0' && !sp.paren:
		x := d[2:]
		if sp.plus {
			x = d
		} else {
			dialled = true
		}
		if len(x) == 11 && x[0] == '8' && x[1] == '4' && vnphone.Mobile(x[2], x[3], x[4]) {
			kind, cc = phoneIntl, 84
		} else if r, _ := validInternational(x); r != nil {
			kind, cc = phoneIntl, r.cc
		}
	case st.s.vn && nd == 10 && d[0] == '0' && vnphone.Mobile(d[1], d[2], d[3]) && shapeRegion(sp) != "FR":
		kind, cc = phoneTrunk, 84
	case st.s.vn && nd == 11 && d[0] == '8' && d[1] == '4' && vnphone.Mobile(d[2], d[3], d[4]):
		kind, cc = phoneVNCC, 84
	default:
		kind, cc, unsure = st.phoneNational(sp)
	}
	if kind < 0 {
		return hit{}, false
	}
	if !sp.plus && sp.ng >= 4 && sp.maxGroup() <= 2 && (kind != phoneTrunk || cc != 33 || !sp.lensAre(2, 2, 2, 2, 2)) {
		// Pairs of digits are how the French write numbers ("06 12 34 56
		// 78"); other pairs are marks or sizes ("12 14 15 18 20").
		return hit{}, false
	}
	ctx := st.spanCtx(sp.start)
	labelled := ctx&ctxPhone != 0
	var conf float64
	switch kind {
	case phoneIntl:
		conf = 0.90
		if dialled {
			conf = 0.50 // weaker than a CCCD, which may start with 00
		}
	case phoneTrunk:
		switch {
		case sp.grouped():
			conf = 0.80
		case len(st.s.phones) > 0 && st.s.phones[0].cc == cc:
			conf = 0.75 // bare, in the first region
		case len(d) >= 10 && len(d) <= 11:
			conf = 0.55 // bare, in another region: weaker than a CCCD
		case len(d) < 10:
			conf = 0.45 // short and bare, in another region: a staff or customer code as often as not; a label makes it 0.95
		default:
			return hit{}, false // a long bare number: a code, not a phone
		}
	case phoneVNCC:
		conf = 0.60
	case phoneLocal:
		conf = 0.60
		switch {
		case labelled && !sp.grouped():
			conf = 0.80
		case nanpShaped(sp) && sp.paren:
			conf = 0.75
		}
	case phoneCCNoPlus:
		conf = 0.80
	}
	switch {
	case labelled:
		conf = 0.95
		if kind == phoneLocal || kind == phoneCCNoPlus {
			conf = 0.90
		}
	case ctx&(ctxNegID|ctxVersion|otherLabels) != 0:
		if kind != phoneIntl || dialled {
			return hit{}, false
		}
		conf = 0.60
	}
	return hit{ent: entPhone, start: sp.start, end: sp.end, conf: conf, cc: cc, ccUnsure: unsure}, true
}

// areaSlash reports whether the span is a German-style area code and
// subscriber number: 030/15390131, 0221/4431982.
func areaSlash(sp *span) bool {
	return sp.ng == 2 && sp.sep == '/' && sp.digits[0] == '0' && sp.lens[0] >= 3 && sp.lens[0] <= 5 && sp.lens[1] >= 4
}

// frenchDotted reports whether the span is a French number in pairs
// separated by dots: 06.12.34.56.78.
func frenchDotted(sp *span) bool {
	return sp.lensAre(2, 2, 2, 2, 2) && sp.digits[0] == '0'
}

// shapeRegion returns the region a national number's grouping is
// typical of, or "".
func shapeRegion(sp *span) string {
	switch {
	case sp.lensAre(2, 2, 2, 2, 2) && (sp.sep == '.' || sp.sep == ' ' || sp.sep == '-'):
		return "FR"
	case areaSlash(sp):
		return "DE"
	}
	return ""
}

// writtenWithoutTrunk reports whether the region's numbers are commonly
// written without a trunk prefix: the region has none (Singapore, the
// North American plan counts its optional 1 as none), or custom leaves
// it out (Indian mobiles, Brazilian area codes in brackets). A
// Vietnamese, British, German or French number without its 0 is a
// fragment or something else.
func (r *phoneRegion) writtenWithoutTrunk() bool {
	return r.nationalPrefix == "" || r.cc == 1 || r.id == "IN" || r.id == "BR"
}

// hasSep reports whether any separator of sp is c.
func hasSep(sp *span, c byte) bool {
	for k := 1; k < sp.ng; k++ {
		if sp.seps[k] == c {
			return true
		}
	}
	return false
}

// phoneNational tries the configured regions on a number written without
// a +: with the region's trunk prefix; then, if it is grouped like a phone
// number or labelled, as a local number; then, if labelled, with a
// calling code but no +. unsure reports that a region of another calling
// code reads the digits as well: the number is one, whose is not known.
func (st *state) phoneNational(sp *span) (kind, cc int, unsure bool) {
	d := sp.digits
	regions := st.s.phones
	// The way of writing names the country when it can: French numbers
	// come in pairs, German ones with a slash after the area code.
	if id := shapeRegion(sp); id != "" {
		for _, r := range regions {
			if r.id == id && len(d) > 6 && d[0] == '0' && r.valid(d[1:]) {
				return phoneTrunk, r.cc, false
			}
		}
	}
	for _, r := range regions {
		if p := r.nationalPrefix; p != "" && len(d) > len(p)+5 && hasPrefix(d, p) && r.valid(d[len(p):]) {
			return phoneTrunk, r.cc, slices.ContainsFunc(regions, func(o *phoneRegion) bool {
				q := o.nationalPrefix
				return o.cc != r.cc && q != "" && len(d) > len(q)+5 && hasPrefix(d, q) && o.valid(d[len(q):])
			})
		}
	}
	labelled := st.spanCtx(sp.start)&ctxPhone != 0
	if !sp.grouped() && !labelled {
		return -1, 0, false
	}
	if nanpShaped(sp) {
		for _, r := range regions {
			if r.cc == 1 && r.valid(d) {
				return phoneLocal, 1, false
			}
		}
	}
	// A region whose numbers are written without a trunk prefix first
	// (a labelled "9123 4567" is Singapore's, not a German number missing
	// its 0), then, with a label, any region.
	for _, r := range regions {
		// A North American number is grouped 3-3-4 (nanpShaped, above):
		// other groupings of its ten digits ("4155-5501-32") are codes, as
		// is any number whose last group is one or two digits.
		if r.writtenWithoutTrunk() && (r.cc != 1 || !sp.grouped()) && (!sp.grouped() || sp.lens[sp.ng-1] >= 3) && r.valid(d) {
			return phoneLocal, r.cc, false
		}
	}
	for _, r := range regions {
		if labelled && r.valid(d) {
			return phoneLocal, r.cc, slices.ContainsFunc(regions, func(o *phoneRegion) bool { return o.cc != r.cc && o.valid(d) })
		}
	}
	if labelled {
		for _, r := range regions {
			if hasPrefix(d, r.ccDigits) && r.valid(d[len(r.ccDigits):]) {
				return phoneCCNoPlus, r.cc, false
			}
		}
	}
	return -1, 0, false
}
