package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// serveProc is `logdb serve` running as a child process.
type serveProc struct {
	cmd    *exec.Cmd
	addr   string
	stderr chan string
}

// startServe starts the real binary serving dir on 127.0.0.1:0 and waits
// for the address it prints.
func startServe(t *testing.T, dir string, env []string, args ...string) *serveProc {
	t.Helper()
	cmd := exec.Command(logdbBin, append([]string{"--dir", dir, "serve", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	errp, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProc{cmd: cmd, stderr: make(chan string, 100)}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	go func() {
		sc := bufio.NewScanner(errp)
		for sc.Scan() {
			p.stderr <- sc.Text()
		}
		close(p.stderr)
	}()
	select {
	case line := <-p.stderr:
		m := regexp.MustCompile(`on (127\.0\.0\.1:\d+)`).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("serve printed %q", line)
		}
		p.addr = m[1]
	case <-time.After(20 * time.Second):
		t.Fatal("logdb serve did not start")
	}
	return p
}

// Ensure that `logdb serve` owns the directory while query, read, ingest
// and stats with --server (or $LOGDB_SERVER) go through it and print what
// they print on the directory itself, and that SIGTERM stops it cleanly.
func TestCLI_Serve(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "build.log")
	content := "2025-03-20T10:00:00Z INFO starting build\n" +
		"2025-03-20T10:00:01Z WARN cache miss for key abc\n" +
		"compiling 42 files\n" +
		"2025-03-20T10:00:05Z ERROR compile failed: timeout after 30s\n" +
		"{not json, just text}\n" +
		"done"
	if err := os.WriteFile(log, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	// The same file in a local store, for comparison.
	local := []string{"LOGDB_DIR=" + filepath.Join(dir, "local")}
	if r := runBin(t, "", local, "ingest", log); r.code != 0 {
		t.Fatalf("local ingest: %d %s", r.code, r.stderr)
	}

	srv := startServe(t, filepath.Join(dir, "served"), nil)
	remote := []string{"LOGDB_SERVER=" + srv.addr}
	r := runBin(t, "", nil, "--server", srv.addr, "ingest", log)
	if r.code != 0 || !strings.Contains(r.stderr, "ingested 6 lines into 1 run ") || !strings.Contains(r.stderr, "through "+srv.addr) {
		t.Fatalf("ingest through the server: %d %q", r.code, r.stderr)
	}
	// The directory is the server's: a second process cannot open it.
	if r := runBin(t, "", nil, "--dir", filepath.Join(dir, "served"), "stats"); r.code != 1 || !strings.Contains(r.stderr, "locked") {
		t.Fatalf("stats on the served directory: %d %q", r.code, r.stderr)
	}
	for _, args := range [][]string{
		{"read", "--job", "build", "--from", "2", "--count", "3"},
		{"read", "--job", "build", "--level", "Warn", "-o", "json"},
		{"query", "level>=Warn"},
		{"query", "-o", "json", "TIMEOUT"},
		{"query", "-o", "csv", "job=build | count by level"},
		{"query", "--tz", "UTC", "-o", "table", "compiling | context 1"},
		{"query", "-o", "json", "* | fields line, msg | limit 2"},
	} {
		want := runBin(t, "", local, args...)
		got := runBin(t, "", remote, args...)
		// Cursors name their store; the two stores differ.
		cur := regexp.MustCompile(`next-cursor: \S+`)
		want.stderr = cur.ReplaceAllString(want.stderr, "next-cursor: C")
		got.stderr = cur.ReplaceAllString(got.stderr, "next-cursor: C")
		if got.code != 0 || got.stdout != want.stdout || got.stderr != want.stderr {
			t.Errorf("%v through the server:\n got %d %q %q\nwant %d %q %q", args, got.code, got.stdout, got.stderr, want.code, want.stdout, want.stderr)
		}
	}
	// The read cursor printed on stderr continues through the server.
	r = runBin(t, "", remote, "read", "--job", "build", "--count", "4")
	cursor := strings.TrimSpace(strings.TrimPrefix(r.stderr, "next-cursor: "))
	r = runBin(t, "", remote, "read", "--cursor", cursor)
	if r.code != 0 || r.stdout != "{not json, just text}\ndone\n" {
		t.Fatalf("read --cursor: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, "", remote, "stats")
	if r.code != 0 || !regexp.MustCompile(`lines\s+6\n`).MatchString(r.stdout) || !strings.Contains(r.stdout, "logdb serve at "+srv.addr) {
		t.Fatalf("stats: %d %q %q", r.code, r.stdout, r.stderr)
	}
	// Errors read as they do locally.
	r = runBin(t, "", remote, "query", "level=Bogus")
	if r.code != 2 || !strings.Contains(r.stderr, "^") {
		t.Fatalf("bad query: %d %q", r.code, r.stderr)
	}
	r = runBin(t, "", remote, "read", "--job", "nope")
	if r.code != 1 || !strings.Contains(r.stderr, `job "nope" has no runs`) {
		t.Fatalf("missing run: %d %q", r.code, r.stderr)
	}

	// SIGTERM: a clean stop, and the directory is free again.
	srv.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- srv.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
	var tail []string
	for l := range srv.stderr {
		tail = append(tail, l)
	}
	if s := strings.Join(tail, "\n"); !strings.Contains(s, "shutting down") || !strings.Contains(s, "stopped") {
		t.Fatalf("serve said %q", s)
	}
	if r := runBin(t, "", nil, "--dir", filepath.Join(dir, "served"), "read", "--job", "build", "--count", "1"); r.code != 0 || r.stdout != "2025-03-20T10:00:00Z INFO starting build\n" {
		t.Fatalf("after the server stopped: %d %q %q", r.code, r.stdout, r.stderr)
	}
}

// Ensure that serve refuses an address that is not loopback without a
// token, and that with a token clients need --auth-token or $LOGDB_TOKEN.
func TestCLI_Serve_Token(t *testing.T) {
	dir := t.TempDir()
	r := runBin(t, "", nil, "--dir", dir, "serve", "--listen", "0.0.0.0:0")
	if r.code != 1 || !strings.Contains(r.stderr, "refusing to listen on 0.0.0.0:") || !strings.Contains(r.stderr, "--auth-token") {
		t.Fatalf("non-loopback without a token: %d %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "LOCK")); err == nil {
		t.Fatal("the refused serve opened the directory")
	}
	srv := startServe(t, dir, []string{"LOGDB_TOKEN=s3cret"})
	r = runBin(t, "", nil, "--server", srv.addr, "stats")
	if r.code != 1 || !strings.Contains(r.stderr, "NOAUTH") {
		t.Fatalf("no token: %d %q", r.code, r.stderr)
	}
	r = runBin(t, "", nil, "--server", srv.addr, "--auth-token", "s3cret", "stats")
	if r.code != 0 {
		t.Fatalf("--auth-token: %d %q", r.code, r.stderr)
	}
	r = runBin(t, "", []string{"LOGDB_TOKEN=s3cret"}, "stats", "--server", srv.addr)
	if r.code != 0 {
		t.Fatalf("$LOGDB_TOKEN: %d %q", r.code, r.stderr)
	}
}

// Ensure that the shell works through a server (logdb --server ADDR repl):
// a script prints through the server what it prints on the directory.
func TestCLI_Serve_Repl(t *testing.T) {
	dir := replFixture(t)
	script := "level=Error | count\n" +
		"\\format json\n" +
		"level=Error | count by job\n" +
		"\\read build 0 4 1\n" +
		"\\next\n" +
		"\\format csv\n" +
		"\\runs status=failed\n" +
		"\\runs * | sort by job | fields job, attempt, status, lines\n" +
		"\\follow build\n" +
		"\\tz UTC\n" +
		"\\format raw\n" +
		"deploy | context 1\n"
	local := runBin(t, script, []string{"LOGDB_DIR=" + dir}, "repl")
	if local.code != 0 || local.stdout == "" {
		t.Fatalf("local script: %d %q %q", local.code, local.stdout, local.stderr)
	}
	srv := startServe(t, dir, nil)
	remote := runBin(t, script, []string{"LOGDB_SERVER=" + srv.addr}, "repl")
	if remote.code != local.code || remote.stdout != local.stdout || remote.stderr != local.stderr {
		t.Fatalf("through the server:\n got %d %q %q\nwant %d %q %q", remote.code, remote.stdout, remote.stderr, local.code, local.stdout, local.stderr)
	}
}

// Ensure that serve refuses a bad --block-cache before it opens anything,
// and serves with the cache off.
func TestCLI_Serve_BlockCache(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	r := runBin(t, "", nil, "--dir", dir, "serve", "--listen", "127.0.0.1:0", "--block-cache", "lots")
	if r.code != 2 || !strings.Contains(r.stderr, `bad --block-cache "lots"`) {
		t.Fatalf("serve --block-cache lots: %d %q", r.code, r.stderr)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a refused serve created %s", dir)
	}
	srv := startServe(t, dir, nil, "--block-cache", "0")
	env := []string{"LOGDB_SERVER=" + srv.addr}
	if r := runBin(t, "one\ntwo\nthree\n", env, "ingest", "--job", "j", "-"); r.code != 0 {
		t.Fatalf("ingest: %d %q", r.code, r.stderr)
	}
	if r := runBin(t, "", env, "read", "j", "--from", "2"); r.code != 0 || r.stdout != "two\nthree\n" {
		t.Fatalf("read with the cache off: %d %q %q", r.code, r.stdout, r.stderr)
	}
}
