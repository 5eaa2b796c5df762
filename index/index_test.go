package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func mustOpen(t *testing.T, dir string) *Index {
	t.Helper()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func search(t *testing.T, ix *Index, q Query) string {
	t.Helper()
	ids, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(ids)
	return strings.Join(ids, ",")
}

const sec = int64(1e9)

// Ensure that every query type finds exactly the documents that hold its
// terms, and that the watermark and generation survive a reopen.
func TestIndex_Search(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ix")
	ix := mustOpen(t, dir)
	docs := []Doc{
		{ID: "a", Terms: []string{"timeout", "conn", "reset"}, Levels: []string{"Error"}, Jobs: []string{"build"}, Labels: map[string][]string{"env": {"prod"}}, MinTime: 10 * sec, MaxTime: 20*sec + 1},
		{ID: "b", Terms: []string{"timeouts", "ok"}, Levels: []string{"Info", "Warn"}, Jobs: []string{"etl-orders"}, Labels: map[string][]string{"env": {"dev", "prod west"}}, MinTime: 30 * sec, MaxTime: 40 * sec},
		{ID: "c", Terms: []string{"done"}, Levels: []string{"Info"}, Jobs: []string{"etl-users\nx"}, Blocks: []string{"c1", "c2"}, MinTime: 50 * sec, MaxTime: 60 * sec},
	}
	if err := ix.Apply(docs, nil, 7); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    Query
		want string
	}{
		{Term{FieldTerms, "timeout"}, "a"},
		{Prefix{FieldTerms, "timeout"}, "a,b"},
		{Term{FieldLevels, "Info"}, "b,c"},
		{Glob{FieldJob, "etl-*"}, "b,c"},
		{Term{FieldJob, "etl-users\nx"}, "c"},
		{Term{FieldBlocks, "c2"}, "c"},
		{Term{FieldBlocks, "c"}, ""},
		{Term{LabelField("env"), "prod west"}, "b"},
		{Glob{LabelField("env"), "p*"}, "a,b"},
		{TimeOverlap{Since: 20*sec + 500}, "a,b,c"},
		{TimeOverlap{Since: 21 * sec}, "a,b,c"}, // rounded outwards: a ends at 21s
		{TimeOverlap{Since: 22 * sec, Until: 30 * sec}, "b"},
		{TimeOverlap{Until: 10 * sec}, "a"},
		{And{Term{FieldLevels, "Info"}, Term{FieldTerms, "ok"}}, "b"},
		{Or{Term{FieldTerms, "done"}, Term{FieldTerms, "reset"}}, "a,c"},
		{Or{}, ""},
		{All{}, "a,b,c"},
	} {
		if got := search(t, ix, tc.q); got != tc.want {
			t.Errorf("Search(%#v) = %q, want %q", tc.q, got, tc.want)
		}
	}
	if err := ix.Apply([]Doc{{ID: "a", Terms: []string{"other"}}}, []string{"b"}, 9); err != nil {
		t.Fatal(err)
	}
	if err := ix.SetGeneration(42); err != nil {
		t.Fatal(err)
	}
	if got := search(t, ix, Term{FieldTerms, "timeout"}); got != "" {
		t.Errorf("replaced document still found: %q", got)
	}
	ix.Close()
	ix = mustOpen(t, dir)
	if w, err := ix.Watermark(); err != nil || w != 9 {
		t.Errorf("Watermark = %d, %v; want 9", w, err)
	}
	if g, err := ix.Generation(); err != nil || g != 42 {
		t.Errorf("Generation = %d, %v; want 42", g, err)
	}
	if got := search(t, ix, All{}); got != "a,c" {
		t.Errorf("after reopen: %q", got)
	}
}

// Ensure that an index written with another layout is refused with
// ErrVersion, and that operations on a closed index fail with ErrClosed.
func TestIndex_VersionAndClosed(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ix")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.bi.SetInternal(keyLayout, []byte("0")); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if err := ix.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := ix.Search(context.Background(), All{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Search after Close: %v", err)
	}
	if _, err := Open(dir); !errors.Is(err, ErrVersion) {
		t.Fatalf("Open of layout 0: %v, want ErrVersion", err)
	}
	if err := Remove(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("Remove left %s", dir)
	}
}

// Ensure that TermCounts returns the line counts given with the terms.
func TestIndex_TermCounts(t *testing.T) {
	ix := mustOpen(t, filepath.Join(t.TempDir(), "ix"))
	err := ix.Apply([]Doc{
		{ID: "a", Terms: []string{"timeout", "x"}, Lines: []uint32{7, 1}},
		{ID: "b", Terms: []string{"timeout"}, Lines: []uint32{300}},
		{ID: "c", Terms: []string{"other"}},
	}, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ix.TermCounts(context.Background(), FieldTerms, "timeout")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["a"] != 7 || got["b"] != 300 {
		t.Fatalf("TermCounts(timeout) = %v", got)
	}
	// A term on one line of a block, beside terms on many.
	if got, _ := ix.TermCounts(context.Background(), FieldTerms, "x"); len(got) != 1 || got["a"] != 1 {
		t.Fatalf("TermCounts(x) = %v, want a:1", got)
	}
	if got, _ := ix.TermCounts(context.Background(), FieldTerms, "absent"); len(got) != 0 {
		t.Fatalf("TermCounts(absent) = %v", got)
	}
}

// Ensure that Settle merges the segments that batches leave into one, and
// that every document is still found.
func TestIndex_Settle(t *testing.T) {
	ix := mustOpen(t, filepath.Join(t.TempDir(), "ix"))
	for i := range 20 {
		doc := Doc{ID: fmt.Sprintf("d%02d", i), Terms: []string{"word"}, MinTime: sec, MaxTime: 2 * sec}
		if err := ix.Apply([]Doc{doc}, nil, uint64(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	before, err := ix.Segments()
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	after, err := ix.Segments()
	if err != nil {
		t.Fatal(err)
	}
	if before < 2 || after != 1 {
		t.Fatalf("segments: %d before Settle, %d after; want several, then 1", before, after)
	}
	if files, _ := filepath.Glob(filepath.Join(ix.dir, "store", "*.zap")); len(files) != 1 {
		t.Fatalf("%d segment files after Settle, want the merged one alone: %v", len(files), files)
	}
	if got := strings.Count(search(t, ix, Term{FieldTerms, "word"}), "d"); got != 20 {
		t.Fatalf("after Settle the word finds %d documents, want 20", got)
	}
}
