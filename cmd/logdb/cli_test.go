package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/logdb/logdb/engine"
)

// Ensure that a new user's first steps work with the real binary: ingest a
// file into the default data directory, query it, read a range, see stats.
func TestCLI_FirstSteps(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "build.log")
	content := "2025-03-20T10:00:00Z INFO starting build\r\n" +
		"2025-03-20T10:00:01Z WARN cache miss for key abc\n" +
		"compiling 42 files\n" +
		"2025-03-20T10:00:05Z ERROR compile failed: timeout after 30s\n" +
		"\n" +
		"done"
	if err := os.WriteFile(log, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"LOGDB_DIR=" + filepath.Join(dir, "data")}

	r := runBin(t, "", env, "ingest", log)
	if r.code != 0 || !strings.Contains(r.stderr, "ingested 6 lines into 1 run ") {
		t.Fatalf("ingest: %d %q", r.code, r.stderr)
	}
	r = runBin(t, "", env, "read", "--job", "build", "--from", "2", "--count", "3")
	if want := "2025-03-20T10:00:01Z WARN cache miss for key abc\ncompiling 42 files\n2025-03-20T10:00:05Z ERROR compile failed: timeout after 30s\n"; r.code != 0 || r.stdout != want {
		t.Fatalf("read: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if !strings.HasPrefix(r.stderr, "next-cursor: ") {
		t.Fatalf("read: no cursor on stderr: %q", r.stderr)
	}
	cursor := strings.TrimSpace(strings.TrimPrefix(r.stderr, "next-cursor: "))
	r = runBin(t, "", env, "read", "--cursor", cursor)
	if r.code != 0 || r.stdout != "\ndone\n" || r.stderr != "" {
		t.Fatalf("read --cursor: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, "", env, "query", "level>=Warn")
	if want := "2025-03-20T10:00:01Z WARN cache miss for key abc\n2025-03-20T10:00:05Z ERROR compile failed: timeout after 30s\n"; r.code != 0 || r.stdout != want {
		t.Fatalf("query: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, "", env, "query", "-o", "json", "TIMEOUT")
	if !regexp.MustCompile(`^\{"time":"2025-03-20T10:00:05.000000000Z","level":"Error","job":"build","attempt":0,"line":4,"msg":"2025-03-20T10:00:05Z ERROR compile failed: timeout after 30s"\}\n$`).MatchString(r.stdout) {
		t.Fatalf("query -o json: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, "", env, "query", "-o", "json", "| count")
	if r.stdout != `{"count":6}`+"\n" {
		t.Fatalf("count: %q %q", r.stdout, r.stderr)
	}
	r = runBin(t, "", env, "stats")
	if r.code != 0 || !regexp.MustCompile(`lines\s+6\n`).MatchString(r.stdout) || !regexp.MustCompile(`index lag\s+0 blocks`).MatchString(r.stdout) {
		t.Fatalf("stats: %d %q", r.code, r.stdout)
	}
}

// Ensure that every command answers --help with its usage and exit status
// 0, and that mistakes get status 2 and a pointer to the help.
func TestCLI_Help(t *testing.T) {
	r := runBin(t, "", nil, "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "Usage:") {
		t.Fatalf("--help: %d %q", r.code, r.stdout)
	}
	for _, c := range commands {
		for _, args := range [][]string{{c.name, "--help"}, {"help", c.name}, {c.name, "-h"}} {
			r := runBin(t, "", nil, args...)
			if r.code != 0 || !strings.HasPrefix(r.stdout, "usage: logdb "+c.name) {
				t.Errorf("%v: %d %q", args, r.code, r.stdout)
			}
		}
		if !strings.Contains(r.stdout, c.name) {
			t.Errorf("logdb --help does not list %s", c.name)
		}
	}
	for _, args := range [][]string{{"frobnicate"}, {"read"}, {"read", "--job", "x", "--count", "0"}, {"ingest", "--format", "xml"}, {"--bogus"}, {}} {
		r := runBin(t, "", nil, args...)
		if r.code != 2 || r.stderr == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, r.code, r.stderr)
		}
	}
}

// Ensure that bad lines are reported with file and line, skipped, counted,
// and make the exit status 1, while every good line is stored.
func TestCLI_Ingest_Rejects(t *testing.T) {
	dir := t.TempDir()
	in := "{\"msg\":\"one\",\"level\":\"info\"}\n{not json}\n{\"msg\":\"two\",\"job\":\"other\"}\n" + `{"msg":"` + strings.Repeat("x", 100) + "\"}\n"
	r := runMain(t, in, "--dir", dir, "ingest", "--job", "j", "--max-line-bytes", "64", "-")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", r.code, r.stderr)
	}
	for _, want := range []string{"<stdin>:2:", "<stdin>:4:", "ingested 2 lines into 2 runs", "2 lines rejected"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr %q lacks %q", r.stderr, want)
		}
	}
	r = runMain(t, "", "--dir", dir, "query", "job=j OR job=other")
	if r.stdout != "one\ntwo\n" {
		t.Fatalf("stored %q", r.stdout)
	}
}

// Ensure that a second process gets a clear "locked by pid" error instead
// of hanging while the directory is open.
func TestCLI_Locked(t *testing.T) {
	dir := t.TempDir()
	db, err := engine.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := runBin(t, "", nil, "--dir", dir, "stats")
	if r.code != 1 || !strings.Contains(r.stderr, "locked by pid "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// Ensure that reading a store that does not exist says so and creates
// nothing.
func TestCLI_NoStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "none")
	r := runMain(t, "", "--dir", dir, "query", "x")
	if r.code != 1 || !strings.Contains(r.stderr, "no data directory") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("query created %s", dir)
	}
}

// Ensure that the README's first command, logdb demo, loads the store,
// gives its runs records (finished as success or failed, the newest still
// running), tours the queries, and tours a store that holds lines without
// loading again.
func TestCLI_Demo(t *testing.T) {
	env := []string{"LOGDB_DIR=" + filepath.Join(t.TempDir(), "data")}
	r := runBin(t, "", env, "demo", "--lines", "50000")
	if r.code != 0 || !strings.Contains(r.stdout, "Stored 50000 lines in ") {
		t.Fatalf("demo: %d %q %q", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"$ logdb query 'timeout | count'",
		"$ logdb runs '| count by status'",
		"$ logdb read --job ",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo printed no %q:\n%s", want, r.stdout)
		}
	}
	// Its runs table shows durations and memory as the runs command does.
	if !regexp.MustCompile(`(?m)^job-\S+ +\d{4}-\d\d-\d\d [0-9:.]+ +\d+m\d+s +\d+ MiB `).MatchString(r.stdout) {
		t.Errorf("demo's failed runs are not shown with human durations and memory:\n%s", r.stdout)
	}
	// The run records, as logdb runs counts them on their own.
	r = runBin(t, "", env, "runs", "-o", "csv", "| count by status | sort by status")
	counts := map[string]int{}
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n")[1:] {
		status, num, _ := strings.Cut(l, ",")
		counts[status], _ = strconv.Atoi(num)
	}
	if counts["running"] != 8 || counts["failed"] == 0 || counts["success"] <= counts["failed"] {
		t.Errorf("runs by status after the demo: %v (%q)", counts, r.stdout)
	}
	r = runBin(t, "", env, "demo")
	if r.code != 0 || !strings.Contains(r.stdout, "already holds 50000 lines; touring those.") || strings.Contains(r.stdout, "Stored") {
		t.Errorf("demo again: %d %q %q", r.code, r.stdout, r.stderr)
	}
}
