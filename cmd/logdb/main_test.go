package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/internal/testutil"
)

// logdbBin is the logdb binary built once for the tests that run it as a
// user would.
var logdbBin string

// tempDirs are removed when the tests end.
var tempDirs []string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "logdb-bin")
	if err != nil {
		panic(err)
	}
	logdbBin = filepath.Join(dir, "logdb")
	out, err := exec.Command("go", "build", "-o", logdbBin, ".").CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	for _, d := range append(tempDirs, dir) {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// result is what a run of logdb printed and returned.
type result struct {
	stdout, stderr string
	code           int
}

// runBin runs the real binary with args and stdin in the environment given
// (LOGDB_DIR etc.).
func runBin(t *testing.T, stdin string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(logdbBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

// runMain runs the command line in process, through the same code as the
// binary.
func runMain(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := m.Run(context.Background(), args)
	return result{out.String(), errb.String(), code}
}

// startLines starts the binary with args in env, its stdout read a line at
// a time (see testutil.Lines) and its stderr into the builder returned.
func startLines(t *testing.T, env []string, args ...string) (*exec.Cmd, <-chan string, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(logdbBin, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &strings.Builder{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd, testutil.Lines(out), stderr
}

// expectLines fails unless the next lines are want, in order, each within
// 20 seconds.
func expectLines(t *testing.T, lines <-chan string, what string, want ...string) {
	t.Helper()
	for _, w := range want {
		select {
		case l := <-lines:
			if l != w {
				t.Fatalf("%s printed %q, want %q", what, l, w)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%s did not print %q", what, w)
		}
	}
}
