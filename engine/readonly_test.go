package engine_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// queryMessages returns the messages of the lines matching f, in the
// order Query gives them.
func queryMessages(t *testing.T, db *engine.DB, f engine.Filter) []string {
	t.Helper()
	it, err := db.Query(context.Background(), f, nil)
	if err != nil {
		t.Fatalf("query %v: %v", f, err)
	}
	defer it.Close()
	var out []string
	for it.Next() {
		out = append(out, it.Entry().Message)
	}
	if err := it.Err(); err != nil {
		t.Fatalf("query %v: %v", f, err)
	}
	return out
}

// dirFiles returns the names of the files under dir with their sizes.
func dirFiles(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "LOCK" {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		out[path] = fi.Size()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Ensure that a read-only DB answers every kind of query as a writable one
// does (from the index, from block summaries, from unsealed tails, and by
// scanning when the index is gone), refuses every write, and leaves the
// store's files as they were.
func TestDB_ReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := engine.Open(dir, &engine.Options{BlockLines: 50, SealAfter: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var es []engine.Entry
	for i := range 1000 {
		lvl := engine.Info
		if i%10 == 0 {
			lvl = engine.Error
		}
		es = append(es, engine.Entry{Job: fmt.Sprint("ro", i%3), Level: lvl, Message: fmt.Sprintf("line %d word%d", i, i%7), Time: int64(i + 1)})
	}
	if _, err := db.Append(ctx, es...); err != nil {
		t.Fatal(err)
	}
	if err := db.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	// Lines in unsealed tails (SealAfter is an hour).
	if _, err := db.Append(ctx, engine.Entry{Job: "ro0", Message: "tail word3", Time: 5000}); err != nil {
		t.Fatal(err)
	}
	filters := []engine.Filter{
		engine.Word("word3"),
		engine.AndFilter{engine.LevelFilter{Op: engine.Eq, Level: engine.Error}, engine.JobFilter{Op: engine.Eq, Pattern: "ro1"}},
		engine.Word("tail"),
		engine.AndFilter{},
	}
	want := make([][]string, len(filters))
	for i, f := range filters {
		want[i] = queryMessages(t, db, f)
		if len(want[i]) == 0 {
			t.Fatalf("query %v: no hits; the test needs some", f)
		}
	}
	wantCount, err := db.Count(ctx, engine.Word("word3"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before := dirFiles(t, dir)

	check := func(name string, indexed bool) {
		t.Helper()
		ro, err := engine.Open(dir, &engine.Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("%s: open read-only: %v", name, err)
		}
		defer ro.Close()
		if st, err := ro.Stats(ctx); err != nil || st.IndexReady != indexed {
			t.Errorf("%s: index ready %v (%v), want %v", name, st.IndexReady, err, indexed)
		}
		for i, f := range filters {
			if got := queryMessages(t, ro, f); !slices.Equal(got, want[i]) {
				t.Errorf("%s: query %v: %d lines, want %d", name, f, len(got), len(want[i]))
			}
		}
		if n, err := ro.Count(ctx, engine.Word("word3")); err != nil || n != wantCount {
			t.Errorf("%s: count word3 = %d, %v; want %d", name, n, err, wantCount)
		}
		p, err := ro.ReadLines(ctx, engine.ReadRequest{Job: "ro0", From: 330, Count: 5})
		if err != nil || len(p.Entries) != 5 || p.Entries[0].Line != 330 {
			t.Errorf("%s: read lines 330-334 of ro0: %+v, %v", name, p, err)
		}
		writes := map[string]error{
			"Append":    func() error { _, err := ro.Append(ctx, engine.Entry{Job: "ro0", Message: "x"}); return err }(),
			"StartRun":  func() error { _, err := ro.StartRun(ctx, engine.RunSpec{Job: "new"}); return err }(),
			"FinishRun": ro.FinishRun(ctx, "ro0", 0, engine.RunResult{Status: engine.Success}),
			"Pin":       ro.Pin(ctx, "ro0", 0, true),
			"DeleteRun": ro.DeleteRun(ctx, "ro0", 0),
			"GC":        func() error { _, err := ro.GC(ctx, &engine.Retention{MaxAge: time.Nanosecond}); return err }(),
			"Flush":     ro.Flush(ctx),
			"Compact":   ro.Compact(ctx),
			"Reindex":   ro.Reindex(ctx),
		}
		for op, err := range writes {
			if !errors.Is(err, engine.ErrReadOnly) {
				t.Errorf("%s: %s on a read-only DB: %v, want ErrReadOnly", name, op, err)
			}
		}
		if err := ro.Close(); err != nil {
			t.Errorf("%s: close: %v", name, err)
		}
	}
	check("with its index", true)
	after := dirFiles(t, dir)
	delete(after, filepath.Join(dir, "VERIFIED")) // rewritten when the verification is renewed
	delete(before, filepath.Join(dir, "VERIFIED"))
	delete(after, filepath.Join(dir, "index", "verified"))
	delete(before, filepath.Join(dir, "index", "verified"))
	if !maps.Equal(before, after) {
		t.Errorf("a read-only open changed the store's files:\nbefore %v\nafter  %v", before, after)
	}

	// Without its index, queries scan and give the same lines.
	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	check("without its index", false)
}

// Ensure that a store that cannot be read without writing it, a new one or
// one whose process was killed, is refused read-only with ErrNeedsWrite,
// so that the caller can open it for writing instead.
func TestOpen_ReadOnlyNeedsWrite(t *testing.T) {
	dir := t.TempDir()
	if _, err := engine.Open(dir, &engine.Options{ReadOnly: true}); !errors.Is(err, engine.ErrNeedsWrite) {
		t.Fatalf("read-only open of an empty directory: %v, want ErrNeedsWrite", err)
	}
	db, err := engine.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Append(context.Background(), engine.Entry{Job: "j", Message: "m"}); err != nil {
		t.Fatal(err)
	}
	// A process that still has the store open left its mark: what a
	// killed one leaves. Copy the store as it is now.
	killed := t.TempDir()
	if err := os.CopyFS(killed, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(killed, "LOCK"))
	if _, err := engine.Open(killed, &engine.Options{ReadOnly: true}); !errors.Is(err, engine.ErrNeedsWrite) {
		t.Fatalf("read-only open of a killed store: %v, want ErrNeedsWrite", err)
	}
	rw, err := engine.Open(killed, nil)
	if err != nil {
		t.Fatalf("open the killed store for writing: %v", err)
	}
	if got := queryMessages(t, rw, engine.AndFilter{}); !slices.Equal(got, []string{"m"}) {
		t.Errorf("the killed store holds %q, want [m]", got)
	}
	rw.Close()
}
