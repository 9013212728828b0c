package fieldtype

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestNormalizeNumber(t *testing.T) {
	runNormalize(t, Number, []normCase{
		{name: "int", in: json.Number("42"), want: "42"},
		{name: "negative", in: json.Number("-17"), want: "-17"},
		{name: "zero", in: json.Number("0"), want: "0"},
		{name: "negative zero", in: json.Number("-0"), want: "0"},
		{name: "negative zero float", in: json.Number("-0.0"), want: "0"},
		{name: "decimal", in: json.Number("3.14"), want: "3.14"},
		{name: "trailing zeros", in: json.Number("1.50"), want: "1.5"},
		{name: "integral float", in: json.Number("2.0"), want: "2"},
		{name: "exponent", in: json.Number("1e3"), want: "1000"},
		{name: "upper exponent", in: json.Number("1E+2"), want: "100"},
		{name: "negative exponent", in: json.Number("125e-3"), want: "0.125"},
		{name: "max int64", in: json.Number("9223372036854775807"), want: "9223372036854775807"},
		{name: "min int64", in: json.Number("-9223372036854775808"), want: "-9223372036854775808"},
		{name: "exact beyond 2^53", in: json.Number("9007199254740993"), want: "9007199254740993"},
		{name: "beyond int64", in: json.Number("9223372036854775808"), want: "9223372036854776000"},
		{name: "huge", in: json.Number("1e300"), want: "1" + strings.Repeat("0", 300)},
		{name: "underflow to zero", in: json.Number("1e-400"), want: "0"},
		{name: "numeric string", in: "12.5", want: "12.5"},
		{name: "numeric string trimmed", in: " 7 ", want: "7"},
		{name: "go float", in: 2.5, want: "2.5"},
		{name: "go integral float", in: float64(1 << 40), want: "1099511627776"},
		{name: "go int", in: 7, want: "7"},
		{name: "go uint64", in: uint64(math.MaxUint64), want: "18446744073709552000"},

		{name: "nil", in: nil, code: CodeEmpty},
		{name: "empty string", in: "", code: CodeEmpty},
		{name: "words", in: "twelve", code: CodeInvalidNumber},
		{name: "hex", in: "0x10", code: CodeInvalidNumber},
		{name: "leading zero", in: "01", code: CodeInvalidNumber},
		{name: "plus", in: "+1", code: CodeInvalidNumber},
		{name: "bare dot", in: ".5", code: CodeInvalidNumber},
		{name: "trailing dot", in: "5.", code: CodeInvalidNumber},
		{name: "underscore", in: "1_000", code: CodeInvalidNumber},
		{name: "comma", in: "1,5", code: CodeInvalidNumber},
		{name: "nan string", in: "NaN", code: CodeInvalidNumber},
		{name: "inf string", in: "Infinity", code: CodeInvalidNumber},
		{name: "bad json number", in: json.Number("1e"), code: CodeInvalidNumber},
		{name: "overflow", in: json.Number("1e400"), code: CodeInvalidNumber},
		{name: "go nan", in: math.NaN(), code: CodeInvalidNumber},
		{name: "go inf", in: math.Inf(-1), code: CodeInvalidNumber},
		{name: "too long", in: json.Number("1" + strings.Repeat("0", 1000)), code: CodeTooLong},
		{name: "bool", in: true, code: CodeWrongKind},
		{name: "object", in: map[string]any{}, code: CodeWrongKind},
	})
}

func TestNormalizeBool(t *testing.T) {
	runNormalize(t, Bool, []normCase{
		{name: "true", in: true, want: "true"},
		{name: "false", in: false, want: "false"},

		{name: "nil", in: nil, code: CodeEmpty},
		{name: "string true", in: "true", code: CodeInvalidBool},
		{name: "string yes", in: "yes", code: CodeInvalidBool},
		{name: "number", in: json.Number("1"), code: CodeWrongKind},
		{name: "go int", in: 0, code: CodeWrongKind},
	})
}

func TestIsJSONNumber(t *testing.T) {
	for _, s := range []string{"0", "-0", "1", "123", "1.5", "-0.001", "1e5", "1E-5", "1.25e+10"} {
		if !isJSONNumber(s) {
			t.Errorf("isJSONNumber(%q) = false", s)
		}
	}
	for _, s := range []string{"", "-", "00", "01", "1.", ".1", "1e", "1e+", "+1", "--1", "1.2.3", "1e5.5", " 1", "Inf", "0x1"} {
		if isJSONNumber(s) {
			t.Errorf("isJSONNumber(%q) = true", s)
		}
	}
}
