package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/server"
)

// timing matches the figures of ingest's last line that differ from run to
// run, and the words that differ between a local and a remote ingest.
var timing = regexp.MustCompile(` in [0-9.]+(µs|ms|s|m[0-9.]*s) \([0-9]+ lines/s(; durable after [0-9.]+(µs|ms|s))?\)( through [0-9.:]+)?`)

// Ensure that logdb --server … ingest, which sends the files' bytes for
// the server to parse, stores what a local ingest stores (every run, line,
// time, level and label) and prints the same reports, rejected lines and
// last line, for text with multi-line entries, JSON naming jobs and
// attempts, logfmt, standard input, and the options that change parsing.
func TestCLI_IngestRemote_SameAsLocal(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var big strings.Builder
	for i := range 30000 {
		fmt.Fprintf(&big, `{"time":"2025-03-20T10:%02d:%02dZ","level":"warn","job":"j%d","msg":"line %d","n":%d}`+"\n", i/60%60, i%60, i%7, i, i)
		if i%5000 == 0 {
			big.WriteString("{broken\n")
		}
	}
	text := write("build.log", "2025-03-20T10:00:00Z INFO starting build\n"+
		"2025-03-20 10:00:01 ERROR boom\nTraceback (most recent call last):\n  File \"x.py\", line 1\n"+
		"compiling 42 files\n\n[2025-03-20 10:00:05] WARN late\r\ndone")
	events := write("events.jsonl", big.String())
	kv := write("app.logfmt", "ts=2025-03-20T10:00:00Z level=info msg=\"hi there\" user=ann\nlevel=error msg=bad code=7\nnot=\"closed\n")
	plant := write("plant.log", "20.03.2025 10:00:00 started\n20.03.2025 10:00:01 stopped\n")
	billing := write("billing.log", "api|WARN|2025-03-20T10:00:00Z|slow\nweb|INFO|2025-03-20T10:00:01Z|ok\nunmatched\n")

	local := []string{"LOGDB_DIR=" + filepath.Join(dir, "local")}
	srv := startServe(t, filepath.Join(dir, "served"), nil)
	for _, tc := range []struct {
		stdin string
		args  []string
	}{
		{"", []string{"ingest", text, kv}},
		{"", []string{"ingest", "--format", "json", "--attempt", "latest", events}},
		{"", []string{"ingest", "--job", "plant", "--tz", "+02:00", "--time-format", "%d.%m.%Y %H:%M:%S", plant}},
		{"", []string{"ingest", "--pattern", `^%{WORD:app}\|%{LEVEL:level}\|%{TIMESTAMP:time}\|%{GREEDYDATA:msg}`, billing}},
		{"2025-03-20T10:00:00Z a\n\tb\nc\n", []string{"ingest", "--job", "piped", "--attempt", "3", "-"}},
		{"2025-03-20T11:00:00Z again\n", []string{"ingest", "--job", "piped", "--attempt", "latest"}},
	} {
		want := runBin(t, tc.stdin, local, tc.args...)
		got := runBin(t, tc.stdin, nil, append([]string{"--server", srv.addr}, tc.args...)...)
		if got.code != want.code || timing.ReplaceAllString(got.stderr, "") != timing.ReplaceAllString(want.stderr, "") {
			t.Fatalf("%v:\n got %d %s\nwant %d %s", tc.args, got.code, got.stderr, want.code, want.stderr)
		}
		if !strings.Contains(got.stderr, "through "+srv.addr) {
			t.Fatalf("%v: %s", tc.args, got.stderr)
		}
	}
	for _, job := range []string{"build", "app", "j0", "j6", "plant", "billing", "piped"} {
		for _, att := range []string{"0", "3"} {
			args := []string{"read", "--job", job, "--attempt", att, "-o", "json", "--count", "100000"}
			want := runBin(t, "", local, args...)
			got := runBin(t, "", nil, append([]string{"--server", srv.addr}, args...)...)
			if got.code != want.code || got.stdout != want.stdout || want.code == 0 && got.stderr != want.stderr {
				t.Fatalf("%v:\n got %d %.2000s %s\nwant %d %.2000s %s", args, got.code, got.stdout, got.stderr, want.code, want.stdout, want.stderr)
			}
		}
	}
}

