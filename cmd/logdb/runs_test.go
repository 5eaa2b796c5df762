package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// eachStore runs test twice: on a data directory ($LOGDB_DIR), and through
// a logdb serve of another directory ($LOGDB_SERVER), so that every command
// is shown to do the same either way.
func eachStore(t *testing.T, test func(t *testing.T, env []string)) {
	t.Run("dir", func(t *testing.T) {
		test(t, []string{"LOGDB_DIR=" + filepath.Join(t.TempDir(), "data")})
	})
	t.Run("server", func(t *testing.T) {
		srv := startServe(t, filepath.Join(t.TempDir(), "data"), nil)
		test(t, []string{"LOGDB_SERVER=" + srv.addr})
	})
}

// Ensure that a scheduler's life cycle works from the command line, on a
// directory and through a server: start a run, write its lines, finish it
// as failed, retry, finish the retry, and see each step in 'run show',
// 'runs' and 'tail'.
func TestCLI_RunLifeCycle(t *testing.T) {
	eachStore(t, testRunLifeCycle)
}

func testRunLifeCycle(t *testing.T, env []string) {
	must := func(r result, what string) result {
		t.Helper()
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s%s", what, r.code, r.stdout, r.stderr)
		}
		return r
	}

	r := must(runBin(t, "", env, "run", "start", "--job", "nightly-etl", "--kind", "scheduled", "--label", "flow=etl-orders", "--trigger", "2025-03-20T01:59:58Z"), "start")
	if r.stdout != "0\n" {
		t.Fatalf("start printed %q, want the attempt 0", r.stdout)
	}
	must(runBin(t, "extract 10 rows\nERROR load failed: timeout\n", env, "ingest", "--job", "nightly-etl", "-"), "ingest")
	must(runBin(t, "", env, "run", "finish", "--job", "nightly-etl", "--status", "failed", "--exit", "2", "--message", "load failed", "--duration", "1.25s", "--memory", "64MiB"), "finish")

	// A finished run takes no more lines.
	r = runBin(t, "late line\n", env, "ingest", "--job", "nightly-etl", "-")
	if r.code == 0 || !strings.Contains(r.stderr, "ended as failed (write to a new attempt: logdb run retry --job nightly-etl)") {
		t.Fatalf("ingest into a finished run: %d %q", r.code, r.stderr)
	}

	r = must(runBin(t, "", env, "run", "retry", "nightly-etl"), "retry")
	if r.stdout != "1\n" {
		t.Fatalf("retry printed %q, want the attempt 1", r.stdout)
	}
	must(runBin(t, "extract 10 rows\nload 10 rows\n", env, "ingest", "--job", "nightly-etl", "--attempt", "latest", "-"), "ingest retry")
	must(runBin(t, "", env, "run", "finish", "--job", "nightly-etl", "--status", "success", "--duration", "801ms"), "finish retry")

	var show map[string]any
	r = must(runBin(t, "", env, "run", "show", "--job", "nightly-etl", "--attempt", "-1", "-o", "json"), "show")
	if err := json.Unmarshal([]byte(r.stdout), &show); err != nil {
		t.Fatalf("show -o json: %v: %q", err, r.stdout)
	}
	for k, want := range map[string]any{
		"job": "nightly-etl", "attempt": 0.0, "kind": "scheduled", "status": "failed",
		"exit": 2.0, "message": "load failed", "duration": 1250.0, "billed": 1300.0,
		"memory": float64(64 << 20), "lines": 2.0, "errors": 1.0, "trigger": "2025-03-20T01:59:58Z",
	} {
		if show[k] != want {
			t.Errorf("show %s = %v (%T), want %v", k, show[k], show[k], want)
		}
	}
	if l, _ := show["labels"].(map[string]any); l["flow"] != "etl-orders" {
		t.Errorf("show labels = %v", show["labels"])
	}
	r = must(runBin(t, "", env, "run", "show", "--job", "nightly-etl", "--attempt", "-1"), "show table")
	if !strings.Contains(r.stdout, "\nduration   1.25s (billed 1.3s)\nmemory     64 MiB (67108864 bytes)\n") {
		t.Errorf("show:\n%s", r.stdout)
	}

	// The retry inherits kind and labels; runs lists both, newest first.
	r = must(runBin(t, "", env, "runs", "-o", "csv", "job=nightly-etl", "| fields job, attempt, kind, status, exit, billed, flow"), "runs")
	if want := "job,attempt,kind,status,exit,billed,flow\nnightly-etl,1,scheduled,success,0,900,etl-orders\nnightly-etl,0,scheduled,failed,2,1300,etl-orders\n"; r.stdout != want {
		t.Errorf("runs:\n got %q\nwant %q", r.stdout, want)
	}
	// A table shows durations and sizes as people read them (csv and json
	// keep the exact numbers); raw names each label column.
	r = must(runBin(t, "", env, "runs", "-o", "table", "job=nightly-etl", "attempt=0", "| fields job, duration, billed, memory, flow"), "runs table")
	if rows := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(rows) != 2 || strings.Join(strings.Fields(rows[1]), " ") != "nightly-etl 1.3s 1.3s 64 MiB etl-orders" {
		t.Errorf("runs -o table: %q", r.stdout)
	}
	r = must(runBin(t, "", env, "runs", "-o", "csv", "job=nightly-etl", "attempt=0", "| fields duration, memory"), "runs csv")
	if want := "duration,memory\n1250,67108864\n"; r.stdout != want {
		t.Errorf("runs -o csv:\n got %q\nwant %q", r.stdout, want)
	}
	r = must(runBin(t, "", env, "runs", "job=nightly-etl", "attempt=0", "| fields job, exit, flow"), "runs raw")
	if want := "nightly-etl\t2\tflow=etl-orders\n"; r.stdout != want {
		t.Errorf("runs raw:\n got %q\nwant %q", r.stdout, want)
	}
	r = must(runBin(t, "", env, "runs", "-o", "json", "flow=etl-*", "HAVING", "timeout"), "runs having")
	if !strings.Contains(r.stdout, `"attempt":0`) || !strings.Contains(r.stdout, `"hits":1`) || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("runs HAVING timeout: %q", r.stdout)
	}
	r = must(runBin(t, "", env, "runs", "| count by status"), "runs count by")
	if r.stdout != "failed\t1\nsuccess\t1\n" && r.stdout != "success\t1\nfailed\t1\n" {
		t.Errorf("runs | count by status: %q", r.stdout)
	}
	r = runBin(t, "", env, "runs", "status=sideways")
	if r.code != 2 || !strings.Contains(r.stderr, "sideways") || !strings.Contains(r.stderr, "^") {
		t.Errorf("runs with a bad status: %d %q", r.code, r.stderr)
	}

	// tail on a finished run prints its lines and exits with its outcome.
	r = runBin(t, "", env, "tail", "--job", "nightly-etl", "--attempt", "0")
	if r.code != 1 || r.stdout != "extract 10 rows\nERROR load failed: timeout\n" || !strings.Contains(r.stderr, "nightly-etl/0 failed (exit 2: load failed)") {
		t.Errorf("tail failed run: %d %q %q", r.code, r.stdout, r.stderr)
	}
	// The run by position, as journalctl takes a unit.
	r = runBin(t, "", env, "read", "nightly-etl", "-1", "--count", "1")
	if r.code != 0 || r.stdout != "extract 10 rows\n" {
		t.Errorf("read nightly-etl -1: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, "", env, "tail", "nightly-etl", "0", "--level", "=Error")
	if r.code != 1 || r.stdout != "ERROR load failed: timeout\n" {
		t.Errorf("tail --level =Error: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, "", env, "tail", "--job", "nightly-etl")
	if r.code != 0 || r.stdout != "extract 10 rows\nload 10 rows\n" || !strings.Contains(r.stderr, "nightly-etl/1 success") {
		t.Errorf("tail successful run: %d %q %q", r.code, r.stdout, r.stderr)
	}

	// Pin and unpin show in the record; delete removes one attempt.
	pinned := func() any {
		t.Helper()
		var show map[string]any
		r := must(runBin(t, "", env, "run", "show", "--job", "nightly-etl", "-o", "json"), "show")
		if err := json.Unmarshal([]byte(r.stdout), &show); err != nil {
			t.Fatalf("show -o json: %v: %q", err, r.stdout)
		}
		return show["pinned"]
	}
	must(runBin(t, "", env, "run", "pin", "--job", "nightly-etl"), "pin")
	if p := pinned(); p != true {
		t.Errorf("pinned after pin: %v", p)
	}
	must(runBin(t, "", env, "run", "unpin", "--job", "nightly-etl"), "unpin")
	if p := pinned(); p != false {
		t.Errorf("pinned after unpin: %v", p)
	}
	must(runBin(t, "", env, "run", "delete", "--job", "nightly-etl", "--attempt", "0"), "delete")
	r = must(runBin(t, "", env, "runs", "-o", "csv", "| fields job, attempt"), "runs after delete")
	if r.stdout != "job,attempt\nnightly-etl,1\n" {
		t.Errorf("runs after deleting attempt 0: %q", r.stdout)
	}
	r = runBin(t, "", env, "run", "show", "--job", "nightly-etl", "--attempt", "0")
	if r.code != 1 || !strings.Contains(r.stderr, "nightly-etl") {
		t.Errorf("show a deleted run: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, "", env, "query", "load")
	if r.stdout != "load 10 rows\n" {
		t.Errorf("query after deleting attempt 0: %q %q", r.stdout, r.stderr)
	}
}

// Ensure that tail through a server follows a run that other processes
// start, append to and finish: it waits for a run that does not exist yet,
// prints every line once and in order as they come, and exits with the
// run's outcome: 1 for failed, 0 for success.
func TestCLI_TailThroughServer(t *testing.T) {
	srv := startServe(t, filepath.Join(t.TempDir(), "data"), nil)
	env := []string{"LOGDB_SERVER=" + srv.addr}
	for _, tc := range []struct {
		attempt, status, exit string
		code                  int
		final                 string
	}{
		{"latest", "failed", "3", 1, "deploy/0 failed (exit 3: health check)"},
		{"1", "success", "0", 0, "deploy/1 success (exit 0: health check)"},
	} {
		// The tail starts before the run exists.
		cmd, lines, stderr := startLines(t, env, "tail", "--job", "deploy", "--attempt", tc.attempt, "-o", "raw")
		expect := func(want ...string) { t.Helper(); expectLines(t, lines, "tail", want...) }
		run := func(stdin string, args ...string) {
			t.Helper()
			if r := runBin(t, stdin, env, args...); r.code != 0 {
				t.Fatalf("%v: %d %q", args, r.code, r.stderr)
			}
		}
		if tc.status == "failed" {
			run("", "run", "start", "--job", "deploy", "--kind", "deploy")
		} else {
			run("", "run", "retry", "deploy")
		}
		for batch := 0; batch < 3; batch++ {
			var in []string
			for i := 0; i < 3; i++ {
				in = append(in, fmt.Sprintf("%s step %d.%d", tc.status, batch, i))
			}
			run(strings.Join(in, "\n")+"\n", "ingest", "--job", "deploy", "--attempt", "latest", "-")
			expect(in...)
		}
		run("", "run", "finish", "--job", "deploy", "--status", tc.status, "--exit", tc.exit, "--message", "health check")
		err := cmd.Wait()
		if l, ok := <-lines; ok {
			t.Errorf("tail printed %q after the last line", l)
		}
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != tc.code || !strings.Contains(stderr.String(), tc.final) {
			t.Errorf("tail of a %s run: exit %d %q, want %d and %q", tc.status, code, stderr.String(), tc.code, tc.final)
		}
	}
}

// Ensure that the commands that need the directory itself refuse --server
// with a clear message, and that a directory locked by logdb serve says how
// to go through it.
func TestCLI_ServerOwnsDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	srv := startServe(t, dir, nil)
	for _, cmd := range []string{"compact", "reindex", "demo"} {
		r := runBin(t, "", nil, "--server", srv.addr, cmd)
		if r.code != 1 || !strings.Contains(r.stderr, "logdb "+cmd+": this command works on a data directory, not through a server") {
			t.Errorf("%s --server: %d %q", cmd, r.code, r.stderr)
		}
	}
	r := runBin(t, "", nil, "--dir", dir, "runs")
	if r.code != 1 || !strings.Contains(r.stderr, "locked by pid") || !strings.Contains(r.stderr, "--server ADDR") {
		t.Errorf("runs on a served directory: %d %q", r.code, r.stderr)
	}
}

// Ensure that tail follows a running run until interrupted, having printed
// the lines so far, and exits with status 130 as a shell expects.
func TestCLI_TailInterrupted(t *testing.T) {
	dir := t.TempDir()
	env := []string{"LOGDB_DIR=" + filepath.Join(dir, "data")}
	if r := runBin(t, "one\ntwo\n", env, "ingest", "--job", "live", "-"); r.code != 0 {
		t.Fatalf("ingest: %d %s", r.code, r.stderr)
	}
	cmd := exec.Command(logdbBin, "tail", "--job", "live")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	var got string
	for !strings.HasSuffix(got, "two\n") {
		n, err := out.Read(buf)
		if err != nil {
			t.Fatalf("tail output %q: %v", got, err)
		}
		got += string(buf[:n])
	}
	if got != "one\ntwo\n" {
		t.Fatalf("tail printed %q", got)
	}
	// tail is now waiting for lines; it must still be running.
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		t.Fatalf("tail ended while the run was running: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = <-done
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Fatalf("tail after Ctrl-C: %v, want exit status 130", err)
	}
}

// Ensure that gc deletes exactly the expired runs, keeps pinned ones, the
// ones a rule keeps longer and the ones still running (unless
// --include-running), and that --dry-run deletes nothing; on a directory
// and through a server.
func TestCLI_GC(t *testing.T) {
	eachStore(t, testGC)
}

func testGC(t *testing.T, env []string) {
	for _, job := range []string{"ok-1", "ok-2", "bad-1", "pinned"} {
		if r := runBin(t, "hello from "+job+"\n", env, "ingest", "--job", job, "-"); r.code != 0 {
			t.Fatalf("ingest %s: %s", job, r.stderr)
		}
		status := "success"
		if strings.HasPrefix(job, "bad") {
			status = "failed"
		}
		if r := runBin(t, "", env, "run", "finish", "--job", job, "--status", status); r.code != 0 {
			t.Fatalf("finish %s: %s", job, r.stderr)
		}
	}
	if r := runBin(t, "", env, "run", "pin", "pinned"); r.code != 0 {
		t.Fatalf("pin: %s", r.stderr)
	}
	if r := runBin(t, "hello from live\n", env, "ingest", "--job", "live", "-"); r.code != 0 {
		t.Fatalf("ingest live: %s", r.stderr)
	}
	time.Sleep(5 * time.Millisecond)
	args := []string{"gc", "--max-age", "1ms", "--rule", "status=failed:90d"}

	r := runBin(t, "", env, append(args, "--dry-run")...)
	if r.code != 0 || !strings.Contains(r.stdout, "ok-1/0 success 1 line,") || !strings.Contains(r.stdout, "ok-2/0") ||
		strings.Contains(r.stdout, "bad-1") || strings.Contains(r.stdout, "pinned/") ||
		strings.Contains(r.stdout, "live/") ||
		!strings.Contains(r.stderr, "would delete 2 runs (2 lines); of the expired runs, 1 are pinned and 1 not finished (kept; --include-running deletes those)") {
		t.Fatalf("gc --dry-run: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := runBin(t, "", env, "runs", "| count"); r.stdout != "5\n" {
		t.Fatalf("dry run deleted runs: %q", r.stdout)
	}

	r = runBin(t, "", env, args...)
	if r.code != 0 || !strings.Contains(r.stderr, "checked 5 runs, deleted 2 (2 lines") || !strings.Contains(r.stderr, "kept 1 pinned and 1 running; --include-running deletes those") {
		t.Fatalf("gc: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, "", env, "runs", "-o", "csv", "| sort by job | fields job, status")
	if want := "job,status\nbad-1,failed\nlive,running\npinned,success\n"; r.stdout != want {
		t.Errorf("runs after gc:\n got %q\nwant %q", r.stdout, want)
	}
	// The deleted runs' lines are gone from the index as well.
	r = runBin(t, "", env, "query", "hello")
	if r.stdout != "hello from bad-1\nhello from pinned\nhello from live\n" {
		t.Errorf("query after gc: %q %q", r.stdout, r.stderr)
	}
	r = runBin(t, "", env, append(args, "--include-running")...)
	if r.code != 0 || r.stdout != "live/0 running 1 line\n" || !strings.Contains(r.stderr, "kept 1 pinned and 0 running, in") {
		t.Fatalf("gc --include-running: %d %q %q", r.code, r.stdout, r.stderr)
	}

	r = runBin(t, "", env, "gc", "--rule", "status=maybe:1d")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown status "maybe"`) {
		t.Errorf("gc with a bad rule: %d %q", r.code, r.stderr)
	}
}
