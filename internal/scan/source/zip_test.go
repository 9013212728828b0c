package source

import (
	"archive/zip"
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// zipOf builds a ZIP archive of the named contents, in order, deflated
// unless stored is set.
func zipOf(t testing.TB, stored bool, files ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		method := zip.Deflate
		if stored {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f[0], Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(f[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestZIPEntriesAreFilesOfTheirOwn(t *testing.T) {
	inner := zipOf(t, false, [2]string{"deep/notes.txt", "call 0912345678"})
	outer := zipOf(t, false,
		[2]string{"2024/customers.csv", "name,phone\nAn,0912345678\n"},
		[2]string{"folder/", ""},
		[2]string{"inner.zip", string(inner)},
		[2]string{"../escape.txt", "tricky name"},
	)
	g := scanFile(t, "exports.zip", outer, Options{})
	if len(g.errs) != 0 {
		t.Fatalf("errors: %v", g.errs)
	}
	var paths []string
	for _, u := range g.units {
		paths = append(paths, u.Path+"|"+u.Column+"|"+string(u.Text))
	}
	want := []string{
		"exports.zip!2024/customers.csv|name|An",
		"exports.zip!2024/customers.csv|phone|0912345678",
		"exports.zip!inner.zip!deep/notes.txt||call 0912345678",
		"exports.zip!escape.txt||tricky name",
	}
	if strings.Join(paths, "\n") != strings.Join(want, "\n") {
		t.Fatalf("units:\n%s\nwant:\n%s", strings.Join(paths, "\n"), strings.Join(want, "\n"))
	}
}

func TestZIPSniffedWithoutExtension(t *testing.T) {
	g := scanFile(t, "backup.bin", zipOf(t, false, [2]string{"a.txt", "hello"}), Options{})
	if len(g.units) != 1 || g.units[0].Path != "backup.bin!a.txt" {
		t.Fatalf("units %+v errs %v", g.units, g.errs)
	}
}

func TestZIPBombIsStopped(t *testing.T) {
	bomb := zipOf(t, false, [2]string{"zeros.txt", strings.Repeat("0", 8<<20)}, [2]string{"after.txt", "still read"})
	g := scanFile(t, "bomb.zip", bomb, Options{})
	if len(g.errs) != 1 || g.errs[0].Path != "bomb.zip!zeros.txt" || !strings.Contains(g.errs[0].Reason, "zip bomb") {
		t.Fatalf("errors: %v", g.errs)
	}
	last := g.units[len(g.units)-1]
	if last.Path != "bomb.zip!after.txt" {
		t.Fatalf("the scan did not go on after the bomb: last unit %s", last.Path)
	}
}

func TestZIPLimits(t *testing.T) {
	// Depth: a ZIP in a ZIP in a ZIP with a depth limit of 2.
	z := zipOf(t, true, [2]string{"x.txt", "deepest"})
	z = zipOf(t, true, [2]string{"b.zip", string(z)})
	z = zipOf(t, true, [2]string{"a.zip", string(z)})
	g := scanFile(t, "top.zip", z, Options{MaxArchiveDepth: 2})
	if len(g.units) != 0 || len(g.errs) != 1 || g.errs[0].Path != "top.zip!a.zip!b.zip!x.txt" || !strings.Contains(g.errs[0].Reason, "too deep") {
		t.Fatalf("depth: units %v errs %v", g.units, g.errs)
	}
	// Entries: three files, a limit of two.
	z = zipOf(t, false, [2]string{"1.txt", "one"}, [2]string{"2.txt", "two"}, [2]string{"3.txt", "three"})
	g = scanFile(t, "many.zip", z, Options{MaxArchiveEntries: 2})
	if len(g.units) != 2 || len(g.errs) != 1 || !strings.Contains(g.errs[0].Reason, "entry limit") {
		t.Fatalf("entries: units %v errs %v", g.units, g.errs)
	}
	// Bytes: the unpacked total is capped.
	z = zipOf(t, true, [2]string{"1.txt", strings.Repeat("word ", 1000)}, [2]string{"2.txt", "never read"})
	g = scanFile(t, "big.zip", z, Options{MaxArchiveBytes: 100})
	for _, u := range g.units {
		if u.Path == "big.zip!2.txt" {
			t.Fatal("read past the byte budget")
		}
	}
	if len(g.errs) == 0 {
		t.Fatal("byte budget not reported")
	}
}

func TestZIPCorruptAndEncrypted(t *testing.T) {
	z := zipOf(t, true, [2]string{"secret.txt", "x"})
	// Set the encryption flag of the entry in both headers.
	enc := bytes.Clone(z)
	enc[6] |= 1
	if i := bytes.Index(enc, []byte("PK\x01\x02")); i >= 0 {
		enc[i+8] |= 1
	}
	g := scanFile(t, "enc.zip", enc, Options{})
	if len(g.units) != 0 || len(g.errs) != 1 || !strings.Contains(g.errs[0].Reason, "encrypted") || !strings.HasSuffix(g.errs[0].Path, "enc.zip!secret.txt") {
		t.Fatalf("encrypted: units %v errs %v", g.units, g.errs)
	}
	g = scanFile(t, "broken.zip", z[:len(z)/2], Options{})
	if len(g.errs) != 1 || !strings.Contains(g.errs[0].Reason, "ZIP") {
		t.Fatalf("corrupt: %v", g.errs)
	}
}

// FuzzZIP: archives of any shape.
func FuzzZIP(f *testing.F) {
	f.Add(zipOf(f, false, [2]string{"a.csv", "name,phone\nAn,0912345678\n"}, [2]string{"b.zip", string(zipOf(f, true, [2]string{"c.txt", "x"}))}))
	f.Add(zipOf(f, true, [2]string{"a.txt", "hello"}))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.zip", data) })
}

// TestZIPOfSmallTextFilesAllocatesLittle reads an archive of many small
// text files: each entry borrows a line buffer instead of allocating one of
// the line cap's size (10,000 entries took seconds, all of it the garbage
// collector's).
func TestZIPOfSmallTextFilesAllocatesLittle(t *testing.T) {
	const n = 300
	files := make([][2]string, n)
	for i := range files {
		files[i] = [2]string{fmt.Sprintf("f%05d.txt", i), "hello world, nothing here\n"}
	}
	data := zipOf(t, false, files...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	g := scanFile(t, "t.zip", data, Options{})
	runtime.ReadMemStats(&after)
	if len(g.units) != n {
		t.Fatalf("units: %d, want %d", len(g.units), n)
	}
	if perEntry := (after.TotalAlloc - before.TotalAlloc) / n; perEntry > 64<<10 {
		t.Errorf("%d bytes allocated per entry of 26 bytes", perEntry)
	}
}
