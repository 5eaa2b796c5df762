package engine_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"golang.org/x/sys/unix"
)

// Ensure that the active write-ahead log and value log have every block
// allocated, after Open and after Badger rolled them over, so that a disk
// another program fills cannot make a write through their memory maps fail
// with SIGBUS.
func TestDB_PreallocatesLogs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := probeFallocate(dir); err != nil {
		t.Skipf("%s: the file system cannot preallocate: %v", dir, err)
	}
	db, err := engine.Open(dir, &engine.Options{MemTableSize: 1 << 20, NoSync: true, BlockLines: 64, SealAfter: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	data := filepath.Join(dir, "data")
	for _, path := range pair(newestLogs(t, data)) {
		if !allocated(t, path) {
			t.Errorf("%s is sparse after Open", filepath.Base(path))
		}
	}
	firstMem, _ := newestLogs(t, data)

	// Lines of 100 runs that do not compress roll the 1 MiB memtable over.
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range 60 {
		var es []engine.Entry
		for k := range 1000 {
			es = append(es, engine.Entry{Job: fmt.Sprint("prealloc", k%100), Message: fmt.Sprintf("%d %d %x", i, k, rnd.Uint64()) + strings.Repeat(fmt.Sprintf(" %x", rnd.Uint64()), 30), Time: int64(i*1000 + k + 1)})
		}
		if _, err := db.Append(ctx, es...); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The indexer writes word filters, which may roll the memtable over
	// between two appends; the append after them allocates the new logs.
	if err := db.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	if _, err := db.Append(ctx, engine.Entry{Job: "prealloc", Message: "last", Time: 1 << 40}); err != nil {
		t.Fatal(err)
	}
	mem, vlog := newestLogs(t, data)
	if mem == firstMem {
		t.Fatalf("the write-ahead log did not roll over from %s; the test writes too little", filepath.Base(firstMem))
	}
	for _, path := range pair(mem, vlog) {
		if !allocated(t, path) {
			t.Errorf("%s is sparse after a roll-over: a full disk would kill the process writing it", filepath.Base(path))
		}
	}
}

// newestLogs returns the paths of the newest .mem and .vlog files in dir.
func newestLogs(t *testing.T, dir string) (mem, vlog string) {
	t.Helper()
	for ext, p := range map[string]*string{".mem": &mem, ".vlog": &vlog} {
		names, err := filepath.Glob(filepath.Join(dir, "*"+ext))
		if err != nil || len(names) == 0 {
			t.Fatalf("no %s file in %s (%v)", ext, dir, err)
		}
		*p = names[len(names)-1] // zero-padded names sort by number
	}
	return mem, vlog
}

// allocated reports whether the file at path has a block for every byte.
func allocated(t *testing.T, path string) bool {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return st.Blocks*512 >= fi.Size()
}

func pair(a, b string) []string { return []string{a, b} }

// probeFallocate returns an error if dir's file system cannot allocate the
// blocks of a sparse file.
func probeFallocate(dir string) error {
	f, err := os.CreateTemp(dir, "probe")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if err := f.Truncate(1 << 20); err != nil {
		return err
	}
	return unix.Fallocate(int(f.Fd()), unix.FALLOC_FL_KEEP_SIZE, 0, 1<<20)
}
