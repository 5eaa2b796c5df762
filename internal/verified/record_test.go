package verified

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Ensure that a file is fresh only after it was verified and saved, and no
// longer once it changes or its verification is older than MaxAge; and
// that files not seen since Load leave the record.
func TestRecord(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "000001.sst")
	other := filepath.Join(dir, "000002.sst")
	for _, p := range []string{file, other} {
		if err := os.WriteFile(p, []byte("table"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stat := func(p string) os.FileInfo {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	path := filepath.Join(dir, "VERIFIED")
	now := time.Now()
	r := Load(path)
	if r.Fresh("000001.sst", stat(file), now) {
		t.Fatal("fresh before any verification")
	}
	r.Verified("000001.sst", stat(file), now)
	r.Verified("000002.sst", stat(other), now)
	if err := r.Save(); err != nil {
		t.Fatal(err)
	}

	r = Load(path)
	if !r.Fresh("000001.sst", stat(file), now.Add(time.Hour)) {
		t.Fatal("not fresh an hour after its verification")
	}
	if r.Fresh("000001.sst", stat(file), now.Add(MaxAge)) {
		t.Fatal("fresh after MaxAge")
	}
	if err := r.Save(); err != nil { // 000002.sst was not seen
		t.Fatal(err)
	}
	r = Load(path)
	if r.Fresh("000002.sst", stat(other), now) {
		t.Fatal("a file not seen since the last Load stayed in the record")
	}
	if !r.Fresh("000001.sst", stat(file), now) {
		t.Fatal("a fresh file left the record")
	}

	if err := os.WriteFile(file, []byte("tablX"), 0o644); err != nil { // same size
		t.Fatal(err)
	}
	later := now.Add(2 * time.Second)
	if err := os.Chtimes(file, later, later); err != nil {
		t.Fatal(err)
	}
	if Load(path).Fresh("000001.sst", stat(file), now) {
		t.Fatal("fresh after it was rewritten")
	}
	if err := os.WriteFile(path, []byte("garbage\n1 2 3 4 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if Load(path).Fresh("000001.sst", stat(file), now) {
		t.Fatal("fresh from a garbled record")
	}
}
