package engine

import (
	"context"
	"fmt"
	"testing"
)

// Ensure that the engine keeps at most maxResidentRuns runs in memory, and
// that a run it forgot goes on where it stopped: the next line gets the
// next number, and its record counts every line.
func TestDB_EvictsRuns(t *testing.T) {
	ctx := context.Background()
	db, err := Open(t.TempDir(), &Options{NoSync: true, NoIndexer: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	runs := maxResidentRuns + maxResidentRuns/2
	ended := AppendOptions{Ended: func(string, int) bool { return true }}
	for round := 1; round <= 2; round++ {
		for i := 0; i < runs; i += 500 {
			var es []Entry
			for j := i; j < min(i+500, runs); j++ {
				es = append(es, Entry{Job: fmt.Sprint("evict-", j), Message: fmt.Sprint("round ", round), Time: int64(round)})
			}
			lines, err := db.AppendWith(ctx, ended, es...)
			if err != nil {
				t.Fatal(err)
			}
			for k, n := range lines {
				if n != int64(round) {
					t.Fatalf("round %d: %s got line %d, want %d", round, es[k].Job, n, round)
				}
			}
		}
		db.mu.Lock()
		resident := len(db.mu.runs)
		db.mu.Unlock()
		if resident > maxResidentRuns {
			t.Fatalf("round %d: %d runs in memory, want at most %d", round, resident, maxResidentRuns)
		}
	}
	for _, j := range []int{0, runs / 2, runs - 1} {
		ri, err := db.Run(ctx, fmt.Sprint("evict-", j), 0)
		if err != nil || ri.Lines != 2 {
			t.Errorf("run evict-%d: %d lines (%v), want 2", j, ri.Lines, err)
		}
	}
}
