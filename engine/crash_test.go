package engine_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// crashMessage is the message of line n of job: a function of both, so that
// the parent can check any line the child may have written.
func crashMessage(job string, n int64) string {
	return fmt.Sprintf("%s line %d %s", job, n, strings.Repeat("p", int(n%97)))
}

var crashJobs = []string{"alpha", "beta", "gamma"}

// TestCrashChild is the child process of TestDB_Durability_Kill9. It appends
// batches forever and prints "ack JOB LINES" lines after each Append returns.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv("LOGDB_CRASH_DIR")
	if dir == "" {
		t.Skip("only run as the child of TestDB_Durability_Kill9")
	}
	db, err := engine.Open(dir, &engine.Options{BlockLines: 64, SealAfter: 20 * time.Millisecond})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	seed, _ := strconv.ParseInt(os.Getenv("LOGDB_CRASH_SEED"), 10, 64)
	r := rand.New(rand.NewSource(seed))
	ctx := context.Background()
	out := bufio.NewWriter(os.Stdout)
	for {
		job := crashJobs[r.Intn(len(crashJobs))]
		p, err := db.ReadLines(ctx, engine.ReadRequest{Job: job, Count: 1, From: 1 << 40})
		next := int64(1)
		if err == nil {
			next = p.LineCount + 1
		}
		n := 1 + r.Intn(150)
		es := make([]engine.Entry, n)
		for i := range es {
			es[i] = engine.Entry{Job: job, Message: crashMessage(job, next+int64(i)), Time: next + int64(i)}
		}
		lines, err := db.Append(ctx, es...)
		if err != nil {
			fmt.Fprintln(out, "error", err)
			out.Flush()
			os.Exit(1)
		}
		fmt.Fprintln(out, "ack", job, lines[len(lines)-1])
		out.Flush()
	}
}

// Ensure that every line Append acknowledged survives kill -9 of the
// process, and that the store stays consistent: gap-free line numbers, every
// line as written, readable and searchable after reopening.
func TestDB_Durability_Kill9(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	acked := map[string]int64{}
	for round := 0; round < 4; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "LOGDB_CRASH_DIR="+dir, fmt.Sprintf("LOGDB_CRASH_SEED=%d", round))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		stopAfter := 30 + 40*round
		for n := 0; n < stopAfter && sc.Scan(); n++ {
			f := strings.Fields(sc.Text())
			if len(f) != 3 || f[0] != "ack" {
				t.Fatalf("child said %q", sc.Text())
			}
			line, _ := strconv.ParseInt(f[2], 10, 64)
			acked[f[1]] = line
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		// Acks printed before the kill landed count too.
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) == 3 && f[0] == "ack" {
				line, _ := strconv.ParseInt(f[2], 10, 64)
				acked[f[1]] = line
			}
		}
		_ = cmd.Wait()

		db, err := engine.Open(dir, nil)
		if err != nil {
			t.Fatalf("round %d: reopen after kill -9: %v", round, err)
		}
		for _, job := range crashJobs {
			if acked[job] == 0 {
				continue
			}
			got := readAll(t, db, job, 0, 5000)
			if int64(len(got)) < acked[job] {
				t.Fatalf("round %d: %s has %d lines, %d were acknowledged", round, job, len(got), acked[job])
			}
			for i, e := range got {
				if e.Line != int64(i+1) || e.Message != crashMessage(job, e.Line) {
					t.Fatalf("round %d: %s line %d = %d %q", round, job, i+1, e.Line, e.Message)
				}
			}
			// Searchable: the last acknowledged line is found by a word query.
			it, err := db.Query(context.Background(), engine.And(engine.Job(job), engine.Phrase(fmt.Sprintf("line %d ", acked[job]))), nil)
			if err != nil {
				t.Fatal(err)
			}
			found := it.Next() && it.Entry().Line == acked[job]
			it.Close()
			if !found {
				t.Fatalf("round %d: %s line %d not found by a query", round, job, acked[job])
			}
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
