package testutil

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/logdb/logdb/engine"
)

// MustOpenDB opens a DB in a fresh temporary directory and closes it when
// the test ends. A nil opts means defaults.
func MustOpenDB(t testing.TB, opts *engine.Options) *engine.DB {
	t.Helper()
	return MustOpenDBAt(t, t.TempDir(), opts)
}

// MustOpenDBAt opens the DB in dir and closes it when the test ends.
func MustOpenDBAt(t testing.TB, dir string, opts *engine.Options) *engine.DB {
	t.Helper()
	db, err := engine.Open(dir, opts)
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close %s: %v", dir, err)
		}
	})
	return db
}

// DataDir returns the folder of shared third-party test logs, from
// $LOGDB_TESTDATA or ../shared/data beside the repository, and skips the
// test when it is absent.
func DataDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("LOGDB_TESTDATA")
	if dir == "" {
		_, file, _, _ := runtime.Caller(0)
		dir = filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data")
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		t.Skipf("real test logs not found at %s (set LOGDB_TESTDATA to the shared/data folder): %v", dir, err)
	}
	return dir
}

// Lines reads r a line at a time in the background and sends each line,
// without its newline, on the channel it returns, which is closed at the
// end of r. It suits a child process's output that a test waits on.
func Lines(r io.Reader) <-chan string {
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	return lines
}
