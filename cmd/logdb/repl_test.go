package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/client"
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
// results alone in raw format, errors with a caret on stderr and a marker
// line in their place on stdout, and exit status 1 when a statement failed.
func TestCLI_Repl_Script(t *testing.T) {
	env := []string{"LOGDB_DIR=" + replFixture(t)}
	r := runBin(t, "level=Error | count\n", env, "repl")
	if r.code != 0 || r.stdout != "2\n" || r.stderr != "" {
		t.Fatalf("count: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, "level=Bogus\n\\format json\nlevel=Error | count by job\n\\read build 0 4 1\n", env, "repl")
	wantOut := "error: 1:7: unknown level \"Bogus\" (want one of Trace, Debug, Info, Warn, Error, Fatal or an alias such as warning, err, E)\n" +
		`{"job":"build","count":1}` + "\n" + `{"job":"deploy","count":1}` + "\n" +
		`{"time":"2025-03-20T10:00:05.000000000Z","level":"Error","job":"build","attempt":0,"line":4,"msg":"compile failed: timeout after 30s","app":"billing"}` + "\n"
	if r.code != 1 || r.stdout != wantOut || !strings.Contains(r.stderr, "level=Bogus\n      ^\n") {
		t.Fatalf("script: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// Each statement has one answer in step: a count, a failure, a count.
	r = runBin(t, "level=Error | count\n\\nosuch\nlevel=Warn | count\n", env, "repl")
	if want := "2\nerror: unknown command \\nosuch (\\help lists them)\n1\n"; r.code != 1 || r.stdout != want ||
		!strings.Contains(r.stderr, "error: unknown command \\nosuch") {
		t.Fatalf("script with a failing command: %d\n got %q\nwant %q\n%s", r.code, r.stdout, want, r.stderr)
	}
	// Context lines are marked as grep -Hn -C marks them, in the shell too.
	r = runBin(t, "level=Error | context 0\n", env, "repl")
	if want := "build/0:4:compile failed: timeout after 30s\n--\ndeploy/0:2:connection reset by peer\n"; r.code != 0 || r.stdout != want {
		t.Fatalf("script with context: %d\n got %q\nwant %q\n%s", r.code, r.stdout, want, r.stderr)
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

// startTmux starts shell in a detached tmux session named repl, width by
// height cells, on a private server in dir that the test's end kills.
func startTmux(t *testing.T, tmux, dir string, width, height int, shell string) *tmuxSession {
	s := &tmuxSession{t: t, tmux: tmux, sock: filepath.Join(dir, "tmux.sock")}
	t.Cleanup(func() { exec.Command(tmux, "-S", s.sock, "kill-server").Run() })
	s.cmd("new-session", "-d", "-s", "repl", "-x", fmt.Sprint(width), "-y", fmt.Sprint(height), shell)
	return s
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
	shell := fmt.Sprintf("env LOGDB_DIR=%s LOGDB_HISTORY=%s LANG=C.UTF-8 TZ=UTC PAGER='less -R' %s; echo EXITED $?; sleep 60", data, hist, logdbBin)
	s := startTmux(t, tmux, tmp, 110, 30, shell)

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

// screenRows returns the screen's lines with each run of spaces made one,
// so that a row streamed by \follow reads the same however wide its
// columns have grown.
func screenRows(screen string) []string {
	var rows []string
	for _, l := range strings.Split(screen, "\n") {
		rows = append(rows, strings.Join(strings.Fields(l), " "))
	}
	return rows
}

// rowsInOrder reports whether the screen shows want as consecutive rows,
// each once.
func rowsInOrder(screen string, want []string) bool {
	rows := screenRows(screen)
	for _, w := range want {
		n := 0
		for _, r := range rows {
			if r == w {
				n++
			}
		}
		if n != 1 {
			return false
		}
	}
	for i, r := range rows {
		if r == want[0] {
			return i+len(want) <= len(rows) && slices.Equal(rows[i:i+len(want)], want)
		}
	}
	return false
}

// Ensure that \follow in the shell on a terminal, through logdb serve,
// shows a running run's last lines, then the lines another process
// appends while it runs, in order, and how the run ended when another
// process finishes it; and that Ctrl-C stops a follow through the server
// (its subscription closes there) and leaves the shell answering queries.
// One process owns a data directory, so the others go through the server.
func TestRepl_Tmux_FollowServer(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed (.ci/run installs it from Debian); skipping the end-to-end test of \\follow in the shell through logdb serve")
	}
	tmp := t.TempDir()
	srv := startServe(t, filepath.Join(tmp, "data"), nil) // killed by t.Cleanup
	ctx := context.Background()
	c, err := client.Dial(ctx, srv.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	// ingest appends lines to job's run from another process: the real
	// binary, through the server.
	ingest := func(job string, lines ...string) {
		t.Helper()
		r := runBin(t, strings.Join(lines, "\n")+"\n", nil, "--server", srv.addr, "ingest", "--job", job, "-")
		if r.code != 0 || !strings.Contains(r.stderr, "ingested "+plural(int64(len(lines)), "line")+" ") {
			t.Fatalf("ingest into %s: %d %q %q", job, r.code, r.stdout, r.stderr)
		}
	}
	// line is a line of the log as ingested, and row how \follow shows it.
	line := func(n int, level, msg string) string {
		return fmt.Sprintf("2025-03-20T02:00:%02dZ %s %s", n, strings.ToUpper(level), msg)
	}
	row := func(job string, n int, level, msg string) string {
		return fmt.Sprintf("2025-03-20 02:00:%02d.000 %s %s/0:%d %s", n, level, job, n, line(n, level, msg))
	}
	var backlog []string
	for i := 1; i <= 12; i++ {
		backlog = append(backlog, line(i, "Info", fmt.Sprintf("backlog line %d", i)))
	}
	ingest("nightly", backlog...)
	ingest("other", line(1, "Info", "other started"), line(2, "Info", "other working"))

	// clients waits until the server counts n connections: the shell's,
	// c's, and a follow's while one runs.
	clients := func(what string, n int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			info, err := c.Info(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if info["connected_clients"] == fmt.Sprint(n) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the server has %s connections, want %d", what, info["connected_clients"], n)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	shell := fmt.Sprintf("env LOGDB_HISTORY=off LANG=C.UTF-8 TZ=UTC NO_COLOR=1 %s --server %s; echo EXITED $?; sleep 60", logdbBin, srv.addr)
	s := startTmux(t, tmux, tmp, 110, 40, shell)
	s.waitText("logdb shell on logdb serve at " + srv.addr + ": 2 runs, 14 lines")
	s.waitFor("the prompt", func(sc string) bool { return lastLine(sc) == "logdb>" })
	clients("the shell at its prompt", 2)

	// \follow of the running nightly/0, its job completed by Tab from the
	// server's runs: the last 10 lines, and it waits for more.
	s.send("-l", `\follow nig`)
	s.send("Tab")
	s.waitFor("the job completed", func(sc string) bool { return lastLine(sc) == `logdb> \follow nightly` })
	s.send("Enter")
	s.waitText("following nightly/0 (running, 12 lines) · Ctrl-C stops")
	want := []string{`logdb> \follow nightly`, "following nightly/0 (running, 12 lines) · Ctrl-C stops"}
	for i := 3; i <= 12; i++ {
		want = append(want, row("nightly", i, "Info", fmt.Sprintf("backlog line %d", i)))
	}
	s.waitFor("the backlog, lines 3 to 12", func(sc string) bool { return rowsInOrder(sc, want) })
	clients("following", 3)

	// Another process appends, twice: the lines show as they come, after
	// the backlog and in order, and the follow goes on.
	ingest("nightly", line(13, "Info", "live line 13"), line(14, "Error", "live line 14 failed"))
	want = append(want, row("nightly", 13, "Info", "live line 13"), row("nightly", 14, "Error", "live line 14 failed"))
	s.waitFor("lines 13 and 14 after the backlog", func(sc string) bool { return rowsInOrder(sc, want) })
	ingest("nightly", line(15, "Warn", "live line 15"))
	want = append(want, row("nightly", 15, "Warn", "live line 15"))
	sc := s.waitFor("line 15 after line 14", func(sc string) bool { return rowsInOrder(sc, want) })
	if strings.Contains(sc, "nightly/0:1 ") || strings.Contains(sc, "nightly/0:2 ") || lastLine(sc) == "logdb>" {
		t.Fatalf("the follow showed more than the last 10 lines, or returned:\n%s", sc)
	}

	// Another process finishes the run: the follow ends with how, and the
	// prompt is back.
	if r := runBin(t, "", nil, "--server", srv.addr, "run", "finish", "--job", "nightly", "--status", "failed", "--exit", "2", "--message", "exit status 2"); r.code != 0 {
		t.Fatalf("run finish through the server: %d %q", r.code, r.stderr)
	}
	end := regexp.MustCompile(`^nightly/0 failed · exit 2: exit status 2 · 15 lines( in \S+)?$`)
	s.waitFor("how nightly/0 ended", func(sc string) bool {
		rows := screenRows(sc)
		i := slices.Index(rows, want[len(want)-1])
		return i >= 0 && i+2 < len(rows) && end.MatchString(rows[i+1]) && rows[i+2] == "logdb>"
	})
	clients("after the run ended", 2)

	// \follow of the running other/0, a line appended, then Ctrl-C: the
	// follow stops, its subscription closes, the shell answers a query,
	// and a line appended since does not show.
	s.send("C-l")
	s.typeLine(`\follow other`)
	s.waitText("following other/0 (running, 2 lines) · Ctrl-C stops")
	s.waitText("other/0:2")
	clients("following other/0", 3)
	ingest("other", line(3, "Info", "other still working"))
	want = []string{
		`logdb> \follow other`,
		"following other/0 (running, 2 lines) · Ctrl-C stops",
		row("other", 1, "Info", "other started"),
		row("other", 2, "Info", "other working"),
		row("other", 3, "Info", "other still working"),
	}
	s.waitFor("other/0 lines 1 to 3", func(sc string) bool { return rowsInOrder(sc, want) })
	s.send("C-c")
	want = append(want, "stopped following other/0", "logdb>")
	s.waitFor("the prompt after Ctrl-C", func(sc string) bool { return rowsInOrder(sc, want) && lastLine(sc) == "logdb>" })
	clients("after Ctrl-C", 2)
	ingest("other", line(4, "Info", "after the follow stopped"))
	s.typeLine("job=other | count")
	want = append(want[:len(want)-1], "logdb> job=other | count", "COUNT", "4")
	sc = s.waitFor("the count after Ctrl-C", func(sc string) bool { return rowsInOrder(sc, want) })
	if strings.Contains(sc, "after the follow stopped") {
		t.Fatalf("a line appended after Ctrl-C showed:\n%s", sc)
	}
	s.waitFor("the prompt after the query", func(sc string) bool { return lastLine(sc) == "logdb>" })
	s.typeLine(`\quit`)
	s.waitText("EXITED 0")
}

// Ensure that the shell's \export refuses the store's own files, on the
// directory and through a server on this machine, and keeps an existing
// file unless --force is given.
func TestCLI_Repl_ExportRefuses(t *testing.T) {
	dir := replFixture(t)
	manifest := filepath.Join(dir, "data", "MANIFEST")
	before, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "errors.log")
	script := "level=Error\n\\export " + manifest + "\n\\export " + out + "\n\\export " + out + "\n\\export --force " + out + "\n"
	r := runBin(t, script, []string{"LOGDB_DIR=" + dir}, "repl")
	if r.code != 1 || !strings.Contains(r.stderr, "inside a protected directory") || !strings.Contains(r.stderr, "use --force to overwrite it") {
		t.Fatalf("on the directory: %d %q", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(out); strings.Count(string(b), "\n") != 2 {
		t.Fatalf("errors.log = %q", b)
	}
	p := startServe(t, dir, nil)
	r = runBin(t, "level=Error\n\\export "+filepath.Join(dir, "data", "new.vlog")+"\n", []string{"LOGDB_SERVER=" + p.addr}, "repl")
	if r.code != 1 || !strings.Contains(r.stderr, "inside a protected directory") {
		t.Fatalf("through the server: %d %q", r.code, r.stderr)
	}
	if after, _ := os.ReadFile(manifest); !bytes.Equal(before, after) {
		t.Fatal("the MANIFEST changed")
	}
}
