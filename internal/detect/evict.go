package detect

import "slices"

// lowWater is how many entries a map bounded to limit keeps after an
// eviction pass: a tenth below the limit, so passes are rare and their cost
// is spread over many inserts.
func lowWater(limit int) int {
	return limit - max(1, limit/10)
}

// trimMap deletes entries from m until at most keep remain, removing the
// entries that cmp orders first.
func trimMap[K comparable, V any](m map[K]V, keep int, cmp func(a, b V) int) {
	if len(m) <= keep {
		return
	}
	type pair struct {
		k K
		v V
	}
	all := make([]pair, 0, len(m))
	for k, v := range m {
		all = append(all, pair{k, v})
	}
	slices.SortFunc(all, func(a, b pair) int { return cmp(a.v, b.v) })
	for _, p := range all[:len(all)-max(keep, 0)] {
		delete(m, p.k)
	}
}
