package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
)

var soakFor = flag.Duration("soak", 0, "run TestServe_Soak this long (it is skipped when 0): go test ./cmd/logdb -run TestServe_Soak -soak 10m -v")

const (
	soakAppenders = 16
	soakReaders   = 4
	soakFollowers = 4
	soakPage      = 1000
)

// soakMessage is line n of job: a function of both, so that any line read
// can be checked.
func soakMessage(job string, n int64) string {
	return fmt.Sprintf("%s line %d %s", job, n, strings.Repeat(string(rune('a'+n%26)), int(n%61)))
}

// soakStats are the figures of a soak, kept across rounds.
type soakStats struct {
	rounds, diskFulls, fills           atomic.Int64
	acked, readLines, followed, checks atomic.Int64
	losses, wrong                      atomic.Int64

	mu     sync.Mutex
	errors map[string]int // append errors other than disk full, by message
}

// appendError counts an append's error other than disk full.
func (s *soakStats) appendError(err error) {
	msg := err.Error()
	if len(msg) > 80 {
		msg = msg[:80]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.errors == nil {
		s.errors = map[string]int{}
	}
	s.errors[msg]++
}

// checkPage counts and reports the lines of p that are not lines from,
// from+1, … of p.Job, exactly.
func (s *soakStats) checkPage(t *testing.T, what string, p *engine.Page, from int64) {
	for i, e := range p.Entries {
		if e.Line != from+int64(i) || e.Message != soakMessage(p.Job, e.Line) {
			s.wrong.Add(1)
			t.Errorf("%s: %s line %d is %d %q", what, p.Job, from+int64(i), e.Line, e.Message)
		}
	}
}

// soakState is what the server acknowledged of each run, across rounds.
type soakState struct {
	mu    sync.Mutex
	acked map[string]int64 // highest acknowledged line of each job
}

func (s *soakState) get(job string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acked[job]
}

func (s *soakState) set(job string, n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.acked[job] = max(s.acked[job], n)
}

// TestServe_Soak runs `logdb serve` on a small disk for -soak: 16
// appenders, readers checking every line they read and followers checking
// order and gaps, a kill -9 every 20 to 40 s, and a ballast file that fills
// the disk and is freed again. After every restart the lines acknowledged
// since the last check are read back and compared, and at the end all of
// them. It runs outside CI: `go test ./cmd/logdb -run TestServe_Soak -soak 10m -v`.
func TestServe_Soak(t *testing.T) {
	if *soakFor == 0 {
		t.Skip("the soak runs only with -soak DURATION (go test ./cmd/logdb -run TestServe_Soak -soak 10m -v)")
	}
	disk := smallDisk(t, 1024)
	dir := filepath.Join(disk, "store")
	st := &soakState{acked: map[string]int64{}}
	var stats soakStats
	r := rand.New(rand.NewSource(1))
	checked := map[string]int64{}
	deadline := time.Now().Add(*soakFor)
	began := time.Now()
	for time.Now().Before(deadline) {
		srv := startServe(t, dir, nil, "--rate", "0", "--disk-reserve", "32MiB")
		logged := keepStderr(srv.stderr)
		exited := make(chan struct{})
		go func() {
			srv.cmd.Wait()
			close(exited)
		}()
		soakCheck(t, srv.addr, st, checked, &stats)
		stats.rounds.Add(1)
		round := time.Duration(20+r.Intn(21)) * time.Second
		if left := time.Until(deadline); left < round {
			round = max(left, time.Second)
		}
		soakRound(t, srv.addr, disk, round, r.Int63(), st, &stats)
		select {
		case <-exited:
			t.Fatalf("round %d: the server died by itself (%v): %s", stats.rounds.Load(), srv.cmd.ProcessState, logged())
		default:
		}
		if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-exited
		os.Remove(filepath.Join(disk, "ballast"))
		t.Logf("round %d: %v, %d lines acknowledged so far, %d disk-full replies; the server said: %s", stats.rounds.Load(), round, stats.acked.Load(), stats.diskFulls.Load(), logged())
	}
	srv := startServe(t, dir, nil, "--rate", "0")
	soakCheck(t, srv.addr, st, map[string]int64{}, &stats) // every line, once more
	t.Logf("soak of %v: %d rounds (kill -9 each), %d lines acknowledged and all read back after each restart (%d checks), %d lines read and %d followed meanwhile, %d ballast fills, %d disk-full replies; %d lost, %d wrong",
		time.Since(began).Round(time.Second), stats.rounds.Load(), stats.acked.Load(), stats.checks.Load(),
		stats.readLines.Load(), stats.followed.Load(), stats.fills.Load(), stats.diskFulls.Load(),
		stats.losses.Load(), stats.wrong.Load())
	for msg, n := range stats.errors {
		t.Logf("%d appends failed with %q", n, msg)
	}
	if stats.losses.Load() != 0 || stats.wrong.Load() != 0 {
		t.Fatalf("%d acknowledged lines lost, %d wrong lines read", stats.losses.Load(), stats.wrong.Load())
	}
}

// soakCheck reads every job's lines after checked[job] up to what was
// acknowledged, and fails the test on a missing or altered line.
func soakCheck(t *testing.T, addr string, st *soakState, checked map[string]int64, stats *soakStats) {
	t.Helper()
	ctx := context.Background()
	c, err := client.Dial(ctx, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	st.mu.Lock()
	acked := make(map[string]int64, len(st.acked))
	for j, n := range st.acked {
		acked[j] = n
	}
	st.mu.Unlock()
	for job, n := range acked {
		for from := checked[job] + 1; from <= n; {
			p, err := c.Read(ctx, engine.ReadRequest{Job: job, From: from, Count: soakPage})
			if err != nil {
				t.Fatalf("after a restart, read %s from line %d: %v", job, from, err)
			}
			if p.LineCount < n {
				stats.losses.Add(n - p.LineCount)
				t.Errorf("after a restart %s has %d lines, %d were acknowledged", job, p.LineCount, n)
				break
			}
			stats.checkPage(t, "after a restart", p, from)
			if len(p.Entries) == 0 {
				t.Fatalf("after a restart, read %s from line %d: no lines", job, from)
			}
			from += int64(len(p.Entries))
		}
		checked[job] = n
		stats.checks.Add(1)
	}
}

// soakRound runs the appenders, readers, followers and the ballast against
// the server at addr for d.
func soakRound(t *testing.T, addr, disk string, d time.Duration, seed int64, st *soakState, stats *soakStats) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	run := func(f func(r *rand.Rand)) {
		wg.Add(1)
		r := rand.New(rand.NewSource(seed))
		seed++
		go func() {
			defer wg.Done()
			f(r)
		}()
	}
	for a := 0; a < soakAppenders; a++ {
		job := fmt.Sprintf("a%02d", a)
		run(func(r *rand.Rand) { soakAppend(ctx, t, addr, job, r, st, stats) })
	}
	for i := 0; i < soakReaders; i++ {
		run(func(r *rand.Rand) { soakRead(ctx, t, addr, r, st, stats) })
	}
	for i := 0; i < soakFollowers; i++ {
		run(func(r *rand.Rand) { soakFollow(ctx, t, addr, r, st, stats) })
	}
	run(func(r *rand.Rand) { soakBallast(ctx, t, disk, r, stats) })
	wg.Wait()
}

// soakAppend appends batches to job, numbering its messages from the run's
// line count, which it reads again after every error: a batch whose reply
// was lost may or may not be stored.
func soakAppend(ctx context.Context, t *testing.T, addr, job string, r *rand.Rand, st *soakState, stats *soakStats) {
	c, err := client.Dial(ctx, addr, nil)
	if err != nil {
		return
	}
	defer c.Close()
	next := int64(-1)
	for ctx.Err() == nil {
		if next < 0 {
			p, err := c.Read(ctx, engine.ReadRequest{Job: job, From: 1 << 40, Count: 1})
			switch {
			case errors.Is(err, engine.ErrRunNotFound):
				next = 1
			case err != nil:
				sleepCtx(ctx, 100*time.Millisecond)
				continue
			default:
				next = p.LineCount + 1
			}
			if next-1 < st.get(job) {
				stats.losses.Add(st.get(job) - (next - 1))
				t.Errorf("%s has %d lines, %d were acknowledged", job, next-1, st.get(job))
			}
		}
		es := make([]engine.Entry, 1+r.Intn(200))
		for i := range es {
			n := next + int64(i)
			es[i] = engine.Entry{Job: job, Time: time.Now().UnixNano(), Level: engine.Level(1 + n%5), Message: soakMessage(job, n)}
		}
		lines, err := c.Append(ctx, es...)
		if err != nil {
			if errors.Is(err, engine.ErrDiskFull) {
				stats.diskFulls.Add(1)
			} else if ctx.Err() == nil {
				stats.appendError(err)
			}
			next = -1
			sleepCtx(ctx, time.Duration(50+r.Intn(200))*time.Millisecond)
			continue
		}
		if lines[0] != next || lines[len(lines)-1] != next+int64(len(es))-1 {
			stats.wrong.Add(1)
			t.Errorf("%s: appended lines %d-%d, want %d-%d", job, lines[0], lines[len(lines)-1], next, next+int64(len(es))-1)
		}
		st.set(job, lines[len(lines)-1])
		stats.acked.Add(int64(len(lines)))
		next = lines[len(lines)-1] + 1
		sleepCtx(ctx, time.Duration(r.Intn(20))*time.Millisecond)
	}
}

// soakRead reads pages at random acknowledged places and checks each line.
func soakRead(ctx context.Context, t *testing.T, addr string, r *rand.Rand, st *soakState, stats *soakStats) {
	c, err := client.Dial(ctx, addr, nil)
	if err != nil {
		return
	}
	defer c.Close()
	for ctx.Err() == nil {
		job := fmt.Sprintf("a%02d", r.Intn(soakAppenders))
		n := st.get(job)
		if n == 0 {
			sleepCtx(ctx, 50*time.Millisecond)
			continue
		}
		from := 1 + r.Int63n(n)
		p, err := c.Read(ctx, engine.ReadRequest{Job: job, From: from, Count: 1 + r.Intn(soakPage)})
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, engine.ErrDiskFull) {
				sleepCtx(ctx, 50*time.Millisecond)
			}
			continue
		}
		stats.checkPage(t, "read", p, from)
		if len(p.Entries) == 0 {
			stats.losses.Add(1)
			t.Errorf("read %s from acknowledged line %d (of %d): no lines", job, from, n)
		}
		stats.readLines.Add(int64(len(p.Entries)))
	}
}

