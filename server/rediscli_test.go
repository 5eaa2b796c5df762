package server_test

import (
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/internal/testutil"
	"github.com/logdb/logdb/server"
)

// These tests drive the server with redis-cli and redis-benchmark, real
// clients we did not write (Debian's redis-tools; .ci/run installs it).

func lookTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed (apt-get install redis-tools; .ci/run installs it when run as root)", name)
	}
	return path
}

// cli runs redis-cli against the server and returns its standard output.
func (ts *testServer) cli(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	host, port, _ := net.SplitHostPort(ts.addr)
	cmd := exec.Command(lookTool(t, "redis-cli"), append([]string{"-h", host, "-p", port}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("redis-cli %q: %v\n%s%s", args, err, out, stderr)
	}
	return string(out)
}

// Ensure that redis-cli appends, reads, queries and follows: its raw
// output (what scripts see) and its formatted output (what people see).
func TestRedisCLI(t *testing.T) {
	lookTool(t, "redis-cli")
	ts := startServer(t, nil)

	if got := ts.cli(t, "", "PING"); got != "PONG\n" {
		t.Fatalf("PING: %q", got)
	}
	got := ts.cli(t, "", "APPEND", "build", "0", "2025-03-20T10:00:00Z INFO starting build", "2025-03-20T10:00:01Z WARN cache miss")
	if got != "1\n2\n" {
		t.Fatalf("APPEND: %q", got)
	}
	// -x sends standard input as the last argument: a batch of lines.
	got = ts.cli(t, "2025-03-20T10:00:02Z INFO compiling 42 files\n2025-03-20T10:00:05Z ERROR compile failed: timeout\ndone\n", "-x", "APPEND", "build", "0")
	if got != "3\n4\n5\n" {
		t.Fatalf("APPEND -x: %q", got)
	}
	got = ts.cli(t, "", "APPENDJSON", "deploy", "1", `{"time":"2025-03-20T11:00:00Z","level":"error","msg":"rollout failed","env":"prod"}`)
	if got != "1\n" {
		t.Fatalf("APPENDJSON: %q", got)
	}

	got = ts.cli(t, "", "READ", "build", "latest", "FROM", "2", "COUNT", "3", "FORMAT", "raw")
	if !strings.HasPrefix(got, "lines\n2025-03-20T10:00:01Z WARN cache miss\n2025-03-20T10:00:02Z INFO compiling 42 files\n2025-03-20T10:00:05Z ERROR compile failed: timeout\njob\nbuild\nattempt\n0\nline_count\n5\nis_end\n0\n") {
		t.Fatalf("READ raw: %q", got)
	}
	cursor := lastLine(got)
	got = ts.cli(t, "", "READ", "-", "-", "CURSOR", cursor, "FORMAT", "raw")
	if !strings.HasPrefix(got, "lines\ndone\njob\nbuild\n") || !strings.Contains(got, "\nis_end\n1\n") {
		t.Fatalf("READ CURSOR: %q", got)
	}
	got = ts.cli(t, "", "--no-raw", "READ", "build", "0", "LEVEL", "Error")
	for _, want := range []string{
		` 1) "lines"`,
		` 2) 1) 1) (integer) 4`,
		`       2) "2025-03-20T10:00:05.000000000Z"`,
		`       3) "Error"`,
		`       4) "2025-03-20T10:00:05Z ERROR compile failed: timeout"`,
		`"state"`, `"running"`, `"is_end"`, `(integer) 1`,
	} {
		if !strings.Contains(got, want) {
			t.Fatalf("READ formatted lacks %q:\n%s", want, got)
		}
	}

	got = ts.cli(t, "", "QUERY", "level>=Warn", "FORMAT", "raw", "TZ", "UTC")
	if !strings.HasPrefix(got, "rows\n2025-03-20T10:00:01Z WARN cache miss\n2025-03-20T10:00:05Z ERROR compile failed: timeout\nrollout failed\ncolumns\n\ntypes\n\ncount\n3\nis_end\n1\ncursor\n\ntz\nUTC\n") {
		t.Fatalf("QUERY raw: %q", got)
	}
	got = ts.cli(t, "", "--no-raw", "QUERY", "* | count by job")
	for _, want := range []string{`1) 1) "build"`, `2) (integer) 5`, `2) 1) "deploy"`, `2) (integer) 1`, `"columns"`, `1) "job"`, `2) "count"`} {
		if !strings.Contains(got, want) {
			t.Fatalf("QUERY count formatted lacks %q:\n%s", want, got)
		}
	}
	// Paging with the cursor, COUNT 2 at a time.
	var msgs []string
	got = ts.cli(t, "", "QUERY", "job=build", "COUNT", "2", "FORMAT", "raw")
	for i := 0; ; i++ {
		rows, rest, _ := strings.Cut(strings.TrimPrefix(got, "rows\n"), "columns\n")
		msgs = append(msgs, strings.Split(strings.TrimSuffix(rows, "\n"), "\n")...)
		_, after, _ := strings.Cut(rest, "cursor\n")
		cursor, _, _ := strings.Cut(after, "\n")
		if cursor == "" || i > 5 {
			break
		}
		got = ts.cli(t, "", "QUERY", "-", "CURSOR", cursor, "COUNT", "2", "FORMAT", "raw")
	}
	if len(msgs) != 5 || msgs[0] != "2025-03-20T10:00:00Z INFO starting build" || msgs[4] != "done" {
		t.Fatalf("paged query: %q", msgs)
	}

	// Follow a run with SUBSCRIBE: history, a live line, the final state.
	host, port, _ := net.SplitHostPort(ts.addr)
	sub := exec.Command(lookTool(t, "redis-cli"), "-h", host, "-p", port, "SUBSCRIBE", "run:build:0:from=4")
	out, err := sub.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.Start(); err != nil {
		t.Fatal(err)
	}
	defer sub.Process.Kill()
	lines := testutil.Lines(out)
	next := func() string {
		select {
		case l := <-lines:
			return l
		case <-time.After(10 * time.Second):
			t.Fatal("redis-cli SUBSCRIBE printed nothing")
		}
		return ""
	}
	expect := func(want ...string) {
		t.Helper()
		for _, w := range want {
			if got := next(); !strings.Contains(got, w) {
				t.Fatalf("SUBSCRIBE printed %q, want %q", got, w)
			}
		}
	}
	expect("subscribe", "run:build:0:from=4", "1")
	expect("message", "run:build:0:from=4", `"line":4,"msg":"2025-03-20T10:00:05Z ERROR compile failed: timeout"`)
	expect("message", "run:build:0:from=4", `"line":5,"msg":"done"`)
	if got := ts.cli(t, "", "APPEND", "build", "0", "live line"); got != "6\n" {
		t.Fatalf("APPEND while followed: %q", got)
	}
	expect("message", "run:build:0:from=4", `"line":6,"msg":"live line"`)
	if got := ts.cli(t, "", "FINISH", "build", "0", "failed", "2", "exit status 2"); got != "OK\n" {
		t.Fatalf("FINISH: %q", got)
	}
	expect("message", "run:build:0:from=4", `"end":true`)
	expect("unsubscribe", "run:build:0:from=4", "0")
}

// Ensure that redis-cli starts, finishes (with a duration and memory),
// shows and collects runs.
func TestRedisCLI_Runs(t *testing.T) {
	lookTool(t, "redis-cli")
	ts := startServer(t, nil)
	got := ts.cli(t, "", "START", "nightly", "next", "KIND", "scheduled", "LABEL", "env=prod", "LABEL", "flow=etl", "STARTED", "2025-03-20T02:00:00Z")
	if !strings.HasPrefix(got, "job\nnightly\nattempt\n0\nkind\nscheduled\nstate\nrunning\npinned\n0\nlabels\nenv\nprod\nflow\netl\n") {
		t.Fatalf("START: %q", got)
	}
	if got := ts.cli(t, "", "FINISH", "nightly", "0", "failed", "2", "exit status 2", "DURATION", "1.5s", "MEMORY", "128MiB"); got != "OK\n" {
		t.Fatalf("FINISH: %q", got)
	}
	got = ts.cli(t, "", "--no-raw", "RUN", "nightly", "latest")
	for _, want := range []string{
		` 7) "state"`, ` 8) "failed"`, `"duration_ns"`, `(integer) 1500000000`, `"billed_ns"`,
		`"peak_memory"`, `(integer) 134217728`, `"exit_code"`, `(integer) 2`, `"exit status 2"`,
		`"start_time"`, `"2025-03-20T02:00:00.000000000Z"`,
	} {
		if !strings.Contains(got, want) {
			t.Fatalf("RUN formatted lacks %q:\n%s", want, got)
		}
	}
	got = ts.cli(t, "", "GC", "RULE", "status=failed flow=etl:forever", "MAXAGE", "1ms", "DRYRUN")
	if !strings.HasPrefix(got, "checked\n1\ndeleted\n0\nlines\n0\nbytes\n0\nkept_pinned\n0\ndry_run\n1\nruns\n") {
		t.Fatalf("GC DRYRUN: %q", got)
	}
}

// Ensure that redis-cli authenticates with -a against a server with a
// token, and is refused without it.
func TestRedisCLI_Auth(t *testing.T) {
	lookTool(t, "redis-cli")
	ts := startServer(t, &server.Options{Rate: -1, AuthToken: "s3cret"})
	if got := ts.cli(t, "", "--no-auth-warning", "-a", "s3cret", "INFO", "store"); !strings.Contains(got, "# Store\r\nruns:0\r\n") {
		t.Fatalf("INFO with -a: %q", got)
	}
	if got := ts.cli(t, "", "PING"); !strings.Contains(got, "NOAUTH") {
		t.Fatalf("PING without -a: %q", got)
	}
}

// Ensure that redis-benchmark runs its PING tests and a custom READ
// against the server.
func TestRedisBenchmark(t *testing.T) {
	bin := lookTool(t, "redis-benchmark")
	ts := startServer(t, nil)
	ts.cli(t, "", "APPEND", "bench", "0", "one", "two", "three")
	host, port, _ := net.SplitHostPort(ts.addr)
	for _, args := range [][]string{
		{"-t", "ping", "-n", "2000", "-c", "4", "-q"},
		{"-n", "500", "-c", "2", "-q", "READ", "bench", "0", "COUNT", "2"},
	} {
		cmd := exec.Command(bin, append([]string{"-h", host, "-p", port}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "requests per second") {
			t.Fatalf("redis-benchmark %q: %v\n%s", args, err, out)
		}
		if strings.Contains(string(out), "ERR") {
			t.Fatalf("redis-benchmark %q got errors:\n%s", args, out)
		}
	}
}

func lastLine(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}
