package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// replFixture stores, in a new data directory:
//
//	build/0   6 lines, failed (exit 2: compile error)
//	deploy/0  3 lines, running
//	many/0    60 lines
func replFixture(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	db, err := engine.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	t0 := time.Date(2025, 3, 20, 10, 0, 0, 0, time.UTC)
	at := func(s int) int64 { return t0.Add(time.Duration(s) * time.Second).UnixNano() }
	es := []engine.Entry{
		{Job: "build", Time: at(0), Level: engine.Info, Message: "starting build"},
		{Job: "build", Time: at(1), Level: engine.Warn, Message: "cache miss for key abc"},
		{Job: "build", Time: at(2), Message: "compiling 42 files"},
		{Job: "build", Time: at(5), Level: engine.Error, Message: "compile failed: timeout after 30s", Labels: engine.Labels{{Name: "app", Value: "billing"}}},
		{Job: "build", Time: at(6), Message: ""},
		{Job: "build", Time: at(7), Level: engine.Info, Message: "done"},
		{Job: "deploy", Time: at(10), Level: engine.Info, Message: "deploying v1"},
		{Job: "deploy", Time: at(11), Level: engine.Error, Message: "connection reset by peer"},
		{Job: "deploy", Time: at(12), Level: engine.Info, Message: "waiting for rollout"},
	}
	for i := 1; i <= 60; i++ {
		es = append(es, engine.Entry{Job: "many", Time: at(100 + i), Level: engine.Debug, Message: fmt.Sprintf("step %d", i)})
	}
	if _, err := db.Append(ctx, es...); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, "build", 0, engine.RunResult{Status: engine.Failed, ExitCode: 2, Message: "compile error", Duration: 8 * time.Second}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Ensure that the shell scripts well: statements from standard input,
// results alone in raw format, errors with a caret on stderr, and exit
// status 1 when a statement failed.
func TestCLI_Repl_Script(t *testing.T) {
	env := []string{"LOGDB_DIR=" + replFixture(t)}
	r := runBin(t, "level=Error | count\n", env, "repl")
	if r.code != 0 || r.stdout != "2\n" || r.stderr != "" {
		t.Fatalf("count: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, "level=Bogus\n\\format json\nlevel=Error | count by job\n\\read build 0 4 1\n", env, "repl")
	wantOut := `{"job":"build","count":1}` + "\n" + `{"job":"deploy","count":1}` + "\n" +
		`{"time":"2025-03-20T10:00:05.000000000Z","level":"Error","job":"build","attempt":0,"line":4,"msg":"compile failed: timeout after 30s","app":"billing"}` + "\n"
	if r.code != 1 || r.stdout != wantOut || !strings.Contains(r.stderr, "level=Bogus\n      ^\n") {
		t.Fatalf("script: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// With --server the shell talks to logdb serve (serve_test.go); with
	// no server there it says so.
	r = runBin(t, "", append(env, "LOGDB_SERVER=127.0.0.1:1"), "repl")
	if r.code != 1 || !strings.Contains(r.stderr, "cannot connect to logdb server at 127.0.0.1:1") {
		t.Fatalf("--server: %d %q", r.code, r.stderr)
	}
	r = runBin(t, "", []string{"LOGDB_DIR=" + filepath.Join(t.TempDir(), "none")}, "repl")
	if r.code != 1 || !strings.Contains(r.stderr, "no data directory") {
		t.Fatalf("no store: %d %q", r.code, r.stderr)
	}
}

// tmuxSession drives a program in a detached tmux session of a fixed size
// on a private server.
type tmuxSession struct {
	t    *testing.T
	tmux string
	sock string
}

func (s *tmuxSession) cmd(args ...string) string {
	s.t.Helper()
	out, err := exec.Command(s.tmux, append([]string{"-S", s.sock, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// send types keys: literal text with "-l", or key names (Enter, Tab, C-c).
func (s *tmuxSession) send(keys ...string) {
	s.t.Helper()
	s.cmd(append([]string{"send-keys", "-t", "repl"}, keys...)...)
}

// typeLine types text and presses Enter.
func (s *tmuxSession) typeLine(text string) {
	s.t.Helper()
	s.send("-l", text)
	s.send("Enter")
}

// screen returns what the pane shows; with escapes, its colours too.
func (s *tmuxSession) screen(escapes bool) string {
	s.t.Helper()
	args := []string{"capture-pane", "-p", "-t", "repl"}
	if escapes {
		args = append(args, "-e")
	}
	return s.cmd(args...)
}

// waitFor waits until the screen satisfies ok and returns it.
func (s *tmuxSession) waitFor(what string, ok func(screen string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		sc := s.screen(false)
		if ok(sc) {
			return sc
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for %s; the screen:\n%s", what, sc)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitText waits until the screen shows text.
func (s *tmuxSession) waitText(text string) string {
	s.t.Helper()
	return s.waitFor(fmt.Sprintf("%q", text), func(sc string) bool { return strings.Contains(sc, text) })
}

// lastLine returns the last line of the screen that is not blank.
func lastLine(screen string) string {
	ls := strings.Split(strings.TrimRight(screen, "\n "), "\n")
	return ls[len(ls)-1]
}

// Ensure that the shell works as a person uses it, in a real terminal:
// 'logdb' alone opens it; a query shows a coloured table; Tab completes;
// a long result goes through the pager; \follow shows a run to its end, and
// Ctrl-C stops following a running one, and a \refresh, without leaving the
// shell; a mistake gets a caret; a query continues on an open parenthesis;
// the history is kept. (\follow of a run that another process appends to
// needs logdb serve: one process holds a data directory.)
func TestRepl_Tmux(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed (.ci/run installs it from Debian); skipping the end-to-end test of the shell")
	}
	data := replFixture(t)
	tmp := t.TempDir()
	hist := filepath.Join(tmp, "history")
	s := &tmuxSession{t: t, tmux: tmux, sock: filepath.Join(tmp, "tmux.sock")}
	t.Cleanup(func() { exec.Command(tmux, "-S", s.sock, "kill-server").Run() })
	shell := fmt.Sprintf("env LOGDB_DIR=%s LOGDB_HISTORY=%s LANG=C.UTF-8 TZ=UTC PAGER='less -R' %s; echo EXITED $?; sleep 60", data, hist, logdbBin)
	s.cmd("new-session", "-d", "-s", "repl", "-x", "110", "-y", "30", shell)

	s.waitText("logdb shell on " + data + ": 3 runs, 69 lines")
	s.waitFor("the prompt", func(sc string) bool { return lastLine(sc) == "logdb>" })

	// A query: a table with the level in colour and a row count.
	s.typeLine("level=Error")
	sc := s.waitText("(2 rows · ")
	for _, want := range []string{
		"#  TIME                     LEVEL  RUN         MSG",
		"1  2025-03-20 10:00:05.000  Error  build/0:4   compile failed: timeout after 30s",
		"2  2025-03-20 10:00:11.000  Error  deploy/0:2  connection reset by peer",
	} {
		if !strings.Contains(sc, want) {
			t.Errorf("screen lacks %q:\n%s", want, sc)
		}
	}
	if esc := s.screen(true); !strings.Contains(esc, "\x1b[31mError") {
		t.Errorf("Error is not red:\n%q", esc)
	}

	// \detail of a hit.
	s.typeLine(`\detail 1`)
	s.waitText("labels   app=billing")

	// Tab completion of a command, then \follow of a finished run: its
	// last lines and how it ended.
	s.send("-l", `\fol`)
	s.send("Tab")
	s.waitFor(`\fol completed`, func(sc string) bool { return lastLine(sc) == `logdb> \follow` })
	s.send("-l", "bui")
	s.send("Tab")
	s.waitFor(`the job completed`, func(sc string) bool { return lastLine(sc) == `logdb> \follow build` })
	s.send("Enter")
	s.waitText("build/0 failed · exit 2: compile error · 6 lines in 8s")

	// \follow of a running run waits for lines until Ctrl-C, which stops
	// it and not the shell.
	s.typeLine(`\follow deploy`)
	s.waitText("following deploy/0 (running, 3 lines) · Ctrl-C stops")
	s.waitText("deploy/0:3  waiting for rollout")
	time.Sleep(300 * time.Millisecond)
	if sc := s.screen(false); strings.Contains(sc, "stopped following") || lastLine(sc) == "logdb>" {
		t.Fatalf("\\follow of a running run returned:\n%s", sc)
	}
	s.send("C-c")
	s.waitText("stopped following deploy/0")
	s.waitFor("the prompt after Ctrl-C", func(sc string) bool { return lastLine(sc) == "logdb>" })

	// \refresh until Ctrl-C.
	s.typeLine(`\refresh 200ms level>=Warn | count`)
	s.waitText("every 200ms: level>=Warn | count")
	s.send("C-c")
	s.waitText("stopped refreshing")
	s.waitFor("the prompt after \\refresh", func(sc string) bool { return lastLine(sc) == "logdb>" })

	// A mistake: the query with a caret, and the shell goes on.
	s.send("C-l") // clear the screen, so that the caret is the only one
	s.typeLine("level=Bogus")
	sc = s.waitText(`unknown level "Bogus"`)
	if !strings.Contains(sc, "level=Bogus\n      ^\n") {
		t.Errorf("no caret under the mistake:\n%s", sc)
	}

	// A query continued on the next line, with the …> prompt.
	s.typeLine("(timeout")
	s.waitFor("the continuation prompt", func(sc string) bool { return lastLine(sc) == "    …>" })
	s.typeLine("OR reset)")
	s.waitText("(2 rows · ")

	// Ctrl-C at the prompt clears the line.
	s.send("-l", "half typed")
	s.send("C-c")
	s.waitFor("a fresh prompt", func(sc string) bool { return lastLine(sc) == "logdb>" })

	// A result taller than the screen goes through the pager.
	s.typeLine("job=many")
	s.waitFor("the pager", func(sc string) bool {
		return strings.Contains(sc, "many/0:1 ") && strings.HasPrefix(lastLine(sc), ":")
	})
	s.send("q")
	s.waitFor("the prompt after the pager", func(sc string) bool { return lastLine(sc) == "logdb>" })

	// \quit leaves; the history has the statements.
	s.typeLine(`\quit`)
	s.waitText("EXITED 0")
	b, err := os.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"level=Error\n", "\\follow build\n", "(timeout OR reset)\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("history lacks %q:\n%s", want, b)
		}
	}
}
