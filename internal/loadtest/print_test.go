package loadtest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func sampleResult() Result {
	return Result{
		Clients: 16,
		Creates: PhaseResult{Name: "create", Ops: 10000, Errors: 3, Elapsed: 2500 * time.Millisecond, PerSecond: 3998.8,
			P50: 3210 * time.Microsecond, P90: 7 * time.Millisecond, P99: 12500 * time.Microsecond, Max: 80 * time.Millisecond,
			ErrorSamples: []string{"500 boom"}},
		Reads: PhaseResult{Name: "read", Ops: 20000, Elapsed: 2 * time.Second, PerSecond: 10000,
			P50: 1500 * time.Microsecond, P90: 2 * time.Millisecond, P99: 4 * time.Millisecond, Max: 9 * time.Millisecond},
	}
}

func TestPrint(t *testing.T) {
	var buf bytes.Buffer
	sampleResult().Print(&buf)
	out := buf.String()
	t.Log("\n" + out)
	for _, want := range []string{
		"16 clients", "phase", "ops/s", "p50", "p90", "p99", "max", "errors",
		"create", "10000", "3998.8", "3.21ms", "7.00ms", "12.50ms", "80.00ms", "2.50s",
		"read", "20000", "10000.0", "1.50ms", "2.00ms", "4.00ms", "9.00ms",
		"create error: 500 boom",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	lines := strings.Split(out, "\n")
	if len(lines) < 4 || !strings.Contains(lines[2], "create") || !strings.HasSuffix(strings.TrimSpace(strings.Fields(lines[2])[7]), "3") {
		t.Errorf("create row wrong: %q", lines)
	}
}

func TestMarshalJSON(t *testing.T) {
	b, err := json.Marshal(sampleResult())
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"clients": 16.0,
		"creates": map[string]any{"name": "create", "ops": 10000.0, "errors": 3.0, "elapsed_ms": 2500.0, "per_second": 3998.8,
			"p50_ms": 3.21, "p90_ms": 7.0, "p99_ms": 12.5, "max_ms": 80.0, "error_samples": []any{"500 boom"}},
		"reads": map[string]any{"name": "read", "ops": 20000.0, "errors": 0.0, "elapsed_ms": 2000.0, "per_second": 10000.0,
			"p50_ms": 1.5, "p90_ms": 2.0, "p99_ms": 4.0, "max_ms": 9.0, "error_samples": []any{}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("JSON = %s\nwant  %v", b, want)
	}
}
