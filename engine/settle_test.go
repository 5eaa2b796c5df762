package engine

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// loadInBatches appends n runs of 8 lines, each sealed and indexed in a
// batch of its own, so that the index gets a segment per run.
func loadInBatches(t *testing.T, db *DB, n int) {
	t.Helper()
	ctx := context.Background()
	ended := AppendOptions{Ended: func(string, int) bool { return true }}
	for i := range n {
		es := make([]Entry, 8)
		for j := range es {
			es[j] = Entry{Job: fmt.Sprintf("job-%d", i), Time: int64(i*8 + j + 1), Level: Info, Message: fmt.Sprintf("step %d of run %d", j, i)}
		}
		if _, err := db.AppendWith(ctx, ended, es...); err != nil {
			t.Fatal(err)
		}
		if err := db.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

func indexSegments(t *testing.T, db *DB) int {
	t.Helper()
	n, err := db.ix.index.Load().Segments()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Ensure that Settle merges the index segments of a load's batches into
// one without losing a document, and that the indexer settles the index by
// itself once it has been idle for settleIdle.
func TestDB_Settle(t *testing.T) {
	ctx := context.Background()
	db, err := Open(t.TempDir(), &Options{BlockLines: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loadInBatches(t, db, 12)
	if n := indexSegments(t, db); n < 2 {
		t.Fatalf("%d index segments after 12 batches, want several", n)
	}
	if err := db.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if n := indexSegments(t, db); n != 1 {
		t.Fatalf("%d index segments after Settle, want 1", n)
	}
	if st, err := db.Stats(ctx); err != nil || st.IndexDocs != 12 {
		t.Fatalf("stats after Settle: %+v, %v; want 12 index documents", st, err)
	}
	if r, err := db.Verify(ctx); err != nil || !r.OK() || !r.IndexChecked {
		t.Fatalf("verify after Settle: %+v, %v", r, err)
	}
	db.Close()

	defer func(d time.Duration) { settleIdle = d }(settleIdle)
	settleIdle = 100 * time.Millisecond // before Open: the indexer reads it
	db, err = Open(t.TempDir(), &Options{BlockLines: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loadInBatches(t, db, 12)
	deadline := time.Now().Add(10 * time.Second)
	for indexSegments(t, db) > 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the idle indexer left %d segments", indexSegments(t, db))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
