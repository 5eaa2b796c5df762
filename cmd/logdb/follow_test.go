package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Ensure that query -f through a server prints the last -n matching lines,
// then the matching lines other processes append to any run, each once, a
// line each in the short format, and stops on Ctrl-C with status 130; and
// that it refuses a query with pipes.
func TestCLI_QueryFollow(t *testing.T) {
	srv := startServe(t, filepath.Join(t.TempDir(), "data"), nil)
	env := []string{"LOGDB_SERVER=" + srv.addr, "TZ=UTC"}
	ingest := func(job, lines string) {
		t.Helper()
		if r := runBin(t, lines, env, "ingest", "--job", job, "-"); r.code != 0 {
			t.Fatalf("ingest %s: %d %q", job, r.code, r.stderr)
		}
	}
	ingest("api", "2025-03-20T10:00:00Z INFO up\n2025-03-20T10:00:01Z ERROR first failure\n2025-03-20T10:00:02Z ERROR second failure\n2025-03-20T10:00:03Z WARN slow\n")
	ingest("etl", "2025-03-20T10:00:04Z FATAL third failure\n2025-03-20T10:00:05Z INFO done\n")

	cmd, lines, _ := startLines(t, env, "query", "-f", "-n", "2", "level>=Error")
	expect := func(want ...string) { t.Helper(); expectLines(t, lines, "query -f", want...) }
	expect(
		"2025-03-20 10:00:02.000 Error api/0:3 2025-03-20T10:00:02Z ERROR second failure",
		"2025-03-20 10:00:04.000 Fatal etl/0:1 2025-03-20T10:00:04Z FATAL third failure",
	)
	ingest("etl", "2025-03-20T10:00:06Z INFO retrying\n2025-03-20T10:00:07Z ERROR fourth failure\n")
	ingest("new", "2025-03-20T10:00:08Z ERROR fifth failure\n")
	expect(
		"2025-03-20 10:00:07.000 Error etl/0:4 2025-03-20T10:00:07Z ERROR fourth failure",
		"2025-03-20 10:00:08.000 Error new/0:1 2025-03-20T10:00:08Z ERROR fifth failure",
	)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Fatalf("query -f after Ctrl-C: %v, want exit status 130", err)
	}
	if l, ok := <-lines; ok {
		t.Errorf("query -f printed %q more", l)
	}

	r := runBin(t, "", env, "query", "-f", "level=Error | count")
	if r.code != 2 || !strings.Contains(r.stderr, "-f follows a filter: leave out the pipes") {
		t.Errorf("query -f with a pipe: %d %q", r.code, r.stderr)
	}
}
