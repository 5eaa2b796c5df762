package engine

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Ensure that a log Badger has created but not yet sized is looked at
// again, not taken for done nor reported as an error: fallocate of zero
// bytes fails with EINVAL, and that failed an append once.
func TestLogReserver_UnsizedLog(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, memFileName(1))
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := newLogReserver(dir)
	if err != nil {
		t.Fatalf("an unsized log: %v", err)
	}
	if r.mem != 0 {
		t.Fatalf("the unsized %s was taken for allocated (mem=%d)", memFileName(1), r.mem)
	}
	if err := os.Truncate(path, 1<<16); err != nil {
		t.Fatal(err)
	}
	r.checked = time.Time{}
	if err := r.reserve(); err != nil {
		t.Fatal(err)
	}
	if r.mem != 1 {
		t.Fatalf("the sized %s was not allocated (mem=%d)", memFileName(1), r.mem)
	}
}
