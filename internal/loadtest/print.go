package loadtest

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"text/tabwriter"
	"time"
)

// Print writes a human-readable table of r to w: per phase the operations,
// operations per second, p50, p90, p99, max latency, errors and elapsed
// time, followed by the error samples if any.
func (r Result) Print(w io.Writer) {
	fmt.Fprintf(w, "custodia bench: %d clients\n", r.Clients)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\tops\tops/s\tp50\tp90\tp99\tmax\terrors\telapsed\t")
	for _, p := range []PhaseResult{r.Creates, r.Reads} {
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%s\t%s\t%s\t%s\t%d\t%.2fs\t\n",
			p.Name, p.Ops, p.PerSecond, fmtMillis(p.P50), fmtMillis(p.P90), fmtMillis(p.P99), fmtMillis(p.Max), p.Errors, p.Elapsed.Seconds())
	}
	tw.Flush()
	for _, p := range []PhaseResult{r.Creates, r.Reads} {
		for _, s := range p.ErrorSamples {
			fmt.Fprintf(w, "%s error: %s\n", p.Name, s)
		}
	}
}

// fmtMillis formats d in milliseconds with two decimals.
func fmtMillis(d time.Duration) string {
	return fmt.Sprintf("%.2fms", millis(d))
}

// millis returns d in milliseconds, rounded to the microsecond.
func millis(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

// jsonPhase is the JSON form of a PhaseResult.
type jsonPhase struct {
	Name         string   `json:"name"`
	Ops          int      `json:"ops"`
	Errors       int      `json:"errors"`
	ElapsedMS    float64  `json:"elapsed_ms"`
	PerSecond    float64  `json:"per_second"`
	P50MS        float64  `json:"p50_ms"`
	P90MS        float64  `json:"p90_ms"`
	P99MS        float64  `json:"p99_ms"`
	MaxMS        float64  `json:"max_ms"`
	ErrorSamples []string `json:"error_samples"`
}

// toJSON converts p to its JSON form.
func (p PhaseResult) toJSON() jsonPhase {
	samples := p.ErrorSamples
	if samples == nil {
		samples = []string{}
	}
	return jsonPhase{
		Name:         p.Name,
		Ops:          p.Ops,
		Errors:       p.Errors,
		ElapsedMS:    millis(p.Elapsed),
		PerSecond:    math.Round(p.PerSecond*100) / 100,
		P50MS:        millis(p.P50),
		P90MS:        millis(p.P90),
		P99MS:        millis(p.P99),
		MaxMS:        millis(p.Max),
		ErrorSamples: samples,
	}
}

// MarshalJSON encodes r for --format json: snake_case field names and
// durations as milliseconds in floats, e.g.
//
//	{"clients":32,"creates":{"name":"create","ops":10000,"errors":0,
//	 "elapsed_ms":2210.5,"per_second":4523.87,"p50_ms":6.1,"p90_ms":9.8,
//	 "p99_ms":21.3,"max_ms":48.2,"error_samples":[]},"reads":{...}}
func (r Result) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Clients int       `json:"clients"`
		Creates jsonPhase `json:"creates"`
		Reads   jsonPhase `json:"reads"`
	}{r.Clients, r.Creates.toJSON(), r.Reads.toJSON()})
}
