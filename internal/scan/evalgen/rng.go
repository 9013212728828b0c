package evalgen

import "math/rand/v2"

// gen wraps a seeded PCG source with the small helpers the value
// generators need. Everything random in this package flows through a gen,
// so a seed fixes every byte of output.
type gen struct {
	r *rand.Rand
}

// newGen returns a generator for a seed and a stream number; different
// streams of one seed are independent.
func newGen(seed int64, stream uint64) *gen {
	return &gen{r: rand.New(rand.NewPCG(uint64(seed), stream^0x9e3779b97f4a7c15))}
}

// intn returns a number in [0, n).
func (g *gen) intn(n int) int { return g.r.IntN(n) }

// between returns a number in [lo, hi].
func (g *gen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// chance reports true with probability p.
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// digit returns one decimal digit in [lo, hi] as a byte.
func (g *gen) digit(lo, hi int) byte { return byte('0' + g.between(lo, hi)) }

// digits returns n random decimal digits.
func (g *gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = g.digit(0, 9)
	}
	return string(b)
}

// letters returns n random upper-case letters drawn from set.
func (g *gen) letters(n int, set string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[g.intn(len(set))]
	}
	return string(b)
}

// pick returns a random element of xs.
func pick[T any](g *gen, xs []T) T { return xs[g.intn(len(xs))] }

// weighted is one choice of a weighted pick.
type weighted[T any] struct {
	w int
	v T
}

// pickWeighted returns a value with probability proportional to its weight.
func pickWeighted[T any](g *gen, xs []weighted[T]) T {
	total := 0
	for _, x := range xs {
		total += x.w
	}
	n := g.intn(total)
	for _, x := range xs {
		if n < x.w {
			return x.v
		}
		n -= x.w
	}
	return xs[len(xs)-1].v
}