// Ensure that a bad option fails before anything is sent, and that an
// ingest the server stops (a binary file, a finished run) says so, with
// the hint a local ingest gives.
func TestCLI_IngestRemote_Errors(t *testing.T) {
	dir := t.TempDir()
	srv := startServe(t, filepath.Join(dir, "served"), nil)
	bin := filepath.Join(dir, "a.bin")
	if err := os.WriteFile(bin, []byte("x\x00y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runBin(t, "", nil, "--server", srv.addr, "ingest", "--format", "xml", bin)
	if r.code != 2 || !strings.Contains(r.stderr, `unknown format "xml"`) {
		t.Fatalf("bad format: %d %s", r.code, r.stderr)
	}
	r = runBin(t, "", nil, "--server", srv.addr, "ingest", bin)
	if r.code != 1 || !strings.Contains(r.stderr, "binary data (a NUL byte at offset 1): it looks like a binary file; --binary ingests it anyway; no line was stored") {
		t.Fatalf("binary: %d %s", r.code, r.stderr)
	}
	if r := runBin(t, "", nil, "--server", srv.addr, "ingest", "--binary", bin); r.code != 0 {
		t.Fatalf("--binary: %d %s", r.code, r.stderr)
	}
	if r := runBin(t, "", nil, "--server", srv.addr, "run", "finish", "--job", "a", "--status", "success"); r.code != 0 {
		t.Fatalf("finish: %d %s", r.code, r.stderr)
	}
	r = runBin(t, "more\n", nil, "--server", srv.addr, "ingest", "--job", "a", "-")
	if r.code != 1 || !strings.Contains(r.stderr, "(write to a new attempt: logdb run retry --job a)") {
		t.Fatalf("into a finished run: %d %s", r.code, r.stderr)
	}
}

// Ensure that every line of an ingest that logdb --server … ingest
// reported done survives kill -9 of the server right after.
func TestCLI_IngestRemote_Kill9(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	var b strings.Builder
	const n = 50000
	for i := range n {
		fmt.Fprintf(&b, "2025-03-20T10:00:00Z INFO line %d\n", i)
	}
	log := filepath.Join(dir, "kill.log")
	if err := os.WriteFile(log, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	srv := startServe(t, data, nil)
	if r := runBin(t, "", nil, "--server", srv.addr, "ingest", log); r.code != 0 || !strings.Contains(r.stderr, "ingested 50000 lines into 1 run") {
		t.Fatalf("ingest: %d %s", r.code, r.stderr)
	}
	if err := srv.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	srv.cmd.Wait()
	db, err := engine.Open(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	info, err := db.Run(context.Background(), "kill", 0)
	if err != nil || info.Lines != n {
		t.Fatalf("after kill -9: %+v %v", info, err)
	}
	p, err := db.ReadLines(context.Background(), engine.ReadRequest{Job: "kill", From: n, Count: 1})
	if err != nil || len(p.Entries) != 1 || p.Entries[0].Message != fmt.Sprintf("2025-03-20T10:00:00Z INFO line %d", n-1) {
		t.Fatalf("the last line: %+v %v", p, err)
	}
}

// oldServer listens on 127.0.0.1:0 in front of the server at addr and
// answers INGEST as a server from before it did, passing everything else
// through, until the test ends.
func oldServer(t *testing.T, addr string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			nc, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer nc.Close()
				up, err := net.Dial("tcp", addr)
				if err != nil {
					return
				}
				defer up.Close()
				br := bufio.NewReader(nc)
				rd := server.NewReader(br)
				args, err := rd.ReadRequest()
				if err != nil || string(args[0]) != "INGEST" {
					return
				}
				fmt.Fprintf(nc, "-ERR unknown command 'INGEST', with args beginning with: '%s' (HELP lists the commands)\r\n", args[1])
				go io.Copy(nc, up)
				io.Copy(up, br)
			}()
		}
	}()
	return l.Addr().String()
}

// Ensure that against a server without INGEST, logdb --server … ingest
// parses the lines itself and stores and reports what it does otherwise.
func TestCLI_IngestRemote_OldServer(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "old.log")
	if err := os.WriteFile(log, []byte("2025-03-20T10:00:00Z INFO one\n  two\n2025-03-20T10:00:01Z WARN three\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := startServe(t, filepath.Join(dir, "served"), nil)
	want := runBin(t, "", []string{"LOGDB_DIR=" + filepath.Join(dir, "local")}, "ingest", "--attempt", "latest", log)
	old := oldServer(t, srv.addr)
	got := runBin(t, "", nil, "--server", old, "ingest", "--attempt", "latest", log)
	if got.code != 0 || timing.ReplaceAllString(got.stderr, "") != timing.ReplaceAllString(want.stderr, "") {
		t.Fatalf("through an old server:\n got %d %s\nwant %d %s", got.code, got.stderr, want.code, want.stderr)
	}
	args := []string{"read", "--job", "old", "-o", "json"}
	if got, want := runBin(t, "", nil, append([]string{"--server", srv.addr}, args...)...), runBin(t, "", []string{"LOGDB_DIR=" + filepath.Join(dir, "local")}, args...); got != want {
		t.Fatalf("stored:\n got %+v\nwant %+v", got, want)
	}
}

// Ensure that when the server dies mid-stream (kill -9), logdb --server …
// ingest fails saying that what the server stored stays, and that what
// stayed is each run's first lines, in order and intact.
func TestCLI_IngestRemote_KilledMidStream(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	data := filepath.Join(t.TempDir(), "data")
	srv := startServe(t, data, nil)
	cmd := exec.Command(logdbBin, "--server", srv.addr, "ingest", "--job", "piped", "-")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := func(i int) string { return fmt.Sprintf("2025-03-20T10:00:00Z INFO piped line %d", i) }
	go func() {
		// Lines until the ingest breaks off.
		w := bufio.NewWriter(stdin)
		for i := 0; ; i++ {
			if _, err := fmt.Fprintln(w, line(i)); err != nil {
				return
			}
		}
	}()
	c, err := client.Dial(context.Background(), srv.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if info, err := c.Run(context.Background(), "piped", 0); err == nil && info.Lines > 10000 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("nothing stored")
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.Close()
	if err := srv.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	srv.cmd.Wait()
	err = cmd.Wait()
	stdin.Close()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(stderr.String(), "<stdin>: ") ||
		!strings.Contains(stderr.String(), "the lines the server stored before stay stored and durable") {
		t.Fatalf("ingest: %v %s", err, stderr.String())
	}
	db, err := engine.Open(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	info, err := db.Run(context.Background(), "piped", 0)
	if err != nil || info.Lines < 10000 {
		t.Fatalf("after kill -9: %+v %v", info, err)
	}
	p, err := db.ReadLines(context.Background(), engine.ReadRequest{Job: "piped", Count: int(info.Lines)})
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range p.Entries {
		if e.Message != line(i) {
			t.Fatalf("line %d: %q", i+1, e.Message)
		}
	}
}
