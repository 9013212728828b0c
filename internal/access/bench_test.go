package access

import (
	"strconv"
	"testing"

	"custodia/internal/fieldtype"
	"custodia/internal/vault"
)

// benchCollection is the 4-field customer collection of the vault's
// benchmarks.
func benchCollection(b *testing.B) *vault.Collection {
	purposes := []string{"support", "marketing"}
	return collection(b, "customers", 1,
		vault.Field{Name: "email", Type: fieldtype.Email, Category: "user.contact.email", Purposes: purposes, Unique: true},
		vault.Field{Name: "phone", Type: fieldtype.Phone, Category: "user.contact.phone_number", Purposes: purposes, Indexed: true},
		vault.Field{Name: "name", Type: fieldtype.Name, Category: "user.name", Purposes: purposes},
		vault.Field{Name: "address", Type: fieldtype.Address, Category: "user.contact.address", Purposes: purposes},
	)
}

// BenchmarkPlanRead is the cost of one read decision for a 4-field
// collection once the plan is compiled and cached (support role, contract
// purpose), from parallel callers.
func BenchmarkPlanRead(b *testing.B) {
	e := NewEngine(newStore(b))
	c := benchCollection(b)
	ctx := ctxAs(RoleSupport, false)
	if _, err := e.PlanRead(ctx, c, "support"); err != nil { // compile and cache
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			plan, err := e.PlanRead(ctx, c, "support")
			if err != nil || len(plan.Fields) != 4 {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPlanReadConsent adds the per-subject consent check of a
// consent-based purpose (marketing), against the in-memory store: the
// engine's own cost, without the database query a real store makes.
func BenchmarkPlanReadConsent(b *testing.B) {
	st := newStore(b)
	const subjects = 1024
	for i := range subjects {
		st.setConsent("sub_"+strconv.Itoa(i), "marketing", i%2 == 0)
	}
	e := NewEngine(st)
	c := benchCollection(b)
	ctx := ctxAs(RoleMarketing, false)
	if _, err := e.PlanRead(ctx, c, "marketing"); err != nil {
		b.Fatal(err)
	}
	ids := make([]string, subjects)
	for i := range ids {
		ids[i] = "sub_" + strconv.Itoa(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			plan, err := e.PlanRead(ctx, c, "marketing")
			if err != nil || plan.Consented == nil {
				b.Fatal("no consent check", err)
			}
			ok, err := plan.Consented(ctx, ids[i%subjects])
			if err != nil || ok != (i%subjects%2 == 0) {
				b.Fatal("wrong consent", err)
			}
			i++
		}
	})
}

// BenchmarkPlanReadCompile is the cost of a decision when the plan must be
// compiled: after every reload (Invalidate, or the 2 s interval).
func BenchmarkPlanReadCompile(b *testing.B) {
	e := NewEngine(newStore(b))
	c := benchCollection(b)
	ctx := ctxAs(RoleSupport, false)
	b.ReportAllocs()
	for b.Loop() {
		e.Invalidate()
		if _, err := e.PlanRead(ctx, c, "support"); err != nil {
			b.Fatal(err)
		}
	}
}
