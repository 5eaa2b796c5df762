package main

import (
	"context"
	"fmt"
	"math/rand"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
)

// serveMessage is line n of run job/attempt as the writers of
// TestCLI_Serve_Kill9 append it.
func serveMessage(job string, attempt int, n int64) string {
	return fmt.Sprintf("%s/%d line %d", job, attempt, n)
}

// killAfter waits until enough is true (at most 10 s), then kills the
// server with SIGKILL and waits for it to exit.
func (p *serveProc) killAfter(t *testing.T, enough func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !enough() && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()
}

// ackedRun is what the server acknowledged of one run.
type ackedRun struct {
	lines    int64 // the last line number an APPEND answered
	finished bool  // FINISH answered OK, with exit code exit
	exit     int64
}

// Ensure that whatever logdb serve acknowledged survives kill -9 of the
// server: lines appended by concurrent clients (the server commits them in
// groups), runs finished, and attempts opened by RETRY; and that the
// directory opens cleanly afterwards, in the engine and again under a
// server.
func TestCLI_Serve_Kill9(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := filepath.Join(t.TempDir(), "data")
	const writers = 4
	for round := 0; round < 3; round++ {
		srv := startServe(t, dir, nil, "--rate", "0")
		var (
			mu    sync.Mutex
			acked = map[string]map[int]*ackedRun{} // job → attempt → acked
			acks  int
			wg    sync.WaitGroup
		)
		ack := func(job string, attempt int, f func(*ackedRun)) {
			mu.Lock()
			defer mu.Unlock()
			if acked[job] == nil {
				acked[job] = map[int]*ackedRun{}
			}
			if acked[job][attempt] == nil {
				acked[job][attempt] = &ackedRun{}
			}
			f(acked[job][attempt])
			acks++
		}
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx := context.Background()
				c, err := client.Dial(ctx, srv.addr, nil)
				if err != nil {
					t.Error(err)
					return
				}
				defer c.Close()
				r := rand.New(rand.NewSource(int64(round*writers + w)))
				job := fmt.Sprintf("w%d-r%d", w, round)
				attempt, next := 0, int64(1)
				for {
					es := make([]engine.Entry, 1+r.Intn(50))
					for i := range es {
						es[i] = engine.Entry{Job: job, Attempt: attempt, Time: next + int64(i), Message: serveMessage(job, attempt, next+int64(i))}
					}
					lines, err := c.Append(ctx, es...)
					if err != nil {
						return // the server is gone
					}
					ack(job, attempt, func(a *ackedRun) { a.lines = lines[len(lines)-1] })
					next = lines[len(lines)-1] + 1
					if r.Intn(8) > 0 {
						continue
					}
					exit := int64(attempt + 1)
					if err := c.FinishRun(ctx, job, attempt, engine.RunResult{Status: engine.Failed, ExitCode: exit}); err != nil {
						return
					}
					ack(job, attempt, func(a *ackedRun) { a.finished, a.exit = true, exit })
					info, err := c.Retry(ctx, job)
					if err != nil {
						return
					}
					attempt, next = info.Attempt, 1
					ack(job, attempt, func(*ackedRun) {})
				}
			}()
		}
		// Let them write for a while, then kill the server mid-stream.
		srv.killAfter(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return acks >= 200+200*round
		})
		wg.Wait()

		db, err := engine.Open(dir, nil)
		if err != nil {
			t.Fatalf("round %d: open after kill -9: %v", round, err)
		}
		ctx := context.Background()
		for job, attempts := range acked {
			for attempt, a := range attempts {
				p, err := db.ReadLines(ctx, engine.ReadRequest{Job: job, Attempt: attempt, Count: 100000})
				if err != nil {
					t.Fatalf("round %d: %s/%d was acknowledged: %v", round, job, attempt, err)
				}
				if p.LineCount < a.lines {
					t.Errorf("round %d: %s/%d has %d lines, %d were acknowledged", round, job, attempt, p.LineCount, a.lines)
				}
				for i, e := range p.Entries {
					if e.Line != int64(i+1) || e.Message != serveMessage(job, attempt, e.Line) {
						t.Fatalf("round %d: %s/%d line %d is %d %q", round, job, attempt, i+1, e.Line, e.Message)
					}
				}
				if a.finished {
					info, err := db.Run(ctx, job, attempt)
					if err != nil || info.Status != engine.Failed || info.ExitCode != a.exit {
						t.Errorf("round %d: %s/%d was finished as failed, exit %d: %+v %v", round, job, attempt, a.exit, info, err)
					}
				}
			}
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: %d acknowledgements checked", round, acks)
	}
}