// soakFollow follows runs from a little before their end and checks that
// the lines come in order, without gaps, and exact.
func soakFollow(ctx context.Context, t *testing.T, addr string, r *rand.Rand, st *soakState, stats *soakStats) {
	c, err := client.Dial(ctx, addr, nil)
	if err != nil {
		return
	}
	defer c.Close()
	for ctx.Err() == nil {
		job := fmt.Sprintf("a%02d", r.Intn(soakAppenders))
		from := max(1, st.get(job)-int64(r.Intn(5000)))
		fctx, cancel := context.WithTimeout(ctx, time.Duration(1+r.Intn(5))*time.Second)
		f, err := c.Follow(fctx, engine.ReadRequest{Job: job, From: from})
		if err != nil {
			cancel()
			sleepCtx(ctx, 100*time.Millisecond)
			continue
		}
		want := from
		for f.Next() {
			e := f.Entry()
			if e.Line != want || e.Message != soakMessage(job, e.Line) {
				stats.wrong.Add(1)
				t.Errorf("follow %s: line %d is %d %q", job, want, e.Line, e.Message)
				break
			}
			want++
			stats.followed.Add(1)
		}
		cancel()
	}
}

// soakBallast fills the disk now and then, holds it full for a few
// seconds, and frees it.
func soakBallast(ctx context.Context, t *testing.T, disk string, r *rand.Rand, stats *soakStats) {
	name := filepath.Join(disk, "ballast")
	for ctx.Err() == nil {
		sleepCtx(ctx, time.Duration(3+r.Intn(10))*time.Second)
		if ctx.Err() != nil {
			return
		}
		f, err := os.Create(name)
		if err != nil {
			continue
		}
		buf := make([]byte, 1<<20)
		for {
			if _, err := f.Write(buf); err != nil {
				break // ENOSPC: full
			}
		}
		f.Close()
		stats.fills.Add(1)
		sleepCtx(ctx, time.Duration(2+r.Intn(4))*time.Second)
		if err := os.Remove(name); err != nil {
			t.Errorf("free the ballast: %v", err)
		}
	}
}

// keepStderr reads the server's stderr as it comes, so that the server
// never blocks on it, and returns a function giving its first lines.
func keepStderr(lines chan string) func() string {
	var mu sync.Mutex
	var last []string
	go func() {
		for l := range lines {
			mu.Lock()
			if len(last) < 200 {
				last = append(last, l)
			}
			mu.Unlock()
		}
	}()
	return func() string {
		time.Sleep(500 * time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		return strings.Join(last, "\n")
	}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
