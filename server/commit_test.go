package server

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

// Ensure that concurrent appends through the committer each get their own
// consecutive line numbers, that a request with a bad entry or for a
// finished run fails alone, and that nothing else is lost or repeated.
func TestCommitter(t *testing.T) {
	db := testutil.MustOpenDB(t, &engine.Options{NoSync: true})
	ctx := context.Background()
	if _, err := db.Append(ctx, engine.Entry{Job: "done", Message: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, "done", 0, engine.RunResult{Status: engine.Success}); err != nil {
		t.Fatal(err)
	}
	g := &committer{db: db}
	const workers, rounds, size = 8, 50, 7
	var wg sync.WaitGroup
	got := make([][]int64, workers)
	var bad, finished int
	var mu sync.Mutex
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				es := make([]engine.Entry, size)
				for k := range es {
					es[k] = engine.Entry{Job: fmt.Sprintf("run-%d", w%3), Message: fmt.Sprintf("w%d i%d k%d", w, i, k)}
				}
				switch {
				case w == 0 && i%10 == 5:
					es[3].Job = "bad\x00job"
				case w == 1 && i%10 == 7:
					es[6].Job = "done"
				}
				lines, err := g.append(es)
				switch {
				case errors.Is(err, engine.ErrBadEntry):
					mu.Lock()
					bad++
					mu.Unlock()
				case errors.Is(err, engine.ErrRunFinished):
					mu.Lock()
					finished++
					mu.Unlock()
				case err != nil:
					t.Error(err)
					return
				default:
					for k := 1; k < len(lines); k++ {
						if lines[k] != lines[k-1]+1 {
							t.Errorf("lines %v not consecutive", lines)
						}
					}
					got[w] = append(got[w], lines...)
				}
			}
		}(w)
	}
	wg.Wait()
	if bad != 5 || finished != 5 {
		t.Fatalf("%d bad and %d finished requests failed; want 5 and 5", bad, finished)
	}
	total := map[string]int64{}
	seen := map[string]map[int64]bool{}
	for w := range got {
		job := fmt.Sprintf("run-%d", w%3)
		if seen[job] == nil {
			seen[job] = map[int64]bool{}
		}
		for _, l := range got[w] {
			if seen[job][l] {
				t.Fatalf("%s line %d given twice", job, l)
			}
			seen[job][l] = true
			total[job]++
		}
	}
	for job, n := range total {
		info, err := db.Run(ctx, job, 0)
		if err != nil || info.Lines != n {
			t.Fatalf("%s: %d lines stored, %d acknowledged (%v)", job, info.Lines, n, err)
		}
	}
}
