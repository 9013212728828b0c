package httpapi

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"
)

// successStatus is the status a route answers when it succeeds, as
// /openapi.json documents it (its lowest 2xx response): 201 for a create,
// 204 for a revoke. An audit entry written inside the operation's
// transaction, before the answer is sent, records it; an entry written
// after the answer records the status actually sent.
func successStatus(method, pattern string) int {
	if s, ok := successStatuses()[strings.ToLower(method)+" "+pattern]; ok {
		return s
	}
	return 200
}

var successStatuses = sync.OnceValue(func() map[string]int {
	var spec struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	out := map[string]int{}
	if err := json.Unmarshal(openapiSpec, &spec); err != nil {
		return out
	}
	for path, ops := range spec.Paths {
		for method, raw := range ops {
			var op struct {
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if json.Unmarshal(raw, &op) != nil {
				continue // "parameters" and other members that are no operation
			}
			best := 0
			for code := range op.Responses {
				n, err := strconv.Atoi(code)
				if err == nil && n/100 == 2 && (best == 0 || n < best) {
					best = n
				}
			}
			if best != 0 {
				out[method+" "+path] = best
			}
		}
	}
	return out
})
