package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// snapshotDir copies the store in src to a new directory while it is
// open, as a kill -9 would leave it: Badger's logs are written through
// mmap, so a read sees every write the process made.
func snapshotDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		if fi.Name() == "LOCK" {
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, in); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// killedStore returns a store left as by a kill -9 after 300 lines of job
// j were acknowledged, still in the write-ahead log.
func killedStore(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db, err := Open(dir, &Options{DiskReserve: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := 1; i <= 300; i++ {
		if _, err := db.Append(context.Background(), Entry{Job: "j", Time: int64(i), Message: fmt.Sprintf("line %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	return snapshotDir(t, dir)
}

func wantOpenDamaged(t *testing.T, dir, what string) {
	t.Helper()
	db, err := Open(dir, &Options{DiskReserve: -1})
	if err == nil {
		n, _ := db.Count(context.Background(), nil)
		db.Close()
		t.Fatalf("%s: opened, with %d lines; want an error", what, n)
	}
	if !errors.Is(err, ErrDamaged) {
		t.Fatalf("%s: %v, want ErrDamaged", what, err)
	}
}

// Ensure that a store a kill -9 left opens with every acknowledged line,
// and that one whose write-ahead log lost a bit or was deleted is refused
// instead of opened short of the lines the log held.
func TestOpen_WriteAheadLog(t *testing.T) {
	dir := killedStore(t)
	mems, _ := filepath.Glob(filepath.Join(dir, "data", "*.mem"))
	if len(mems) == 0 {
		t.Fatal("no write-ahead log in the killed store")
	}

	flipped := snapshotDir(t, dir)
	name := filepath.Join(flipped, "data", filepath.Base(mems[0]))
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	b[logHeaderSize+100] ^= 0x04 // inside the first entries
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
	wantOpenDamaged(t, flipped, "a flipped bit in the log")

	deleted := snapshotDir(t, dir)
	for _, m := range mems {
		if err := os.Remove(filepath.Join(deleted, "data", filepath.Base(m))); err != nil {
			t.Fatal(err)
		}
	}
	wantOpenDamaged(t, deleted, "a deleted log")

	db, err := Open(dir, &Options{DiskReserve: -1})
	if err != nil {
		t.Fatalf("the killed store: %v", err)
	}
	defer db.Close()
	if n, err := db.Count(context.Background(), nil); n != 300 || err != nil {
		t.Fatalf("the killed store holds %d lines (%v), want 300", n, err)
	}
}

// Ensure that after a clean close a table the MANIFEST does not list (its
// record lost) is an error, not a table Badger deletes.
func TestOpen_ManifestLostRecord(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, &Options{DiskReserve: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Append(context.Background(), Entry{Job: "j", Message: "a line"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, openMarkName)); !os.IsNotExist(err) {
		t.Fatalf("the open mark outlived a clean close: %v", err)
	}
	if err := os.Truncate(filepath.Join(dir, "data", "MANIFEST"), 8); err != nil {
		t.Fatal(err)
	}
	wantOpenDamaged(t, dir, "a MANIFEST cut to its header")
}
