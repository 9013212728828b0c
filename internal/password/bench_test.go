package password

import "testing"

// BenchmarkVerifyDefault and BenchmarkVerifyDummy should report about the
// same time per operation: that is what VerifyDummy is for.
func BenchmarkVerifyDefault(b *testing.B) {
	h := mustHash(b, Default, "correct horse battery staple")
	for b.Loop() {
		_, _ = Verify("correct horse battery stapler", h)
	}
}

func BenchmarkVerifyDummy(b *testing.B) {
	for b.Loop() {
		VerifyDummy("correct horse battery stapler")
	}
}

func BenchmarkHashDefault(b *testing.B) {
	for b.Loop() {
		_ = mustHash(b, Default, "correct horse battery staple")
	}
}
