package detect

// cardIIN reports whether the digits start with the issuer range of a
// known card brand and have one of its lengths: Visa 4 (13, 16, 19),
// Mastercard 51-55 and 2221-2720 (16), Amex 34 and 37 (15), Discover
// 6011, 644-649 and 65 (16-19), JCB 3528-3589 (16-19), UnionPay 62
// (16-19), Diners 300-305, 36 and 38 (14-19), RuPay 60 and 508 (16),
// Mir 2200-2204 (16-19), Maestro 5018, 5020, 5038, 5893, 6304, 6759 and
// 6761-6763 (13-19; its 12-digit numbers are left out, as too like other
// 12-digit identifiers), and Vietnam's domestic NAPAS cards 9704 (16 and
// 19).
func cardIIN(d []byte) bool {
	n := len(d)
	p2 := atoi(d[:2])
	p3 := atoi(d[:3])
	p4 := atoi(d[:4])
	switch {
	case d[0] == '4':
		return n == 13 || n == 16 || n == 19
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720:
		return n == 16
	case p2 == 34 || p2 == 37:
		return n == 15
	case p4 == 6011, p3 >= 644 && p3 <= 649, p2 == 65:
		return n >= 16 && n <= 19
	case p4 >= 3528 && p4 <= 3589:
		return n >= 16 && n <= 19
	case p2 == 62:
		return n >= 16 && n <= 19
	case p3 >= 300 && p3 <= 305, p2 == 36, p2 == 38:
		return n >= 14 && n <= 19
	case p2 == 60, p3 == 508:
		return n == 16
	case p4 == 9704:
		return n == 16 || n == 19
	case p4 >= 2200 && p4 <= 2204:
		return n >= 16 && n <= 19
	case p4 == 5018, p4 == 5020, p4 == 5038, p4 == 5893, p4 == 6304, p4 == 6759, p4 >= 6761 && p4 <= 6763:
		return n >= 13 && n <= 19
	}
	return false
}

// maestroRange reports whether d starts as a Maestro card may (50, 56 to
// 69) with a Maestro length (12 to 19 digits).
func maestroRange(d []byte) bool {
	p2 := atoi(d[:2])
	return (p2 == 50 || p2 >= 56 && p2 <= 69) && len(d) >= 12 && len(d) <= 19
}

// cardGrouping reports whether a grouped card number is written in one
// of the usual ways: groups of four (the last may be shorter), 4-6-5
// (Amex) or 4-6-4 (Diners), with one kind of separator: space, dash or
// dot ("4111.1111.1111.1111": the Luhn check and the issuer ranges keep
// dotted amounts out).
func cardGrouping(sp *span) bool {
	if sp.sep != ' ' && sp.sep != '-' && sp.sep != '.' {
		return false
	}
	if sp.lensAre(4, 6, 5) || sp.lensAre(4, 6, 4) {
		return true
	}
	for k := 0; k < sp.ng; k++ {
		if l := sp.lens[k]; l != 4 && (k < sp.ng-1 || l > 4) {
			return false
		}
	}
	return sp.ng >= 3
}

// card validates a payment card number: 13 to 19 digits, bare or grouped,
// a known issuer range and length, and the Luhn check digit.
func (st *state) card(sp *span) (hit, bool) {
	d := sp.digits
	if len(d) < 13 || len(d) > 19 || sp.plus || sp.paren {
		return hit{}, false
	}
	if sp.ng > 1 && !cardGrouping(sp) {
		return hit{}, false
	}
	if !luhn(d) {
		return hit{}, false
	}
	ctx := st.spanCtx(sp.start)
	// Maestro's issuers spread over 50 and 56 to 69, beyond the listed
	// ranges: taken there only under a card label ("Maestro", "card").
	if !cardIIN(d) && (ctx&ctxCard == 0 || !maestroRange(d)) {
		return hit{}, false
	}
	conf := 0.90
	if sp.ng > 1 {
		conf = 0.95
	}
	switch {
	case ctx&ctxCard != 0:
		conf = 0.99
	case ctx&ctxNegID != 0:
		// Under "sku", "ean", "barcode" or "mã SP", thirteen or fourteen
		// bare digits are a product's EAN-13 or GTIN-14 (QA: a Japanese
		// barcode starts with 4 and passes Luhn one time in ten).
		if sp.ng == 1 && (len(d) == 13 || len(d) == 14) {
			return hit{}, false
		}
		conf = 0.60
	}
	return hit{ent: entCard, start: sp.start, end: sp.end, conf: conf}, true
}
