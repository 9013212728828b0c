package detect

import (
	"regexp"
	"strconv"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// phoneRegion holds one region's phone number rules, taken from the
// libphonenumber metadata that github.com/nyaruka/phonenumbers embeds and
// compiled on first use.
type phoneRegion struct {
	id             string
	cc             int
	ccDigits       string
	nationalPrefix string
	meta           *phonenumbers.PhoneMetadata

	once    sync.Once
	general descCheck  // every valid number matches it
	types   []typeDesc // in libphonenumber's order: the first that matches gives the number's type
}

// typeDesc is one number type's description, and whether a person may
// hold such a number (not a toll-free, premium-rate, shared-cost or UAN
// one).
type typeDesc struct {
	descCheck
	personal bool
}

// descCheck is one number description of the metadata: a pattern,
// compiled into a digit automaton, and the possible lengths.
type descCheck struct {
	dfa     *digitDFA
	re      *regexp.Regexp // when the automaton would be too large
	lengths uint32         // bit n set: length n is possible; 0: any length
}

// ok reports whether nsn matches the description.
func (d *descCheck) ok(nsn []byte) bool {
	if d.lengths != 0 && (len(nsn) >= 32 || d.lengths&(1<<len(nsn)) == 0) {
		return false
	}
	if d.dfa != nil {
		return d.dfa.match(nsn)
	}
	return d.re != nil && d.re.Match(nsn)
}

// newDescCheck compiles a number description; ok is false for an empty
// one.
func newDescCheck(d *phonenumbers.PhoneNumberDesc) (descCheck, bool) {
	p := d.GetNationalNumberPattern()
	if p == "" || p == "NA" {
		return descCheck{}, false
	}
	var c descCheck
	for _, l := range d.GetPossibleLength() {
		if l > 0 && l < 32 {
			c.lengths |= 1 << l
		}
	}
	pattern := "^(?:" + p + ")$"
	if dfa, ok := compileDigitDFA(pattern); ok {
		c.dfa = dfa
	} else if re, err := regexp.Compile(pattern); err == nil {
		c.re = re
	} else {
		return descCheck{}, false
	}
	return c, true
}

// valid reports whether nsn (a national significant number, ASCII digits)
// is a valid number of the region that a person may hold: it matches the
// general description and one of the fixed-line, mobile, VoIP, personal,
// pager or voicemail descriptions, by pattern and possible length.
// Toll-free, premium-rate, shared-cost and UAN numbers (a company's
// 1800/1900 hotline) are valid numbers too, but no one's personal data:
// they are left out.
func (r *phoneRegion) valid(nsn []byte) bool {
	r.once.Do(r.compile)
	if !r.general.ok(nsn) {
		return false
	}
	for k := range r.types {
		if r.types[k].ok(nsn) {
			return r.types[k].personal
		}
	}
	return false
}

// compile builds the region's automata.
func (r *phoneRegion) compile() {
	m := r.meta
	var ok bool
	if r.general, ok = newDescCheck(m.GetGeneralDesc()); !ok {
		r.general = descCheck{lengths: 1} // matches nothing
		return
	}
	// phonenumbers.GetNumberType's order: a number that matches a
	// premium-rate or toll-free pattern is that, whatever else it matches.
	for _, d := range []struct {
		desc     *phonenumbers.PhoneNumberDesc
		personal bool
	}{
		{m.GetPremiumRate(), false}, {m.GetTollFree(), false}, {m.GetSharedCost(), false}, {m.GetVoip(), true},
		{m.GetPersonalNumber(), true}, {m.GetPager(), true}, {m.GetUan(), false}, {m.GetVoicemail(), true},
		{m.GetFixedLine(), true}, {m.GetMobile(), true},
	} {
		if c, ok := newDescCheck(d.desc); ok {
			r.types = append(r.types, typeDesc{c, d.personal})
		}
	}
}

// phoneTables indexes the regions by id and by calling code.
type phoneTables struct {
	byRegion map[string]*phoneRegion
	byCC     [1000][]*phoneRegion // by calling code, main country first
}

var (
	phoneOnce sync.Once
	phoneTab  phoneTables
)

// phoneData returns the phone tables, reading the metadata once.
func phoneData() *phoneTables {
	phoneOnce.Do(func() {
		phoneTab = phoneTables{byRegion: map[string]*phoneRegion{}}
		coll, err := phonenumbers.MetadataCollection()
		if err != nil {
			return
		}
		for _, m := range coll.GetMetadata() {
			cc := int(m.GetCountryCode())
			if cc <= 0 || cc >= len(phoneTab.byCC) {
				continue
			}
			r := &phoneRegion{id: m.GetId(), cc: cc, ccDigits: strconv.Itoa(cc), nationalPrefix: m.GetNationalPrefix(), meta: m}
			if r.id != "001" {
				phoneTab.byRegion[r.id] = r
			}
			if m.GetMainCountryForCode() {
				phoneTab.byCC[cc] = append([]*phoneRegion{r}, phoneTab.byCC[cc]...)
			} else {
				phoneTab.byCC[cc] = append(phoneTab.byCC[cc], r)
			}
		}
	})
	return &phoneTab
}

// validInternational finds the region of a number written with its
// calling code (digits after the + or 00). It returns the region and the
// length of the calling code, or nil.
func validInternational(digits []byte) (*phoneRegion, int) {
	t := phoneData()
	for n := 1; n <= 3 && n < len(digits); n++ {
		cc := 0
		for _, c := range digits[:n] {
			cc = cc*10 + int(c-'0')
		}
		regions := t.byCC[cc]
		if len(regions) == 0 {
			continue
		}
		nsn := digits[n:]
		for _, r := range regions {
			if r.valid(nsn) {
				return r, n
			}
		}
		// "+44 (0)20 ...": a trunk prefix written after the calling code.
		for _, r := range regions {
			if p := r.nationalPrefix; p != "" && len(nsn) > len(p) && string(nsn[:len(p)]) == p && r.valid(nsn[len(p):]) {
				return r, n
			}
		}
		return nil, 0
	}
	return nil, 0
}
