package fieldtype

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
)

// maxNumberLen bounds the textual form of a number.
const maxNumberLen = 1000

// normalizeNumber accepts a json.Number, a numeric string (JSON number
// syntax, surrounding spaces ignored) or a Go integer or float value, and
// returns its canonical form.
func normalizeNumber(v any) (string, *Error) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = string(x)
	case string:
		s = strings.TrimSpace(x)
		if s == "" {
			return "", fail(errEmpty)
		}
	case float64:
		return formatFloat(x)
	case float32:
		return formatFloat(float64(x))
	case int:
		return strconv.FormatInt(int64(x), 10), nil
	case int8:
		return strconv.FormatInt(int64(x), 10), nil
	case int16:
		return strconv.FormatInt(int64(x), 10), nil
	case int32:
		return strconv.FormatInt(int64(x), 10), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case uint:
		s = strconv.FormatUint(uint64(x), 10)
	case uint8:
		return strconv.FormatInt(int64(x), 10), nil
	case uint16:
		return strconv.FormatInt(int64(x), 10), nil
	case uint32:
		return strconv.FormatInt(int64(x), 10), nil
	case uint64:
		s = strconv.FormatUint(x, 10)
	default:
		return "", fail(errWantNumber)
	}
	if len(s) > maxNumberLen {
		return "", fail(errNumberLong)
	}
	if !isJSONNumber(s) {
		return "", fail(errNumber)
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return strconv.FormatInt(i, 10), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return "", fail(errNumberInf)
		}
		return "", fail(errNumber)
	}
	return formatFloat(f)
}

// formatFloat returns the canonical form of f: strconv.FormatInt for an
// integer that fits int64, strconv.FormatFloat(f, 'f', -1, 64) otherwise.
func formatFloat(f float64) (string, *Error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fail(errNumberInf)
	}
	if f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
		return strconv.FormatInt(int64(f), 10), nil
	}
	return strconv.FormatFloat(f, 'f', -1, 64), nil
}

// isJSONNumber reports whether s matches the JSON number grammar
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i == len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i == len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return i == len(s)
}

// normalizeBool accepts a JSON boolean only.
func normalizeBool(v any) (string, *Error) {
	switch x := v.(type) {
	case bool:
		return strconv.FormatBool(x), nil
	case string:
		return "", fail(errBoolString)
	default:
		return "", fail(errWantBool)
	}
}
