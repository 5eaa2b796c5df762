package repl

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
	"github.com/logdb/logdb/query"
)

// Ensure that Tail passes every matching line exactly once, the backlog
// first, while three writers append to old and new runs at once.
func TestLocal_Tail_Concurrent(t *testing.T) {
	db := testutil.MustOpenDB(t, &engine.Options{BlockLines: 16})
	for i := 1; i <= 30; i++ {
		lvl := engine.Info
		if i%3 == 0 {
			lvl = engine.Error
		}
		mustAppend(t, db, engine.Entry{Job: "old", Level: lvl, Message: fmt.Sprintf("old %d", i)})
	}
	q, err := query.Parse("level=Error")
	if err != nil {
		t.Fatal(err)
	}
	const perWriter = 300
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	seen := map[string]int{}
	var order []string
	started := make(chan struct{})
	errs := make(chan error, 1)
	go func() {
		n := 0
		errs <- NewLocal(db).Tail(ctx, q, query.Options{}, 5, func(e *engine.Entry) error {
			mu.Lock()
			defer mu.Unlock()
			seen[e.Message]++
			order = append(order, e.Message)
			if n++; n == 5 {
				close(started)
			}
			return nil
		})
	}()
	<-started
	var wg sync.WaitGroup
	for w, job := range []string{"old", "new-a", "new-b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 1; i <= perWriter; i++ {
				lvl := engine.Info
				if i%2 == 0 {
					lvl = engine.Error
				}
				if _, err := db.Append(ctx, engine.Entry{Job: job, Level: lvl, Message: fmt.Sprintf("%s %d w%d", job, i, w)}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	want := 5 + 3*perWriter/2
	waitFor(t, "every line", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(order) >= want
	})
	cancel()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("Tail = %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(order) != want {
		t.Fatalf("%d lines, want %d", len(order), want)
	}
	for _, m := range []string{"old 18", "old 21", "old 24", "old 27", "old 30"} {
		if seen[m] != 1 {
			t.Errorf("backlog line %q seen %d times", m, seen[m])
		}
	}
	if order[0] != "old 18" || order[4] != "old 30" {
		t.Errorf("backlog %q", order[:5])
	}
	for m, n := range seen {
		if n != 1 {
			t.Errorf("%q seen %d times", m, n)
		}
	}
	// Lines of one run come in line order.
	last := map[string]int{}
	for _, m := range order[5:] {
		var job string
		var i, w int
		fmt.Sscanf(m, "%s %d w%d", &job, &i, &w)
		if i <= last[job] {
			t.Fatalf("%q after line %d of %s", m, last[job], job)
		}
		last[job] = i
	}
}
