package fieldtype

import (
	"encoding/json"
	"testing"
)

func TestNormalizeDate(t *testing.T) {
	runNormalize(t, Date, []normCase{
		{name: "plain", in: "1990-05-17", want: "1990-05-17"},
		{name: "trimmed", in: " 1990-05-17 ", want: "1990-05-17"},
		{name: "leap day", in: "2024-02-29", want: "2024-02-29"},
		{name: "leap day 2000", in: "2000-02-29", want: "2000-02-29"},
		{name: "min", in: "1800-01-01", want: "1800-01-01"},
		{name: "max", in: "2200-12-31", want: "2200-12-31"},
		{name: "rfc3339 utc", in: "1990-05-17T08:30:00Z", want: "1990-05-17"},
		{name: "rfc3339 offset keeps local date", in: "1990-05-17T23:30:00+07:00", want: "1990-05-17"},
		{name: "rfc3339 negative offset", in: "1990-05-17T00:30:00-05:00", want: "1990-05-17"},
		{name: "rfc3339 fraction", in: "2024-02-29T10:00:00.123456789Z", want: "2024-02-29"},

		{name: "empty", in: "", code: CodeEmpty},
		{name: "not leap", in: "2023-02-29", code: CodeInvalidDate},
		{name: "1900 not leap", in: "1900-02-29", code: CodeInvalidDate},
		{name: "april 31", in: "1990-04-31", code: CodeInvalidDate},
		{name: "month 13", in: "1990-13-01", code: CodeInvalidDate},
		{name: "month 0", in: "1990-00-10", code: CodeInvalidDate},
		{name: "day 0", in: "1990-01-00", code: CodeInvalidDate},
		{name: "too early", in: "1799-12-31", code: CodeInvalidDate},
		{name: "too late", in: "2201-01-01", code: CodeInvalidDate},
		{name: "unpadded", in: "1990-5-17", code: CodeInvalidDate},
		{name: "dmy", in: "17/05/1990", code: CodeInvalidDate},
		{name: "dmy dashes", in: "17-05-1990", code: CodeInvalidDate},
		{name: "compact", in: "19900517", code: CodeInvalidDate},
		{name: "five digit year", in: "19900-05-17", code: CodeInvalidDate},
		{name: "signed", in: "+1990-05-17", code: CodeInvalidDate},
		{name: "no zone", in: "1990-05-17T08:30:00", code: CodeInvalidDate},
		{name: "bad hour", in: "1990-05-17T25:00:00Z", code: CodeInvalidDate},
		{name: "rfc3339 bad day", in: "2023-02-29T10:00:00Z", code: CodeInvalidDate},
		{name: "rfc3339 too early", in: "1700-01-01T00:00:00Z", code: CodeInvalidDate},
		{name: "trailing junk", in: "1990-05-17x", code: CodeInvalidDate},
		{name: "words", in: "yesterday", code: CodeInvalidDate},
		{name: "json number", in: json.Number("19900517"), code: CodeWrongKind},
	})
}
