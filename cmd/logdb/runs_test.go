package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Ensure that a scheduler's life cycle works from the command line: start a
// run, write its lines, finish it as failed, retry, finish the retry, and
// see each step in 'run show', 'runs' and 'tail'.
func TestCLI_RunLifeCycle(t *testing.T) {
	dir := t.TempDir()
	env := []string{"LOGDB_DIR=" + filepath.Join(dir, "data")}
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
	if r.code == 0 || !strings.Contains(r.stderr, "finished") {
		t.Fatalf("ingest into a finished run: %d %q", r.code, r.stderr)
	}

	r = must(runBin(t, "", env, "run", "retry", "nightly-etl"), "retry")
	if r.stdout != "1\n" {
		t.Fatalf("retry printed %q, want the attempt 1", r.stdout)
	}
	must(runBin(t, "extract 10 rows\nload 10 rows\n", env, "ingest", "--job", "nightly-etl", "--attempt", "1", "-"), "ingest retry")
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

	// The retry inherits kind and labels; runs lists both, newest first.
	r = must(runBin(t, "", env, "runs", "-o", "csv", "job=nightly-etl", "| fields job, attempt, kind, status, exit, billed, flow"), "runs")
	if want := "job,attempt,kind,status,exit,billed,flow\nnightly-etl,1,scheduled,success,0,900,etl-orders\nnightly-etl,0,scheduled,failed,2,1300,etl-orders\n"; r.stdout != want {
		t.Errorf("runs:\n got %q\nwant %q", r.stdout, want)
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
	r = runBin(t, "", env, "tail", "--job", "nightly-etl")
	if r.code != 0 || r.stdout != "extract 10 rows\nload 10 rows\n" || !strings.Contains(r.stderr, "nightly-etl/1 success") {
		t.Errorf("tail successful run: %d %q %q", r.code, r.stdout, r.stderr)
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

// Ensure that gc deletes exactly the expired runs, keeps pinned ones and
// the ones a rule keeps longer, and that --dry-run deletes nothing.
func TestCLI_GC(t *testing.T) {
	dir := t.TempDir()
	env := []string{"LOGDB_DIR=" + filepath.Join(dir, "data")}
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
	time.Sleep(5 * time.Millisecond)
	args := []string{"gc", "--max-age", "1ms", "--rule", "status=failed:90d"}

	r := runBin(t, "", env, append(args, "--dry-run")...)
	if r.code != 0 || !strings.Contains(r.stdout, "ok-1/0 success 1 lines") || !strings.Contains(r.stdout, "ok-2/0") ||
		strings.Contains(r.stdout, "bad-1") || strings.Contains(r.stdout, "pinned/") ||
		!strings.Contains(r.stderr, "would delete 2 runs (2 lines); 1 expired runs are pinned") {
		t.Fatalf("gc --dry-run: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := runBin(t, "", env, "runs", "| count"); r.stdout != "4\n" {
		t.Fatalf("dry run deleted runs: %q", r.stdout)
	}

	r = runBin(t, "", env, args...)
	if r.code != 0 || !strings.Contains(r.stderr, "checked 4 runs, deleted 2 (2 lines") || !strings.Contains(r.stderr, "kept 1 pinned") {
		t.Fatalf("gc: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, "", env, "runs", "-o", "csv", "| sort by job | fields job, status")
	if want := "job,status\nbad-1,failed\npinned,success\n"; r.stdout != want {
		t.Errorf("runs after gc:\n got %q\nwant %q", r.stdout, want)
	}
	// The deleted runs' lines are gone from the index as well.
	r = runBin(t, "", env, "query", "hello")
	if r.stdout != "hello from bad-1\nhello from pinned\n" {
		t.Errorf("query after gc: %q %q", r.stdout, r.stderr)
	}

	r = runBin(t, "", env, "gc", "--rule", "status=maybe:1d")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown status "maybe"`) {
		t.Errorf("gc with a bad rule: %d %q", r.code, r.stderr)
	}
}
