package server_test

import (
	"context"
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
)

// Ensure that under load nothing is lost or duplicated: appenders write
// batches to their own runs over their own connections while readers page
// through the runs with cursors and followers follow them, some from the
// start and some joining late, and a query follower watches everything.
// At the end every run follower saw every line of its run exactly once and
// in order, then the final state; the store holds exactly what was
// acknowledged; the readers never saw a gap or a repeat; and the query
// follower saw no line twice.
func TestServer_Load(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	ts := startServer(t, nil)
	const (
		appenders = 8
		batches   = 100
		batchSize = 100
		total     = batches * batchSize
	)
	deadline, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	job := func(i int) string { return fmt.Sprintf("load-%d", i) }

	// Followers: two per run, one from the start, one joining late.
	type result struct {
		run   int
		lines []int64
		msgs  []string
		end   *client.FollowEnd
		err   error
	}
	results := make(chan result, 2*appenders)
	startFollower := func(i int, delay time.Duration) {
		go func() {
			time.Sleep(delay)
			c, err := client.Dial(deadline, ts.addr, nil)
			if err != nil {
				results <- result{run: i, err: err}
				return
			}
			defer c.Close()
			f, err := c.Follow(deadline, engine.ReadRequest{Job: job(i), Attempt: 0})
			if err != nil {
				results <- result{run: i, err: err}
				return
			}
			defer f.Close()
			var r result
			r.run = i
			for f.Next() {
				r.lines = append(r.lines, f.Entry().Line)
				r.msgs = append(r.msgs, f.Entry().Message)
			}
			r.end, r.err = f.End(), f.Err()
			results <- r
		}()
	}
	for i := 0; i < appenders; i++ {
		startFollower(i, 0)
		startFollower(i, time.Duration(rand.Intn(300))*time.Millisecond)
	}

	// A query follower on every line of one word.
	qc := ts.dial(t, nil)
	qf, err := qc.FollowQuery(deadline, "payload")
	if err != nil {
		t.Fatal(err)
	}
	var qcount atomic.Int64
	qdone := make(chan error, 1)
	go func() {
		qseen := map[string]bool{}
		for qf.Next() {
			e := qf.Entry()
			k := fmt.Sprintf("%s:%d", e.Job, e.Line)
			if qseen[k] {
				qdone <- fmt.Errorf("query follower saw %s twice", k)
				return
			}
			qseen[k] = true
			qcount.Add(1)
		}
		qdone <- nil
	}()

	// Readers page through the runs while they grow.
	stopReaders := make(chan struct{})
	var readers sync.WaitGroup
	readErrs := make(chan error, 4)
	for rd := 0; rd < 2; rd++ {
		readers.Add(1)
		go func(rd int) {
			defer readers.Done()
			c, err := client.Dial(deadline, ts.addr, nil)
			if err != nil {
				readErrs <- err
				return
			}
			defer c.Close()
			cursors := make([]string, appenders)
			next := make([]int64, appenders)
			for {
				select {
				case <-stopReaders:
					return
				default:
				}
				for i := 0; i < appenders; i++ {
					p, err := c.Read(deadline, engine.ReadRequest{Job: job(i), Attempt: 0, Count: 37, Cursor: cursors[i]})
					if err != nil {
						if cursors[i] == "" {
							continue // not there yet
						}
						readErrs <- err
						return
					}
					for _, e := range p.Entries {
						if e.Line != next[i]+1 {
							readErrs <- fmt.Errorf("reader %d, run %d: line %d after %d", rd, i, e.Line, next[i])
							return
						}
						next[i] = e.Line
					}
					cursors[i] = p.Cursor
				}
			}
		}(rd)
	}

	// Appenders.
	var wg sync.WaitGroup
	acked := make([]int64, appenders)
	start := time.Now()
	for i := 0; i < appenders; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := client.Dial(deadline, ts.addr, nil)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			es := make([]engine.Entry, batchSize)
			for b := 0; b < batches; b++ {
				for k := range es {
					n := b*batchSize + k + 1
					es[k] = engine.Entry{Job: job(i), Level: engine.Info, Message: fmt.Sprintf("payload %d of %s", n, job(i))}
				}
				lines, err := c.Append(deadline, es...)
				if err != nil {
					t.Error(err)
					return
				}
				if lines[0] != acked[i]+1 {
					t.Errorf("run %d: batch starts at %d after %d", i, lines[0], acked[i])
				}
				acked[i] = lines[len(lines)-1]
			}
			if err := c.FinishRun(deadline, job(i), 0, engine.RunResult{Status: engine.Success}); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stopReaders)
	readers.Wait()
	close(readErrs)
	for err := range readErrs {
		t.Error(err)
	}

	for k := 0; k < 2*appenders; k++ {
		var r result
		select {
		case r = <-results:
		case <-deadline.Done():
			t.Fatal("followers did not finish")
		}
		if r.err != nil {
			t.Fatalf("follower of run %d: %v", r.run, r.err)
		}
		if len(r.lines) != total || r.end == nil || r.end.Status != engine.Success || r.end.LineCount != total {
			t.Fatalf("follower of run %d: %d lines, end %+v", r.run, len(r.lines), r.end)
		}
		for n, l := range r.lines {
			want := fmt.Sprintf("payload %d of %s", n+1, job(r.run))
			if l != int64(n+1) || r.msgs[n] != want {
				t.Fatalf("follower of run %d: line %d is %d %q", r.run, n+1, l, r.msgs[n])
			}
		}
	}
	for i := 0; i < appenders; i++ {
		info, err := ts.db.Run(ctx, job(i), 0)
		if err != nil || info.Lines != total || acked[i] != total {
			t.Fatalf("run %d: %d stored, %d acknowledged: %v", i, info.Lines, acked[i], err)
		}
	}
	// The query follower joined before the appends: it sees them all, once.
	for wait := 0; qcount.Load() < appenders*total && wait < 100; wait++ {
		time.Sleep(50 * time.Millisecond)
	}
	qf.Close()
	if err := <-qdone; err != nil {
		t.Fatal(err)
	}
	if n := qcount.Load(); n != appenders*total {
		t.Fatalf("query follower saw %d of %d lines", n, appenders*total)
	}
	t.Logf("%d lines in %d batches by %d appenders in %v (%.0f lines/s) with 2 readers and %d followers",
		appenders*total, appenders*batches, appenders, elapsed.Round(time.Millisecond), float64(appenders*total)/elapsed.Seconds(), 2*appenders+1)
}
