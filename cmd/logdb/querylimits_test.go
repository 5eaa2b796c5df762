package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// distinctLog writes a log of n lines with different messages and returns
// its path.
func distinctLog(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "2025-03-20T10:00:00Z INFO request %d for /api/v1/items/%d took %d ms\n", i, i*7919, i%997)
	}
	path := filepath.Join(t.TempDir(), "requests.log")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Ensure that --query-memory bounds a query on the directory: a count by
// msg over more groups than fit fails with a message naming the pipe, the
// limit and the flag, 0 lifts the limit, --query-timeout stops a query
// with a message saying after how long, and bad values are usage errors,
// as are the flags with --server.
func TestCLI_QueryLimits(t *testing.T) {
	env := []string{"LOGDB_DIR=" + filepath.Join(t.TempDir(), "data")}
	if r := runBin(t, "", env, "ingest", "--job", "api", distinctLog(t, 5000)); r.code != 0 {
		t.Fatalf("ingest: %d %s", r.code, r.stderr)
	}
	r := runBin(t, "", env, "query", "--query-memory", "64KiB", "| count by msg")
	if want := `logdb query: query needs more than 64KiB for "count by msg" (`; r.code != 1 || !strings.HasPrefix(r.stderr, want) || !strings.Contains(r.stderr, "raise --query-memory") {
		t.Errorf("count by msg in 64KiB: %d %q, want status 1 and %q…", r.code, r.stderr, want)
	}
	if r := runBin(t, "", env, "query", "--query-memory", "0", "| count by msg | limit 1"); r.code != 0 || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("count by msg without a limit: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := runBin(t, "", env, "runs", "--query-memory", "1KiB", "| sort by job"); r.code != 0 {
		t.Errorf("runs with a small limit over one run: %d %q", r.code, r.stderr)
	}
	r = runBin(t, "", env, "query", "--query-timeout", "1ns", "| count by msg")
	if want := "logdb query: query timed out after 1ns; "; r.code != 1 || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("a query with a 1ns timeout: %d %q, want status 1 and %q…", r.code, r.stderr, want)
	}
	for _, args := range [][]string{
		{"query", "--query-memory", "lots", "x"},
		{"query", "--query-timeout", "-1s", "x"},
		{"--server", "127.0.0.1:1", "query", "--query-memory", "1GiB", "x"},
		{"--server", "127.0.0.1:1", "repl", "--query-timeout", "1m"},
		{"serve", "--listen", "127.0.0.1:0", "--query-memory", "2MiB", "--query-memory-total", "1MiB"},
	} {
		if r := runBin(t, "", env, args...); r.code != 2 || !strings.Contains(r.stderr, "query-") {
			t.Errorf("%q: %d %q, want a usage error", args, r.code, r.stderr)
		}
	}
}

// Ensure that logdb serve's --query-memory bounds each QUERY: through the
// server a count by msg over too many groups fails with OOM and the same
// message, and a small count still runs.
func TestCLI_Serve_QueryMemory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if r := runBin(t, "", []string{"LOGDB_DIR=" + dir}, "ingest", "--job", "api", distinctLog(t, 5000)); r.code != 0 {
		t.Fatalf("ingest: %d %s", r.code, r.stderr)
	}
	p := startServe(t, dir, nil, "--query-memory", "64KiB", "--query-memory-total", "1MiB")
	env := []string{"LOGDB_SERVER=" + p.addr}
	r := runBin(t, "", env, "query", "| count by msg")
	if want := `logdb query: logdb server: OOM query needs more than 64KiB for "count by msg" (`; r.code != 1 || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("count by msg through the server: %d %q, want status 1 and %q…", r.code, r.stderr, want)
	}
	if r := runBin(t, "", env, "query", "| count by job"); r.code != 0 || r.stdout != "api\t5000\n" {
		t.Errorf("count by job through the server: %d %q %q", r.code, r.stdout, r.stderr)
	}
}
